"""VM power operations over real sockets: start/start_on/resume placement and effects, shutdowns,
reboots, suspend, pause, the lifecycle errors with xapi's exact arguments, events, cancel."""

from __future__ import annotations

import re
import time

import pytest
import XenAPI

from xapiman.sim import guest, placement
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)


# -- helpers shared by the VM test modules ------------------------------------------------------


def login(p) -> XenAPI.Session:
    s = XenAPI.Session(p.url, ignore_ssl=True)
    s.xenapi.login_with_password(p.user, p.password)
    return s


def user_vms(db) -> dict[str, dict]:
    return {ref: rec for ref, rec in db.all("VM").items()
            if not (rec["is_a_template"] or rec["is_a_snapshot"] or rec["is_control_domain"])}


def disk_srs(db, vm: str) -> list[str]:
    out = []
    for vbd in db.get(vm, "VM")["VBDs"]:
        rec = db.get(vbd, "VBD")
        if rec["type"] == "Disk":
            out.append(db.get(rec["VDI"], "VDI")["SR"])
    return out


def on_shared_storage(db, vm: str) -> bool:
    return all(db.get(sr, "SR")["shared"] for sr in disk_srs(db, vm))


def pick(db, state: str, *, tools: bool | None = True, shared: bool | None = True,
         skip: tuple[str, ...] = ()) -> str:
    """A user VM in `state` (with/without guest tools, on shared storage or not)."""
    for ref, rec in user_vms(db).items():
        if rec["power_state"] != state or ref in skip:
            continue
        if tools is not None and guest.has_tools(rec) != tools:
            continue
        if shared is not None and on_shared_storage(db, ref) != shared:
            continue
        return ref
    raise AssertionError(f"no {state} VM (tools={tools}, shared={shared})")


def wait_task(x, task: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rec = x.task.get_record(task)
        if rec["status"] != "pending":
            return rec
        time.sleep(0.02)
    raise AssertionError(f"task {task} still pending")


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)


