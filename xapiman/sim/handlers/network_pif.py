"""PIF.plug/unplug/reconfigure_ip, Bond.create/destroy and VLAN.create/destroy (minimal:
the records and the checks a manager meets)."""

from __future__ import annotations

import ipaddress

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF

VLAN_MAC = "fe:ff:ff:ff:ff:ff"  # the dummy MAC of a VLAN's untagged PIF (xapi_vlan.ml)
PLUG_TIME = 1.0  # simulated seconds to bring an interface up or down


# -- PIFs -------------------------------------------------------------------------------------

def assert_no_vifs_in_use_on(db: Database, host: str, network: str) -> None:
    """VIF_IN_USE [network, vif] when a live VM on `host` has a plugged VIF on `network`."""
    for vif in db.get(network, "network")["VIFs"]:
        rec = db.get(vif, "VIF")
        vm = db.find(rec["VM"], "VM")
        if (rec["currently_attached"] and vm and vm["resident_on"] == host
                and vm["power_state"] in ("Running", "Paused")):
            raise Failure("VIF_IN_USE", network, vif)


@handler("PIF", "plug")
def pif_plug(call: Call, self: str) -> None:
    db = call.db
    rec = db.get(self, "PIF")
    if rec["bond_slave_of"] != NULL_REF and db.find(rec["bond_slave_of"], "Bond"):
        raise Failure("CANNOT_PLUG_BOND_SLAVE", self)
    if not rec["currently_attached"]:
        call.sleep(PLUG_TIME, steps=1)
        db.update(self, currently_attached=True)


@handler("PIF", "unplug")
def pif_unplug(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "PIF")
        if rec["management"]:
            raise Failure("PIF_IS_MANAGEMENT_INTERFACE", self)
        assert_no_vifs_in_use_on(db, rec["host"], rec["network"])
        if rec["disallow_unplug"]:
            raise Failure("PIF_DOES_NOT_ALLOW_UNPLUG", self)
    call.sleep(PLUG_TIME, steps=1)
    db.update(self, currently_attached=False)


def assert_ipv4(field: str, value: str) -> None:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise Failure("INVALID_IP_ADDRESS_SPECIFIED", field) from None


@handler("PIF", "reconfigure_ip")
def pif_reconfigure_ip(call: Call, self: str, mode: str, IP: str, netmask: str,  # noqa: N803
                       gateway: str, DNS: str) -> None:  # noqa: N803
    db = call.db
    rec = db.get(self, "PIF")
    if mode == "Static":
        assert_ipv4("IP", IP)
        assert_ipv4("netmask", netmask)
    for field, value in (("IP", IP), ("netmask", netmask), ("gateway", gateway)):
        if value:
            assert_ipv4(field, value)
    if rec["management"] and mode == "None" and rec["primary_address_type"] == "IPv4":
        raise Failure("PIF_IS_MANAGEMENT_INTERFACE", self)
    call.sleep(PLUG_TIME, steps=1)
    db.update(self, ip_configuration_mode=mode, IP=IP, netmask=netmask, gateway=gateway,
              DNS=DNS)


def local_pif(db: Database, host: str, network: str) -> str | None:
    return next((ref for ref, _ in db.where("PIF", host=host, network=network)), None)


def assert_network_free_on(db: Database, host: str, network: str) -> None:
    pif = local_pif(db, host, network)
    if pif is not None:
        raise Failure("NETWORK_ALREADY_CONNECTED", network, pif)


def new_virtual_pif(db: Database, host: str, network: str, device: str, mac: str, *,
                    vlan: int = -1, metrics: str = NULL_REF, mtu: int = 1500) -> str:
    return db.create("PIF", {
        "device": device, "network": network, "host": host, "MAC": mac, "MTU": mtu,
        "VLAN": vlan, "metrics": metrics, "physical": False, "currently_attached": True,
        "ip_configuration_mode": "None", "managed": True,
    })


# -- bonds ------------------------------------------------------------------------------------

def checked_bond_members(db: Database, members: list[str]) -> str:
    """The host of the members; errors as xapi_bond.ml for bad member sets."""
    if len(members) < 2:
        raise Failure("PIF_BOND_NEEDS_MORE_MEMBERS")
    hosts = {db.get(pif, "PIF")["host"] for pif in members}
    if len(hosts) > 1:
        raise Failure("PIF_CANNOT_BOND_CROSS_HOST")
    for pif in members:
        if db.get(pif, "PIF")["bond_slave_of"] != NULL_REF:
            raise Failure("PIF_ALREADY_BONDED", pif)
    return hosts.pop()


