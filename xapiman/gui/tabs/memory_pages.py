"""The Memory tabs of a server and of a pool: how each server's memory is shared between Xen,
the control domain and the VMs, what is free, and each VM's memory settings."""

from __future__ import annotations

from PyQt6.QtWidgets import QVBoxLayout, QWidget

from xapiman.gui.icons import icon
from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import WatchedPage
from xapiman.gui.tabs.lists import RefList, Row
from xapiman.gui.tabs.widgets import (
    PropertyForm,
    Section,
    Usage,
    scrolled_column,
    section_heading,
)
from xapiman.i18n import translate
from xapiman.xapi.records import VM, Host


def host_memory_rows(host: Host) -> list[tuple[str, str | Usage]]:
    """A server's memory: total, what its VMs, its control domain and Xen use, what is free."""
    total, free = host.memory_total, host.memory_free
    dom0 = host.control_domain
    dom0_memory = dom0.memory if dom0 is not None else 0
    guests = sum(vm.memory for vm in host.resident_vms if not vm.is_control_domain)
    xen = max(total - free - guests - dom0_memory, 0)
    used = max(total - free, 0)
    if not total:
        return [(translate("Memory", "Total"), translate("Memory", "Unknown (the server does "
                                                                    "not report it)"))]
    return [
        (translate("Memory", "In use"), Usage(used / total, translate(
            "Memory", "{used} of {total} ({percent})").format(
                used=fmt.size(used), total=fmt.size(total), percent=fmt.percent(used, total)))),
        (translate("Memory", "VMs"), fmt.size(guests) or "0 B"),
        (translate("Memory", "Control domain"), fmt.size(dom0_memory) or "0 B"),
        (translate("Memory", "Xen and overhead"), fmt.size(xen) or "0 B"),
        (translate("Memory", "Free"), fmt.size(free) or "0 B"),
    ]


def vm_memory_row(vm: VM, host_name: str | None = None) -> Row:
    state = vm.power_state
    running = state in ("Running", "Paused")
    dynamic = (fmt.size(vm.memory_dynamic_min) if vm.memory_dynamic_min == vm.memory_dynamic_max
               else translate("Memory", "{low} – {high}").format(
                   low=fmt.size(vm.memory_dynamic_min), high=fmt.size(vm.memory_dynamic_max)))
    texts = [vm.name, fmt.power(state), fmt.size(vm.memory) if running else "",
             dynamic, fmt.size(vm.memory_static_max)]
    if host_name is not None:
        texts.append(host_name)
    return Row(vm.ref, tuple(texts),
               sort=(None, None, vm.memory if running else -1, vm.memory_dynamic_max,
                     vm.memory_static_max),
               icon=icon("vm", state))


class MemoryPage(WatchedPage):
    """Sections per server (a bar and the figures), then the VMs' memory."""

    with_host_column = False

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        box = scrolled_column(self)
        self.form = PropertyForm()
        self.form.setObjectName("memoryForm")
        box.addWidget(self.form)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(8, 0, 8, 8)
        for part in section_heading(translate("Memory", "VMs")):
            column.addWidget(part)
        headers = [translate("Memory", "Name"), translate("Memory", "State"),
                   translate("Memory", "Current"), translate("Memory", "Dynamic range"),
                   translate("Memory", "Static maximum")]
        if self.with_host_column:
            headers.append(translate("Memory", "Server"))
        self.vms = RefList("memoryVms", headers)
        column.addWidget(self.vms)
        box.addWidget(holder, 1)

    def hosts(self) -> list[Host]:
        raise NotImplementedError

    def refresh(self) -> None:
        watch = self.new_watch().any_of("host").any_of("host_metrics").any_of("vm")
        watch.any_of("vm_metrics")
        sections: list[Section] = []
        rows = []
        for host in self.hosts():
            sections.append((host.name, host_memory_rows(host)))
            for vm in host.resident_vms:
                if not vm.is_control_domain:
                    rows.append(vm_memory_row(vm, host.name if self.with_host_column else None))
        if self.with_host_column:
            for ref, raw in self.cache.records("vm").items():
                if raw.get("power_state") in ("Running", "Paused") or raw.get(
                        "is_a_template") or raw.get("is_control_domain"):
                    continue
                rows.append(vm_memory_row(VM(self.cache, ref, raw), ""))
        self.form.set_sections(sections or [("", [("", translate(
            "Memory", "No server reports its memory."))])])
        self.vms.sync(rows)
        self.vms.fit_height(14)


@page
class HostMemoryPage(MemoryPage):
    title = "Memory"
    kinds = frozenset({"host"})
    order = 12

    def hosts(self) -> list[Host]:
        host = self.cache.find(Host, self.ref)
        return [host] if host is not None else []


@page
class PoolMemoryPage(MemoryPage):
    title = "Memory"
    kinds = frozenset({"connection"})
    order = 12
    with_host_column = True

    def hosts(self) -> list[Host]:
        hosts = [Host(self.cache, ref, raw) for ref, raw in self.cache.records("host").items()]
        return sorted(hosts, key=lambda h: (h.name.casefold(), h.ref))
