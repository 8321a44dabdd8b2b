"""Which graphs a host's or VM's Performance tab has, and which series each one draws."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xapiman.i18n import translate
from xapiman.xapi import datasources
from xapiman.xapi.datasources import Unit, meaning

from .graph import SeriesSpec

_CPU = re.compile(r"cpu(\d+)\Z")
_VBD = re.compile(r"vbd_([a-z0-9]+)_(read|write)\Z")
_VIF = re.compile(r"vif_(\d+)_(rx|tx)\Z")
_PIF = re.compile(r"pif_([A-Za-z0-9.]+)_(rx|tx)\Z")
_SR_IO = re.compile(r"io_throughput_(read|write)_([0-9a-f]{8})\Z")


@dataclass(frozen=True)
class GraphSpec:
    """One graph: its key, title, unit and series."""

    key: str
    title: str
    unit: Unit
    series: tuple[SeriesSpec, ...]


def _natural(name: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def _spec(kind: str, name: str, label: str | None = None, total: bool = False) -> SeriesSpec:
    found = meaning(kind, name)
    return SeriesSpec(name, label or found.label, found.factor, total)


def graphs_for(kind: str, names: Sequence[str], sr_names: Mapping[str, str] | None = None
               ) -> list[GraphSpec]:
    """The graphs of a "vm" or "host" from the sources the store has for it (graphs with no
    series yet are still listed, so the page keeps its shape while data arrives)."""
    t = translate
    have = set(names)
    ordered = sorted(have, key=_natural)
    if kind == "vm":
        cpu = [_spec(kind, "cpu_usage", total=True)] if "cpu_usage" in have else []
        cpu += [_spec(kind, n) for n in ordered if _CPU.match(n)]
        memory = [_spec(kind, n) for n in ("memory", "memory_target") if n in have]
        if "memory_internal_free" in have:
            memory += [_spec(kind, datasources.MEMORY), _spec(kind, "memory_internal_free")]
        disk = [_spec(kind, n) for n in ordered if _VBD.match(n)]
        network = [_spec(kind, n) for n in ordered if _VIF.match(n)]
        return [GraphSpec("cpu", t("Performance", "CPU"), Unit.FRACTION, tuple(cpu)),
                GraphSpec("memory", t("Performance", "Memory"), Unit.BYTES, tuple(memory)),
                GraphSpec("disk", t("Performance", "Disk read / write"), Unit.BYTES_PER_S,
                          tuple(disk)),
                GraphSpec("network", t("Performance", "Network receive / send"),
                          Unit.BYTES_PER_S, tuple(network))]
    cpu = [_spec(kind, "cpu_avg", total=True)] if "cpu_avg" in have else []
    cpu += [_spec(kind, n) for n in ordered if _CPU.match(n)]
    load = [_spec(kind, "loadavg")] if "loadavg" in have else []
    memory = [_spec(kind, n, total=n == datasources.MEMORY)
              for n in (datasources.MEMORY, datasources.MEMORY_TOTAL) if n in have]
    nics = [_spec(kind, n) for n in ordered if (m := _PIF.match(n)) and m.group(1) != "aggr"]
    srs = []
    for n in ordered:
        match = _SR_IO.match(n)
        if match:
            way, short = match.groups()
            name = (sr_names or {}).get(short, short)
            label = (t("Performance", "{sr} read") if way == "read"
                     else t("Performance", "{sr} write")).format(sr=name)
            srs.append(_spec(kind, n, label))
    return [GraphSpec("cpu", t("Performance", "CPU"), Unit.FRACTION, tuple(cpu)),
            GraphSpec("load", t("Performance", "Load average"), Unit.COUNT, tuple(load)),
            GraphSpec("memory", t("Performance", "Memory"), Unit.BYTES, tuple(memory)),
            GraphSpec("network", t("Performance", "Network (per NIC)"), Unit.BYTES_PER_S,
                      tuple(nics)),
            GraphSpec("disk", t("Performance", "Storage I/O (per SR)"), Unit.BYTES_PER_S,
                      tuple(srs))]
