"""Plausible moving metrics of hosts, running VMs and SRs, computed on demand from the time.

Nothing runs in the background: a data source is a signal, a pure function of (time, step)
seeded by the object's uuid and the source's name, so two requests agree on the past and the
present moves. `at(t, step)` is the average over the `step` seconds ending at `t`, as an RRD
archive consolidates it (slow waves are averaged exactly, the noise shrinks with the step).
Names and units follow xcp-rrdd (reference/xapi.md 6.3).
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import math
import time
from dataclasses import dataclass
from typing import Protocol

from xapiman.sim.db import Database

STEP = 5  # seconds between two primary data points, as xcp-rrdd
RUNNING = ("Running", "Paused")
KiB = 1024
_MASK = (1 << 64) - 1
_TAU = 2 * math.pi


UPDATE_PHASE = 1.0  # seconds after each 5 s boundary at which the simulated rrdd updates


def now() -> float:
    """The metrics clock (wall time, like the timestamps in an RRD)."""
    return time.time()


def last_update(t: float | None = None) -> float:
    """When the simulated rrdd last updated its RRDs: every STEP seconds, UPDATE_PHASE after
    the boundary (a real rrdd is never exactly on it, which matters for archive choice)."""
    moment = now() if t is None else t
    return math.floor((moment - UPDATE_PHASE) / STEP) * STEP + UPDATE_PHASE


class Signal(Protocol):
    def at(self, t: float, step: float) -> float: ...


def seed_of(*parts: str) -> int:
    """A stable 64-bit seed (the same in every process, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(":".join(parts).encode(), digest_size=8).digest(), "big")


