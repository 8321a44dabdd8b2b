"""The pool's HA tab: whether high availability is on, its heartbeat SR, the server failures
it tolerates and what its plan covers (overcommitted or not), the servers' state, and the
VMs it restarts with their priority and start order; buttons turn HA on or off and change
the selected VMs' restart priority."""

from __future__ import annotations

from PyQt6.QtWidgets import QVBoxLayout, QWidget

from xapiman.actions.placement import host_live
from xapiman.actions.pool_ha import ha_status, priority_text
from xapiman.gui.icons import icon
from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import PropertiesPage
from xapiman.gui.tabs.lists import RefList, Row
from xapiman.gui.tabs.widgets import ActionButtons, Section, Usage, section_heading
from xapiman.i18n import QT_TRANSLATE_NOOP, translate

SET_HA = "vm.set_ha"


@page
class PoolHaPage(PropertiesPage):
    title = "HA"
    kinds = frozenset({"connection"})
    order = 10
    buttons = (("pool.ha_enable", QT_TRANSLATE_NOOP("Tabs", "Turn On High Availability…")),
               ("pool.ha_configure", QT_TRANSLATE_NOOP("Tabs", "Change Failures to Tolerate…")),
               ("pool.ha_disable", QT_TRANSLATE_NOOP("Tabs", "Turn Off High Availability…")))

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(8, 0, 8, 8)
        for part in section_heading(translate("HA", "Restart priorities")):
            column.addWidget(part)
        self.vms = RefList("haVms", [translate("HA", "VM"), translate("HA", "Restart"),
                                     translate("HA", "Start order"), translate("HA", "State"),
                                     translate("HA", "Server")], sort_column=None)
        self.vm_buttons = ActionButtons()
        self.vm_buttons.add(SET_HA, QT_TRANSLATE_NOOP("Tabs", "Change restart priority…"),
                            lambda: self.run_action(SET_HA, self.vms.selected_keys()))
        column.addWidget(self.vm_buttons)
        self.vms.itemSelectionChanged.connect(self._update_vm_buttons)
        column.addWidget(self.vms, 1)
        outer.addWidget(box, 1)

    def sections(self, record: dict) -> list[Section]:
        if self.watch is not None:
            for cls in ("vm", "host", "host_metrics", "vdi", "sr", "pbd"):
                self.watch.any_of(cls)
        status = ha_status(self.cache)
        on = translate("HA", "On") if status.enabled else translate("HA", "Off")
        rows: list[tuple[str, str | Usage]] = [(translate("HA", "High availability"), on)]
        if status.enabled:
            rows += [
                (translate("HA", "Heartbeat SR"), status.heartbeat_sr or translate("HA", "Unknown")),
                (translate("HA", "Server failures tolerated"), str(status.tolerated)),
                (translate("HA", "Plan covers"), translate("HA", "{n} failure(s)").format(
                    n=status.plan_covers)),
                (translate("HA", "Overcommitted"),
                 translate("HA", "Yes") if status.overcommitted else translate("HA", "No")),
            ]
            if status.timeout:
                rows.append((translate("HA", "Heartbeat timeout"),
                             translate("HA", "{n} s").format(n=status.timeout)))
        rows.append((translate("HA", "Failover"), status.plan_text()))
        down = [h.get("name_label", ref) for ref, h in self.cache.records("host").items()
                if not host_live(ref, self.cache)]
        hosts = self.cache.count("host")
        rows.append((translate("HA", "Servers"), translate(
            "HA", "{n} of {total} reachable; not reachable: {names}").format(
                n=hosts - len(down), total=hosts, names=", ".join(sorted(down)))
            if down else translate("HA", "All {n} reachable").format(n=hosts)))
        self._vm_rows(status)
        return [(translate("HA", "High availability"), rows)]

    def _vm_rows(self, status) -> None:
        rows = []
        for vm in status.vms:
            state = vm.power_state
            rows.append(Row(vm.ref, (vm.name, priority_text(vm.priority), str(vm.order),
                                     fmt.power(state), vm.host or "—"),
                            icon=icon("vm", state.lower())))
        self.vms.sync(rows)
        self._update_vm_buttons()

    def _update_vm_buttons(self) -> None:
        selected = self.vms.selected_keys()
        if not selected:
            self.vm_buttons.set_available(SET_HA, False, translate(
                "HA", "Select VMs in the list (or use a VM's menu)."))
            return
        available = self.available(SET_HA, selected)
        self.vm_buttons.set_available(SET_HA, bool(available), available.reason)
