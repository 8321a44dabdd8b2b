"""Bond.create, Bond.destroy and Bond.set_mode as xapi_bond.ml makes them: checks of the members,
the bond's master PIF ("bond<N>") on the bond's network, and the members' roles moved to it.

A new bond's master takes the MAC of its primary member (the management interface, else the
first member with an IP configuration, else the first) unless one is given, the management role
and IP configuration of that member, and the VLANs tagged on any member; its metrics say the
bond's speed (all links for balance-slb and LACP, one for active-backup). Destroying the bond
gives all of it back to the primary member.
"""

from __future__ import annotations

import re

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.network_pif import (
    PLUG_TIME,
    assert_network_free_on,
    assert_no_vifs_in_use_on,
    new_virtual_pif,
)
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF, now

MODES = ("balance-slb", "active-backup", "lacp")
# lacp's properties: key -> (default, allowed values; None: any integer)
LACP_PROPERTIES: dict[str, tuple[str | None, tuple[str, ...] | None]] = {
    "hashing_algorithm": ("tcpudp_ports", ("src_mac", "tcpudp_ports")),
    "lacp-time": ("slow", ("fast", "slow")),
    "lacp-aggregation-key": (None, None),
    "lacp-fallback-ab": ("true", ("true", "false")),
}
IP_KEYS = ("management", "ip_configuration_mode", "IP", "netmask", "gateway", "DNS")
_MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\Z")


def checked_properties(mode: str, given: dict[str, str]) -> dict[str, str]:
    """The bond's properties with the mode's defaults; INVALID_VALUE for a key the mode does not
    know or a value it does not accept."""
    rules = LACP_PROPERTIES if mode == "lacp" else {}
    for key, value in given.items():
        if key not in rules:
            raise Failure("INVALID_VALUE", "properties", f"{key} = {value}")
        _default, allowed = rules[key]
        valid = value.lstrip("-").isdigit() if allowed is None else value in allowed
        if not valid:
            raise Failure("INVALID_VALUE", "properties", f"{key} = {value}")
    out = {k: d for k, (d, _a) in rules.items() if d is not None}
    out.update(given)
    return out


def checked_members(db: Database, members: list[str]) -> tuple[str, list[str]]:
    """The members' host and the members without repeats; errors as xapi_bond.ml."""
    members = list(dict.fromkeys(members))
    if len(members) < 2:
        raise Failure("PIF_BOND_NEEDS_MORE_MEMBERS")
    hosts = {db.get(pif, "PIF")["host"] for pif in members}
    for pif in members:
        rec = db.get(pif, "PIF")
        if rec["bond_slave_of"] != NULL_REF and db.find(rec["bond_slave_of"], "Bond"):
            raise Failure("PIF_ALREADY_BONDED", pif)
        if rec["VLAN"] >= 0:
            raise Failure("PIF_VLAN_EXISTS", rec["device"])
        if not rec["managed"]:
            raise Failure("PIF_UNMANAGED", pif)
    if len(hosts) > 1:
        raise Failure("PIF_CANNOT_BOND_CROSS_HOST")
    with_ip = [p for p in members if db.get(p, "PIF")["ip_configuration_mode"] != "None"]
    if len(with_ip) > 1:
        raise Failure("PIF_BOND_MORE_THAN_ONE_IP")
    return hosts.pop(), members


def primary_member(db: Database, members: list[str]) -> str:
    management = [p for p in members if db.get(p, "PIF")["management"]]
    with_ip = [p for p in members if db.get(p, "PIF")["ip_configuration_mode"] != "None"]
    return (management or with_ip or members)[0]


def move_ip_config(db: Database, source: str, target: str) -> None:
    """The management role and IP settings of `source` go to `target`."""
    rec = db.get(source, "PIF")
    db.update(target, **{k: rec[k] for k in IP_KEYS})
    db.update(source, management=False, ip_configuration_mode="None", IP="", netmask="",
              gateway="", DNS="")


