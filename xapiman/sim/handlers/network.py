"""network.create/destroy and VIF.create/destroy/plug/unplug/unplug_force/move with the VIF's
allowed/current operations (PIFs, bonds and VLANs are in network_pif.py)."""

from __future__ import annotations

import random
import re
import threading

from xapiman.sim import build
from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.implicit import assert_mandatory
from xapiman.sim.handlers.implicit import create as create_record
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.spec import ENUMS
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.operations import refresh_allowed, running_operation
from xapiman.sim.placement import network_reaches

VIF_OPERATIONS: tuple[str, ...] = ENUMS["vif_operations"]
# Prefixes xapi refuses in user-chosen bridge names (xapi_network.ml bridge_blacklist).
BRIDGE_BLACKLIST = ("xen", "xapi", "vif", "tap", "eth")
_MAC = re.compile(r"[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}\Z")
_DEVICE = re.compile(r"[0-9]+\Z")
_bridge_counter = 0
_bridge_lock = threading.Lock()
HOTPLUG_TIME = 1.0  # simulated seconds to plug or unplug a VIF
BUSY_VM_OPERATIONS = ("clean_shutdown", "hard_shutdown", "suspend", "pause")


# -- networks ---------------------------------------------------------------------------------

def free_bridge_name(db: Database) -> str:
    """xapi's next "xapi<N>" not used by any network."""
    global _bridge_counter
    used = {rec["bridge"] for rec in db.all("network").values()}
    with _bridge_lock:
        while True:
            name = f"xapi{_bridge_counter}"
            _bridge_counter += 1
            if name not in used:
                return name


def checked_bridge(db: Database, bridge: str) -> str:
    if bridge == "":
        return free_bridge_name(db)
    if len(bridge) > 15 or bridge.startswith(BRIDGE_BLACKLIST):
        raise Failure("INVALID_VALUE", "bridge", bridge)
    if any(rec["bridge"] == bridge for rec in db.all("network").values()):
        raise Failure("BRIDGE_NAME_EXISTS", bridge)
    return bridge


@handler("network", "create")
def network_create(call: Call, args: dict) -> str:
    assert_mandatory("network", args)
    with call.db.lock:
        bridge = checked_bridge(call.db, str(args.get("bridge", "")))
        mtu = int(args.get("MTU", 0) or 0)
        fields = {**args, "bridge": bridge, "MTU": mtu if mtu > 0 else 1500}
        fields.setdefault("managed", True)
        return create_record(call, "network", fields)


@handler("network", "destroy")
def network_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        net = db.get(self, "network")
        attached = [v for v in net["VIFs"] if db.get(v, "VIF")["currently_attached"]]
        if attached:
            raise Failure("NETWORK_CONTAINS_VIF", *attached)
        if net["PIFs"]:
            raise Failure("NETWORK_CONTAINS_PIF", *net["PIFs"])
        if net["other_config"].get("is_host_internal_management_network") == "true":
            raise Failure("CANNOT_DESTROY_SYSTEM_NETWORK", self)
        for vif in list(net["VIFs"]):
            db.destroy(vif)
        db.destroy(self)


# -- VIF operations ---------------------------------------------------------------------------

def has_pv_drivers(db: Database, vm_rec: dict) -> bool:
    metrics = db.find(vm_rec["guest_metrics"], "VM_guest_metrics")
    return bool(metrics and (metrics["PV_drivers_detected"] or metrics["PV_drivers_version"]))


def hotplug_error(db: Database, vm: str, vm_rec: dict) -> Failure | None:
    """Whether a running HVM guest can hot(un)plug NICs (needs PV drivers)."""
    metrics = db.find(vm_rec["metrics"], "VM_metrics")
    domain_type = metrics["current_domain_type"] if metrics else vm_rec["domain_type"]
    if domain_type in ("pv", "pvh", "pv_in_pvh"):
        return None
    guest = db.find(vm_rec["guest_metrics"], "VM_guest_metrics")
    claim = guest["can_use_hotplug_vif"] if guest else "unspecified"
    if claim == "yes":
        return None
    if claim == "no":
        return Failure("OPERATION_NOT_ALLOWED", "VM states it does not support VIF hotplug.")
    if has_pv_drivers(db, vm_rec):
        return None
    return Failure("VM_MISSING_PV_DRIVERS", vm)


