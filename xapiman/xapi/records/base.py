"""The typed-view base: field parsing (XML-RPC strings or JSON numbers) and ref resolution."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from xapiman.xapi.refs import NULL_REF

if TYPE_CHECKING:
    from xapiman.xapi.cache import ObjectCache

R = TypeVar("R", bound="Record")

NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_LONGEST_NUMBER = 64  # characters: longer "numbers" are not parsed (int() of huge text is slow)


def as_int(value: object, default: int = 0) -> int:
    """An XAPI int: JSON-RPC sends a number, XML-RPC a decimal string. Anything that is not
    a finite number (inf, nan, text, a list ...) gives `default`."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else default
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _LONGEST_NUMBER:
            return default
        try:
            return int(text)
        except ValueError:
            number = as_float(text, math.nan)
            return int(number) if math.isfinite(number) else default
    return default


def as_float(value: object, default: float = 0.0) -> float:
    """An XAPI float (a number, or a string over XML-RPC); `default` when not finite."""
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int beyond the range of floats
            return default
    elif isinstance(value, str) and len(value) <= _LONGEST_NUMBER:
        try:
            number = float(value)
        except ValueError:
            return default
    else:
        return default
    return number if math.isfinite(number) else default


def as_text(value: object) -> str:
    """A string field; other scalars as text, None and containers as ""."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, list | tuple | dict | set):
        return ""
    return str(value)


def as_map(value: object) -> dict[str, str]:
    """A (string -> string) map: other keys and values as text, anything else as {}."""
    if not isinstance(value, Mapping):
        return {}
    return {as_text(k): as_text(v) for k, v in value.items()}


def as_strings(value: object) -> tuple[str, ...]:
    """A string set or list: the strings in it (anything else is left out)."""
    if not isinstance(value, list | tuple | set | frozenset):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def as_time(value: object) -> datetime.datetime | None:
    """An XAPI datetime ("20250319T04:16:24Z", dashes optional, no zone = UTC); None for
    "never" (the epoch) and unreadable values."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str) and value:
        text = value.strip().replace("Z", "+00:00")
        if len(text) >= 8 and text[:8].isdigit():  # basic date: 20250319T...
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return None if moment <= NEVER else moment


def as_ref(value: object) -> str | None:
    """The ref in a field, None for the null reference or an empty value."""
    if isinstance(value, str) and value and value != NULL_REF:
        return value
    return None


class Record:
    """A typed, read-only view of one cached record.

    A view holds the record it was made from (records are never changed in place, so it is
    a consistent snapshot); relations are looked up in the cache when asked, so they are
    current. Get fresh views from the cache after a change notification.

    Attributes:
        cache: the cache the record comes from.
        ref: the object's reference.
        raw: the record as received (dict of field name -> wire value).
        xapi_class: the datamodel class name ("VM", "host" ...).
    """

    __slots__ = ("cache", "ref", "raw")
    xapi_class: ClassVar[str] = ""

    def __init__(self, cache: ObjectCache, ref: str, raw: dict) -> None:
        self.cache = cache
        self.ref = ref
        self.raw = raw

    def __getitem__(self, name: str) -> Any:
        return self.raw[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.raw.get(name, default)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and other.ref == self.ref and other.raw is self.raw

    def __hash__(self) -> int:
        return hash(self.ref)

    def __repr__(self) -> str:
        name = self.raw.get("name_label")
        label = f" {name!r}" if isinstance(name, str) else ""
        return f"<{type(self).__name__} {self.ref}{label}>"

    # -- fields every class has -------------------------------------------------------------

    @property
    def uuid(self) -> str:
        return self._str("uuid")

    @property
    def name(self) -> str:
        """name_label (empty for classes without one)."""
        return self._str("name_label")

    @property
    def description(self) -> str:
        return self._str("name_description")

    @property
    def other_config(self) -> dict[str, str]:
        return self._map("other_config")

    @property
    def tags(self) -> tuple[str, ...]:
        return as_strings(self.raw.get("tags"))

    @property
    def allowed_operations(self) -> frozenset[str]:
        return frozenset(as_strings(self.raw.get("allowed_operations")))

    @property
    def current_operations(self) -> dict[str, str]:
        """task ref -> operation running on this object now."""
        return self._map("current_operations")

    def can(self, operation: str) -> bool:
        """Whether xapi currently allows `operation` on this object (allowed_operations)."""
        return operation in self.allowed_operations

    # -- helpers for subclasses -------------------------------------------------------------

    def _int(self, name: str) -> int:
        return as_int(self.raw.get(name))

    def _float(self, name: str) -> float:
        return as_float(self.raw.get(name))

    def _bool(self, name: str) -> bool:
        return as_bool(self.raw.get(name))

    def _str(self, name: str) -> str:
        return as_text(self.raw.get(name))

    def _time(self, name: str) -> datetime.datetime | None:
        return as_time(self.raw.get(name))

    def _map(self, name: str) -> dict[str, str]:
        return as_map(self.raw.get(name))

    def _refs(self, name: str) -> tuple[str, ...]:
        """The refs in a ref-set field (the null ref and anything that is not one left out)."""
        return tuple(ref for ref in as_strings(self.raw.get(name)) if as_ref(ref) is not None)

    # The related object's view class is named by its XAPI class ("VM", "host" ...) and
    # found through the registry below: the view modules need not import each other. The
    # properties that use these helpers declare what they return.

    def _one(self, kind: str, name: str) -> Any:
        """The view of the `kind` object whose ref is in field `name` (None: null or gone)."""
        ref = as_ref(self.raw.get(name))
        return self.cache.find(view_class(kind), ref) if ref is not None else None

    def _many(self, kind: str, refs: Iterable[object]) -> list[Any]:
        """Views of the `kind` objects `refs` that are in the cache, sorted by name then ref."""
        view = view_class(kind)
        views = [v for v in (self.cache.find(view, r) for r in refs if isinstance(r, str))
                 if v is not None]
        views.sort(key=lambda v: (v.name.lower(), v.ref))
        return views

    def _referrers(self, kind: str, field: str) -> list[Any]:
        """Views of the `kind` objects whose `field` points at this object (from the cache's
        index)."""
        return self._many(kind, self.cache.referrers(kind, field, self.ref))


_VIEWS: dict[str, type[Record]] = {}


def register(kind: type[R]) -> type[R]:
    """Class decorator: `kind` is the view for its `xapi_class`."""
    _VIEWS[kind.xapi_class.lower()] = kind
    return kind


def view_class(cls: str) -> type[Record]:
    """The view class for a class name (any case); Record when it has none of its own."""
    return _VIEWS.get(cls.lower(), Record)
