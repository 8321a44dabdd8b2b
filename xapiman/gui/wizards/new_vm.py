"""The New VM wizard: it shapes a `NewVmPlan` page by page and checks it as the user types.

The wizard only asks and shows: every check comes from `xapiman.actions.vm_plan.review` (the
same checks `xapiman-cli vm new` makes), every host ranking from `placement`, and finishing
hands the plan back to the New VM action, which does the work. A page's Next button stays
disabled while the page has a blocking problem, shown in red under it; warnings show in amber.
"""

from __future__ import annotations

import contextlib

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QWidget

from xapiman.actions.placement import measured_loads
from xapiman.actions.templates import template
from xapiman.actions.vm_plan import PAGES, NewVmPlan, Review, review
from xapiman.gui.wizards import plan_wizard
from xapiman.gui.wizards.plan_wizard import PlanWizard
from xapiman.i18n import translate
from xapiman.xapi.metrics import MetricsClient
from xapiman.xapi.state import ConnectionState


class PlanPage(plan_wizard.PlanPage):
    """A page of the New VM wizard."""

    owner: NewVmWizard


class NewVmWizard(PlanWizard):
    """The New VM wizard (see the module's description); `plan` is a `NewVmPlan`.

    Signals:
        metrics_arrived(): the hosts reported their load (from a fetcher thread).
        connection_changed(): the pool's connection changed state (from its thread).

    Attributes:
        conn: the pool's connection (`cache` its objects).
    """

    metrics_arrived = pyqtSignal()

    connection_changed = pyqtSignal()

    def __init__(self, conn, draft: NewVmPlan, parent: QWidget | None = None,
                 pool_name: str = "") -> None:
        super().__init__(conn.cache, draft.copy(), parent)
        from xapiman.gui.wizards import new_vm_pages as pages

        self.conn = conn
        title = translate("NewVm", "New VM")
        self.pages = self.add_pages(pages.page_classes(), name="newVmWizard",
                                    title=f"{title} — {pool_name}" if pool_name else title,
                                    finish=translate("NewVm", "Create"))
        assert tuple(self.pages) == PAGES, tuple(self.pages)
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

    def check(self, plan: NewVmPlan) -> Review:
        return review(self.cache, plan, load=self.loads())

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