def vif_operation_errors(db: Database, vif: str) -> dict[str, Failure | None]:
    """xapi_vif_helpers.valid_operations: one operation at a time, plug/unplug need a running
    VM (and PV drivers for HVM), plug an unplugged VIF, unplug a plugged one."""
    rec = db.get(vif, "VIF")
    vm = rec["VM"]
    vm_rec = db.get(vm, "VM")
    errors: dict[str, Failure | None] = dict.fromkeys(VIF_OPERATIONS)

    def block(ops: tuple[str, ...], failure: Failure) -> None:
        for op in ops:
            if errors[op] is None:
                errors[op] = failure

    current = rec["current_operations"]
    if current:
        tasks = "{" + "; ".join(reversed(list(current))) + "}"
        ops = "{" + "; ".join(reversed(list(current.values()))) + "}"
        block(VIF_OPERATIONS, Failure("OTHER_OPERATION_IN_PROGRESS", "VIF", vif, ops, tasks))
    if vm_rec["is_control_domain"]:
        block(("plug",), Failure("OPERATION_NOT_ALLOWED", "Control domain does not support hotplug"))
    state = vm_rec["power_state"]
    if state == "Running":
        if rec["currently_attached"]:
            block(("plug",), Failure("DEVICE_ALREADY_ATTACHED", vif))
        else:
            block(("unplug",), Failure("DEVICE_ALREADY_DETACHED", vif))
    else:
        block(("plug", "unplug"), Failure("VM_BAD_POWER_STATE", vm, "running", state.lower()))
    for op in vm_rec["current_operations"].values():
        if op in BUSY_VM_OPERATIONS:
            block(("plug", "unplug"),
                  Failure("OPERATION_NOT_ALLOWED", f"Current operation on VM:{vm} is {op}"))
    if state == "Running":
        error = hotplug_error(db, vm, vm_rec)
        if error is not None:
            block(("plug", "unplug"), error)
    return errors


def refresh_vif_operations(db: Database, vif: str) -> None:
    """Recompute VIF.allowed_operations (for handlers that change a VIF or its VM)."""
    refresh_allowed(db, vif, vif_operation_errors)


def vif_operation(call: Call, vif: str, op: str):
    return running_operation(call, vif, op, vif_operation_errors)


# -- VIF lifecycle ----------------------------------------------------------------------------

def new_mac() -> str:
    return build.mac(random.Random())


def checked_mac(mac: str) -> tuple[str, bool]:
    """(MAC, generated?) — "" asks for a generated one."""
    if mac == "":
        return new_mac(), True
    if not _MAC.match(mac):
        raise Failure("MAC_INVALID", mac)
    return mac, False


def assert_device_free(db: Database, vm: str, device: str) -> None:
    for vif in db.get(vm, "VM")["VIFs"]:
        other = db.find(vif, "VIF")
        if other and _DEVICE.match(other["device"]) and int(other["device"]) == int(device):
            raise Failure("DEVICE_ALREADY_EXISTS", device)


@handler("VIF", "create")
def vif_create(call: Call, args: dict) -> str:
    assert_mandatory("VIF", args)
    db = call.db
    device = str(args["device"])
    with db.lock:
        vm_rec = db.get(args["VM"], "VM")
        db.get(args["network"], "network")
        if not _DEVICE.match(device):
            raise Failure("INVALID_DEVICE", device)
        mac, generated = checked_mac(str(args["MAC"]))
        assert_device_free(db, args["VM"], device)
        attached = bool(args.get("currently_attached")) and vm_rec["power_state"] == "Suspended"
        fields = {**args, "MAC": mac, "currently_attached": attached}
        ref = create_record(call, "VIF", fields)
        db.update(ref, MAC_autogenerated=generated)
        refresh_vif_operations(db, ref)
        return ref


@handler("VIF", "destroy")
def vif_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "VIF")
        vm_rec = db.find(rec["VM"], "VM")
        if vm_rec and vm_rec["power_state"] == "Running" and rec["currently_attached"]:
            raise Failure("OPERATION_NOT_ALLOWED", "VIF currently attached to a running VM")
        db.destroy(self)


def set_attached(call: Call, vif: str, op: str, attached: bool) -> None:
    call.db.get(vif, "VIF")
    with vif_operation(call, vif, op):
        call.sleep(HOTPLUG_TIME, steps=1)
        call.db.update(vif, currently_attached=attached)


@handler("VIF", "plug")
def vif_plug(call: Call, self: str) -> None:
    set_attached(call, self, "plug", True)


@handler("VIF", "unplug", "unplug_force")
def vif_unplug(call: Call, self: str) -> None:
    set_attached(call, self, "unplug", False)


@handler("VIF", "move")
def vif_move(call: Call, self: str, network: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "VIF")
        db.get(network, "network")
        vm_rec = db.get(rec["VM"], "VM")
        active = rec["currently_attached"] and vm_rec["power_state"] != "Suspended"
        host = vm_rec["resident_on"]
        if active and host != NULL_REF and not network_reaches(db, network, host, rec["VM"]):
            raise Failure("HOST_CANNOT_ATTACH_NETWORK", host, network)
        db.update(self, network=network)
