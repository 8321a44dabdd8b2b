"""VM.create makes a halted VM with its metrics and xapi's allowed operations."""

from __future__ import annotations

import pytest
import XenAPI

GiB = 2**30


def vm_args(**extra):
    args = dict(
        user_version="1", is_a_template=False, affinity="OpaqueRef:NULL",
        memory_static_max=str(GiB), memory_dynamic_max=str(GiB), memory_dynamic_min=str(GiB),
        memory_static_min=str(GiB // 2), VCPUs_params={}, VCPUs_max="1", VCPUs_at_startup="1",
        actions_after_shutdown="destroy", actions_after_reboot="restart",
        actions_after_crash="restart", PV_bootloader="", PV_kernel="", PV_ramdisk="", PV_args="",
        PV_bootloader_args="", PV_legacy_args="", HVM_boot_policy="BIOS order",
        HVM_boot_params={"order": "cd"}, platform={}, PCI_bus="", other_config={},
        recommendations="", name_label="fresh",
    )
    args.update(extra)
    return args


def test_create_then_start(pool, session):
    vm = session.xenapi.VM.create(vm_args())
    record = session.xenapi.VM.get_record(vm)
    assert record["power_state"] == "Halted" and record["name_label"] == "fresh"
    assert session.xenapi.VM_metrics.get_uuid(record["metrics"])
    assert "start" in record["allowed_operations"]
    session.xenapi.VM.start(vm, False, False)
    assert session.xenapi.VM.get_power_state(vm) == "Running"


def test_create_needs_the_mandatory_fields(pool, session):
    args = vm_args()
    del args["VCPUs_max"]
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VM.create(args)
    assert err.value.details[0] == "INTERNAL_ERROR" and "VCPUs_max" in err.value.details[1]
