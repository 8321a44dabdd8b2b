"""Tasks that run on this client: named steps in a worker thread, each shown as it starts.

An operation made of several XAPI calls (create a VM from a template, export to a file) is one
`StepTask`. It looks like a server task's handle (`xapiman.xapi.tasks.TaskHandle`) to the task
list, the command line and `ActionContext.finish`: `ref`, `status`, `progress`, `done()`,
`wait()`, `cancel()`, `add_listener()`, plus `detail` (the step it is at, or what it ended
with) and `owns(ref)` (the server tasks it started for its steps, which the task list does not
show again). Cancelling stops it at the next step, or cancels the server task of the current
step; the body then removes what it made, or says what is left.

A `Batch` follows several StepTasks as one (N VMs at once): its progress is theirs, cancelling
it cancels them, and it ends with a summary.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from xapiman.actions.base import ActionContext, Started, Target
from xapiman.actions.common import ActionError
from xapiman.i18n import translate
from xapiman.xapi.errors import TaskCancelled, XapiClientError, XapiError
from xapiman.xapi.listeners import Listeners

log = logging.getLogger("xapiman.actions.steps")

TaskListener = Callable[[Any], None]
LOCAL_PREFIX = "xapiman-task:"


class StepError(ActionError):
    """A StepTask failed or was cancelled: what, at which step, why, and what is left.

    Attributes:
        code, params: the XAPI error behind it, when there is one (for the details).
        step: the step it stopped at; left: what remains on the server afterwards.
    """

    def __init__(self, text: str, *, code: str = "", params: Sequence[str] = (),
                 step: str = "", left: Sequence[str] = ()) -> None:
        super().__init__(text)
        self.code = code
        self.params = tuple(params)
        self.step = step
        self.left = tuple(left)


class Cancelled(Exception):
    """Raised inside a body when the user cancelled (at a step boundary)."""


def reason_of(exc: BaseException) -> str:
    """The readable part of an error (the sentence of a XAPI error, without its code)."""
    if isinstance(exc, XapiError):
        return exc.sentence
    return str(exc) or type(exc).__name__


class StepRunner:
    """What a body uses: announce steps, make calls, run server tasks (all cancellable)."""

    def __init__(self, task: StepTask, conn: Any) -> None:
        self.task = task
        self.conn = conn

    def step(self, text: str, progress: float | None = None) -> None:
        """A new step begins (raises Cancelled when the user cancelled meanwhile)."""
        self.task._set(detail=text, progress=progress)
        self.check()

    def check(self) -> None:
        if self.task.cancel_requested:
            raise Cancelled()

    def progress(self, fraction: float) -> None:
        self.task._set(progress=fraction)

    def outcome(self, text: str) -> None:
        """What the task's row says once it succeeded ("Created 'web-1' on host-2")."""
        self.task._outcome = text

    def call(self, method: str, *args: object) -> Any:
        """A synchronous call."""
        return self.conn.call(method, *args)

    def wait_cached(self, cls: str, refs: Sequence[str], timeout: float = 10.0) -> bool:
        """Wait until the connection's cache holds these objects (the events that bring a
        new object may arrive after the call that made it); False when they did not come."""
        deadline = time.monotonic() + timeout
        while any(self.conn.cache.record(cls, ref) is None for ref in refs):
            if time.monotonic() > deadline or self.task.cancel_requested:
                return False
            time.sleep(0.02)
        return True

    def run(self, method: str, *args: object, timeout: float = 3600.0,
            span: tuple[float, float] | None = None, conn: Any = None) -> Any:
        """`Async.<method>` followed to its end; its result. Cancelling the StepTask cancels
        it on the server. `span`: the StepTask's progress follows the server task's across
        this range; `conn`: the call goes to that connection instead (another pool)."""
        self.check()
        handle = (conn or self.conn).call_async(method, *args)
        self.task._own(handle)
        stop = None
        if span is not None:
            start, end = span
            stop = handle.add_listener(
                lambda h: self.task._set(progress=start + (end - start) * h.progress))
        try:
            return handle.wait(timeout)
        finally:
            if stop is not None:
                stop()
            self.task._disown(handle)


