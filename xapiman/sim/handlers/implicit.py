"""The implicit messages every class has: getters, setters, map and set edits, records, create."""

from __future__ import annotations

import re

from xapiman.sim.call import Call
from xapiman.sim.errors import Failure, internal_error
from xapiman.sim.model.spec import MODEL, MessageSpec


def public(record: dict) -> dict:
    """A record as get_record answers it: option fields that are unset are left out."""
    if None in record.values():
        return {k: v for k, v in record.items() if v is not None}
    return record


def run_implicit(call: Call, msg: MessageSpec, args: list[object]) -> object:
    db = call.db
    cls = msg.cls
    kind = msg.kind
    if kind == "get":
        return db.get(args[0], cls)[msg.field]
    if kind == "get_record":
        return public(db.get(args[0], cls))
    if kind == "get_all":
        return list(db.all(cls))
    if kind == "get_all_records":
        return {ref: public(rec) for ref, rec in db.all(cls).items()}
    if kind == "get_all_records_where":
        test = parse_where(str(args[0]))
        return {ref: public(rec) for ref, rec in db.all(cls).items() if test(rec)}
    if kind == "get_by_uuid":
        return db.by_uuid(cls, args[0])
    if kind == "get_by_name_label":
        return [ref for ref, rec in db.all(cls).items() if rec.get("name_label") == args[0]]
    if kind == "create":
        return create(call, cls, args[0])
    if kind == "destroy":
        with db.lock:
            db.get(args[0], cls)
            db.destroy(args[0])
        return None
    with db.lock:
        record = db.get(args[0], cls)
        field = msg.field
        assert field is not None
        current = record[field]
        if kind == "set":
            db.update(args[0], **{field: args[1]})
        elif kind == "add_to":
            key = args[1]
            if key in current:
                raise Failure("MAP_DUPLICATE_KEY", cls, field, record.get("uuid", ""), key)
            db.update(args[0], **{field: {**current, key: args[2]}})
        elif kind == "remove_from":
            if args[1] in current:
                db.update(args[0], **{field: {k: v for k, v in current.items() if k != args[1]}})
        elif kind == "add":
            if args[1] not in current:
                db.update(args[0], **{field: [*current, args[1]]})
        elif kind == "remove":
            if args[1] in current:
                db.update(args[0], **{field: [v for v in current if v != args[1]]})
        else:
            raise internal_error(f"no implicit rule for {msg.wire_name}")
    return None


def assert_mandatory(cls: str, args: dict) -> None:
    """xapi's error when a constructor record lacks one of the class's mandatory fields."""
    for name, mandatory in MODEL[cls].constructor:
        if mandatory and name not in args:
            raise internal_error(f"Server_error(Dispatcher_FieldNotFound, [{name}])")


def constructor_values(cls: str, args: dict) -> dict:
    """The members of a constructor record xapi reads: the class's constructor arguments
    (mandatory ones checked); anything else in the record is ignored."""
    assert_mandatory(cls, args)
    return {name: args[name] for name, _mandatory in MODEL[cls].constructor if name in args}


def create(call: Call, cls: str, args: dict) -> str:
    """The generic constructor."""
    return call.db.create(cls, constructor_values(cls, args))


# -- get_all_records_where expressions: field "name" = "value", and, or, not, true, false -----

_TOKEN = re.compile(r'\s*(?:(\()|(\))|(=)|"((?:[^"\\]|\\.)*)"|([A-Za-z_]+))')


def parse_where(expr: str):
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = expr.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise internal_error(f"Db_filter.Expression_error({expr!r})")
        pos = m.end()
        lpar, rpar, eq, string, word = m.groups()
        if lpar:
            tokens.append(("(", ""))
        elif rpar:
            tokens.append((")", ""))
        elif eq:
            tokens.append(("=", ""))
        elif string is not None:
            tokens.append(("str", string.replace('\\"', '"')))
        else:
            tokens.append(("word", word.lower()))
    parser = _WhereParser(tokens, expr)
    test = parser.disjunction()
    if parser.pos != len(tokens):
        raise internal_error(f"Db_filter.Expression_error({expr!r})")
    return test


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _WhereParser:
    def __init__(self, tokens: list[tuple[str, str]], expr: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.expr = expr

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def _take(self, kind: str, text: str = "") -> str:
        tok = self._peek()
        if tok[0] != kind or (text and tok[1] != text):
            raise internal_error(f"Db_filter.Expression_error({self.expr!r})")
        self.pos += 1
        return tok[1]

    def disjunction(self):
        left = self.conjunction()
        while self._peek() == ("word", "or"):
            self.pos += 1
            right = self.conjunction()
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left

    def conjunction(self):
        left = self.unary()
        while self._peek() == ("word", "and"):
            self.pos += 1
            right = self.unary()
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return left

    def unary(self):
        tok = self._peek()
        if tok == ("word", "not"):
            self.pos += 1
            inner = self.unary()
            return lambda r: not inner(r)
        if tok == ("word", "true"):
            self.pos += 1
            return lambda r: True
        if tok == ("word", "false"):
            self.pos += 1
            return lambda r: False
        if tok[0] == "(":
            self.pos += 1
            inner = self.disjunction()
            self._take(")")
            return inner
        return self.comparison()

    def _operand(self):
        if self._peek() == ("word", "field"):
            self.pos += 1
            name = self._take("str")
            return lambda r: _as_text(r.get(name, ""))
        value = self._take("str")
        return lambda r: value

    def comparison(self):
        left = self._operand()
        self._take("=")
        right = self._operand()
        return lambda r: left(r) == right(r)
