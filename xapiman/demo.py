"""The built-in demo pool: an embedded simulator whose state is kept between runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.synth import generate_pool

log = logging.getLogger("xapiman.demo")

DEMO_PROFILE = "Demo pool"
DEMO_INCIDENT_S = 150.0  # seconds between the demo's VM crashes (alerts to look at)


def default_state_path() -> Path:
    return Path(platformdirs.user_data_dir("xapiman")) / "demo-pool.json"


@dataclass
class DemoPool:
    """A running demo pool: where it listens and how to log in.

    Attributes:
        url: the coordinator URL (HTTPS on loopback); fingerprint: its certificate's SHA-256.
        state_path: where the pool's state is kept.
    """

    sim: Simulator
    url: str
    user: str
    password: str
    fingerprint: str | None
    state_path: Path
    saver: object | None = None

    def stop(self) -> None:
        self.sim.stop()
        if self.saver is not None:
            self.saver.stop()  # type: ignore[attr-defined]


def start_demo_pool(state_path: Path | None = None, *, speed: float = 1.0,
                    use_tls: bool = True, reset: bool = False) -> DemoPool:
    """Start the demo pool (two hosts, about 20 VMs) on a free loopback port.

    The pool's state is loaded from `state_path` when it exists (a corrupt file is kept aside
    and a fresh pool is made), and saved there as it changes. `reset`: start afresh (the
    saved state is removed first).
    """
    from xapiman.sim.state import StateSaver, load_state

    path = state_path or default_state_path()
    if reset:
        path.unlink(missing_ok=True)
    db = None
    if path.exists():
        try:
            db = load_state(path)
        except (OSError, ValueError) as exc:
            aside = path.with_name(path.name + ".broken")
            log.warning("demo pool state %s is unreadable (%s); kept as %s", path, exc, aside)
            path.replace(aside)
    if db is None:
        db = generate_pool(2, 20, name="Demo pool")
    path.parent.mkdir(parents=True, exist_ok=True)
    config = SimConfig(speed=speed, incident_every=DEMO_INCIDENT_S if speed else None)
    sim = Simulator(db, config, use_tls=use_tls)
    sim.start()
    saver = StateSaver(sim.db, path)
    saver.start()
    return DemoPool(sim, sim.url(), config.user, config.password, sim.fingerprint, path, saver)