def move_vlans(db: Database, pifs: list[str], target: str) -> None:
    """VLANs tagged on any of `pifs` are tagged on `target` instead."""
    for pif in pifs:
        for vlan, _rec in list(db.where("VLAN", tagged_PIF=pif)):
            db.update(vlan, tagged_PIF=target)


def bond_device(db: Database, host: str) -> str:
    used = {rec["device"] for _ref, rec in db.where("PIF", host=host)}
    n = 0
    while f"bond{n}" in used:
        n += 1
    return f"bond{n}"


def bond_speed(db: Database, members: list[str], mode: str) -> int:
    speeds = []
    for pif in members:
        metrics = db.find(db.get(pif, "PIF")["metrics"], "PIF_metrics")
        speeds.append(int(metrics["speed"]) if metrics else 0)
    return max(speeds, default=0) if mode == "active-backup" else sum(speeds)


@handler("Bond", "create")
def bond_create(call: Call, network: str, members: list[str], MAC: str,  # noqa: N803
                mode: str = "balance-slb", properties: dict[str, str] | None = None) -> str:
    db = call.db
    with db.lock:
        net = db.get(network, "network")
        if not net["managed"]:
            raise Failure("NETWORK_UNMANAGED", network)
        if MAC and not _MAC.match(MAC):
            raise Failure("MAC_INVALID", MAC)
        props = checked_properties(mode, dict(properties or {}))
        host, members = checked_members(db, members)
        assert_network_free_on(db, host, network)
        if net["PIFs"] and any(db.get(p, "PIF")["VLAN"] >= 0 for p in net["PIFs"]):
            raise Failure("NETWORK_INCOMPATIBLE_WITH_BOND", network)
        primary = primary_member(db, members)
        primary_rec = db.get(primary, "PIF")
        metrics = db.create("PIF_metrics", {
            "carrier": True, "speed": bond_speed(db, members, mode), "duplex": True,
            "vendor_name": "", "device_name": "", "last_updated": now()})
        master = new_virtual_pif(db, host, network, bond_device(db, host),
                                 MAC or primary_rec["MAC"], metrics=metrics,
                                 mtu=net["MTU"] or primary_rec["MTU"])
        bond = db.create("Bond", {"master": master, "primary_slave": primary, "mode": mode,
                                  "properties": props, "links_up": len(members),
                                  "other_config": {}, "auto_update_mac": not MAC})
        if primary_rec["ip_configuration_mode"] != "None" or primary_rec["management"]:
            move_ip_config(db, primary, master)
        move_vlans(db, members, master)
        for pif in members:
            db.update(pif, bond_slave_of=bond, currently_attached=False)
    call.sleep(PLUG_TIME * 3, steps=1)
    return bond


@handler("Bond", "destroy")
def bond_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "Bond")
        master = rec["master"]
        master_rec = db.get(master, "PIF")
        assert_no_vifs_in_use_on(db, master_rec["host"], master_rec["network"])
        slaves = list(rec["slaves"])
        primary = rec["primary_slave"] if db.find(rec["primary_slave"], "PIF") else None
        if primary is None and slaves:
            primary = slaves[0]
        if primary is not None:
            move_ip_config(db, master, primary)
            move_vlans(db, [master], primary)
        for pif in slaves:
            db.update(pif, bond_slave_of=NULL_REF, currently_attached=True)
        db.destroy(self)
        if db.find(master_rec["metrics"], "PIF_metrics") is not None:
            db.destroy(master_rec["metrics"])
        db.destroy(master)
    call.sleep(PLUG_TIME * 2, steps=1)


@handler("Bond", "set_mode")
def bond_set_mode(call: Call, self: str, value: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "Bond")
        props = checked_properties(value, {k: v for k, v in rec["properties"].items()
                                           if value == "lacp" and k in LACP_PROPERTIES})
        db.update(self, mode=value, properties=props)
        metrics = db.find(db.get(rec["master"], "PIF")["metrics"], "PIF_metrics")
        if metrics is not None:
            db.update(db.get(rec["master"], "PIF")["metrics"],
                      speed=bond_speed(db, list(rec["slaves"]), value))
