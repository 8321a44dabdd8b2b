"""Saving and loading the simulator's state, and StateSaver keeping it current."""

from __future__ import annotations

import json
import time
import xmlrpc.client
from pathlib import Path

import pytest
import XenAPI

from xapiman.sim.db import Database
from xapiman.sim.dbdump import load_dump
from xapiman.sim.model.values import DateTime
from xapiman.sim.state import FORMAT, UNSAVED, StateSaver, load_state, save_state
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool


def assert_same_value(a: object, b: object, where: str) -> None:
    """Equal, and of exactly the same types all the way down (DateTime stays DateTime)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            assert_same_value(a[key], b[key], f"{where}[{key}]")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same_value(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def assert_same_database(saved: Database, loaded: Database) -> None:
    for cls, table in saved.tables.items():
        if cls in UNSAVED:
            assert loaded.tables[cls] == {}
            continue
        assert list(loaded.tables[cls]) == list(table), cls
        for ref, rec in table.items():
            assert_same_value(rec, loaded.tables[cls][ref], f"{cls} {ref}")
            stamp, other = saved.stamps[ref], loaded.stamps[ref]
            assert (stamp.cls, stamp.ctime, stamp.mtime) == (other.cls, other.ctime, other.mtime)
    assert loaded.generation == saved.generation
    assert loaded.message_generation == saved.message_generation


def test_round_trip_of_a_synthetic_pool(tmp_path):
    db = generate_pool(2, 20)
    db.create("session", {"this_host": next(iter(db.all("host")))})
    db.create("task", {"name_label": "in flight"})
    vm = next(iter(db.all("VM")))
    db.update(vm, name_label="renamed", HVM_shadow_multiplier=1.5, VCPUs_max=3, ha_always_run=True)
    path = tmp_path / "state.json"
    save_state(db, path)
    loaded = load_state(path)
    assert_same_database(db, loaded)
    assert type(loaded.get(vm)["snapshot_time"]) is DateTime
    assert loaded.get(vm)["HVM_shadow_multiplier"] == 1.5 and loaded.get(vm)["VCPUs_max"] == 3
    assert not loaded.all("session") and not loaded.all("task")
    assert list(loaded.recent)[-1] == vm  # the newest change stays the newest
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left


def test_round_trip_of_a_dump(shared_dir, tmp_path):
    db = load_dump(shared_dir / "data" / "xapi-dbs" / "Cowley-db.xml")
    path = tmp_path / "cowley.json"
    save_state(db, path)
    assert_same_database(db, load_state(path))


def test_the_file_is_versioned_json(tmp_path):
    path = tmp_path / "state.json"
    save_state(generate_pool(1, 2), path)
    doc = json.loads(path.read_text())
    assert doc["format"] == FORMAT and doc["version"] == 1
    assert isinstance(doc["generation"], int) and "VM" in doc["tables"] and "session" not in doc["tables"]


def _write(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc))
    return path


def _valid(tmp_path: Path) -> dict:
    path = tmp_path / "valid.json"
    save_state(generate_pool(1, 1), path)
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda doc: doc.update(format="something-else"), "its format is not"),
        (lambda doc: doc.update(version=99), "format version 99"),
        (lambda doc: doc.update(generation="many"), "generation is not an integer"),
        (lambda doc: doc["tables"].update(Spaceship=[]), "unknown table 'Spaceship'"),
        (lambda doc: doc["tables"]["VM"].append(["OpaqueRef:x", 1]), r"is not \[ref, ctime"),
        (lambda doc: doc["tables"]["VM"].append(doc["tables"]["VM"][0]), "appears twice"),
        (lambda doc: doc.update(generation=0), "older than its objects"),
        (lambda doc: doc.pop("tables"), "no tables"),
    ],
)
def test_foreign_or_damaged_documents(tmp_path, change, message):
    doc = _valid(tmp_path)
    change(doc)
    with pytest.raises(ValueError, match=message):
        load_state(_write(tmp_path / "bad.json", doc))


def test_corrupt_files(tmp_path):
    path = tmp_path / "state.json"
    save_state(generate_pool(1, 2), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"state\.json: not a usable xapiman-sim state file: not JSON"):
        load_state(path)
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(ValueError, match="not JSON"):
        load_state(path)
    path.write_text("[1, 2, 3]")
    with pytest.raises(ValueError, match="format"):
        load_state(path)


def _wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_saver_saves_shortly_after_changes_and_at_stop(tmp_path):
    db = generate_pool(1, 3)
    path = tmp_path / "state.json"
    saver = StateSaver(db, path, delay=0.2, max_delay=2.0)
    saver.start()
    try:
        vm = next(iter(db.all("VM")))
        db.update(vm, name_label="first")
        _wait_for(lambda: saver.saves == 1)
        assert load_state(path).get(vm)["name_label"] == "first"
        time.sleep(0.4)
        assert saver.saves == 1  # nothing changed since
        for i in range(5):  # a burst of changes is written once
            db.update(vm, name_label=f"burst {i}")
        _wait_for(lambda: saver.saves == 2)
        assert load_state(path).get(vm)["name_label"] == "burst 4"
        db.update(vm, name_label="last")
    finally:
        saver.stop()
    assert load_state(path).get(vm)["name_label"] == "last"
    assert saver.saves >= 3 and saver._on_change not in db.observers


def test_saver_writes_during_a_steady_stream_of_changes(tmp_path):
    db = generate_pool(1, 1)
    saver = StateSaver(db, tmp_path / "state.json", delay=0.3, max_delay=0.5)
    saver.start()
    try:
        vm = next(iter(db.all("VM")))
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline and saver.saves == 0:
            db.update(vm, name_description=str(time.monotonic()))
            time.sleep(0.05)
        assert saver.saves >= 1  # max_delay bounds how long changes wait
    finally:
        saver.stop()


def test_a_renamed_vm_survives_a_restart(tmp_path):
    path = tmp_path / "state.json"
    with running_pool(hosts=2, vms=5) as p:
        saver = StateSaver(p.db, path, delay=0.1)
        saver.start()
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password, "2.21", "xapiman-tests")
        vm = s.xenapi.VM.get_by_name_label("prod-web-01")[0]
        s.xenapi.VM.set_name_label(vm, "renamed before restart")
        old_session = s._session
        saver.stop()
    with running_pool(db=load_state(path)) as p:
        with xmlrpc.client.ServerProxy(p.url) as proxy:
            answer = proxy.VM.get_name_label(old_session, vm)
        assert answer["ErrorDescription"] == ["SESSION_INVALID", old_session]  # died with the process
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password, "2.21", "xapiman-tests")
        assert s.xenapi.VM.get_name_label(vm) == "renamed before restart"
        s.xenapi.session.logout()
