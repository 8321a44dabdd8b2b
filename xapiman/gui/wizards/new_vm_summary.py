"""The New VM wizard's last page: the plan in full, where each VM goes, and "start now"."""

from __future__ import annotations

from PyQt6.QtWidgets import QCheckBox, QFormLayout, QVBoxLayout, QWidget

from xapiman.actions.vm_plan import Review, describe
from xapiman.gui.dialogs.confirm import text_label
from xapiman.gui.wizards.new_vm import PlanPage
from xapiman.i18n import translate


class SummaryPage(PlanPage):
    key = "summary"
    title_text = translate("NewVm", "Ready to create")
    subtitle_text = translate("NewVm", "Check the settings; Create makes the VM, with each step "
                              "shown in the task list.")

    def build(self, layout: QVBoxLayout) -> None:
        self.rows_box = QWidget()
        self.rows_box.setObjectName("summaryRows")
        self.rows = QFormLayout(self.rows_box)
        layout.addWidget(self.rows_box)
        self.start = QCheckBox(translate("NewVm", "Start the new VM now"))
        self.start.setObjectName("startNow")
        self.start.toggled.connect(self._edit)
        layout.addWidget(self.start)

    def load(self) -> None:
        self.start.setChecked(self.plan.start)
        self.start.setText(translate("NewVm", "Start the new VMs now") if self.plan.count > 1
                           else translate("NewVm", "Start the new VM now"))
        self._show(self.owner.review_result)

    def reviewed(self, result: Review) -> None:
        self._show(result)

    def _show(self, result: Review) -> None:
        while self.rows.rowCount():
            self.rows.removeRow(0)
        for number, (label, value) in enumerate(describe(self.cache, self.plan, result)):
            self.rows.addRow(f"{label}:", text_label(value, f"summary_{number}"))

    def _edit(self, checked: bool) -> None:
        if self._loading:
            return
        self.plan.start = checked
        self.changed()

    @property
    def scope(self) -> str | None:
        return None
