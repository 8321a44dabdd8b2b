"""What a data source of xcp-rrdd means: its label, its unit, and the load figures derived
from a host's or VM's sources (CPU, memory, disk and network, each in one number).

Raw values stay as the server sends them; `Meaning.factor` turns one into its unit here
(KiB -> bytes, MiB/s -> bytes/s, μs and ms -> seconds). `format_value` writes a value in its
unit for people ("42 %", "1.5 GiB", "3.2 MB/s").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from xapiman.i18n import translate

KiB = 1024.0
MiB = 1024.0 * 1024.0

# The load figures derived from an object's sources (bytes, bytes per second, 0..1)
CPU, MEMORY, MEMORY_TOTAL, DISK, NETWORK = ("load.cpu", "load.memory", "load.memory_total",
                                            "load.disk", "load.network")
LOAD = (CPU, MEMORY, MEMORY_TOTAL, DISK, NETWORK)
SORT_KEYS = {"cpu": CPU, "memory": MEMORY, "disk": DISK, "network": NETWORK}


class Unit(StrEnum):
    FRACTION = "fraction"  # 0..1, shown as a percentage
    BYTES = "B"
    BYTES_PER_S = "B/s"
    SECONDS = "s"
    PER_S = "/s"
    COUNT = ""


@dataclass(frozen=True)
class Meaning:
    """How to show one data source.

    Attributes:
        label: for people (translated); unit: of the value once multiplied by `factor`.
        group: the graph it belongs on ("cpu", "memory", "disk", "network", "load", "other").
        device: the disk, VIF, NIC or SR it is about ("" for none), for choosing series.
    """

    label: str
    unit: Unit
    factor: float = 1.0
    group: str = "other"
    device: str = ""


_CPU = re.compile(r"cpu(\d+)\Z")
_VBD = re.compile(r"vbd_([a-z0-9]+)_(read|write)\Z")
_VIF = re.compile(r"vif_(\d+)_(rx|tx)\Z")
_PIF = re.compile(r"pif_([A-Za-z0-9.]+)_(rx|tx)\Z")
_SR_IO = re.compile(r"io_throughput_(read|write|total)_([0-9a-f]{8})\Z")


def meaning(kind: str, name: str) -> Meaning:
    """What data source `name` of a `kind` ("host", "vm", "sr") object is."""
    t = translate
    derived = _derived(name)
    if derived is not None:
        return derived
    match = _CPU.match(name)
    if match:
        return Meaning(t("Metrics", "CPU {n}").format(n=match.group(1)), Unit.FRACTION,
                       group="cpu", device=match.group(1))
    if name in ("cpu_usage", "cpu_avg"):
        return Meaning(t("Metrics", "CPU total") if kind == "vm" else t("Metrics", "CPU average"),
                       Unit.FRACTION, group="cpu")
    if name == "loadavg":
        return Meaning(t("Metrics", "Load average"), Unit.COUNT, group="load")
    if name == "memory":
        return Meaning(t("Metrics", "Memory"), Unit.BYTES, group="memory")
    if name == "memory_target":
        return Meaning(t("Metrics", "Memory target"), Unit.BYTES, group="memory")
    if name == "memory_internal_free":
        return Meaning(t("Metrics", "Free memory (guest)"), Unit.BYTES, KiB, group="memory")
    if name == "memory_total_kib":
        return Meaning(t("Metrics", "Total memory"), Unit.BYTES, KiB, group="memory")
    if name == "memory_free_kib":
        return Meaning(t("Metrics", "Free memory"), Unit.BYTES, KiB, group="memory")
    match = _VBD.match(name)
    if match:
        dev, way = match.groups()
        label = (t("Metrics", "{device} read") if way == "read"
                 else t("Metrics", "{device} write")).format(device=dev)
        return Meaning(label, Unit.BYTES_PER_S, group="disk", device=dev)
    match = _VIF.match(name)
    if match:
        dev, way = match.groups()
        label = (t("Metrics", "VIF {device} receive") if way == "rx"
                 else t("Metrics", "VIF {device} send")).format(device=dev)
        return Meaning(label, Unit.BYTES_PER_S, group="network", device=dev)
    match = _PIF.match(name)
    if match and not name.endswith(("_errors",)):
        dev, way = match.groups()
        if dev == "aggr":
            label = t("Metrics", "All NICs receive") if way == "rx" else \
                t("Metrics", "All NICs send")
        else:
            label = (t("Metrics", "{device} receive") if way == "rx"
                     else t("Metrics", "{device} send")).format(device=dev)
        return Meaning(label, Unit.BYTES_PER_S, group="network", device=dev)
    match = _SR_IO.match(name)
    if match:
        way, sr = match.groups()
        label = {"read": t("Metrics", "SR {sr} read"), "write": t("Metrics", "SR {sr} write"),
                 "total": t("Metrics", "SR {sr} total")}[way].format(sr=sr)
        return Meaning(label, Unit.BYTES_PER_S, MiB, group="disk", device=sr)
    if name.endswith("_latency") or name.startswith("latency_"):
        factor = 1e-6 if kind == "vm" else 1e-3  # VBD latencies in μs, SR ones in ms
        return Meaning(name, Unit.SECONDS, factor)
    if name.startswith(("iops_", "vbd_")) and "iops" in name:
        return Meaning(name, Unit.PER_S)
    if name.endswith("_kib"):
        return Meaning(name, Unit.BYTES, KiB)
    return Meaning(name, Unit.COUNT)


def _derived(name: str) -> Meaning | None:
    t = translate
    return {
        CPU: Meaning(t("Metrics", "CPU"), Unit.FRACTION, group="cpu"),
        MEMORY: Meaning(t("Metrics", "Memory used"), Unit.BYTES, group="memory"),
        MEMORY_TOTAL: Meaning(t("Metrics", "Memory total"), Unit.BYTES, group="memory"),
        DISK: Meaning(t("Metrics", "Disk"), Unit.BYTES_PER_S, group="disk"),
        NETWORK: Meaning(t("Metrics", "Network"), Unit.BYTES_PER_S, group="network"),
    }.get(name)


def load_figures(kind: str, columns: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The load figures of one object from its raw columns (same length each); figures the
    sources do not allow are left out. NaN in a source gives NaN in what it feeds."""
    out: dict[str, np.ndarray] = {}
    if kind == "vm":
        cpu = columns.get("cpu_usage")
        if cpu is None:
            cpu = _mean([v for k, v in columns.items() if _CPU.match(k)])
        memory = columns.get("memory")
        free = columns.get("memory_internal_free")
        used = memory - free * KiB if memory is not None and free is not None else memory
        disk = _sum([v for k, v in columns.items() if _VBD.match(k)])
        network = _sum([v for k, v in columns.items() if _VIF.match(k)])
        figures = {CPU: cpu, MEMORY: used, MEMORY_TOTAL: memory, DISK: disk, NETWORK: network}
    elif kind == "host":
        cpu = columns.get("cpu_avg")
        if cpu is None:
            cpu = _mean([v for k, v in columns.items() if _CPU.match(k)])
        total = columns.get("memory_total_kib")
        free = columns.get("memory_free_kib")
        used = (total - free) * KiB if total is not None and free is not None else None
        sr_total = [v for k, v in columns.items()
                    if (m := _SR_IO.match(k)) and m.group(1) == "total"]
        if not sr_total:
            sr_total = [v for k, v in columns.items() if _SR_IO.match(k)]
        sr_sum = _sum(sr_total)
        disk = sr_sum * MiB if sr_sum is not None else None
        rx, tx = columns.get("pif_aggr_rx"), columns.get("pif_aggr_tx")
        network = rx + tx if rx is not None and tx is not None else None
        total_bytes = total * KiB if total is not None else None
        figures = {CPU: cpu, MEMORY: used, MEMORY_TOTAL: total_bytes, DISK: disk,
                   NETWORK: network}
    else:
        return out
    for key, value in figures.items():
        if value is not None:
            out[key] = np.asarray(value, dtype=np.float64)
    return out


