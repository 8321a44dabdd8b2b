"""Memory and disk sizes as people write them ("4GiB", "512M", "1.5 TiB") and read them, and
the numbers of XAPI records (sizes and counts, sent as strings over XML-RPC)."""

from __future__ import annotations

import re

from xapiman.i18n import translate

KiB, MiB, GiB, TiB = 1024, 1024**2, 1024**3, 1024**4
# binary units; "GB" is read as GiB, as memory and disk sizes are meant in XenServer's tools
UNITS = {"": 0, "b": 1, "k": KiB, "kb": KiB, "kib": KiB, "m": MiB, "mb": MiB, "mib": MiB,
         "g": GiB, "gb": GiB, "gib": GiB, "t": TiB, "tb": TiB, "tib": TiB}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*\Z")


class SizeError(ValueError):
    """A size that cannot be read (the message says how to write one)."""


def as_int(value: object, default: int = 0) -> int:
    """A record's number (XAPI sends int64 values as strings over XML-RPC), or `default` when
    it is missing or not a whole number."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int | str | float):
        try:
            return int(value)
        except (TypeError, ValueError, OverflowError):
            return default
    return default


def parse_size(text: str) -> int:
    """Bytes of a size such as "4GiB", "512 MiB", "1.5T" (units are binary).

    Raises:
        SizeError: no number, an unknown unit, or a number without a unit (other than 0).
    """
    match = _SIZE.match(str(text))
    if match is None:
        raise SizeError(translate("Sizes", "'{text}' is not a size; write it like 4GiB or "
                                  "512MiB.").format(text=text))
    number, unit = match.groups()
    factor = UNITS.get(unit.lower())
    if factor is None:
        raise SizeError(translate("Sizes", "'{unit}' is not a unit; use MiB, GiB or "
                                  "TiB.").format(unit=unit))
    if factor == 0:
        if float(number) == 0:
            return 0
        raise SizeError(translate("Sizes", "'{text}' needs a unit: 4GiB, 512MiB ...").format(
            text=text.strip()))
    return int(float(number) * factor)


def format_size(value: int) -> str:
    """A size for people: "4 GiB", "1.5 GiB", "512 MiB", "2 TiB"."""
    for unit, factor in (("TiB", TiB), ("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if abs(value) >= factor:
            amount = value / factor
            text = f"{amount:.0f}" if amount == int(amount) else f"{amount:.1f}"
            return f"{text} {unit}"
    return translate("Sizes", "{n} bytes").format(n=value)
