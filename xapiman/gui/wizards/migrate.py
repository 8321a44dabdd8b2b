"""The Migrate wizard: where VMs go (this pool or another open pool, and which server), the SR
of each disk, the network of each interface, and a summary on which the servers are asked
whether the move would work before anything moves.

It edits a `MigratePlan`; every check is `migrate_plan.review` (run as the user changes
something) and, on the last page, `migrate_plan.precheck` (`host.migrate_receive` and
`VM.assert_can_migrate`, off the GUI thread); host rankings come from `placement`. Finishing
hands the plan back to the Migrate action, which moves each VM as its own task.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from xapiman.actions import peers
from xapiman.actions.migrate_plan import PAGES, MigratePlan, review
from xapiman.actions.sizes import format_size
from xapiman.actions.vm_plan import Review
from xapiman.gui.wizards import plan_wizard
from xapiman.gui.wizards.plan_wizard import PlanWizard
from xapiman.i18n import translate

REF_ROLE = Qt.ItemDataRole.UserRole


class MigratePage(plan_wizard.PlanPage):
    """A page of the Migrate wizard."""

    owner: MigrateWizard

    @property
    def plan(self) -> MigratePlan:
        return self.owner.plan


class DestinationPage(MigratePage):
    key = "destination"
    title_text = translate("Migrate", "Destination")
    subtitle_text = translate("Migrate", "The pool and the server the VMs go to. Servers that "
                              "cannot take them say why.")

    def build(self, layout: QVBoxLayout) -> None:
        rows = QFormLayout()
        self.pool_box = QComboBox()
        self.pool_box.setObjectName("migratePool")
        self.pool_box.currentIndexChanged.connect(self._pool_picked)
        rows.addRow(translate("Migrate", "Pool:"), self.pool_box)
        layout.addLayout(rows)
        self.hosts = QTreeWidget()
        self.hosts.setObjectName("migrateHosts")
        self.hosts.setRootIsDecorated(False)
        self.hosts.setHeaderLabels([translate("Migrate", "Server"),
                                    translate("Migrate", "Free memory"),
                                    translate("Migrate", "Verdict")])
        header = self.hosts.header()
        assert header is not None
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.hosts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hosts.setMinimumHeight(220)
        self.hosts.currentItemChanged.connect(self._host_picked)
        layout.addWidget(self.hosts, 1)
        self.live = QCheckBox(translate("Migrate", "Move running VMs live (they keep running "
                                        "while they move)"))
        self.live.setObjectName("migrateLive")
        self.live.toggled.connect(self._live_toggled)
        layout.addWidget(self.live)

    def load(self) -> None:
        self.pool_box.blockSignals(True)
        self.pool_box.clear()
        for name, conn in self.owner.pools.items():
            title = peers.pool_title(conn)
            if conn is self.plan.source:
                title = translate("Migrate", "{pool} (this pool)").format(pool=title)
            self.pool_box.addItem(title, name)
            if conn is self.plan.dest:
                self.pool_box.setCurrentIndex(self.pool_box.count() - 1)
        self.pool_box.blockSignals(False)
        self.live.setChecked(self.plan.live)
        self.live.setVisible(any(self.plan.moving_live(vm) for vm in self.plan.vms))
        self.fill_hosts()

    def fill_hosts(self) -> None:
        self.hosts.blockSignals(True)
        self.hosts.clear()
        current = None
        for rating in self.plan.host_ratings():
            verdict = rating.explanation()
            item = QTreeWidgetItem([rating.name, format_size(rating.free_memory), verdict])
            item.setData(0, REF_ROLE, rating.ref)
            item.setToolTip(2, verdict)
            if not rating.suitable:
                item.setFlags(Qt.ItemFlag.ItemNeverHasChildren)
            self.hosts.addTopLevelItem(item)
            if rating.ref == self.plan.host:
                current = item
        if current is not None:
            self.hosts.setCurrentItem(current)
        self.hosts.blockSignals(False)

    def _pool_picked(self, index: int) -> None:
        name = self.pool_box.itemData(index)
        conn = self.owner.pools.get(name)
        if conn is None or self._loading:
            return
        self.plan.retarget(conn, "" if conn is self.plan.source else name)
        self.fill_hosts()
        self.changed()

    def _host_picked(self, item: QTreeWidgetItem | None, _old: object) -> None:
        if item is None or self._loading:
            return
        self.plan.set_host(item.data(0, REF_ROLE))
        self.changed()

    def _live_toggled(self, checked: bool) -> None:
        if not self._loading:
            self.plan.live = checked
            self.changed()


class MigrateWizard(PlanWizard):
    """The Migrate wizard (see the module's description).

    Attributes:
        pools: the pools it offers as destinations, by name: the VMs' own first.
    """

    plan: MigratePlan

    def __init__(self, draft: MigratePlan, parent: QWidget | None = None) -> None:
        super().__init__(draft.source.cache, draft.copy(), parent)
        from xapiman.gui.wizards import migrate_pages as pages

        self.setObjectName("migrateWizard")
        names = [self.plan.vm_name(vm) for vm in self.plan.vms]
        self.setWindowTitle(translate("Migrate", "Migrate '{vm}'").format(vm=names[0])
                            if len(names) == 1 else
                            translate("Migrate", "Migrate {n} VMs").format(n=len(names)))
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, translate("Migrate", "Migrate"))
        own = peers.name_of(self.plan.source) or translate("Migrate", "this pool")
        self.pools = {own: self.plan.source, **peers.others(self.plan.source)}
        if self.plan.cross_pool and self.plan.dest_name not in self.pools:
            self.pools[self.plan.dest_name] = self.plan.dest
        self.pages: dict[str, MigratePage] = {}
        classes: list[type[MigratePage]] = [DestinationPage, *pages.page_classes()]
        for page_class in classes:
            page = page_class(self)
            self.pages[page.key] = page
            self.addPage(page)
        assert tuple(self.pages) == PAGES, tuple(self.pages)
        self.steps = self.add_steps(list(self.pages.values()))
        self.resize(900, 620)
        self.review_now()

    def check(self, plan: MigratePlan) -> Review:
        return review(plan)

    def page_named(self, key: str) -> MigratePage:
        return self.pages[key]

    def result_plan(self) -> MigratePlan:
        return self.plan.copy()
