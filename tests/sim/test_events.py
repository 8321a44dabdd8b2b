"""event.from and the legacy event.register / event.next, as xapi serves them."""

from __future__ import annotations

import re
import threading
import time

import pytest
import XenAPI


def by_ref(batch):
    return {e["ref"]: e for e in batch["events"]}


def test_first_call_returns_every_object_as_add(pool, session):
    batch = session.xenapi.event_from(["*"], "", 5.0)
    assert re.fullmatch(r"\d{20},\d{20}", batch["token"])
    events = batch["events"]
    assert {e["operation"] for e in events} == {"add"}
    assert set(events[0]) == {"id", "timestamp", "class", "operation", "ref", "snapshot"}
    classes = {e["class"] for e in events}
    assert {"vm", "host", "sr", "vdi", "vbd", "vif", "pool", "vm_metrics", "host_metrics"} <= classes
    vm_events = [e for e in events if e["class"] == "vm"]
    assert len(vm_events) == len(pool.db.all("VM")) == batch["valid_ref_counts"]["vm"]
    assert batch["valid_ref_counts"]["host"] == 2
    sample = vm_events[0]
    assert sample["snapshot"] == session.xenapi.VM.get_record(sample["ref"])
    assert isinstance(batch["valid_ref_counts"]["vm"], int)  # <i4> on the wire


def test_changes_since_a_token_are_coalesced(pool, session):
    token = session.xenapi.event_from(["vm"], "", 1.0)["token"]
    vm = next(iter(pool.db.all("VM")))
    for i in range(5):
        session.xenapi.VM.set_name_description(vm, f"step {i}")
    net = session.xenapi.network.create({"name_label": "tmp", "other_config": {}})
    session.xenapi.network.set_name_label(net, "tmp2")
    batch = session.xenapi.event_from(["vm", "network"], token, 1.0)
    events = by_ref(batch)
    assert events[vm]["operation"] == "mod"
    assert events[vm]["snapshot"]["name_description"] == "step 4"
    assert sum(1 for e in batch["events"] if e["ref"] == vm) == 1
    assert events[net]["operation"] == "add" and events[net]["snapshot"]["name_label"] == "tmp2"


def test_deletions(pool, session):
    net = session.xenapi.network.create({"name_label": "gone", "other_config": {}})
    token = session.xenapi.event_from(["network"], "", 1.0)["token"]
    session.xenapi.network.destroy(net)
    short = session.xenapi.network.create({"name_label": "brief", "other_config": {}})
    session.xenapi.network.destroy(short)
    batch = session.xenapi.event_from(["network"], token, 1.0)
    events = by_ref(batch)
    assert events[net]["operation"] == "del" and "snapshot" not in events[net]
    assert short not in events  # created and deleted after the token: nothing to tell
    assert batch["valid_ref_counts"]["network"] == len(pool.db.all("network"))


def test_blocks_until_a_change_or_the_timeout(pool, session):
    token = session.xenapi.event_from(["*"], "", 1.0)["token"]
    start = time.monotonic()
    batch = session.xenapi.event_from(["vm"], token, 0.5)
    assert batch["events"] == [] and 0.45 < time.monotonic() - start < 3
    vm = next(iter(pool.db.all("VM")))
    threading.Timer(0.3, lambda: pool.db.update(vm, name_label="woken")).start()
    start = time.monotonic()
    batch = session.xenapi.event_from(["vm"], token, 10.0)
    assert 0.25 < time.monotonic() - start < 5
    assert by_ref(batch)[vm]["snapshot"]["name_label"] == "woken"


def test_subscriptions_by_class_and_object(pool, session):
    token = session.xenapi.event_from(["*"], "", 1.0)["token"]
    vms = list(pool.db.all("VM"))
    pool.db.update(vms[0], name_label="a")
    pool.db.update(vms[1], name_label="b")
    host = next(iter(pool.db.all("host")))
    pool.db.update(host, name_description="h")
    batch = session.xenapi.event_from(["VM"], token, 1.0)  # class names in any case
    assert {e["class"] for e in batch["events"]} == {"vm"}
    batch = session.xenapi.event_from([f"vm/{vms[1]}"], token, 1.0)
    assert [e["ref"] for e in batch["events"]] == [vms[1]]
    batch = session.xenapi.event_from(["nosuchclass"], token, 0.2)  # ignored, no error
    assert batch["events"] == []


def test_bad_token(pool, session):
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.event_from(["*"], "not-a-token", 1.0)
    assert err.value.details == ["EVENT_FROM_TOKEN_PARSE_FAILURE", "not-a-token"]


def test_inject_forces_a_mod_event(pool, session):
    token = session.xenapi.event_from(["*"], "", 1.0)["token"]
    host = next(iter(pool.db.all("host")))
    new_token = session.xenapi.event.inject("host", host)
    assert new_token > token
    batch = session.xenapi.event_from(["host"], token, 1.0)
    assert [(e["ref"], e["operation"]) for e in batch["events"]] == [(host, "mod")]


def test_session_ending_while_blocked(pool, session):
    token = session.xenapi.event_from(["*"], "", 1.0)["token"]
    sref = session._session
    threading.Timer(0.3, pool.faults.expire_sessions).start()
    other = XenAPI.Session(pool.url)
    other._session = sref
    proxy = other._ServerProxy__request  # raw call, without XenAPI's automatic re-login
    answer = proxy("event.from", (sref, ["*"], token, "10.0"))
    assert answer["Status"] == "Failure"
    assert answer["ErrorDescription"] == ["SESSION_INVALID", sref]


def test_legacy_register_and_next(pool, session):
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.event.next()
    assert err.value.details == ["SESSION_NOT_REGISTERED", session._session]
    session.xenapi.event.register(["vm"])
    vm = next(iter(pool.db.all("VM")))
    pool.db.update(vm, name_label="legacy")
    events = session.xenapi.event.next()
    assert [(e["class"], e["operation"], e["ref"]) for e in events] == [("vm", "mod", vm)]
    assert re.fullmatch(r"\d+\.", events[0]["timestamp"])
    assert int(events[0]["id"]) >= 1


def test_events_lost_when_a_legacy_client_falls_behind(pool, session):
    pool.sim.config.events_lost_limit = 5
    session.xenapi.event.register(["*"])
    for i, vm in enumerate(list(pool.db.all("VM"))[:10]):
        pool.db.update(vm, name_label=f"burst {i}")
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.event.next()
    assert err.value.details == ["EVENTS_LOST"]


def test_many_clients_at_once(pool):
    errors: list[BaseException] = []

    def client() -> None:
        try:
            s = XenAPI.Session(pool.url)
            s.xenapi.login_with_password(pool.user, pool.password)
            batch = s.xenapi.event_from(["*"], "", 5.0)
            assert batch["valid_ref_counts"]["vm"] == len(pool.db.all("VM"))
            s.xenapi.session.logout()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=client) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
