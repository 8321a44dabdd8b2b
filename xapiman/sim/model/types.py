"""XAPI type strings (as the datamodel spells them) parsed into small type objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class XType:
    """One XAPI type.

    Attributes:
        kind: "string", "int", "float", "bool", "datetime", "ref", "enum", "record", "set",
            "map", "option", "void" or "batch" (event.from's result).
        name: the class of a ref or record, the enum's name.
        item: element type of a set or option; key type of a map.
        value: value type of a map.
    """

    kind: str
    name: str = ""
    item: XType | None = None
    value: XType | None = None

    def __str__(self) -> str:
        return self.spelling


    @property
    def spelling(self) -> str:
        if self.kind in ("string", "int", "float", "bool", "datetime", "void"):
            return self.kind
        if self.kind == "ref":
            return f"{self.name} ref"
        if self.kind == "record":
            return f"{self.name} record"
        if self.kind == "enum":
            return f"enum {self.name}"
        if self.kind == "set":
            return f"{self.item} set"
        if self.kind == "option":
            return f"{self.item} option"
        if self.kind == "map":
            return f"({self.item} -> {self.value}) map"
        return "an event batch"


_SCALARS = {"string", "int", "float", "bool", "datetime", "void"}
_cache: dict[str, XType] = {}


def parse_type(text: str) -> XType:
    """Parse a datamodel type string such as "(VDI ref -> SR ref) map"."""
    cached = _cache.get(text)
    if cached is None:
        cached = _cache[text] = _parse(text.strip())
    return cached


def _parse(text: str) -> XType:
    if text in _SCALARS:
        return XType(text)
    if text == "an event batch":
        return XType("batch")
    if text.endswith(" map") and text.startswith("("):
        inner = text[1 : -len(") map")]
        key, value = _split_arrow(inner)
        return XType("map", item=_parse(key), value=_parse(value))
    for suffix, kind in ((" set", "set"), (" option", "option")):
        if text.endswith(suffix):
            return XType(kind, item=_parse(text[: -len(suffix)]))
    if text.endswith(" ref"):
        return XType("ref", name=text[: -len(" ref")])
    if text.endswith(" record"):
        return XType("record", name=text[: -len(" record")])
    if text.startswith("enum "):
        return XType("enum", name=text[len("enum ") :])
    raise ValueError(f"unknown XAPI type {text!r}")


def _split_arrow(inner: str) -> tuple[str, str]:
    depth = 0
    for i, ch in enumerate(inner):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and inner.startswith(" -> ", i):
            return inner[:i], inner[i + 4 :]
    raise ValueError(f"not a map type: ({inner}) map")
