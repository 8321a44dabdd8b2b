"""The New Network wizard: kind (external VLAN, single-server private, bonded), name, the
interface (NIC and VLAN tag, or the NICs of a bond and its mode; the MTU) and a summary. It
edits a `NewNetworkPlan`; every check is `network_plan.review`."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions.network_plan import (
    BOND_MODES,
    KINDS,
    LACP_HASHING,
    MTU_MAX,
    MTU_MIN,
    NewNetworkPlan,
    bond_nics,
    describe,
    kind_help,
    kind_label,
    mode_label,
    pool_nics,
    review,
)
from xapiman.actions.vm_plan import Review
from xapiman.gui.dialogs.confirm import text_label
from xapiman.gui.wizards import plan_wizard
from xapiman.gui.wizards.plan_wizard import PlanPage, PlanWizard
from xapiman.i18n import translate


def nic_text(device: str, speed: int, note: str = "") -> str:
    text = device + (f"  ({speed // 1000} Gbit/s)" if speed >= 1000 else
                     f"  ({speed} Mbit/s)" if speed else "")
    return text + (f"  — {note}" if note else "")


class TypePage(plan_wizard.KindPage):
    title_text = translate("NewNetwork", "Type")
    subtitle_text = translate("NewNetwork", "What the network connects.")
    kinds = KINDS
    prefix = "netKind"

    def label(self, kind: str) -> str:
        return kind_label(kind)

    def help(self, kind: str) -> str:
        return kind_help(kind)


class NamePage(plan_wizard.NamePage):
    title_text = translate("NewNetwork", "Name")
    subtitle_text = translate("NewNetwork", "How the network is shown in the pool.")
    prefix = "net"

    def more(self, form: QFormLayout) -> None:
        self.automatic = QCheckBox(translate("NewNetwork", "Give new VMs an interface on this "
                                                           "network"))
        self.automatic.setObjectName("netAutomatic")
        self.automatic.toggled.connect(self._edit)
        form.addRow("", self.automatic)

    def load(self) -> None:
        super().load()
        self.automatic.setChecked(self.plan.automatic)

    def store(self) -> None:
        self.plan.automatic = self.automatic.isChecked()


class InterfacePage(PlanPage):
    key = "interface"
    title_text = translate("NewNetwork", "Interface")
    subtitle_text = translate("NewNetwork", "The NICs of the servers it uses, and its MTU.")

    def build(self, layout: QVBoxLayout) -> None:
        form = QFormLayout()
        self.nic = QComboBox()
        self.nic.setObjectName("vlanNic")
        self.nic.currentIndexChanged.connect(self._edit)
        self.vlan = QSpinBox()
        self.vlan.setObjectName("vlanTag")
        self.vlan.setRange(0, 4094)
        self.vlan.valueChanged.connect(self._edit)
        self.nics = QListWidget()
        self.nics.setObjectName("bondNics")
        self.nics.setMaximumHeight(130)
        self.nics.itemChanged.connect(self._edit)
        self.mode = QComboBox()
        self.mode.setObjectName("bondMode")
        for mode in BOND_MODES:
            self.mode.addItem(mode_label(mode), mode)
        self.mode.currentIndexChanged.connect(self._edit)
        self.hashing = QComboBox()
        self.hashing.setObjectName("lacpHashing")
        for value, text in zip(LACP_HASHING, (translate("NewNetwork", "By TCP/UDP port"),
                                              translate("NewNetwork", "By source MAC")),
                               strict=True):
            self.hashing.addItem(text, value)
        self.hashing.currentIndexChanged.connect(self._edit)
        self.mtu = QSpinBox()
        self.mtu.setObjectName("netMtu")
        self.mtu.setRange(MTU_MIN, MTU_MAX)
        self.mtu.valueChanged.connect(self._edit)
        self.rows = {"nic": translate("NewNetwork", "NIC:"),
                     "vlan": translate("NewNetwork", "VLAN:"),
                     "nics": translate("NewNetwork", "NICs to bond:"),
                     "mode": translate("NewNetwork", "Mode:"),
                     "hashing": translate("NewNetwork", "LACP hashing:"),
                     "mtu": translate("NewNetwork", "MTU:")}
        self.widgets: dict[str, QWidget] = {"nic": self.nic, "vlan": self.vlan,
                                            "nics": self.nics, "mode": self.mode,
                                            "hashing": self.hashing, "mtu": self.mtu}
        self.form = form
        for key, widget in self.widgets.items():
            form.addRow(self.rows[key], widget)
        layout.addLayout(form)
        self.note = text_label("", "interfaceNote", muted=True)
        layout.addWidget(self.note)

    def load(self) -> None:
        plan = self.plan
        self.nic.clear()
        for nic in [*pool_nics(self.cache), *bond_nics(self.cache)]:
            note = translate("NewNetwork", "in {bond}").format(bond=nic.bonded) \
                if nic.bonded else ""
            self.nic.addItem(nic_text(nic.device, nic.speed, note), nic.device)
        self.nic.setCurrentIndex(max(self.nic.findData(plan.nic), 0))
        self.vlan.setValue(plan.vlan)
        self.nics.clear()
        for nic in pool_nics(self.cache):
            note = translate("NewNetwork", "in {bond}").format(bond=nic.bonded) if nic.bonded \
                else translate("NewNetwork", "management") if nic.management else ""
            item = QListWidgetItem(nic_text(nic.device, nic.speed, note))
            item.setData(Qt.ItemDataRole.UserRole, nic.device)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if nic.device in plan.bond_nics
                               else Qt.CheckState.Unchecked)
            if nic.bonded:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.nics.addItem(item)
        self.mode.setCurrentIndex(max(self.mode.findData(plan.bond_mode), 0))
        self.hashing.setCurrentIndex(max(self.hashing.findData(plan.hashing), 0))
        self.mtu.setValue(plan.mtu)
        self._show_rows()
        if not plan.nic and self.nic.count():
            plan.nic = str(self.nic.currentData())

    def _show_rows(self) -> None:
        kind = self.plan.kind
        wanted = {"external": ("nic", "vlan", "mtu"), "internal": ("mtu",),
                  "bond": ("nics", "mode", "hashing", "mtu")}[kind]
        for key, widget in self.widgets.items():
            visible = key in wanted and (key != "hashing" or self.plan.bond_mode == "lacp")
            self.form.setRowVisible(widget, visible)
        self.note.setText({
            "external": translate("NewNetwork", "The VLAN is made on this NIC of every "
                                                "server."),
            "internal": translate("NewNetwork", "No NIC: traffic stays inside each server."),
            "bond": translate("NewNetwork", "The bond is made on every server that has these "
                                            "NICs."),
        }[kind])

    def _edit(self, *_args) -> None:
        if self._loading:
            return
        plan = self.plan
        plan.nic = str(self.nic.currentData() or "")
        plan.vlan = self.vlan.value()
        plan.bond_nics = [str(item.data(Qt.ItemDataRole.UserRole)) for item in self._items()
                          if item.checkState() == Qt.CheckState.Checked]
        plan.bond_mode = str(self.mode.currentData() or "active-backup")
        plan.hashing = str(self.hashing.currentData() or "tcpudp_ports")
        plan.mtu = self.mtu.value()
        self._show_rows()
        self.changed()

    def _items(self) -> list[QListWidgetItem]:
        items = (self.nics.item(i) for i in range(self.nics.count()))
        return [item for item in items if item is not None]

    def check_nics(self, *devices: str) -> None:
        """Tick these NICs of the bond list (and untick the others)."""
        for item in self._items():
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in devices else Qt.CheckState.Unchecked)


class SummaryPage(plan_wizard.SummaryPage):
    title_text = translate("NewNetwork", "Summary")
    subtitle_text = translate("NewNetwork", "Check what will be made; the task list shows "
                                            "each step.")

    def rows(self) -> list[tuple[str, str]]:
        return describe(self.cache, self.plan)


class NewNetworkWizard(PlanWizard):
    plan: NewNetworkPlan

    def __init__(self, cache, draft: NewNetworkPlan, parent: QWidget | None = None,
                 pool_name: str = "") -> None:
        title = translate("NewNetwork", "New Network")
        super().__init__(cache, draft.copy(), parent)
        self.pages = self.add_pages((TypePage, NamePage, InterfacePage, SummaryPage),
                                    name="newNetworkWizard",
                                    title=f"{title} — {pool_name}" if pool_name else title,
                                    finish=translate("NewNetwork", "Create"))
        self.resize(820, 560)
        self.review_now()

    def check(self, plan: NewNetworkPlan) -> Review:
        return review(self.cache, plan)
