"""Guests with and without PV drivers: xapi asks for guest features only when the running
domain is HVM (check_op_for_feature, has_definitely_booted_pv)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import XenAPI

from xapiman.sim.dbdump import load_dump, parse_sexpr
from xapiman.sim.guest import TOOLS_KEY
from xapiman.sim.model.spec import ENUMS
from xapiman.sim.testing import running_pool

DUMPS = ["Cowley-db.xml", "cowley1.xml", "state.db", "state3.xml", "tampa-db_inc_snapshots.xml"]
CLEAN = {"clean_shutdown", "clean_reboot"}


def failure(fn, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        fn(*args)
    return info.value.details


def a_guest_without_tools(x, domain: str) -> str:
    """A halted VM on shared storage, cloned, booting as `domain` (pv or hvm), no tools."""
    nfs = x.SR.get_by_name_label("NFS virtual disk storage")[0]
    source = next(vm for vm, r in x.VM.get_all_records().items()
                  if r["power_state"] == "Halted" and not r["is_a_template"]
                  and any(x.VBD.get_type(v) == "Disk" and x.VDI.get_SR(x.VBD.get_VDI(v)) == nfs
                          for v in r["VBDs"]))
    vm = x.VM.clone(source, f"{domain} guest")
    if domain == "pv":
        x.VM.set_HVM_boot_policy(vm, "")
        x.VM.set_PV_bootloader(vm, "pygrub")
    x.VM.set_domain_type(vm, domain)
    x.VM.add_to_other_config(vm, TOOLS_KEY, "false")
    return vm


def test_a_pv_guest_without_guest_metrics_shuts_down_cleanly_and_migrates(session):
    x = session.xenapi
    vm = a_guest_without_tools(x, "pv")
    x.VM.start(vm, False, False)
    assert x.VM.get_guest_metrics(vm) == "OpaqueRef:NULL"
    assert x.VM_metrics.get_current_domain_type(x.VM.get_metrics(vm)) == "pv"
    allowed = set(x.VM.get_allowed_operations(vm))
    assert CLEAN | {"pool_migrate", "suspend", "checkpoint"} <= allowed
    here = x.VM.get_resident_on(vm)
    there = next(h for h in x.host.get_all() if h != here)
    x.VM.pool_migrate(vm, there, {"live": "true"})
    assert x.VM.get_resident_on(vm) == there and x.VM.get_power_state(vm) == "Running"
    x.VM.clean_reboot(vm)
    x.VM.clean_shutdown(vm)
    assert x.VM.get_power_state(vm) == "Halted"


def test_an_hvm_guest_without_drivers_lacks_the_clean_operations(session):
    x = session.xenapi
    vm = a_guest_without_tools(x, "hvm")
    x.VM.start(vm, False, False)
    assert x.VM_metrics.get_current_domain_type(x.VM.get_metrics(vm)) == "hvm"
    allowed = set(x.VM.get_allowed_operations(vm))
    assert not (CLEAN | {"suspend", "checkpoint", "pool_migrate"}) & allowed
    assert "hard_shutdown" in allowed
    assert failure(x.VM.clean_shutdown, vm) == ["VM_LACKS_FEATURE", vm]
    here = x.VM.get_resident_on(vm)
    there = next(h for h in x.host.get_all() if h != here)
    assert failure(x.VM.pool_migrate, vm, there, {"live": "true"}) == ["VM_LACKS_FEATURE", vm]
    x.VM.pool_migrate(vm, there, {"live": "true", "force": "true"})  # forced: no check
    assert x.VM.get_resident_on(vm) == there
    x.VM.hard_shutdown(vm)


def recorded_operations(path) -> dict[str, set[str]]:
    """The VMs' allowed_operations as the recording pool had them (today's operations only)."""
    current = set(ENUMS["vm_operations"])
    out = {}
    for table in ET.parse(path).getroot().iter("table"):
        if table.get("name") == "VM":
            for row in table.iter("row"):
                ops = parse_sexpr(row.get("allowed_operations") or "()")
                out[row.get("ref")] = set(ops) & current
    return out


@pytest.mark.parametrize("name", DUMPS)
def test_a_dumps_vms_keep_the_operations_their_pool_allowed(shared_dir, name):
    path = shared_dir / "data" / "xapi-dbs" / name
    db = load_dump(path)
    recorded = recorded_operations(path)
    for ref, vm in db.all("VM").items():
        if vm["is_a_template"]:
            continue  # older xapis allowed templates what today's refuse them (snapshot)
        assert recorded[ref] <= set(vm["allowed_operations"]), (vm["name_label"],
                                                                recorded[ref] - set(vm["allowed_operations"]))
        assert vm["domain_type"] == ("pv" if vm["is_control_domain"] or not vm["HVM_boot_policy"]
                                     else "hvm")


def test_an_old_pv_guest_without_tools_shuts_down_cleanly(shared_dir):
    """Cowley's 'jarvis' ran PV without tools, from before VM_metrics.current_domain_type."""
    db = load_dump(shared_dir / "data" / "xapi-dbs" / "Cowley-db.xml")
    with running_pool(db=db) as pool:
        s = XenAPI.Session(pool.url)
        s.xenapi.login_with_password(pool.user, pool.password, "2.21", "pv-test")
        x = s.xenapi
        [jarvis] = x.VM.get_by_name_label("jarvis")
        assert x.VM.get_guest_metrics(jarvis) == "OpaqueRef:NULL"
        assert x.VM_metrics.get_current_domain_type(x.VM.get_metrics(jarvis)) == "pv"
        assert CLEAN <= set(x.VM.get_allowed_operations(jarvis))
        x.VM.clean_shutdown(jarvis)
        assert x.VM.get_power_state(jarvis) == "Halted"
