"""What happens to a VM's domain and guest: devices attach, consoles appear, VM_metrics follow
the domain, guest tools report (VM_guest_metrics), alerts are posted, and crashes (a fault).

Guest tools: a VM has them unless its other_config says `xapiman-sim-guest-tools: false`
(synth marks the VMs it makes without tools). With tools, guest metrics (OS, one IP address
per VIF, feature flags) appear a few simulated seconds after the domain starts (at once with
speed 0) and go away when it halts.

All functions that change the database expect `db.lock` to be held by the caller or take it.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from xapiman.sim import placement, storage
from xapiman.sim.db import Database, new_uuid
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.message import post_message
from xapiman.sim.handlers.network import refresh_vif_operations
from xapiman.sim.handlers.vbd import refresh_vm_devices
from xapiman.sim.lifecycle import LIVE_STATES, is_true, refresh_allowed_operations
from xapiman.sim.model.values import NEVER, NULL_REF, now

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

TOOLS_KEY = "xapiman-sim-guest-tools"
TOOLS_REPORT_SECONDS = 10.0  # simulated seconds from domain start to the first tools report
TOOLS_VERSION = {"major": "9", "minor": "3", "micro": "3", "build": "12"}
TOOLS_FEATURES = {"feature-shutdown": "1", "feature-poweroff": "1", "feature-reboot": "1",
                  "feature-suspend": "1", "feature-vcpu-hotplug": "1", "has-vendor-device": "0",
                  "platform-feature-multiprocessor-suspend": "1"}
DISTROS = ("debian", "ubuntu", "rocky", "almalinux", "centos", "fedora", "windows", "suse",
           "oracle", "alpine")


def has_tools(rec: dict) -> bool:
    return rec["other_config"].get(TOOLS_KEY, "true") != "false"


def vm_alert(db: Database, vm: str, name: str, priority: int, what: str) -> str:
    """Post an alert about `vm` as xapi words them: "VM '<name>' (uuid: <uuid>) <what>"."""
    rec = db.get(vm, "VM")
    body = f"VM '{rec['name_label']}' (uuid: {rec['uuid']}) {what}"
    return post_message(db, name, priority, "VM", rec["uuid"], body)


def host_words(db: Database, host: str) -> str:
    rec = db.get(host, "host")
    return f"{rec['name_label']} (uuid: {rec['uuid']})"


# -- the domain -------------------------------------------------------------------------------


def next_domid(db: Database) -> int:
    """A domain id no VM holds now (one above the highest)."""
    return max((rec["domid"] for rec in db.all("VM").values()), default=0) + 1


def boot_domain_type(rec: dict) -> str:
    """The domain type a boot uses: the VM's, or from HVM_boot_policy when unspecified."""
    if rec["domain_type"] != "unspecified":
        return rec["domain_type"]
    return "hvm" if rec["HVM_boot_policy"] else "pv"


def device_name(userdevice: str) -> str:
    """The guest device of a disk slot: 0 -> xvda, 1 -> xvdb ..."""
    if userdevice.isdigit() and int(userdevice) < 26:
        return "xvd" + chr(ord("a") + int(userdevice))
    return f"xvd{userdevice}"


MiB = 1024**2


