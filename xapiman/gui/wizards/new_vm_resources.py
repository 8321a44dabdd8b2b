"""The New VM wizard's resource pages: vCPUs and memory, disks, network interfaces."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from xapiman.actions.sizes import GiB, format_size
from xapiman.actions.vm_plan import (
    DiskPlan,
    VifPlan,
    network_choices,
    pool_default_sr,
    sr_choices,
    template_disk,
)
from xapiman.gui.dialogs.confirm import text_label
from xapiman.gui.wizards.new_vm import PlanPage
from xapiman.i18n import translate

MAX_DISK_GIB = 2040.0  # a VHD disk's largest size (2 TiB less a little)


def hide_row_numbers(table: QTableWidget) -> None:
    header = table.verticalHeader()
    assert header is not None
    header.setVisible(False)


def selected_row(table: QTableWidget, default: int) -> int:
    """The selected row of a table, else `default` (the last one)."""
    model = table.selectionModel()
    rows = model.selectedRows() if model is not None else []
    return rows[0].row() if rows else default


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


class CpuMemoryPage(PlanPage):
    key = "cpu"
    title_text = translate("NewVm", "vCPUs and memory")
    subtitle_text = translate("NewVm", "Within what the template recommends.")

    def build(self, layout: QVBoxLayout) -> None:
        rows = QFormLayout()
        self.vcpus = QSpinBox()
        self.vcpus.setObjectName("vcpus")
        self.vcpus.valueChanged.connect(self._vcpus_changed)
        rows.addRow(translate("NewVm", "Number of vCPUs:"), self.vcpus)
        self.cores = QComboBox()
        self.cores.setObjectName("coresPerSocket")
        self.cores.currentIndexChanged.connect(self._edit)
        rows.addRow(translate("NewVm", "Topology:"), self.cores)
        self.memory = QDoubleSpinBox()
        self.memory.setObjectName("memoryGiB")
        self.memory.setDecimals(2)
        self.memory.setSingleStep(0.5)
        self.memory.setSuffix(" GiB")
        self.memory.valueChanged.connect(self._edit)
        rows.addRow(translate("NewVm", "Memory:"), self.memory)
        layout.addLayout(rows)
        self.limits = text_label("", "cpuLimits", muted=True)
        layout.addWidget(self.limits)

    def load(self) -> None:
        info = self.owner.template_info()
        high_vcpus = info.max_vcpus if info else 64
        self.vcpus.setRange(1, max(high_vcpus, self.plan.vcpus))
        self.vcpus.setValue(self.plan.vcpus)
        self._fill_topology()
        low = max(info.memory_min, 64 * 1024**2) if info else 64 * 1024**2
        high = info.max_memory if info else 1024 * GiB
        self.memory.setRange(min(low, self.plan.memory) / GiB, max(high, self.plan.memory) / GiB)
        self.memory.setValue(self.plan.memory / GiB)
        if info is not None:
            self.limits.setText(translate(
                "NewVm", "The template '{name}' recommends 1 to {vcpus} vCPUs and {low} to "
                "{high} of memory.").format(name=info.name, vcpus=info.max_vcpus,
                                            low=format_size(low), high=format_size(high)))

    def _fill_topology(self) -> None:
        vcpus = self.vcpus.value()
        previous = self.plan.cores_per_socket
        self.cores.blockSignals(True)
        try:
            self.cores.clear()
            for cores in divisors(vcpus):
                self.cores.addItem(translate("NewVm", "{sockets} socket(s) of {cores} core(s)")
                                   .format(sockets=vcpus // cores, cores=cores), cores)
            index = self.cores.findData(previous)
            self.cores.setCurrentIndex(index if index >= 0 else 0)
        finally:
            self.cores.blockSignals(False)

    def _vcpus_changed(self, _value: int) -> None:
        if self._loading:
            return
        self._fill_topology()
        self._edit()

    def _edit(self, *_args) -> None:
        if self._loading:
            return
        self.plan.vcpus = self.vcpus.value()
        self.plan.cores_per_socket = int(self.cores.currentData() or 1)
        self.plan.memory = int(round(self.memory.value() * 4)) * GiB // 4
        self.changed()


class DisksPage(PlanPage):
    key = "disks"
    title_text = translate("NewVm", "Storage")
    subtitle_text = translate("NewVm", "The template's disks can grow; add or remove disks and "
                              "choose the SR of each.")

    def build(self, layout: QVBoxLayout) -> None:
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("diskTable")
        hide_row_numbers(self.table)
        self.table.setHorizontalHeaderLabels([translate("NewVm", "Disk"),
                                              translate("NewVm", "Size"),
                                              translate("NewVm", "SR")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add = QPushButton(translate("NewVm", "Add disk"))
        self.add.setObjectName("addDisk")
        self.add.clicked.connect(self._add)
        self.remove = QPushButton(translate("NewVm", "Remove disk"))
        self.remove.setObjectName("removeDisk")
        self.remove.clicked.connect(self._remove)
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def load(self) -> None:
        self._rows()

    def _rows(self) -> None:
        info = self.owner.template_info()
        choices = sr_choices(self.cache)
        self.table.setRowCount(0)
        for row, disk in enumerate(self.plan.disks):
            self.table.insertRow(row)
            source = template_disk(info, disk.device) if info and disk.device else None
            label = (translate("NewVm", "Disk {n} (template)").format(n=row + 1)
                     if source else translate("NewVm", "Disk {n} (new)").format(n=row + 1))
            item = QTableWidgetItem(label)
            self.table.setItem(row, 0, item)
            size = QDoubleSpinBox()
            size.setObjectName(f"diskSize_{row}")
            size.setSuffix(" GiB")
            size.setDecimals(1)
            size.setRange((source.size / GiB) if source else 0.1, MAX_DISK_GIB)
            size.setValue(disk.size / GiB)
            size.valueChanged.connect(lambda value, r=row: self._size(r, value))
            self.table.setCellWidget(row, 1, size)
            combo = QComboBox()
            combo.setObjectName(f"diskSr_{row}")
            for choice in choices:
                combo.addItem(f"{choice.label} — {choice.detail}", choice.value)
                if not choice.enabled:
                    combo.setItemData(combo.count() - 1, choice.reason, 3)  # tooltip role
            combo.setCurrentIndex(max(combo.findData(disk.sr), 0))
            combo.currentIndexChanged.connect(lambda _i, r=row, c=combo: self._sr(r, c))
            self.table.setCellWidget(row, 2, combo)
        self.table.resizeRowsToContents()
        self.remove.setEnabled(bool(self.plan.disks))

    def _size(self, row: int, value: float) -> None:
        self.plan.disks[row].size = int(round(value * 10)) * GiB // 10
        self.changed()

    def _sr(self, row: int, combo: QComboBox) -> None:
        self.plan.disks[row].sr = combo.currentData()
        self.changed()

    def _add(self) -> None:
        last = self.plan.disks[-1].sr if self.plan.disks else pool_default_sr(self.cache)
        self.plan.disks.append(DiskPlan(10 * GiB, last))
        self._rows()
        self.table.selectRow(len(self.plan.disks) - 1)
        self.changed()

    def _remove(self) -> None:
        row = selected_row(self.table, len(self.plan.disks) - 1)
        if 0 <= row < len(self.plan.disks):
            del self.plan.disks[row]
            self._rows()
            self.changed()


class NetworksPage(PlanPage):
    key = "networks"
    title_text = translate("NewVm", "Networking")
    subtitle_text = translate("NewVm", "The VM's network interfaces; leave the MAC address "
                              "empty to have one generated.")

    def build(self, layout: QVBoxLayout) -> None:
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("vifTable")
        hide_row_numbers(self.table)
        self.table.setHorizontalHeaderLabels([translate("NewVm", "Interface"),
                                              translate("NewVm", "Network"),
                                              translate("NewVm", "MAC address")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add = QPushButton(translate("NewVm", "Add interface"))
        self.add.setObjectName("addVif")
        self.add.clicked.connect(self._add)
        self.remove = QPushButton(translate("NewVm", "Remove interface"))
        self.remove.setObjectName("removeVif")
        self.remove.clicked.connect(self._remove)
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def load(self) -> None:
        self._rows()

    def _rows(self) -> None:
        choices = network_choices(self.cache)
        self.table.setRowCount(0)
        for row, vif in enumerate(self.plan.vifs):
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(
                translate("NewVm", "Interface {n}").format(n=row + 1)))
            combo = QComboBox()
            combo.setObjectName(f"vifNetwork_{row}")
            for choice in choices:
                combo.addItem(choice.label, choice.value)
            combo.setCurrentIndex(max(combo.findData(vif.network), 0))
            combo.currentIndexChanged.connect(lambda _i, r=row, c=combo: self._network(r, c))
            self.table.setCellWidget(row, 1, combo)
            mac = QLineEdit(vif.mac)
            mac.setObjectName(f"vifMac_{row}")
            mac.setPlaceholderText(translate("NewVm", "automatic"))
            mac.setMinimumWidth(170)
            mac.textChanged.connect(lambda text, r=row: self._mac(r, text))
            self.table.setCellWidget(row, 2, mac)
        self.table.resizeRowsToContents()
        self.remove.setEnabled(bool(self.plan.vifs))

    def _network(self, row: int, combo: QComboBox) -> None:
        self.plan.vifs[row].network = combo.currentData()
        self.changed()

    def _mac(self, row: int, text: str) -> None:
        self.plan.vifs[row].mac = text.strip()
        self.changed()

    def _add(self) -> None:
        choices = network_choices(self.cache)
        network = self.plan.vifs[-1].network if self.plan.vifs else (
            choices[0].value if choices else "")
        self.plan.vifs.append(VifPlan(network))
        self._rows()
        self.changed()

    def _remove(self) -> None:
        row = selected_row(self.table, len(self.plan.vifs) - 1)
        if 0 <= row < len(self.plan.vifs):
            del self.plan.vifs[row]
            self._rows()
            self.changed()
