"""Typed record views facing odd field values (infinite, huge, negative, wrong type, empty):
every property gives a value, none raises."""

from __future__ import annotations

import inspect
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xapiman.scripting.verbs.vm import vm_rows
from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.records import base as records_base

VIEWS = sorted({cls for cls in records_base._VIEWS.values()}, key=lambda c: c.xapi_class)
REFS = [f"OpaqueRef:0000000{i}-fuzz" for i in range(3)]  # every class has an object at each


class _Recorder(dict):
    """An empty record that notes which fields a view reads."""

    def __init__(self, seen: set[str]) -> None:
        super().__init__()
        self.seen = seen

    def get(self, key, default=None):
        self.seen.add(key)
        return default

    def __getitem__(self, key):
        self.seen.add(key)
        raise KeyError(key)


def _members(kind) -> list[str]:
    """The public properties and argument-less methods of a view class."""
    names = []
    for name, member in inspect.getmembers(kind):
        if name.startswith("_") or name in ("get",):
            continue
        if isinstance(member, property):
            names.append(name)
        elif inspect.isfunction(member):
            params = list(inspect.signature(member).parameters.values())[1:]
            if all(p.default is not p.empty for p in params):
                names.append(name)
    return names


def _fields_read() -> dict[str, list[str]]:
    cache = ObjectCache()
    out = {}
    for kind in VIEWS:
        seen: set[str] = {"uuid", "name_label"}
        view = kind(cache, REFS[0], _Recorder(seen))
        for name in _members(kind):
            try:
                value = getattr(view, name)
                if callable(value):
                    value()
            except Exception:  # noqa: S110 - only discovering field names here
                pass
        out[kind.xapi_class] = sorted(seen)
    return out


FIELDS = _fields_read()

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["inf", "-inf", "nan", "1e999", "-1", "", "0x10", "OpaqueRef:NULL", "\x00",
                     "20250319T04:16:24Z", "99999999T99:99:99Z", "<value>oops", "Running",
                     "success", "failure", *REFS]),
    st.text(max_size=8),
)
odd = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.one_of(st.text(max_size=4), st.integers()),
                                            inner, max_size=3)),
    max_leaves=4,
)


def _record(cls: str) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(FIELDS[cls]), odd, max_size=6)


pools = st.fixed_dictionaries({
    kind.xapi_class: st.lists(_record(kind.xapi_class), min_size=len(REFS), max_size=len(REFS))
    for kind in VIEWS
})


def _failures(cache: ObjectCache) -> list[str]:
    failures = []
    for kind in VIEWS:
        for view in cache.objects(kind):
            for name in [*_members(kind), "__repr__"]:
                try:
                    value = getattr(view, name)
                    if callable(value):
                        value = value()
                    if isinstance(value, float):
                        assert math.isfinite(value) or name == "progress", "not finite"
                except Exception as exc:
                    failures.append(f"{kind.__name__}.{name}: {type(exc).__name__}: {exc}")
    try:
        vm_rows(cache)
    except Exception as exc:
        failures.append(f"vm_rows: {type(exc).__name__}: {exc}")
    return failures


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(pools)
def test_views_never_raise_on_odd_field_values(records) -> None:
    events = [{"class": cls.lower(), "operation": "add", "ref": ref, "snapshot": rec}
              for cls, recs in records.items() for ref, rec in zip(REFS, recs, strict=True)]
    cache = ObjectCache()
    cache.load(events)
    assert _failures(cache) == []


def test_every_view_is_fuzzed() -> None:
    assert {k.__name__ for k in VIEWS} >= {"VM", "Host", "SR", "VDI", "VBD", "Task", "Message",
                                          "Pool", "PIF", "VIF", "Network", "HostMetrics"}
    assert all(len(fields) > 2 for fields in FIELDS.values())
