"""The Snapshots tab of a VM: its snapshot tree, and taking, reverting and deleting them."""

from __future__ import annotations

import html
from functools import partial

from PyQt6.QtWidgets import QAbstractItemView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from xapiman.gui.icons import icon
from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import GONE, WatchedPage
from xapiman.gui.tabs.lists import KEY_ROLE, Row, fill_item
from xapiman.gui.tabs.widgets import ActionButtons
from xapiman.i18n import translate
from xapiman.xapi.records import VM, SnapshotNode

NOW = "now"


def snapshot_row(snap: VM) -> Row:
    memory = snap.power_state == "Suspended"
    return Row(snap.ref, (snap.name, fmt.local_time(snap.snapshot_time),
                          "Disks and memory" if memory else "Disks only", snap.description),
               icon=icon("snapshot", snap.power_state), tooltip=snap.description or snap.name)


@page
class SnapshotsPage(WatchedPage):
    title = "Snapshots"
    kinds = frozenset({"vm"})
    order = 50

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        self.buttons = ActionButtons()
        self.buttons.add("vm.snapshot", "Take Snapshot…", partial(self.run_action, "vm.snapshot"))
        self.buttons.add("snapshot.revert", "Revert To…", partial(self._on_selected,
                                                                  "snapshot.revert"))
        self.buttons.add("snapshot.delete", "Delete…", partial(self._on_selected,
                                                               "snapshot.delete"))
        box.addWidget(self.buttons)
        self.summary = QLabel()
        self.summary.setObjectName("snapshotSummary")
        box.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setObjectName("snapshotTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([translate("Snapshots", "Name"), translate("Snapshots", "Taken"),
                                   translate("Snapshots", "Type"),
                                   translate("Snapshots", "Description")])
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        box.addWidget(self.tree, 1)
        self.details = QLabel()
        self.details.setObjectName("snapshotDetails")
        self.details.setWordWrap(True)
        box.addWidget(self.details)
        self.items: dict[str, QTreeWidgetItem] = {}
        self._shape: tuple = ()

    # -- filling ----------------------------------------------------------------------------

    def refresh(self) -> None:
        watch = self.new_watch().link("vm", "snapshot_of", self.ref)
        vm = self.cache.find(VM, self.ref)
        if vm is None:
            self._fill([])
            self.summary.setText(GONE)
            self._on_selection()
            return
        roots = vm.snapshot_tree()
        rows: list[tuple[Row, str]] = []  # (row, parent key) in tree order
        self._walk(roots, "", rows)
        current = vm.get("parent")
        parent = current if current in {row.key for row, _p in rows} else ""
        now = Row(NOW, (translate("Snapshots", "Now"), "",
                        translate("Snapshots", "Current state"),
                        translate("Snapshots", "What '{name}' is now").format(name=vm.name)),
                  icon=icon("vm", vm.power_state), italic=True)
        rows.append((now, parent))
        watch.add_all("vm", (row.key for row, _p in rows if row.key != NOW))
        self._fill(rows)
        count = len(rows) - 1
        self.summary.setText(f"{count} snapshot{'s' if count != 1 else ''}." if count else
                             "This VM has no snapshots yet. Take one to keep its current "
                             "state, to come back to it later.")
        self._on_selection()

    def _walk(self, nodes: list[SnapshotNode], parent: str, out: list[tuple[Row, str]]) -> None:
        for node in nodes:
            out.append((snapshot_row(node.snapshot), parent))
            self._walk(node.children, node.snapshot.ref, out)

    def _fill(self, rows: list[tuple[Row, str]]) -> None:
        shape = tuple((row.key, parent) for row, parent in rows)
        if shape == self._shape:
            for row, _parent in rows:
                fill_item(self.items[row.key], row)
            return
        selected = set(self.selected_refs())
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            self.items = {}
            for row, parent in rows:
                item = QTreeWidgetItem()
                item.setData(0, KEY_ROLE, row.key)
                fill_item(item, row)
                self.items[row.key] = item
                holder = self.items.get(parent)
                if holder is not None:
                    holder.addChild(item)
                else:
                    self.tree.addTopLevelItem(item)
                item.setSelected(row.key in selected)
            self.tree.expandAll()
        finally:
            self.tree.setUpdatesEnabled(True)
        if rows and not self._shape:
            for column in range(3):
                self.tree.resizeColumnToContents(column)
                self.tree.setColumnWidth(column, self.tree.columnWidth(column) + 16)
        self._shape = shape

    # -- selection and buttons --------------------------------------------------------------

    def selected_refs(self) -> list[str]:
        keys = (item.data(0, KEY_ROLE) for item in self.tree.selectedItems())
        return [k for k in keys if k and k != NOW]

    def select_refs(self, refs: list[str]) -> None:
        self.tree.clearSelection()
        for ref in refs:
            item = self.items.get(ref)
            if item is not None:
                item.setSelected(True)

    def _on_selected(self, action_id: str) -> None:
        refs = self.selected_refs()
        if refs:
            self.run_action(action_id, refs)

    def _on_selection(self) -> None:
        available = self.available("vm.snapshot")
        self.buttons.set_available("vm.snapshot", bool(available), available.reason)
        refs = self.selected_refs()
        for action_id in ("snapshot.revert", "snapshot.delete"):
            if not refs:
                self.buttons.set_available(action_id, False, "Select a snapshot in the list.")
                continue
            if action_id == "snapshot.revert" and len(refs) > 1:
                self.buttons.set_available(action_id, False, "Select one snapshot to revert to.")
                continue
            available = self.available(action_id, refs)
            self.buttons.set_available(action_id, bool(available), available.reason)
        self.details.setText(self._details(refs))

    def _details(self, refs: list[str]) -> str:
        if len(refs) != 1 or self.cache is None:
            if refs:
                return f"{len(refs)} snapshots selected."
            return "Select a snapshot to revert to it or delete it." if len(self.items) > 1 \
                else ""
        snap = self.cache.find(VM, refs[0])
        if snap is None:
            return ""
        kind = ("disks and memory: reverting resumes the VM as it ran" if
                snap.power_state == "Suspended" else "disks only: reverting leaves the VM shut "
                                                     "down")
        text = (f"<b>{html.escape(snap.name)}</b>, taken "
                f"{fmt.local_time(snap.snapshot_time)}; {kind}.")
        if snap.description:
            text += f"<br>{html.escape(snap.description)}"
        return text
