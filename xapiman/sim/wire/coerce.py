"""Check and convert call arguments to the declared XAPI types, accepting what xapi accepts."""

from __future__ import annotations

import re

from xapiman.sim.errors import Failure, internal_error
from xapiman.sim.model.spec import ENUMS, MODEL
from xapiman.sim.model.types import XType
from xapiman.sim.model.values import DateTime

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_INT = re.compile(r"-?[0-9]+\Z")
_DATETIME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]00:?00)?\Z")
_ENUM_INDEX = {name: {v.lower(): v for v in values} for name, values in ENUMS.items()}


def _mismatch(expected: str, value: object) -> Failure:
    return internal_error(f"Rpc.Runtime_error(\"{expected}\", {value!r})")


def coerce(value: object, t: XType) -> object:
    """`value` as type `t`, or a Failure with xapi's error for a wrong type."""
    kind = t.kind
    if kind == "string":
        if isinstance(value, str):
            return value
        raise _mismatch("string", value)
    if kind == "ref":
        if isinstance(value, str):
            return value
        raise _mismatch("ref", value)
    if kind == "int":
        if isinstance(value, bool):
            raise _mismatch("int", value)
        if isinstance(value, str) and _INT.match(value):
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            raise _mismatch("int", value)
        if not INT64_MIN <= number <= INT64_MAX:  # xapi's ints are 64-bit
            raise _mismatch("int", value)
        return number
    if kind == "float":
        if isinstance(value, bool):
            raise _mismatch("float", value)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise _mismatch("float", value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise _mismatch("bool", value)
    if kind == "datetime":
        if isinstance(value, str):
            m = _DATETIME.match(value)
            if m:
                y, mo, d, h, mi, s, _ = m.groups()
                return DateTime(f"{y}{mo}{d}T{h}:{mi}:{s}Z")
        raise _mismatch("datetime", value)
    if kind == "enum":
        if isinstance(value, str):
            found = _ENUM_INDEX[t.name].get(value.lower())
            if found is not None:
                return found
            raise Failure("INVALID_VALUE", t.name, value)
        raise _mismatch(t.name, value)
    if kind == "set":
        if isinstance(value, list):
            assert t.item is not None
            return [coerce(v, t.item) for v in value]
        raise _mismatch("set", value)
    if kind == "map":
        if isinstance(value, dict):
            assert t.item is not None and t.value is not None
            return {_key(k, t.item): coerce(v, t.value) for k, v in value.items()}
        raise _mismatch("map", value)
    if kind == "record":
        if isinstance(value, dict):
            return coerce_record(value, t.name)
        raise _mismatch("record", value)
    if kind == "option":
        assert t.item is not None
        return None if value is None else coerce(value, t.item)
    raise _mismatch(str(t), value)


def _key(key: object, t: XType) -> str:
    """Map keys are kept as strings, as on the wire; enum keys in their exact spelling."""
    value = coerce(key, t) if not (t.kind == "int" and isinstance(key, str)) else key
    if t.kind == "int" and isinstance(key, str) and not _INT.match(key):
        raise _mismatch("int", key)
    return str(value)


def coerce_record(value: dict, cls: str) -> dict[str, object]:
    """The known fields of a record argument, converted; unknown members are ignored as by xapi."""
    fields = MODEL[cls].fields
    out: dict[str, object] = {}
    for name, v in value.items():
        spec = fields.get(name)
        if spec is not None:
            out[name] = coerce(v, spec.type)
    return out
