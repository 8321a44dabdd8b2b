"""Asynchronous calls: start `Async.<method>`, follow its task through the event stream."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from xapiman.i18n import translate
from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.cachestate import CacheChange
from xapiman.xapi.errors import (
    NotConnected,
    OutcomeUnknown,
    TaskLost,
    XapiClientError,
    XapiError,
)
from xapiman.xapi.listeners import Listeners
from xapiman.xapi.records.activity import Task

log = logging.getLogger("xapiman.xapi.tasks")

Caller = Callable[..., object]
LOST = "lost"  # a TaskHandle's final status when the task can no longer be followed
TaskListener = Callable[["TaskHandle"], None]

FIND_LOST_TASK = 10.0  # seconds to wait for the task of an Async call whose answer was lost


class TaskHandle:
    """One running task, updated from the task records the event stream brings.

    Attributes:
        ref: the task's reference; method: the call that started it ("VM.clone").
        status: "pending" (or "cancelling") while it runs; once it ended: "success",
            "failure", "cancelled" as the server says, or "lost" when it can no longer be
            followed (the connection closed or failed, or the task vanished from the server).
        progress: 0.0 to 1.0.
        result: the parsed result once it succeeded (a ref, a list of refs, "" for none).
        error: the exception once it failed (XapiError) or was lost (TaskLost, NotConnected).
    """

    def __init__(self, tracker: TaskTracker, ref: str, method: str) -> None:
        self.tracker = tracker
        self.ref = ref
        self.method = method
        self.status = "pending"
        self.progress = 0.0
        self.result: object = None
        self.error: XapiClientError | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._listeners: Listeners[TaskListener] = Listeners(self._lock)

    def __repr__(self) -> str:
        return f"<TaskHandle {self.method} {self.ref} {self.status} {self.progress:.0%}>"

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> object:
        """Block until the task ends; its result.

        Raises:
            XapiError: the task failed (TaskCancelled when cancelled).
            TaskLost, NotConnected: the task cannot be followed any more.
            TimeoutError: still running after `timeout` seconds.
        """
        if not self._done.wait(timeout):
            raise TimeoutError(f"{self.method} ({self.ref}) is still running after "
                               f"{timeout:g} s ({self.progress:.0%} done)")
        if self.error is not None:
            raise self.error
        return self.result

    def cancel(self) -> None:
        """Ask the server to cancel the task (it may still finish: cancellation is best
        effort). Raises XapiError when the task cannot be cancelled any more."""
        self.tracker.call("task.cancel", self.ref)

    def add_listener(self, listener: TaskListener) -> Callable[[], None]:
        """Call `listener(handle)` on each progress or status change (event thread)."""
        return self._listeners.add(listener)

    def _update(self, task: Task) -> bool:
        """Take the task record's news; True when the task just ended."""
        with self._lock:
            if self._done.is_set():
                return False
            status, progress = task.status, task.progress
            if (status, progress) == (self.status, self.progress):
                return False
            self.status, self.progress = status, progress
            ended = task.finished
            if ended:
                if status == "success":
                    self.result = task.result
                else:
                    self.error = task.error
            listeners = self._listeners.snapshot()
        if ended:
            self._done.set()
        self._notify(listeners)
        return ended

    def _abandon(self, error: XapiClientError) -> None:
        with self._lock:
            if self._done.is_set():
                return
            self.status = LOST
            self.error = error
            listeners = self._listeners.snapshot()
        self._done.set()
        self._notify(listeners)

    def _notify(self, listeners: list[TaskListener]) -> None:
        for listener in listeners:
            try:
                listener(self)
            except Exception:
                log.exception("a task listener failed")


