"""The New VM wizard's first pages: template, name, installation media, home server."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from xapiman.actions import placement
from xapiman.actions.sizes import format_size
from xapiman.actions.templates import Template, templates
from xapiman.actions.vm_plan import (
    MAX_COUNT,
    InstallMedia,
    Review,
    dvd_choices,
    iso_choices,
)
from xapiman.gui.dialogs.confirm import text_label
from xapiman.gui.icons import icon
from xapiman.gui.wizards.new_vm import PlanPage
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

REF_ROLE = Qt.ItemDataRole.UserRole


def template_summary(info: Template) -> str:
    """A template's settings and the limits it recommends, in two sentences."""
    disks = ", ".join(format_size(d.size) for d in info.disks) or translate("NewVm", "none")
    text = translate("NewVm", "{vcpus} vCPUs, {memory} of memory, disks: {disks}.").format(
        vcpus=info.vcpus, memory=format_size(info.memory), disks=disks)
    text += " " + translate(
        "NewVm", "Recommended: up to {vcpus} vCPUs, {low} to {high} of memory, up to {vifs} "
        "network interfaces.").format(vcpus=info.max_vcpus,
                                      low=format_size(max(info.memory_min, 0)),
                                      high=format_size(info.max_memory), vifs=info.max_vifs)
    return text


