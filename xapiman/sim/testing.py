"""A simulated pool running in this process, for tests, benchmarks and the demo."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from xapiman.sim.db import Database
from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.synth import generate_pool


@dataclass
class RunningPool:
    """What a client needs to reach a running simulator, plus the simulator for assertions.

    Attributes:
        sim: the simulator (`sim.db` the database, `sim.faults` the fault switches).
        url: the coordinator's URL; user, password: the login.
        fingerprint: the SHA-256 fingerprint of the server certificate (None without TLS).
    """

    sim: Simulator
    url: str
    user: str
    password: str
    fingerprint: str | None

    @property
    def db(self) -> Database:
        return self.sim.db

    @property
    def faults(self):
        return self.sim.faults

    def host_urls(self) -> list[tuple[str, str]]:
        return self.sim.host_urls()


@contextlib.contextmanager
def running_pool(hosts: int = 2, vms: int = 20, *, tls: bool = False, speed: float = 0.0,
                 seed: int = 1, db: Database | None = None, event_delay: float = 0.0,
                 **config: object) -> Iterator[RunningPool]:
    """Start a pool on loopback (free ports); stop it on exit."""
    cfg = SimConfig(speed=speed, event_delay=event_delay, **config)  # type: ignore[arg-type]
    sim = Simulator(db or generate_pool(hosts, vms, seed=seed), cfg, use_tls=tls)
    sim.start()
    try:
        yield RunningPool(sim, sim.url(), cfg.user, cfg.password, sim.fingerprint)
    finally:
        sim.stop()
