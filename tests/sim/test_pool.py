"""The pool: designate_new_master (HOST_IS_SLAVE from the old coordinator), HA on/off, eject,
licence state, blobs, pool operations."""

from __future__ import annotations

import time

import pytest
import XenAPI

from xapiman.sim.model.values import NULL_REF
from xapiman.sim.testing import running_pool


def failure_of(call, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        call(*args)
    return info.value.details


def login(url: str) -> XenAPI.Session:
    s = XenAPI.Session(url)
    s.xenapi.login_with_password("root", "xapiman", "2.21", "xapiman-tests")
    return s


def supporter(pool) -> str:
    return next(h for h in pool.db.all("host") if h != pool.sim.coordinator)


def halt_everything_on(pool, host: str) -> None:
    """Set-up: no guest runs on `host`."""
    db = pool.db
    for vm in list(db.get(host, "host")["resident_VMs"]):
        if not db.get(vm, "VM")["is_control_domain"]:
            db.update(vm, power_state="Halted", resident_on=NULL_REF, domid=-1)


def test_designate_new_master(pool, session):
    old, new = pool.sim.coordinator, supporter(pool)
    old_url, new_url = pool.sim.url(old), pool.sim.url(new)
    the_pool = session.xenapi.pool.get_all()[0]
    assert "designate_new_master" in session.xenapi.pool.get_allowed_operations(the_pool)
    session.xenapi.pool.designate_new_master(new)
    new_address = pool.db.get(new, "host")["address"]

    assert failure_of(XenAPI.Session(old_url).xenapi.login_with_password,
                      "root", "xapiman") == ["HOST_IS_SLAVE", new_address]
    s = login(new_url)
    assert s.xenapi.pool.get_master(the_pool) == new
    # the old session is gone: XenAPI logs in again, at the old coordinator, which redirects
    assert failure_of(session.xenapi.pool.get_all) == ["HOST_IS_SLAVE", new_address]
    transitions = [rec for rec in s.xenapi.message.get_all_records().values()
                   if rec["name"] == "POOL_MASTER_TRANSITION"
                   and rec["obj_uuid"] == s.xenapi.host.get_uuid(new)]
    assert len(transitions) == 1
    assert s.xenapi.pool.get_current_operations(the_pool) == {}
    s.xenapi.pool.designate_new_master(new)  # already the coordinator: nothing happens
    assert s.xenapi.pool.get_master(the_pool) == new


def test_designate_new_master_refuses_a_host_that_is_down(pool, session):
    host = supporter(pool)
    pool.db.update(pool.db.get(host, "host")["metrics"], live=False)
    assert failure_of(session.xenapi.pool.designate_new_master, host) == ["HOST_OFFLINE", host]
    assert session.xenapi.pool.get_master(session.xenapi.pool.get_all()[0]) == \
        pool.sim.coordinator


def test_only_one_designate_new_master_at_a_time():
    with running_pool(hosts=3, vms=0, speed=5) as p:
        s = login(p.url)
        the_pool = s.xenapi.pool.get_all()[0]
        hosts = [h for h in p.db.all("host") if h != p.sim.coordinator]
        task = s.xenapi.Async.pool.designate_new_master(hosts[0])
        deadline = time.monotonic() + 5
        while not s.xenapi.pool.get_current_operations(the_pool) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert s.xenapi.pool.get_current_operations(the_pool) == {task: "designate_new_master"}
        assert s.xenapi.pool.get_allowed_operations(the_pool) == []
        assert failure_of(s.xenapi.pool.designate_new_master, hosts[1]) == [
            "DESIGNATE_NEW_MASTER_IN_PROGRESS"]
        assert failure_of(s.xenapi.pool.eject, hosts[1]) == [
            "OTHER_OPERATION_IN_PROGRESS", "pool", the_pool]


def test_licence_state_and_sync_database(pool, session):
    the_pool = session.xenapi.pool.get_all()[0]
    assert session.xenapi.pool.get_license_state(the_pool) == {
        "edition": "xcp-ng", "expiry": "30000101T00:00:00Z"}
    assert session.xenapi.pool.sync_database() == ""


def test_enable_and_disable_ha(pool, session):
    the_pool = session.xenapi.pool.get_all()[0]
    assert failure_of(session.xenapi.pool.disable_ha) == ["HA_NOT_ENABLED"]
    assert "ha_disable" not in session.xenapi.pool.get_allowed_operations(the_pool)
    session.xenapi.pool.enable_ha([], {"timeout": "60"})
    rec = session.xenapi.pool.get_record(the_pool)
    assert rec["ha_enabled"] is True
    assert rec["ha_configuration"] == {"timeout": "60"}
    (statefile,) = rec["ha_statefiles"]
    assert session.xenapi.VDI.get_type(statefile) == "ha_statefile"
    assert "ha_disable" in rec["allowed_operations"]
    assert "ha_enable" not in rec["allowed_operations"]
    assert failure_of(session.xenapi.pool.enable_ha, [], {}) == ["HA_IS_ENABLED"]
    assert failure_of(session.xenapi.pool.designate_new_master, supporter(pool)) == [
        "HA_IS_ENABLED"]
    session.xenapi.pool.disable_ha()
    assert session.xenapi.pool.get_ha_enabled(the_pool) is False


def test_eject_a_supporter(pool, session):
    host = supporter(pool)
    assert failure_of(session.xenapi.pool.eject, host) == [
        "OPERATION_NOT_ALLOWED", "VM resident on host"]
    assert failure_of(session.xenapi.pool.eject, pool.sim.coordinator) == [
        "INTERNAL_ERROR", "Xapi_pool.Cannot_eject_master"]
    halt_everything_on(pool, host)
    pifs = session.xenapi.host.get_PIFs(host)
    token = getattr(session.xenapi.event, "from")(["host", "pif"], "", 0.0)["token"]
    session.xenapi.pool.eject(host)
    assert host not in session.xenapi.host.get_all()
    assert not set(pifs) & set(session.xenapi.PIF.get_all())
    gone = {ev["ref"] for ev in getattr(session.xenapi.event, "from")(
        ["host", "pif"], token, 1.0)["events"] if ev["operation"] == "del"}
    assert {host, *pifs} <= gone
    assert all(session.xenapi.PBD.get_host(pbd) != host for pbd in session.xenapi.PBD.get_all())


def test_pool_blobs(pool, session):
    the_pool = session.xenapi.pool.get_all()[0]
    blob = session.xenapi.pool.create_new_blob(the_pool, "wlb", "application/json")
    rec = session.xenapi.blob.get_record(blob)
    assert (rec["mime_type"], rec["public"], rec["size"]) == ("application/json", False, "0")
    assert session.xenapi.pool.get_blobs(the_pool) == {"wlb": blob}
    other = session.xenapi.blob.create("", True)
    assert session.xenapi.blob.get_mime_type(other) == "application/octet-stream"
    session.xenapi.blob.destroy(blob)
    assert session.xenapi.pool.get_blobs(the_pool) == {}
    assert failure_of(session.xenapi.blob.get_record, blob) == ["HANDLE_INVALID", "blob", blob]
