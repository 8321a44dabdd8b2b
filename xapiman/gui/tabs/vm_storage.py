"""The Storage tab of a VM: its DVD drive and its virtual disks."""

from __future__ import annotations

from functools import partial

from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel

from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import ListPage
from xapiman.gui.tabs.list_actions import OBJECT, Button, ListActions
from xapiman.gui.tabs.lists import Row
from xapiman.gui.tabs.widgets import ActionButtons
from xapiman.i18n import translate
from xapiman.xapi.records import VBD, VM, as_int


@page
class VmStoragePage(ListPage):
    title = "Storage"
    kinds = frozenset({"vm", "template", "snapshot"})
    order = 20
    columns = ["Position", "Name", "Description", "Size", "Storage", "Read-only", "Active",
               "Device"]
    list_name = "vmDisks"

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        drive = QFrame()
        drive.setObjectName("dvdDrive")
        drive.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(drive)
        row.setContentsMargins(8, 4, 4, 4)
        title = QLabel("<b>{}</b>".format(translate("Tabs", "DVD drive:")))
        row.addWidget(title)
        self.drive_label = QLabel()
        self.drive_label.setObjectName("dvdContents")
        row.addWidget(self.drive_label, 1)
        self.drive_buttons = ActionButtons()
        self.drive_buttons.add("vm.cd_insert", "Insert ISO…", partial(self.run_action,
                                                                      "vm.cd_insert"))
        self.drive_buttons.add("vm.cd_eject", "Eject", partial(self.run_action, "vm.cd_eject"))
        row.addWidget(self.drive_buttons)
        self.box.insertWidget(0, drive)
        self.drive_frame = drive
        self.buttons = ListActions(self, (
            Button("vdi.new", translate("Tabs", "Add Disk…"), OBJECT),
            Button("vdi.attach", translate("Tabs", "Attach Disk…"), OBJECT),
            Button("vdi.detach", translate("Tabs", "Detach")),
            Button("vdi.resize", translate("Tabs", "Resize…")),
            Button("vdi.move", translate("Tabs", "Move…"))), refs_for=self._targets)

    def _targets(self, action_id: str, vbds: list[str]) -> list[str]:
        """The disk actions take the disks of the selected rows; Detach their VBDs."""
        if action_id == "vdi.detach" or self.cache is None:
            return vbds
        return [str((self.cache.record("vbd", vbd) or {}).get("VDI", "")) for vbd in vbds]

    def refresh(self) -> None:
        super().refresh()
        self.buttons.update()

    def rows(self, record: dict) -> list[Row]:
        vm = self.view(VM, record)
        self.watch.link("vbd", "VM", self.ref)
        out = []
        cds: list[VBD] = []
        for vbd in vm.vbds:
            self.watch.add("vbd", vbd.ref)
            if vbd.is_cd:
                cds.append(vbd)
                self.watch.add("vdi", vbd.get("VDI"))
                continue
            vdi = vbd.vdi
            sr = vdi.sr if vdi is not None else None
            self.watch.add("vdi", vbd.get("VDI")).add("sr", vdi.get("SR") if vdi else None)
            size = vdi.virtual_size if vdi is not None else 0
            position = as_int(vbd.userdevice, 999)
            read_only = vbd.mode == "RO" or (vdi is not None and vdi.read_only)
            out.append(Row(vbd.ref, (
                vbd.userdevice,
                vdi.name if vdi is not None else "(no disk)",
                vdi.description if vdi is not None else "",
                fmt.size(size),
                sr.name if sr is not None else "",
                fmt.yes_no(read_only),
                fmt.yes_no(vbd.currently_attached),
                f"/dev/{vbd.device}" if vbd.device else "",
            ), sort=(position, None, None, size)))
        self._show_drive(cds)
        return out

    def _show_drive(self, cds: list[VBD]) -> None:
        if not cds:
            text = "This VM has no DVD drive."
        else:
            vdi = cds[0].vdi
            if cds[0].empty or vdi is None:
                text = "Empty"
            else:
                sr = vdi.sr
                text = vdi.name + (f"  ({sr.name})" if sr is not None else "")
        self.drive_label.setText(text)
        for action_id in ("vm.cd_insert", "vm.cd_eject"):
            available = self.available(action_id)
            self.drive_buttons.set_available(action_id, bool(available), available.reason)
        # A snapshot's drive only records what was inserted: nothing to insert or eject.
        self.drive_buttons.setVisible(self.kind != "snapshot")
        self.drive_frame.setVisible(self.kind != "snapshot" or bool(cds))

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        if not rows:
            return "This VM has no virtual disks."
        total = sum(as_int(r.sort[3]) for r in rows)
        count = len(rows)
        return f"{count} virtual disk{'s' if count != 1 else ''}, {fmt.size(total)} in total."
