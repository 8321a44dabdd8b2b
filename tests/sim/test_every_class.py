"""Every class of the datamodel answers its implicit messages over XML-RPC and JSON-RPC, with
xapi's errors for bad references, and shows in event.from, valid_ref_counts and listMethods."""

from __future__ import annotations

import pytest

from tests.sim.rpc import Failed, Wire
from xapiman.sim.db import NO_EVENTS
from xapiman.sim.model.spec import MODEL, ClassSpec, MessageSpec
from xapiman.sim.model.types import XType
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool

BAD_REF = "OpaqueRef:00000000-0000-0000-0000-00000000dead"
KEY = "xapiman-walk"


def walked_classes() -> list[str]:
    """The classes whose objects a client can list or look up (all but record-only ones)."""
    return [name for name, spec in MODEL.items() if "get_record" in spec.messages]


@pytest.fixture(scope="module")
def walk_pool():
    db = generate_pool(hosts=2, vms=4)
    for name in walked_classes():  # a plain object of each class the pool has none of
        if MODEL[name].in_database and not MODEL[name].removed and name != "role" \
                and not db.all(name):
            db.create(name, {"uuid": ""})
    with running_pool(db=db) as pool:
        yield pool


@pytest.fixture(scope="module", params=["xml", "json"])
def wire(request, walk_pool):
    w = Wire(walk_pool.url, request.param)
    w.login(walk_pool.user, walk_pool.password)
    yield w
    w.close()


def expect_failure(call, *args) -> list:
    with pytest.raises(Failed) as info:
        call(*args)
    return info.value.description


def sample(t: XType, walk_pool) -> object:
    """A value of type `t` (an existing object for a ref)."""
    if t.kind in ("map", "record"):
        return {}
    if t.kind == "set":
        return []
    if t.kind == "enum":
        from xapiman.sim.model.spec import ENUMS

        return ENUMS[t.name][-1]
    if t.kind == "ref":
        return next(iter(walk_pool.db.all(t.name)), NULL_REF)
    if t.kind == "int":
        return 7
    if t.kind == "float":
        return 0.5
    if t.kind == "datetime":
        return "20250601T12:00:00Z"
    if t.kind == "bool":
        return True
    return KEY


def accessors(spec: ClassSpec) -> list[MessageSpec]:
    return [m for m in spec.messages.values() if m.kind != "custom" and m.field is not None]


def edits(spec: ClassSpec) -> dict[str, set[str]]:
    """Writable fields and the implicit edits each has (set, add_to/remove_from, add/remove)."""
    out: dict[str, set[str]] = {}
    for msg in accessors(spec):
        if msg.kind != "get" and msg.lifecycle != "Removed_s":
            out.setdefault(msg.field, set()).add(msg.kind)
    return out


def edit_field(call, walk_pool, spec: ClassSpec, ref: str, field: str, kinds: set[str]) -> None:
    """Set the field to its value; add a key or item and remove it again."""
    name = spec.name
    getter = f"{name}.get_{field}"
    current = call(getter, ref)
    t = spec.fields[field].type
    if "set" in kinds:
        call(f"{name}.set_{field}", ref, current)
        assert call(getter, ref) == current, field
    if "add_to" in kinds:
        key, value = str(sample(t.item, walk_pool)), sample(t.value, walk_pool)
        assert key not in current
        call(f"{name}.add_to_{field}", ref, key, value)
        assert key in call(getter, ref), field
        duplicate = expect_failure(call, f"{name}.add_to_{field}", ref, key, value)
        assert duplicate == ["MAP_DUPLICATE_KEY", name, field, call(f"{name}.get_uuid", ref), key]
    if "remove_from" in kinds:
        key = str(sample(t.item, walk_pool))
        call(f"{name}.remove_from_{field}", ref, key)
        call(f"{name}.remove_from_{field}", ref, key)  # removing a missing key is no error
        assert key not in call(getter, ref), field
    if "add" in kinds:
        value = sample(t.item, walk_pool)
        call(f"{name}.add_{field}", ref, value)
        assert value in call(getter, ref), field
    if "remove" in kinds:
        value = sample(t.item, walk_pool)
        if value not in current:
            call(f"{name}.remove_{field}", ref, value)
            assert value not in call(getter, ref), field


