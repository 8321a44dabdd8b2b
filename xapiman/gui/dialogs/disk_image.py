"""The disk image dialogs: the file to upload into a new disk (with what it holds, read off the
GUI thread: raw or VHD, the disk size) and its SR and name; the file a disk is exported to (its
name says the format). They fill a `DiskImportPlan` or `DiskExportPlan`; the actions check
again and do the work."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions.sizes import format_size
from xapiman.actions.vdi_image import DiskExportPlan, DiskImportPlan
from xapiman.actions.vm_plan import sr_choices
from xapiman.gui.dialogs.confirm import DANGER_COLOUR, TEXT_WIDTH, ok_cancel_buttons, text_label
from xapiman.gui.dialogs.xva import file_row
from xapiman.i18n import translate
from xapiman.xapi.disk_image import ImageError, format_for, inspect_image

FILTER = translate("DiskImage", "Disk images (*.vhd *.img *.raw);;All files (*)")
CHECK_DELAY_MS = 200


class DiskImportDialog(QDialog):
    def __init__(self, draft: DiskImportPlan, cache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diskImportDialog")
        self.setWindowTitle(translate("DiskImage", "Import Disk Image"))
        self.plan = draft
        outer = QVBoxLayout(self)
        intro = text_label(translate(
            "DiskImage", "A raw disk image or a VHD file becomes a new virtual disk of the "
            "chosen SR, as large as the disk it holds."), "importDiskText")
        intro.setMinimumWidth(TEXT_WIDTH)
        outer.addWidget(intro)
        form = QFormLayout()
        cell, self.path = file_row(self, "diskImportPath", save=False, file_filter=FILTER,
                                   suffix="vhd")
        self.path.setText(draft.path)
        form.addRow(translate("DiskImage", "File:"), cell)
        self.info = text_label("", "diskImportInfo")
        form.addRow("", self.info)
        self.sr = QComboBox()
        self.sr.setObjectName("diskImportSr")
        for choice in sr_choices(cache):
            if choice.enabled:
                self.sr.addItem(f"{choice.label}  ({choice.detail})", choice.value)
        self.sr.setCurrentIndex(max(self.sr.findData(draft.sr), 0))
        form.addRow(translate("DiskImage", "SR:"), self.sr)
        self.name = QLineEdit(draft.name)
        self.name.setObjectName("diskImportName")
        self.name.setPlaceholderText(translate("DiskImage", "the file's name"))
        form.addRow(translate("DiskImage", "Disk name:"), self.name)
        outer.addLayout(form)
        self.buttons = ok_cancel_buttons(self, translate("DiskImage", "Import"), False)
        outer.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start_check)
        self.path.textChanged.connect(lambda _t: self._timer.start(CHECK_DELAY_MS))
        self._ok(False)
        if draft.path:
            self._start_check()

    def _ok(self, enabled: bool) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is not None:
            button.setEnabled(enabled)

    def _start_check(self) -> None:
        asyncio.ensure_future(self._check(self.path.text().strip()))

    async def _check(self, text: str) -> None:
        if not text:
            self.info.setText("")
            self._ok(False)
            return
        try:
            info = await asyncio.to_thread(inspect_image, Path(text).expanduser())
        except (ImageError, OSError) as exc:
            if text != self.path.text().strip():
                return
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.info.setText(why)
            self.info.setStyleSheet(f"color: {DANGER_COLOUR};")
            self._ok(False)
            return
        if text != self.path.text().strip():
            return
        self.info.setStyleSheet("")
        self.info.setText(translate("DiskImage", "A {format} image of a {size} disk.").format(
            format=info.format.upper(), size=format_size(info.virtual_size)))
        self._ok(True)

    def result_plan(self) -> DiskImportPlan:
        return DiskImportPlan(self.path.text().strip(), str(self.sr.currentData() or ""),
                              self.name.text().strip(), self.plan.description)


class DiskExportDialog(QDialog):
    def __init__(self, draft: DiskExportPlan, disk_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diskExportDialog")
        self.setWindowTitle(translate("DiskImage", "Export '{name}'").format(name=disk_name))
        outer = QVBoxLayout(self)
        intro = text_label(translate(
            "DiskImage", "The disk is written as a VHD file (only the blocks in use) when the "
            "name ends in .vhd, else as a raw image as large as the disk. The file appears "
            "under its name once it is complete."), "exportDiskText")
        intro.setMinimumWidth(TEXT_WIDTH)
        outer.addWidget(intro)
        form = QFormLayout()
        cell, self.path = file_row(self, "diskExportPath", save=True, file_filter=FILTER,
                                   suffix="vhd")
        self.path.setText(draft.path)
        form.addRow(translate("DiskImage", "File:"), cell)
        self.format = text_label("", "diskExportFormat", muted=True)
        form.addRow("", self.format)
        outer.addLayout(form)
        self.buttons = ok_cancel_buttons(self, translate("DiskImage", "Export"), False)
        outer.addWidget(self.buttons)
        self.path.textChanged.connect(self._show_format)
        self._show_format(draft.path)

    def _show_format(self, text: str) -> None:
        fmt = format_for(text)
        self.format.setText(translate("DiskImage", "Format: VHD") if fmt == "vhd" else
                            translate("DiskImage", "Format: raw"))
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is not None:
            button.setEnabled(bool(text.strip()))

    def result_plan(self) -> DiskExportPlan:
        return DiskExportPlan(self.path.text().strip())
