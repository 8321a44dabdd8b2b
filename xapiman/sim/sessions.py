"""Sessions: login, logout, validity and expiry."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from xapiman.sim.errors import Failure
from xapiman.sim.events import Registration
from xapiman.sim.model.values import now

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator


class Sessions:
    """The simulator's sessions (records in the `session` table plus activity times)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.last_active: dict[str, float] = {}
        self.registrations: dict[str, Registration] = {}

    def login(self, uname: str, pwd: str, originator: str, host: str) -> str:
        config = self.sim.config
        if uname != config.user or pwd != config.password:
            if config.auth_failure_delay > 0:
                time.sleep(config.auth_failure_delay)
            raise Failure("SESSION_AUTHENTICATION_FAILED", uname, "Authentication failure")
        stamp = now()
        ref = self.sim.db.create(
            "session",
            {
                "this_host": host,
                "last_active": stamp,
                "validation_time": stamp,
                "pool": False,
                "is_local_superuser": True,
                "auth_user_name": uname,
                "originator": originator,
                "rbac_permissions": [],
            },
        )
        self.last_active[ref] = time.monotonic()
        return ref

    def check(self, ref: str) -> None:
        """SESSION_INVALID [ref] unless `ref` is a live session; refreshes its activity."""
        db = self.sim.db
        if db.find(ref, "session") is None:
            raise Failure("SESSION_INVALID", ref)
        timeout = self.sim.config.session_timeout
        moment = time.monotonic()
        if timeout is not None and moment - self.last_active.get(ref, moment) > timeout:
            self.logout(ref)
            raise Failure("SESSION_INVALID", ref)
        self.last_active[ref] = moment

    def logout(self, ref: str) -> None:
        with self.sim.db.lock:
            if self.sim.db.find(ref, "session") is not None:
                self.sim.db.destroy(ref)
        self.last_active.pop(ref, None)
        self.registrations.pop(ref, None)

    def expire_all(self) -> None:
        """Every session ends (a fault for tests, and what a coordinator change does)."""
        for ref in list(self.sim.db.all("session")):
            self.logout(ref)

    def alive_check(self, ref: str):
        def alive() -> None:
            if self.sim.db.find(ref, "session") is None:
                raise Failure("SESSION_INVALID", ref)

        return alive
