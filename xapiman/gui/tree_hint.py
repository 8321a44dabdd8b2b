"""A line of help inside the tree when its view shows nothing yet (no folders, no tags): what
the view is for and how to fill it, instead of an empty pane."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer
from PyQt6.QtWidgets import QLabel, QTreeView

from xapiman.gui.tree import layout
from xapiman.gui.tree.model import ResourceTreeModel
from xapiman.i18n import translate


def hint_text(view: str) -> str:
    if view == layout.FOLDERS:
        return translate(
            "TreeHint", "No object is in a folder yet. Folders group VMs, servers and "
            "storage the way you think of them: right-click an object and choose Move to "
            "Folder… to start one.")
    if view == layout.TAGS:
        return translate(
            "TreeHint", "No object has a tag yet. Tags mark objects across pools (such as "
            "\"production\" or \"backup\"): right-click an object and choose Edit Tags… to add "
            "one.")
    return ""


class EmptyViewHint(QObject):
    """Shows `hint_text` under a view's rows when the Folders or Tags view has no group."""

    def __init__(self, tree: QTreeView, model: ResourceTreeModel) -> None:
        super().__init__(tree)
        self.tree = tree
        self.model = model
        viewport = tree.viewport()
        assert viewport is not None
        self.viewport = viewport
        self.label = QLabel(viewport)
        self.label.setObjectName("emptyViewHint")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setForegroundRole(self.label.palette().ColorRole.PlaceholderText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.label.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset,
                       model.layoutChanged):
            signal.connect(self.schedule)
        viewport.installEventFilter(self)

    def schedule(self, *_args) -> None:
        if not self._timer.isActive():
            self._timer.start(0)

    def update(self) -> None:
        text = hint_text(self.model.options.view)
        show = bool(text) and self._loaded() and not self._has_groups()
        if show:
            self.label.setText(text)
            self._place()
        self.label.setVisible(show)

    def _loaded(self) -> bool:
        entries = [self.model.entry(n) for n in self.model.connection_ids()]
        return any(e is not None and e.state == "connected" and not e.loading for e in entries)

    def _has_groups(self) -> bool:
        return any(child.kind == "group" for top in self.model.top_nodes()
                   for child in top.children)

    def _place(self) -> None:
        model = self.tree.model()
        rows = model.rowCount() if model is not None else 0
        last = model.index(rows - 1, 0) if model is not None and rows else None
        top = self.tree.visualRect(last).bottom() + 12 if last is not None else 8
        width = max(self.viewport.width() - 24, 120)
        self.label.setFixedWidth(width)
        self.label.adjustSize()
        self.label.move(12, top)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and self.label.isVisible():
            self._place()
        return False
