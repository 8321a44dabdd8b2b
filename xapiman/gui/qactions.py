"""Qt actions made from the registered user operations, bound to the tree's selection."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PyQt6.QtCore import QObject, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.common import ActionError
from xapiman.actions.labels import label
from xapiman.gui.icons import action_icon
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError

log = logging.getLogger("xapiman.gui")


class ActionBinder(QObject):
    """One QAction per registered action; enabled from the selection, tooltip saying why not.

    Signals:
        problem(text, details): an action could not run or failed to start.
    """

    problem = pyqtSignal(str, str)

    def __init__(self, window, selection: Callable[[], list[Target]], prompter,
                 on_started: Callable[[Target, str, object], None]) -> None:
        super().__init__(window)
        self._selection = selection
        self._prompter = prompter
        self._on_started = on_started
        self.qactions: dict[str, QAction] = {}
        self._running: set[asyncio.Task] = set()
        for action_id, action in REGISTRY.items():
            qa = QAction(label(action), window)
            qa.setObjectName(f"action:{action_id}")
            if action.icon:
                qa.setIcon(action_icon(action.icon))
            if action.shortcut:
                qa.setShortcut(QKeySequence(action.shortcut))
                qa.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            qa.triggered.connect(lambda _checked=False, aid=action_id: self.trigger(aid))
            self.qactions[action_id] = qa
        self.refresh()

    def __getitem__(self, action_id: str) -> QAction:
        return self.qactions[action_id]

    @property
    def busy(self) -> bool:
        """Whether an action started here is still running (asking, or starting its tasks)."""
        return bool(self._running)

    def refresh(self) -> None:
        """Enable each action from the current selection (cheap: records already cached)."""
        targets = self._selection()
        for action_id, qa in self.qactions.items():
            action = REGISTRY[action_id]
            if not targets:
                qa.setEnabled(False)
                qa.setToolTip(translate("Actions", "{action}: select an object first.").format(
                    action=label(action)))
                continue
            available = action.can_run(targets)
            qa.setEnabled(bool(available))
            tip = label(action) if available else translate(
                "Actions", "{action}: {reason}").format(action=label(action),
                                                        reason=available.reason)
            if action.shortcut:
                tip += f" ({action.shortcut})"
            qa.setToolTip(tip)

    def applicable(self, targets: list[Target]) -> list[str]:
        """Ids of the actions that apply to these objects' kinds (for the context menu)."""
        classes = {t.cls for t in targets}
        return [aid for aid, a in REGISTRY.items() if classes & a.classes]

    def trigger(self, action_id: str, targets: list[Target] | None = None) -> asyncio.Task | None:
        """Run an action on the selection, or on `targets` when given (a tab page's pick)."""
        if targets is None:
            targets = self._selection()
        action = REGISTRY[action_id]
        available = action.can_run(targets)
        if not available:
            self.problem.emit(translate("Actions", "{action}: {reason}").format(
                action=label(action), reason=available.reason), "")
            return None
        task = asyncio.ensure_future(self._run(action_id, targets))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def _run(self, action_id: str, targets: list[Target]) -> None:
        action = REGISTRY[action_id]
        ctx = ActionContext(self._prompter, on_started=lambda s: self._on_started(
            s.target, s.title, s.handle))
        try:
            await action.run(ctx, targets)
        except ActionError as exc:
            self.problem.emit(translate("Actions", "{action}: {reason}").format(
                action=label(action), reason=exc), "")
        except XapiClientError as exc:
            code = getattr(exc, "code", "")
            details = " ".join([code, *map(str, getattr(exc, "params", ()))]).strip()
            self.problem.emit(translate("Actions", "{action} failed: {error}").format(
                action=label(action), error=exc), details)
        except Exception as exc:
            log.exception("%s failed", action_id)
            self.problem.emit(translate("Actions", "{action} failed unexpectedly: {error}").format(
                action=label(action), error=exc), repr(exc))
        finally:
            self.refresh()
