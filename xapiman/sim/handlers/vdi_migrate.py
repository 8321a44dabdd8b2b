"""VDI.pool_migrate: move one disk of a VM to another SR of the pool (storage motion), while
the VM runs if it does (xapi's xapi_vm_migrate.vdi_pool_migrate, run under the VM's
migrate_send operation).

The disk is mirrored into a new VDI of the destination SR (a new uuid, the same name, size and
data); the VM's VBD then points at it and the old VDI goes. The result is the new VDI. A cancel
or failure before the switch removes the new VDI and changes nothing else.
"""

from __future__ import annotations

from xapiman.sim import lifecycle, xva
from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.handlers.vdi import COPY_RATE, assert_sr_attached
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.storage import copy_vdi, drop_vdi_record, marked, refresh_operations


def _host_sees(db, host: str, sr: str) -> bool:
    return any(db.get(pbd, "PBD")["host"] == host and db.get(pbd, "PBD")["currently_attached"]
               for pbd in db.get(sr, "SR")["PBDs"])


@handler("VDI", "pool_migrate")
def vdi_pool_migrate(call: Call, vdi: str, sr: str, options: dict) -> str:
    db = call.db
    with db.lock:
        rec = db.get(vdi, "VDI")
        db.get(sr, "SR")
        if rec["type"] == "cbt_metadata":
            raise Failure("VDI_INCOMPATIBLE_TYPE", vdi, "cbt_metadata")
        if rec["cbt_enabled"]:
            raise Failure("VDI_CBT_ENABLED", vdi)
        vbds = [v for v in rec["VBDs"] if db.find(v, "VBD") is not None]
        if not vbds:
            raise Failure("VDI_NEEDS_VM_FOR_MIGRATE", vdi)
        vm = db.get(vbds[0], "VBD")["VM"]
        mine = [v for v in vbds if db.get(v, "VBD")["VM"] == vm]
    with lifecycle.vm_operation(call, vm, "migrate_send"):
        with db.lock:
            host = db.get(vm, "VM")["resident_on"]
            if host != NULL_REF and not _host_sees(db, host, sr):
                raise Failure("VM_REQUIRES_SR", vm, sr)
        with marked(call, (sr, "vdi_create")):
            assert_sr_attached(db, sr)
            dest = copy_vdi(db, vdi, sr)
        try:
            call.sleep(max(1.0, rec["physical_utilisation"] / COPY_RATE), steps=8)
            with db.lock:
                if db.find(vdi, "VDI") is None:
                    raise Failure("HANDLE_INVALID", "VDI", vdi)
                source = db.get(vdi, "VDI")
                xva.replace_contents(db, dest, xva.stored_chunks(db, vdi, source))
                db.update(dest, read_only=source["read_only"])
                for vbd in mine:
                    if db.find(vbd, "VBD") is not None:
                        db.update(vbd, VDI=dest)
                        refresh_operations(db, vbd)
                drop_vdi_record(db, vdi)
                refresh_operations(db, dest)
        except Failure:
            with db.lock:
                if db.find(dest, "VDI") is not None and db.find(vdi, "VDI") is not None:
                    drop_vdi_record(db, dest)
            raise
    return dest
