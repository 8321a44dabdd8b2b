"""VM export and import through the actions, over real sockets (pinned TLS) to the simulator:
a round trip reproduces the VM; bad files, a full SR, cancels and connections cut mid-transfer
end with a clear error, no file left half-written and nothing left on the server."""

from __future__ import annotations

import asyncio
import gzip
import io
import tarfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.client.conftest import FAST_TIMEOUTS, wait_until
from tests.client.cutting_proxy import CuttingProxy
from tests.gui.scripted_prompter import ScriptedPrompter
from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.common import ActionError
from xapiman.actions.steps import StepError
from xapiman.actions.vm_xva import ExportPlan, ImportPlan
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi.connection import Connection
from xapiman.xapi.refs import NULL_REF

GiB = 1024**3
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def env() -> Iterator[tuple[RunningPool, Connection]]:
    with running_pool(hosts=2, vms=8, tls=True) as p:
        conn = Connection(p.url, p.user, p.password, fingerprint=p.fingerprint,
                          timeouts=FAST_TIMEOUTS)
        try:
            conn.connect(10)
            yield p, conn
        finally:
            conn.close()


def halted_vm(db) -> str:
    return next(r for r, v in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
                if v["power_state"] == "Halted" and not v["is_a_template"] and v["VIFs"]
                and any(db.get(b, "VBD")["type"] == "Disk" for b in v["VBDs"]))


def named(db, cls: str, name: str) -> str:
    return next(r for r, rec in db.all(cls).items() if rec["name_label"] == name)


def run(conn: Connection, action_id: str, target: Target, plan, prompter=None):
    ctx = ActionContext(prompter or ScriptedPrompter(), answers={"plan": plan})
    return asyncio.run(REGISTRY[action_id].run(ctx, [target]))


def export(conn, vm: str, path: Path, **kw):
    return run(conn, "vm.export", Target(conn, "vm", vm), ExportPlan(str(path), **kw))


def import_(conn, path: Path, sr: str, host: str = NULL_REF):
    pool = next(iter(conn.cache.records("pool")))
    return run(conn, "vm.import", Target(conn, "pool", pool), ImportPlan(str(path), sr, host))


def shape(db, vm: str) -> dict:
    rec = db.get(vm, "VM")
    disks = sorted(db.get(db.get(b, "VBD")["VDI"], "VDI")["virtual_size"] for b in rec["VBDs"]
                   if db.get(b, "VBD")["type"] == "Disk")
    networks = sorted(db.get(db.get(v, "VIF")["network"], "network")["name_label"]
                      for v in rec["VIFs"])
    return {"name": rec["name_label"], "memory": rec["memory_static_max"],
            "vcpus": rec["VCPUs_max"], "disks": disks, "networks": networks,
            "platform": rec["platform"], "boot": rec["HVM_boot_params"]}


def disk_chunks(path: Path) -> list[bytes]:
    with tarfile.open(path) as tar:
        return [tar.extractfile(m).read() for m in tar.getmembers()
                if m.name != "ova.xml" and not m.name.endswith(".checksum")]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_export_then_import_reproduces_the_vm(env, tmp_path) -> None:
    p, conn = env
    db = p.db
    vm = halted_vm(db)
    target = tmp_path / "vm.xva"
    [started] = export(conn, vm, target)
    assert started.handle.wait(60) == str(target)
    assert leftovers(tmp_path) == ["vm.xva"]  # no temporary file left beside it
    assert "Exported" in started.handle.detail
    with tarfile.open(target) as tar:
        assert tar.getmembers()[0].name == "ova.xml"
    iscsi = named(db, "SR", "iSCSI virtual disk storage")
    host = named(db, "host", "xcp-host-02")
    before = set(db.all("VM"))
    [imported] = import_(conn, target, iscsi, host)
    [new_vm] = imported.handle.wait(60)
    assert set(db.all("VM")) - before == {new_vm}
    assert shape(db, new_vm) == shape(db, vm)
    rec = db.get(new_vm, "VM")
    assert rec["affinity"] == host and rec["power_state"] == "Halted"
    for vbd in rec["VBDs"]:
        if db.get(vbd, "VBD")["type"] == "Disk":
            assert db.get(db.get(vbd, "VBD")["VDI"], "VDI")["SR"] == iscsi
    # the disks hold what was exported: exporting the copy gives the same data
    again = tmp_path / "again.xva"
    export(conn, new_vm, again)[0].handle.wait(60)
    assert disk_chunks(again) == disk_chunks(target)
    assert imported.handle.reveal and "Imported" in imported.handle.detail


