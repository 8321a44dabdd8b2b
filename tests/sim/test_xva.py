"""GET /export and PUT /import of the simulator (XVA streams), over real sockets."""

from __future__ import annotations

import hashlib
import http.client
import io
import re
import socket
import tarfile
import threading
import time
from urllib.parse import urlsplit

import pytest
import XenAPI

from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)

RESULT = re.compile(r"<value><array><data><value>(OpaqueRef:[0-9a-f-]+)</value></data></array></value>\Z")
COUNTED = ("VM", "VM_metrics", "VBD", "VIF", "VDI", "network")


def connect(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)


def export_xva(url: str, sid: str, vm: str, query: str = "") -> tuple[int, dict, bytes]:
    conn = connect(url)
    try:
        conn.request("GET", f"/export?session_id={sid}&ref={vm}{query}")
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def import_xva(url: str, sid: str, data: bytes, query: str = "",
               headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    conn = connect(url)
    try:
        conn.request("PUT", f"/import?session_id={sid}{query}", body=data,
                     headers=headers or {"Content-Length": str(len(data))})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def halted_vm(db) -> str:
    return next(r for r, v in db.all("VM").items()
                if v["power_state"] == "Halted" and not v["is_a_template"] and v["VIFs"])


def counts(db) -> dict[str, int]:
    return {cls: len(db.all(cls)) for cls in COUNTED}


def members(data: bytes) -> list[tuple[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]


def disk_sizes(session, vm: str) -> list[int]:
    sizes = []
    for vbd in session.xenapi.VM.get_VBDs(vm):
        rec = session.xenapi.VBD.get_record(vbd)
        if rec["type"] == "Disk":
            sizes.append(int(session.xenapi.VDI.get_virtual_size(rec["VDI"])))
    return sorted(sizes)


@pytest.fixture
def sid(session) -> str:
    return session._session


@pytest.fixture(scope="module")
def exported():
    """One export of a halted VM, shared by the import tests."""
    with running_pool(hosts=1, vms=10) as p:
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password)
        status, _h, data = export_xva(p.url, s._session, halted_vm(p.db))
        s.xenapi.session.logout()
        s("close")()
        assert status == 200
        yield data


def test_export_streams_a_sparse_xva_under_a_task(pool, session, sid):
    vm = halted_vm(pool.db)
    status, headers, data = export_xva(pool.url, sid, vm)
    assert status == 200
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-disposition"] == 'attachment; filename="export.xva"'
    task = headers["task-id"]
    names = [name for name, _ in members(data)]
    assert names[0] == "ova.xml"
    chunks = dict(members(data))
    for name in names[1:]:
        if not name.endswith(".checksum"):
            assert re.fullmatch(r"Ref:\d+/\d{8}", name)
            assert chunks[name + ".checksum"].decode() == hashlib.sha1(chunks[name]).hexdigest()
    size = disk_sizes(session, vm)[0]
    assert len(data) < 4 * 1024 * 1024 < size  # all-zero chunks are skipped
    last = f"{(size - 1) // (1 << 20):08d}"
    assert any(n.endswith("/" + last) for n in names) and any(n.endswith("/00000000") for n in names)
    ova = chunks["ova.xml"].decode()
    assert ova.startswith("<value><struct><member><name>version</name>")
    assert "<name>class</name><value>VM</value>" in ova and "Ref:0" in ova
    record = session.xenapi.task.get_record(task)
    assert record["status"] == "success" and float(record["progress"]) == 1.0
    assert session.xenapi.VM.get_current_operations(vm) == {}


def test_export_of_a_running_vm_fails_its_task(pool, session, sid):
    vm = next(r for r, v in pool.db.all("VM").items()
              if v["power_state"] == "Running" and not v["is_control_domain"])
    task = session.xenapi.task.create("my export", "")
    status, headers, _ = export_xva(pool.url, sid, vm, f"&task_id={task}")
    assert status == 500 and headers["task-id"] == task
    record = session.xenapi.task.get_record(task)
    assert record["status"] == "failure"
    assert record["error_info"] == ["VM_BAD_POWER_STATE", vm, "halted, suspended", "running"]
    assert get_status(pool.url, f"/export?session_id={sid}&uuid=no-such-uuid") == 500
    assert get_status(pool.url, f"/export?ref={vm}") == 401


def get_status(url: str, path: str) -> int:
    conn = connect(url)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_export_progress_operation_and_cancel():
    with running_pool(hosts=1, vms=10, speed=1.0) as p:
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password)
        vm = halted_vm(p.db)
        conn = connect(p.url)
        conn.request("GET", f"/export?session_id={s._session}&ref={vm}")
        resp = conn.getresponse()
        task = resp.getheader("task-id")
        assert s.xenapi.VM.get_current_operations(vm) == {task: "export"}
        # drain the stream in the background: reads block while the server skips sparse
        # regions, and the progress must be watched meanwhile
        reader = threading.Thread(target=resp.read, daemon=True)
        reader.start()
        seen = set()
        deadline = time.monotonic() + 20
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.add(float(s.xenapi.task.get_progress(task)) // 0.01)
            time.sleep(0.05)
        assert len(seen) >= 2  # progress moved while the stream ran
        assert s.xenapi.task.get_status(task) == "pending"
        s.xenapi.task.cancel(task)
        reader.join(20)
        conn.close()
        record = s.xenapi.task.get_record(task)
        assert record["status"] == "cancelled"
        assert s.xenapi.VM.get_current_operations(vm) == {}


def test_export_import_round_trip(pool, session, sid):
    db = pool.db
    vm = halted_vm(db)
    _status, _h, data = export_xva(pool.url, sid, vm)
    before = counts(db)
    status, headers, body = import_xva(pool.url, sid, data)
    assert status == 200 and body == b""
    record = session.xenapi.task.get_record(headers["task-id"])
    assert record["status"] == "success", record["error_info"]
    assert record["other_config"]["object_creation"] == "complete"
    new = RESULT.match(record["result"]).group(1)
    old_rec, new_rec = session.xenapi.VM.get_record(vm), session.xenapi.VM.get_record(new)
    assert new_rec["name_label"] == old_rec["name_label"]
    assert new_rec["uuid"] != old_rec["uuid"]
    assert new_rec["power_state"] == "Halted" and new_rec["current_operations"] == {}
    assert new_rec["memory_static_max"] == old_rec["memory_static_max"]
    assert disk_sizes(session, new) == disk_sizes(session, vm)
    assert len(new_rec["VIFs"]) == len(old_rec["VIFs"])
    old_macs = {session.xenapi.VIF.get_MAC(v) for v in old_rec["VIFs"]}
    assert not old_macs & {session.xenapi.VIF.get_MAC(v) for v in new_rec["VIFs"]}
    default_sr = db.get(pool.sim.pool_ref(), "pool")["default_SR"]
    for vbd in new_rec["VBDs"]:
        vdi = session.xenapi.VBD.get_VDI(vbd)
        if vdi != "OpaqueRef:NULL":
            assert session.xenapi.VDI.get_SR(vdi) == default_sr
    after = counts(db)
    assert after["VM"] == before["VM"] + 1 and after["network"] == before["network"]
    again = dict(members(export_xva(pool.url, sid, new)[2]))
    first = dict(members(data))
    assert [v for k, v in again.items() if k.endswith("/00000000")] == \
        [v for k, v in first.items() if k.endswith("/00000000")]


def test_restore_keeps_the_macs_and_sr_id_picks_the_sr(pool, session, sid):
    db = pool.db
    vm = halted_vm(db)
    data = export_xva(pool.url, sid, vm)[2]
    local = next(r for r, v in db.all("SR").items() if v["type"] == "ext")
    _s, headers, _b = import_xva(pool.url, sid, data, f"&restore=true&sr_id={local}")
    new = RESULT.match(session.xenapi.task.get_result(headers["task-id"])).group(1)
    macs = sorted(session.xenapi.VIF.get_MAC(v) for v in session.xenapi.VM.get_VIFs(new))
    assert macs == sorted(session.xenapi.VIF.get_MAC(v) for v in session.xenapi.VM.get_VIFs(vm))
    for vbd in session.xenapi.VM.get_VBDs(new):
        if session.xenapi.VBD.get_type(vbd) == "Disk":
            assert session.xenapi.VDI.get_SR(session.xenapi.VBD.get_VDI(vbd)) == local


def test_import_refusals(pool, session, sid, exported):
    db = pool.db
    iso = next(r for r, v in db.all("SR").items() if v["content_type"] == "iso")
    status, headers, _ = import_xva(pool.url, sid, exported, f"&sr_id={iso}")
    assert status == 400
    assert session.xenapi.task.get_error_info(headers["task-id"]) == ["SR_OPERATION_NOT_SUPPORTED", iso]
    status, headers, _ = import_xva(pool.url, sid, b"0\r\n\r\n",
                                    headers={"Transfer-Encoding": "chunked"})
    assert status == 403
    assert session.xenapi.task.get_error_info(headers["task-id"]) == ["IMPORT_ERROR_CANNOT_HANDLE_CHUNKED"]
    pool_ref = session.xenapi.pool.get_all()[0]
    session.xenapi.pool.set_default_SR(pool_ref, "OpaqueRef:NULL")
    status, headers, _ = import_xva(pool.url, sid, exported)
    assert status == 500
    assert session.xenapi.task.get_error_info(headers["task-id"]) == ["DEFAULT_SR_NOT_FOUND", "OpaqueRef:NULL"]


def broken_import(pool, session, sid, data: bytes, query: str = "") -> list[str]:
    """Import `data` and return the task's error_info, checking nothing was left behind."""
    before = counts(pool.db)
    status, headers, _ = import_xva(pool.url, sid, data, query)
    assert status == 200
    record = session.xenapi.task.get_record(headers["task-id"])
    assert record["status"] == "failure"
    assert counts(pool.db) == before
    return record["error_info"]


def test_truncated_import_fails_cleanly(pool, session, sid, exported):
    before = counts(pool.db)
    parts = urlsplit(pool.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        head = (f"PUT /import?session_id={sid} HTTP/1.1\r\nHost: sim\r\n"
                f"Content-Length: {len(exported)}\r\n\r\n").encode()
        sock.sendall(head + exported[: len(exported) * 2 // 3])
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n")
    task = re.search(rb"task-id: (OpaqueRef:[0-9a-f-]+)", reply).group(1).decode()
    record = session.xenapi.task.get_record(task)
    assert record["status"] == "failure"
    assert record["error_info"] == ["IMPORT_ERROR_PREMATURE_EOF"]
    assert counts(pool.db) == before


def rebuild(data: bytes, change) -> bytes:
    """The same XVA with each member passed through change(name, content) -> (name, content)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w|") as tar:
        for name, content in members(data):
            name, content = change(name, content)
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


def test_bad_checksum_fails_unless_forced(pool, session, sid, exported):
    def corrupt(name: str, content: bytes) -> tuple[str, bytes]:
        if name.endswith("/00000000"):
            return name, b"X" + content[1:]
        return name, content

    bad = rebuild(exported, corrupt)
    assert broken_import(pool, session, sid, bad) == ["IMPORT_ERROR_SOME_CHECKSUMS_FAILED"]
    _s, headers, _b = import_xva(pool.url, sid, bad, "&force=true")
    assert session.xenapi.task.get_status(headers["task-id"]) == "success"


def test_garbage_and_unexpected_first_file_fail_cleanly(pool, session, sid, exported):
    error = broken_import(pool, session, sid, b"this is not a tar file" * 100)
    assert error[0] == "IMPORT_ERROR"
    renamed = rebuild(exported, lambda n, c: ("other.xml" if n == "ova.xml" else n, c))
    assert broken_import(pool, session, sid, renamed) == \
        ["IMPORT_ERROR_UNEXPECTED_FILE", "ova.xml", "other.xml"]
    no_vm = rebuild(exported, lambda n, c: (n, c.replace(b"<value>VM</value>", b"<value>VMx</value>")))
    assert broken_import(pool, session, sid, no_vm)[0] == "IMPORT_ERROR"


def test_gzip_export_imports_back(pool, session, sid):
    vm = halted_vm(pool.db)
    status, _h, data = export_xva(pool.url, sid, vm, "&use_compression=true")
    assert status == 200 and data[:2] == b"\x1f\x8b"
    assert members(data)[0][0] == "ova.xml"
    _s, headers, _b = import_xva(pool.url, sid, data)
    record = session.xenapi.task.get_record(headers["task-id"])
    assert record["status"] == "success", record["error_info"]
    new = RESULT.match(record["result"]).group(1)
    assert disk_sizes(session, new) == disk_sizes(session, vm)
