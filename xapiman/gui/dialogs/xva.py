"""The export and import dialogs: a file (typed or browsed for) and the options of the transfer.

They fill an `ExportPlan` or `ImportPlan`; the actions check the plan again and do the work.
The import dialog reads the start of the chosen file off the GUI thread to say at once
whether it is an XVA export.
"""

from __future__ import annotations

import asyncio
import os

from PyQt6 import sip
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions.vm_plan import sr_choices
from xapiman.actions.vm_xva import ExportPlan, ImportPlan
from xapiman.gui.aio import spawn
from xapiman.gui.dialogs.confirm import DANGER_COLOUR, TEXT_WIDTH, ok_cancel_buttons, text_label
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF
from xapiman.xapi.xva import XvaError, check_xva

FILTER = translate("Xva", "XVA exports (*.xva);;All files (*)")
CHECK_DELAY_MS = 200


def file_row(parent: QDialog, name: str, save: bool, *, file_filter: str = FILTER,
             suffix: str = "xva") -> tuple[QWidget, QLineEdit]:
    """A path field with a Browse… button that opens a file chooser (without blocking)."""
    cell = QWidget(parent)
    row = QHBoxLayout(cell)
    row.setContentsMargins(0, 0, 0, 0)
    edit = QLineEdit(cell)
    edit.setObjectName(name)
    edit.setMinimumWidth(420)  # most paths show whole
    browse = QPushButton(translate("Xva", "Browse…"), cell)
    browse.setObjectName(f"{name}_browse")

    def choose() -> None:
        dialog = QFileDialog(parent, translate("Xva", "Export to") if save else
                             translate("Xva", "Import from"), os.path.dirname(edit.text()),
                             file_filter)
        dialog.setObjectName(f"{name}_chooser")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save
                             else QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile if save
                           else QFileDialog.FileMode.ExistingFile)
        dialog.setDefaultSuffix(suffix)
        dialog.selectFile(edit.text())
        dialog.fileSelected.connect(edit.setText)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    browse.clicked.connect(choose)
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return cell, edit


def suggested_path(name: str) -> str:
    """A bare file name goes to the home folder; '/' in a VM's name cannot be in a file name."""
    if not name or os.path.isabs(name) or os.sep in name:
        return name
    return os.path.join(os.path.expanduser("~"), name.replace("/", "-"))


class ExportDialog(QDialog):
    def __init__(self, draft: ExportPlan, vm_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(translate("Xva", "Export '{name}'").format(name=vm_name))
        outer = QVBoxLayout(self)
        intro = text_label(translate(
            "Xva", "The VM is written to an XVA file, which any XenServer or XCP-ng pool can "
            "import. The file appears under its name only once it is complete."), "exportText")
        intro.setMinimumWidth(TEXT_WIDTH)
        outer.addWidget(intro)
        rows = QFormLayout()
        cell, self.path = file_row(self, "exportPath", save=True)
        self.path.setText(suggested_path(draft.path))
        rows.addRow(translate("Xva", "File:"), cell)
        self.compress = QCheckBox(translate("Xva", "Compress (gzip, smaller and slower)"))
        self.compress.setObjectName("exportCompress")
        self.compress.setChecked(draft.compress)
        rows.addRow("", self.compress)
        outer.addLayout(rows)
        outer.addStretch(1)
        self.buttons = ok_cancel_buttons(self, translate("Xva", "Export"), False)
        outer.addWidget(self.buttons)
        self.path.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setEnabled(bool(self.path.text().strip()))

    def result_plan(self) -> ExportPlan:
        return ExportPlan(self.path.text().strip(), self.compress.isChecked())


class ImportDialog(QDialog):
    def __init__(self, draft: ImportPlan, cache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(translate("Xva", "Import VM"))
        self.cache = cache
        outer = QVBoxLayout(self)
        intro = text_label(translate(
            "Xva", "Import a VM from an XVA export. Its disks go to the SR you choose; the "
            "server you choose receives it and becomes its home server."), "importText")
        intro.setMinimumWidth(TEXT_WIDTH)
        outer.addWidget(intro)
        rows = QFormLayout()
        cell, self.path = file_row(self, "importPath", save=False)
        self.path.setText(draft.path)
        rows.addRow(translate("Xva", "File:"), cell)
        self.check = text_label("", "importCheck", muted=True)
        rows.addRow("", self.check)
        self.sr = QComboBox()
        self.sr.setObjectName("importSr")
        for choice in sr_choices(cache):
            self.sr.addItem(f"{choice.label} — {choice.detail}", choice.value)
            if not choice.enabled:
                self.sr.setItemData(self.sr.count() - 1, choice.reason, 3)
        self.sr.setCurrentIndex(max(self.sr.findData(draft.sr), 0))
        rows.addRow(translate("Xva", "Storage:"), self.sr)
        self.host = QComboBox()
        self.host.setObjectName("importHost")
        self.host.addItem(translate("Xva", "The pool's coordinator (no home server)"), NULL_REF)
        for ref, host in sorted(cache.records("host").items(),
                                key=lambda kv: kv[1].get("name_label", "")):
            self.host.addItem(host.get("name_label", ref), ref)
        self.host.setCurrentIndex(max(self.host.findData(draft.host), 0))
        rows.addRow(translate("Xva", "Server:"), self.host)
        outer.addLayout(rows)
        outer.addStretch(1)
        self.buttons = ok_cancel_buttons(self, translate("Xva", "Import"), False)
        outer.addWidget(self.buttons)
        self._valid_path = ""
        self.checking: asyncio.Future[None] | None = None  # the file's check under way, if any
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start_check)
        self.path.textChanged.connect(lambda _t: self._timer.start(CHECK_DELAY_MS))
        self._update()
        if draft.path:
            self._start_check()

    def _start_check(self) -> None:
        path = self.path.text().strip()
        self._valid_path = ""
        self._update()
        if not path:
            self.check.setText("")
            return
        self.check.setText(translate("Xva", "Checking the file…"))
        self.checking = spawn(self._check(path), "Check the XVA file")

    async def _check(self, path: str) -> None:
        try:
            kind = await asyncio.to_thread(check_xva, path)
        except XvaError as exc:
            verdict, good = str(exc), False
        except OSError as exc:
            verdict, good = translate("Xva", "Cannot read it: {why}").format(
                why=exc.strerror or exc), False
        else:
            verdict, good = translate("Xva", "An XVA export ({kind}).").format(
                kind=kind.compression), True
        if sip.isdeleted(self) or path != self.path.text().strip():
            return  # the dialog closed, or the user typed on, meanwhile
        self.check.setText(verdict)
        self.check.setStyleSheet("" if good else f"color: {DANGER_COLOUR};")
        self._valid_path = path if good else ""
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setEnabled(bool(self._valid_path) and self._valid_path == self.path.text().strip()
                      and self.sr.currentData() is not None)

    def result_plan(self) -> ImportPlan:
        return ImportPlan(self.path.text().strip(), self.sr.currentData() or NULL_REF,
                          self.host.currentData() or NULL_REF)
