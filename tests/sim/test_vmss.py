"""Snapshot schedules: xapi's checks of schedules and retention, snapshot_now and what it keeps."""

from __future__ import annotations

import pytest
import XenAPI


def failure(fn, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        fn(*args)
    return info.value.details


def test_the_synthetic_schedule(session):
    x = session.xenapi
    [vmss] = x.VMSS.get_by_name_label("Nightly snapshots")
    rec = x.VMSS.get_record(vmss)
    assert rec["frequency"] == "daily" and rec["schedule"] == {"hour": "2", "min": "30"}
    assert rec["VMs"] and all(x.VM.get_snapshot_schedule(vm) == vmss for vm in rec["VMs"])
    assert all("backup-nightly" in x.VM.get_tags(vm) for vm in rec["VMs"])


def test_create_checks_the_schedule(session):
    x = session.xenapi
    base = {"name_label": "hourly", "type": "snapshot", "frequency": "hourly"}
    vmss = x.VMSS.create({**base, "schedule": {}})
    assert x.VMSS.get_schedule(vmss) == {"min": "0"}
    assert x.VMSS.get_retained_snapshots(vmss) == "7"
    assert failure(x.VMSS.create, {**base, "schedule": {"min": "10"}}) == \
        ["INVALID_VALUE", "schedule:min", "10"]
    assert failure(x.VMSS.create, {**base, "retained_snapshots": "11"}) == \
        ["INVALID_VALUE", "retained_snapshots", "11"]
    assert failure(x.VMSS.create, {"name_label": "no type", "frequency": "daily"})[0] == \
        "INTERNAL_ERROR"  # type is mandatory
    x.VMSS.set_frequency(vmss, "weekly")
    assert x.VMSS.get_schedule(vmss) == {"hour": "0", "min": "0", "days": "Monday"}
    x.VMSS.set_schedule(vmss, {"days": "friday,Monday", "hour": "23"})
    assert x.VMSS.get_schedule(vmss) == {"hour": "23", "min": "0", "days": "Friday,Monday"}
    assert failure(x.VMSS.set_schedule, vmss, {"hour": "24"}) == ["INVALID_VALUE", "schedule:hour", "24"]
    assert failure(x.VMSS.add_to_schedule, vmss, "days", "Monday")[0] == "MAP_DUPLICATE_KEY"
    x.VMSS.remove_from_schedule(vmss, "days")
    assert failure(x.VMSS.add_to_schedule, vmss, "days", "Mon") == ["INVALID_VALUE", "schedule:days", "Mon"]
    assert failure(x.VMSS.set_retained_snapshots, vmss, "0") == ["INVALID_VALUE", "retained_snapshots", "0"]
    x.VMSS.destroy(vmss)


def test_snapshot_now_keeps_the_newest(session):
    x = session.xenapi
    vm = x.VM.get_by_name_label("dev-web-01")[0]
    vmss = x.VMSS.create({"name_label": "keep two", "type": "snapshot", "frequency": "hourly",
                          "retained_snapshots": "2"})
    x.VM.set_snapshot_schedule(vm, vmss)
    assert failure(x.VMSS.destroy, vmss) == ["VMSS_HAS_VM"]
    before = set(x.VM.get_snapshots(vm))
    taken = [x.VMSS.snapshot_now(vmss)]
    first_disks = [x.VBD.get_VDI(vbd) for vbd in x.VM.get_VBDs(taken[0])
                   if x.VBD.get_type(vbd) == "Disk"]
    assert first_disks
    taken += [x.VMSS.snapshot_now(vmss) for _ in range(2)]
    scheduled = [s for s in x.VM.get_snapshots(vm) if x.VM.get_is_vmss_snapshot(s)]
    assert sorted(scheduled) == sorted(taken[1:])  # the oldest went, with its disks
    assert set(x.VM.get_snapshots(vm)) - set(scheduled) == before
    assert failure(x.VM.get_record, taken[0])[0] == "HANDLE_INVALID"
    assert all(failure(x.VDI.get_record, vdi)[0] == "HANDLE_INVALID" for vdi in first_disks)
    assert x.VMSS.get_last_run_time(vmss).value > "2025"
    x.VM.set_snapshot_schedule(vm, "OpaqueRef:NULL")
    x.VMSS.destroy(vmss)
