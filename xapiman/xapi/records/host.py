"""Typed views of the pool and its hosts: pool, host, host metrics, host CPUs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xapiman.xapi.records.base import Record, as_int, as_ref, register

if TYPE_CHECKING:
    from xapiman.xapi.records.network import PIF
    from xapiman.xapi.records.storage import PBD, SR
    from xapiman.xapi.records.vm import VM


@register
class Pool(Record):
    """pool: the pool itself (there is exactly one)."""

    __slots__ = ()
    xapi_class = "pool"

    @property
    def name(self) -> str:
        """The pool's name; xapi leaves it empty for a lone host, then the coordinator's."""
        label = self._str("name_label")
        if label:
            return label
        master = self.master
        return master.name if master is not None else ""

    @property
    def master(self) -> Host | None:
        """The coordinator (the API still calls it master)."""
        return self._one("host", "master")

    @property
    def default_sr(self) -> SR | None:
        return self._one("SR", "default_SR")

    @property
    def ha_enabled(self) -> bool:
        return self._bool("ha_enabled")


@register
class HostMetrics(Record):
    """host_metrics: memory and liveness of a host."""

    __slots__ = ()
    xapi_class = "host_metrics"

    @property
    def memory_total(self) -> int:
        return self._int("memory_total")

    @property
    def memory_free(self) -> int:
        return self._int("memory_free")

    @property
    def live(self) -> bool:
        return self._bool("live")


@register
class HostCpu(Record):
    """host_cpu: one physical CPU of a host."""

    __slots__ = ()
    xapi_class = "host_cpu"

    @property
    def number(self) -> int:
        return self._int("number")

    @property
    def model_name(self) -> str:
        return self._str("modelname")

    @property
    def speed(self) -> int:
        """MHz."""
        return self._int("speed")

    @property
    def utilisation(self) -> float:
        return self._float("utilisation")


@register
class Host(Record):
    """host: one server of the pool."""

    __slots__ = ()
    xapi_class = "host"

    @property
    def address(self) -> str:
        """The management address ("IP"; the simulator gives "IP:PORT")."""
        return self._str("address")

    @property
    def hostname(self) -> str:
        return self._str("hostname")

    @property
    def enabled(self) -> bool:
        return self._bool("enabled")

    @property
    def is_coordinator(self) -> bool:
        pool = self.cache.pool
        return pool is not None and as_ref(pool.raw.get("master")) == self.ref

    @property
    def api_version(self) -> tuple[int, int]:
        return (self._int("API_version_major"), self._int("API_version_minor"))

    @property
    def software_version(self) -> dict[str, str]:
        return self._map("software_version")

    @property
    def product_version(self) -> str:
        return self.software_version.get("product_version", "")

    @property
    def metrics(self) -> HostMetrics | None:
        return self._one("host_metrics", "metrics")

    @property
    def live(self) -> bool:
        metrics = self.metrics
        return metrics is not None and metrics.live

    @property
    def memory_total(self) -> int:
        metrics = self.metrics
        return metrics.memory_total if metrics is not None else 0

    @property
    def memory_free(self) -> int:
        metrics = self.metrics
        return metrics.memory_free if metrics is not None else 0

    @property
    def cpus(self) -> list[HostCpu]:
        cpus = self._referrers("host_cpu", "host")
        cpus.sort(key=lambda c: (c.number, c.ref))
        return cpus

    @property
    def cpu_count(self) -> int:
        """Physical CPUs (host_cpu objects, or cpu_info's cpu_count when there are none)."""
        return len(self.cache.referrers("host_cpu", "host", self.ref)) or as_int(
            self._map("cpu_info").get("cpu_count"))

    @property
    def control_domain(self) -> VM | None:
        return self._one("VM", "control_domain")

    @property
    def resident_vms(self) -> list[VM]:
        """VMs running (or paused) here, control domains included."""
        return self._referrers("VM", "resident_on")

    @property
    def pbds(self) -> list[PBD]:
        return self._referrers("PBD", "host")

    @property
    def srs(self) -> list[SR]:
        """Storage repositories this host is connected to (through its PBDs)."""
        seen: dict[str, SR] = {}
        for pbd in self.pbds:
            sr = pbd.sr
            if sr is not None:
                seen.setdefault(sr.ref, sr)
        return sorted(seen.values(), key=lambda s: (s.name.lower(), s.ref))

    @property
    def pifs(self) -> list[PIF]:
        pifs = self._referrers("PIF", "host")
        pifs.sort(key=lambda p: (p.device, p.ref))
        return pifs
