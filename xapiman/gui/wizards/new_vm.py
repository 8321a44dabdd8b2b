"""The New VM wizard: it shapes a `NewVmPlan` page by page and checks it as the user types.

The wizard only asks and shows: every check comes from `xapiman.actions.vm_plan.review` (the
same checks `xapiman-cli vm new` makes), every host ranking from `placement`, and finishing
hands the plan back to the New VM action, which does the work. A page's Next button stays
disabled while the page has a blocking problem, shown in red under it; warnings show in amber.
"""

from __future__ import annotations

import contextlib

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QVBoxLayout, QWidget, QWizard, QWizardPage

from xapiman.actions.placement import measured_loads
from xapiman.actions.templates import template
from xapiman.actions.vm_plan import PAGES, NewVmPlan, Review, review
from xapiman.gui.dialogs.confirm import DANGER_COLOUR, text_label
from xapiman.i18n import translate
from xapiman.xapi.metrics import MetricsClient
from xapiman.xapi.state import ConnectionState

WARNING_COLOUR = "#8a5300"
REVIEW_DELAY_MS = 120


class PlanPage(QWizardPage):
    """A page that edits part of the wizard's plan.

    Subclasses build their widgets in `build(layout)`, show the plan in `load()` (each time
    the page is shown), write user edits into `self.plan` and then call `self.changed()`.
    """

    key = ""  # the page's name in vm_plan.PAGES
    title_text = ""
    edited = False  # the user typed something here (a new template keeps it)
    subtitle_text = ""

    def __init__(self, wizard: NewVmWizard) -> None:
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
    def plan(self) -> NewVmPlan:
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


class NewVmWizard(QWizard):
    """Signals:
        reviewed(Review): the plan was checked again (pages show their problems).
        metrics_arrived(): the hosts reported their load (from a fetcher thread).
        connection_changed(): the pool's connection changed state (from its thread).

    Attributes:
        conn: the pool's connection; cache: its objects; plan: the plan being edited (a copy
        of the draft);
        review_result: the last review of it.
    """

    reviewed = pyqtSignal(object)

    metrics_arrived = pyqtSignal()

    connection_changed = pyqtSignal()

    def __init__(self, conn, draft: NewVmPlan, parent: QWidget | None = None,
                 pool_name: str = "") -> None:
        super().__init__(parent)
        from xapiman.gui.wizards import new_vm_pages as pages

        self.setObjectName("newVmWizard")
        title = translate("NewVm", "New VM")
        self.setWindowTitle(f"{title} — {pool_name}" if pool_name else title)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, translate("NewVm", "Create"))
        self.conn = conn
        self.cache = conn.cache
        self.plan = draft.copy()
        self.review_result = Review()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.review_now)
        self.pages: dict[str, PlanPage] = {}
        for page_class in pages.page_classes():
            page = page_class(self)
            self.pages[page.key] = page
            self.addPage(page)
        assert tuple(self.pages) == PAGES, tuple(self.pages)
        self.steps = StepList([p.title() for p in self.pages.values()])
        self.setSideWidget(self.steps)
        self.currentIdChanged.connect(self.steps.set_current)
        self.resize(900, 640)
        self._watch_load()
        self._watch_connection()
        self.review_now()

    def _watch_load(self) -> None:
        """While the wizard is open, the hosts' CPU load is measured (it joins the ranking as
        it arrives); the measuring stops when the wizard closes."""
        if not hasattr(self.conn, "add_state_listener"):
            return
        client = MetricsClient.of(self.conn)
        watch = client.watch(list(self.cache.records("host")), detail=False)
        remove = client.add_listener(lambda _event: self.metrics_arrived.emit())
        self.metrics_arrived.connect(self.plan_changed)

        def stop(_code: int = 0) -> None:
            remove()
            watch.close()

        self.finished.connect(stop)

    def _watch_connection(self) -> None:
        """A connection that is lost or closed while the wizard is open blocks every page
        with the reason (the pool's objects are no longer known); a connection that comes back
        lets the user go on."""
        if not hasattr(self.conn, "add_state_listener"):
            return
        def changed(_change) -> None:
            with contextlib.suppress(RuntimeError):  # the wizard went meanwhile
                self.connection_changed.emit()

        remove = self.conn.add_state_listener(changed)
        self.connection_changed.connect(self.review_now)
        self.finished.connect(lambda _code=0: remove())

    def connection_problem(self) -> str:
        """Why nothing can be created over the connection now ("" when it can)."""
        state = getattr(self.conn, "state", ConnectionState.CONNECTED)
        if state is ConnectionState.CONNECTED:
            return ""
        if state in (ConnectionState.RECONNECTING, ConnectionState.CONNECTING):
            return translate("NewVm", "The connection to the pool was lost and is being made "
                             "again; the VM can be created once it is back.")
        return translate("NewVm", "The connection to the pool is closed: nothing can be "
                         "created. Connect to the pool again and start over.")

    def loads(self) -> dict[str, float]:
        """The hosts' CPU load measured so far (hosts without a recent figure left out)."""
        return measured_loads(self.conn)

    def plan_changed(self) -> None:
        """Check the plan again once the user paused typing."""
        self._timer.start(REVIEW_DELAY_MS)

    def review_now(self) -> None:
        self._timer.stop()
        problem = self.connection_problem()
        if problem:
            result = Review()
            for key in PAGES:
                result.error(key, problem)
        else:
            result = review(self.cache, self.plan, load=self.loads())
        self.review_result = result
        self.reviewed.emit(self.review_result)

    def set_template(self, ref: str) -> None:
        """Another template: its defaults replace the plan's, keeping what the user typed on
        the name page and the home server."""
        old = self.plan
        fresh = NewVmPlan.for_template(self.cache, ref, host=old.host)
        if self.pages["name"].edited:
            fresh.name, fresh.description, fresh.count = old.name, old.description, old.count
        fresh.start = old.start
        self.plan = fresh
        self.plan_changed()

    def template_info(self):
        """The chosen template (`xapiman.actions.templates.Template`), None when gone."""
        return template(self.cache, self.plan.template)

    def page_named(self, key: str) -> PlanPage:
        return self.pages[key]

    def result_plan(self) -> NewVmPlan:
        return self.plan.copy()
