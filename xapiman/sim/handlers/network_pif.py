"""PIF.plug/unplug/reconfigure_ip and VLAN.create/destroy (bonds are in bond.py)."""

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


# -- VLANs ------------------------------------------------------------------------------------

@handler("VLAN", "create")
def vlan_create(call: Call, tagged_PIF: str, tag: int, network: str) -> str:  # noqa: N803
    db = call.db
    with db.lock:
        db.get(network, "network")
        pif = db.get(tagged_PIF, "PIF")
        if pif["bond_slave_of"] != NULL_REF and db.find(pif["bond_slave_of"], "Bond"):
            raise Failure("CANNOT_ADD_VLAN_TO_BOND_SLAVE", tagged_PIF)
        assert_network_free_on(db, pif["host"], network)
        if tag < 0 or tag > 4094:
            raise Failure("VLAN_TAG_INVALID", tag)
        if any(True for _ in db.where("VLAN", tagged_PIF=tagged_PIF, tag=tag)):
            raise Failure("PIF_VLAN_EXISTS", pif["device"])
        untagged = new_virtual_pif(db, pif["host"], network, pif["device"], VLAN_MAC,
                                   vlan=tag, metrics=pif["metrics"],
                                   mtu=db.get(network, "network")["MTU"] or pif["MTU"])
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

