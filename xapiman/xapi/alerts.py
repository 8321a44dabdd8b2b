"""The pool's alerts (XAPI `message` objects) as people read them: priority, title, object,
details; and filtering them. Shared by the Alerts view and `xapiman-cli alerts`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from xapiman.i18n import QT_TRANSLATE_NOOP, translate
from xapiman.xapi.datasources import Unit, format_value
from xapiman.xapi.records import Message

# xapi's priorities: 1 is the most urgent
CRITICAL, MAJOR, WARNING, MINOR, INFORMATION = 1, 2, 3, 4, 5
HIGH = (CRITICAL, MAJOR)  # a new alert of these priorities is announced

ACRONYMS = frozenset({"VM", "VMS", "HA", "SR", "CPU", "VDI", "VBD", "PIF", "VIF", "PBD", "NTP",
                      "IP", "WLB", "PVS", "XAPI", "VCPU", "VCPUS", "PCI", "GPU", "CBT", "SSL",
                      "TLS", "NIC", "LACP", "SM", "PV", "HVM"})
_ALARM = re.compile(r'<name value="([^"]*)"\s*/>\s*<value value="([^"]*)"\s*/>')
_TAGS = re.compile(r"<[^>]+>")


def priority_text(priority: int) -> str:
    words = {CRITICAL: translate("Alerts", "Critical"), MAJOR: translate("Alerts", "Major"),
             WARNING: translate("Alerts", "Warning"), MINOR: translate("Alerts", "Minor"),
             INFORMATION: translate("Alerts", "Information")}
    if priority in words:
        return words[priority]
    return translate("Alerts", "Priority {n}").format(n=priority) if priority else ""


def title(name: str) -> str:
    """An alert code as words: "HOST_CLOCK_SKEW_DETECTED" -> "Host clock skew detected"."""
    if name == "ALARM":
        return translate("Alerts", "Performance alarm")
    words = []
    for i, word in enumerate(w for w in name.split("_") if w):
        upper = word.upper()
        if upper in ACRONYMS:
            words.append("VMs" if upper == "VMS" else "vCPUs" if upper == "VCPUS" else
                         "vCPU" if upper == "VCPU" else upper)
        else:
            words.append(word.capitalize() if i == 0 else word.lower())
    return " ".join(words)


# performance alarm variables: (what it is, unit of the value, factor to that unit)
_VARIABLES = {
    "cpu_usage": (QT_TRANSLATE_NOOP("Alerts", "CPU usage"), Unit.FRACTION, 1.0),
    "network_usage": (QT_TRANSLATE_NOOP("Alerts", "Network usage"), Unit.BYTES_PER_S, 1.0),
    "disk_usage": (QT_TRANSLATE_NOOP("Alerts", "Disk usage"), Unit.BYTES_PER_S, 1.0),
    "memory_free_kib": (QT_TRANSLATE_NOOP("Alerts", "Free memory"), Unit.BYTES, 1024.0),
    "mem_usage": (QT_TRANSLATE_NOOP("Alerts", "Memory usage"), Unit.FRACTION, 1.0),
    "fs_usage": (QT_TRANSLATE_NOOP("Alerts", "File system usage"), Unit.FRACTION, 1.0),
    "log_fs_usage": (QT_TRANSLATE_NOOP("Alerts", "Log file system usage"), Unit.FRACTION, 1.0),
    "sr_physical_utilisation": (QT_TRANSLATE_NOOP("Alerts", "SR usage"), Unit.FRACTION, 1.0),
    "sr_io_throughput_total_per_host": (QT_TRANSLATE_NOOP("Alerts", "SR throughput"),
                                        Unit.BYTES_PER_S, 1048576.0),
}


def details(body: str) -> str:
    """A message body as one readable line (performance alarms say what reached what)."""
    match = _ALARM.search(body)
    if match:
        name, value = match.groups()
        known = _VARIABLES.get(name)
        try:
            number = float(value)
        except ValueError:
            return f"{name.replace('_', ' ')}: {value}"
        if known is None:
            return translate("Alerts", "{what} reached {value}").format(
                what=name.replace("_", " "), value=f"{number:g}")
        what, unit, factor = known
        return translate("Alerts", "{what} reached {value}").format(
            what=translate("Alerts", what), value=format_value(number * factor, unit))
    return " ".join(_TAGS.sub(" ", body).split())


@dataclass(frozen=True)
class Alert:
    """One alert of a pool, ready to show.

    Attributes:
        ref: the message ref; pool: the connection's name; priority: 1 (critical) .. 5.
        time: when it was raised (UTC, None when unknown); about: the object's name (or its
            class when the object is gone); about_ref: its ref when it is in the cache.
    """

    pool: str
    ref: str
    uuid: str
    name: str
    priority: int
    time: datetime.datetime | None
    cls: str
    obj_uuid: str
    about: str
    about_ref: str | None
    body: str

    @property
    def title(self) -> str:
        return title(self.name)

    @property
    def details(self) -> str:
        return details(self.body)

    @property
    def priority_text(self) -> str:
        return priority_text(self.priority)

    def as_json(self) -> dict[str, object]:
        return {"pool": self.pool, "uuid": self.uuid, "name": self.name,
                "title": self.title, "priority": self.priority,
                "time": self.time.isoformat() if self.time else None, "class": self.cls,
                "obj_uuid": self.obj_uuid, "about": self.about, "details": self.details,
                "body": self.body}


def alerts_in(cache, pool: str = "") -> list[Alert]:
    """Every alert of one pool's cache, newest first."""
    out = []
    for ref, raw in cache.records("message").items():
        message = Message(cache, ref, raw)
        subject = message.subject
        about_ref = cache.ref_of_uuid(message.obj_class, message.obj_uuid)
        if subject is not None:
            about = getattr(subject, "name", "") or message.obj_class
        elif message.obj_class == "Pool":
            about = translate("Alerts", "Pool")
        else:
            about = message.obj_class
        out.append(Alert(pool, ref, message.uuid, message.name, message.priority,
                         message.timestamp, message.obj_class, message.obj_uuid, about,
                         about_ref, message.body))
    return newest_first(out)


def newest_first(alerts: Iterable[Alert]) -> list[Alert]:
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return sorted(alerts, key=lambda a: (a.time or epoch, -a.priority), reverse=True)


@dataclass(frozen=True)
class AlertFilter:
    """Which alerts to show.

    Attributes:
        pools: connection names (empty: all); text: in the title, object or details;
        max_priority: show priorities up to this one (1 = critical only, 5 = all);
        since: only alerts raised after this time (None: any time).
    """

    pools: frozenset[str] = frozenset()
    text: str = ""
    max_priority: int = INFORMATION
    since: datetime.datetime | None = None

    def keeps(self, alert: Alert) -> bool:
        if self.pools and alert.pool not in self.pools:
            return False
        if alert.priority > self.max_priority:
            return False
        if self.since is not None and (alert.time is None or alert.time < self.since):
            return False
        if self.text:
            needle = self.text.casefold()
            return any(needle in s.casefold() for s in (alert.title, alert.about, alert.details,
                                                       alert.name, alert.obj_uuid))
        return True
