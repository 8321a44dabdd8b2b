"""PBD handlers (create, destroy, plug, unplug) and the SM drivers behind them: the
device_config each SR type needs, the storage it finds there and what SR.probe answers."""

from __future__ import annotations

import hashlib
from xml.dom import minidom

from xapiman.sim import storage_net
from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.implicit import assert_mandatory
from xapiman.sim.handlers.registry import handler
from xapiman.sim.handlers.vdi import refresh_sr_vdis, synchronise
from xapiman.sim.storage import backend, marked, refresh_operations, sm_failure

GiB = 1024**3
TiB = 1024**4

# The SR types SR.create accepts (SR.get_supported_types answers these).
DRIVERS = ("ext", "iso", "lvm", "lvmohba", "lvmoiscsi", "nfs", "udev")
DEFAULT_SIZE = {"ext": 1 * TiB, "lvm": 1 * TiB, "nfs": 4 * TiB, "iso": 1 * TiB, "udev": 0}
# device_config keys that say where an SR lives, per type (SR.probe lists SRs found there).
LOCATION_KEYS = {"ext": ("device",), "lvm": ("device",), "nfs": ("server", "serverpath"),
                 "lvmoiscsi": ("SCSIid",), "lvmohba": ("SCSIid",), "iso": ("location",),
                 "udev": ("location",)}
SM_MESSAGES = {
    47: "The SR is not available",
    90: "The request is missing the device parameter",
    94: "The request is missing the location parameter",
    95: "The request is missing the target parameter",
    96: "The request is missing or has an incorrect target IQN parameter",
    101: "The request is missing the serverpath parameter",
    102: "The request is missing the server parameter",
    107: "The SCSIid parameter is missing or incorrect",
    220: "'Location' parameter must be specified in Device Configuration",
    225: "Incorrect Location string format. String must be in the format SERVER:PATH for NFS "
         "targets, or \\\\SERVER\\PATH for CIFS targets",
}
NFS_EXPORTS = ("/export/vms", "/export/iso", "/export/backup")
ISO_LIBRARY = (("debian-12.5.0-amd64-netinst.iso", 659 * 1024**2),
               ("ubuntu-24.04-live-server-amd64.iso", 2688 * 1024**2),
               ("alpine-virt-3.20.0-x86_64.iso", 61 * 1024**2))


def backend_failure(code: int, opterr: str = "", xml: str = "") -> Failure:
    """The driver's error `code` with its message, an optional detail and XML."""
    return sm_failure(code, SM_MESSAGES[code] + (f" [opterr={opterr}]" if opterr else ""), xml)


def xml_list(root: str, items: list[tuple[str, dict[str, str]]]) -> str:
    """An XML document as the SM drivers print it (minidom, tab-indented)."""
    doc = minidom.Document()
    top = doc.createElement(root)
    doc.appendChild(top)
    for tag, fields in items:
        element = doc.createElement(tag)
        for key, value in fields.items():
            child = doc.createElement(key)
            child.appendChild(doc.createTextNode(value))
            element.appendChild(child)
        top.appendChild(element)
    return doc.toprettyxml()


# -- the storage network the simulated hosts see ----------------------------------------------


def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def nfs_exports(db: Database, server: str) -> list[str]:
    """Exports of an NFS server: the usual ones plus every path an SR uses there."""
    paths = list(NFS_EXPORTS)
    for config, _size in known_storage(db, "nfs"):
        if config.get("server") == server and config.get("serverpath") not in paths:
            paths.append(config.get("serverpath", ""))
    return paths


def iscsi_iqns(db: Database, target: str) -> list[str]:
    """IQNs a target offers: its own plus those the pool's SRs use on it."""
    iqns = [f"iqn.2024-06.lan.xapiman:storage.{target.replace('.', '-').replace(':', '-')}"]
    for config, _size in known_storage(db, "lvmoiscsi"):
        if config.get("target") == target and config.get("targetIQN") not in (*iqns, "*", None):
            iqns.append(config["targetIQN"])
    return iqns


