"""Python values of XAPI types as the simulator keeps them, and their zero values and defaults.

Representation: string, uuid, enum and ref are `str`; int is `int`; float is `float`; bool is
`bool`; datetime is `DateTime` (a `str` in xapi's `YYYYMMDDTHH:MM:SSZ` form); set is `list`;
map is `dict` with `str` keys (as on the wire) and typed values.
"""

from __future__ import annotations

import re
import time

from xapiman.sim.model.types import XType

NULL_REF = "OpaqueRef:NULL"
NEVER = "19700101T00:00:00Z"


class DateTime(str):
    """A XAPI datetime, kept in its wire spelling `YYYYMMDDTHH:MM:SSZ` (UTC)."""

    __slots__ = ()


class Int32(int):
    """An int sent as XML-RPC `<i4>` (only `valid_ref_counts` in event.from uses it)."""

    __slots__ = ()


def now() -> DateTime:
    return DateTime(time.strftime("%Y%m%dT%H:%M:%SZ", time.gmtime()))


def datetime_of(seconds: float) -> DateTime:
    return DateTime(time.strftime("%Y%m%dT%H:%M:%SZ", time.gmtime(seconds)))


def zero(t: XType, enums: dict[str, tuple[str, ...]]) -> object:
    """The value a field of type `t` has when nothing set it."""
    kind = t.kind
    if kind == "string":
        return ""
    if kind == "int":
        return 0
    if kind == "float":
        return 0.0
    if kind == "bool":
        return False
    if kind == "datetime":
        return DateTime(NEVER)
    if kind == "ref":
        return NULL_REF
    if kind == "enum":
        return enums[t.name][0]
    if kind == "set":
        return []
    if kind == "map":
        return {}
    if kind in ("option", "record"):
        return None  # event.snapshot; options are left out of records when empty
    raise ValueError(f"no zero value for {t}")


_ATOM = re.compile(r'"((?:[^"\\]|\\.)*)"|([^\s{},"]+)')


def parse_default(text: str, t: XType, enums: dict[str, tuple[str, ...]]) -> object:
    """Parse a default as the datamodel prints it (`""`, `{}`, `false`, `0.`, `{"a" -> "b"}`)."""
    kind = t.kind
    if kind in ("set", "map"):
        body = text.strip()
        if not (body.startswith("{") and body.endswith("}")):
            raise ValueError(f"bad default {text!r} for {t}")
        atoms = [
            m.group(1) if m.group(1) is not None else m.group(2)
            for m in _ATOM.finditer(body[1:-1].replace("->", " "))
        ]
        assert t.item is not None
        if kind == "set":
            return [parse_default(a, t.item, enums) for a in atoms]
        assert t.value is not None
        return {
            str(parse_default(atoms[i], t.item, enums)): parse_default(atoms[i + 1], t.value, enums)
            for i in range(0, len(atoms) - 1, 2)
        }
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = text[1:-1].replace('\\"', '"')
    if kind == "string":
        return text
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text == "true"
    if kind == "datetime":
        return DateTime(text)
    if kind == "ref":
        return NULL_REF if text == "Null" else text
    if kind == "enum":
        values = enums[t.name]
        if text not in values:
            raise ValueError(f"default {text!r} is not a value of enum {t.name}")
        return text
    if kind == "option":
        return None
    raise ValueError(f"bad default {text!r} for {t}")
