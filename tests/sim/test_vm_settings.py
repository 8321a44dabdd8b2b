"""VM settings with rules (memory, vCPUs, blocked operations, template flag) and the questions a
client asks before acting (operation checks, possible hosts, free devices, memory overhead)."""

from __future__ import annotations

import pytest

from tests.sim.test_vm_power import details, pick, user_vms
from xapiman.sim import guest

pytestmark = pytest.mark.timeout(60)

GiB = 1024**3
VCPU_RULE = "VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max"


def memory(x, vm: str) -> list[int]:
    rec = x.VM.get_record(vm)
    return [int(rec[f"memory_{k}"]) for k in ("static_min", "dynamic_min", "dynamic_max",
                                              "static_max")]


# -- memory -------------------------------------------------------------------------------------


def test_set_memory_limits_checks_the_order(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.set_memory_limits(vm, str(GiB), str(8 * GiB), str(2 * GiB), str(4 * GiB))
    assert memory(x, vm) == [GiB, 2 * GiB, 4 * GiB, 8 * GiB]
    assert x.VM.get_memory_target(vm) == str(2 * GiB)
    assert details(x.VM.set_memory_limits, vm, str(GiB), str(8 * GiB), str(4 * GiB),
                   str(2 * GiB)) == ["MEMORY_CONSTRAINT_VIOLATION_ORDER"]
    assert details(x.VM.set_memory_limits, vm, str(4 * GiB), str(8 * GiB), str(2 * GiB),
                   str(8 * GiB)) == ["MEMORY_CONSTRAINT_VIOLATION_ORDER"]
    assert memory(x, vm) == [GiB, 2 * GiB, 4 * GiB, 8 * GiB]
    x.VM.set_memory(vm, str(3 * GiB))
    assert memory(x, vm) == [GiB, 3 * GiB, 3 * GiB, 3 * GiB]
    running = pick(pool.db, "Running")
    assert details(x.VM.set_memory_limits, running, str(GiB), str(GiB), str(GiB), str(GiB)) == [
        "VM_BAD_POWER_STATE", running, "halted", "running"]
    assert details(x.VM.set_memory, running, str(GiB)) == [
        "VM_BAD_POWER_STATE", running, "halted", "running"]


def test_static_range_needs_a_halted_vm_and_dynamic_range_works_running(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.set_memory_static_range(vm, str(GiB // 2), str(16 * GiB))
    assert memory(x, vm)[0] == GiB // 2 and memory(x, vm)[3] == 16 * GiB
    x.VM.set_memory_static_max(vm, str(12 * GiB))
    x.VM.set_memory_dynamic_min(vm, str(GiB))
    assert memory(x, vm)[3] == 12 * GiB and memory(x, vm)[1] == GiB
    running = pick(pool.db, "Running")
    low, _, high, top = memory(x, running)
    assert details(x.VM.set_memory_static_range, running, str(low), str(top)) == [
        "VM_BAD_POWER_STATE", running, "halted", "running"]
    x.VM.set_memory_dynamic_range(running, str(low), str(top))
    assert memory(x, running)[1:3] == [low, top]
    metrics = x.VM.get_metrics(running)
    assert x.VM_metrics.get_memory_actual(metrics) == str(top)
    assert details(x.VM.set_memory_dynamic_range, running, str(top), str(low)) == [
        "MEMORY_CONSTRAINT_VIOLATION_ORDER"]
    x.VM.set_memory_dynamic_max(running, str(high))
    assert memory(x, running)[2] == high
    suspended = pick(pool.db, "Suspended", tools=None, shared=None)
    assert details(x.VM.set_memory_dynamic_range, suspended, str(GiB), str(GiB)) == [
        "VM_BAD_POWER_STATE", suspended, "halted, running", "suspended"]


def test_a_control_domains_memory_stays_pinned(pool, session):
    x = session.xenapi
    dom0 = next(r for r, v in pool.db.all("VM").items() if v["is_control_domain"])
    assert details(x.VM.set_memory_limits, dom0, str(GiB), str(8 * GiB), str(2 * GiB),
                   str(4 * GiB)) == ["MEMORY_CONSTRAINT_VIOLATION_MAXPIN", "control domain"]


def test_memory_overhead_follows_the_settings(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    small = int(x.VM.compute_memory_overhead(vm))
    assert small > 0
    x.VM.set_memory_limits(vm, str(GiB), str(64 * GiB), str(64 * GiB), str(64 * GiB))
    assert int(x.VM.compute_memory_overhead(vm)) > small
    assert x.VM.get_memory_overhead(vm) == x.VM.compute_memory_overhead(vm)
    assert details(x.VM.set_HVM_shadow_multiplier, vm, 0.5) == [
        "INVALID_VALUE", "multiplier", "0.5"]


# -- vCPUs ----------------------------------------------------------------------------------------


def test_vcpu_setters_check_their_rule(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.set_VCPUs_max(vm, "8")
    x.VM.set_VCPUs_at_startup(vm, "6")
    assert (x.VM.get_VCPUs_max(vm), x.VM.get_VCPUs_at_startup(vm)) == ("8", "6")
    assert details(x.VM.set_VCPUs_max, vm, "0") == ["INVALID_VALUE", VCPU_RULE, "0"]
    assert details(x.VM.set_VCPUs_max, vm, "4") == ["INVALID_VALUE", VCPU_RULE, "4"]
    assert details(x.VM.set_VCPUs_at_startup, vm, "9") == ["INVALID_VALUE", VCPU_RULE, "9"]
    assert details(x.VM.set_VCPUs_at_startup, vm, "0") == ["INVALID_VALUE", VCPU_RULE, "0"]
    running = pick(pool.db, "Running")
    assert details(x.VM.set_VCPUs_max, running, "8") == [
        "VM_BAD_POWER_STATE", running, "halted", "running"]


def test_vcpus_hot_plug_on_a_running_guest_with_tools(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.set_VCPUs_max(vm, "4")
    x.VM.set_VCPUs_at_startup(vm, "1")
    x.VM.start(vm, False, False)
    x.VM.set_VCPUs_number_live(vm, "3")
    assert x.VM_metrics.get_VCPUs_number(x.VM.get_metrics(vm)) == "3"
    assert x.VM.get_VCPUs_at_startup(vm) == "3"
    assert details(x.VM.set_VCPUs_number_live, vm, "5") == [
        "INVALID_VALUE", "VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max", "5"]


# -- operation checks -----------------------------------------------------------------------------


def test_assert_operation_valid_and_allowed_operations(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.assert_operation_valid(vm, "start")
    assert details(x.VM.assert_operation_valid, vm, "suspend") == [
        "VM_BAD_POWER_STATE", vm, "running", "halted"]
    pool.db.update(vm, allowed_operations=[])
    x.VM.update_allowed_operations(vm)
    allowed = set(x.VM.get_allowed_operations(vm))
    assert {"start", "start_on", "clone", "copy", "snapshot", "export", "destroy",
            "make_into_template", "migrate_send", "metadata_export", "changing_dynamic_range",
            "changing_static_range", "changing_shadow_memory", "changing_NVRAM",
            "create_vtpm"} == allowed
    running = pick(pool.db, "Running")
    assert {"clean_shutdown", "clean_reboot", "hard_shutdown", "hard_reboot", "pause", "suspend",
            "checkpoint", "snapshot", "pool_migrate", "migrate_send", "changing_dynamic_range",
            "changing_VCPUs_live"} <= set(x.VM.get_allowed_operations(running))


def test_blocked_operations_and_the_template_flag_update_allowed_operations(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    x.VM.set_blocked_operations(vm, {"destroy": "true", "clone": "PROTECTED"})
    allowed = x.VM.get_allowed_operations(vm)
    assert "destroy" not in allowed and "clone" not in allowed
    assert details(x.VM.clone, vm, "c") == ["OPERATION_BLOCKED", vm, "PROTECTED"]
    assert details(x.VM.add_to_blocked_operations, vm, "clone", "again") == [
        "MAP_DUPLICATE_KEY", "VM", "blocked_operations", x.VM.get_uuid(vm), "clone"]
    x.VM.set_blocked_operations(vm, {})
    assert "clone" in x.VM.get_allowed_operations(vm)
    running = pick(pool.db, "Running")
    assert details(x.VM.set_is_a_template, running, True) == [
        "VM_BAD_POWER_STATE", running, "halted", "running"]
    x.VM.set_is_a_template(vm, True)
    assert x.VM.get_is_a_template(vm) and "start" not in x.VM.get_allowed_operations(vm)
    x.VM.set_is_a_template(vm, False)
    assert "start" in x.VM.get_allowed_operations(vm)


# -- where a VM can run, devices ------------------------------------------------------------------


def test_possible_hosts_and_boot_checks(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    hosts = x.host.get_all()
    assert sorted(x.VM.get_possible_hosts(vm)) == sorted(hosts)
    pool.db.update(hosts[1], enabled=False)
    assert x.VM.get_possible_hosts(vm) == [hosts[0]]
    assert details(x.VM.assert_can_boot_here, vm, hosts[1]) == ["HOST_DISABLED", hosts[1]]
    x.VM.assert_can_boot_here(vm, hosts[0])
    local = pick(pool.db, "Halted", shared=False)
    assert len(x.VM.get_possible_hosts(local)) <= 1


def test_free_device_numbers(pool, session):
    x = session.xenapi
    vm = next(r for r, v in user_vms(pool.db).items() if len(v["VBDs"]) == 2)
    used = {x.VBD.get_userdevice(v) for v in x.VM.get_VBDs(vm)}
    vbd_devices = x.VM.get_allowed_VBD_devices(vm)
    assert len(vbd_devices) == 255 - len(used) and not used & set(vbd_devices)
    assert vbd_devices[0] == min({str(n) for n in range(255)} - used, key=int)
    vif_devices = x.VM.get_allowed_VIF_devices(vm)
    used_vifs = {x.VIF.get_device(v) for v in x.VM.get_VIFs(vm)}
    assert set(vif_devices) == {str(n) for n in range(16)} - used_vifs


def test_tools_flag_decides_guest_metrics_at_boot(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    assert guest.has_tools(pool.db.get(vm, "VM"))
    x.VM.start(vm, False, False)
    gm = x.VM.get_guest_metrics(vm)
    assert x.VM_guest_metrics.get_live(gm) and x.VM_guest_metrics.get_os_version(gm)["name"]
