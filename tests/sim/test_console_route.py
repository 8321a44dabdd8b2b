"""CONNECT /console and GET /vncsnapshot of the simulator, over raw sockets."""

from __future__ import annotations

import http.client
import socket
import ssl
import struct
import threading
import time
from urllib.parse import urlsplit

import pytest

from xapiman.sim.routes_console import OK_LINES, vnc_targets
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def open_tunnel(url: str, target: str, session: str | None, *, cookie: bool = True,
                version: str = "HTTP/1.0", tls: bool = False) -> tuple[socket.socket, bytes]:
    """Send XenCenter's CONNECT; return the socket and exactly the reply header bytes."""
    sock = socket.create_connection(address(url), timeout=10)
    if tls:
        sock = ssl._create_unverified_context().wrap_socket(sock)  # noqa: S323 - self-signed
    query = target if cookie or session is None else f"{target}&session_id={session}"
    lines = [f"CONNECT /console?{query} {version}", "Host: sim"]
    if cookie and session:
        lines.append(f"Cookie: session_id={session}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            break
        head += byte
    return sock, head


def read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        assert chunk, f"closed after {data!r}"
        data += chunk
    return data


def status_of(head: bytes) -> int:
    return int(head.split(b" ", 2)[1])


def running_guest(db, host: str) -> tuple[str, dict]:
    return next((r, v) for r, v in db.all("VM").items()
                if v["power_state"] == "Running" and v["resident_on"] == host
                and not v["is_control_domain"] and v["consoles"])


def rfb_handshake_38(sock: socket.socket) -> tuple[int, int, str]:
    """Finish an RFB 3.8 handshake (security None, shared); return width, height, name."""
    sock.sendall(b"RFB 003.008\n")
    assert read_exactly(sock, 2) == b"\x01\x01"
    sock.sendall(b"\x01")
    assert read_exactly(sock, 4) == b"\0\0\0\0"
    sock.sendall(b"\x01")
    width, height = struct.unpack(">HH", read_exactly(sock, 4))
    read_exactly(sock, 16)
    (length,) = struct.unpack(">I", read_exactly(sock, 4))
    return width, height, read_exactly(sock, length).decode()


@pytest.fixture
def sid(session) -> str:
    return session._session


def test_tunnel_reply_is_exact_then_rfb_38(pool, sid):
    vm, rec = running_guest(pool.db, pool.sim.coordinator)
    console = rec["consoles"][0]
    uuid = pool.db.get(console, "console")["uuid"]
    sock, head = open_tunnel(pool.url, f"uuid={uuid}", sid)
    with sock:
        assert head == OK_LINES
        assert read_exactly(sock, 12) == b"RFB 003.008\n"
        width, height, name = rfb_handshake_38(sock)
        assert (width, height) == (720, 400) and name == rec["name_label"]


def test_vm_ref_query_session_and_http11(pool, sid):
    vm, _rec = running_guest(pool.db, pool.sim.coordinator)
    sock, head = open_tunnel(pool.url, f"ref={vm}", sid, cookie=False, version="HTTP/1.1")
    with sock:
        assert head == OK_LINES
        assert read_exactly(sock, 12) == b"RFB 003.008\n"
    vm_uuid = pool.db.get(vm, "VM")["uuid"]
    sock, head = open_tunnel(pool.url, f"uuid={vm_uuid}", sid)
    with sock:
        assert head == OK_LINES


def test_host_console_speaks_rfb_33(pool, sid):
    host = pool.sim.coordinator
    dom0 = pool.db.get(host, "host")["control_domain"]
    console = pool.db.get(dom0, "VM")["consoles"][0]
    sock, head = open_tunnel(pool.url, f"ref={console}", sid)
    with sock:
        assert head == OK_LINES
        assert read_exactly(sock, 12) == b"RFB 003.003\n"
        sock.sendall(b"RFB 003.003\n")
        assert read_exactly(sock, 4) == b"\0\0\0\x01"  # security None as a u32


def test_refusals(pool, sid):
    db, coordinator = pool.db, pool.sim.coordinator
    vm, _rec = running_guest(db, coordinator)
    for session in (None, "OpaqueRef:00000000-0000-0000-0000-000000000000"):
        sock, head = open_tunnel(pool.url, f"ref={vm}", session)
        sock.close()
        assert status_of(head) == 401
    for target in ("uuid=no-such-thing", f"ref={coordinator}", "ref=OpaqueRef:nothing", "x=1"):
        sock, head = open_tunnel(pool.url, target, sid)
        sock.close()
        assert status_of(head) == 404, target
    halted = next(r for r, v in db.all("VM").items() if v["power_state"] == "Halted")
    sock, head = open_tunnel(pool.url, f"ref={halted}", sid)
    sock.close()
    assert status_of(head) == 404  # a halted VM has no console object
    elsewhere, rec = next((r, v) for r, v in db.all("VM").items()
                          if v["power_state"] == "Running" and v["resident_on"] != coordinator
                          and v["consoles"])
    sock, head = open_tunnel(pool.url, f"ref={elsewhere}", sid)
    sock.close()
    assert status_of(head) == 500  # xapi refuses: not resident on this host
    other_url = pool.sim.servers[rec["resident_on"]].url()
    sock, head = open_tunnel(other_url, f"ref={elsewhere}", sid)
    with sock:
        assert head == OK_LINES


def test_console_of_a_vm_that_is_no_longer_running(pool, sid):
    db = pool.db
    vm, rec = running_guest(db, pool.sim.coordinator)
    console = rec["consoles"][0]
    db.update(vm, power_state="Paused")
    sock, head = open_tunnel(pool.url, f"ref={console}", sid)
    sock.close()
    assert status_of(head) == 500
    db.update(vm, power_state="Running")
    sock, head = open_tunnel(pool.url, f"ref={console}", sid)
    with sock:
        assert head == OK_LINES and read_exactly(sock, 12) == b"RFB 003.008\n"
        rfb_handshake_38(sock)
        db.destroy(console)  # the VM stopped: xapi destroys its consoles
        sock.settimeout(5)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and sock.recv(65536):
            pass
        assert time.monotonic() < deadline  # the server hung up


def test_tunnel_over_tls():
    with running_pool(hosts=1, vms=6, tls=True) as p:
        import XenAPI

        s = XenAPI.Session(p.url, ignore_ssl=True)
        s.xenapi.login_with_password(p.user, p.password)
        vm, _rec = running_guest(p.db, p.sim.coordinator)
        sock, head = open_tunnel(p.url, f"ref={vm}", s._session, tls=True)
        with sock:
            assert head == OK_LINES
            assert read_exactly(sock, 12) == b"RFB 003.008\n"
            assert rfb_handshake_38(sock)[:2] == (720, 400)


def test_external_vnc_target_is_relayed(pool, sid):
    vm, _rec = running_guest(pool.db, pool.sim.coordinator)
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def fake_qemu() -> None:
        conn, _ = server.accept()
        with conn:
            conn.sendall(b"RFB 003.008\n")
            received.append(conn.recv(12))
            conn.sendall(b"bye")

    thread = threading.Thread(target=fake_qemu, daemon=True)
    thread.start()
    vnc_targets(pool.sim)[vm] = ("tcp", "127.0.0.1", server.getsockname()[1])
    try:
        sock, head = open_tunnel(pool.url, f"ref={vm}", sid)
        with sock:
            assert head == OK_LINES
            assert read_exactly(sock, 12) == b"RFB 003.008\n"
            sock.sendall(b"RFB 003.008\n")
            assert read_exactly(sock, 3) == b"bye"
        thread.join(5)
        assert received == [b"RFB 003.008\n"]
        server.close()
        sock, head = open_tunnel(pool.url, f"ref={vm}", sid)  # nobody listens any more
        sock.close()
        assert status_of(head) == 404
    finally:
        vnc_targets(pool.sim).pop(vm, None)
        server.close()


def test_vncsnapshot_is_a_png_of_the_screen(pool, sid):
    vm, rec = running_guest(pool.db, pool.sim.coordinator)
    conn = http.client.HTTPConnection(*address(pool.url), timeout=10)
    try:
        conn.request("GET", f"/vncsnapshot?session_id={sid}&uuid={rec['uuid']}")
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200 and resp.getheader("Content-Type") == "image/png"
        assert body.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", body[16:24]) == (720, 400)
        conn.request("GET", f"/vncsnapshot?uuid={rec['uuid']}")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 401
    finally:
        conn.close()
