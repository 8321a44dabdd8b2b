"""What a new network will be, and the checks the New Network wizard and `xapiman-cli network
new` both make.

Kinds: external (a VLAN on a NIC of every server: `pool.create_VLAN_from_PIF`), internal (no
NIC: VMs of one server reach each other only), bonded (two to four NICs of every server joined
in active-backup, balance-slb or LACP: a `Bond.create` per server). NICs are named by device
("eth1"), as they are the same on every server of a pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from xapiman.actions.sizes import as_int
from xapiman.actions.vm_plan import Review, pool_record
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

KINDS = ("external", "internal", "bond")
PAGES = ("type", "name", "interface", "summary")
BOND_MODES = ("active-backup", "balance-slb", "lacp")
LACP_HASHING = ("tcpudp_ports", "src_mac")
MTU_MIN, MTU_MAX, MTU_DEFAULT = 1280, 9216, 1500
MAX_BOND_NICS = 4


def kind_label(kind: str) -> str:
    return {"external": translate("NewNetwork", "External network (VLAN)"),
            "internal": translate("NewNetwork", "Single-server private network"),
            "bond": translate("NewNetwork", "Bonded network")}[kind]


def kind_help(kind: str) -> str:
    return {
        "external": translate("NewNetwork", "VMs reach the outside through a VLAN on a NIC of "
                                            "every server."),
        "internal": translate("NewNetwork", "No NIC: the VMs of one server reach each other "
                                            "only."),
        "bond": translate("NewNetwork", "Two to four NICs of every server joined into one "
                                        "link, for redundancy or bandwidth."),
    }[kind]


def mode_label(mode: str) -> str:
    return {"active-backup": translate("NewNetwork", "Active-backup (one link at a time)"),
            "balance-slb": translate("NewNetwork", "Balance-SLB (spread by source MAC)"),
            "lacp": translate("NewNetwork", "LACP (802.3ad, needs switch support)")}[mode]


@dataclass
class NewNetworkPlan:
    """A new network.

    Attributes:
        kind: one of KINDS; mtu: bytes per frame; automatic: new VMs get it by default.
        nic, vlan: the NIC (device) and tag of an external network.
        bond_nics, bond_mode, hashing: the NICs (devices) of a bond, its mode, and LACP's
            load-balancing hash.
    """

    kind: str = "external"
    name: str = ""
    description: str = ""
    mtu: int = MTU_DEFAULT
    automatic: bool = True
    nic: str = ""
    vlan: int = 1
    bond_nics: list[str] = field(default_factory=list)
    bond_mode: str = "active-backup"
    hashing: str = "tcpudp_ports"

    def copy(self) -> NewNetworkPlan:
        return replace(self, bond_nics=list(self.bond_nics))

    def properties(self) -> dict[str, str]:
        return {"hashing_algorithm": self.hashing} if self.bond_mode == "lacp" else {}


@dataclass(frozen=True)
class Nic:
    """A NIC as the pool has it: its device, on how many servers, and why it cannot take a
    new VLAN or join a bond ("" when it can)."""

    device: str
    hosts: int
    speed: int
    bonded: str
    management: bool


def pool_nics(cache) -> list[Nic]:
    """The physical NICs of the pool by device (with the coordinator's speed)."""
    master = pool_record(cache).get("master", NULL_REF)
    found: dict[str, dict] = {}
    for pif in cache.records("PIF").values():
        if not pif.get("physical") or as_int(pif.get("VLAN"), -1) >= 0:
            continue
        device = str(pif.get("device", ""))
        entry = found.setdefault(device, {"hosts": 0, "speed": 0, "bonded": "",
                                          "management": False})
        entry["hosts"] += 1
        if pif.get("bond_slave_of", NULL_REF) != NULL_REF and cache.record("Bond", pif["bond_slave_of"]):
            master_pif = cache.record("PIF", cache.record("Bond", pif["bond_slave_of"])
                                      .get("master", NULL_REF)) or {}
            entry["bonded"] = str(master_pif.get("device", "bond"))
        entry["management"] = entry["management"] or bool(pif.get("management"))
        if pif.get("host") == master:
            metrics = cache.record("PIF_metrics", pif.get("metrics", NULL_REF)) or {}
            entry["speed"] = as_int(metrics.get("speed"))
    return [Nic(d, e["hosts"], e["speed"], e["bonded"], e["management"])
            for d, e in sorted(found.items())]


def bond_nics(cache) -> list[Nic]:
    """Bond masters usable for VLANs too (device "bond0" ...)."""
    seen: dict[str, int] = {}
    for bond in cache.records("Bond").values():
        master = cache.record("PIF", bond.get("master", NULL_REF)) or {}
        if master:
            seen[str(master.get("device"))] = seen.get(str(master.get("device")), 0) + 1
    return [Nic(d, n, 0, "", False) for d, n in sorted(seen.items())]


def vlan_pif(cache, device: str) -> str:
    """The coordinator's untagged PIF of `device` (the one VLANs are made from)."""
    master = pool_record(cache).get("master", NULL_REF)
    candidates = [(ref, pif) for ref, pif in cache.records("PIF").items()
                  if pif.get("device") == device and as_int(pif.get("VLAN"), -1) < 0
                  and pif.get("bond_slave_of", NULL_REF) in (NULL_REF, "")]
    candidates.sort(key=lambda kv: kv[1].get("host") != master)
    return candidates[0][0] if candidates else NULL_REF


def vlans_on(cache, device: str) -> dict[int, str]:
    """VLAN tag -> network name of the VLANs on `device`."""
    out = {}
    for pif in cache.records("PIF").values():
        tag = as_int(pif.get("VLAN"), -1)
        if pif.get("device") == device and tag >= 0:
            net = cache.record("network", pif.get("network", NULL_REF)) or {}
            out[tag] = str(net.get("name_label", ""))
    return out


def review(cache, plan: NewNetworkPlan) -> Review:
    out = Review()
    if plan.kind not in KINDS:
        out.error("type", translate("NewNetwork", "Choose the kind of network."))
        return out
    if not plan.name.strip():
        out.error("name", translate("NewNetwork", "The name may not be empty."))
    elif any(n.get("name_label") == plan.name.strip()
             for n in cache.records("network").values()):
        out.warn("name", translate("NewNetwork", "Another network has this name."))
    if not MTU_MIN <= plan.mtu <= MTU_MAX:
        out.error("interface", translate("NewNetwork", "The MTU must be between {low} and "
                                         "{high}.").format(low=MTU_MIN, high=MTU_MAX))
    if plan.kind == "external":
        _check_vlan(cache, plan, out)
    elif plan.kind == "bond":
        _check_bond(cache, plan, out)
    return out


def _check_vlan(cache, plan: NewNetworkPlan, out: Review) -> None:
    nics = {n.device: n for n in [*pool_nics(cache), *bond_nics(cache)]}
    nic = nics.get(plan.nic)
    if nic is None:
        out.error("interface", translate("NewNetwork", "Choose the NIC the VLAN goes on."))
        return
    if nic.bonded:
        out.error("interface", translate("NewNetwork", "{nic} is part of {bond}: put the VLAN "
                                         "on {bond}.").format(nic=nic.device, bond=nic.bonded))
    if not 0 <= plan.vlan <= 4094:
        out.error("interface", translate("NewNetwork", "A VLAN tag is between 0 and 4094."))
    taken = vlans_on(cache, plan.nic)
    if plan.vlan in taken:
        out.error("interface", translate("NewNetwork", "VLAN {tag} is on {nic} already, for "
                                         "'{net}'.").format(tag=plan.vlan, nic=plan.nic,
                                                            net=taken[plan.vlan]))
    if plan.vlan == 0:
        out.warn("interface", translate("NewNetwork", "VLAN 0 carries priority tags only."))


def _check_bond(cache, plan: NewNetworkPlan, out: Review) -> None:
    nics = {n.device: n for n in pool_nics(cache)}
    chosen = list(dict.fromkeys(plan.bond_nics))
    if not 2 <= len(chosen) <= MAX_BOND_NICS:
        out.error("interface", translate("NewNetwork", "Choose two to four NICs to bond."))
    for device in chosen:
        nic = nics.get(device)
        if nic is None:
            out.error("interface", translate("NewNetwork", "There is no NIC {nic}.").format(
                nic=device))
        elif nic.bonded:
            out.error("interface", translate("NewNetwork", "{nic} is in {bond} already.")
                      .format(nic=device, bond=nic.bonded))
        elif nic.management:
            out.warn("interface", translate("NewNetwork", "{nic} carries the management "
                                            "interface: it moves to the bond, and the "
                                            "connection may drop for a moment.").format(
                nic=device))
    if len({nics[d].speed for d in chosen if d in nics}) > 1:
        out.warn("interface", translate("NewNetwork", "The NICs have different speeds."))
    if plan.bond_mode not in BOND_MODES:
        out.error("interface", translate("NewNetwork", "Choose the bond's mode."))
    if plan.bond_mode == "lacp":
        if plan.hashing not in LACP_HASHING:
            out.error("interface", translate("NewNetwork", "Choose how LACP spreads traffic."))
        out.warn("interface", translate("NewNetwork", "LACP needs the switch ports set up for "
                                        "it too."))


def describe(cache, plan: NewNetworkPlan) -> list[tuple[str, str]]:
    rows = [(translate("NewNetwork", "Kind"), kind_label(plan.kind)),
            (translate("NewNetwork", "Name"), plan.name.strip())]
    if plan.description.strip():
        rows.append((translate("NewNetwork", "Description"), plan.description.strip()))
    if plan.kind == "external":
        rows.append((translate("NewNetwork", "Interface"), translate(
            "NewNetwork", "VLAN {tag} on {nic} of every server").format(tag=plan.vlan,
                                                                       nic=plan.nic)))
    elif plan.kind == "bond":
        rows.append((translate("NewNetwork", "Interface"), translate(
            "NewNetwork", "a bond of {nics} on every server").format(
            nics=", ".join(plan.bond_nics))))
        rows.append((translate("NewNetwork", "Mode"), mode_label(plan.bond_mode)))
    else:
        rows.append((translate("NewNetwork", "Interface"), translate(
            "NewNetwork", "none (private to each server)")))
    rows.append((translate("NewNetwork", "MTU"), str(plan.mtu)))
    rows.append((translate("NewNetwork", "New VMs"), translate(
        "NewNetwork", "get an interface on it") if plan.automatic else translate(
        "NewNetwork", "do not get an interface on it")))
    return rows