class StepTask:
    """One client-side task made of steps (see the module's description).

    Attributes:
        ref: a local id ("xapiman-task:<uuid>"); method: what it does (for logs).
        status: "pending", "success", "failure", "cancelled" (or "cancelling").
        progress: 0.0 to 1.0; detail: the current step, or the outcome once ended.
        result: the body's return value once it succeeded; error: a StepError once not.
        reveal: the result names objects the app may select once it succeeded;
        reveal_in: the name of the open pool they are in ("" for the task's own).
    """

    def __init__(self, conn: Any, method: str, body: Callable[[StepRunner], object], *,
                 reveal: bool = False, gate: threading.Semaphore | None = None,
                 waiting: str = "") -> None:
        self.ref = f"{LOCAL_PREFIX}{uuid.uuid4()}"
        self.method = method
        self.conn = conn
        self.status = "pending"
        self.progress = 0.0
        self.detail = waiting
        self.result: object = None
        self.error: Exception | None = None
        self.reveal = reveal
        self._outcome: str | None = None
        self.reveal_in = ""
        self._body = body
        self._gate = gate
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._cancel = threading.Event()
        self._listeners: Listeners[TaskListener] = Listeners(self._lock)
        self._server_tasks: dict[str, Any] = {}
        self._on_cancel: list[Callable[[], None]] = []
        self._owned: set[str] = set()
        self._thread = threading.Thread(target=self._main, name=f"step-task {method}",
                                        daemon=True)

    def __repr__(self) -> str:
        return f"<StepTask {self.method} {self.status} {self.progress:.0%} {self.detail!r}>"

    def start(self) -> StepTask:
        self._thread.start()
        return self

    # -- what a handle offers ------------------------------------------------------------------

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> object:
        """Block until it ends; its result, or its error raised (StepError)."""
        if not self._done.wait(timeout):
            raise TimeoutError(translate("Tasks", "{what} is still running after {s:g} s "
                                         "({progress:.0%} done)").format(
                what=self.method, s=timeout or 0, progress=self.progress))
        if self.error is not None:
            raise self.error
        return self.result

    def cancel(self) -> None:
        """Stop at the next step and cancel the server task of the current one."""
        if self._done.is_set():
            return
        self._cancel.set()
        with self._lock:
            handles = list(self._server_tasks.values())
            hooks = list(self._on_cancel)
        self._set(status="cancelling")
        for hook in hooks:
            try:
                hook()
            except Exception:
                log.exception("a cancel hook failed")
        for handle in handles:
            try:
                handle.cancel()
            except XapiClientError as exc:
                log.info("could not cancel %s: %s", handle, exc)

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Call `hook()` when cancelled (at once when it already is): e.g. cut a transfer."""
        with self._lock:
            self._on_cancel.append(hook)
        if self._cancel.is_set():
            hook()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def add_listener(self, listener: TaskListener) -> Callable[[], None]:
        """Call `listener(self)` on each change of status, progress or step (worker thread)."""
        return self._listeners.add(listener)

    def owns(self, ref: str) -> bool:
        """Whether the server task `ref` was started for one of its steps."""
        with self._lock:
            return ref in self._owned

    # -- the worker ------------------------------------------------------------------------------

    def _main(self) -> None:
        try:
            if self._gate is not None:
                while not self._gate.acquire(timeout=0.2):
                    if self._cancel.is_set():
                        raise Cancelled()
            try:
                self._set(status="pending" if not self._cancel.is_set() else "cancelling")
                result = self._body(StepRunner(self, self.conn))
            finally:
                if self._gate is not None:
                    self._gate.release()
        except Cancelled:
            self._end("cancelled", error=StepError(
                translate("Tasks", "Cancelled before it began."), code="TASK_CANCELLED"))
        except StepError as exc:
            self._end("cancelled" if exc.code == "TASK_CANCELLED" else "failure", error=exc)
        except Exception as exc:  # the body's own errors are StepErrors; anything else is a bug
            log.exception("%s failed unexpectedly", self.method)
            self._end("failure", error=StepError(reason_of(exc), code=type(exc).__name__))
        else:
            self._end("success", result=result)

    def _end(self, status: str, *, result: object = None, error: StepError | None = None) -> None:
        with self._lock:
            self.status = status
            self.result = result
            self.error = error
            if status == "success":
                self.progress = 1.0
                if self._outcome is not None:
                    self.detail = self._outcome
            if error is not None:
                self.detail = str(error)
            listeners = self._listeners.snapshot()
        self._done.set()
        self._notify(listeners)

    def _set(self, *, status: str | None = None, progress: float | None = None,
             detail: str | None = None) -> None:
        with self._lock:
            if self._done.is_set():
                return
            if status is not None and self.status != "cancelling":
                self.status = status
            if progress is not None:
                self.progress = min(max(progress, 0.0), 1.0)
            if detail is not None:
                self.detail = detail
            listeners = self._listeners.snapshot()
        self._notify(listeners)

    def _own(self, handle: Any) -> None:
        with self._lock:
            self._server_tasks[handle.ref] = handle
            self._owned.add(handle.ref)
        self._set()  # listeners learn it owns one more server task
        if self._cancel.is_set():
            try:
                handle.cancel()
            except XapiClientError as exc:
                log.info("could not cancel %s: %s", handle, exc)

    def _disown(self, handle: Any) -> None:
        with self._lock:
            self._server_tasks.pop(handle.ref, None)

    def _notify(self, listeners: list[TaskListener]) -> None:
        for listener in listeners:
            try:
                listener(self)
            except Exception:
                log.exception("a task listener failed")


def cancelled_error(exc: BaseException) -> bool:
    """Whether `exc` says the user cancelled (here or on the server)."""
    return isinstance(exc, Cancelled | TaskCancelled)


class Batch(StepTask):
    """Several StepTasks followed as one: progress is their mean, cancel cancels them all, and
    it ends with a summary of how many succeeded, failed or were cancelled.

    Attributes:
        members: the StepTasks; summary: builds the final text from (succeeded, failed,
            cancelled) member lists.
    """

    def __init__(self, conn: Any, method: str, members: Sequence[StepTask],
                 summary: Callable[[list[StepTask], list[StepTask], list[StepTask]], str]) -> None:
        super().__init__(conn, method, self._follow)
        self.members = list(members)
        self._summary = summary
        for member in self.members:
            member.add_listener(self._member_changed)

    def cancel(self) -> None:
        self._cancel.set()
        self._set(status="cancelling")
        for member in self.members:
            member.cancel()

    def owns(self, ref: str) -> bool:
        return any(m.owns(ref) for m in self.members)

    def _member_changed(self, _member: StepTask) -> None:
        done = sum(1 for m in self.members if m.done())
        mean = sum(m.progress for m in self.members) / max(len(self.members), 1)
        self._set(progress=mean, detail=translate("Tasks", "{done} of {total} done").format(
            done=done, total=len(self.members)))

    def _follow(self, run: StepRunner) -> object:
        for member in self.members:
            member._done.wait()
        ok = [m for m in self.members if m.status == "success"]
        cancelled = [m for m in self.members if m.status == "cancelled"]
        failed = [m for m in self.members if m not in ok and m not in cancelled]
        text = self._summary(ok, failed, cancelled)
        if failed:
            raise StepError(text, code=getattr(failed[0].error, "code", ""),
                            params=getattr(failed[0].error, "params", ()))
        if cancelled:
            raise StepError(text, code="TASK_CANCELLED")
        run.outcome(text)
        return [m.result for m in ok]


def announce(ctx: ActionContext, title: str, target: Target, handle: StepTask) -> Started:
    """Record a StepTask in the context as a started task (the app lists it at once)."""
    started = Started(title, target, handle)
    ctx.started.append(started)
    if ctx.on_started is not None:
        ctx.on_started(started)
    return started