def test_a_suspended_vm_exports_and_stays_suspended(env, tmp_path) -> None:
    p, conn = env
    db = p.db
    vm = halted_vm(db)
    conn.call("VM.start", vm, False, False)
    conn.call("VM.suspend", vm)
    try:
        # the export is offered once the client sees the suspend over, not only its result
        # (the operation can leave current_operations in a later event than the power state)
        wait_until(lambda: conn.cache.record("VM", vm)["power_state"] == "Suspended"
                   and not conn.cache.record("VM", vm)["current_operations"], 30)
        target = tmp_path / "suspended.xva"
        [started] = export(conn, vm, target)
        assert started.handle.wait(60) == str(target)
        assert db.get(vm, "VM")["power_state"] == "Suspended"
        [copy] = import_(conn, target, named(db, "SR", "NFS virtual disk storage"))[0] \
            .handle.wait(60)
        assert shape(db, copy) == shape(db, vm)
    finally:
        conn.call("VM.hard_shutdown", vm)
    wait_until(lambda: not db.get(vm, "VM")["current_operations"])


def test_a_compressed_export_imports_too(env, tmp_path) -> None:
    p, conn = env
    vm = halted_vm(p.db)
    target = tmp_path / "small.xva"
    export(conn, vm, target, compress=True)[0].handle.wait(60)
    assert target.read_bytes()[:2] == b"\x1f\x8b"
    [vm_copy] = import_(conn, target, named(p.db, "SR", "NFS virtual disk storage"))[0] \
        .handle.wait(60)
    assert shape(p.db, vm_copy) == shape(p.db, vm)


def test_replacing_a_file_asks_first(env, tmp_path) -> None:
    p, conn = env
    vm = halted_vm(p.db)
    target = tmp_path / "keep.xva"
    target.write_bytes(b"precious")
    prompter = ScriptedPrompter.with_answers(False)
    assert run(conn, "vm.export", Target(conn, "vm", vm), ExportPlan(str(target)),
               prompter) == []
    assert prompter.asked[0].danger and str(target) in prompter.asked[0].destroys[0]
    assert target.read_bytes() == b"precious"