def iscsi_luns(db: Database, target: str) -> list[dict[str, str]]:
    """LUNs a target exports: LUN 0 of 1 TiB, LUN 1 of 2 TiB, and those the pool uses."""
    luns = [{"vendor": "LIO-ORG", "serial": _digest(target, str(n))[:32], "LUNid": str(n),
             "size": str((n + 1) * TiB), "SCSIid": "36001405" + _digest(target, str(n))[:25]}
            for n in range(2)]
    for config, size in known_storage(db, "lvmoiscsi"):
        if config.get("target") == target:
            _add_known_lun(luns, config, size, vendor="LIO-ORG")
    return luns


def hba_luns(db: Database) -> list[dict[str, str]]:
    """LUNs the hosts' Fibre Channel HBAs see."""
    luns = [{"path": f"/dev/sd{chr(ord('c') + n)}", "SCSIid": "3600a0b80" + _digest("hba", str(n))[:24],
             "vendor": "NETAPP", "serial": _digest("hba-serial", str(n))[:16],
             "size": str((n + 2) * TiB), "hba": "qla2xxx", "id": "0", "lun": str(n)}
            for n in range(2)]
    for config, size in known_storage(db, "lvmohba"):
        _add_known_lun(luns, config, size, vendor="NETAPP", path="/dev/sdz", hba="qla2xxx",
                       id="0")
    return luns


def _add_known_lun(luns: list[dict[str, str]], config: dict[str, str], size: int,
                   **extra: str) -> None:
    scsi_id = config.get("SCSIid", "")
    if scsi_id and scsi_id not in {lun["SCSIid"] for lun in luns}:
        number = str(len(luns))
        luns.append({**extra, "serial": scsi_id[-16:], "LUNid": number, "lun": number,
                     "size": str(max(size, 0)), "SCSIid": scsi_id})


def iso_library(location: str) -> list[tuple[str, int]]:
    """ISO files found at a network ISO location (a local folder starts empty)."""
    return [] if location.startswith("/") else list(ISO_LIBRARY)


def known_storage(db: Database, sr_type: str) -> list[tuple[dict[str, str], int]]:
    """(device_config, SR size) of every SR of `sr_type` the pool has or forgot."""
    found = []
    for rec in db.all("PBD").values():
        sr_rec = db.find(rec["SR"], "SR")
        if sr_rec is not None and sr_rec["type"] == sr_type:
            found.append((rec["device_config"], sr_rec["physical_size"]))
    for kept in backend(db).forgotten_srs.values():
        if kept["record"]["type"] == sr_type:
            found.append((kept["device_config"], kept["record"]["physical_size"]))
    return found


# -- device_config checks, as each driver makes them --------------------------------------------


def check_device_config(db: Database, sr_type: str, config: dict[str, str]) -> None:
    """Raise the driver's SR_BACKEND_FAILURE when `config` does not name a usable storage."""
    if sr_type in ("ext", "lvm") and not config.get("device"):
        raise backend_failure(90)
    if sr_type == "nfs":
        _check_nfs(db, config)
    elif sr_type == "lvmoiscsi":
        _check_iscsi(db, config)
    elif sr_type == "lvmohba":
        _check_scsi_id(config, hba_luns(db), "Devlist", "BlockDevice")
    elif sr_type == "iso":
        _check_iso(config)
    elif sr_type == "udev" and not config.get("location"):
        raise backend_failure(94)


def _check_nfs(db: Database, config: dict[str, str]) -> None:
    server = config.get("server", "")
    if not server:
        raise backend_failure(102)
    if not config.get("serverpath"):
        exports = [("Export", {"Target": server, "Path": path, "Accesslist": "*"})
                   for path in nfs_exports(db, server)]
        raise backend_failure(101, xml=xml_list("nfs-exports", exports))


def _check_iscsi(db: Database, config: dict[str, str]) -> None:
    target = config.get("target", "")
    if not target:
        raise backend_failure(95)
    iqns = iscsi_iqns(db, target)
    if config.get("targetIQN") not in (*iqns, "*"):
        found = [("TGT", {"Index": str(i), "IPAddress": target, "TargetIQN": iqn})
                 for i, iqn in enumerate(iqns)]
        raise backend_failure(96, xml=xml_list("iscsi-target-iqns", found))
    _check_scsi_id(config, iscsi_luns(db, target), "iscsi-target", "LUN")


