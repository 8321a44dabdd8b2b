"""The Migrate wizard's later pages: the SR of each disk, the network of each interface, and
the summary with the servers' answer."""

from __future__ import annotations

import asyncio

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions import placement
from xapiman.actions.migrate_plan import (
    DiskMove,
    MigratePlan,
    Refusal,
    describe,
    every_disk_sr,
    host_network_choices,
    network_label,
    precheck,
    sr_label,
    usable_sr,
)
from xapiman.actions.sizes import format_size
from xapiman.actions.vm_plan import Review, is_disk_sr, sr_free
from xapiman.gui.dialogs.confirm import DANGER_COLOUR, text_label
from xapiman.gui.wizards.migrate import MigratePage
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

OK_COLOUR = "#2e7d32"


def page_classes() -> list[type[MigratePage]]:
    return [StoragePage, NetworkPage, SummaryPage]


def _tree(name: str, labels: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setRootIsDecorated(False)
    tree.setHeaderLabels(labels)
    header = tree.header()
    assert header is not None
    header.setStretchLastSection(True)
    for column in range(len(labels) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    tree.setMinimumHeight(200)
    return tree


def sr_choices(plan: MigratePlan, disk: DiskMove | None) -> list[tuple[str, str, bool]]:
    """(label, SR ref, can be chosen) of the SRs the destination host sees that hold disks;
    for one disk, those it cannot go to are greyed out."""
    cache, host = plan.dest_cache, plan.host
    out = []
    for ref, sr in sorted(cache.records("SR").items(),
                          key=lambda kv: str(kv[1].get("name_label", "")).casefold()):
        if not is_disk_sr(sr) or not placement.host_sees(host, ref, cache):
            continue
        stays = disk is not None and not plan.cross_pool and ref == disk.sr
        label = translate("Migrate", "{sr} — stays here").format(sr=sr_label(cache, ref)) \
            if stays else translate("Migrate", "{sr} ({free} free)").format(
                sr=sr_label(cache, ref), free=format_size(sr_free(sr)))
        current = None if plan.cross_pool or disk is None else disk.sr
        ok = usable_sr(cache, host, ref, current) and (
            stays or disk is None or sr_free(sr) >= disk.size)
        out.append((label, ref, ok))
    return out


def fill_combo(combo: QComboBox, choices: list[tuple[str, str, bool]], current: str) -> None:
    combo.blockSignals(True)
    combo.clear()
    for label, ref, ok in choices:
        combo.addItem(label, ref)
        if not ok:
            item = combo.model().item(combo.count() - 1)  # type: ignore[union-attr]
            item.setEnabled(False)
    index = combo.findData(current)
    combo.setCurrentIndex(index)
    combo.blockSignals(False)


class StoragePage(MigratePage):
    key = "storage"
    title_text = translate("Migrate", "Storage")
    subtitle_text = translate("Migrate", "Where each disk goes. A disk on storage the "
                              "destination server sees can stay; others must move.")

    def build(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        row.addWidget(text_label(translate("Migrate", "Put every disk on:"), "allDisksLabel"))
        self.all_disks = QComboBox()
        self.all_disks.setObjectName("allDisks")
        row.addWidget(self.all_disks, 1)
        self.apply_all = QPushButton(translate("Migrate", "Apply"))
        self.apply_all.setObjectName("applyAllDisks")
        self.apply_all.clicked.connect(self._apply_all)
        row.addWidget(self.apply_all)
        layout.addLayout(row)
        self.disks = _tree("migrateDisks", [translate("Migrate", "Disk"),
                                            translate("Migrate", "Size"),
                                            translate("Migrate", "Now on"),
                                            translate("Migrate", "Goes to")])
        layout.addWidget(self.disks, 1)
        self.combos: list[QComboBox] = []

    def load(self) -> None:
        plan = self.plan
        every = sr_choices(plan, None)
        fill_combo(self.all_disks, every,
                   every_disk_sr(plan, (ref for _label, ref, ok in every if ok)))
        self.disks.clear()
        self.combos = []
        src = plan.source.cache
        for number, disk in enumerate(plan.disks):
            name = disk.name if len(plan.vms) == 1 else f"{plan.vm_name(disk.vm)} / {disk.name}"
            item = QTreeWidgetItem([name, format_size(disk.size), sr_label(src, disk.sr), ""])
            self.disks.addTopLevelItem(item)
            combo = QComboBox()
            combo.setObjectName(f"diskSr_{number}")
            fill_combo(combo, sr_choices(plan, disk), disk.dest_sr)
            combo.currentIndexChanged.connect(
                lambda _i, n=number: self._picked(n))
            self.disks.setItemWidget(item, 3, combo)
            self.combos.append(combo)

    def _picked(self, number: int) -> None:
        if self._loading:
            return
        self.plan.disks[number].dest_sr = self.combos[number].currentData() or NULL_REF
        self.changed()

    def _apply_all(self) -> None:
        sr = self.all_disks.currentData()
        if not sr:
            return
        for disk, combo in zip(self.plan.disks, self.combos, strict=True):
            index = combo.findData(sr)
            item = combo.model().item(index) if index >= 0 else None  # type: ignore[union-attr]
            if item is not None and item.isEnabled():
                disk.dest_sr = sr
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        self.changed()


class NetworkPage(MigratePage):
    key = "network"
    title_text = translate("Migrate", "Networking")
    subtitle_text = translate("Migrate", "The network each interface joins at the destination.")

    def build(self, layout: QVBoxLayout) -> None:
        self.note = text_label("", "networkNote", muted=True)
        layout.addWidget(self.note)
        self.vifs = _tree("migrateVifs", [translate("Migrate", "Interface"),
                                          translate("Migrate", "MAC"),
                                          translate("Migrate", "Now on"),
                                          translate("Migrate", "Joins")])
        layout.addWidget(self.vifs, 1)
        self.combos: list[QComboBox] = []

    def load(self) -> None:
        plan = self.plan
        src, cache = plan.source.cache, plan.dest_cache
        self.note.setText("" if plan.cross_pool else translate(
            "Migrate", "Inside a pool, interfaces keep their networks."))
        self.vifs.clear()
        self.combos = []
        choices = [(str(net.get("name_label", ref)), ref, True)
                   for ref, net in host_network_choices(cache, plan.host)]
        for number, vif in enumerate(plan.vifs):
            name = translate("Migrate", "Interface {device}").format(device=vif.device)
            if len(plan.vms) > 1:
                name = f"{plan.vm_name(vif.vm)} / {name}"
            item = QTreeWidgetItem([name, vif.mac, network_label(src, vif.network),
                                    "" if plan.cross_pool else network_label(src, vif.network)])
            self.vifs.addTopLevelItem(item)
            if plan.cross_pool:
                combo = QComboBox()
                combo.setObjectName(f"vifNetwork_{number}")
                fill_combo(combo, choices, vif.dest_network)
                combo.currentIndexChanged.connect(lambda _i, n=number: self._picked(n))
                self.vifs.setItemWidget(item, 3, combo)
                self.combos.append(combo)

    def _picked(self, number: int) -> None:
        if self._loading:
            return
        self.plan.vifs[number].dest_network = self.combos[number].currentData() or NULL_REF
        self.changed()


class SummaryPage(MigratePage):
    key = "summary"
    title_text = translate("Migrate", "Ready to migrate")
    subtitle_text = translate("Migrate", "The servers are asked whether the move would work; "
                              "Migrate moves each VM as a task of its own.")

    def build(self, layout: QVBoxLayout) -> None:
        self.rows_box = QWidget()
        self.rows_box.setObjectName("migrateSummaryRows")
        self.rows = QFormLayout(self.rows_box)
        layout.addWidget(self.rows_box)
        self.verdict = text_label("", "precheckVerdict")
        layout.addWidget(self.verdict)
        self.again = QPushButton(translate("Migrate", "Check again"))
        self.again.setObjectName("precheckAgain")
        self.again.clicked.connect(self.start_check)
        self.again.setVisible(False)
        layout.addWidget(self.again, 0, Qt.AlignmentFlag.AlignLeft)
        self.refusals: list[Refusal] | None = None
        self._generation = 0

    def load(self) -> None:
        self._show_plan()
        self.start_check()

    def reviewed(self, result: Review) -> None:
        if self.owner.currentPage() is self:
            self._show_plan()

    def _show_plan(self) -> None:
        while self.rows.rowCount():
            self.rows.removeRow(0)
        for number, (label, value) in enumerate(describe(self.plan)):
            self.rows.addRow(f"{label}:", text_label(value, f"migrateSummary_{number}"))

    def start_check(self) -> None:
        """Ask the servers, off the GUI thread (Migrate stays disabled until they answered
        yes)."""
        self._generation += 1
        self.refusals = None
        self.again.setVisible(False)
        self.verdict.setStyleSheet("")
        if self.owner.review_result.errors():
            self.verdict.setText("")
            self.completeChanged.emit()
            return
        self.verdict.setText(translate("Migrate", "Asking the servers whether the move would "
                                       "work…"))
        self.completeChanged.emit()
        asyncio.ensure_future(self._check(self.plan.copy(), self._generation))

    async def _check(self, plan: MigratePlan, generation: int) -> None:
        try:
            refusals = await asyncio.to_thread(precheck, plan)
        except Exception as exc:  # noqa: BLE001 - a lost connection: say so, offer a retry
            refusals = [Refusal(vm, translate("Migrate", "The servers could not be asked: "
                                              "{why}").format(why=exc)) for vm in plan.vms[:1]]
        if generation != self._generation:
            return  # the plan changed meanwhile: a newer check is on its way
        self.refusals = refusals
        if refusals:
            self.verdict.setText("\n".join(f"• {r.text}" for r in refusals))
            self.verdict.setStyleSheet(f"color: {DANGER_COLOUR};")
            self.again.setVisible(True)
        else:
            self.verdict.setText(translate("Migrate", "✓ The servers accept the move."))
            self.verdict.setStyleSheet(f"color: {OK_COLOUR};")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return super().isComplete() and self.refusals == []

    @property
    def scope(self) -> str | None:
        return None