def tar_bytes(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.mark.parametrize(("content", "says"), [
    (b"", "too short"),
    (b"hello, I am a text file" * 100, "not a tar archive"),
    (tar_bytes([("notes.txt", b"hi")]), "its first member is 'notes.txt', not ova.xml"),
    (gzip.compress(b"\0" * 100, mtime=0), "too short"),  # one id in every test worker
    (b"\x1f\x8b" + b"garbage" * 100, "cannot be unpacked"),
])
def test_a_file_that_is_not_an_xva_is_refused_before_upload(env, tmp_path, content,
                                                            says) -> None:
    p, conn = env
    path = tmp_path / "bad.xva"
    path.write_bytes(content)
    before = len(p.db.all("VM"))
    with pytest.raises(ActionError) as caught:
        import_(conn, path, named(p.db, "SR", "NFS virtual disk storage"))
    assert says in str(caught.value)
    assert len(p.db.all("VM")) == before


def test_a_truncated_xva_fails_on_the_server_and_leaves_nothing(env, tmp_path) -> None:
    p, conn = env
    db = p.db
    whole = tmp_path / "whole.xva"
    export(conn, halted_vm(db), whole)[0].handle.wait(60)
    cut = tmp_path / "cut.xva"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    counts = {cls: len(db.all(cls)) for cls in ("VM", "VDI", "VBD", "VIF")}
    [started] = import_(conn, cut, named(db, "SR", "NFS virtual disk storage"))
    with pytest.raises(StepError) as caught:
        started.handle.wait(60)
    assert caught.value.code.startswith("IMPORT_ERROR")
    assert "Importing cut.xva failed" in str(caught.value)
    wait_until(lambda: {cls: len(db.all(cls)) for cls in counts} == counts)


def test_an_import_into_a_full_sr_says_so(env, tmp_path) -> None:
    p, conn = env
    db = p.db
    path = tmp_path / "vm.xva"
    export(conn, halted_vm(db), path)[0].handle.wait(60)
    thick = named(db, "SR", "iSCSI virtual disk storage")
    size = db.get(thick, "SR")["physical_size"]
    db.update(thick, physical_size=db.get(thick, "SR")["physical_utilisation"] + 1024**2)
    wait_until(lambda: conn.cache.record("SR", thick)["physical_size"] != size)
    before = len(db.all("VM"))
    try:
        [started] = import_(conn, path, thick)
        with pytest.raises(StepError) as caught:
            started.handle.wait(60)
    finally:
        db.update(thick, physical_size=size)
    assert caught.value.code == "SR_FULL"
    assert "The storage repository is full" in str(caught.value)
    assert len(db.all("VM")) == before


def test_cancelling_an_export_removes_the_file(env, tmp_path) -> None:
    p, conn = env
    db = p.db
    vm = halted_vm(db)
    target = tmp_path / "slow.xva"
    p.sim.config.speed = 1.0  # the disk is read at simulated speed: seconds, not instants
    try:
        [started] = export(conn, vm, target)
        wait_until(lambda: started.handle.progress > 0.05, timeout=20)
        started.handle.cancel()
        with pytest.raises(StepError) as caught:
            started.handle.wait(30)
    finally:
        p.sim.config.speed = 0.0
    assert started.handle.status == "cancelled"
    assert "was cancelled" in str(caught.value)
    assert leftovers(tmp_path) == []
    wait_until(lambda: not db.get(vm, "VM")["current_operations"])


@pytest.fixture
def plain() -> Iterator[RunningPool]:
    with running_pool(hosts=1, vms=4) as p:
        yield p


def through(proxy: CuttingProxy, p: RunningPool) -> Connection:
    conn = Connection(proxy.url, p.user, p.password, timeouts=FAST_TIMEOUTS)
    conn.connect(10)
    return conn


def test_an_export_cut_mid_stream_leaves_no_file(plain, tmp_path) -> None:
    parts = urlsplit(plain.url)
    with CuttingProxy((parts.hostname, parts.port), (b"GET /export",), 600_000) as proxy:
        conn = through(proxy, plain)
        try:
            [started] = export(conn, halted_vm(plain.db), tmp_path / "cut.xva")
            with pytest.raises(StepError) as caught:
                started.handle.wait(60)
        finally:
            conn.close()
    assert proxy.cuts == 1
    assert "Exporting" in str(caught.value) and "failed" in str(caught.value)
    assert leftovers(tmp_path) == []


def test_an_import_cut_mid_upload_says_so_and_leaves_nothing(plain, tmp_path) -> None:
    db = plain.db
    conn = Connection(plain.url, plain.user, plain.password, timeouts=FAST_TIMEOUTS)
    conn.connect(10)
    path = tmp_path / "vm.xva"
    try:
        export(conn, halted_vm(db), path)[0].handle.wait(60)
    finally:
        conn.close()
    assert path.stat().st_size > 600_000
    counts = {cls: len(db.all(cls)) for cls in ("VM", "VDI", "VBD", "VIF")}
    parts = urlsplit(plain.url)
    with CuttingProxy((parts.hostname, parts.port), (b"PUT /import",), 600_000) as proxy:
        conn = through(proxy, plain)
        try:
            sr = named(db, "SR", "NFS virtual disk storage")
            [started] = import_(conn, path, sr)
            with pytest.raises(StepError) as caught:
                started.handle.wait(60)
        finally:
            conn.close()
    assert proxy.cuts == 1
    text = str(caught.value)
    assert "Importing vm.xva failed" in text
    wait_until(lambda: {cls: len(db.all(cls)) for cls in counts} == counts)