def _check_scsi_id(config: dict[str, str], luns: list[dict[str, str]], root: str,
                   tag: str) -> None:
    if config.get("SCSIid") not in {lun["SCSIid"] for lun in luns}:
        raise backend_failure(107, xml=xml_list(root, [(tag, lun) for lun in luns]))


def _check_iso(config: dict[str, str]) -> None:
    location = config.get("location", "")
    if not location:
        raise backend_failure(220)
    if not (":/" in location or location.startswith(("//", "\\\\", "/"))):
        raise backend_failure(225)


def storage_size(db: Database, sr_type: str, config: dict[str, str], requested: int) -> int:
    """The size of the storage an SR is made on (a positive `requested` size wins)."""
    if requested > 0:
        return requested
    if sr_type in ("lvmoiscsi", "lvmohba"):
        luns = iscsi_luns(db, config.get("target", "")) if sr_type == "lvmoiscsi" else hba_luns(db)
        return next(int(lun["size"]) for lun in luns if lun["SCSIid"] == config.get("SCSIid"))
    return DEFAULT_SIZE.get(sr_type, 1 * TiB)


def same_location(sr_type: str, a: dict[str, str], b: dict[str, str]) -> bool:
    keys = LOCATION_KEYS.get(sr_type, ())
    return bool(keys) and all(a.get(k) == b.get(k) for k in keys)


def srs_at(db: Database, sr_type: str, config: dict[str, str]) -> list[str]:
    """Uuids of the SRs living on the storage `config` names (known or forgotten)."""
    found: list[str] = []
    for rec in db.all("PBD").values():
        sr_rec = db.find(rec["SR"], "SR")
        if sr_rec and sr_rec["type"] == sr_type and same_location(sr_type, config,
                                                                   rec["device_config"]):
            found.append(sr_rec["uuid"])
    for uuid, kept in backend(db).forgotten_srs.items():
        if kept["record"]["type"] == sr_type and same_location(sr_type, config,
                                                               kept["device_config"]):
            found.append(uuid)
    return list(dict.fromkeys(found))


def probe_answer(db: Database, sr_type: str, config: dict[str, str]) -> str:
    """What SR.probe returns once the device_config names a storage: the SRs on it."""
    check_device_config(db, sr_type, config)
    return xml_list("SRlist", [("SR", {"UUID": uuid}) for uuid in srs_at(db, sr_type, config)])


# -- PBD handlers --------------------------------------------------------------------------------


@handler("PBD", "create")
def pbd_create(call: Call, args: dict) -> str:
    assert_mandatory("PBD", args)
    db = call.db
    host, sr, config = args["host"], args["SR"], args["device_config"]
    db.get(host, "host")
    db.get(sr, "SR")
    with marked(call, (sr, "pbd_create")), db.lock:
        for pbd in db.get(sr, "SR")["PBDs"]:
            if db.get(pbd, "PBD")["host"] == host:
                raise Failure("PBD_EXISTS", sr, host, pbd)
        assert_no_srmaster_key(config)
        return db.create("PBD", {"host": host, "SR": sr, "device_config": dict(config),
                                 "currently_attached": False,
                                 "other_config": dict(args.get("other_config") or {})})


def assert_no_srmaster_key(config: dict[str, str]) -> None:
    if "SRmaster" in config:
        raise Failure("VALUE_NOT_SUPPORTED", "SRmaster", config["SRmaster"],
                      "This key is for internal use only")


@handler("PBD", "destroy")
def pbd_destroy(call: Call, pbd: str) -> None:
    db = call.db
    sr = db.get(pbd, "PBD")["SR"]
    with marked(call, (sr, "pbd_destroy")), db.lock:
        if db.get(pbd, "PBD")["currently_attached"]:
            raise Failure("OPERATION_NOT_ALLOWED", "PBD is currently attached")
        db.destroy(pbd)
        refresh_operations(db, sr)