def unit(seed: int, k: int) -> float:
    """A deterministic pseudo-random number in [0, 1) for (seed, k) (splitmix64)."""
    x = (seed + (k + 1) * 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return (x ^ (x >> 31)) / 2.0**64


def mean_sin(period: float, phase: float, t: float, step: float) -> float:
    """The average of sin(2*pi*t/period + phase) over the `step` seconds ending at `t`."""
    w = _TAU / period
    if step <= 0:
        return math.sin(w * t + phase)
    return (math.cos(w * (t - step) + phase) - math.cos(w * t + phase)) / (w * step)


@dataclass(frozen=True)
class Const:
    value: float

    def at(self, t: float, step: float) -> float:  # noqa: ARG002
        return self.value


@functools.lru_cache(maxsize=1 << 18)
def _wave_shape(seed: int) -> tuple[float, float, float, float]:
    """The periods and phases of a wave's slow and medium parts (fixed per seed)."""
    return (3600.0 * (4 + 20 * unit(seed, 1)), _TAU * unit(seed, 2),
            180.0 + 1800.0 * unit(seed, 3), _TAU * unit(seed, 4))


@dataclass(frozen=True)
class Wave:
    """`mean` moved by a slow and a medium wave (relative `swing`), per-step `noise` and rare
    `spikes` (probability per step), clamped to [lo, hi]."""

    mean: float
    seed: int
    swing: float = 0.3
    noise: float = 0.1
    spikes: float = 0.0
    lo: float = 0.0
    hi: float = math.inf

    def at(self, t: float, step: float) -> float:
        s = self.seed
        step = max(step, STEP)
        slow_period, slow_phase, mid_period, mid_phase = _wave_shape(s)
        slow = mean_sin(slow_period, slow_phase, t, step)
        mid = mean_sin(mid_period, mid_phase, t, step)
        slot = int(t // step)
        damp = math.sqrt(STEP / step)
        jitter = (2 * unit(s ^ int(step), slot) - 1) * damp
        value = self.mean * (1 + self.swing * (0.6 * slow + 0.4 * mid) + self.noise * jitter)
        if self.spikes and unit(s + 7, slot) < self.spikes:
            value += self.mean * 2.5 * damp
        return min(max(value, self.lo), self.hi)


@dataclass(frozen=True)
class Booting:
    """`part` plus the extra work of a guest that boots at `since`: most of a vCPU at first,
    fading over a couple of minutes (nothing before `since`)."""

    part: Signal
    since: float
    extra: float = 0.6
    fade: float = 60.0

    def at(self, t: float, step: float) -> float:
        value = self.part.at(t, step)
        age = t - self.since
        if age < 0:
            return value
        return min(1.0, value + self.extra * math.exp(-age / self.fade))


@dataclass(frozen=True)
class Mean:
    parts: tuple[Signal, ...]

    def at(self, t: float, step: float) -> float:
        return sum(p.at(t, step) for p in self.parts) / len(self.parts) if self.parts else 0.0


@dataclass(frozen=True)
class Sum:
    parts: tuple[Signal, ...]

    def at(self, t: float, step: float) -> float:
        return sum(p.at(t, step) for p in self.parts)


@dataclass(frozen=True)
class Scaled:
    part: Signal
    factor: float

    def at(self, t: float, step: float) -> float:
        return self.part.at(t, step) * self.factor


@dataclass(frozen=True)
class DataSource:
    """One data source: its xcp-rrdd name, units, range and signal."""

    name: str
    units: str
    signal: Signal
    lo: float = 0.0
    hi: float = math.inf

    def at(self, t: float, step: float = STEP) -> float:
        return self.signal.at(t, step)


# -- per-object levels ------------------------------------------------------------------------


def vm_is_live(rec: dict) -> bool:
    """Whether a VM has a domain (and so data): running or paused."""
    return rec.get("power_state") in RUNNING


def _vm_memory(rec: dict) -> int:
    return int(rec.get("memory_target") or rec.get("memory_dynamic_max") or 0)


def _vm_started(db: Database, rec: dict) -> float | None:
    """When the VM's domain started (VM_metrics.start_time), None when unknown."""
    metrics = db.find(rec.get("metrics", ""), "VM_metrics") or {}
    stamp = str(metrics.get("start_time") or "")
    try:
        started = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H:%M:%SZ"))
    except ValueError:
        return None
    return float(started) if started > 0 else None


def _vm_vcpus(db: Database, rec: dict) -> int:
    metrics = db.find(rec.get("metrics", ""), "VM_metrics") or {}
    return max(1, int(metrics.get("VCPUs_number") or rec.get("VCPUs_at_startup") or 1))


def _vm_load(rec: dict) -> float:
    """How busy a VM's vCPUs are on average (0 when paused)."""
    if rec.get("power_state") != "Running":
        return 0.0
    if rec.get("is_control_domain"):
        return 0.04
    return 0.02 + 0.55 * unit(seed_of(rec["uuid"], "load"), 0) ** 2


def _vif_level(uuid: str, device: str) -> float:
    """Bytes per second a VIF moves on average: 1 KB/s to 2 MB/s."""
    return 10 ** (3 + 3.3 * unit(seed_of(uuid, "vif", device), 0))


def _vbd_level(uuid: str, device: str) -> float:
    """Bytes per second a disk reads or writes on average: 4 KB/s to 8 MB/s."""
    return 4096 * 10 ** (3.3 * unit(seed_of(uuid, "vbd", device), 0))


def vbd_device(rec: dict) -> str:
    """The guest device name (VBD.device, or derived from userdevice while unplugged)."""
    if rec.get("device"):
        return rec["device"]
    user = rec.get("userdevice", "0")
    return "xvd" + chr(ord("a") + int(user)) if user.isdigit() and int(user) < 26 else f"xvd{user}"


# -- VMs --------------------------------------------------------------------------------------


def vm_sources(db: Database, vm: str) -> list[DataSource]:
    """The data sources of a VM; none unless it is running or paused."""
    rec = db.find(vm, "VM")
    if rec is None or not vm_is_live(rec):
        return []
    uuid = rec["uuid"]
    live = rec["power_state"] == "Running"
    load = _vm_load(rec)
    started = _vm_started(db, rec) if live else None
    cpus = []
    for i in range(_vm_vcpus(db, rec)):
        wave: Signal = Wave(load, seed_of(uuid, f"cpu{i}"), 0.5, 0.35, 0.02, 0.0, 1.0)
        if started is not None and not rec.get("is_control_domain"):
            wave = Booting(wave, started)
        cpus.append(DataSource(f"cpu{i}", "(fraction)", wave, 0.0, 1.0))
    memory = _vm_memory(rec)
    sources = [*cpus, DataSource("cpu_usage", "(fraction)",
                                 Mean(tuple(c.signal for c in cpus)), 0.0, 1.0),
               DataSource("memory", "B", Const(memory)),
               DataSource("memory_target", "B", Const(memory))]
    if rec.get("guest_metrics") and db.find(rec["guest_metrics"], "VM_guest_metrics"):
        free = memory / KiB * (0.15 + 0.6 * unit(seed_of(uuid, "free"), 0))
        sources.append(DataSource("memory_internal_free", "KiB",
                                  Wave(free, seed_of(uuid, "free"), 0.3, 0.02, 0.0, 0.0,
                                       memory / KiB)))
    for vif in rec.get("VIFs", []):
        vif_rec = db.find(vif, "VIF")
        if vif_rec is not None:
            sources += _vif_sources(uuid, vif_rec["device"], live)
    for vbd in rec.get("VBDs", []):
        vbd_rec = db.find(vbd, "VBD")
        if vbd_rec is not None and vbd_rec["type"] == "Disk" and not vbd_rec["empty"]:
            sources += _vbd_sources(uuid, vbd_device(vbd_rec), live)
    return sources


def _vif_sources(uuid: str, device: str, live: bool) -> list[DataSource]:
    level = _vif_level(uuid, device) if live else 0.0
    return [DataSource(f"vif_{device}_{way}", "B/s",
                       Wave(level * (1.0 if way == "rx" else 0.4), seed_of(uuid, device, way),
                            0.6, 0.4, 0.03))
            for way in ("rx", "tx")]


def _vbd_sources(uuid: str, device: str, live: bool) -> list[DataSource]:
    level = _vbd_level(uuid, device) if live else 0.0
    read = Wave(level, seed_of(uuid, device, "read"), 0.6, 0.5, 0.02)
    write = Wave(level * 0.6, seed_of(uuid, device, "write"), 0.5, 0.4, 0.02)
    iops_read, iops_write = Scaled(read, 1 / 16384), Scaled(write, 1 / 8192)
    latency = 150.0 + 900.0 * unit(seed_of(uuid, device, "latency"), 0) if live else 0.0
    prefix = f"vbd_{device}_"
    return [
        DataSource(prefix + "read", "B/s", read),
        DataSource(prefix + "write", "B/s", write),
        DataSource(prefix + "read_latency", "μs", Wave(latency, seed_of(uuid, device, "rl"),
                                                       0.3, 0.3)),
        DataSource(prefix + "write_latency", "μs", Wave(latency * 1.4, seed_of(uuid, device, "wl"),
                                                        0.3, 0.3)),
        DataSource(prefix + "iops_read", "requests/s", iops_read),
        DataSource(prefix + "iops_write", "requests/s", iops_write),
        DataSource(prefix + "iops_total", "requests/s", Sum((iops_read, iops_write))),
        DataSource(prefix + "inflight", "requests", Scaled(Sum((iops_read, iops_write)), 0.002)),
    ]


# -- hosts ------------------------------------------------------------------------------------


def resident_vms(db: Database, host: str) -> list[tuple[str, dict]]:
    """The VMs with a domain on `host` (its control domain included)."""
    found = []
    for vm in db.get(host, "host").get("resident_VMs", []):
        rec = db.find(vm, "VM")
        if rec is not None and vm_is_live(rec):
            found.append((vm, rec))
    return found


def host_sources(db: Database, host: str) -> list[DataSource]:
    """The data sources of a host: CPUs, memory, NICs, xapi, scheduler and per-SR I/O."""
    rec = db.get(host, "host")
    uuid = rec["uuid"]
    residents = resident_vms(db, host)
    ncpus = max(1, len(rec.get("host_CPUs", [])) or int(rec.get("cpu_info", {}).get("cpu_count", 1)))
    vcpus = sum(_vm_vcpus(db, r) for _, r in residents)
    busy = sum(_vm_load(r) * _vm_vcpus(db, r) for _, r in residents)
    load = min(0.95, 0.01 + busy / ncpus)
    cpus = [DataSource(f"cpu{i}", "(fraction)",
                       Wave(load, seed_of(uuid, f"cpu{i}"), 0.4, 0.3, 0.01, 0.0, 1.0), 0.0, 1.0)
            for i in range(ncpus)]
    sources = [*cpus,
               DataSource("cpu_avg", "(fraction)", Mean(tuple(c.signal for c in cpus)), 0.0, 1.0),
               DataSource("loadavg", "(fraction)",
                          Wave(0.1 + busy * 0.3, seed_of(uuid, "loadavg"), 0.4, 0.1))]
    sources += _host_memory(db, rec, residents)
    sources += _host_nics(db, rec, residents)
    sources += _host_xapi(db, uuid)
    sources += [DataSource("running_domains", "domains", Const(len(residents))),
                DataSource("running_vcpus", "vCPUs", Const(vcpus))]
    sources += _host_sr_io(db, rec)
    return sources


def _host_memory(db: Database, rec: dict, residents: list[tuple[str, dict]]) -> list[DataSource]:
    metrics = db.find(rec.get("metrics", ""), "host_metrics") or {}
    total = int(metrics.get("memory_total", 0))
    used = int(rec.get("memory_overhead", 0)) + sum(_vm_memory(r) for _, r in residents)
    reclaimable = sum(max(0, int(r.get("memory_dynamic_max", 0)) - int(r.get("memory_dynamic_min", 0)))
                      for _, r in residents)
    return [DataSource("memory_total_kib", "KiB", Const(total // KiB)),
            DataSource("memory_free_kib", "KiB", Const(max(0, total - used) // KiB)),
            DataSource("memory_reclaimed", "B", Const(0.0)),
            DataSource("memory_reclaimed_max", "B", Const(reclaimable))]


def _host_nics(db: Database, rec: dict, residents: list[tuple[str, dict]]) -> list[DataSource]:
    by_network: dict[str, float] = {}
    for _vm, vm_rec in residents:
        if vm_rec.get("power_state") != "Running":
            continue
        for vif in vm_rec.get("VIFs", []):
            vif_rec = db.find(vif, "VIF")
            if vif_rec is not None:
                level = _vif_level(vm_rec["uuid"], vif_rec["device"])
                by_network[vif_rec["network"]] = by_network.get(vif_rec["network"], 0.0) + level
    sources: list[DataSource] = []
    totals: dict[str, list[Signal]] = {"rx": [], "tx": []}
    for pif in rec.get("PIFs", []):
        pif_rec = db.find(pif, "PIF")
        if pif_rec is None or not pif_rec.get("physical"):
            continue
        level = 2000.0 + by_network.get(pif_rec["network"], 0.0)
        for way in ("rx", "tx"):
            wave = Wave(level * (1.0 if way == "rx" else 0.5),
                        seed_of(pif_rec["uuid"], way), 0.5, 0.25, 0.02)
            totals[way].append(wave)
            sources.append(DataSource(f"pif_{pif_rec['device']}_{way}", "B/s", wave))
    sources += [DataSource(f"pif_aggr_{way}", "B/s", Sum(tuple(totals[way]))) for way in totals]
    return sources


def _host_xapi(db: Database, uuid: str) -> list[DataSource]:
    def wave(name: str, mean: float, swing: float = 0.1) -> DataSource:
        return DataSource(name, "KiB", Wave(mean, seed_of(uuid, name), swing, 0.02))

    return [wave("xapi_memory_usage_kib", 180_000), wave("xapi_free_memory_kib", 60_000, 0.3),
            wave("xapi_live_memory_kib", 90_000, 0.2), wave("xapi_allocation_kib", 2_500, 0.8),
            DataSource("xapi_open_fds", "fds", Wave(64, seed_of(uuid, "fds"), 0.2, 0.05)),
            DataSource("pool_task_count", "tasks", Const(len(db.all("task")))),
            DataSource("pool_session_count", "sessions", Const(len(db.all("session"))))]


def _host_sr_io(db: Database, rec: dict) -> list[DataSource]:
    sources: list[DataSource] = []
    for pbd in rec.get("PBDs", []):
        pbd_rec = db.find(pbd, "PBD")
        sr_rec = db.find(pbd_rec["SR"], "SR") if pbd_rec else None
        if sr_rec is None or sr_rec.get("content_type") == "iso":
            continue
        short = sr_rec["uuid"][:8]
        seed = seed_of(rec["uuid"], sr_rec["uuid"])
        read = Wave(2.0 + 20 * unit(seed, 0), seed + 1, 0.6, 0.4, 0.02)
        write = Wave(1.0 + 10 * unit(seed, 1), seed + 2, 0.6, 0.4, 0.02)
        sources += [DataSource(f"io_throughput_read_{short}", "MiB/s", read),
                    DataSource(f"io_throughput_write_{short}", "MiB/s", write),
                    DataSource(f"io_throughput_total_{short}", "MiB/s", Sum((read, write))),
                    DataSource(f"iops_total_{short}", "requests/s",
                               Scaled(Sum((read, write)), 64.0)),
                    DataSource(f"latency_{short}", "ms", Wave(0.4 + 3 * unit(seed, 2), seed + 3,
                                                             0.3, 0.3))]
    return sources


# -- SRs --------------------------------------------------------------------------------------


def sr_sources(db: Database, sr: str) -> list[DataSource]:
    """The data sources of an SR as a whole (the `sr:<uuid>` RRD)."""
    rec = db.find(sr, "SR")
    if rec is None:
        return []
    seed = seed_of(rec["uuid"], "sr")
    read = Wave(3.0 + 30 * unit(seed, 0), seed + 1, 0.6, 0.4, 0.02)
    write = Wave(2.0 + 15 * unit(seed, 1), seed + 2, 0.6, 0.4, 0.02)
    return [DataSource("io_throughput_read", "MiB/s", read),
            DataSource("io_throughput_write", "MiB/s", write),
            DataSource("io_throughput_total", "MiB/s", Sum((read, write))),
            DataSource("iops_read", "requests/s", Scaled(read, 64.0)),
            DataSource("iops_write", "requests/s", Scaled(write, 64.0)),
            DataSource("read_latency", "ms", Wave(0.5 + 2 * unit(seed, 2), seed + 3, 0.3, 0.3)),
            DataSource("write_latency", "ms", Wave(0.8 + 3 * unit(seed, 3), seed + 4, 0.3, 0.3)),
            DataSource("physical_utilisation", "B", Const(rec.get("physical_utilisation", 0))),
            DataSource("size", "B", Const(rec.get("physical_size", 0)))]


def sources_of(db: Database, ref: str) -> list[DataSource]:
    """The data sources of a host, VM or SR ref (empty for anything else)."""
    cls = db.cls_of(ref)
    if cls == "host":
        return host_sources(db, ref)
    if cls == "VM":
        return vm_sources(db, ref)
    if cls == "SR":
        return sr_sources(db, ref)
    return []


def latest(db: Database, ref: str, t: float | None = None) -> dict[str, float]:
    """Every source's value at `t` (default: now), for query_data_source and friends."""
    moment = now() if t is None else t
    with db.lock:
        sources = sources_of(db, ref)
    return {ds.name: ds.at(moment) for ds in sources}