class TaskTracker:
    """Starts asynchronous calls and follows their tasks through the cache.

    Finished tasks are destroyed on the server (in the background) unless asked otherwise.

    Attributes:
        call: makes a synchronous API call (the connection's `call`).
        cache: the connection's cache, which receives the task records.
    """

    def __init__(self, call: Caller, cache: ObjectCache) -> None:
        self.call = call
        self.cache = cache
        self._handles: dict[str, tuple[TaskHandle, bool]] = {}
        self._lock = threading.Lock()
        self._reaper: ThreadPoolExecutor | None = None
        self._unsubscribe = cache.subscribe(self._on_change)

    def start(self, method: str, *args: object, destroy: bool = True) -> TaskHandle:
        """Call `Async.<method>(*args)` and follow its task.

        When the answer is lost in transit (OutcomeUnknown), the task is looked for in the
        event stream: a new task of that call that nobody follows yet is followed to the end.

        Raises:
            XapiError: the call was refused at once (the task was never created).
            OutcomeUnknown: the answer was lost and no such task showed up.
        """
        wire = f"Async.{method}"
        known = set(self.cache.records("task"))
        try:
            ref = str(self.call(wire, *args))
        except OutcomeUnknown as exc:
            ref = self._started_task(wire, known, exc)
        handle = TaskHandle(self, ref, method)
        with self._lock:
            self._handles[ref] = (handle, destroy)
        record = self.cache.find(Task, ref)  # it may have ended before we got here
        if record is not None:
            self._take(handle, record, destroy)
        return handle

    def _started_task(self, wire: str, known: set[str], lost: OutcomeUnknown) -> str:
        """The task a call whose answer was lost created: the one new task named `wire` that
        nobody follows, once the event stream shows it; re-raises `lost` otherwise."""
        deadline = time.monotonic() + FIND_LOST_TASK
        while True:
            with self._lock:
                followed = set(self._handles)
            new = [ref for ref, rec in self.cache.records("task").items()
                   if rec.get("name_label") == wire and ref not in known and ref not in followed]
            if len(new) == 1:
                log.info("%s lost its answer; following its task %s", wire, new[0])
                return new[0]
            if len(new) > 1 or time.monotonic() > deadline:  # several: cannot tell which
                raise lost
            time.sleep(0.05)

    def follow(self, ref: str, method: str = "", destroy: bool = False) -> TaskHandle:
        """Follow a task someone else started (e.g. an HTTP transfer's task)."""
        handle = TaskHandle(self, ref, method or ref)
        with self._lock:
            self._handles[ref] = (handle, destroy)
        record = self.cache.find(Task, ref)
        if record is not None:
            self._take(handle, record, destroy)
        return handle

    def pending(self) -> list[TaskHandle]:
        with self._lock:
            return [h for h, _ in self._handles.values()]

    def close(self) -> None:
        """Stop following; handles still running end as lost, with NotConnected."""
        self._unsubscribe()
        self.abandon_all(translate("Tasks", "the connection was closed while the task ran"))
        if self._reaper is not None:
            self._reaper.shutdown(wait=False, cancel_futures=True)
            self._reaper = None

    def abandon_all(self, reason: str) -> None:
        """Every task followed now ends as lost, with NotConnected(`reason`) (the connection
        closed or failed: nothing will tell how they end); later tasks are followed as usual."""
        with self._lock:
            handles, self._handles = list(self._handles.values()), {}
        for handle, _ in handles:
            handle._abandon(NotConnected(f"{handle.method}: {reason}"))

    # -- from the event thread --------------------------------------------------------------

    def _on_change(self, change: CacheChange) -> None:
        with self._lock:
            if not self._handles:
                return
            if change.resync:
                refs = list(self._handles)
            else:
                refs = [r for r in change.touched("task") if r in self._handles]
            work = [(ref, *self._handles[ref]) for ref in refs]
        for ref, handle, destroy in work:
            record = self.cache.find(Task, ref)
            if record is None:
                self._forget(ref)
                handle._abandon(TaskLost(ref))
            else:
                self._take(handle, record, destroy)

    def _take(self, handle: TaskHandle, record: Task, destroy: bool) -> None:
        if handle._update(record):
            self._forget(handle.ref)
            if destroy:
                self._destroy_later(handle.ref)

    def _forget(self, ref: str) -> None:
        with self._lock:
            self._handles.pop(ref, None)

    def _destroy_later(self, ref: str) -> None:
        with self._lock:
            if self._reaper is None:
                self._reaper = ThreadPoolExecutor(1, thread_name_prefix="xapi-task-reaper")
            reaper = self._reaper
        try:
            reaper.submit(self._destroy, ref)
        except RuntimeError:  # shut down meanwhile
            pass

    def _destroy(self, ref: str) -> None:
        try:
            self.call("task.destroy", ref)
        except XapiError as exc:
            log.debug("task.destroy %s: %s", ref, exc)
        except XapiClientError as exc:
            log.info("could not destroy the finished task %s: %s", ref, exc)
