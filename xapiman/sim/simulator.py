"""A simulated pool: its database, one HTTP(S) server per host, sessions, tasks and faults."""

from __future__ import annotations

import gc
import logging
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xapiman.sim import certificates, handlers, membership, tls
from xapiman.sim.alerts import AlertRaiser
from xapiman.sim.db import Database
from xapiman.sim.dispatch import Dispatcher
from xapiman.sim.errors import Failure
from xapiman.sim.faults import Faults
from xapiman.sim.routes import load_routes
from xapiman.sim.server import HostServer
from xapiman.sim.sessions import Sessions
from xapiman.sim.tasks import Tasks

log = logging.getLogger("xapiman.sim")


@dataclass
class SimConfig:
    """How the simulator behaves.

    Attributes:
        speed: operations run this many times faster than on a real pool; 0 = instant.
        event_delay: seconds event.from gathers changes before answering (xapi: about 0.05).
        session_timeout: idle seconds after which a session expires (None: never).
        auth_failure_delay: seconds before a failed login answers (xapi waits 5).
        events_lost_limit: event.next answers EVENTS_LOST beyond this many pending events.
        failover_delay: seconds before a supporter takes over a killed coordinator.
        incident_every: seconds between random VM crashes (the demo's incidents; None: none).
    """

    user: str = "root"
    password: str = "xapiman"
    speed: float = 1.0
    event_delay: float = 0.05
    session_timeout: float | None = None
    auth_failure_delay: float = 0.0
    events_lost_limit: int = 10_000
    failover_delay: float = 2.0
    incident_every: float | None = None