def walk_one(wire: Wire, walk_pool, name: str) -> None:
    spec = MODEL[name]
    call = wire.call
    if spec.removed:  # a removed class: its removed messages answer MESSAGE_REMOVED
        for msg in spec.messages.values():
            args = [sample(p.type, walk_pool) for p in msg.params]
            if msg.params and msg.params[0].name == "self":
                args[0] = BAD_REF
            error = ["HANDLE_INVALID", name, BAD_REF] if msg.lifecycle != "Removed_s" \
                else ["MESSAGE_REMOVED"]
            assert expect_failure(call, msg.wire_name, *args) == error, msg.wire_name
        return
    if "get_all" in spec.messages:
        refs = call(f"{name}.get_all")
        records = call(f"{name}.get_all_records")
        assert sorted(refs) == sorted(records), name
        assert call(f"{name}.get_all_records_where", "true") == records, name
        assert refs, f"{name}: the pool has no object to walk"
        ref = refs[0]
        record = records[ref]
        assert call(f"{name}.get_record", ref) == record, name
    else:
        ref, record = None, None
    assert expect_failure(call, f"{name}.get_record", BAD_REF) == ["HANDLE_INVALID", name, BAD_REF]
    assert expect_failure(call, f"{name}.get_by_uuid", "no-such-uuid") == \
        ["UUID_INVALID", name, "no-such-uuid"]
    if record is None:
        return
    assert call(f"{name}.get_by_uuid", record["uuid"]) == ref, name
    if "get_by_name_label" in spec.messages:
        assert ref in call(f"{name}.get_by_name_label", record["name_label"]), name
    for msg in accessors(spec):
        args = [BAD_REF, *(sample(p.type, walk_pool) for p in msg.params[1:])]
        if msg.lifecycle == "Removed_s":
            assert expect_failure(call, msg.wire_name, *args) == ["MESSAGE_REMOVED"], msg.wire_name
            continue
        assert expect_failure(call, msg.wire_name, *args) == ["HANDLE_INVALID", name, BAD_REF], \
            msg.wire_name
        if msg.kind == "get" and msg.field in record:
            assert call(msg.wire_name, ref) == record[msg.field], msg.wire_name
    for field, kinds in edits(spec).items():
        edit_field(call, walk_pool, spec, ref, field, kinds)
    # what the map and set edits did is undone: the record is as it was
    after = call(f"{name}.get_record", ref)
    assert {k: v for k, v in after.items() if k != "allowed_operations"} == \
        {k: v for k, v in record.items() if k != "allowed_operations"}, name


@pytest.mark.parametrize("name", walked_classes())
def test_every_class_answers_its_implicit_messages(wire, walk_pool, name):
    walk_one(wire, walk_pool, name)


def test_every_class_is_in_events_counts_and_method_list(wire, walk_pool):
    batch = wire.call("event.from", ["*"], "", 0.0)
    seen = {e["class"] for e in batch["events"]}
    counts = batch["valid_ref_counts"]
    for name, spec in MODEL.items():
        lower = name.lower()
        if not spec.in_database:
            assert lower not in counts, name
            continue
        objects = len(walk_pool.db.all(name))
        assert int(counts[lower]) == objects, name
        if objects and name not in NO_EVENTS:
            assert lower in seen, name
    methods = set(wire.call_raw("system.listMethods", []))
    expected = {m.wire_name for spec in MODEL.values() for m in spec.messages.values()}
    assert expected <= methods


def test_unimplemented_custom_messages_answer_as_xapi_does(wire, walk_pool):
    """A custom message the simulator does not implement answers NOT_IMPLEMENTED [its name],
    as xapi does for functions it lacks; never MESSAGE_METHOD_UNKNOWN."""
    from xapiman.sim.dispatch import accessor_rule
    from xapiman.sim.handlers import HANDLERS

    unimplemented = [m for spec in MODEL.values() for m in spec.messages.values()
                     if m.kind == "custom" and (m.cls, m.name) not in HANDLERS
                     and accessor_rule(m) is None and m.lifecycle != "Removed_s" and m.session]
    assert unimplemented
    for msg in unimplemented:
        args = [sample(p.type, walk_pool) for p in msg.params]
        assert expect_failure(wire.call, msg.wire_name, *args) == \
            ["NOT_IMPLEMENTED", msg.wire_name], msg.wire_name