def move_ip_config(db: Database, source: str, target: str) -> None:
    """The management role and IP settings of `source` go to `target`."""
    rec = db.get(source, "PIF")
    keys = ("management", "ip_configuration_mode", "IP", "netmask", "gateway", "DNS")
    db.update(target, **{k: rec[k] for k in keys})
    db.update(source, management=False, ip_configuration_mode="None", IP="", netmask="",
              gateway="", DNS="")


@handler("Bond", "create")
def bond_create(call: Call, network: str, members: list[str], MAC: str,  # noqa: N803
                mode: str = "balance-slb", properties: dict[str, str] | None = None) -> str:
    db = call.db
    with db.lock:
        db.get(network, "network")
        host = checked_bond_members(db, members)
        assert_network_free_on(db, host, network)
        first = db.get(members[0], "PIF")
        count = sum(1 for _ in db.where("PIF", host=host, physical=False, VLAN=-1))
        master = new_virtual_pif(db, host, network, f"bond{count}", MAC or first["MAC"],
                                 metrics=first["metrics"], mtu=first["MTU"])
        bond = db.create("Bond", {"master": master, "primary_slave": members[0], "mode": mode,
                                  "properties": properties or {}, "links_up": len(members),
                                  "other_config": {}})
        for pif in members:
            if db.get(pif, "PIF")["management"] or db.get(pif, "PIF")["IP"]:
                move_ip_config(db, pif, master)
            db.update(pif, bond_slave_of=bond, currently_attached=False)
    call.sleep(PLUG_TIME * 3, steps=1)
    return bond


@handler("Bond", "destroy")
def bond_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "Bond")
        master = rec["master"]
        assert_no_vifs_in_use_on(db, db.get(master, "PIF")["host"], db.get(master, "PIF")["network"])
        primary = rec["primary_slave"] if db.find(rec["primary_slave"], "PIF") else None
        slaves = list(rec["slaves"])
        if primary is None and slaves:
            primary = slaves[0]
        if primary is not None:
            move_ip_config(db, master, primary)
        for pif in slaves:
            db.update(pif, bond_slave_of=NULL_REF, currently_attached=True)
        db.destroy(self)
        db.destroy(master)
    call.sleep(PLUG_TIME * 2, steps=1)


# -- VLANs ------------------------------------------------------------------------------------

@handler("VLAN", "create")
def vlan_create(call: Call, tagged_PIF: str, tag: int, network: str) -> str:  # noqa: N803
    db = call.db
    with db.lock:
        db.get(network, "network")
        pif = db.get(tagged_PIF, "PIF")
        assert_network_free_on(db, pif["host"], network)
        if tag < 0 or tag > 4094:
            raise Failure("VLAN_TAG_INVALID", tag)
        if any(True for _ in db.where("VLAN", tagged_PIF=tagged_PIF, tag=tag)):
            raise Failure("PIF_VLAN_EXISTS", pif["device"])
        untagged = new_virtual_pif(db, pif["host"], network, pif["device"], VLAN_MAC,
                                   vlan=tag, metrics=pif["metrics"], mtu=pif["MTU"])
        vlan = db.create("VLAN", {"tagged_PIF": tagged_PIF, "untagged_PIF": untagged,
                                  "tag": tag, "other_config": {}})
        db.update(untagged, VLAN_master_of=vlan)
    call.sleep(PLUG_TIME, steps=1)
    return vlan


@handler("VLAN", "destroy")
def vlan_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "VLAN")
        untagged = db.find(rec["untagged_PIF"], "PIF")
        if untagged is None:
            db.destroy(self)
            return
        if untagged["VLAN"] < 0:
            raise Failure("PIF_IS_PHYSICAL")
        if untagged["management"]:
            raise Failure("PIF_IS_MANAGEMENT_INTERFACE", rec["untagged_PIF"])
        assert_no_vifs_in_use_on(db, untagged["host"], untagged["network"])
        db.destroy(self)
        db.destroy(rec["untagged_PIF"])
    call.sleep(PLUG_TIME, steps=1)

