"""The task list: every task of every connection, its progress, elapsed time, result or error."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QRect, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QColor, QPalette
from PyQt6.QtWidgets import (
    QApplication,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QTreeView,
)

from xapiman.i18n import QT_TRANSLATE_NOOP, translate
from xapiman.xapi.errors import error_from_description
from xapiman.xapi.tasks import LOST

COLUMNS = (QT_TRANSLATE_NOOP("TaskList", "Task"), QT_TRANSLATE_NOOP("TaskList", "Pool"),
           QT_TRANSLATE_NOOP("TaskList", "Status"), QT_TRANSLATE_NOOP("TaskList", "Progress"),
           QT_TRANSLATE_NOOP("TaskList", "Elapsed"))
PROGRESS = 3
FINAL = {"success", "failure", "cancelled", LOST}


@dataclass
class TaskEntry:
    """One task as the panel shows it.

    Attributes:
        conn: connection name; ref: task ref; title: what it is about.
        status, progress: from the task record or our handle.
        error: the readable error; details: the raw XAPI error code and arguments.
        handle: our TaskHandle (or StepTask) when this client started it.
        detail: the step it is at, or what it ended with (a StepTask's `detail`).
    """

    conn: str
    ref: str
    title: str
    status: str = "pending"
    progress: float = 0.0
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    error: str = ""
    details: str = ""
    handle: object | None = None
    cancellable: bool = True
    detail: str = ""

    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def status_text(self) -> str:
        if self.status == "failure":
            if self.error:
                return translate("TaskList", "Failed: {error}").format(error=self.error)
            return translate("TaskList", "Failed")
        if self.status == LOST:
            if self.error:
                return translate("TaskList", "Lost: {reason}").format(reason=self.error)
            return translate("TaskList", "Lost")
        texts = {"pending": translate("TaskList", "Running"),
                 "success": translate("TaskList", "Done"),
                 "cancelled": translate("TaskList", "Cancelled"),
                 "cancelling": translate("TaskList", "Cancelling"),
                 "ended": translate("TaskList", "Ended")}
        text = texts.get(self.status, self.status)
        if self.detail and self.status != "cancelled":
            return translate("TaskList", "{status}: {detail}").format(status=text,
                                                                      detail=self.detail)
        return text


def elapsed_text(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class TaskListModel(QAbstractTableModel):
    """Signals:
        failed(TaskEntry): a task ended in failure (for a non-blocking notification).
    """

    failed = pyqtSignal(object)
    handle_changed = pyqtSignal(object)
    revealed = pyqtSignal(str, object)  # connection name, the refs a finished task made

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[TaskEntry] = []
        self._index: dict[tuple[str, str], int] = {}
        self.handle_changed.connect(self._on_handle_changed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("TaskList", COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (entry.title, entry.conn, entry.status_text(), f"{entry.progress:.0%}",
                    elapsed_text(entry.elapsed()))[col]
        if role == Qt.ItemDataRole.UserRole and col == PROGRESS:
            return entry.progress
        if role == Qt.ItemDataRole.ToolTipRole:
            if entry.details:
                return f"{entry.status_text()}\n\nDetails: {entry.details}"
            return entry.title
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and entry.status == "failure":
            return QColor("#b03a2e")
        return None

    # -- feeding ----------------------------------------------------------------------------

    def entry(self, conn: str, ref: str) -> TaskEntry | None:
        row = self._index.get((conn, ref))
        return self.entries[row] if row is not None else None

    def add_started(self, conn: str, title: str, handle) -> TaskEntry:
        """A task this client started (title from the action, state from the handle)."""
        entry = self.entry(conn, handle.ref)
        if entry is None:
            entry = self._append(TaskEntry(conn, handle.ref, title, handle=handle))
        else:
            entry.title, entry.handle = title, handle
            if entry.ended is not None and entry.status == "failure":
                # It failed before its handle got here (the cache was quicker): say it again
                # under the action's title, which names the object.
                self._row_changed(entry)
                self.failed.emit(entry)
            elif entry.ended is not None and entry.status == "ended":
                # Only its removal reached us (it ended and was destroyed before the list
                # read its record): how it ended is the handle's to say, just below.
                entry.ended = None
        handle.add_listener(lambda h: self.handle_changed.emit((conn, h)))
        self._on_handle_changed((conn, handle))
        return entry

    def _append(self, entry: TaskEntry) -> TaskEntry:
        row = len(self.entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self.entries.append(entry)
        self._index[(entry.conn, entry.ref)] = row
        self.endInsertRows()
        return entry

    def _on_handle_changed(self, item) -> None:
        conn, handle = item
        entry = self.entry(conn, handle.ref)
        if entry is None:
            return
        done = handle.done()  # first: once it is done, what it ended with is all there
        entry.detail = str(getattr(handle, "detail", "") or "")
        if hasattr(handle, "owns"):
            self._drop_owned(conn, handle)
        self._update(entry, handle.status, handle.progress)
        if done and entry.ended is None:
            if handle.status == LOST:  # the row names the task already: just say why
                reason = str(handle.error or "").removeprefix(f"{handle.method}: ")
                self._finish(entry, LOST, handle.error, reason=reason)
            else:
                self._finish(entry, handle.status, handle.error)
            if handle.status == "success" and getattr(handle, "reveal", False):
                self.revealed.emit(getattr(handle, "reveal_in", "") or conn, handle.result)

    def update_from_cache(self, conn: str, change, cache) -> None:
        """Tasks of any client, as the cache shows them (added, changed and removed task
        records). Our own tasks' handles tell their story instead, with the readable error."""
        for ref in change.added_in("task") | change.changed_in("task"):
            record = cache.record("task", ref)
            if record is None:
                continue
            entry = self.entry(conn, ref)
            if entry is None:
                if record.get("status") != "pending" or self._owned(conn, ref):
                    continue
                entry = self._append(TaskEntry(conn, ref, _task_title(record)))
            if entry.handle is not None or entry.ended is not None:
                continue
            entry.cancellable = "cancel" in record.get("allowed_operations", ())
            status = record.get("status", "pending")
            self._update(entry, status, float(record.get("progress", 0.0) or 0.0))
            if status in FINAL and entry.ended is None:
                error_info = record.get("error_info", [])
                # A sentence, not the raw code, even when the failure arrives before the
                # handle of the client that started the task (the code stays in details).
                error = error_from_description(error_info) if error_info else None
                self._finish(entry, status, error, error_info)
        for ref in change.removed_in("task"):
            entry = self.entry(conn, ref)
            if entry is None or entry.handle is not None or entry.ended is not None:
                continue
            if cache.record("task", ref) is not None:
                continue  # merged batches: removed, then back
            # destroyed before its end reached us (xapi coalesces: a task that ended and
            # was destroyed between two answers arrives as its deletion alone): it is over,
            # but how it ended is not known
            self._finish(entry, "ended", None)

    def _drop_owned(self, conn: str, handle) -> None:
        """Rows of server tasks that `handle` started for its steps (listed before the handle
        said it owns them): its own row tells their story."""
        rows = [i for i, e in enumerate(self.entries)
                if e.conn == conn and e.handle is None and handle.owns(e.ref)]
        for row in reversed(rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.entries[row]
            self.endRemoveRows()
        if rows:
            self._index = {(e.conn, e.ref): i for i, e in enumerate(self.entries)}

    def _owned(self, conn: str, ref: str) -> bool:
        """Whether a running task of ours started this server task for one of its steps."""
        return any(e.conn == conn and e.ended is None and e.handle is not None
                   and getattr(e.handle, "owns", lambda _r: False)(ref) for e in self.entries)

    def connection_ended(self, conn: str, reason: str) -> None:
        """The connection closed or failed: tasks of other clients that it followed can no
        longer be followed; they end, as lost, with `reason` (our own end through their
        handles)."""
        for entry in self.entries:
            if entry.conn == conn and entry.ended is None and entry.handle is None:
                self._finish(entry, LOST, None, reason=reason)

    def _update(self, entry: TaskEntry, status: str, progress: float) -> None:
        entry.status, entry.progress = status, progress
        self._row_changed(entry)

    def _finish(self, entry: TaskEntry, status: str, error, error_info=(), *,
                reason: str = "") -> None:
        entry.ended = time.monotonic()
        entry.status = status
        entry.cancellable = False
        if status == "success":
            entry.progress = 1.0
        if error is not None:
            entry.error = reason or str(error)
            code = getattr(error, "code", "")
            params = getattr(error, "params", ())
            entry.details = " ".join([code, *map(str, params)]).strip() or type(error).__name__
        elif error_info:
            entry.error = error_info[0]
            entry.details = " ".join(error_info)
        elif reason:
            entry.error = reason
        self._row_changed(entry)
        if status == "failure":
            self.failed.emit(entry)

    def _row_changed(self, entry: TaskEntry) -> None:
        row = self._index[(entry.conn, entry.ref)]
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _tick(self) -> None:
        for row, entry in enumerate(self.entries):
            if entry.ended is None:
                self.dataChanged.emit(self.index(row, 4), self.index(row, 4))

    def clear_finished(self) -> None:
        self.beginResetModel()
        self.entries = [e for e in self.entries if e.ended is None]
        self._index = {(e.conn, e.ref): i for i, e in enumerate(self.entries)}
        self.endResetModel()


def _task_title(record: dict) -> str:
    label = record.get("name_label", "") or "Task"
    return label.removeprefix("Async.")


class ProgressDelegate(QStyledItemDelegate):
    """Draws the Progress column as a progress bar."""

    def paint(self, painter, option, index) -> None:
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(2, 3, -2, -3))
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(float(value) * 100)
        bar.text = f"{bar.progress}%"
        bar.textVisible = True
        bar.state = option.state
        palette = QPalette(option.palette)
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.HighlightedText,
                     QPalette.ColorRole.WindowText):
            palette.setColor(role, QColor("#1b2631"))  # dark text, readable on the bar
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#9cc3e6"))
        bar.palette = palette
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class TaskPanel(QTreeView):
    """The list under the main area; its context menu cancels a running task.

    Signals:
        cancel_requested(TaskEntry): the user asked to cancel this task.
    """

    cancel_requested = pyqtSignal(object)

    def __init__(self, model: TaskListModel, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("taskPanel")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.cancel_action = QAction(translate("Tasks", "Cancel Task"), self)
        self.cancel_action.setObjectName("action:cancel_task")
        self.cancel_action.triggered.connect(self._cancel_selected)
        self.clear_action = QAction(translate("Tasks", "Clear Finished Tasks"), self)
        self.clear_action.triggered.connect(model.clear_finished)
        self.addAction(self.cancel_action)
        self.setModel(model)
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setItemDelegateForColumn(PROGRESS, ProgressDelegate(self))
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 140), (2, 220), (3, 110), (4, 90)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(col, width)
        header.setStretchLastSection(False)

    def _menu(self, pos) -> None:
        entry = self.selected_entry()
        self.cancel_action.setEnabled(
            entry is not None and entry.ended is None and entry.cancellable)
        menu = QMenu(self)
        menu.addAction(self.cancel_action)
        menu.addAction(self.clear_action)
        menu.exec(self.viewport().mapToGlobal(pos))

    def _cancel_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.ended is None:
            self.cancel_requested.emit(entry)

    def selected_entry(self) -> TaskEntry | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if not rows:
            return None
        return self.model().entries[rows[0].row()]
