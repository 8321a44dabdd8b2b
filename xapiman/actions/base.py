"""The shape of a user operation: what it applies to, whether it can run, how it runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from xapiman.actions.prompts import Form, Prompter
from xapiman.i18n import translate
from xapiman.xapi.cache import ObjectCache


class ConnectionLike(Protocol):
    """What actions need of a pool connection (xapiman.xapi's connection provides it)."""

    @property
    def cache(self) -> ObjectCache: ...

    def call(self, method: str, *args: object) -> Any: ...

    def call_async(self, method: str, *args: object) -> Any: ...

    def host_url(self, host: str) -> str | None: ...


@dataclass(frozen=True)
class Target:
    """One selected object: its connection, its XAPI class (lower case) and its ref."""

    conn: ConnectionLike
    cls: str
    ref: str

    def record(self) -> dict | None:
        return self.conn.cache.record(self.cls, self.ref)

    def name(self) -> str:
        rec = self.record() or {}
        return str(rec.get("name_label") or self.ref)


@dataclass(frozen=True)
class Availability:
    """Whether an action can run, and why not (shown as the disabled item's tooltip)."""

    ok: bool
    reason: str = ""
    remedy: str = ""  # the id of an action that does it anyway (the forced variant), if any

    def __bool__(self) -> bool:
        return self.ok


YES = Availability(True)


@dataclass
class Started:
    """A task an action started: what it is about and its handle (xapiman.xapi tasks)."""

    title: str
    target: Target
    handle: Any


@dataclass
class ActionContext:
    """What a running action may use.

    Attributes:
        prompter: asks the user (dialogs in the app, options or a terminal in the CLI).
        started: every task the action started, in order.
        answers: pre-set answers (the CLI's options), consulted before asking.
    """

    prompter: Prompter
    started: list[Started] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    on_started: Callable[[Started], None] | None = None

    async def ask(self, form: Form) -> dict[str, Any] | None:
        """The form's answers: from `answers` when all are given, else from the user."""
        keys = [f.key for f in form.fields]
        if keys and all(k in self.answers for k in keys):
            if form.danger and not await self.prompter.confirm(
                    form.title, form.text, destroys=form.destroys, ok_label=form.ok_label,
                    danger=True):
                return None
            return {k: self.answers[k] for k in keys}
        if self.answers:
            fields = tuple(replace(f, default=self.answers.get(f.key, f.default))
                           for f in form.fields)
            form = replace(form, fields=fields)
        return await self.prompter.ask(form)

    async def finish(self, started: Started, timeout: float = 3600.0) -> object:
        """Wait for a started task to end; its result, or its error raised.

        The task's handle says when it ended (from the connection's event thread): no
        thread waits meanwhile, however many tasks are awaited and for however long.

        Raises:
            TimeoutError: still running after `timeout` seconds.
        """
        handle = started.handle
        loop = asyncio.get_running_loop()
        ended: asyncio.Future[None] = loop.create_future()

        def on_change(changed: Any) -> None:
            if changed.done():
                with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                    loop.call_soon_threadsafe(_settle, ended)

        remove = handle.add_listener(on_change)
        try:
            if not handle.done():
                try:
                    await asyncio.wait_for(ended, timeout)
                except TimeoutError:
                    raise TimeoutError(f"{started.title}: still running after "
                                       f"{timeout:g} s") from None
        finally:
            remove()
        return handle.wait(0)

    async def call(self, target: Target, method: str, *args: object) -> object:
        """A synchronous XAPI call, off the caller's thread."""
        return await asyncio.to_thread(target.conn.call, method, *args)

    async def start(self, title: str, target: Target, method: str, *args: object) -> Started:
        """`Async.<method>`: returns once the task exists; the task is followed by events."""
        handle = await asyncio.to_thread(target.conn.call_async, method, *args)
        started = Started(title, target, handle)
        self.started.append(started)
        if self.on_started is not None:
            self.on_started(started)
        return started


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Action:
    """One user operation (start a VM, take a snapshot ...).

    Subclasses set the attributes and implement `check` and `run`. Menus, toolbars, the
    context menu and the command line are all built from the registered instances.

    Attributes:
        id: stable name, e.g. "vm.start"; label: menu text; shortcut: Qt key sequence text.
        classes: the XAPI classes (lower case) it applies to.
        destructive: it destroys something, and asks before.
        multi: it can run on several selected objects at once.
    """

    id: str = ""
    label: str = ""
    classes: frozenset[str] = frozenset()
    shortcut: str | None = None
    icon: str = ""
    destructive: bool = False
    multi: bool = True

    def check(self, target: Target) -> Availability:
        """Whether it can run on this one object (cheap, pure; called on every change)."""
        raise NotImplementedError

    def can_run(self, targets: Sequence[Target]) -> Availability:
        """Enabled when any selected object passes; the first reason otherwise."""
        if not targets:
            return Availability(False, translate("Actions", "Nothing is selected."))
        name = translate("Actions", self.label)
        if len(targets) > 1 and not self.multi:
            return Availability(False, translate(
                "Actions", "{action} works on one object at a time.").format(action=name))
        first: Availability | None = None
        for target in targets:
            if target.cls not in self.classes:
                result = Availability(False, translate(
                    "Actions", "{action} does not apply to this object.").format(action=name))
            else:
                result = self.check(target)
                if result:
                    return result
            if first is None:
                first = result
        assert first is not None
        return first

    def runnable(self, targets: Iterable[Target]) -> list[Target]:
        return [t for t in targets if t.cls in self.classes and self.check(t)]

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        """Ask what is needed, then start the work on each runnable target."""
        raise NotImplementedError


REGISTRY: dict[str, Action] = {}


def register(action: Action) -> Action:
    if action.id in REGISTRY:
        raise RuntimeError(f"two actions named {action.id}")
    REGISTRY[action.id] = action
    return action


def actions_for(cls: str) -> list[Action]:
    return [a for a in REGISTRY.values() if cls in a.classes]