def _mean(parts: list[np.ndarray]) -> np.ndarray | None:
    return np.mean(parts, axis=0) if parts else None


def _sum(parts: list[np.ndarray]) -> np.ndarray | None:
    return np.sum(parts, axis=0) if parts else None


_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_RATE_UNITS = ("B/s", "kB/s", "MB/s", "GB/s", "TB/s")


def format_value(value: float | None, unit: Unit) -> str:
    """A value in its unit for people; "–" when unknown."""
    if value is None or math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞"
    if unit is Unit.FRACTION:
        return f"{value * 100:.1f} %"
    if unit is Unit.BYTES:
        return _scaled(value, 1024.0, _BYTE_UNITS)
    if unit is Unit.BYTES_PER_S:
        return _scaled(value, 1000.0, _RATE_UNITS)
    if unit is Unit.SECONDS:
        if abs(value) < 1e-3:
            return f"{value * 1e6:.0f} μs"
        if abs(value) < 1:
            return f"{value * 1e3:.1f} ms"
        return f"{value:.2f} s"
    if unit is Unit.PER_S:
        return f"{value:.1f}/s"
    return f"{value:.3g}"


def _scaled(value: float, base: float, names: tuple[str, ...]) -> str:
    i = 0
    while abs(value) >= base and i < len(names) - 1:
        value /= base
        i += 1
    return f"{value:.0f} {names[i]}" if i == 0 else f"{value:.1f} {names[i]}"
