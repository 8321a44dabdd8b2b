"""Messages (alerts): create, queries by time and object, destroy, and their events."""

from __future__ import annotations

import xmlrpc.client

import pytest
import XenAPI

from xapiman.sim.handlers.message import post_message


def event_from(session, classes, token, timeout=0.0):
    return getattr(session.xenapi.event, "from")(classes, token, timeout)


def some_vm(session) -> tuple[str, dict]:
    records = session.xenapi.VM.get_all_records()
    return next((ref, rec) for ref, rec in records.items()
                if not rec["is_a_template"] and not rec["is_control_domain"])


def failure_of(call, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        call(*args)
    return info.value.details


def test_a_generated_pool_has_alerts(session):
    records = session.xenapi.message.get_all_records()
    names = {rec["name"] for rec in records.values()}
    assert {"POOL_MASTER_TRANSITION", "VM_STARTED"} <= names
    batch = event_from(session, ["message"], "")
    added = {ev["ref"] for ev in batch["events"] if ev["class"] == "message"}
    assert added == set(records)


def test_create_get_and_destroy(session):
    vm, vm_rec = some_vm(session)
    before = session.xenapi.host.get_servertime(session.xenapi.pool.get_master(
        session.xenapi.pool.get_all()[0]))
    old = xmlrpc.client.DateTime("20000101T00:00:00Z")
    ref = session.xenapi.message.create("VM_SNAPSHOTTED", "5", "VM", vm_rec["uuid"],
                                        "Snapshot taken")
    rec = session.xenapi.message.get_record(ref)
    assert rec["name"] == "VM_SNAPSHOTTED"
    assert rec["priority"] == "5"
    assert rec["cls"] == "VM"
    assert rec["obj_uuid"] == vm_rec["uuid"]
    assert rec["body"] == "Snapshot taken"
    assert str(rec["timestamp"]) >= str(before)
    assert session.xenapi.message.get_by_uuid(rec["uuid"]) == ref
    assert ref in session.xenapi.message.get_all()
    assert ref in session.xenapi.message.get_since(old)
    about_vm = session.xenapi.message.get("VM", vm_rec["uuid"], old)
    assert ref in about_vm
    assert all(m["obj_uuid"] == vm_rec["uuid"] for m in about_vm.values())
    where = session.xenapi.message.get_all_records_where('field "name" = "VM_SNAPSHOTTED"')
    assert list(where) == [ref]

    session.xenapi.message.destroy(ref)
    assert ref not in session.xenapi.message.get_all()
    assert failure_of(session.xenapi.message.get_record, ref) == ["HANDLE_INVALID", "message", ref]
    assert failure_of(session.xenapi.message.destroy, ref) == ["HANDLE_INVALID", "message", ref]


def test_get_since_a_later_time_is_empty(session):
    vm, vm_rec = some_vm(session)
    session.xenapi.message.create("VM_STARTED", "5", "VM", vm_rec["uuid"], "")
    future = xmlrpc.client.DateTime("29990101T00:00:00Z")
    assert session.xenapi.message.get_since(future) == {}
    assert session.xenapi.message.get("VM", vm_rec["uuid"], future) == {}


def test_errors_for_unknown_objects(session):
    missing = "00000000-0000-0000-0000-000000000000"
    assert failure_of(session.xenapi.message.create, "X", "1", "VM", missing, "") == [
        "UUID_INVALID", "VM", missing]
    old = xmlrpc.client.DateTime("20000101T00:00:00Z")
    assert failure_of(session.xenapi.message.get, "Host", missing, old) == ["UUID_INVALID"]
    assert failure_of(session.xenapi.message.get_by_uuid, missing) == [
        "UUID_INVALID", "message", missing]
    assert failure_of(session.xenapi.message.create, "X", "1", "Nonsense", missing, "")[0] == (
        "INVALID_VALUE")


def test_messages_arrive_and_leave_as_events(session):
    host = session.xenapi.pool.get_master(session.xenapi.pool.get_all()[0])
    host_uuid = session.xenapi.host.get_uuid(host)
    token = event_from(session, ["message"], "")["token"]
    ref = session.xenapi.message.create("HOST_CLOCK_SKEW_DETECTED", "3", "Host", host_uuid,
                                        "clock skew")
    batch = event_from(session, ["message"], token, 5.0)
    assert [(ev["class"], ev["operation"], ev["ref"]) for ev in batch["events"]] == [
        ("message", "add", ref)]
    assert batch["events"][0]["snapshot"]["name"] == "HOST_CLOCK_SKEW_DETECTED"
    session.xenapi.message.destroy(ref)
    batch = event_from(session, ["message"], batch["token"], 5.0)
    assert [(ev["operation"], ev["ref"]) for ev in batch["events"]] == [("del", ref)]
    assert "snapshot" not in batch["events"][0]


def test_destroy_many_and_destroy_all(pool, session):
    _vm, vm_rec = some_vm(session)
    refs = [session.xenapi.message.create("ALARM", str(p), "VM", vm_rec["uuid"], "")
            for p in (1, 2, 2)]
    session.xenapi.message.destroy_many(refs[:1])
    assert refs[0] not in session.xenapi.message.get_all()
    session.xenapi.message.destroy_all({"priority": "2"})
    left = session.xenapi.message.get_all_records()
    assert not set(refs) & set(left)
    assert all(rec["priority"] != "2" for rec in left.values())


def test_post_message_helper_uses_xapi_priorities(pool, session):
    host = pool.sim.coordinator
    uuid = pool.db.get(host, "host")["uuid"]
    ref = post_message(pool.db, "HA_POOL_OVERCOMMITTED", None, "Host", uuid, "overcommitted")
    rec = session.xenapi.message.get_record(ref)
    assert (rec["name"], rec["priority"], rec["cls"]) == ("HA_POOL_OVERCOMMITTED", "3", "Host")