def _mib_of_pages(pages: int) -> int:
    return -(-pages // 256)


def domain_memory_overhead(rec: dict) -> int:
    """Bytes a domain needs beyond its memory (xapi's Memory model: shadow and page tables,
    per-vCPU pages, the PV-in-PVH shim)."""
    kind = boot_domain_type(rec)
    static_max_mib = -(-rec["memory_static_max"] // MiB)
    vcpus = max(1, rec["VCPUs_max"])
    multiplier = 1.0 if kind == "pv" else rec["HVM_shadow_multiplier"]
    shadow = max(1, int(_mib_of_pages(256 * vcpus + 2 * static_max_mib) * multiplier))
    extra = 1 if kind == "pv" else 2
    shim = 23 + static_max_mib // 90 if kind == "pv_in_pvh" else 0
    return (extra + shadow + _mib_of_pages(38 * vcpus) + shim) * MiB


def set_devices_attached(db: Database, vm: str, attached: bool) -> None:
    rec = db.get(vm, "VM")
    for vbd in rec["VBDs"]:
        vbd_rec = db.find(vbd, "VBD")
        if vbd_rec is None:
            continue
        changes: dict[str, object] = {}
        if vbd_rec["currently_attached"] != attached:
            changes["currently_attached"] = attached
        if attached and not vbd_rec["device"]:
            changes["device"] = device_name(vbd_rec["userdevice"])
        if changes:
            db.update(vbd, **changes)
    for vif in rec["VIFs"]:
        vif_rec = db.find(vif, "VIF")
        if vif_rec is not None and vif_rec["currently_attached"] != attached:
            db.update(vif, currently_attached=attached)
    refresh_devices(db, vm)


def refresh_devices(db: Database, vm: str) -> None:
    """allowed_operations of the VM's VBDs, VDIs and VIFs (they follow its power state)."""
    refresh_vm_devices(db, vm)
    for vif in db.get(vm, "VM")["VIFs"]:
        refresh_vif_operations(db, vif)


def console_location(sim: Simulator, host: str, console_uuid: str) -> str:
    scheme = "https" if sim.ssl_context is not None else "http"
    address = sim.db.get(host, "host")["address"]
    return f"{scheme}://{address}/console?uuid={console_uuid}"


def create_consoles(sim: Simulator, vm: str, host: str) -> None:
    """An rfb console (and a vt100 one for PV guests) located on `host`."""
    db = sim.db
    destroy_consoles(db, vm)
    protocols = ["rfb"]
    if db.get(vm, "VM")["domain_type"] == "pv":
        protocols.append("vt100")
    for protocol in protocols:
        uuid = new_uuid()
        db.create("console", {"uuid": uuid, "protocol": protocol, "VM": vm, "other_config": {},
                              "location": console_location(sim, host, uuid)})


def move_consoles(sim: Simulator, vm: str, host: str) -> None:
    for console in list(sim.db.get(vm, "VM")["consoles"]):
        uuid = sim.db.get(console, "console")["uuid"]
        sim.db.update(console, location=console_location(sim, host, uuid))


def destroy_consoles(db: Database, vm: str) -> None:
    for console in list(db.get(vm, "VM")["consoles"]):
        if db.find(console, "console") is not None:
            db.destroy(console)


def metrics_of(db: Database, vm: str) -> str:
    """The VM's VM_metrics ref (made when the VM has none, e.g. after a bare VM.create)."""
    ref = db.get(vm, "VM")["metrics"]
    if db.find(ref, "VM_metrics") is None:
        ref = db.create("VM_metrics", {"install_time": now(), "last_updated": now()})
        db.update(vm, metrics=ref)
    return ref


def _metrics_running(rec: dict) -> dict[str, object]:
    vcpus = rec["VCPUs_at_startup"]
    return {
        "memory_actual": rec["memory_dynamic_max"], "VCPUs_number": vcpus,
        "VCPUs_utilisation": {str(i): 0.0 for i in range(vcpus)},
        "VCPUs_CPU": {str(i): i for i in range(vcpus)}, "VCPUs_params": dict(rec["VCPUs_params"]),
        "start_time": now(), "last_updated": now(), "state": [],
        "hvm": rec["domain_type"] != "pv", "current_domain_type": rec["domain_type"],
        "nomigrate": is_true(rec["platform"].get("nomigrate")),
        "nested_virt": is_true(rec["platform"].get("nested-virt")),
    }


def _metrics_halted() -> dict[str, object]:
    return {"memory_actual": 0, "VCPUs_number": 0, "VCPUs_utilisation": {}, "VCPUs_CPU": {},
            "last_updated": now(), "current_domain_type": "unspecified"}


def domain_started(sim: Simulator, vm: str, host: str, *, paused: bool) -> int:
    """The VM's new domain runs (or waits paused) on `host`; returns its domid."""
    db = sim.db
    with db.lock:
        rec = db.get(vm, "VM")
        domid = next_domid(db)
        rec = db.update(vm, power_state="Paused" if paused else "Running", resident_on=host,
                        scheduled_to_be_resident_on=NULL_REF, domid=domid,
                        domain_type=boot_domain_type(rec))
        metrics = metrics_of(db, vm)
        changes = _metrics_running(rec)
        if db.get(metrics, "VM_metrics")["install_time"] == NEVER:
            changes["install_time"] = now()
        db.update(metrics, **changes)
        set_devices_attached(db, vm, True)
        create_consoles(sim, vm, host)
        return domid


def domain_stopped(db: Database, vm: str, power_state: str = "Halted") -> None:
    """The VM's domain is gone: Halted (guest metrics go too) or Suspended (they stay)."""
    with db.lock:
        db.update(vm, power_state=power_state, resident_on=NULL_REF,
                  scheduled_to_be_resident_on=NULL_REF, domid=-1)
        db.update(metrics_of(db, vm), **_metrics_halted())
        set_devices_attached(db, vm, False)
        destroy_consoles(db, vm)
        if power_state == "Halted":
            remove_guest_metrics(db, vm)


def domain_rebooted(sim: Simulator, vm: str) -> int:
    """A new domain replaces the old one on the same host; returns the new domid."""
    db = sim.db
    with db.lock:
        host = db.get(vm, "VM")["resident_on"]
        remove_guest_metrics(db, vm)
        return domain_started(sim, vm, host, paused=False)


# -- suspend images ---------------------------------------------------------------------------

SUSPEND_IMAGE_EXTRA = 100 * MiB  # xapi adds 100 MiB to the memory for the image's metadata


def suspend_image_size(rec: dict) -> int:
    return rec["memory_static_max"] + SUSPEND_IMAGE_EXTRA


def suspend_sr(db: Database, vm: str) -> str:
    """Where a memory image goes: VM.suspend_SR, else pool.suspend_image_SR, else the
    host's suspend_image_sr, the first the VM's host can reach; else VM_NO_SUSPEND_SR [vm]."""
    rec = db.get(vm, "VM")
    host = rec["resident_on"]
    host_rec = db.find(host, "host")
    pool = next(iter(db.all("pool").values()))
    reachable = placement.srs_plugged_on(db, host) if host_rec else None
    for sr in (rec["suspend_SR"], pool["suspend_image_SR"],
               host_rec["suspend_image_sr"] if host_rec else NULL_REF):
        if db.find(sr, "SR") is not None and (reachable is None or sr in reachable):
            return sr
    raise Failure("VM_NO_SUSPEND_SR", vm)


def _space_insufficient(failure: Failure, sr: str) -> Failure:
    if failure.code == "SR_FULL":
        return Failure("SR_SUSPEND_SPACE_INSUFFICIENT", sr)
    return failure


def assert_suspend_space(db: Database, vm: str, sr: str) -> None:
    """SR_SUSPEND_SPACE_INSUFFICIENT [sr] when the VM's memory image does not fit in `sr`."""
    try:
        storage.reserve(db, sr, suspend_image_size(db.get(vm, "VM")))
    except Failure as failure:
        raise _space_insufficient(failure, sr) from None


def new_suspend_image(db: Database, vm: str, sr: str) -> str:
    """A fully allocated VDI of type suspend for the VM's memory, in `sr`."""
    rec = db.get(vm, "VM")
    size = suspend_image_size(rec)
    try:
        return storage.new_vdi(db, sr, "Suspend image", size, name_description="Suspend image",
                               type="suspend", physical_utilisation=size,
                               sm_config={"vm_hint": rec["uuid"],
                                          "initial_allocation": str(size)})
    except Failure as failure:
        raise _space_insufficient(failure, sr) from None


def drop_suspend_image(db: Database, vm: str) -> None:
    """Delete the VM's memory image (resume, hard shutdown of a suspended VM)."""
    vdi = db.get(vm, "VM")["suspend_VDI"]
    if db.find(vdi, "VDI") is not None:
        storage.destroy_vdi(db, vdi)
    if vdi != NULL_REF:
        db.update(vm, suspend_VDI=NULL_REF)


# -- guest tools ------------------------------------------------------------------------------


def _distro(os_name: str) -> str:
    lower = os_name.lower()
    return next((d for d in DISTROS if d in lower), "linux")


def _ip_of(mac: str) -> str:
    digest = hashlib.sha256(mac.encode()).digest()
    return f"10.0.{digest[0] % 250 + 1}.{digest[1] % 250 + 2}"


def _ipv6_of(mac: str) -> str:
    parts = [int(p, 16) for p in mac.split(":")] if mac.count(":") == 5 else [0] * 6
    parts[0] ^= 0x02
    words = [parts[0] << 8 | parts[1], parts[2] << 8 | 0xFF, 0xFE << 8 | parts[3],
             parts[4] << 8 | parts[5]]
    return "fe80::" + ":".join(f"{w:x}" for w in words)


def guest_networks(db: Database, vm: str) -> dict[str, str]:
    """What the tools report per VIF: `<device>/ip`, `<device>/ipv4/0`, `<device>/ipv6/0`."""
    networks: dict[str, str] = {}
    for vif in db.get(vm, "VM")["VIFs"]:
        rec = db.find(vif, "VIF")
        if rec is None:
            continue
        ip = _ip_of(rec["MAC"])
        device = rec["device"]
        networks.update({f"{device}/ip": ip, f"{device}/ipv4/0": ip,
                         f"{device}/ipv6/0": _ipv6_of(rec["MAC"])})
    return networks


def guest_metrics_fields(db: Database, vm: str) -> dict[str, object]:
    rec = db.get(vm, "VM")
    os_name = rec["other_config"].get("base_template_name") or rec["name_description"] or "Linux"
    distro = _distro(os_name)
    return {
        "os_version": {"name": os_name, "distro": distro, "major": "", "minor": "",
                       "uname": "" if distro == "windows" else "6.1.0-amd64"},
        "PV_drivers_version": dict(TOOLS_VERSION), "PV_drivers_detected": True,
        "PV_drivers_up_to_date": True, "networks": guest_networks(db, vm),
        "other": dict(TOOLS_FEATURES), "live": True, "last_updated": now(),
        "can_use_hotplug_vbd": "yes", "can_use_hotplug_vif": "yes",
    }


def report_tools(sim: Simulator, vm: str, domid: int) -> None:
    """The guest agent of domain `domid` reports (if that domain still runs with tools)."""
    db = sim.db
    with db.lock:
        rec = db.find(vm, "VM")
        if (rec is None or rec["power_state"] not in LIVE_STATES or rec["domid"] != domid
                or not has_tools(rec)):
            return
        fields = guest_metrics_fields(db, vm)
        if db.find(rec["guest_metrics"], "VM_guest_metrics") is not None:
            db.update(rec["guest_metrics"], **fields)
        else:
            db.update(vm, guest_metrics=db.create("VM_guest_metrics", fields))
        refresh_allowed_operations(db, vm)
        refresh_devices(db, vm)


def expect_tools(sim: Simulator, vm: str, domid: int) -> None:
    """Let the tools of a freshly booted domain report after a short simulated boot."""
    speed = sim.config.speed
    if speed <= 0:
        report_tools(sim, vm, domid)
        return
    timer = threading.Timer(TOOLS_REPORT_SECONDS / speed, report_tools, (sim, vm, domid))
    timer.daemon = True
    timer.start()


def remove_guest_metrics(db: Database, vm: str) -> None:
    gm = db.get(vm, "VM")["guest_metrics"]
    if db.find(gm, "VM_guest_metrics") is not None:
        db.destroy(gm)
    if gm != NULL_REF:
        db.update(vm, guest_metrics=NULL_REF)


# -- faults -----------------------------------------------------------------------------------


def crash_vm(sim: Simulator, vm: str) -> None:
    """The guest of a running or paused VM crashes: a VM_CRASHED alert (priority 2), then what
    actions_after_crash says: destroy (Halted), preserve (Paused) or restart (new domain)."""
    db = sim.db
    with db.lock:
        rec = db.get(vm, "VM")
        if rec["power_state"] not in LIVE_STATES:
            raise Failure("VM_BAD_POWER_STATE", vm, "running, paused", rec["power_state"].lower())
        vm_alert(db, vm, "VM_CRASHED", 2, "crashed")
        action = rec["actions_after_crash"]
        domid = None
        if action in ("destroy", "coredump_and_destroy"):
            domain_stopped(db, vm)
        elif action == "preserve":
            db.update(vm, power_state="Paused")
        else:
            domid = domain_rebooted(sim, vm)
        refresh_allowed_operations(db, vm)
    if domid is not None:
        expect_tools(sim, vm, domid)
