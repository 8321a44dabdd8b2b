"""The Networking tabs of a server and of a pool, and the pool's Storage tab."""

from __future__ import annotations

from xapiman.actions.naming import sr_label
from xapiman.gui.icons import icon
from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import ListPage
from xapiman.gui.tabs.lists import Row
from xapiman.i18n import translate
from xapiman.xapi.records import PIF, SR, Network, as_bool, as_int
from xapiman.xapi.refs import NULL_REF


def _hidden_network(record: dict) -> bool:
    other = record.get("other_config", {}) or {}
    return ("is_host_internal_management_network" in other
            or str(other.get("HideFromXenCenter", "")).lower() == "true")


def _auto_add(record: dict) -> str:
    other = record.get("other_config", {}) or {}
    return fmt.yes_no(str(other.get("automatic", "true")).lower() != "false")


@page
class HostNetworkingPage(ListPage):
    """The networks a server is on: through which NIC, VLAN, link state, MAC, MTU."""

    title = "Networking"
    kinds = frozenset({"host"})
    order = 32
    list_name = "hostNetworks"

    @property
    def columns(self) -> list[str]:  # type: ignore[override]
        return [translate("Networking", "Name"), translate("Networking", "Description"),
                translate("Networking", "NIC"), translate("Networking", "VLAN"),
                translate("Networking", "Auto-add to new VMs"),
                translate("Networking", "Link status"), translate("Networking", "MAC"),
                translate("Networking", "MTU")]

    def rows(self, record: dict) -> list[Row]:
        self.watching.link("pif", "host", self.ref).any_of("network").any_of("pif_metrics")
        out = []
        for ref in self.cache.referrers("pif", "host", self.ref):
            pif = self.cache.find(PIF, ref)
            net = pif.network if pif is not None else None
            if pif is None or net is None or _hidden_network(net.raw):
                continue
            metrics = self.cache.record("pif_metrics", pif.get("metrics", "")) or {}
            carrier = as_bool(metrics.get("carrier")) if metrics else None
            link = (translate("Networking", "Not plugged") if not pif.currently_attached
                    else translate("Networking", "Unknown") if carrier is None
                    else translate("Networking", "Connected") if carrier
                    else translate("Networking", "Disconnected"))
            out.append(Row(net.ref, (
                net.name, str(net.raw.get("name_description", "")), pif.device,
                str(pif.vlan) if pif.vlan >= 0 else "", _auto_add(net.raw), link, pif.mac,
                str(as_int(net.raw.get("MTU")) or ""),
            ), sort=(None, None, pif.device, pif.vlan), icon=icon("network")))
        for ref, raw in self.cache.records("network").items():
            if raw.get("PIFs") or _hidden_network(raw):
                continue  # a network with no NIC anywhere (internal) is on every server
            out.append(Row(ref, (
                str(raw.get("name_label", "")), str(raw.get("name_description", "")),
                translate("Networking", "None (internal)"), "", _auto_add(raw), "", "",
                str(as_int(raw.get("MTU")) or "")), icon=icon("network")))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        return "" if rows else translate("Networking", "This server is on no network.")


@page
class PoolNetworkingPage(ListPage):
    """Every network of the pool: its NICs on the servers, VLAN, MTU, the VMs on it."""

    title = "Networking"
    kinds = frozenset({"connection"})
    order = 32
    list_name = "poolNetworks"

    @property
    def columns(self) -> list[str]:  # type: ignore[override]
        return [translate("Networking", "Name"), translate("Networking", "Description"),
                translate("Networking", "NIC"), translate("Networking", "VLAN"),
                translate("Networking", "Auto-add to new VMs"), translate("Networking", "MTU"),
                translate("Networking", "VMs")]

    def rows(self, record: dict) -> list[Row]:
        self.watching.any_of("network").any_of("pif").any_of("vif")
        out = []
        for ref, raw in self.cache.records("network").items():
            if _hidden_network(raw):
                continue
            net = Network(self.cache, ref, raw)
            pifs = net.pifs
            devices = sorted({p.device for p in pifs})
            vlans = sorted({p.vlan for p in pifs if p.vlan >= 0})
            if pifs:
                nic = translate("Networking", "{nics} on {count} servers").format(
                    nics=", ".join(devices), count=len({p.get("host") for p in pifs})) \
                    if len(pifs) > 1 else devices[0]
            else:
                nic = translate("Networking", "None (internal)")
            vms = {(self.cache.record("vif", v) or {}).get("VM") for v in raw.get("VIFs", ())}
            vms.discard(None)
            out.append(Row(ref, (
                net.name, str(raw.get("name_description", "")), nic,
                ", ".join(map(str, vlans)), _auto_add(raw), str(net.mtu or ""),
                str(len(vms)),
            ), sort=(None, None, None, vlans[0] if vlans else -1, None, net.mtu, len(vms)),
                icon=icon("network")))
        return out


@page
class PoolStoragePage(ListPage):
    """Every storage of the pool: type, shared or whose, use, size, and which is default."""

    title = "Storage"
    kinds = frozenset({"connection"})
    order = 30
    list_name = "poolStorage"

    @property
    def columns(self) -> list[str]:  # type: ignore[override]
        return [translate("Storage", "Name"), translate("Storage", "Description"),
                translate("Storage", "Type"), translate("Storage", "Shared"),
                translate("Storage", "Usage"), translate("Storage", "Size"),
                translate("Storage", "Virtual allocation"), translate("Storage", "Default")]

    def rows(self, record: dict) -> list[Row]:
        self.watching.any_of("sr").any_of("pbd").any_of("pool")
        default = record.get("default_SR", NULL_REF)
        out = []
        for ref, raw in self.cache.records("sr").items():
            if raw.get("content_type") == "iso" and raw.get("type") == "udev":
                continue  # DVD drives are listed on their server
            sr = SR(self.cache, ref, raw)
            size, used = sr.physical_size, sr.physical_utilisation
            allocated = as_int(raw.get("virtual_allocation"))
            out.append(Row(ref, (
                sr_label(self.cache, ref), sr.description, sr.type, fmt.yes_no(sr.shared),
                fmt.used_of(used, size) if size else "", fmt.size(size),
                fmt.size(allocated) if allocated else "",
                translate("Storage", "Default") if ref == default else "",
            ), sort=(None, None, None, None, used / size if size else -1, size, allocated),
                icon=icon("sr", "shared" if sr.shared else "")))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        if not rows:
            return translate("Storage", "This pool has no storage.")
        if record.get("default_SR", NULL_REF) in (NULL_REF, ""):
            return translate("Storage", "No storage is the default: new VMs' disks go where "
                                        "you choose each time.")
        return ""
