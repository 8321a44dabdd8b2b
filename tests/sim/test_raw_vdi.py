"""PUT /import_raw_vdi and GET /export_raw_vdi of the simulator, raw and VHD, over real sockets:
what goes in comes out, the task says how it ended, bad uploads leave the disk as it was."""

from __future__ import annotations

import io
import os

import pytest

from tests.sim.test_storage_sr import new_vdi, sr_of_type
from tests.sim.test_xva import connect
from xapiman.sim import vhd

MiB = 1024**2
pytestmark = pytest.mark.timeout(60)


def put(url: str, query: str, body: bytes, headers: dict[str, str] | None = None):
    conn = connect(url)
    try:
        conn.request("PUT", f"/import_raw_vdi?{query}", body=body,
                     headers=headers or {"Content-Length": str(len(body))})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def get(url: str, query: str):
    conn = connect(url)
    try:
        conn.request("GET", f"/export_raw_vdi?{query}")
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def image(size: int) -> bytes:
    """Data in the first and the fourth MiB, zeros elsewhere."""
    data = bytearray(size)
    data[:MiB] = os.urandom(MiB)
    data[3 * MiB:3 * MiB + 4096] = b"xapiman" * 585 + b"x"
    return bytes(data)


def test_raw_and_vhd_round_trips(session, pool):
    x, sid = session.xenapi, session._session
    sr = sr_of_type(x, "nfs")
    vdi = new_vdi(x, sr, 8 * MiB, "upload")
    data = image(6 * MiB)
    status, headers, _ = put(pool.url, f"session_id={sid}&vdi={vdi}", data)
    assert status == 200
    task = headers["task-id"]
    assert x.task.get_status(task) == "success"
    assert vdi in x.task.get_result(task)
    status, headers, raw = get(pool.url, f"session_id={sid}&vdi={x.VDI.get_uuid(vdi)}")
    assert status == 200 and len(raw) == 8 * MiB and raw[:6 * MiB] == data
    assert headers["content-disposition"] == f'attachment; filename="{x.VDI.get_uuid(vdi)}.raw"'
    status, headers, packed = get(pool.url, f"session_id={sid}&vdi={vdi}&format=vhd")
    assert status == 200 and headers["content-type"] == "application/vhd"
    assert len(packed) < 8 * MiB  # absent blocks are not sent
    size, pieces = vhd.read(io.BytesIO(packed).read, len(packed))
    assert size == 8 * MiB
    out = bytearray(size)
    for offset, piece in pieces:
        out[offset:offset + len(piece)] = piece
    assert bytes(out[:6 * MiB]) == data
    other = new_vdi(x, sr, 8 * MiB, "from vhd")
    status, headers, _ = put(pool.url, f"session_id={sid}&vdi={other}&format=vhd", packed)
    assert status == 200 and x.task.get_status(headers["task-id"]) == "success"
    assert get(pool.url, f"session_id={sid}&vdi={other}")[2] == raw
    assert int(x.VDI.get_physical_utilisation(other)) >= 2 * MiB  # the thin file grew


def test_bad_uploads_change_nothing(session, pool):
    x, sid = session.xenapi, session._session
    sr = sr_of_type(x, "nfs")
    vdi = new_vdi(x, sr, 4 * MiB, "target")
    before = get(pool.url, f"session_id={sid}&vdi={vdi}")[2]
    status, headers, _ = put(pool.url, f"session_id={sid}&vdi={vdi}", image(6 * MiB))
    assert status == 200 and x.task.get_status(headers["task-id"]) == "failure"
    assert x.task.get_error_info(headers["task-id"])[0] == "VDI_IO_ERROR"
    broken = b"conectix" + bytes(2 * MiB)
    status, headers, _ = put(pool.url, f"session_id={sid}&vdi={vdi}&format=vhd", broken)
    assert x.task.get_error_info(headers["task-id"])[0] == "INTERNAL_ERROR"
    status, headers, _ = put(pool.url, f"session_id={sid}&vdi={vdi}&format=qcow3", b"x")
    assert status == 404 and x.task.get_error_info(headers["task-id"]) == [
        "INTERNAL_ERROR", "Unknown format qcow3"]
    status, headers, _ = put(pool.url, f"session_id={sid}&vdi={vdi}", b"abc",
                             {"Transfer-Encoding": "chunked"})
    assert status == 404
    assert get(pool.url, f"session_id={sid}&vdi={vdi}")[2] == before
    status, headers, _ = put(pool.url, f"session_id={sid}&sr_id={sr}", b"z" * MiB)
    made = x.task.get_result(headers["task-id"])
    ref = made[made.index("OpaqueRef:"):made.index("</value>")]
    assert x.VDI.get_name_label(ref) == "Imported VDI"
    assert int(x.VDI.get_virtual_size(ref)) >= MiB
