"""The Networking tab of a VM: its virtual interfaces and the addresses the guest reports."""

from __future__ import annotations

from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import ListPage
from xapiman.gui.tabs.list_actions import OBJECT, Button, ListActions
from xapiman.gui.tabs.lists import Row
from xapiman.gui.tabs.nic_words import rate_text
from xapiman.i18n import translate
from xapiman.xapi.records import VM, as_int


def addresses_by_device(networks: dict[str, str]) -> dict[str, list[str]]:
    """The guest's addresses per device ("0" -> ["10.0.0.5", "fe80::1"]): from the keys
    "<device>/ip", "<device>/ipv4/<n>" and "<device>/ipv6/<n>", IPv4 first, no repeats."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for key, value in networks.items():
        device, _, rest = key.partition("/")
        address = str(value).strip()
        if not address or not rest:
            continue
        if rest == "ip":
            rank = (0, -1)
        elif rest.startswith("ipv4/"):
            rank = (0, as_int(rest[5:], 0))
        elif rest.startswith("ipv6/"):
            rank = (1, as_int(rest[5:], 0))
        else:
            continue
        found.setdefault(device, []).append((*rank, address))
    out = {}
    for device, items in found.items():
        out[device] = list(dict.fromkeys(address for _f, _n, address in sorted(items)))
    return out


@page
class VmNetworkPage(ListPage):
    title = "Networking"
    kinds = frozenset({"vm", "template", "snapshot"})
    order = 30
    columns = ["Device", "MAC address", "Network", "IP addresses", "Active", "MTU", "Limit"]
    list_name = "vmInterfaces"

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.buttons = ListActions(self, (
            Button("vif.add", translate("Tabs", "Add Interface…"), OBJECT),
            Button("vif.properties", translate("Tabs", "Properties…")),
            Button("vif.remove", translate("Tabs", "Remove"))))

    def refresh(self) -> None:
        super().refresh()
        self.buttons.update()

    def rows(self, record: dict) -> list[Row]:
        vm = self.view(VM, record)
        self.watch.link("vif", "VM", self.ref).add("vm_guest_metrics", vm.get("guest_metrics"))
        gm = vm.guest_metrics
        addresses = addresses_by_device(gm.get("networks") or {}) if gm is not None else {}
        running = vm.power_state in ("Running", "Paused")
        out = []
        for vif in vm.vifs:
            net = vif.network
            self.watch.add("vif", vif.ref).add("network", vif.get("network"))
            ips = addresses.get(vif.device, []) if running else []
            out.append(Row(vif.ref, (
                vif.device,
                vif.mac,
                net.name if net is not None else "(no network)",
                ", ".join(ips),
                fmt.yes_no(vif.currently_attached),
                str(vif.mtu) if vif.mtu else "",
                rate_text(vif.raw),
            ), sort=(as_int(vif.device, 999),), tooltip="\n".join(ips)))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        if not rows:
            return "This VM has no network interfaces."
        vm = self.view(VM, record)
        if vm.is_snapshot or vm.is_template:
            return ""
        if vm.power_state not in ("Running", "Paused"):
            return "The VM is not running: no addresses are known."
        if vm.guest_metrics is None:
            return "No guest tools report from this VM, so its addresses are not known."
        return ""
