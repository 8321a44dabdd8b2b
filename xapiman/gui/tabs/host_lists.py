"""The lists of a host: its network interfaces (NICs), its storage and its running VMs."""

from __future__ import annotations

from xapiman.gui.icons import icon
from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import ListPage
from xapiman.gui.tabs.list_actions import OBJECT, Button, ListActions
from xapiman.gui.tabs.lists import Row
from xapiman.gui.tabs.nic_words import bond_text, management_text
from xapiman.i18n import translate
from xapiman.xapi.records import PBD, PIF, SR, VM, Host, as_bool, as_int
from xapiman.xapi.refs import NULL_REF


def speed_text(mbit: int) -> str:
    if mbit <= 0:
        return "Unknown"
    return f"{mbit // 1000} Gbit/s" if mbit >= 1000 and mbit % 1000 == 0 else f"{mbit} Mbit/s"


def prefix_length(netmask: str) -> str:
    """"255.255.255.0" -> "24" (the mask itself when it is not a dotted IPv4 mask)."""
    try:
        return str(sum(bin(int(part)).count("1") for part in netmask.split(".")))
    except ValueError:
        return netmask


@page
class HostNicsPage(ListPage):
    title = "NICs"
    kinds = frozenset({"host"})
    order = 30
    columns = ["NIC", "MAC address", "Link", "Speed", "Duplex", "Bond", "IP address",
               "Management", "Network", "Device"]
    list_name = "hostNics"

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.buttons = ListActions(self, (
            Button("network.new", translate("Tabs", "New Network…"), OBJECT),
            Button("pif.configure_ip", translate("Tabs", "Configure IP Address…"))))

    def refresh(self) -> None:
        super().refresh()
        self.buttons.update()

    def rows(self, record: dict) -> list[Row]:
        self.watch.link("pif", "host", self.ref)
        out = []
        for ref in self.cache.referrers("pif", "host", self.ref):
            pif = self.cache.find(PIF, ref)
            if pif is None:
                continue
            metrics = self.cache.record("pif_metrics", pif.get("metrics", "")) or {}
            self.watch.add("pif", ref).add("pif_metrics", pif.get("metrics"))
            self.watch.add("network", pif.get("network"))
            name = pif.device + (f" (VLAN {pif.vlan})" if pif.vlan >= 0 else "")
            carrier = as_bool(metrics.get("carrier")) if metrics else None
            link = ("Unknown" if carrier is None else "Connected" if carrier else
                    "Disconnected")
            in_bond = pif.get("bond_slave_of", NULL_REF) not in (NULL_REF, "")
            if not pif.currently_attached and not in_bond:  # bond members carry the bond
                link = "Not plugged"
            speed = as_int(metrics.get("speed"))
            duplex = ("Full" if as_bool(metrics.get("duplex")) else "Half") if metrics else ""
            ip = pif.ip + (f"/{prefix_length(pif.netmask)}" if pif.ip and pif.netmask else "")
            net = pif.network
            device = " ".join(filter(None, (metrics.get("vendor_name", ""),
                                            metrics.get("device_name", ""))))
            if self.watch is not None:
                self.watch.add_all("bond", pif.get("bond_master_of") or ())
                self.watch.add("bond", pif.get("bond_slave_of"))
            out.append(Row(ref, (
                name, pif.mac, link, speed_text(speed) if pif.physical or speed else "",
                duplex if pif.physical else "", bond_text(self.cache, pif.raw), ip,
                "Yes" if pif.management else "", net.name if net is not None else "", device,
            ), sort=((pif.device, max(pif.vlan, -1)), None, None, speed)))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        if not rows:
            return "This server has no network interfaces."
        return management_text(self.cache, self.ref)


@page
class HostStoragePage(ListPage):
    title = "Storage"
    kinds = frozenset({"host"})
    order = 20
    columns = ["Name", "Type", "Shared", "Connected", "Size", "Used", "Free", "Description"]
    list_name = "hostStorage"

    def rows(self, record: dict) -> list[Row]:
        self.watch.link("pbd", "host", self.ref)
        out = []
        for ref in self.cache.referrers("pbd", "host", self.ref):
            pbd = self.cache.find(PBD, ref)
            sr = self.cache.find(SR, pbd.get("SR", "")) if pbd is not None else None
            if pbd is None or sr is None:
                continue
            self.watch.add("pbd", ref).add("sr", sr.ref)
            size, used = sr.physical_size, sr.physical_utilisation
            out.append(Row(sr.ref, (
                sr.name, sr.type, fmt.yes_no(sr.shared), fmt.yes_no(pbd.currently_attached),
                fmt.size(size) if size else "", f"{fmt.size(used)} ({fmt.percent(used, size)})"
                if size else fmt.size(used) if used else "", fmt.size(sr.free_space)
                if size else "", sr.description,
            ), sort=(None, None, None, None, size, used, sr.free_space),
                icon=icon("sr", "shared" if sr.shared else "")))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        return "" if rows else "This server is connected to no storage."


@page
class HostVmsPage(ListPage):
    """The VMs running on the host. Each batch only re-reads rows: a host with a thousand
    VMs updates the items that changed (RefList.sync), it does not rebuild the list."""

    title = "VMs"
    kinds = frozenset({"host"})
    order = 40
    columns = ["Name", "State", "vCPUs", "Memory", "IP address", "Operating system", "Uptime"]
    list_name = "hostVms"

    def rows(self, record: dict) -> list[Row]:
        self.watch.link("vm", "resident_on", self.ref)
        cache = self.cache
        out = []
        for ref in cache.referrers("vm", "resident_on", self.ref):
            raw = cache.record("vm", ref)
            if raw is None or raw.get("is_control_domain"):
                continue
            vm = VM(cache, ref, raw)
            self.watch.add("vm", ref).add("vm_metrics", raw.get("metrics"))
            self.watch.add("vm_guest_metrics", raw.get("guest_metrics"))
            metrics = vm.metrics
            started = metrics.start_time if metrics is not None else None
            ips = vm.ip_addresses
            memory = vm.memory
            out.append(Row(ref, (
                vm.name, fmt.power(vm.power_state), str(vm.vcpus), fmt.size(memory),
                ips[0] if ips else "", vm.os_name, fmt.since(started) if started else "",
            ), sort=(None, None, vm.vcpus, memory, None, None,
                     -started.timestamp() if started else 0.0),
                icon=icon("vm", vm.power_state), tooltip="\n".join(ips)))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        host = self.view(Host, record)
        if not rows:
            return "No VMs are running on this server."
        count = len(rows)
        total = sum(as_int(r.sort[3]) for r in rows)
        memory = f"; they use {fmt.size(total)} of {fmt.size(host.memory_total)} memory" \
            if host is not None and host.memory_total else ""
        return f"{count} VM{'s' if count != 1 else ''} running{memory}."