def details(call, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as err:
        call(*args)
    return err.value.details


# -- start --------------------------------------------------------------------------------------


def test_start_boots_the_vm_with_devices_consoles_metrics_and_tools(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.start(vm, False, False)
    rec = x.VM.get_record(vm)
    assert rec["power_state"] == "Running"
    host = rec["resident_on"]
    assert host in x.host.get_all() and rec["scheduled_to_be_resident_on"] == NULL_REF
    assert int(rec["domid"]) > 0 and "start" not in rec["allowed_operations"]
    assert {"clean_shutdown", "hard_shutdown", "suspend", "pool_migrate"} <= set(
        rec["allowed_operations"])
    metrics = x.VM_metrics.get_record(rec["metrics"])
    assert metrics["memory_actual"] == rec["memory_dynamic_max"]
    assert metrics["VCPUs_number"] == rec["VCPUs_at_startup"]
    assert metrics["current_domain_type"] == "hvm"
    for vbd in rec["VBDs"]:
        vbd_rec = x.VBD.get_record(vbd)
        assert vbd_rec["currently_attached"] and re.fullmatch(r"xvd[a-z]", vbd_rec["device"])
    assert all(x.VIF.get_currently_attached(vif) for vif in rec["VIFs"])
    [console] = rec["consoles"]
    crec = x.console.get_record(console)
    address = x.host.get_address(host)
    assert crec["protocol"] == "rfb"
    assert crec["location"] == f"http://{address}/console?uuid={crec['uuid']}"
    gm = x.VM_guest_metrics.get_record(rec["guest_metrics"])
    vif0 = x.VIF.get_record(rec["VIFs"][0])
    assert re.fullmatch(r"10\.0\.\d+\.\d+", gm["networks"][f"{vif0['device']}/ip"])
    assert gm["PV_drivers_version"]["major"] and gm["other"]["feature-shutdown"] == "1"
    started = [m for m in x.message.get_all_records().values()
               if m["name"] == "VM_STARTED" and m["obj_uuid"] == rec["uuid"]]
    assert started and started[0]["priority"] == "5"
    assert started[0]["body"] == (f"VM '{rec['name_label']}' (uuid: {rec['uuid']}) started on "
                                  f"host: {x.host.get_name_label(host)} "
                                  f"(uuid: {x.host.get_uuid(host)})")


def test_each_boot_gets_a_new_domid_and_start_paused_gives_paused(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.start(vm, True, False)
    assert x.VM.get_power_state(vm) == "Paused"
    first = x.VM.get_domid(vm)
    x.VM.unpause(vm)
    assert x.VM.get_power_state(vm) == "Running"
    x.VM.clean_reboot(vm)
    assert x.VM.get_domid(vm) != first and x.VM.get_power_state(vm) == "Running"
    second = x.VM.get_domid(vm)
    x.VM.pause(vm)
    x.VM.hard_reboot(vm)
    assert x.VM.get_power_state(vm) == "Running" and x.VM.get_domid(vm) != second


def test_vm_without_tools_gets_no_guest_metrics_and_no_clean_shutdown(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.add_to_other_config(vm, guest.TOOLS_KEY, "false")
    x.VM.start(vm, False, False)
    assert x.VM.get_guest_metrics(vm) == NULL_REF
    assert "clean_shutdown" not in x.VM.get_allowed_operations(vm)
    assert details(x.VM.clean_shutdown, vm) == ["VM_LACKS_FEATURE", vm]
    assert details(x.VM.clean_reboot, vm) == ["VM_LACKS_FEATURE", vm]
    assert details(x.VM.suspend, vm) == ["VM_LACKS_FEATURE", vm]
    x.VM.shutdown(vm)  # falls back to a hard shutdown
    assert x.VM.get_power_state(vm) == "Halted"


def test_lifecycle_errors_carry_xapis_arguments(pool, session):
    x = session.xenapi
    running, halted = pick(pool.db, "Running"), pick(pool.db, "Halted")
    assert details(x.VM.start, running, False, False) == [
        "VM_BAD_POWER_STATE", running, "halted", "running"]
    assert details(x.VM.clean_shutdown, halted) == [
        "VM_BAD_POWER_STATE", halted, "running", "halted"]
    assert details(x.VM.hard_shutdown, halted) == [
        "VM_BAD_POWER_STATE", halted, "paused, suspended, running", "halted"]
    assert details(x.VM.hard_reboot, halted) == [
        "VM_BAD_POWER_STATE", halted, "paused, running", "halted"]
    assert details(x.VM.resume, halted, False, False) == [
        "VM_BAD_POWER_STATE", halted, "suspended", "halted"]
    assert details(x.VM.unpause, running) == ["VM_BAD_POWER_STATE", running, "paused", "running"]
    template = next(r for r, v in pool.db.all("VM").items() if v["is_default_template"])
    assert details(x.VM.start, template, False, False) == ["VM_IS_TEMPLATE", template, "start"]
    x.VM.add_to_blocked_operations(halted, "start", "BLOCKED_BY_TEST")
    assert "start" not in x.VM.get_allowed_operations(halted)
    assert details(x.VM.start, halted, False, False) == [
        "OPERATION_BLOCKED", halted, "BLOCKED_BY_TEST"]
    x.VM.remove_from_blocked_operations(halted, "start")
    assert "start" in x.VM.get_allowed_operations(halted)
    dom0 = next(r for r, v in pool.db.all("VM").items() if v["is_control_domain"])
    assert details(x.VM.suspend, dom0) == [
        "OPERATION_NOT_ALLOWED", "This operation is not allowed on a control domain"]


def test_placement_errors(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    hosts = x.host.get_all()
    pool.db.update(hosts[0], enabled=False)
    assert details(x.VM.start_on, vm, hosts[0], False, False) == ["HOST_DISABLED", hosts[0]]
    for host in hosts:
        pool.db.update(host, enabled=False)
    assert details(x.VM.start, vm, False, False) == ["NO_HOSTS_AVAILABLE"]
    for host in hosts:
        pool.db.update(host, enabled=True)
    big = str(1024**4)
    x.VM.set_memory_limits(vm, big, big, big, big)
    assert details(x.VM.start, vm, False, False) == ["NO_HOSTS_AVAILABLE"]
    error = details(x.VM.start_on, vm, hosts[1], False, False)
    needed = placement.vm_memory_need(pool.db, vm)
    assert error == ["HOST_NOT_ENOUGH_FREE_MEMORY", str(needed),
                     str(placement.host_free_memory(pool.db, hosts[1]))]
    assert int(error[1]) > int(error[2]) and x.VM.get_power_state(vm) == "Halted"
    local = pick(pool.db, "Halted", shared=False)
    [sr] = disk_srs(pool.db, local)
    elsewhere = next(h for h in hosts if sr not in placement.srs_plugged_on(pool.db, h))
    assert details(x.VM.start_on, local, elsewhere, False, False) == [
        "VM_REQUIRES_SR", local, sr]


def test_affinity_is_honoured(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    for host in x.host.get_all():
        x.VM.set_affinity(vm, host)
        x.VM.start(vm, False, False)
        assert x.VM.get_resident_on(vm) == host
        x.VM.hard_shutdown(vm)


# -- shutdown, suspend ----------------------------------------------------------------------------


def test_clean_shutdown_removes_the_domain(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    rec = x.VM.get_record(vm)
    x.VM.clean_shutdown(vm)
    after = x.VM.get_record(vm)
    assert after["power_state"] == "Halted" and after["resident_on"] == NULL_REF
    assert after["domid"] == "-1" and after["consoles"] == [] and after["guest_metrics"] == NULL_REF
    assert rec["guest_metrics"] not in x.VM_guest_metrics.get_all()
    assert not any(x.VBD.get_currently_attached(v) for v in after["VBDs"])
    assert x.VM_metrics.get_memory_actual(after["metrics"]) == "0"
    assert "start" in after["allowed_operations"]


def test_suspend_writes_a_memory_image_and_resume_drops_it(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    sr = x.pool.get_suspend_image_SR(x.pool.get_all()[0])
    x.VM.suspend(vm)
    rec = x.VM.get_record(vm)
    assert rec["power_state"] == "Suspended" and rec["resident_on"] == NULL_REF
    image = x.VDI.get_record(rec["suspend_VDI"])
    assert image["type"] == "suspend" and image["SR"] == sr
    assert int(image["virtual_size"]) > int(rec["memory_static_max"])
    assert rec["guest_metrics"] != NULL_REF and rec["consoles"] == []
    x.VM.resume(vm, False, False)
    after = x.VM.get_record(vm)
    assert after["power_state"] == "Running" and after["suspend_VDI"] == NULL_REF
    assert rec["suspend_VDI"] not in x.VDI.get_all()
    x.VM.suspend(vm)
    image = x.VM.get_suspend_VDI(vm)
    x.VM.hard_shutdown(vm)
    assert x.VM.get_power_state(vm) == "Halted" and image not in x.VDI.get_all()


def test_suspend_needs_a_suspend_sr(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    x.pool.set_suspend_image_SR(x.pool.get_all()[0], NULL_REF)
    for host in x.host.get_all():
        x.host.set_suspend_image_sr(host, NULL_REF)
    assert details(x.VM.suspend, vm) == ["VM_NO_SUSPEND_SR", vm]
    assert x.VM.get_power_state(vm) == "Running" and x.VM.get_current_operations(vm) == {}


def test_power_state_reset_refuses_live_domains(pool, session):
    x = session.xenapi
    coordinator = x.pool.get_master(x.pool.get_all()[0])
    on_coordinator = next(r for r, v in user_vms(pool.db).items()
                          if v["power_state"] == "Running" and v["resident_on"] == coordinator)
    assert details(x.VM.power_state_reset, on_coordinator) == ["DOMAIN_EXISTS", on_coordinator]
    vm = next(r for r, v in user_vms(pool.db).items()
              if v["power_state"] == "Running" and v["resident_on"] != coordinator)
    host = x.VM.get_resident_on(vm)
    assert details(x.VM.power_state_reset, vm) == ["HOST_IS_LIVE", host]
    pool.db.update(pool.db.get(host, "host")["metrics"], live=False)
    x.VM.power_state_reset(vm)
    assert x.VM.get_power_state(vm) == "Halted" and x.VM.get_resident_on(vm) == NULL_REF


def test_a_crash_follows_actions_after_crash_and_posts_an_alert(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    domid = x.VM.get_domid(vm)
    guest.crash_vm(pool.sim, vm)  # actions_after_crash = restart
    assert x.VM.get_power_state(vm) == "Running" and x.VM.get_domid(vm) != domid
    uuid = x.VM.get_uuid(vm)
    [alert] = [m for m in x.message.get_all_records().values()
               if m["name"] == "VM_CRASHED" and m["obj_uuid"] == uuid]
    assert alert["priority"] == "2" and alert["cls"] == "VM" and "crashed" in alert["body"]
    x.VM.set_actions_after_crash(vm, "destroy")
    guest.crash_vm(pool.sim, vm)
    assert x.VM.get_power_state(vm) == "Halted"


def test_consoles_use_https_when_the_pool_does():
    with running_pool(hosts=1, vms=4, tls=True) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Halted", shared=None)
        x.VM.start(vm, False, False)
        [console] = x.VM.get_consoles(vm)
        host = x.VM.get_resident_on(vm)
        assert x.console.get_location(console).startswith(f"https://{x.host.get_address(host)}/")


# -- operations seen through events, progress and cancel ----------------------------------------


def vm_snapshots_until_done(x, vm: str, task: str, token: str) -> list[dict]:
    seen = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        batch = x.event_from([f"vm/{vm}", f"task/{task}"], token, 1.0)
        token = batch["token"]
        seen += [e["snapshot"] for e in batch["events"] if e["class"] == "vm"]
        if x.task.get_status(task) != "pending" and seen and not seen[-1]["current_operations"]:
            return seen
    raise AssertionError("operation never ended")


def test_events_show_the_operation_start_and_end_and_tools_report_later():
    with running_pool(hosts=2, vms=10, speed=20) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Halted", shared=None)
        token = x.event_from([f"vm/{vm}"], "", 1.0)["token"]
        task = x.Async.VM.start(vm, False, False)
        seen = vm_snapshots_until_done(x, vm, task, token)
        assert any(s["current_operations"] == {task: "start"} and "start" not in
                   s["allowed_operations"] for s in seen)
        assert seen[-1]["current_operations"] == {} and seen[-1]["power_state"] == "Running"
        record = wait_task(x, task)
        assert record["status"] == "success" and record["progress"] == 1.0
        assert x.VM.get_guest_metrics(vm) == NULL_REF  # the guest is still booting
        wait_for(lambda: x.VM.get_guest_metrics(vm) != NULL_REF)


def test_a_running_operation_blocks_others():
    with running_pool(hosts=2, vms=10, speed=5) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Halted", shared=None)
        task = x.Async.VM.start(vm, False, False)
        wait_for(lambda: x.VM.get_current_operations(vm))
        assert details(x.VM.start, vm, False, False) == [
            "OTHER_OPERATION_IN_PROGRESS", "VM", vm, "start", task]
        assert details(x.VM.clone, vm, "twin") == [
            "OTHER_OPERATION_IN_PROGRESS", "VM", vm, "start", task]
        wait_task(x, task)


def test_cancelling_a_start_leaves_the_vm_halted():
    with running_pool(hosts=2, vms=10, speed=2) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Halted", shared=None)
        task = x.Async.VM.start(vm, False, False)
        wait_for(lambda: x.VM.get_scheduled_to_be_resident_on(vm) != NULL_REF)
        x.task.cancel(task)
        record = wait_task(x, task)
        assert record["status"] == "cancelled"
        assert record["error_info"] == ["TASK_CANCELLED", task]
        rec = x.VM.get_record(vm)
        assert rec["power_state"] == "Halted" and rec["current_operations"] == {}
        assert rec["scheduled_to_be_resident_on"] == NULL_REF and rec["consoles"] == []
        assert "start" in rec["allowed_operations"]


def test_hard_shutdown_cancels_a_clean_shutdown_in_progress():
    with running_pool(hosts=2, vms=10, speed=2) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Running", shared=None)
        clean = x.Async.VM.clean_shutdown(vm)
        wait_for(lambda: x.VM.get_current_operations(vm))
        x.VM.hard_shutdown(vm)
        assert wait_task(x, clean)["status"] == "cancelled"
        assert x.VM.get_power_state(vm) == "Halted"


def test_every_power_operation_shows_in_current_operations():
    with running_pool(hosts=2, vms=10, speed=10) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Running", shared=None)
        steps = [("suspend", ()), ("resume", (False, False)), ("clean_reboot", ()),
                 ("clean_shutdown", ()), ("start", (False, False))]
        for op, args in steps:
            token = x.event_from([f"vm/{vm}"], "", 1.0)["token"]
            task = getattr(x.Async.VM, op)(vm, *args)
            seen = vm_snapshots_until_done(x, vm, task, token)
            assert any(s["current_operations"] == {task: op} for s in seen), op
            assert seen[-1]["current_operations"] == {}
            assert wait_task(x, task)["status"] == "success", op
            if x.VM.get_power_state(vm) == "Running":  # a new domain: its tools report again
                wait_for(lambda: x.VM.get_guest_metrics(vm) != NULL_REF)
        assert x.VM.get_power_state(vm) == "Running"
