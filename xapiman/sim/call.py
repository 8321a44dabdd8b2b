"""The context a handler runs in: the simulator, the session, the host, the task, the clock."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator


class Call:
    """One call being served.

    Attributes:
        sim: the simulator; `db` its database.
        session: the caller's session ref ("" for login).
        host: the host whose HTTP server received the call.
        wire_name: e.g. "VM.start" (without "Async.").
        task: the task of an Async call, or one made on demand for a synchronous call.
    """

    def __init__(self, sim: Simulator, session: str, host: str, wire_name: str,
                 task: str | None = None) -> None:
        self.sim = sim
        self.db = sim.db
        self.session = session
        self.host = host
        self.wire_name = wire_name
        self.task = task
        self.own_task = False
        self.points = 0  # the points where it could have been interrupted so far

    def task_ref(self) -> str:
        """The task this call runs under (xapi has one for every call)."""
        if self.task is None:
            self.task = self.sim.tasks.create(self.wire_name, host=self.sim.coordinator,
                                              session=self.session)
            self.own_task = True
        return self.task

    def progress(self, fraction: float) -> None:
        if self.task is not None:
            self.sim.tasks.progress(self.task, fraction)

    def sleep(self, seconds: float, *, steps: int = 4, start: float = 0.0, end: float = 1.0) -> None:
        """Let `seconds` of simulated time pass, advancing progress from `start` to `end`.

        Raises TASK_CANCELLED at each step once the task was cancelled.
        """
        speed = self.sim.config.speed
        real = seconds / speed if speed > 0 else 0.0
        steps = max(1, steps)
        for i in range(steps):
            self.checkpoint()
            if self.task is not None:
                self.sim.tasks.check_cancel(self.task)
            if real > 0:
                time.sleep(real / steps)
            self.progress(start + (end - start) * (i + 1) / steps)
        if self.task is not None:
            self.sim.tasks.check_cancel(self.task)

    def checkpoint(self) -> None:
        """A point where the work could be interrupted: each step of simulated time and each
        change to the database (where a test's injected fault strikes)."""
        self.points += 1
        self.sim.faults.at_point(self)

    def transaction(self) -> contextlib.AbstractContextManager:
        """What the call changes is taken back if it fails (a failed call leaves no trace)."""
        return self.db.transaction(self.checkpoint)

    @contextlib.contextmanager
    def sub_call(self, wire_name: str) -> Iterator[Call]:
        """A call this one makes on the same session (xapi's calls to itself: a vApp starting
        its VMs ...), a transaction of its own: what it changed stands once it succeeded,
        whatever this call does next. The task it may make for itself is removed at the end."""
        sub = Call(self.sim, self.session, self.host, wire_name)
        try:
            with self.db.transaction(sub.checkpoint, into_outer=False):
                yield sub
        finally:
            if sub.own_task and sub.task is not None:
                db = self.db
                with db.lock:
                    if db.find(sub.task, "task") is not None:
                        db.destroy(sub.task)
