"""Faults a test can switch on: latency, refused connections, cut or malformed answers,
dropped event streams, expired sessions, a killed coordinator."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xapiman.sim.errors import Failure

if TYPE_CHECKING:
    from xapiman.sim.call import Call
    from xapiman.sim.simulator import Simulator

_current = threading.local()


def set_current_socket(sock: socket.socket | None) -> None:
    """The server notes which connection the running call came on (for dropping streams)."""
    _current.sock = sock


@dataclass
class Faults:
    """Switches, all off by default. Counters count down one per answer they spoil.

    Attributes:
        latency: seconds to wait before answering each RPC.
        refuse_connections: close each new connection at once.
        cut_responses: the next N RPC answers stop half way and the connection closes.
        malformed_responses: the next N RPC answers are not XML-RPC / JSON-RPC.
        drop_event_from: the next N event.from calls lose their connection instead of answering.
        cut_answers_to: method name ("Async.VM.start") -> how many of its next answers stop
            half way (the call runs; its answer is lost).
    """

    sim: Simulator
    latency: float = 0.0
    refuse_connections: bool = False
    cut_responses: int = 0
    malformed_responses: int = 0
    drop_event_from: int = 0
    cut_answers_to: dict[str, int] = field(default_factory=dict)
    _in_event_from: set[socket.socket] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _failing: dict[str, tuple[int, Failure]] = field(default_factory=dict)

    def fail_call(self, method: str, at_point: int, code: str = "INTERNAL_ERROR",
                  *params: str) -> None:
        """The next call of `method` (a sync wire name, "VM.start") fails with [code, params]
        at its `at_point`-th interruption point: a step of simulated time or a change to the
        database (1 is the first). A call with fewer points is not touched (see `armed`)."""
        with self._lock:
            self._failing[method] = (at_point, Failure(code, *(params or ("injected fault",))))

    def armed(self, method: str) -> bool:
        """Whether the fault set for `method` has not struck yet."""
        with self._lock:
            return method in self._failing

    def disarm(self, method: str) -> None:
        with self._lock:
            self._failing.pop(method, None)

    def at_point(self, call: Call) -> None:
        """Raise the fault set for this call's method when it reached the point."""
        if not self._failing:
            return
        with self._lock:
            armed = self._failing.get(call.wire_name)
            if armed is None or armed[0] != call.points:
                return
            del self._failing[call.wire_name]
        raise armed[1]

    def take(self, name: str) -> bool:
        """Use up one count of the counter `name`; True when it was positive."""
        with self._lock:
            value = getattr(self, name)
            if value > 0:
                setattr(self, name, value - 1)
                return True
            return False

    def cut_answer(self, method: str) -> bool:
        """Whether the answer to this call is to be cut (uses up one count)."""
        if self.take("cut_responses"):
            return True
        with self._lock:
            left = self.cut_answers_to.get(method, 0)
            if left > 0:
                self.cut_answers_to[method] = left - 1
                return True
            return False

    def before_event_from(self, call: Call) -> None:
        sock = getattr(_current, "sock", None)
        if sock is None:
            return
        if self.take("drop_event_from"):
            _shutdown(sock)
            raise ConnectionAbortedError("event.from stream dropped by a fault")
        with self._lock:
            self._in_event_from.add(sock)

    def after_call(self) -> None:
        sock = getattr(_current, "sock", None)
        if sock is not None:
            with self._lock:
                self._in_event_from.discard(sock)

    def drop_event_streams(self) -> int:
        """Cut every connection blocked in event.from now; returns how many."""
        with self._lock:
            socks = list(self._in_event_from)
            self._in_event_from.clear()
        for sock in socks:
            _shutdown(sock)
        return len(socks)

    def expire_sessions(self) -> None:
        self.sim.sessions.expire_all()

    def kill_coordinator(self, successor: str | None = None, delay: float = 0.0) -> None:
        """Stop the coordinator's server; `successor` becomes coordinator after `delay` s."""
        self.sim.kill_coordinator(successor, delay)

    def pause(self, seconds: float) -> None:
        time.sleep(seconds)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
