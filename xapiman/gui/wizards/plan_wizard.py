"""What the wizards share: a wizard that edits a plan and checks it as the user types
(`PlanWizard`), its pages (`PlanPage`) and the list of steps down its side (`StepList`).

A wizard only asks and shows: its `check(plan)` gives a `Review` (problems per page, blocking
or warnings, from the actions layer), a page's Next button stays disabled while the page has a
blocking problem, shown in red under it; warnings show in amber. Finishing hands the plan back
to the action, which does the work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from xapiman.actions.vm_plan import Review
from xapiman.gui.dialogs.confirm import DANGER_COLOUR, text_label
from xapiman.i18n import translate

WARNING_COLOUR = "#8a5300"
PageT = TypeVar("PageT", bound="PlanPage")
REVIEW_DELAY_MS = 120


class PlanWizard(QWizard):
    """A wizard over a plan.

    Signals:
        reviewed(Review): the plan was checked again (pages show their problems).

    Attributes:
        cache: the pool's objects; plan: the plan being edited (a copy of the draft);
        review_result: the last review of it.
    """

    reviewed = pyqtSignal(object)

    def __init__(self, cache, plan: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.cache = cache
        self.plan = plan
        self.review_result = Review()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.review_now)

    def check(self, plan: Any) -> Review:
        """Every problem of `plan` (subclasses ask the actions layer)."""
        raise NotImplementedError

    def plan_changed(self) -> None:
        """Check the plan again once the user paused typing."""
        self._timer.start(REVIEW_DELAY_MS)

    def connection_problem(self) -> str:
        """Why the plan cannot be carried out over the connection now ("" when it can; every
        page shows it and its Next stays disabled)."""
        return ""

    def review_now(self) -> None:
        self._timer.stop()
        problem = self.connection_problem()
        if problem:
            result = Review()
            for page_id in self.pageIds():
                result.error(getattr(self.page(page_id), "key", ""), problem)
        else:
            result = self.check(self.plan)
        self.review_result = result
        self.reviewed.emit(self.review_result)

    def add_steps(self, pages: list[QWizardPage]) -> StepList:
        """The step list down the wizard's left side, following the current page."""
        steps = StepList([p.title() for p in pages])
        self.setSideWidget(steps)
        self.currentIdChanged.connect(steps.set_current)
        return steps

    def add_pages(self, page_classes: Sequence[type[PageT]], *, name: str, title: str,
                  finish: str) -> dict[str, PageT]:
        """Make the wizard's pages (returned by key) and its step list; `finish` names its
        Finish button."""
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, finish)
        pages: dict[str, PageT] = {}
        for page_class in page_classes:
            page = page_class(self)
            pages[page.key] = page
            self.addPage(page)
        self.steps = self.add_steps(list(pages.values()))
        return pages

    def result_plan(self) -> Any:
        return self.plan.copy()


class PlanPage(QWizardPage):
    """A page that edits part of the wizard's plan.

    Subclasses build their widgets in `build(layout)`, show the plan in `load()` (each time
    the page is shown), write user edits into `self.plan` and then call `self.changed()`.
    """

    key = ""  # the page's name (the page a problem of the review names)
    title_text = ""
    edited = False  # the user typed something here (a new template keeps it)
    subtitle_text = ""

    def __init__(self, wizard: PlanWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setObjectName(f"page_{self.key}")
        self.setTitle(self.title_text)
        self.setSubTitle(self.subtitle_text)
        self._loading = False
        layout = QVBoxLayout(self)
        self.build(layout)
        layout.addStretch(1)
        self.problems = text_label("", f"problems_{self.key}")
        self.problems.setTextFormat(self.problems.textFormat())
        self.problems.setVisible(False)
        layout.addWidget(self.problems)
        wizard.reviewed.connect(self._show_review)

    # -- for subclasses ------------------------------------------------------------------------

    @property
    def plan(self) -> Any:
        return self.owner.plan

    @property
    def cache(self):
        return self.owner.cache

    def build(self, layout: QVBoxLayout) -> None:
        raise NotImplementedError

    def load(self) -> None:
        """Show the plan's values in the widgets."""

    def changed(self) -> None:
        """The user changed the plan on this page: check again (soon)."""
        if not self._loading:
            self.owner.plan_changed()

    def reviewed(self, result: Review) -> None:
        """A new review arrived: refresh what depends on it (host rankings ...)."""

    # -- QWizardPage ---------------------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self._loading = True
        try:
            self.load()
        finally:
            self._loading = False
        self.owner.review_now()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        """Going back keeps what the user entered (the plan is not reset)."""

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self.owner.review_result.errors(self.scope)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        self.owner.review_now()
        return not self.owner.review_result.errors(self.scope)

    @property
    def scope(self) -> str | None:
        """Whose problems this page lists: its own (None: every page's)."""
        return self.key

    def _show_review(self, result: Review) -> None:
        errors, warnings = result.errors(self.scope), result.warnings(self.scope)
        lines = list(dict.fromkeys(errors + warnings))  # one problem of every page: once
        self.problems.setVisible(bool(lines))
        self.problems.setText("\n".join(f"• {line}" for line in lines))
        colour = DANGER_COLOUR if errors else WARNING_COLOUR
        self.problems.setStyleSheet(f"color: {colour};")
        if not self.owner.connection_problem():  # else what the page shows of the pool stays
            self.reviewed(result)
        self.completeChanged.emit()


class StepList(QWidget):
    """The wizard's pages down its left side: done ones plain, the current one bold, the rest
    greyed out."""

    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.setObjectName("wizardSteps")
        self.setMinimumWidth(170)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 16, 8)
        layout.setSpacing(10)
        self.labels = [text_label(title, f"step_{n}") for n, title in enumerate(titles)]
        for label in self.labels:
            layout.addWidget(label)
        layout.addStretch(1)
        self.set_current(0)

    def set_current(self, index: int) -> None:
        for n, label in enumerate(self.labels):
            font = label.font()
            font.setBold(n == index)
            label.setFont(font)
            label.setEnabled(n <= index)


