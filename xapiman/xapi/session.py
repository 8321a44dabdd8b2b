"""The logged-in session: login with HOST_IS_SLAVE redirects, the coordinator and members in
use, calls that re-log in once after SESSION_INVALID."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from xapiman.logs import keep_out_of_logs
from xapiman.xapi.deadline import Deadline, within
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    HostIsSlave,
    NotConnected,
    RedirectLoop,
    SessionAuthenticationFailed,
    SessionInvalid,
    Timeout,
    TransportError,
    XapiClientError,
    XapiError,
)
from xapiman.xapi.state import Limits, Timeouts
from xapiman.xapi.transport import (
    AUTO,
    JSONRPC,
    XMLRPC,
    Transport,
    TransportPool,
    no_jsonrpc_here,
    open_transport,
)
from xapiman.xapi.trust import CertificateTrust

log = logging.getLogger("xapiman.xapi.session")

MAX_REDIRECTS = 4


@dataclass(frozen=True)
class Credentials:
    """What `session.login_with_password` gets.

    Attributes:
        user, password: the account (the password is kept in memory for re-login only).
        version: the API version the client speaks; originator: the client's name.
    """

    user: str
    password: str = field(repr=False)
    version: str = "2.21"
    originator: str = "xapiman"

    def __post_init__(self) -> None:
        keep_out_of_logs(self.password)

    def params(self) -> list[object]:
        return [self.user, self.password, self.version, self.originator]


class PoolSession:
    """Who the client talks to and with which session.

    Attributes:
        url: the endpoint the user gave.
        coordinator: the host answering the API now (after redirects and failovers).
        members: the other pool members' endpoints (from the cache's host records).
        ref: the session reference, None before login.
        kind: "jsonrpc" / "xmlrpc" once negotiated ("auto" before the first login).
    """

    def __init__(self, url: Endpoint, credentials: Credentials, trust: CertificateTrust,
                 kind: str, timeouts: Timeouts, members: Iterable[Endpoint] = (),
                 limits: Limits | None = None) -> None:
        if kind not in (AUTO, JSONRPC, XMLRPC):
            raise ValueError(f"unknown transport {kind!r}: use auto, jsonrpc or xmlrpc")
        self.url = url
        self.credentials = credentials
        self.trust = trust
        self.kind = kind
        self.timeouts = timeouts
        self.limits = limits or Limits()
        self.coordinator = url
        self.members: list[Endpoint] = [m for m in members if not m.same_host(url)]
        self.ref: str | None = None
        self.pool = TransportPool(self.open_transport)
        self._lock = threading.RLock()

    # -- transports -------------------------------------------------------------------------

    def open_transport(self, endpoint: Endpoint | None = None,
                       read_timeout: float | None = None, kind: str | None = None) -> Transport:
        """A new transport (own HTTP connection) to `endpoint` (default: the coordinator)."""
        chosen = kind or (self.kind if self.kind != AUTO else JSONRPC)
        return open_transport(chosen, endpoint or self.coordinator, self.trust,
                              connect_timeout=self.timeouts.connect,
                              read_timeout=read_timeout or self.timeouts.call,
                              max_answer=self.limits.answer_bytes)

    def candidates(self) -> list[Endpoint]:
        """The coordinator first, then every other known member."""
        out = [self.coordinator]
        for member in (self.url, *self.members):
            if not any(member.same_host(seen) for seen in out):
                out.append(member)
        return out

    def set_member_addresses(self, addresses: Iterable[str]) -> None:
        """Remember the pool's hosts by the addresses xapi gives (host.address)."""
        found: list[Endpoint] = []
        for address in addresses:
            try:
                found.append(self.url.at(address))
            except ValueError:
                log.warning("ignoring the unreadable host address %r", address)
        with self._lock:
            self.members = found

    # -- login ------------------------------------------------------------------------------

    def login(self, candidates: Sequence[Endpoint]) -> None:
        """Log in at the first candidate that leads to the coordinator.

        Raises:
            SessionAuthenticationFailed, TLS trust errors: at once.
            The first candidate's error when none works.
        """
        first: XapiClientError | None = None
        for endpoint in candidates:
            try:
                self._login_at(endpoint)
                return
            except SessionAuthenticationFailed:
                raise
            except Timeout as exc:
                if exc.phase == "deadline":  # no time left for the other candidates
                    raise
                log.info("login at %s failed: %s", endpoint, exc)
                first = first or exc
            except (TransportError, RedirectLoop, XapiError) as exc:
                log.info("login at %s failed: %s", endpoint, exc)
                first = first or exc
        assert first is not None, "no candidates"
        raise first

    def _login_at(self, endpoint: Endpoint) -> None:
        visited: list[Endpoint] = []
        while True:
            if any(endpoint.same_host(v) for v in visited) or len(visited) > MAX_REDIRECTS:
                raise RedirectLoop("HOST_IS_SLAVE answers go round in circles: "
                                   + " -> ".join(str(v) for v in (*visited, endpoint)))
            visited.append(endpoint)
            try:
                ref, transport = self._login_once(endpoint)
            except HostIsSlave as exc:
                log.info("%s is a supporter; the coordinator is %s", endpoint,
                         exc.coordinator_address)
                endpoint = endpoint.at(exc.coordinator_address)
                continue
            with self._lock:
                changed = not endpoint.same_host(self.coordinator)
                self.coordinator = endpoint
                self.ref = ref
                self.kind = transport.name
                self.pool.reset()
                self.pool.add(transport)
            if changed:
                log.info("the coordinator is now %s", endpoint)
            return

    def _login_once(self, endpoint: Endpoint) -> tuple[str, Transport]:
        """(session, transport) from one login at `endpoint`, negotiating the protocol."""
        kinds = [self.kind] if self.kind != AUTO else [JSONRPC, XMLRPC]
        for kind in kinds:
            transport = self.open_transport(endpoint, kind=kind)
            try:
                ref = transport.call("session.login_with_password", self.credentials.params())
                keep_out_of_logs(str(ref))  # a session is as good as the password
                return str(ref), transport
            except TransportError as exc:
                transport.close()
                if kind == JSONRPC and len(kinds) > 1 and no_jsonrpc_here(exc):
                    log.info("%s has no JSON-RPC (%s); using XML-RPC", endpoint, exc)
                    continue
                raise
            except BaseException:
                transport.close()
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def relogin(self, stale: str | None, coordinator_address: str | None = None) -> None:
        """Log in again unless another thread already replaced the session `stale`.

        `coordinator_address` (from HOST_IS_SLAVE) is tried first.
        """
        with self._lock:
            if self.ref is None:  # logged out (closed) meanwhile: a call must not log in again
                raise NotConnected("not logged in (the connection was closed)")
            if self.ref != stale:
                return
            candidates = [self.coordinator]
            if coordinator_address:
                candidates.insert(0, self.coordinator.at(coordinator_address))
            log.info("logging in again at %s", candidates[0])
            self.login(candidates)

    def reestablish(self) -> bool:
        """After a lost connection: keep the session if the coordinator still accepts it,
        else log in at the coordinator or any member. Returns whether the coordinator changed.
        """
        with self._lock:
            before = self.coordinator
            stale = self.ref
        if stale is not None:
            try:
                transport = self.open_transport(before)
                try:
                    transport.call("pool.get_all", [stale], self.timeouts.connect)
                finally:
                    transport.close()
                return False
            except (SessionInvalid, HostIsSlave) as exc:
                log.info("the session at %s is no longer valid: %s", before, exc)
            except TransportError as exc:
                log.info("the coordinator %s does not answer: %s", before, exc)
        with self._lock:
            self.login(self.candidates())
            return not self.coordinator.same_host(before)

    def logout(self) -> None:
        """End the session (best effort, within the close time limit) and close the idle
        transports (a call still under way closes its own when it comes back)."""
        with self._lock:
            ref, self.ref = self.ref, None
        self.pool.reset()
        if ref is None:
            return
        # the whole of it, however slowly the server answers
        with within(Deadline(self.timeouts.close, "logging out")):
            try:
                transport = self.open_transport(read_timeout=self.timeouts.close)
                try:
                    transport.call("session.logout", [ref], self.timeouts.close)
                finally:
                    transport.close()
            except XapiClientError as exc:
                log.info("logout failed (ignored): %s", exc)

    # -- calls ------------------------------------------------------------------------------

    def call(self, method: str, args: Sequence[object], timeout: float | None = None) -> object:
        """`method(session, *args)` on the coordinator; one re-login after SESSION_INVALID or
        HOST_IS_SLAVE (xapi answers both before running anything)."""
        stale = self.ref
        try:
            return self._call_once(method, args, timeout)
        except SessionInvalid:
            self.relogin(stale)
        except HostIsSlave as exc:
            self.relogin(stale, exc.coordinator_address)
        return self._call_once(method, args, timeout)

    def _call_once(self, method: str, args: Sequence[object], timeout: float | None) -> object:
        ref = self.ref
        if ref is None:  # logged out (closed): a call must not log in again
            raise NotConnected("not logged in (the connection was closed)")
        transport, generation = self.pool.acquire()
        healthy = False
        try:
            result = transport.call(method, [ref, *args], timeout)
            healthy = True
            return result
        except XapiError:
            healthy = True  # a Failure is a complete answer: the connection is fine
            raise
        finally:
            # kept for the next call only while logged in: a call that outlived a logout
            # brings its transport back after the pool was emptied
            self.pool.release(transport, generation, healthy and self.ref is not None)
