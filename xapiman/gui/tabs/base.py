"""What every tab page is: the object it shows, how it refreshes, how it starts actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from PyQt6.QtWidgets import QWidget

from xapiman.actions.base import ConnectionLike, Target
from xapiman.i18n import QT_TRANSLATE_NOOP, translate
from xapiman.xapi.cache import ObjectCache

if TYPE_CHECKING:
    from xapiman.xapi.records import Record

R = TypeVar("R", bound="Record")

PAGES: list[type[TabPage]] = []

# the pages' titles (a page's `title` is its English name, which --tab and settings use),
# marked for the translation tools; `shown_title` gives the one the tab shows
TITLES = (
    QT_TRANSLATE_NOOP("Tabs", "General"),
    QT_TRANSLATE_NOOP("Tabs", "Summary"),
    QT_TRANSLATE_NOOP("Tabs", "HA"),
    QT_TRANSLATE_NOOP("Tabs", "Memory"),
    QT_TRANSLATE_NOOP("Tabs", "vCPUs"),
    QT_TRANSLATE_NOOP("Tabs", "Storage"),
    QT_TRANSLATE_NOOP("Tabs", "Disks"),
    QT_TRANSLATE_NOOP("Tabs", "NICs"),
    QT_TRANSLATE_NOOP("Tabs", "Networking"),
    QT_TRANSLATE_NOOP("Tabs", "VMs"),
    QT_TRANSLATE_NOOP("Tabs", "Console"),
    QT_TRANSLATE_NOOP("Tabs", "Performance"),
    QT_TRANSLATE_NOOP("Tabs", "Snapshots"),
    QT_TRANSLATE_NOOP("Tabs", "Dashboard"),
    QT_TRANSLATE_NOOP("Tabs", "Users"),
    QT_TRANSLATE_NOOP("Tabs", "Alerts"),
    QT_TRANSLATE_NOOP("Tabs", "Search"),
)


def page(cls: type[TabPage]) -> type[TabPage]:
    """Register a tab page class."""
    PAGES.append(cls)
    return cls


@dataclass
class TabContext:
    """What pages may use.

    Attributes:
        trigger: run a registered action by id on the current selection ("vm.snapshot" ...);
            given a list of action Targets as second argument, on those instead.
        select: select another object in the tree: (connection name, ref).
        connection: the Connection of a connection name (for reads such as RRD later).
        metrics: the window's MetricsFeed (performance graphs, dashboard); None without.
        settings: the app's Settings (what pages remember: columns, saved searches); None
            without.
    """

    trigger: Callable[..., object]
    select: Callable[[str, str], object]
    connection: Callable[[str], ConnectionLike | None]
    metrics: Any = None
    settings: Any = None

    def targets(self, conn_name: str, refs: Sequence[str]) -> list[Target]:
        """Action targets for objects of a connection (a snapshot picked in a page ...)."""
        conn = self.connection(conn_name)
        if conn is None:
            return []
        cache = conn.cache
        return [Target(conn, cache.class_of(ref) or "", ref) for ref in refs
                if cache.class_of(ref)]

    def trigger_on(self, action_id: str, conn_name: str, refs: Sequence[str]) -> object:
        """Run an action on these objects rather than on the tree's selection."""
        targets = self.targets(conn_name, refs)
        return self.trigger(action_id, targets) if targets else None


class TabPage(QWidget):
    """One tab of the object area.

    Subclasses set `title`, `kinds` (node kinds: vm, template, snapshot, host, sr, network,
    connection) and `order`, build their widgets in `__init__`, and fill them in `refresh()`
    from `self.cache` and `self.ref`. Pages never call XAPI directly: edits go through
    actions (`self.context.trigger(action_id)`).
    """

    title = ""
    kinds: frozenset[str] = frozenset()
    order = 50

    @classmethod
    def shown_for(cls, cache, kind: str, ref: str) -> bool:
        """Whether the page applies to this object (default: to every object of `kinds`)."""
        return True

    def __init__(self, context: TabContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.conn_name = ""
        self.cache: ObjectCache = ObjectCache()  # empty until show_object
        self.kind = ""
        self.ref = ""
        self.dirty = True
        self.setObjectName(f"tab:{self.title}")

    @classmethod
    def shown_title(cls) -> str:
        """The page's title in the user's language."""
        return translate("Tabs", cls.title)

    def show_object(self, conn_name: str, cache: ObjectCache, kind: str, ref: str) -> None:
        self.conn_name, self.cache, self.kind, self.ref = conn_name, cache, kind, ref
        self.dirty = True
        if self.isVisible():
            self.refresh_now()

    def view(self, kind: type[R], record: dict) -> R:
        """The `kind` view of the page's object made from `record` (the one this refresh
        read), so that it cannot be missing even if a batch removed the object meanwhile."""
        return kind(self.cache, self.ref, record)

    def record(self) -> dict | None:
        if self.cache is None or not self.ref:
            return None
        return self.cache.get(self.ref)

    def cache_changed(self, change) -> None:
        """A batch of the page's connection arrived: refresh now if visible, else later."""
        if not self.concerned(change):
            return
        self.dirty = True
        if self.isVisible():
            self.refresh_now()

    def concerned(self, change) -> bool:
        """Whether a batch may change what the page shows (default: anything did change)."""
        return bool(change)

    def refresh_now(self) -> None:
        if self.cache is not None:
            self.refresh()
        self.dirty = False

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.dirty:
            self.refresh_now()

    def refresh(self) -> None:
        raise NotImplementedError
