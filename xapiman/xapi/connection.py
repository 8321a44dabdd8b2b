"""A connection to one pool: login, the live cache, calls, tasks, failover and its states."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xapiman.i18n import translate
from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.cachestate import CacheChange
from xapiman.xapi.deadline import Deadline, within
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    CertificateChanged,
    CertificateRejected,
    ConnectionRefused,
    NotConnected,
    OutcomeUnknown,
    SessionAuthenticationFailed,
    Timeout,
    TransportError,
    XapiClientError,
)
from xapiman.xapi.events import EventWatcher
from xapiman.xapi.outcome import changes_things, may_have_run
from xapiman.xapi.session import Credentials, PoolSession
from xapiman.xapi.state import (
    ConnectionState,
    Limits,
    RetryPolicy,
    StateChange,
    StateListener,
    StateReporter,
    Timeouts,
)
from xapiman.xapi.tasks import TaskHandle, TaskTracker
from xapiman.xapi.transport import AUTO
from xapiman.xapi.trust import CertificateCallback, CertificateTrust, PinListener

log = logging.getLogger("xapiman.xapi.connection")

CONNECTED, RECONNECTING, FAILED = (ConnectionState.CONNECTED, ConnectionState.RECONNECTING,
                                   ConnectionState.FAILED)
_SETTLED = frozenset({CONNECTED, FAILED, ConnectionState.DISCONNECTED})


class Connection:
    """One pool: log in, keep a live ObjectCache, make calls, follow tasks, survive failures.

    ::

        conn = Connection("https://10.0.0.1", "root", pw, ask_certificate=ask)
        conn.add_state_listener(print)
        conn.connect()                       # login + first full read of the pool
        vms = conn.cache.objects(VM)
        conn.call("VM.set_name_label", vm, "web-01")
        conn.call_async("VM.clean_shutdown", vm).wait(300)
        conn.close()

    Everything blocks the calling thread (call it from a worker, never from a GUI thread);
    listeners and cache subscribers run on the connection's event thread.

    Attributes:
        cache: the pool's objects, kept current by the event thread.
        tasks: the asynchronous calls in flight.
        login_seconds: how long the last login took (the rest of `connect()` reads the pool).
        trust: the certificates this connection trusts (pins: `trust.pins`).
        timeouts, retry: time limits and the failover policy.
        limits: sizes accepted from the server (the largest answer).
    """

    def __init__(self, url: str, user: str, password: str, *, transport: str = AUTO,
                 fingerprint: str | None = None,
                 ask_certificate: CertificateCallback | None = None,
                 on_pinned: PinListener | None = None,
                 trust: CertificateTrust | None = None,
                 members: Iterable[str] = (), timeouts: Timeouts | None = None,
                 retry: RetryPolicy | None = None, limits: Limits | None = None,
                 version: str = "2.21",
                 originator: str = "xapiman", classes: Sequence[str] = ("*",),
                 share_interpreter: bool = False) -> None:
        """Prepare a connection (nothing happens on the network until `connect()`).

        Args:
            url: the coordinator (or any member): "https://host[:port]"; "http://" only when
                plain HTTP is really wanted; a bare "host" means https.
            transport: "auto" (JSON-RPC when the server has it, else XML-RPC), "jsonrpc"
                or "xmlrpc".
            fingerprint: the pinned SHA-256 fingerprint of `url`'s certificate.
            ask_certificate: asked about certificates that are not pinned (first use, or
                changed); True accepts. Without it such certificates are refused.
            on_pinned: told (address, fingerprint) when a certificate gets pinned.
            trust: a CertificateTrust to share instead of fingerprint/ask/on_pinned.
            members: other pool members' addresses or URLs, tried when the coordinator
                is gone (the connection learns them from the pool too).
            classes: the event.from subscription; tasks are followed only with "*" or
                "task" in it.
            share_interpreter: parse big event answers in slices with pauses, so that
                another thread of this process (a GUI) keeps running meanwhile; a little
                slower overall.
        """
        self.endpoint = Endpoint.parse(url)
        if trust is None:
            pins = {self.endpoint.address: fingerprint} if fingerprint else None
            trust = CertificateTrust(pins, ask=ask_certificate, on_pinned=on_pinned)
        self.trust = trust
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self.limits = limits or Limits()
        self.classes = list(classes)
        self.share_interpreter = share_interpreter
        self._session = PoolSession(
            self.endpoint, Credentials(user, password, version, originator), trust,
            transport, self.timeouts, [_member(self.endpoint, m) for m in members],
            self.limits)
        self.cache = ObjectCache()
        self.cache.subscribe(self._on_cache_change)
        self.tasks = TaskTracker(self.call, self.cache)
        # leave finished tasks on the server (`xapiman-cli ... --no-wait`, then `task wait`)
        self.keep_finished_tasks = False
        self._states = StateReporter()
        self._watcher: EventWatcher | None = None
        self._closing = threading.Event()
        self._lifecycle = threading.Lock()
        self._connecting = False  # a connect() is logging in (outside the lifecycle lock)
        self.login_seconds: float | None = None
        self._trouble: _Trouble | None = None  # since when the stream is lost, attempts

    def __enter__(self) -> Connection:
        self.connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Connection {self.coordinator_url} {self.state.value}>"

    # -- what it is connected to ------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._states.current.state

    @property
    def last_change(self) -> StateChange:
        """The last state change (state, reason, attempt)."""
        return self._states.current

    @property
    def transport_name(self) -> str | None:
        """"jsonrpc" or "xmlrpc" once logged in (None before)."""
        kind = self._session.kind
        return None if kind == AUTO else kind

    @property
    def coordinator_url(self) -> str:
        return self._session.coordinator.url

    @property
    def member_urls(self) -> list[str]:
        """The other pool members, as remembered for failover (save them in the profile)."""
        return [m.url for m in self._session.members
                if not m.same_host(self._session.coordinator)]

    @property
    def session_ref(self) -> str | None:
        return self._session.ref

    def add_state_listener(self, listener: StateListener) -> Callable[[], None]:
        """Call `listener(StateChange)` on every state change; returns the remover."""
        return self._states.add(listener)

    def wait_for_state(self, *states: ConnectionState,
                       timeout: float | None = None) -> StateChange:
        """Block until the state is one of `states` or `timeout` passes; the current one."""
        return self._states.wait_for(set(states), timeout)

    # -- lifecycle --------------------------------------------------------------------------

    def connect(self, timeout: float | None = None) -> None:
        """Log in (following HOST_IS_SLAVE, trying remembered members) and read the pool.

        Returns once the cache holds the pool (state CONNECTED). `timeout` is an overall
        deadline for all of it (TCP, TLS, login, redirects, the first read of the pool),
        however slowly the server answers; time spent on a certificate question does not
        count.

        Raises:
            XapiClientError: the reason it failed (state FAILED): SessionAuthenticationFailed,
                CertificateRejected, CertificateChanged, ConnectionRefused, Timeout ...
        """
        # The lifecycle lock is held only to change what the connection is doing, never
        # across the login (which may wait minutes for a certificate question): a close()
        # meanwhile returns at once, and the login that ends after it is undone.
        with self._lifecycle:
            already = self._connecting
            if not already:
                if self._watcher is not None:
                    if self._watcher.is_alive():
                        if self.state is CONNECTED:
                            return
                        raise NotConnected(
                            f"the connection is {self.state.value}; close it first")
                    self._watcher = None  # it gave up (FAILED): start again
                self._closing.clear()
                self._connecting = True
                self._states.set(StateChange(ConnectionState.CONNECTING,
                                             coordinator=self.endpoint.url))
        deadline = None if timeout is None else Deadline(timeout, translate(
            "Connection", "connecting to {url} and reading the pool").format(
                url=self.endpoint.url))
        if not already:
            self._log_in_and_follow(deadline)
        change = self._states.wait_for({CONNECTED, FAILED, ConnectionState.DISCONNECTED},
                                       None if deadline is None else deadline.remaining())
        if change.state not in _SETTLED and deadline is not None:
            change = self._give_up_connecting(deadline.error(self._session.coordinator.address))
        if change.state is FAILED:
            raise change.error if isinstance(change.error, XapiClientError) else \
                NotConnected(change.reason)
        if change.state is ConnectionState.DISCONNECTED:
            raise NotConnected("the connection was closed while connecting")
        if change.state is not CONNECTED:
            raise Timeout(f"the pool was not read within {timeout:g} s",
                          self._session.coordinator.address)

    def _give_up_connecting(self, error: XapiClientError) -> StateChange:
        """The deadline passed while the pool was being read: stop, state FAILED."""
        with self._lifecycle:
            watcher = self._watcher
            if watcher is not None and self.state not in _SETTLED:
                self._fail(error)
                self._closing.set()  # no recovery round may follow
                watcher.stop()
        return self._states.current

    def _log_in_and_follow(self, deadline: Deadline | None) -> None:
        """The login of `connect()`, then the event thread (outside the lifecycle lock)."""
        # connecting again after FAILED: the session it held is ended, not left on the server
        # (xapi keeps a few hundred per client and evicts the oldest, someone else's perhaps)
        self._session.logout()
        started = time.perf_counter()
        try:
            with within(deadline):
                self._session.login(self._session.candidates())
        except XapiClientError as exc:
            with self._lifecycle:
                self._connecting = False
            self._fail(exc)
            raise
        with self._lifecycle:
            self._connecting = False
            if self._closing.is_set():  # closed while logging in: leave no session behind
                self._session.logout()
                self._session.pool.reset()
                raise NotConnected("the connection was closed while connecting")
            self.login_seconds = time.perf_counter() - started
            self._watcher = EventWatcher(self._session, self.cache, classes=self.classes,
                                         on_synced=self._on_synced, recover=self._recover,
                                         on_fatal=self._fail,
                                         slice_answers=self.share_interpreter,
                                         load_deadline=deadline)
            self._watcher.start()

    def close(self) -> None:
        """Stop the event thread, log out, forget the cache (state DISCONNECTED). Returns at
        once when a `connect()` is still logging in: that login is undone when it ends."""
        with self._lifecycle:
            self._closing.set()
            watcher, self._watcher = self._watcher, None
            if watcher is not None:
                watcher.stop()
                watcher.join(self.timeouts.close + 1.0)
            self.tasks.close()
            self._session.logout()
            self._session.pool.reset()
            self.cache.clear()
            self.tasks = TaskTracker(self.call, self.cache)
            if self.state is not ConnectionState.DISCONNECTED:
                self._states.set(StateChange(ConnectionState.DISCONNECTED,
                                             coordinator=self.coordinator_url))

    # -- calls ------------------------------------------------------------------------------

    def call(self, method: str, *args: object, timeout: float | None = None) -> Any:
        """`method(session, *args)` on the coordinator, e.g. `call("VM.get_record", vm)`.

        SESSION_INVALID is answered by logging in again and repeating the call once. A call
        that fails in transit is not repeated (it may have run on the server): for a call
        that changes things, that failure is an OutcomeUnknown, which says so.

        Args:
            timeout: seconds for each read of the answer (default: timeouts.call).

        Raises:
            XapiError: the server's Failure. TransportError: the exchange failed
                (OutcomeUnknown: after the request went out, for a call that changes things).
            NotConnected: closed, failed, or still reconnecting after `timeout`.
        """
        self._wait_usable(self.timeouts.call if timeout is None else timeout)
        try:
            return self._session.call(method, args, timeout)
        except TransportError as exc:
            watcher = self._watcher
            unreachable = isinstance(exc, ConnectionRefused) or (
                isinstance(exc, Timeout) and exc.phase == "connect")
            if watcher is not None and unreachable:
                watcher.poke()  # the coordinator may be gone: let the event thread check
            if may_have_run(exc) and changes_things(method):
                raise OutcomeUnknown(method, exc) from exc
            raise

    def call_async(self, method: str, *args: object, destroy: bool = True) -> TaskHandle:
        """Start `Async.<method>(*args)` and follow its task (progress, result, cancel).

        Args:
            destroy: destroy the task on the server once it ended (the default, unless
                `keep_finished_tasks` is set: for a task someone else follows to its end).
        """
        return self.tasks.start(method, *args,
                                destroy=destroy and not self.keep_finished_tasks)

    def host_url(self, host: str) -> str | None:
        """The URL of a pool host (a host ref), for its console, metrics or transfers."""
        record = self.cache.record("host", host)
        address = record.get("address") if record is not None else None
        return self.endpoint.at(address).url if isinstance(address, str) and address else None

    def ssl_context(self, url: str | None = None) -> ssl.SSLContext | None:
        """The pinned TLS context for a host of this pool (default: the coordinator), for the
        side channels (console, metrics, import/export); None for plain HTTP.

        The context trusts only the pinned certificate; `tls.check_peer(sock, fingerprint)`
        after the handshake also rules out certificates the pinned one signed.

        Raises:
            CertificateRejected, CertificateChanged: as for a connection.
        """
        endpoint = Endpoint.parse(url) if url else self._session.coordinator
        if not endpoint.tls:
            return None
        return self.trust.context_for(endpoint, self.timeouts.connect)

    @property
    def api(self) -> MethodProxy:
        """Calls spelled like XenAPI: `conn.api.VM.get_all()`, `conn.api.Async.VM.clone(...)`."""
        return MethodProxy(self.call)

    def _wait_usable(self, timeout: float) -> None:
        change = self._states.current
        if change.state is RECONNECTING:
            change = self._states.wait_for({CONNECTED, FAILED, ConnectionState.DISCONNECTED},
                                           timeout)
        if change.state is CONNECTED or (change.state is ConnectionState.CONNECTING
                                         and self._session.ref is not None):
            return
        reason = f": {change.reason}" if change.reason else ""
        raise NotConnected(f"the connection is {change.state.value}{reason}")

    # -- the event thread's callbacks -------------------------------------------------------

    def _on_synced(self) -> None:
        self._trouble = None  # the stream works: the next loss starts counting afresh
        if self.state is not CONNECTED and not self._closing.is_set():
            self._states.set(StateChange(CONNECTED, coordinator=self.coordinator_url))

    def _recover(self, error: XapiClientError) -> bool:
        """Reconnect after a lost coordinator or stream: rounds over the coordinator and the
        members with back-off, counted from the first failure until the stream works again
        (see RetryPolicy). False when it gave up (state FAILED) or is closing."""
        trouble = self._trouble
        if trouble is None:
            trouble = self._trouble = _Trouble(time.monotonic())
        while not self._closing.is_set():
            trouble.attempts += 1
            attempt = trouble.attempts
            elapsed = time.monotonic() - trouble.since
            if self.retry.exhausted(attempt, elapsed):
                self._fail(XapiClientError(translate(
                    "Connection", "gave up reconnecting after {attempts} attempts in {seconds:.0f} "
                    "s: {error}").format(attempts=attempt - 1, seconds=elapsed, error=error)))
                return False
            self._states.set(StateChange(RECONNECTING, str(error), attempt,
                                         self.coordinator_url, error))
            if attempt > 1 and self._closing.wait(self.retry.pause(attempt - 1)):
                return False
            try:
                if self._session.reestablish():
                    log.info("failed over to the coordinator %s", self.coordinator_url)
                if self._closing.is_set():  # closed meanwhile: do not leave a session behind
                    self._session.logout()
                    return False
                return True
            except (SessionAuthenticationFailed, CertificateChanged, CertificateRejected) as exc:
                self._fail(exc)  # retrying cannot help: the user has to act
                return False
            except XapiClientError as exc:
                error = exc
        return False

    def _fail(self, error: XapiClientError) -> None:
        if self._closing.is_set():
            return
        self._states.set(StateChange(FAILED, str(error), 0, self.coordinator_url, error))
        # nothing follows the tasks any more: every wait on them ends now
        self.tasks.abandon_all(translate(
            "Connection", "the connection to the pool failed ({reason}) while the task ran: "
            "the operation may or may not have finished; check the pool once it is back"
            ).format(reason=error))

    def _on_cache_change(self, change: CacheChange) -> None:
        if change.resync or change.touched("host") or change.touched("pool"):
            addresses = [rec.get("address", "") for rec in self.cache.records("host").values()]
            self._session.set_member_addresses(a for a in addresses if a)


@dataclass
class _Trouble:
    """A loss of the event stream being recovered: since when, how many attempts so far."""

    since: float
    attempts: int = 0


class MethodProxy:
    """Builds a method name from attribute access and calls it: `proxy.VM.get_all()`."""

    __slots__ = ("_call", "_name")

    def __init__(self, call: Callable[..., Any], name: str = "") -> None:
        self._call = call
        self._name = name

    def __getattr__(self, part: str) -> MethodProxy:
        if part.startswith("__"):
            raise AttributeError(part)
        return MethodProxy(self._call, f"{self._name}.{part}" if self._name else part)

    def __call__(self, *args: object) -> Any:
        return self._call(self._name, *args)


def _member(base: Endpoint, text: str) -> Endpoint:
    return Endpoint.parse(text) if "://" in text else base.at(text)

