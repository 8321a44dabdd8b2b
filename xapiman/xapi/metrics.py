"""Live metrics of a pool: one fetcher per host, fetching only what somebody looks at.

::

    client = MetricsClient.of(conn)                  # one per connection
    sub = client.watch([vm_ref])                     # a VM's graphs are open
    client.add_listener(lambda event: ...)           # new rows / a host's state (fetcher thread)
    times, cpu = client.series(vm_ref, "cpu_usage")
    client.load(host_ref)                            # CPU, memory, disk, network now
    sub.close()                                      # nobody looks any more: fetching stops

Each host reports itself and the VMs that have a domain on it, so a pool is read host by host
(reference/xapi.md 6): every `interval` seconds one `GET /rrd_updates` per host and step, to
that host's address, with the connection's session and pinned TLS, JSON preferred. The
server's `end` is the next request's `start`. The longer time ranges start from the whole
RRD (`/host_rrd`, `/vm_rrd`) and go on with `rrd_updates` at their archive's step. A host that
does not answer gets a failed status (its graphs say so) and is tried again; the others go on.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from xapiman.i18n import translate
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import HttpError, MalformedResponse, XapiClientError
from xapiman.xapi.http import HttpAnswer, HttpChannel
from xapiman.xapi.listeners import Listeners
from xapiman.xapi.metricstore import Load, MetricStore
from xapiman.xapi.rrd import MalformedMetrics, parse_dump, parse_updates

log = logging.getLogger("xapiman.xapi.metrics")

LIVE_STEP = 5
# time range (seconds) -> the archive step that covers it, as xcp-rrdd keeps them
RANGES = {600: 5, 7200: 60, 604800: 3600, 31536000: 86400}
RUNNING = ("Running", "Paused")
BACKFILL_GRAPHS = 600  # seconds of past samples fetched when a graph opens (its whole range)
BACKFILL_LOAD = 120  # the same for load figures only (dashboard, bars, top)


@dataclass(frozen=True)
class HostStatus:
    """How fetching from one host goes.

    Attributes:
        host: the host ref; name: its name when fetched.
        ok: True after an answer, False after a failure, None before the first try.
        error: what went wrong last (a sentence); last_ok: when it last answered (unix time).
    """

    host: str
    name: str = ""
    ok: bool | None = None
    error: str = ""
    last_ok: float | None = None
    failures: int = 0


@dataclass(frozen=True)
class MetricsEvent:
    """Told to listeners: new rows for `uuids` at `step`, or a host's new `status`."""

    host: str
    uuids: frozenset[str] = frozenset()
    step: int = LIVE_STEP
    status: HostStatus | None = None


