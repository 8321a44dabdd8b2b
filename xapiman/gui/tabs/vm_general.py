"""The General tab of a VM, template or snapshot."""

from __future__ import annotations

from PyQt6.QtCore import QTimer

from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import EDIT_BUTTONS, PropertiesPage, common_rows
from xapiman.gui.tabs.widgets import Section
from xapiman.i18n import translate
from xapiman.xapi.records import VM, as_bool

RUNNING = ("Running", "Paused")


def tools_state(vm: VM) -> str:
    """What the guest tools (management agent and I/O drivers) report, in words."""
    gm = vm.guest_metrics
    running = vm.power_state in RUNNING
    if gm is None:
        return ("Not installed: no guest agent reports from this VM" if running else
                "Not known while the VM is not running")
    version = gm.get("PV_drivers_version") or {}
    number = ".".join(str(version[k]) for k in ("major", "minor", "micro") if k in version)
    text = translate("Values", "Installed (version {number})").format(number=number) \
        if number else translate("Values", "Installed")
    if not as_bool(gm.get("PV_drivers_up_to_date", True)):
        text += translate("Values", ", out of date")
    if running and not gm.live:
        text += translate("Values", "; the agent is not responding")
    if not running:
        text += translate("Values", ", as reported when the VM last ran")
    return text


def memory_text(vm: VM) -> str:
    dyn_min, dyn_max = vm.memory_dynamic_min, vm.memory_dynamic_max
    if vm.power_state in RUNNING and vm.metrics is not None and vm.metrics.memory_actual:
        return translate("Values", "{size} in use").format(size=fmt.size(vm.metrics.memory_actual))
    if dyn_min and dyn_min != dyn_max:
        return translate("Values", "{low} to {high} (dynamic)").format(
            low=fmt.size(dyn_min), high=fmt.size(dyn_max))
    return fmt.size(dyn_max or vm.memory_static_max)


def vcpus_text(vm: VM) -> str:
    text = str(vm.vcpus)
    if vm.vcpus_max > vm.vcpus:
        text += translate("Values", " (up to {n})").format(n=vm.vcpus_max)
    return text


@page
class VmGeneralPage(PropertiesPage):
    title = "General"
    kinds = frozenset({"vm", "template", "snapshot"})
    order = 0
    buttons = EDIT_BUTTONS

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        # Uptime moves on without any event: redraw it now and then while visible.
        self._ticker = QTimer(self)
        self._ticker.setInterval(60_000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    def _tick(self) -> None:
        if self.isVisible() and self.cache is not None:
            self.refresh_now()

    def update_buttons(self) -> None:
        super().update_buttons()
        # XenCenter files VMs and templates in folders, not snapshots (they follow their VM).
        self.actions_row.buttons["object.folder"].setVisible(self.kind != "snapshot")

    def sections(self, record: dict) -> list[Section]:
        vm = self.view(VM, record)
        self.watch.add("vm_metrics", vm.get("metrics")).add("vm_guest_metrics",
                                                            vm.get("guest_metrics"))
        self.watch.add("host", vm.get("resident_on"), vm.get("affinity"))
        if vm.is_snapshot:
            return self._snapshot_sections(vm, record)
        if vm.is_template:
            return self._template_sections(vm, record)
        return self._vm_sections(vm, record)

    def _vm_sections(self, vm: VM, record: dict) -> list[Section]:
        running = vm.power_state in RUNNING
        host = vm.resident_on
        home = vm.affinity
        if running:
            server = host.name if host is not None else "Unknown"
        else:
            server = translate("Values", "None (home server: {name})").format(name=home.name) \
                if home is not None else "None"
        started = vm.metrics.start_time if vm.metrics is not None else None
        uptime = fmt.since(started) if running and started else "Not running"
        os_name = vm.os_name or ("Unknown (no guest tools report)" if running else "Unknown")
        ips = ", ".join(vm.ip_addresses) or ("None reported" if running else "Not running")
        return [
            ("General", common_rows(record) + [
                ("Operating system", os_name),
                ("Power state", fmt.power(vm.power_state)),
                ("Server", server),
                ("Uptime", uptime),
                ("UUID", vm.uuid),
            ]),
            ("Resources", [("vCPUs", vcpus_text(vm)), ("Memory", memory_text(vm))]),
            ("Guest tools", [("Tools", tools_state(vm)), ("IP addresses", ips)]),
        ]

    def _template_sections(self, vm: VM, record: dict) -> list[Section]:
        base = vm.other_config.get("base_template_name", "")
        kind = "Default template" if as_bool(record.get("is_default_template")) else \
            "Custom template"
        return [
            ("General", common_rows(record) + [
                ("Kind", kind),
                ("Based on", base or "None"),
                ("UUID", vm.uuid),
            ]),
            ("Resources", [("vCPUs", vcpus_text(vm)), ("Memory", memory_text(vm)),
                           ("Disks", str(len(vm.disks)) if vm.disks else "Created on install")]),
        ]

    def _snapshot_sections(self, vm: VM, record: dict) -> list[Section]:
        self.watch.add("vm", vm.get("snapshot_of"))
        source = vm.snapshot_of
        memory = vm.power_state == "Suspended"
        return [
            ("General", common_rows(record)[:3] + [("UUID", vm.uuid)]),
            ("Snapshot", [
                ("Snapshot of", source.name if source is not None else "A deleted VM"),
                ("Taken", fmt.local_time(vm.snapshot_time) or "Unknown"),
                ("Type", "Disks and memory" if memory else "Disks only"),
                ("Disks", str(len(vm.disks))),
            ]),
            ("Resources", [("vCPUs", str(vm.vcpus_at_startup)),
                           ("Memory", fmt.size(vm.memory_static_max))]),
        ]