# -- pages most wizards have ------------------------------------------------------------------


class KindPage(PlanPage):
    """The first page: the plan's kind among radio buttons, each with its help under it.

    Subclasses set `kinds` and `prefix` (object names "<prefix>_<kind>") and give `label` and
    `help`; `kind_changed` is called when the user picks another kind.
    """

    key = "type"
    kinds: tuple[str, ...] = ()
    prefix = "kind"

    def label(self, kind: str) -> str:
        raise NotImplementedError

    def help(self, kind: str) -> str:
        raise NotImplementedError

    def build(self, layout: QVBoxLayout) -> None:
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for n, kind in enumerate(self.kinds):
            radio = QRadioButton(self.label(kind))
            radio.setObjectName(f"{self.prefix}_{kind}")
            self.group.addButton(radio, n)
            radio.toggled.connect(self._edit)
            self.radios[kind] = radio
            layout.addWidget(radio)
            note = text_label(self.help(kind), f"{self.prefix}Help_{kind}", muted=True)
            note.setContentsMargins(24, 0, 0, 6)
            layout.addWidget(note)

    def load(self) -> None:
        self.radios.get(self.plan.kind, self.radios[self.kinds[0]]).setChecked(True)

    def _edit(self, *_args: object) -> None:
        if self._loading:
            return
        kind = next((k for k, r in self.radios.items() if r.isChecked()), self.kinds[0])
        if kind != self.plan.kind:
            self.kind_changed(kind)
        self.changed()

    def kind_changed(self, kind: str) -> None:
        self.plan.kind = kind


class NamePage(PlanPage):
    """The plan's name and description (`name`, `description`); subclasses may add rows to
    `self.form` in `more(form)`."""

    key = "name"
    prefix = ""

    def build(self, layout: QVBoxLayout) -> None:
        self.form = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName(f"{self.prefix}Name")
        self.name.textEdited.connect(self._edit)
        self.form.addRow(translate("Wizard", "Name:"), self.name)
        self.description = QPlainTextEdit()
        self.description.setObjectName(f"{self.prefix}Description")
        self.description.setMaximumHeight(90)
        self.description.textChanged.connect(self._edit)
        self.form.addRow(translate("Wizard", "Description:"), self.description)
        self.more(self.form)
        layout.addLayout(self.form)

    def more(self, form: QFormLayout) -> None:
        """Add rows of the subclass."""

    def load(self) -> None:
        self.name.setText(self.plan.name)
        self.description.setPlainText(self.plan.description)

    def _edit(self, *_args: object) -> None:
        if self._loading:
            return
        self.edited = True
        self.plan.name = self.name.text()
        self.plan.description = self.description.toPlainText()
        self.store()
        self.changed()

    def store(self) -> None:
        """Write the subclass's rows into the plan."""


class SummaryPage(PlanPage):
    """The last page: what will be done, as rows (label, value) from `rows()`; it lists every
    page's problems."""

    key = "summary"

    def build(self, layout: QVBoxLayout) -> None:
        self.rows_box = QWidget()
        self.rows_box.setObjectName("summaryRows")
        self.rows_form = QFormLayout(self.rows_box)
        layout.addWidget(self.rows_box)

    def rows(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def load(self) -> None:
        self.show_rows()

    def reviewed(self, result: Review) -> None:
        self.show_rows()

    def show_rows(self) -> None:
        while self.rows_form.rowCount():
            self.rows_form.removeRow(0)
        for n, (label, value) in enumerate(self.rows()):
            self.rows_form.addRow(f"{label}:", text_label(value, f"summary_{n}"))

    def texts(self) -> list[str]:
        """The values shown (for checks)."""
        out = []
        for n in range(self.rows_form.rowCount()):
            item = self.rows_form.itemAt(n, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                out.append(widget.text())
        return out

    @property
    def scope(self) -> str | None:
        return None
