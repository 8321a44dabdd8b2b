"""The pool's General and Summary tabs: its settings, servers, VM counts and shared storage."""

from __future__ import annotations

from collections import Counter

from PyQt6.QtWidgets import QVBoxLayout, QWidget

from xapiman.gui.icons import icon
from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import EDIT_BUTTONS, GONE, PropertiesPage, WatchedPage, common_rows
from xapiman.gui.tabs.host_general import host_state, running_vm_count
from xapiman.gui.tabs.lists import RefList, Row
from xapiman.gui.tabs.property_names import shown_value
from xapiman.gui.tabs.widgets import (
    PropertyForm,
    Section,
    Usage,
    scrolled_column,
    section_heading,
)
from xapiman.i18n import translate
from xapiman.xapi.records import SR, Host, Pool, as_bool

STATES = ("Running", "Halted", "Suspended", "Paused")


def _vm_key(record: dict) -> tuple:
    return (record.get("power_state"), record.get("resident_on"), record.get("is_a_template"))


@page
class PoolGeneralPage(PropertiesPage):
    title = "General"
    kinds = frozenset({"connection"})
    order = 0
    buttons = EDIT_BUTTONS[:2]

    def sections(self, record: dict) -> list[Section]:
        pool = self.view(Pool, record)
        self.watch.any_of("host").any_of("sr")
        master, default = pool.master, pool.default_sr
        rows = common_rows(record)[:3]
        rows[0] = ("Name", pool.name)
        hosts = self.cache.count("host")
        return [
            ("General", rows + [
                ("Coordinator", f"{master.name} ({master.address})" if master else "Unknown"),
                ("Servers", str(hosts)),
                ("Default storage", default.name if default is not None else "None"),
                ("High availability", "On" if pool.ha_enabled else "Off"),
                ("UUID", pool.uuid),
            ]),
        ]


@page
class PoolSummaryPage(WatchedPage):
    title = "Summary"
    kinds = frozenset({"connection"})
    order = 5

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        box = scrolled_column(self)
        self.form = PropertyForm()
        box.addWidget(self.form)
        servers = QWidget()
        column = QVBoxLayout(servers)
        column.setContentsMargins(8, 0, 8, 8)
        for part in section_heading(translate("Properties", "Servers")):
            column.addWidget(part)
        self.hosts = RefList("poolHosts", [
            translate("Properties", "Name"), translate("Properties", "State"),
            translate("Properties", "Role"), translate("Properties", "CPUs"),
            translate("Properties", "Memory use"), translate("Properties", "Running VMs"),
            translate("Properties", "Address")])
        column.addWidget(self.hosts)
        box.addWidget(servers)
        self.totals = PropertyForm()
        self.totals.setObjectName("poolTotals")
        box.addWidget(self.totals)
        box.addStretch(1)
        self._vm_keys: dict[str, tuple] = {}

    def concerned(self, change) -> bool:
        if super().concerned(change):
            return True
        if change.added_in("vm") or change.removed_in("vm"):
            return True
        for ref in change.changed_in("vm"):
            record = self.cache.record("vm", ref)
            if record is not None and self._vm_keys.get(ref) != _vm_key(record):
                return True
        return False

    def refresh(self) -> None:
        watch = self.new_watch()
        for cls in ("pool", "host", "host_metrics", "sr", "pbd"):
            watch.any_of(cls)
        pool = self.cache.find(Pool, self.ref)
        if pool is None:
            self.form.set_message(GONE)
            self.totals.set_sections([])
            self.hosts.sync([])
            return
        counts: Counter[str] = Counter()
        keys: dict[str, tuple] = {}
        for ref, record in self.cache.records("vm").items():
            keys[ref] = _vm_key(record)
            if as_bool(record.get("is_control_domain")):
                continue
            if as_bool(record.get("is_a_snapshot")):
                counts["snapshots"] += 1
            elif as_bool(record.get("is_a_template")):
                if not as_bool(record.get("is_default_template")):
                    counts["templates"] += 1
            else:
                counts[str(record.get("power_state", ""))] += 1
        self._vm_keys = keys
        hosts = sorted(self.cache.objects(Host), key=lambda h: h.name.lower())
        self.form.set_sections([self._pool_section(pool, hosts)])
        self.totals.set_sections([self._vm_section(counts), self._memory_section(hosts),
                                  self._storage_section(pool)])
        self.form.set_label_width(150)
        self.totals.set_label_width(150)
        width = max(self.form.label_width(), self.totals.label_width())
        self.form.set_label_width(width)
        self.totals.set_label_width(width)
        self.hosts.sync([self._host_row(host) for host in hosts])
        self.hosts.fit_height()

    def _pool_section(self, pool: Pool, hosts: list[Host]) -> Section:
        master = pool.master
        states = Counter(host_state(h) for h in hosts)
        if set(states) == {"Enabled"}:
            detail = translate("Values", "all enabled") if len(hosts) > 1 else \
                translate("Values", "enabled")
        else:
            detail = ", ".join(translate("Values", "{count} {state}").format(
                count=n, state=shown_value(s).lower()) for s, n in sorted(states.items()))
        default = pool.default_sr
        return ("Pool", [
            ("Coordinator", f"{master.name} ({master.address})" if master else "Unknown"),
            ("Servers", f"{len(hosts)} ({detail})" if hosts else "None"),
            ("Default storage", default.name if default is not None else "None"),
        ])

    @staticmethod
    def _vm_section(counts: Counter[str]) -> Section:
        total = sum(counts[s] for s in STATES)
        states = ", ".join(translate("Values", "{count} {state}").format(
            count=counts[s], state=fmt.power(s).lower()) for s in STATES if counts[s])
        rows: list[tuple[str, str | Usage]] = [
            ("VMs", translate("Values", "{total}: {states}").format(total=total, states=states)
             if total else "None")]
        rows += [("Custom templates", str(counts["templates"])),
                 ("Snapshots", str(counts["snapshots"]))]
        return ("Virtual machines", rows)

    @staticmethod
    def _memory_section(hosts: list[Host]) -> Section:
        total = sum(h.memory_total for h in hosts)
        free = sum(h.memory_free for h in hosts)
        if not total:
            return ("Memory", [("Use", "Not reported")])
        used = max(0, total - free)
        return ("Memory", [("Use", Usage(used / total, fmt.used_of(used, total)))])

    def _storage_section(self, pool: Pool) -> Section:
        rows: list[tuple[str, str | Usage]] = []
        seen: Counter[str] = Counter()
        for sr in sorted(self.cache.objects(SR), key=lambda s: s.name.lower()):
            if not sr.shared or sr.is_iso or not sr.physical_size:
                continue
            seen[sr.name] += 1
            label = sr.name if seen[sr.name] == 1 else f"{sr.name} ({seen[sr.name]})"
            size, used = sr.physical_size, sr.physical_utilisation
            rows.append((label, Usage(used / size, fmt.used_of(used, size))))
        return ("Shared storage", rows or [("", "No shared storage.")])

    @staticmethod
    def _host_row(host: Host) -> Row:
        total, free = host.memory_total, host.memory_free
        used = max(0, total - free)
        state = host_state(host)
        icon_state = {"Not reachable": "offline", "Enabled": ""}.get(state, "disabled")
        return Row(host.ref, (
            host.name, shown_value(state),
            shown_value("Coordinator" if host.is_coordinator else "Supporter"),
            str(host.cpu_count), fmt.used_of(used, total) if total else shown_value("Not reported"),
            str(running_vm_count(host)), host.address,
        ), sort=(None, None, None, host.cpu_count, used / total if total else 0.0),
            icon=icon("host", icon_state))
