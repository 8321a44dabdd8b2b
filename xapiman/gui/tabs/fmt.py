"""How tab pages write sizes, times, durations and yes/no values for people."""

from __future__ import annotations

import datetime

from xapiman.i18n import translate
from xapiman.xapi import alerts
from xapiman.xapi.records import as_float, as_int, as_time

KiB = 1024
MiB = KiB**2
GiB = KiB**3
TiB = KiB**4


def _trim(number: float) -> str:
    """One decimal, without a trailing ".0" (8 -> "8", 1.5 -> "1.5")."""
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def size(value: object) -> str:
    """Bytes as a readable size: "512 MiB", "8 GiB", "1.5 GiB", "2 TiB" ("" when unknown)."""
    if value is None or value == "":
        return ""
    number = as_int(value, -1)
    if number < 0:
        return ""
    if number >= TiB:
        return f"{_trim(number / TiB)} TiB"
    if number >= GiB:
        return f"{_trim(number / GiB)} GiB"
    if number >= MiB:
        return f"{number // MiB} MiB"
    if number >= KiB:
        return f"{number // KiB} KiB"
    return f"{number} B"


def percent(part: float, whole: float) -> str:
    if whole <= 0:
        return ""
    return f"{100 * part / whole:.0f}%"


def used_of(used: int, total: int) -> str:
    """"1.2 TiB used of 8 TiB (15%)"."""
    if total <= 0:
        return translate("Values", "{used} used").format(used=size(used)) if used else \
            translate("Values", "empty")
    return translate("Values", "{used} used of {total} ({percent})").format(
        used=size(used), total=size(total), percent=percent(used, total))


def local_time(value: object) -> str:
    """An XAPI time (or datetime) in the local zone: "2025-06-01 14:23" ("" for never)."""
    moment = as_time(value)
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def duration(seconds: float) -> str:
    """A length of time in words, two units at most: "3 days 4 hours", "12 minutes"."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    for amount, one, many in (
            (days, translate("Values", "1 day"), translate("Values", "{n} days")),
            (hours, translate("Values", "1 hour"), translate("Values", "{n} hours")),
            (minutes, translate("Values", "1 minute"), translate("Values", "{n} minutes"))):
        if amount:
            parts.append(one if amount == 1 else many.format(n=amount))
    if not parts:
        return translate("Values", "less than a minute")
    return " ".join(parts[:2])


def since(start: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """How long ago `start` was, in words ("" when unknown)."""
    if start is None:
        return ""
    now = now or datetime.datetime.now(datetime.UTC)
    return duration((now - start).total_seconds())


def epoch_time(value: object) -> datetime.datetime | None:
    """A Unix time as xapi keeps it in other_config ("1717990000."); None when unreadable."""
    number = as_float(value, -1.0)
    if number <= 0:
        return None
    return datetime.datetime.fromtimestamp(number, datetime.UTC)


def yes_no(value: object) -> str:
    return translate("Values", "Yes") if value else translate("Values", "No")


def power(state: str) -> str:
    words = {"Running": translate("Values", "Running"),
             "Halted": translate("Values", "Shut down"),
             "Suspended": translate("Values", "Suspended"),
             "Paused": translate("Values", "Paused")}
    return words.get(state, state or translate("Values", "Unknown"))


def priority(value: object) -> str:
    return alerts.priority_text(as_int(value))


def alert_title(name: str) -> str:
    """An alert code as words: "HOST_CLOCK_SKEW_DETECTED" -> "Host clock skew detected"."""
    return alerts.title(name)
