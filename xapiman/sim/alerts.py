"""Alerts the simulated pool raises by itself, as xapi and its performance monitor do.

* a host whose free memory falls below `MEMORY_LOW` of its total: `ALARM` about the host with
  the variable `memory_free_kib`;
* an SR filled beyond `SR_NEARLY_FULL` of its size: `ALARM` about the SR with the variable
  `sr_physical_utilisation`;
* a VM that crashes (`crash_vm`, also the demo's occasional incident): `VM_CRASHED`, then the
  VM restarts or stays halted as its `actions_after_crash` says.

A condition alerts once when it starts to hold and again only after it stopped holding.
`AlertRaiser` checks after the database changed, at most once per `interval` seconds.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import TYPE_CHECKING

from xapiman.sim import guest, placement
from xapiman.sim.handlers.message import post_message

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim.alerts")

MEMORY_LOW = 0.05  # free / total of a host below which it alerts
SR_NEARLY_FULL = 0.9  # physical utilisation / size of an SR above which it alerts
KiB = 1024


def alarm_body(variable: str, value: float) -> str:
    """An ALARM message body, as xapi's perfmon writes it."""
    return (f'<value><variable><name value="{variable}"/><value value="{value:.6g}"/>'
            "</variable></value>")


class AlertRaiser:
    """Watches the pool's database and posts messages for notable conditions.

    Attributes:
        interval: least seconds between two checks.
        incident_every: seconds between the demo's random VM crashes (None: never).
    """

    def __init__(self, sim: Simulator, interval: float = 1.0,
                 incident_every: float | None = None, seed: int = 7) -> None:
        self.sim = sim
        self.interval = interval
        self.incident_every = incident_every
        self._raised: set[tuple[str, str]] = set()  # (condition, ref) holding now
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen_generation = -1
        self._random = random.Random(seed)

    def start(self) -> None:
        self.check()  # conditions that hold at start count as already raised: no alert
        self._thread = threading.Thread(target=self._run, name="sim alerts", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None

    def _run(self) -> None:
        waited = 0.0
        while not self._stop.wait(self.interval):
            waited += self.interval
            try:
                if self.incident_every and waited >= self.incident_every:
                    waited = 0.0
                    self.random_incident()
                self.check()
            except Exception:  # a failed check must not end the watch
                log.exception("checking the pool for alerts failed")

    # -- conditions -------------------------------------------------------------------------

    def check(self, *, post: bool | None = None) -> list[str]:
        """Post messages for conditions that began since the last check; their refs."""
        db = self.sim.db
        first = self._seen_generation < 0 if post is None else not post
        with db.lock:
            if db.generation == self._seen_generation:
                return []
            self._seen_generation = db.generation
            holding = self._memory_low() | self._sr_full()
        posted = []
        for key, (cls, uuid, variable, value) in holding.items():
            if key not in self._raised and not first:
                posted.append(post_message(db, "ALARM", None, cls, uuid,
                                           alarm_body(variable, value)))
        self._raised = set(holding)
        return posted

    def _memory_low(self) -> dict[tuple[str, str], tuple[str, str, str, float]]:
        db = self.sim.db
        out = {}
        for host, rec in db.all("host").items():
            total = placement.host_memory_total(db, host)
            if total <= 0:
                continue
            free = placement.host_free_memory(db, host)
            if free < MEMORY_LOW * total:
                out[("memory_low", host)] = ("Host", rec["uuid"], "memory_free_kib",
                                             max(0, free) / KiB)
        return out

    def _sr_full(self) -> dict[tuple[str, str], tuple[str, str, str, float]]:
        db = self.sim.db
        out = {}
        for sr, rec in db.all("SR").items():
            size = int(rec.get("physical_size") or 0)
            if size <= 0 or rec.get("content_type") == "iso":
                continue
            used = int(rec.get("physical_utilisation") or 0) / size
            if used > SR_NEARLY_FULL:
                out[("sr_full", sr)] = ("SR", rec["uuid"], "sr_physical_utilisation", used)
        return out

    # -- incidents --------------------------------------------------------------------------

    def crash_vm(self, vm: str) -> str:
        """The VM's domain crashes: VM_CRASHED, then it restarts on its host when its
        `actions_after_crash` says restart (else it stays halted). Returns the message ref."""
        db = self.sim.db
        with db.lock:
            rec = db.get(vm, "VM")
            host = rec["resident_on"]
            guest.domain_stopped(db, vm)
            ref = post_message(db, "VM_CRASHED", None, "VM", rec["uuid"],
                               f"VM '{rec['name_label']}' crashed.")
            if rec.get("actions_after_crash", "restart") in ("restart", "coredump_and_restart"):
                guest.domain_started(self.sim, vm, host, paused=False)
        return ref

    def random_incident(self) -> str | None:
        """Crash one running VM picked at random (the demo's incidents)."""
        db = self.sim.db
        with db.lock:
            running = sorted(ref for ref, rec in db.all("VM").items()
                             if rec["power_state"] == "Running" and not rec["is_control_domain"])
        if not running:
            return None
        return self.crash_vm(self._random.choice(running))