class Subscription:
    """Somebody looks at these objects (or the whole pool) at this step; `close()` when not."""

    def __init__(self, client: MetricsClient, refs: frozenset[str], pool: bool, detail: bool,
                 step: int) -> None:
        self.client = client
        self.refs = refs
        self.pool = pool
        self.detail = detail
        self.step = step
        self.closed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.client._unwatch(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class _Query:
    """What to ask one host for at one step."""

    host_too: bool = False
    vms: set[str] | None = field(default_factory=set)  # None: every VM it has
    detail: set[str] = field(default_factory=set)

    def wanted(self) -> frozenset[str]:
        return frozenset(self.detail | (self.vms or set()))


@dataclass
class _StepState:
    next_start: int | None = None
    due: float = 0.0
    known: frozenset[str] = frozenset()
    whole: bool = False  # the last fetch took every VM of the host


_CLIENTS: weakref.WeakKeyDictionary[object, MetricsClient] = weakref.WeakKeyDictionary()
_CLIENTS_LOCK = threading.Lock()


class MetricsClient:
    """The metrics of one connection's pool (thread-safe; fetching happens on its threads).

    Attributes:
        store: the samples (`MetricStore`); timeout: seconds for each answer.
    """

    def __init__(self, conn, *, timeout: float = 10.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.conn = conn
        self.timeout = timeout
        self.clock = clock
        self.store = MetricStore()
        self._subs: list[Subscription] = []
        self._fetchers: dict[str, _HostFetcher] = {}
        self._status: dict[str, HostStatus] = {}
        self._listeners: Listeners[Callable[[MetricsEvent], None]] = Listeners()
        self._lock = threading.RLock()
        self._answered = threading.Condition(self._lock)
        self._closed = False
        self._unsubscribe = conn.cache.subscribe(self._on_cache_change)
        self._remove_state = conn.add_state_listener(self._on_state)

    @classmethod
    def of(cls, conn) -> MetricsClient:
        """The metrics client of a connection (made on first use, shared afterwards)."""
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(conn)
            if client is None or client._closed:
                client = _CLIENTS[conn] = cls(conn)
            return client

    # -- what is looked at ------------------------------------------------------------------

    def watch(self, refs: Iterable[str] = (), *, pool: bool = False, detail: bool = True,
              step: int = LIVE_STEP) -> Subscription:
        """Start fetching for hosts / VMs (refs), or for every host and VM of the pool.

        Args:
            detail: keep every data source of `refs` (graphs); else only their load figures.
            step: 5 for live data, or an archive's step (60, 3600, 86400) for history.
        """
        if step not in RANGES.values():
            raise ValueError(f"no archive has a {step} s step")
        sub = Subscription(self, frozenset(refs), pool, detail, step)
        with self._lock:
            if self._closed:
                sub.closed = True
                return sub
            self._subs.append(sub)
        self._reconcile()
        return sub

    def _unwatch(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)
            fetchers = list(self._fetchers.values())
        for fetcher in fetchers:
            fetcher.wake()

    def add_listener(self, listener: Callable[[MetricsEvent], None]) -> Callable[[], None]:
        """Call `listener(MetricsEvent)` (on a fetcher thread) on new rows and status changes."""
        return self._listeners.add(listener)

    def watched_hosts(self) -> list[str]:
        """The hosts being fetched from now."""
        with self._lock:
            return [h for h, f in self._fetchers.items() if f.is_alive()]

    # -- reading ----------------------------------------------------------------------------

    def uuid_of(self, ref: str) -> str | None:
        cls = self.conn.cache.class_of(ref)
        record = self.conn.cache.record(cls, ref) if cls else None
        return record.get("uuid") if record else None

    def host_of(self, ref: str) -> str | None:
        """The host that reports `ref` (itself for a host; where a VM runs), else None."""
        cache = self.conn.cache
        cls = cache.class_of(ref)
        if cls == "host":
            return ref
        if cls == "vm":
            record = cache.record("vm", ref) or {}
            host = record.get("resident_on")
            if record.get("power_state") in RUNNING and host and cache.record("host", host):
                return host
        return None

    def status(self, host: str) -> HostStatus | None:
        with self._lock:
            return self._status.get(host)

    def series(self, ref: str, name: str, step: int = LIVE_STEP, since: float | None = None):
        """(times, values) of one data source or load figure of `ref` (empty arrays if none)."""
        uuid = self.uuid_of(ref)
        return self.store.series(uuid, name, step, since) if uuid else self.store.series(
            "", name, step)

    def names(self, ref: str, step: int = LIVE_STEP) -> list[str]:
        uuid = self.uuid_of(ref)
        return self.store.names(uuid, step) if uuid else []

    def latest(self, ref: str, name: str) -> float | None:
        uuid = self.uuid_of(ref)
        return self.store.latest(uuid, name) if uuid else None

    def load(self, ref: str) -> Load | None:
        """The current load of a host or VM, from the live samples (None before any).

        Placement and ranking use this: it reads what was fetched and never blocks.
        """
        uuid = self.uuid_of(ref)
        return self.store.load(uuid) if uuid is not None else None

    def wait_answered(self, hosts: Iterable[str], timeout: float) -> bool:
        """Block until every host in `hosts` answered or failed once (True), or `timeout`."""
        wanted = set(hosts)
        deadline = time.monotonic() + timeout
        with self._answered:
            while True:
                pending = {h for h in wanted
                           if self._status.get(h) is None or self._status[h].ok is None}
                if not pending:
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return False
                self._answered.wait(left)

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every fetcher; nothing is told to listeners afterwards."""
        with self._lock:
            self._closed = True
            self._subs.clear()
            fetchers = list(self._fetchers.values())
            self._fetchers.clear()
            self._answered.notify_all()
        self._unsubscribe()
        self._remove_state()
        for fetcher in fetchers:
            fetcher.stop()
        for fetcher in fetchers:
            fetcher.join(2.0)

    @property
    def closed(self) -> bool:
        return self._closed

    # -- fetchers ---------------------------------------------------------------------------

    def plan(self, host: str) -> dict[int, _Query]:
        """What to ask `host` for, per step, from the current subscriptions."""
        cache = self.conn.cache
        with self._lock:
            subs = list(self._subs)
        out: dict[int, _Query] = {}
        if self.conn.state.value in ("disconnected", "failed"):
            return out  # fetching resumes when the connection is back
        host_rec = cache.record("host", host)
        if host_rec is None:
            return out
        for sub in subs:
            query = out.setdefault(sub.step, _Query())
            if sub.pool:
                query.host_too = True
                query.vms = None
                if sub.detail:
                    query.detail.add(host_rec["uuid"])
            for ref in sub.refs:
                if self.host_of(ref) != host:
                    continue
                uuid = self.uuid_of(ref)
                if uuid is None:
                    continue
                if ref == host:
                    query.host_too = True
                elif query.vms is not None:
                    query.vms.add(uuid)
                if sub.detail:
                    query.detail.add(uuid)
        return {step: q for step, q in out.items() if q.host_too or q.vms is None or q.vms}

    def _reconcile(self) -> None:
        """Start a fetcher for every host with something to fetch; wake the others."""
        if self._closed or self.conn.state.value != "connected":
            return
        hosts = list(self.conn.cache.records("host"))
        with self._lock:
            if self._closed:
                return
            for host in hosts:
                fetcher = self._fetchers.get(host)
                if fetcher is not None and fetcher.is_alive():
                    fetcher.wake()
                    continue
                if self.plan(host):
                    fetcher = self._fetchers[host] = _HostFetcher(self, host)
                    fetcher.start()

    def _fetcher_done(self, fetcher: _HostFetcher) -> bool:
        """A fetcher found nothing to do: it may end (True) unless a watch came meanwhile."""
        with self._lock:
            if not self._closed and self.plan(fetcher.host):
                return False
            if self._fetchers.get(fetcher.host) is fetcher:
                del self._fetchers[fetcher.host]
            return True

    def _set_status(self, status: HostStatus) -> None:
        with self._lock:
            if self._closed:
                return
            old = self._status.get(status.host)
            self._status[status.host] = status
            self._answered.notify_all()
        if old is None or (old.ok, old.error) != (status.ok, status.error):
            self._tell(MetricsEvent(status.host, status=status))

    def _tell(self, event: MetricsEvent) -> None:
        if self._closed:
            return
        for listener in self._listeners.snapshot():
            try:
                listener(event)
            except Exception:
                log.exception("a metrics listener failed")

    def _on_cache_change(self, change) -> None:
        if change.resync or change.touched("vm") or change.touched("host"):
            self._reconcile()

    def _on_state(self, change) -> None:
        if change.state.value == "connected":
            self._reconcile()


class _HostFetcher(threading.Thread):
    """Fetches one host's metrics while somebody watches it."""

    def __init__(self, client: MetricsClient, host: str) -> None:
        super().__init__(name=f"metrics {host[-8:]}", daemon=True)
        self.client = client
        self.host = host
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._channel: HttpChannel | None = None
        self._states: dict[int, _StepState] = {}
        self._failures = 0
        self._last_ok: float | None = None

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        channel = self._channel
        if channel is not None:
            channel.abort()

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                plan = self.client.plan(self.host)
                if not plan:
                    if self.client._fetcher_done(self):
                        return
                    continue
                self._round(plan)
                now = self.client.clock()
                due = min(self._states[s].due for s in plan)
                self._wake.wait(max(0.05, due - now))
                self._wake.clear()
        finally:
            if self._channel is not None:
                self._channel.close()

    def _round(self, plan: dict[int, _Query]) -> None:
        for step in list(self._states):
            if step not in plan:
                del self._states[step]
        for step, query in plan.items():
            state = self._states.setdefault(step, _StepState())
            wanted = query.wanted()
            fresh = (not wanted <= state.known) or (query.vms is None and not state.whole)
            now = self.client.clock()
            if fresh:
                state.due = now
            if state.due > now or self._stopping.is_set():
                continue
            try:
                uuids = self._fetch(step, query, state, fresh)
            except (XapiClientError, OSError) as exc:
                self._failed(exc)
                state.due = self.client.clock() + min(60.0, step * (1 + self._failures))
                continue
            state.known = wanted
            state.whole = query.vms is None
            state.due = self.client.clock() + min(step, 300)
            self._answered()
            if uuids:
                self.client._tell(MetricsEvent(self.host, frozenset(uuids), step))

    # -- one exchange -----------------------------------------------------------------------

    def _fetch(self, step: int, query: _Query, state: _StepState, fresh: bool) -> set[str]:
        client = self.client
        now = int(client.clock())
        touched: set[str] = set()
        if step != LIVE_STEP and fresh:
            # history: the whole RRD of each newly watched object, then updates from there
            for uuid in sorted(query.detail - state.known):
                last = self._load_dump(uuid)
                if last is not None:
                    touched.add(uuid)
                    state.next_start = min(state.next_start or last, last)
            if state.next_start is not None:
                return touched
        if fresh or state.next_start is None:
            if step != LIVE_STEP:
                back = next(r for r, s in RANGES.items() if s == step)
            elif query.detail:
                back = BACKFILL_GRAPHS
            else:
                back = BACKFILL_LOAD  # the whole pool's load: recent minutes are enough
            start = now - back
        else:
            start = state.next_start
        params = [f"start={start}", "cf=AVERAGE", f"interval={step}", "json"]
        if query.host_too:
            params.append("host=true")
        if query.vms is not None:
            params += [f"vm_uuid={quote(u)}" for u in sorted(query.vms)]
        body = self._get("/rrd_updates", params)
        updates = parse_updates(body)
        touched |= client.store.ingest(updates, query.detail)
        state.next_start = updates.end
        return touched

    def _load_dump(self, uuid: str) -> int | None:
        kind = self.client.store.kind_of(uuid) or self._kind_of(uuid)
        if kind == "host":
            body = self._get("/host_rrd", [])
        else:
            body = self._get("/vm_rrd", [f"uuid={quote(uuid)}"])
        dump = parse_dump(body)
        self.client.store.ingest_dump(kind, uuid, dump)
        return dump.last_update

    def _kind_of(self, uuid: str) -> str:
        record = self.client.conn.cache.record("host", self.host) or {}
        return "host" if record.get("uuid") == uuid else "vm"

    def _get(self, path: str, params: list[str]) -> bytes:
        conn = self.client.conn
        session = conn.session_ref
        if not session:
            raise _NotLoggedIn(translate("Metrics", "not logged in"))
        url = conn.host_url(self.host)
        if url is None:
            raise _NotLoggedIn(translate("Metrics", "the host has no address"))
        endpoint = Endpoint.parse(url)
        channel = self._channel
        if channel is None or not channel.endpoint.same_host(endpoint) or channel.aborted:
            if channel is not None:
                channel.close()
            channel = self._channel = HttpChannel(
                endpoint, conn.trust, connect_timeout=min(5.0, self.client.timeout),
                read_timeout=self.client.timeout)
        if self._stopping.is_set():
            channel.abort()
        query = "&".join([f"session_id={quote(session)}", *params])
        answer, location = channel.get(f"{path}?{query}", "application/json")
        if answer.status in (301, 302, 307) and location:
            # a VM's RRD lives where it runs: follow one redirect, on this pool's trust
            answer = self._follow(location, endpoint)
        if answer.status != 200:
            raise HttpError(answer.status, answer.reason, endpoint.address,
                            answer.body.decode("utf-8", "replace").strip())
        return answer.body

    def _follow(self, location: str, origin: Endpoint) -> HttpAnswer:
        parts = urlsplit(location)
        target = Endpoint.parse(f"{parts.scheme}://{parts.netloc}") if parts.netloc else origin
        if target.scheme != origin.scheme:
            raise MalformedMetrics(translate("Metrics", "redirected to another scheme: {url}")
                                   .format(url=location))
        other = HttpChannel(target, self.client.conn.trust,
                            connect_timeout=min(5.0, self.client.timeout),
                            read_timeout=self.client.timeout)
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            return other.get(path, "application/json")[0]
        finally:
            other.close()

    def _answered(self) -> None:
        self._failures = 0
        self._last_ok = self.client.clock()
        self.client._set_status(HostStatus(self.host, self._host_name(), True, "", self._last_ok, 0))

    def _failed(self, exc: BaseException) -> None:
        if self._stopping.is_set():
            return
        self._failures += 1
        if isinstance(exc, MalformedResponse | HttpError | _NotLoggedIn):
            why = str(exc)
        else:
            why = translate("Metrics", "the host does not answer: {error}").format(error=exc)
        log.info("metrics of %s: %s", self.host, why)
        self.client._set_status(HostStatus(self.host, self._host_name(), False, why, self._last_ok,
                                           self._failures))

    def _host_name(self) -> str:
        record = self.client.conn.cache.record("host", self.host) or {}
        return str(record.get("name_label", ""))


class _NotLoggedIn(XapiClientError):
    """The connection has no session (or the host no address) right now."""