@handler("PBD", "set_device_config")
def pbd_set_device_config(call: Call, pbd: str, value: dict) -> None:
    call.db.get(pbd, "PBD")
    raise Failure("PERMISSION_DENIED", "")  # only the SM backend's own session may


@handler("PBD", "plug")
def pbd_plug(call: Call, pbd: str) -> None:
    sr = call.db.get(pbd, "PBD")["SR"]
    with marked(call, (sr, "plug")):
        plug(call, pbd)


def plug(call: Call, pbd: str, seconds: float = 2.0) -> None:
    """Attach the SR on the PBD's host (taking `seconds`); the first attachment scans it."""
    db = call.db
    rec = db.get(pbd, "PBD")
    if rec["currently_attached"]:
        return
    sr = rec["SR"]
    with db.lock:
        assert_attachable(db, pbd)
    if seconds > 0:
        call.sleep(seconds)
    with db.lock:
        first = not any(db.get(p, "PBD")["currently_attached"] for p in db.get(sr, "SR")["PBDs"])
        db.update(pbd, currently_attached=True)
        if first or db.get(sr, "SR")["physical_size"] < 0:
            synchronise(db, sr, default_size=storage_size(
                db, db.get(sr, "SR")["type"], rec["device_config"], 0))
        refresh_operations(db, sr)
        refresh_sr_vdis(db, sr)


def assert_attachable(db: Database, pbd: str) -> None:
    rec = db.get(pbd, "PBD")
    sr_rec = db.get(rec["SR"], "SR")
    if not sr_rec["shared"]:
        for other in sr_rec["PBDs"]:
            other_rec = db.get(other, "PBD")
            if other_rec["currently_attached"] and other_rec["host"] != rec["host"]:
                raise Failure("SR_NOT_SHARABLE", rec["SR"], other_rec["host"])
    storage_net.check(db, rec["host"], sr_rec["type"], rec["device_config"])
    check_device_config(db, sr_rec["type"], rec["device_config"])
    unknown = sr_rec["uuid"] not in backend(db).forgotten_srs
    if sr_rec["physical_size"] < 0 and unknown and sr_rec["type"] not in ("iso", "udev"):
        raise backend_failure(47, opterr=f"no such SR {sr_rec['uuid']}")


@handler("PBD", "unplug")
def pbd_unplug(call: Call, pbd: str) -> None:
    db = call.db
    sr = db.get(pbd, "PBD")["SR"]
    with marked(call, (sr, "unplug"), check=lambda: vdi_operation_running(db, sr)):
        if not db.get(pbd, "PBD")["currently_attached"]:
            return
        with db.lock:
            in_use = vdis_in_use_through(db, pbd)
            if in_use:
                raise Failure("VDI_IN_USE", *in_use)
        call.sleep(1.0)
        with db.lock:
            db.update(pbd, currently_attached=False)
            refresh_operations(db, sr)
            refresh_sr_vdis(db, sr)


def vdi_operation_running(db: Database, sr: str) -> Failure | None:
    for vdi in db.get(sr, "SR")["VDIs"]:
        for task, op in db.get(vdi, "VDI")["current_operations"].items():
            return Failure("OTHER_OPERATION_IN_PROGRESS", "VDI", vdi, op, task)
    return None


def vdis_in_use_through(db: Database, pbd: str) -> list[str]:
    """VDIs of the PBD's SR attached to VMs running on the PBD's host."""
    rec = db.get(pbd, "PBD")
    found: list[str] = []
    for vm in db.get(rec["host"], "host")["resident_VMs"]:
        for vbd in db.get(vm, "VM")["VBDs"]:
            vbd_rec = db.find(vbd, "VBD")
            if not vbd_rec or not vbd_rec["currently_attached"] or vbd_rec["empty"]:
                continue
            vdi_rec = db.find(vbd_rec["VDI"], "VDI")
            if vdi_rec and vdi_rec["SR"] == rec["SR"] and vdi_rec["type"] != "metadata":
                found.append(vbd_rec["VDI"])
    return list(dict.fromkeys(found))
