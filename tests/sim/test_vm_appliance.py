"""vApps: allowed operations from their VMs' power states, start and shut down in order,
errors as xapi answers them."""

from __future__ import annotations

import pytest
import XenAPI

from xapiman.sim.testing import running_pool


def failure(fn, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        fn(*args)
    return info.value.details


def test_the_synthetic_vapp(session):
    x = session.xenapi
    [vapp] = x.VM_appliance.get_by_name_label("Web shop")
    rec = x.VM_appliance.get_record(vapp)
    members = {x.VM.get_name_label(vm): x.VM.get_order(vm) for vm in rec["VMs"]}
    assert members == {"prod-db-01": "0", "prod-cache-01": "1", "prod-web-01": "2"}
    assert all(x.VM.get_appliance(vm) == vapp for vm in rec["VMs"])
    assert sorted(rec["allowed_operations"]) == ["clean_shutdown", "hard_shutdown", "shutdown"]
    assert failure(x.VM_appliance.start, vapp, False) == \
        ["OPERATION_NOT_ALLOWED", "There are no halted VMs in this appliance."]


def test_shutdown_then_start_in_order():
    with running_pool(speed=30) as pool:  # a start takes 0.2 s: the groups can be told apart
        s = XenAPI.Session(pool.url)
        s.xenapi.login_with_password(pool.user, pool.password, "2.21", "vapp-test")
        x = s.xenapi
        [vapp] = x.VM_appliance.get_by_name_label("Web shop")
        vms = x.VM_appliance.get_VMs(vapp)
        order = {vm: int(x.VM.get_order(vm)) for vm in vms}
        x.VM_appliance.clean_shutdown(vapp)
        assert {x.VM.get_power_state(vm) for vm in vms} == {"Halted"}
        assert x.VM_appliance.get_allowed_operations(vapp) == ["start"]
        token = x.event_from(["vm"], "", 0.0)["token"]
        task = x.Async.VM_appliance.start(vapp, False)
        running: list[str] = []
        while x.task.get_status(task) == "pending" or len(running) < len(vms):
            batch = x.event_from(["vm"], token, 1.0)
            token = batch["token"]
            for event in batch["events"]:
                if event["ref"] in vms and event["snapshot"]["power_state"] == "Running" \
                        and event["ref"] not in running:
                    running.append(event["ref"])
        assert x.task.get_status(task) == "success", x.task.get_error_info(task)
        assert [order[vm] for vm in running] == sorted(order.values())  # lowest order first
        assert x.VM_appliance.get_current_operations(vapp) == {}
        assert x.VM_appliance.get_allowed_operations(vapp) == \
            ["clean_shutdown", "hard_shutdown", "shutdown"]


def test_a_vm_that_cannot_start_makes_the_start_partial(session):
    x = session.xenapi
    [vapp] = x.VM_appliance.get_by_name_label("Web shop")
    vms = x.VM_appliance.get_VMs(vapp)
    x.VM_appliance.hard_shutdown(vapp)
    blocked = vms[0]
    x.VM.add_to_blocked_operations(blocked, "start", "maintenance")
    assert failure(x.VM_appliance.start, vapp, False) == \
        ["OPERATION_PARTIALLY_FAILED", "VM_appliance.start", blocked]
    assert x.VM.get_power_state(blocked) == "Halted"
    assert {x.VM.get_power_state(vm) for vm in vms[1:]} == {"Running"}


def test_create_add_and_destroy(session):
    x = session.xenapi
    vapp = x.VM_appliance.create({"name_label": "batch", "name_description": "jobs"})
    assert x.VM_appliance.get_allowed_operations(vapp) == []
    assert failure(x.VM_appliance.start, vapp, False) == \
        ["OPERATION_NOT_ALLOWED", "Appliance has no VMs."]
    vm = x.VM.get_by_name_label("stage-build-01")[0]
    x.VM.set_appliance(vm, vapp)
    assert x.VM_appliance.get_VMs(vapp) == [vm]
    assert x.VM_appliance.get_allowed_operations(vapp)
    x.VM_appliance.destroy(vapp)
    assert x.VM.get_appliance(vm) == "OpaqueRef:NULL"
    assert failure(x.VM_appliance.get_record, vapp)[0] == "HANDLE_INVALID"