class TemplatePage(PlanPage):
    key = "template"
    title_text = translate("NewVm", "Template")
    subtitle_text = translate("NewVm", "The operating system and settings the new VM starts "
                              "from.")

    def build(self, layout: QVBoxLayout) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("templateSearch")
        self.search.setPlaceholderText(translate("NewVm", "Search templates"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        layout.addWidget(self.search)
        self.list = QTreeWidget()
        self.list.setObjectName("templateList")
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(True)
        self.list.setMinimumHeight(260)
        self.list.currentItemChanged.connect(self._picked)
        layout.addWidget(self.list, 1)
        self.detail = text_label("", "templateDetail")
        self.detail.setMinimumHeight(64)
        layout.addWidget(self.detail)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        groups = {True: QTreeWidgetItem([translate("NewVm", "Default templates")]),
                  False: QTreeWidgetItem([translate("NewVm", "Custom templates")])}
        self.infos: dict[str, Template] = {}
        for info in templates(self.cache):
            self.infos[info.ref] = info
            item = QTreeWidgetItem([info.name])
            item.setData(0, REF_ROLE, info.ref)
            item.setIcon(0, icon("template"))
            item.setToolTip(0, info.description)
            groups[info.default].addChild(item)
        for default in (False, True):
            group = groups[default]
            if group.childCount():
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.list.addTopLevelItem(group)
                group.setExpanded(True)

    def _groups(self) -> list[QTreeWidgetItem]:
        items = (self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _items(self) -> list[QTreeWidgetItem]:
        out = []
        for group in self._groups():
            children = (group.child(i) for i in range(group.childCount()))
            out += [child for child in children if child is not None]
        return out

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for item in self._items():
            info = self.infos[item.data(0, REF_ROLE)]
            haystack = f"{info.name} {info.description}".casefold()
            item.setHidden(not all(w in haystack for w in words))
        for group in self._groups():
            children = (group.child(i) for i in range(group.childCount()))
            group.setHidden(all(child is None or child.isHidden() for child in children))

    def select(self, ref: str) -> bool:
        for item in self._items():
            if item.data(0, REF_ROLE) == ref:
                self.list.setCurrentItem(item)
                return True
        return False

    def load(self) -> None:
        self.select(self.plan.template)
        self._describe(self.plan.template)

    def _picked(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        ref = item.data(0, REF_ROLE) if item is not None else None
        if not ref:
            return
        self._describe(ref)
        if ref != self.plan.template and not self._loading:
            self.owner.set_template(ref)

    def _describe(self, ref: str) -> None:
        info = self.infos.get(ref)
        if info is None:
            self.detail.setText("")
            return
        text = f"{info.name}\n{info.description}\n{template_summary(info)}".strip()
        self.detail.setText(text)


class NamePage(PlanPage):
    key = "name"
    title_text = translate("NewVm", "Name")
    subtitle_text = translate("NewVm", "What the new VM is called; several VMs at once share "
                              "a name pattern.")
    edited = False

    def build(self, layout: QVBoxLayout) -> None:
        rows = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName("vmName")
        self.name.textChanged.connect(self._edit)
        rows.addRow(translate("NewVm", "Name:"), self.name)
        self.description = QPlainTextEdit()
        self.description.setObjectName("vmDescription")
        self.description.setMaximumHeight(90)
        self.description.textChanged.connect(self._edit)
        rows.addRow(translate("NewVm", "Description:"), self.description)
        self.count = QSpinBox()
        self.count.setObjectName("vmCount")
        self.count.setRange(1, MAX_COUNT)
        self.count.valueChanged.connect(self._edit)
        rows.addRow(translate("NewVm", "Number of VMs:"), self.count)
        layout.addLayout(rows)
        layout.addWidget(text_label(translate(
            "NewVm", "With more than one VM, {n} in the name is replaced by 1, 2, 3 … (for "
            "example web-{n}); without it, -1, -2 … is added."), "nameHelp", muted=True))
        self.preview = text_label("", "namePreview", muted=True)
        layout.addWidget(self.preview)

    def load(self) -> None:
        self.name.setText(self.plan.name)
        self.description.setPlainText(self.plan.description)
        self.count.setValue(self.plan.count)
        self._preview()

    def _edit(self, *_args) -> None:
        if self._loading:
            return
        self.edited = True
        self.plan.name = self.name.text()
        self.plan.description = self.description.toPlainText()
        self.plan.count = self.count.value()
        self._preview()
        self.changed()

    def _preview(self) -> None:
        names = self.plan.names() if self.plan.name.strip() else []
        if len(names) > 4:
            names = [*names[:3], "…", names[-1]]
        self.preview.setText(translate("NewVm", "Names: {names}").format(names=", ".join(names))
                             if names else "")


class InstallPage(PlanPage):
    key = "install"
    title_text = translate("NewVm", "Installation media")
    subtitle_text = translate("NewVm", "Where the operating system is installed from.")

    def build(self, layout: QVBoxLayout) -> None:
        grid = QGridLayout()
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        labels = {"iso": translate("NewVm", "ISO image:"),
                  "dvd": translate("NewVm", "DVD drive of a server:"),
                  "url": translate("NewVm", "Install from a network repository:"),
                  "pxe": translate("NewVm", "Boot from the network (PXE)"),
                  "none": translate("NewVm", "No installation media (boot from the disks)")}
        for row, (kind, label) in enumerate(labels.items()):
            radio = QRadioButton(label)
            radio.setObjectName(f"install_{kind}")
            self.group.addButton(radio, row)
            radio.toggled.connect(self._edit)
            self.radios[kind] = radio
            grid.addWidget(radio, row, 0)
        self.iso = QComboBox()
        self.iso.setObjectName("isoChoice")
        self.iso.currentIndexChanged.connect(self._edit)
        grid.addWidget(self.iso, 0, 1)
        self.dvd = QComboBox()
        self.dvd.setObjectName("dvdChoice")
        self.dvd.currentIndexChanged.connect(self._edit)
        grid.addWidget(self.dvd, 1, 1)
        self.url = QLineEdit()
        self.url.setObjectName("installUrl")
        self.url.setPlaceholderText("http://deb.debian.org/debian/")
        self.url.textChanged.connect(self._edit)
        grid.addWidget(self.url, 2, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.note = text_label("", "installNote", muted=True)
        layout.addWidget(self.note)

    def load(self) -> None:
        info = self.owner.template_info()
        self.iso.clear()
        for choice in iso_choices(self.cache):
            self.iso.addItem(f"{choice.label}  ({choice.detail})", choice.value)
        self.dvd.clear()
        for choice in dvd_choices(self.cache):
            self.dvd.addItem(choice.label, choice.value)
        reasons = {
            "iso": "" if self.iso.count() else translate("NewVm", "No ISO library has images."),
            "dvd": "" if self.dvd.count() else translate("NewVm", "No server has a DVD drive."),
            "url": "" if info is not None and info.network_install else translate(
                "NewVm", "This template installs only from a disc."),
            "pxe": "" if info is not None and info.hvm else translate(
                "NewVm", "This template cannot boot from the network."),
            "none": "",
        }
        for kind, radio in self.radios.items():
            radio.setEnabled(not reasons[kind])
            radio.setToolTip(reasons[kind])
        media = self.plan.install
        self.radios.get(media.kind, self.radios["none"]).setChecked(True)
        for combo in (self.iso, self.dvd):
            index = combo.findData(media.vdi)
            if index >= 0:
                combo.setCurrentIndex(index)
        self.url.setText(media.url)
        self.note.setText(translate("NewVm", "The template has an operating system installed; "
                                    "no media is needed.") if info is not None
                          and not info.needs_media else "")
        self._enable()

    def _kind(self) -> str:
        return next((k for k, r in self.radios.items() if r.isChecked()), "none")

    def _enable(self) -> None:
        kind = self._kind()
        self.iso.setEnabled(kind == "iso")
        self.dvd.setEnabled(kind == "dvd")
        self.url.setEnabled(kind == "url")

    def _edit(self, *_args) -> None:
        if self._loading:
            return
        self._enable()
        kind = self._kind()
        vdi = {"iso": self.iso.currentData(), "dvd": self.dvd.currentData()}.get(kind) or NULL_REF
        self.plan.install = InstallMedia(kind, vdi, self.url.text().strip())
        self.changed()


HOST_COLUMNS = (translate("NewVm", "Server"), translate("NewVm", "Verdict"),
                translate("NewVm", "Memory left"), translate("NewVm", "vCPUs / CPUs"),
                translate("NewVm", "CPU load"), translate("NewVm", "Why not"))


def host_row(rating: placement.HostRating) -> list[str]:
    """A host's line in the ranking: its verdict, the figures behind it, or why not."""
    verdict = (translate("NewVm", "Recommended") if rating.recommended else
               translate("NewVm", "Suitable") if rating.suitable else
               translate("NewVm", "Not suitable"))
    if not rating.suitable:
        return [rating.name, verdict, "", "", "", " ".join(rating.reasons)]
    cpus = f"{rating.vcpus} / {rating.cpus}" if rating.cpus else str(rating.vcpus)
    load = f"{round(rating.load * 100)}%" if rating.load is not None else "—"
    return [rating.name, verdict, format_size(rating.memory_left), cpus, load, ""]


class HomePage(PlanPage):
    key = "host"
    title_text = translate("NewVm", "Home server")
    subtitle_text = translate("NewVm", "The server the VM prefers to run on; automatic "
                              "placement picks the best one and says why.")

    def build(self, layout: QVBoxLayout) -> None:
        self.auto = QRadioButton(translate("NewVm", "Place the VM automatically"))
        self.auto.setObjectName("homeAuto")
        self.fixed = QRadioButton(translate("NewVm", "Use this home server:"))
        self.fixed.setObjectName("homeFixed")
        group = QButtonGroup(self)
        group.addButton(self.auto)
        group.addButton(self.fixed)
        self.auto.toggled.connect(self._edit)
        layout.addWidget(self.auto)
        self.recommendation = text_label("", "homeRecommendation")
        self.recommendation.setIndent(24)
        layout.addWidget(self.recommendation)
        layout.addWidget(self.fixed)
        self.hosts = QTreeWidget()
        self.hosts.setObjectName("hostList")
        self.hosts.setColumnCount(len(HOST_COLUMNS))
        self.hosts.setHeaderLabels(list(HOST_COLUMNS))
        self.hosts.setRootIsDecorated(False)
        self.hosts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.hosts.header()
        assert header is not None
        for column in range(len(HOST_COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HOST_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.hosts.itemSelectionChanged.connect(self._host_picked)
        self.hosts.currentItemChanged.connect(self._show_host)
        layout.addWidget(self.hosts, 1)
        self.host_detail = text_label("", "hostDetail", muted=True)
        layout.addWidget(self.host_detail)

    def load(self) -> None:
        fixed = self.plan.host != NULL_REF
        self.fixed.setChecked(fixed)
        self.auto.setChecked(not fixed)
        self._rank()

    def _rank(self) -> None:
        """The hosts ranked for one VM of the plan, with the reasons."""
        ratings = placement.rank_hosts(self.cache, self.plan.needs(self.cache),
                                       load=self.owner.loads())
        current = self.hosts.currentItem()
        looked_at = current.data(0, REF_ROLE) if current is not None else self.plan.host
        self.hosts.blockSignals(True)
        try:
            self.hosts.clear()
            for rating in ratings:
                item = QTreeWidgetItem(host_row(rating))
                item.setData(0, REF_ROLE, rating.ref)
                item.setIcon(0, icon("host", "" if rating.suitable else "disabled"))
                for column in range(len(HOST_COLUMNS)):
                    item.setToolTip(column, rating.explanation())
                self.hosts.addTopLevelItem(item)
                if rating.ref == looked_at:
                    self.hosts.setCurrentItem(item)
                item.setSelected(rating.ref == self.plan.host)
        finally:
            self.hosts.blockSignals(False)
        self._show_host(self.hosts.currentItem())
        best = placement.recommended(ratings)
        if best is None:
            self.recommendation.setText(translate("NewVm", "No server can run the VM now."))
        else:
            self.recommendation.setText(translate("NewVm", "Recommended now: {host} — {why}.")
                                        .format(host=best.name, why="; ".join(best.notes)))

    def reviewed(self, result: Review) -> None:
        if self.isVisible():
            self._rank()

    def _show_host(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        """The whole verdict of the server under the cursor below the list; with none, why
        each server that cannot take the VM cannot (the list's column is too narrow for it)."""
        if item is not None:
            shown = [item]
        else:
            rows = (self.hosts.topLevelItem(i) for i in range(self.hosts.topLevelItemCount()))
            shown = [row for row in rows if row is not None and row.text(5)]
        self.host_detail.setText("\n".join(f"{row.text(0)}: {row.toolTip(0)}" for row in shown))

    def _host_picked(self) -> None:
        if self._loading:
            return
        items = self.hosts.selectedItems()
        if items:
            self.fixed.setChecked(True)
            self.plan.host = items[0].data(0, REF_ROLE)
            self.changed()

    def _edit(self, *_args) -> None:
        if self._loading:
            return
        if self.auto.isChecked():
            self.plan.host = NULL_REF
            self.hosts.clearSelection()
        else:
            items = self.hosts.selectedItems()
            best = placement.recommended(
                placement.rank_hosts(self.cache, self.plan.needs(self.cache),
                                     load=self.owner.loads()))
            self.plan.host = items[0].data(0, REF_ROLE) if items else (
                best.ref if best is not None else NULL_REF)
            self._rank()
        self.changed()


def page_classes():
    from xapiman.gui.wizards.new_vm_resources import CpuMemoryPage, DisksPage, NetworksPage
    from xapiman.gui.wizards.new_vm_summary import SummaryPage

    return (TemplatePage, NamePage, InstallPage, HomePage, CpuMemoryPage, DisksPage,
            NetworksPage, SummaryPage)
