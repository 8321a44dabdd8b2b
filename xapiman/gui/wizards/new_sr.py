"""The New SR wizard: kind, name, location (probed: what already lives there is attached, not
overwritten) and a summary. It edits a `NewSrPlan`; every check is `sr_plan.review`, the same
the command line makes, and finishing hands the plan to the New SR action."""

from __future__ import annotations

from PyQt6.QtWidgets import QVBoxLayout, QWidget, QWizard

from xapiman.actions.sr_plan import (
    KINDS,
    NewSrPlan,
    describe,
    erase_warning,
    kind_help,
    kind_label,
)
from xapiman.actions.sr_plan import review as review_plan
from xapiman.actions.vm_plan import Review
from xapiman.gui.dialogs.confirm import DANGER_COLOUR, text_label
from xapiman.gui.wizards import plan_wizard
from xapiman.gui.wizards.plan_wizard import PlanPage, PlanWizard
from xapiman.i18n import translate


class SrPage(PlanPage):
    """A page of the New SR wizard."""

    owner: NewSrWizard
    plan: NewSrPlan


class TypePage(plan_wizard.KindPage, SrPage):
    title_text = translate("NewSr", "Type")
    subtitle_text = translate("NewSr", "What kind of storage the SR lives on.")
    kinds = KINDS
    prefix = "kind"

    def label(self, kind: str) -> str:
        return kind_label(kind)

    def help(self, kind: str) -> str:
        return kind_help(kind)

    def kind_changed(self, kind: str) -> None:
        self.owner.set_kind(kind)


class NamePage(plan_wizard.NamePage, SrPage):
    title_text = translate("NewSr", "Name")
    subtitle_text = translate("NewSr", "How the SR is shown in the pool.")
    prefix = "sr"

    def load(self) -> None:
        if not self.edited and not self.plan.name:
            self.plan.name = self.plan.default_name()
        super().load()


class SummaryPage(plan_wizard.SummaryPage, SrPage):
    title_text = translate("NewSr", "Summary")
    subtitle_text = translate("NewSr", "Check what will be done; the task list shows each "
                                       "step.")

    def build(self, layout: QVBoxLayout) -> None:
        super().build(layout)
        self.warning = text_label("", "eraseWarning", bold=True)
        self.warning.setStyleSheet(f"color: {DANGER_COLOUR};")
        layout.addWidget(self.warning)

    def rows(self) -> list[tuple[str, str]]:
        return describe(self.cache, self.plan)

    def show_rows(self) -> None:
        super().show_rows()
        warning = erase_warning(self.cache, self.plan)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.owner.setButtonText(QWizard.WizardButton.FinishButton, translate(
            "NewSr", "Attach") if self.plan.attach else translate("NewSr", "Create"))


class NewSrWizard(PlanWizard):
    plan: NewSrPlan

    def __init__(self, conn, draft: NewSrPlan, parent: QWidget | None = None,
                 pool_name: str = "") -> None:
        from xapiman.gui.wizards.new_sr_location import LocationPage

        title = translate("NewSr", "New SR")
        self.conn = conn
        super().__init__(conn.cache, draft.copy(), parent)
        self.pages = self.add_pages((TypePage, NamePage, LocationPage, SummaryPage),
                                    name="newSrWizard",
                                    title=f"{title} — {pool_name}" if pool_name else title,
                                    finish=translate("NewSr", "Create"))
        self.resize(860, 600)
        self.review_now()

    def check(self, plan: NewSrPlan) -> Review:
        return review_plan(self.cache, plan)

    def set_kind(self, kind: str) -> None:
        """Another kind: the location starts afresh; a name the user typed stays."""
        old = self.plan
        fresh = NewSrPlan(kind=kind, host=old.host, description=old.description)
        fresh.name = old.name if self.pages["name"].edited else ""
        self.plan = fresh
        self.plan_changed()