class Simulator:
    """Serves `db` as a pool: the coordinator (pool.master) answers the API, supporters
    answer HOST_IS_SLAVE; every host serves its own side channels."""

    def __init__(self, db: Database, config: SimConfig | None = None, *, use_tls: bool = True,
                 cert: Path | None = None, bind: str = "127.0.0.1", port: int = 0,
                 workdir: Path | None = None, advertise: str | None = None) -> None:
        handlers.load_all()
        load_routes()
        self.db = db
        self.config = config or SimConfig()
        self.bind = bind
        self.advertise = advertise  # the address hosts give clients (default: see HostServer)
        self.port = port
        self.tasks = Tasks(db)
        self.sessions = Sessions(self)
        self.dispatcher = Dispatcher(self)
        self.faults = Faults(self)
        self.snapshot_cache: dict = {}
        self.servers: dict[str, HostServer] = {}
        self._held: dict[str, socket.socket] = {}  # the ports of stopped hosts (see stop_host)
        self.alerts = AlertRaiser(self, incident_every=self.config.incident_every)
        self.spawned: list[Simulator] = []  # servers it left behind (an ejected host ...)
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.cert: Path | None = None
        self.ssl_context = None
        if use_tls:
            if cert is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="xapiman-sim-")
                folder = Path(workdir) if workdir else Path(self._tmp.name)
                cert = tls.make_self_signed(self.pool_name() or "xapiman-sim", folder)
            self.cert = cert
            self.ssl_context = tls.server_context(cert)

    # -- the pool ---------------------------------------------------------------------------

    def pool_ref(self) -> str:
        return next(iter(self.db.all("pool")))

    def pool_name(self) -> str:
        pools = self.db.all("pool")
        return next(iter(pools.values()))["name_label"] if pools else ""

    @property
    def coordinator(self) -> str:
        return self.db.all("pool")[self.pool_ref()]["master"]

    def assert_coordinator(self, host: str) -> None:
        coordinator = self.coordinator
        if host != coordinator:
            raise Failure("HOST_IS_SLAVE", self.db.get(coordinator, "host")["address"])

    @property
    def fingerprint(self) -> str | None:
        return tls.fingerprint(self.cert) if self.cert else None

    # -- serving ----------------------------------------------------------------------------

    def start(self) -> None:
        """Listen on one port per host (the coordinator on `port`; 0 picks a free one)."""
        coordinator = self.coordinator
        hosts = [coordinator] + [h for h in self.db.all("host") if h != coordinator]
        for host in hosts:
            self._serve_host(host, self.port if host == coordinator else 0)
        if self.cert is not None:
            certificates.serve(self.db, self.cert.read_text())
        self.warm_up()
        self.alerts.start()
        membership.register(self)
        # the pool's records live as long as the simulator and hold no reference cycles:
        # keep the cyclic collector from scanning them again and again
        gc.collect()
        gc.freeze()

    def warm_up(self) -> None:
        """Encode every record once, so the first full event.from is as fast as later ones."""
        from xapiman.sim.events import EventBatch

        with self.db.lock:
            records = [(ref, rec) for table in self.db.tables.values() for ref, rec in table.items()]
        batch = EventBatch([], {}, "", self.snapshot_cache)
        for ref, rec in records:
            batch.snapshot_xml(ref, rec)

    def _serve_host(self, host: str, port: int,
                    reserved: socket.socket | None = None) -> HostServer:
        server = HostServer(self, host, self.bind, port, self.ssl_context, self.advertise,
                            reserved)
        self.servers[host] = server
        self.db.update(host, address=server.advertised)
        server.start()
        return server

    def stop(self) -> None:
        membership.unregister(self)
        for other in self.spawned:
            other.stop()
        self.spawned.clear()
        self.alerts.stop()
        for server in list(self.servers.values()):
            held = server.stop()
            if held is not None:
                held.close()
        self.servers.clear()
        for held in self._held.values():
            held.close()
        self._held.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def url(self, host: str | None = None) -> str:
        return self.servers[host or self.coordinator].url()

    def host_urls(self) -> list[tuple[str, str]]:
        return [(self.db.get(h, "host")["name_label"], s.url()) for h, s in self.servers.items()]

    # -- faults that change the pool --------------------------------------------------------

    def stop_host(self, host: str, *, hold: bool = True) -> None:
        """The host's server dies; its port stays held (refusing connections) until
        `revive_host` brings it back there, as a real host comes back on its address
        (`hold=False`: the port is free at once, for a server outside this pool)."""
        server = self.servers.pop(host, None)
        if server is not None:
            held = server.stop()
            if held is not None:
                if hold:
                    self._held[host] = held
                else:
                    held.close()

    def kill_host(self, host: str) -> None:
        """`host` loses power: its server stops at once and the pool notices later (sim/ha.py:
        with HA on, after the heartbeat timeout its protected VMs restart elsewhere). A killed
        coordinator is replaced first."""
        from xapiman.sim import ha

        if host == self.coordinator:
            self.kill_coordinator(then=lambda: ha.watch_dead_host(self, host))
        else:
            self.stop_host(host)
            ha.watch_dead_host(self, host)

    def kill_coordinator(self, successor: str | None = None, delay: float | None = None,
                         then: Callable[[], None] | None = None) -> None:
        """The coordinator's server dies; after `delay` s `successor` takes over (as HA does),
        then `then()` runs."""
        old = self.coordinator
        if successor is None:
            successor = next((h for h in self.servers if h != old), None)
        self.stop_host(old)
        if successor is None:
            return
        wait = self.config.failover_delay if delay is None else delay

        def take_over() -> None:
            with self.db.lock:
                self.db.update(self.pool_ref(), master=successor)
                metrics = self.db.get(old, "host")["metrics"]
                if self.db.find(metrics, "host_metrics") is not None:
                    self.db.update(metrics, live=False)
            self.sessions.expire_all()
            log.info("host %s is the new coordinator", successor)
            if then is not None:
                then()

        if wait <= 0:
            take_over()
        else:
            timer = threading.Timer(wait, take_over)
            timer.daemon = True
            timer.start()

    def revive_host(self, host: str, port: int | None = None) -> HostServer:
        """A stopped host comes back (as a supporter unless it is still pool.master), on its
        old port when that is free (`port` picks one; 0: any free port)."""
        if host in self.servers:
            return self.servers[host]
        held = self._held.pop(host, None)
        if held is not None:
            if port is None:
                return self._serve_host(host, 0, reserved=held)
            held.close()
        if port is None:
            port = _port_of(self.db.get(host, "host")["address"])
        try:
            return self._serve_host(host, port)
        except OSError:
            return self._serve_host(host, 0)


def _port_of(address: str) -> int:
    """The port of a "host:port" address (0 when there is none)."""
    _, colon, port = address.rpartition(":")
    return int(port) if colon and port.isdigit() else 0
