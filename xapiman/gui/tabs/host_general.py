"""The General tab of a host: identity, role, version, CPUs and memory."""

from __future__ import annotations

from PyQt6.QtCore import QTimer

from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import EDIT_BUTTONS, PropertiesPage, common_rows
from xapiman.gui.tabs.widgets import Section, Usage
from xapiman.i18n import translate
from xapiman.xapi.records import Host


def host_state(host: Host) -> str:
    metrics = host.metrics
    if metrics is not None and not metrics.live:
        return "Not reachable"
    if not host.enabled:
        return "Maintenance mode (disabled)"
    return "Enabled"


def running_vm_count(host: Host) -> int:
    cache = host.cache
    count = 0
    for ref in cache.referrers("vm", "resident_on", host.ref):
        record = cache.record("vm", ref)
        if record is not None and not record.get("is_control_domain"):
            count += 1
    return count


@page
class HostGeneralPage(PropertiesPage):
    title = "General"
    kinds = frozenset({"host"})
    order = 0
    buttons = EDIT_BUTTONS

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self._ticker = QTimer(self)
        self._ticker.setInterval(60_000)
        self._ticker.timeout.connect(lambda: self.isVisible() and self.refresh_now())
        self._ticker.start()

    def sections(self, record: dict) -> list[Section]:
        host = self.view(Host, record)
        cpus = host.cpus
        self.watch.add("host_metrics", host.get("metrics"))
        self.watch.add_all("host_cpu", (c.ref for c in cpus)).link("host_cpu", "host", self.ref)
        self.watch.add_all("pool", self.cache.records("pool"))
        hostname = host.hostname or host.software_version.get("hostname", "")
        named = [("Hostname", hostname)] if hostname and hostname != host.name else []
        return [
            ("General", common_rows(record) + [("Address", host.address)] + named + [
                ("Pool role", "Coordinator" if host.is_coordinator else "Supporter"),
                ("State", host_state(host)),
                ("Server uptime", self._since(host.other_config.get("boot_time"))),
                ("UUID", host.uuid),
            ]),
            ("Memory", self._memory(host)),
            ("CPUs", self._cpus(host, cpus)),
            ("Version", self._version(host) + [
                ("Toolstack uptime", self._since(host.other_config.get("agent_start_time")))]),
        ]

    @staticmethod
    def _since(value: object) -> str:
        moment = fmt.epoch_time(value)
        if moment is None:
            return "Unknown"
        return translate("Values", "{duration} (since {time})").format(
            duration=fmt.since(moment), time=fmt.local_time(moment))

    @staticmethod
    def _version(host: Host) -> list[tuple[str, str | Usage]]:
        version = host.software_version
        product = f"{version.get('product_brand', '')} {version.get('product_version', '')}"
        build = version.get("build_number", "")
        if version.get("date"):
            build = f"{build} ({version['date']})" if build else version["date"]
        major, minor = host.api_version
        return [("Product", product.strip() or "Unknown"),
                ("Build", build or "Unknown"),
                ("Xen", version.get("xen", "") or "Unknown"),
                ("API version", f"{major}.{minor}")]

    @staticmethod
    def _cpus(host: Host, cpus: list) -> list[tuple[str, str | Usage]]:
        count = len(cpus) or host.cpu_count
        if not cpus:
            return [("Count", str(count) if count else "Unknown")]
        first = cpus[0]
        vendor = first.get("vendor", "")
        average = sum(c.utilisation for c in cpus) / len(cpus)
        return [("Count", str(count)),
                ("Model", first.model_name + (f" ({vendor})" if vendor else "")),
                ("Speed", f"{first.speed} MHz" if first.speed else "Unknown"),
                ("Usage", Usage(average, translate("Values", "{percent}% on average").format(
                    percent=f"{average * 100:.0f}")))]

    @staticmethod
    def _memory(host: Host) -> list[tuple[str, str | Usage]]:
        total, free = host.memory_total, host.memory_free
        vms = running_vm_count(host)
        rows: list[tuple[str, str | Usage]] = []
        if total:
            used = max(0, total - free)
            rows.append(("Use", Usage(used / total, fmt.used_of(used, total))))
            rows.append(("Free", fmt.size(free)))
        else:
            rows.append(("Use", "Not reported"))
        overhead = host.get("memory_overhead")
        if overhead:
            rows.append(("Server overhead", fmt.size(overhead)))
        rows.append(("Running VMs", str(vms)))
        return rows
