"""The pages' common shapes (properties, lists) and the network's General tab."""

from __future__ import annotations

from functools import partial

from PyQt6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from xapiman.actions import REGISTRY, Availability
from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import TabPage, page
from xapiman.gui.tabs.lists import RefList, Row
from xapiman.gui.tabs.watch import Watch
from xapiman.gui.tabs.widgets import ActionButtons, PropertyForm, Section, Value
from xapiman.i18n import QT_TRANSLATE_NOOP, translate
from xapiman.xapi.records import Network, as_bool

GONE = "This object no longer exists."
EDIT_BUTTONS = (("object.rename", QT_TRANSLATE_NOOP("Tabs", "Edit name and description…")),
                ("object.tags", QT_TRANSLATE_NOOP("Tabs", "Edit tags…")),
                ("object.folder", QT_TRANSLATE_NOOP("Tabs", "Move to folder…")))


class WatchedPage(TabPage):
    """A page that notes what it drew from (`self.watch`), so that only batches touching
    those objects refresh it, and that starts actions on the objects it shows.

    Attributes:
        watch: what the last refresh read (None before the first one: every batch concerns).
    """

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.watch: Watch | None = None

    def show_object(self, conn_name: str, cache, kind: str, ref: str) -> None:
        self.watch = None
        super().show_object(conn_name, cache, kind, ref)

    def concerned(self, change) -> bool:
        if self.watch is None:
            return bool(change)
        return self.watch.concerns(change, self.cache)

    @property
    def watching(self) -> Watch:
        """The watch of the refresh under way (made by `new_watch`)."""
        if self.watch is None:
            return self.new_watch()
        return self.watch

    def new_watch(self) -> Watch:
        """A fresh watch on the shown object, made the page's watch."""
        cls = self.cache.class_of(self.ref) if self.cache is not None else None
        self.watch = Watch().add(cls or "", self.ref)
        return self.watch

    def available(self, action_id: str, refs: list[str] | None = None) -> Availability:
        """Whether the action can run on `refs` (default: the shown object), and why not."""
        targets = self.context.targets(self.conn_name, refs if refs is not None else [self.ref])
        if not targets:
            return Availability(False, translate("Tabs", "Select an object first."))
        return REGISTRY[action_id].can_run(targets)

    def run_action(self, action_id: str, refs: list[str] | None = None) -> object:
        """Start the action on `refs` (default: the shown object)."""
        return self.context.trigger_on(action_id, self.conn_name,
                                       refs if refs is not None else [self.ref])


class PropertiesPage(WatchedPage):
    """Sections of properties of the shown object, with action buttons above them.

    Subclasses set `buttons` ((action id, text) pairs) and implement `sections(record)`,
    adding to `self.watch` whatever other objects they read.
    """

    buttons: tuple[tuple[str, str], ...] = ()

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.actions_row = ActionButtons()
        for action_id, text in self.buttons:
            self.actions_row.add(action_id, text, partial(self.run_action, action_id))
        self.actions_row.setVisible(bool(self.buttons))
        outer.addWidget(self.actions_row)
        scroll = QScrollArea()
        scroll.setObjectName("propertiesScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form = PropertyForm()
        scroll.setWidget(self.form)
        outer.addWidget(scroll, 1)

    def sections(self, record: dict) -> list[Section]:
        raise NotImplementedError

    def refresh(self) -> None:
        self.new_watch()
        record = self.record()
        if record is None:
            self.form.set_message(GONE)
        else:
            self.form.set_sections(self.sections(record))
        self.update_buttons()

    def update_buttons(self) -> None:
        for action_id, _text in self.buttons:
            available = self.available(action_id)
            self.actions_row.set_available(action_id, bool(available), available.reason)


class ListPage(WatchedPage):
    """A list of objects related to the shown one, with a line of text and buttons above.

    Subclasses set `columns` and `list_name` and implement `rows(record)`.
    """

    columns: list[str] = []
    list_name = "list"
    sort_column: int | None = 0

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(6, 6, 6, 6)
        self.summary = QLabel()
        self.summary.setObjectName("listSummary")
        self.summary.setWordWrap(True)
        self.box.addWidget(self.summary)
        self.actions_row = ActionButtons()
        self.actions_row.hide()
        self.box.addWidget(self.actions_row)
        self.list = RefList(self.list_name, self.columns, sort_column=self.sort_column)
        self.box.addWidget(self.list, 1)

    def rows(self, record: dict) -> list[Row]:
        raise NotImplementedError

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        return ""

    def refresh(self) -> None:
        self.new_watch()
        record = self.record()
        rows = self.rows(record) if record is not None else []
        self.list.sync(rows)
        text = GONE if record is None else self.summary_text(record, rows)
        self.summary.setText(text)
        self.summary.setVisible(bool(text))


def common_rows(record: dict) -> list[tuple[str, Value]]:
    """Name, description, tags and folder: what every object's General tab starts with."""
    return [("Name", str(record.get("name_label", ""))),
            ("Description", str(record.get("name_description", "")) or "None"),
            ("Tags", ", ".join(sorted(record.get("tags") or ())) or "None"),
            ("Folder", (record.get("other_config") or {}).get("folder", "") or "None")]


@page
class NetworkGeneralPage(PropertiesPage):
    title = "General"
    kinds = frozenset({"network"})
    order = 0
    buttons = EDIT_BUTTONS

    def sections(self, record: dict) -> list[Section]:
        net = self.view(Network, record)
        pifs = sorted(net.pifs, key=lambda p: (p.host.name if p.host else "", p.device))
        vifs = net.vifs
        self.watch.add_all("pif", (p.ref for p in pifs)).add_all("vif", (v.ref for v in vifs))
        self.watch.link("pif", "network", self.ref).link("vif", "network", self.ref)
        nics = ", ".join(f"{p.host.name if p.host else '?'} {p.device}"
                         + (f" (VLAN {p.vlan})" if p.vlan >= 0 else "") for p in pifs)
        active = sum(1 for v in vifs if v.currently_attached)
        vms = len({v.raw.get("VM") for v in vifs})
        return [("General", common_rows(record) + [("UUID", net.uuid)]),
                ("Network", [
                    ("Bridge", net.bridge or "None"),
                    ("MTU", str(net.mtu) if net.mtu else "Default"),
                    ("Server interfaces", f"{len(pifs)}" + (f": {nics}" if nics else
                                                           " (internal network)")),
                    ("VM interfaces", f"{len(vifs)} on {vms} VM{'s' if vms != 1 else ''}, "
                                      f"{active} active" if vifs else "None"),
                    ("Managed by xapi", fmt.yes_no(as_bool(record.get("managed", True)))),
                ])]
