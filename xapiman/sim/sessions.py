"""Sessions: login, logout, validity and expiry."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from xapiman.sim import rbac
from xapiman.sim.errors import Failure
from xapiman.sim.events import Registration
from xapiman.sim.model.values import now

if TYPE_CHECKING:
    from xapiman.sim.model.spec import MessageSpec
    from xapiman.sim.simulator import Simulator


# xapi's limits (db_gc_util.ml): sessions of one originator, or of one user name for
# sessions other than root's, and of root sessions that name no originator
SESSIONS_PER_GROUP = 500
SESSIONS_WITHOUT_ORIGINATOR = 400


class Sessions:
    """The simulator's sessions (records in the `session` table plus activity times).

    Beyond xapi's limits, the least recently used session of the same group is destroyed
    at the next login (its next call answers SESSION_INVALID), as xapi does.
    """

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.last_active: dict[str, float] = {}
        self.registrations: dict[str, Registration] = {}
        # the permissions of sessions that are not the local superuser's
        self.permissions: dict[str, frozenset[str]] = {}

    def login(self, uname: str, pwd: str, originator: str, host: str,
              subject: Callable[[str], dict[str, object]] | None = None) -> str:
        """A new session for the local superuser, or for a directory user when `subject`
        (which gives the session's RBAC fields, or fails) is given."""
        config = self.sim.config
        fields: dict[str, object] = {"is_local_superuser": True, "auth_user_name": uname,
                                     "rbac_permissions": []}
        try:
            if pwd != config.password or (uname != config.user and subject is None):
                raise Failure("SESSION_AUTHENTICATION_FAILED", uname, "Authentication failure")
            if uname != config.user and subject is not None:
                fields = subject(uname)
        except Failure:
            if config.auth_failure_delay > 0:
                time.sleep(config.auth_failure_delay)
            raise
        stamp = now()
        ref = self.sim.db.create(
            "session",
            {"this_host": host, "last_active": stamp, "validation_time": stamp, "pool": False,
             "originator": originator, **fields},
        )
        if not fields["is_local_superuser"]:
            self.permissions[ref] = frozenset(fields["rbac_permissions"])
        self.last_active[ref] = time.monotonic()
        self._evict(uname, originator, bool(fields["is_local_superuser"]))
        return ref

    def _evict(self, uname: str, originator: str, root: bool) -> None:
        """Destroy the least recently used sessions of the group beyond its limit (root's
        sessions are grouped by originator, the others by user name)."""
        if root and not originator:
            limit = SESSIONS_WITHOUT_ORIGINATOR

            def same(rec: dict) -> bool:
                return bool(rec.get("is_local_superuser")) and not rec.get("originator")
        elif root:
            limit = SESSIONS_PER_GROUP

            def same(rec: dict) -> bool:
                return bool(rec.get("is_local_superuser")) and rec.get("originator") == originator
        else:
            limit = SESSIONS_PER_GROUP

            def same(rec: dict) -> bool:
                return not rec.get("is_local_superuser") and rec.get("auth_user_name") == uname

        with self.sim.db.lock:
            group = [ref for ref, rec in self.sim.db.all("session").items() if same(rec)]
        if len(group) <= limit:
            return
        group.sort(key=lambda ref: self.last_active.get(ref, 0.0))
        for ref in group[:len(group) - limit]:
            self.logout(ref)

    def assert_permitted(self, ref: str, msg: MessageSpec, args: list[object]) -> None:
        """RBAC_PERMISSION_DENIED [permission, why] when the session may not make this call."""
        allowed = self.permissions.get(ref)
        if allowed is None:
            return
        permission = rbac.permission_of_call(msg.cls, msg.name, args)
        if permission not in allowed:
            holders = rbac.roles().role_names_with(permission)
            raise Failure("RBAC_PERMISSION_DENIED", permission,
                          f"No permission in user session. (Roles with this permission: "
                          f"{holders})")

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
        self.permissions.pop(ref, None)

    def expire_all(self) -> None:
        """Every session ends (a fault for tests, and what a coordinator change does)."""
        for ref in list(self.sim.db.all("session")):
            self.logout(ref)

    def alive_check(self, ref: str):
        def alive() -> None:
            if self.sim.db.find(ref, "session") is None:
                raise Failure("SESSION_INVALID", ref)

        return alive
