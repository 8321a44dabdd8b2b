"""Hosts: enable/disable, evacuation and its prechecks, reboot/shutdown/power_on cycles with
events, memory, time, logs, certificate, hostname, plugins, concurrent operations."""

from __future__ import annotations

import ssl
import time
import urllib.request
import xmlrpc.client

import pytest
import XenAPI

from xapiman.sim.model.values import NULL_REF
from xapiman.sim.placement import evacuation_plan, host_free_memory
from xapiman.sim.testing import running_pool

GiB = 1024**3


# -- helpers ----------------------------------------------------------------------------------

def failure_of(call, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        call(*args)
    return info.value.details


def event_from(session, classes, token, timeout=0.0):
    return getattr(session.xenapi.event, "from")(classes, token, timeout)


def login(url: str) -> XenAPI.Session:
    s = XenAPI.Session(url, ignore_ssl=True)
    s.xenapi.login_with_password("root", "xapiman", "2.21", "xapiman-tests")
    return s


def supporter(pool) -> str:
    return next(h for h in pool.db.all("host") if h != pool.sim.coordinator)


def user_vms_on(pool, host) -> list[str]:
    return [vm for vm in pool.db.get(host, "host")["resident_VMs"]
            if not pool.db.get(vm, "VM")["is_control_domain"]]


def halt(pool, vm: str) -> None:
    """Set-up: the VM is halted (its VIFs and VBDs detached)."""
    db = pool.db
    rec = db.get(vm, "VM")
    for dev in [*rec["VBDs"], *rec["VIFs"]]:
        db.update(dev, currently_attached=False)
    db.update(vm, power_state="Halted", resident_on=NULL_REF, domid=-1)


def movable(pool, host: str) -> list[str]:
    """Set-up: halt the VMs of `host` that could not live-migrate (local disks, no tools,
    paused ...); the others stay."""
    plan = evacuation_plan(pool.db, host)
    for vm, step in plan.items():
        if not isinstance(step, str):
            halt(pool, vm)
    return [vm for vm, step in plan.items() if isinstance(step, str)]


def only(pool, host: str, count: int = 1) -> list[str]:
    """Set-up: keep `count` movable running VMs on `host`, halt the rest."""
    keep = movable(pool, host)
    for vm in keep[count:]:
        halt(pool, vm)
    return keep[:count]


def wait_until(session, classes, token, done, timeout=10.0):
    """Follow events until done(events seen so far) holds; returns those events."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = event_from(session, classes, token, 1.0)
        token = batch["token"]
        seen.extend(batch["events"])
        if done(seen):
            return seen
    raise AssertionError("condition not reached in time")


def comes_back(metrics: str):
    """A wait_until condition: the host_metrics object reports live again."""
    return lambda events: any(ev["ref"] == metrics and ev["snapshot"]["live"] is True
                              for ev in events if ev["operation"] != "del")


# -- enable / disable / allowed operations ----------------------------------------------------

def test_disable_and_enable(pool, session):
    host = supporter(pool)
    assert "reboot" not in session.xenapi.host.get_allowed_operations(host)
    session.xenapi.host.disable(host)
    rec = session.xenapi.host.get_record(host)
    assert rec["enabled"] is False
    assert {"reboot", "shutdown", "evacuate"} <= set(rec["allowed_operations"])
    assert "power_on" not in rec["allowed_operations"]
    session.xenapi.host.enable(host)
    rec = session.xenapi.host.get_record(host)
    assert rec["enabled"] is True
    assert "reboot" not in rec["allowed_operations"]


def test_reboot_and_shutdown_need_a_disabled_host(pool, session):
    host = supporter(pool)
    assert failure_of(session.xenapi.host.reboot, host) == ["HOST_NOT_DISABLED"]
    assert failure_of(session.xenapi.host.shutdown, host) == ["HOST_NOT_DISABLED"]
    assert failure_of(session.xenapi.host.power_on, host) == ["HOST_IS_LIVE", host]
    bad = "OpaqueRef:00000000-0000-0000-0000-000000000000"
    assert failure_of(session.xenapi.host.disable, bad) == ["HANDLE_INVALID", "host", bad]


# -- memory -----------------------------------------------------------------------------------

def test_free_memory_counts_resident_vms_and_the_control_domain(pool, session):
    host = pool.sim.coordinator
    rec = session.xenapi.host.get_record(host)
    total = int(session.xenapi.host_metrics.get_memory_total(rec["metrics"]))
    used = 0
    for vm in rec["resident_VMs"]:
        vm_rec = session.xenapi.VM.get_record(vm)
        actual = int(session.xenapi.VM_metrics.get_memory_actual(vm_rec["metrics"]))
        used += (actual or int(vm_rec["memory_static_max"])) + int(vm_rec["memory_overhead"])
    expected = total - int(rec["memory_overhead"]) - used
    assert int(session.xenapi.host.compute_free_memory(host)) == expected
    assert host_free_memory(pool.db, host) == expected
    assert session.xenapi.host.compute_memory_overhead(host) == rec["memory_overhead"]


# -- evacuation -------------------------------------------------------------------------------

def test_evacuate_moves_every_vm_away(pool, session):
    host, other = supporter(pool), pool.sim.coordinator
    vms = movable(pool, host)
    assert vms
    token = event_from(session, ["vm"], "")["token"]
    session.xenapi.host.disable(host)
    session.xenapi.host.assert_can_evacuate(host)
    assert session.xenapi.host.get_vms_which_prevent_evacuation(host) == {}
    session.xenapi.host.evacuate(host)
    for vm in vms:
        assert session.xenapi.VM.get_resident_on(vm) == other
    assert [vm for vm in session.xenapi.host.get_resident_VMs(host)
            if not session.xenapi.VM.get_is_control_domain(vm)] == []
    moved = {ev["ref"] for ev in event_from(session, ["vm"], token)["events"]
             if ev["operation"] == "mod" and ev["snapshot"]["resident_on"] == other}
    assert set(vms) <= moved
    assert session.xenapi.host.get_current_operations(host) == {}


def test_vms_which_prevent_evacuation(pool, session):
    host, other = supporter(pool), pool.sim.coordinator
    blocked, paused, local = only(pool, host, 3)
    pool.db.update(blocked, blocked_operations={"pool_migrate": "VM_LOCKED"})
    pool.db.update(paused, power_state="Paused")
    local_sr = next(ref for ref, rec in pool.db.all("SR").items()
                    if not rec["shared"] and any(pool.db.get(p, "PBD")["host"] == host
                                                 for p in rec["PBDs"]))
    disk = next(pool.db.get(v, "VBD")["VDI"] for v in pool.db.get(local, "VM")["VBDs"]
                if pool.db.get(v, "VBD")["type"] == "Disk")
    pool.db.update(disk, SR=local_sr)
    prevent = session.xenapi.host.get_vms_which_prevent_evacuation(host)
    assert prevent == {
        blocked: ["OPERATION_BLOCKED", blocked, "VM_LOCKED"],
        paused: ["VM_BAD_POWER_STATE", paused, "running", "paused"],
        local: ["VM_REQUIRES_SR", local, local_sr],
    }
    details = failure_of(session.xenapi.host.assert_can_evacuate, host)
    assert details[0] == "CANNOT_EVACUATE_HOST"
    assert sorted(details[1].split("|")) == sorted(",".join(v) for v in prevent.values())
    assert failure_of(session.xenapi.host.evacuate, host) in prevent.values()
    assert session.xenapi.VM.get_resident_on(blocked) == host
    session.xenapi.host.disable(other)
    assert session.xenapi.host.get_vms_which_prevent_evacuation(host) == {
        vm: ["NO_HOSTS_AVAILABLE", vm] for vm in (blocked, paused, local)}


def test_evacuation_needs_memory_on_the_other_hosts(pool, session):
    host, other = supporter(pool), pool.sim.coordinator
    (vm,) = only(pool, host, 1)
    metrics = pool.db.get(other, "host")["metrics"]
    pool.db.update(metrics, memory_total=pool.db.get(other, "host")["memory_overhead"] + 5 * GiB)
    assert failure_of(session.xenapi.host.evacuate, host) == ["HOST_NOT_ENOUGH_FREE_MEMORY", vm]
    assert session.xenapi.VM.get_resident_on(vm) == host


def test_async_evacuate_reports_progress():
    with running_pool(hosts=2, vms=20, speed=50) as p:
        s = login(p.url)
        host = supporter(p)
        vms = only(p, host, 3)
        assert len(vms) == 3
        task = s.xenapi.Async.host.evacuate(host)
        progress: list[float] = []
        status, token = "pending", ""
        deadline = time.monotonic() + 10
        while status == "pending" and time.monotonic() < deadline:
            batch = event_from(s, [f"task/{task}"], token, 1.0)
            token = batch["token"]
            for ev in batch["events"]:
                progress.append(float(ev["snapshot"]["progress"]))
                status = ev["snapshot"]["status"]
        assert status == "success"
        assert progress == sorted(progress)
        assert any(0 < value < 1 for value in progress)
        assert progress[-1] == 1.0
        assert all(s.xenapi.VM.get_resident_on(vm) == p.sim.coordinator for vm in vms)


# -- reboot / shutdown / power_on ---------------------------------------------------------------

def test_reboot_cycle():
    with running_pool(hosts=2, vms=20, speed=200) as p:
        s = login(p.url)
        host = supporter(p)
        host_url = p.sim.url(host)
        vms = movable(p, host)
        metrics = s.xenapi.host.get_metrics(host)
        s.xenapi.host.disable(host)
        s.xenapi.host.evacuate(host)
        assert all(s.xenapi.VM.get_resident_on(vm) == p.sim.coordinator for vm in vms)
        token = event_from(s, ["host", "host_metrics"], "")["token"]
        p.sim.config.speed = 20  # the boot takes seconds: time to see the host down
        s.xenapi.host.reboot(host)
        assert s.xenapi.host_metrics.get_live(metrics) is False
        with pytest.raises(ConnectionRefusedError):
            XenAPI.Session(host_url).xenapi.login_with_password("root", "xapiman")
        events = wait_until(s, ["host", "host_metrics"], token, comes_back(metrics), timeout=60)
        lives = [ev["snapshot"]["live"] for ev in events if ev["ref"] == metrics]
        assert lives[0] is False and lives[-1] is True
        assert s.xenapi.host.get_enabled(host) is True
        # live means reachable, on the address it had: the port was kept while it was down
        assert p.sim.url(host) == host_url
        coordinator = s.xenapi.host.get_address(p.sim.coordinator)
        assert failure_of(XenAPI.Session(host_url).xenapi.login_with_password,
                          "root", "xapiman") == ["HOST_IS_SLAVE", coordinator]


def test_the_coordinator_reboots_and_comes_back_on_its_address():
    with running_pool(hosts=2, vms=10, speed=100) as p:
        s = login(p.url)
        host = p.sim.coordinator
        movable(p, host)
        s.xenapi.host.disable(host)
        p.sim.config.speed = 40  # down for seconds: however slow the logins, one sees it down
        s.xenapi.host.reboot(host)  # answered before the server goes away
        down = up = None
        deadline = time.monotonic() + 60
        while up is None and time.monotonic() < deadline:
            try:
                again = login(p.url)
                up = time.monotonic() if down is not None else None
            except OSError:
                down = down or time.monotonic()
            time.sleep(0.02)
        assert down is not None and up is not None, "the coordinator did not go down and up"
        assert again.xenapi.host.get_enabled(host) is True
        metrics = again.xenapi.host.get_metrics(host)
        assert again.xenapi.host_metrics.get_live(metrics) is True
        assert p.db.find(s._session, "session") is None  # sessions did not survive


def test_reboot_stops_the_vms_that_cannot_leave():
    with running_pool(hosts=2, vms=20, speed=1000) as p:
        s = login(p.url)
        host = supporter(p)
        stuck = only(p, host, 2)[0]
        p.db.update(stuck, blocked_operations={"pool_migrate": "NO"})
        s.xenapi.host.disable(host, False)
        metrics = s.xenapi.host.get_metrics(host)
        token = event_from(s, ["host_metrics"], "")["token"]
        s.xenapi.host.reboot(host)
        assert s.xenapi.VM.get_power_state(stuck) == "Halted"
        assert user_vms_on(p, host) == []
        wait_until(s, ["host_metrics"], token, comes_back(metrics))
        assert s.xenapi.host.get_enabled(host) is False  # disabled with auto_enable=false


def test_shutdown_and_power_on(pool, session):
    host = supporter(pool)
    movable(pool, host)
    session.xenapi.host.disable(host)
    session.xenapi.host.shutdown(host)
    metrics = session.xenapi.host.get_metrics(host)
    assert session.xenapi.host_metrics.get_live(metrics) is False
    assert failure_of(session.xenapi.host.get_servertime, host) == ["HOST_OFFLINE", host]
    assert failure_of(session.xenapi.host.enable, host) == ["HOST_OFFLINE", host]
    assert "power_on" in session.xenapi.host.get_allowed_operations(host)
    pbds = session.xenapi.host.get_PBDs(host)
    assert not any(session.xenapi.PBD.get_currently_attached(pbd) for pbd in pbds)
    session.xenapi.host.power_on(host)
    assert session.xenapi.host_metrics.get_live(metrics) is True
    assert session.xenapi.host.get_enabled(host) is True
    assert all(session.xenapi.PBD.get_currently_attached(pbd) for pbd in pbds)
    assert failure_of(session.xenapi.host.power_on, host) == ["HOST_IS_LIVE", host]


def test_power_on_needs_a_power_on_mode(pool, session):
    host = supporter(pool)
    movable(pool, host)
    session.xenapi.host.set_power_on_mode(host, "", {})
    session.xenapi.host.disable(host)
    session.xenapi.host.shutdown(host)
    assert failure_of(session.xenapi.host.power_on, host) == ["HOST_POWER_ON_MODE_DISABLED"]


def test_concurrent_host_operations():
    with running_pool(hosts=2, vms=0, speed=5) as p:
        s = login(p.url)
        host = supporter(p)
        s.xenapi.host.disable(host)
        task = s.xenapi.Async.host.reboot(host)
        deadline = time.monotonic() + 5
        while s.xenapi.host.get_current_operations(host) == {} and time.monotonic() < deadline:
            time.sleep(0.01)
        assert s.xenapi.host.get_current_operations(host) == {task: "reboot"}
        assert failure_of(s.xenapi.host.shutdown, host) == [
            "OTHER_OPERATION_IN_PROGRESS", "host", host, "reboot", task]
        assert "shutdown" not in s.xenapi.host.get_allowed_operations(host)
        assert failure_of(s.xenapi.host.enable, host) == ["HOST_DISABLED_UNTIL_REBOOT", host]


# -- time, logs, certificate, names, plugins ----------------------------------------------------

def test_time_and_logs(pool, session):
    host = pool.sim.coordinator
    servertime = session.xenapi.host.get_servertime(host)
    assert isinstance(servertime, xmlrpc.client.DateTime)
    assert str(servertime).endswith("Z")
    assert isinstance(session.xenapi.host.get_server_localtime(host), xmlrpc.client.DateTime)
    assert "(XEN)" in session.xenapi.host.dmesg(host)
    assert failure_of(session.xenapi.host.get_log, host) == ["NOT_IMPLEMENTED", "get_log"]
    assert failure_of(session.xenapi.host.list_methods) == ["NOT_IMPLEMENTED", "list_method"]


def test_server_certificate_is_the_served_one():
    with running_pool(hosts=1, vms=0, tls=True) as p:
        s = login(p.url)
        pem = s.xenapi.host.get_server_certificate(p.sim.coordinator)
        served = ssl.get_server_certificate(("127.0.0.1", p.sim.servers[p.sim.coordinator].port))
        assert ssl.PEM_cert_to_DER_cert(pem) == ssl.PEM_cert_to_DER_cert(served)


def test_hostname_management_interface_and_plugins(pool, session):
    host = pool.sim.coordinator
    session.xenapi.host.set_hostname_live(host, "rack1-node7")
    assert session.xenapi.host.get_hostname(host) == "rack1-node7"
    for bad, reason in (("", "hostname empty"), ("bad_name", "hostname contains invalid "
                                                 "characters"), ("-x", "hostname contains "
                                                                  "invalid characters")):
        assert failure_of(session.xenapi.host.set_hostname_live, host, bad) == [
            "HOST_NAME_INVALID", reason]
    pif = session.xenapi.host.get_management_interface(host)
    assert session.xenapi.PIF.get_management(pif) is True
    assert session.xenapi.PIF.get_host(pif) == host
    assert session.xenapi.host.call_plugin(host, "echo", "echo", {"message": "hi"}) == "hi"
    assert failure_of(session.xenapi.host.call_plugin, host, "nope", "main", {}) == [
        "XENAPI_MISSING_PLUGIN", "nope"]


def test_host_blob(pool, session):
    host = pool.sim.coordinator
    blob = session.xenapi.host.create_new_blob(host, "notes", "text/plain", True)
    assert session.xenapi.host.get_blobs(host) == {"notes": blob}
    url = f"{pool.url}/blob?ref={blob}&session_id={session._session}"
    put = urllib.request.Request(url, data=b"hello", method="PUT")
    assert urllib.request.urlopen(put, timeout=5).status == 200
    assert session.xenapi.blob.get_size(blob) == "5"
    with urllib.request.urlopen(f"{pool.url}/blob?ref={blob}", timeout=5) as answer:
        assert answer.read() == b"hello"
        assert answer.headers["Content-Type"] == "text/plain"
    session.xenapi.blob.destroy(blob)
    assert session.xenapi.host.get_blobs(host) == {}
