"""The simulator facing a network: bounded threads and waits, a body cap before
authentication, answers to hostile bodies, advertised addresses, xapi's session limits."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.sim.rpc import Failed, Wire, post
from xapiman.sim.server import HostServer
from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool
from xapiman.xapi import Connection


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=4) as p:
        yield p


def address_of(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 80


def coordinator_server(pool) -> HostServer:
    return pool.sim.servers[pool.sim.coordinator]


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes `sock` within `seconds` (whatever it sent before)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(65536):
            pass
        return True
    except TimeoutError:
        return False
    except OSError:  # reset
        return True


def login_works(url: str, timeout: float = 5.0) -> bool:
    status, _, body = post(url, "/jsonrpc", b'{"jsonrpc": "2.0", "method": '
                           b'"session.login_with_password", "params": ["root", "xapiman"], '
                           b'"id": 1}', "application/json")
    return status == 200 and b"OpaqueRef:" in body


def test_connections_that_say_nothing_hold_no_threads(pool) -> None:
    before = threading.active_count()
    socks = [socket.create_connection(address_of(pool.url)) for _ in range(600)]
    try:
        time.sleep(0.3)
        assert threading.active_count() - before <= 4
        started = time.monotonic()
        assert login_works(pool.url)
        assert time.monotonic() - started < 2
    finally:
        for sock in socks:
            sock.close()


def test_a_head_that_trickles_is_cut_at_the_header_timeout(pool) -> None:
    coordinator_server(pool).header_timeout = 0.5
    with socket.create_connection(address_of(pool.url)) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\n")
        stop = threading.Event()

        def trickle() -> None:
            with contextlib.suppress(OSError):
                while not stop.wait(0.1):
                    sock.sendall(b"X")

        threading.Thread(target=trickle, daemon=True).start()
        try:
            assert closed_within(sock, 3.0)
        finally:
            stop.set()


def test_an_idle_keep_alive_connection_is_closed(pool) -> None:
    coordinator_server(pool).idle_timeout = 0.5
    with contextlib.closing(Wire(pool.url, "json")) as wire:
        wire.login(pool.user, pool.password)
        assert wire.conn.sock is not None
        assert closed_within(wire.conn.sock, 3.0)


def test_workers_are_bounded(monkeypatch) -> None:
    monkeypatch.setattr(HostServer, "max_workers", 20)
    with running_pool(hosts=1, vms=2) as pool:
        coordinator_server(pool).header_timeout = 1.0
        before = threading.active_count()
        socks = []
        for _ in range(60):  # each starts a request and never finishes its head
            sock = socket.create_connection(address_of(pool.url))
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
            socks.append(sock)
        try:
            time.sleep(0.3)
            assert threading.active_count() - before <= 20
            assert coordinator_server(pool).refused >= 30
            time.sleep(1.2)  # the heads' time is up: the workers are free again
            assert login_works(pool.url)
        finally:
            for sock in socks:
                sock.close()


def test_a_large_body_needs_a_live_session(pool) -> None:
    big = b"A" * (1 << 20)
    body = (b"<?xml version='1.0'?><methodCall><methodName>VM.get_all</methodName><params>"
            b"<param><value><string>OpaqueRef:00000000-0000-0000-0000-000000000000</string>"
            b"</value></param><param><value><string>" + big + b"</string></value></param>"
            b"</params></methodCall>")
    status, headers, answer = post(pool.url, "/", body)
    assert status == 413 and b"without a valid session" in answer
    with contextlib.closing(Wire(pool.url, "xml")) as wire:
        assert wire.login(pool.user, pool.password)
        vm = next(iter(pool.db.all("VM")))
        wire.call("VM.set_name_description", vm, "d" * (1 << 20))  # a live session: accepted
    assert len(pool.db.get(vm)["name_description"]) == 1 << 20


@pytest.mark.parametrize("kind", ["xml", "json"])
def test_deeply_nested_requests_get_an_answer(pool, kind) -> None:
    depth = 5_000  # under the body cap for calls without a session
    if kind == "xml":
        body = (b"<?xml version='1.0'?><methodCall><methodName>VM.get_all</methodName><params>"
                b"<param>" + b"<value><array><data>" * depth
                + b"</data></array></value>" * depth + b"</param></params></methodCall>")
        status, _, answer = post(pool.url, "/", body)
    else:
        body = (b'{"jsonrpc": "2.0", "id": 1, "method": "VM.get_all", "params": '
                + b"[" * depth + b"]" * depth + b"}")
        status, _, answer = post(pool.url, "/jsonrpc", body, "application/json")
    assert status == 500 and (b"too deeply" in answer or b"depth limit" in answer)
    assert login_works(pool.url)  # the server goes on


MALFORMED = [
    b"<methodCall><methodName>VM.get_all</methodName><params><param><value><struct><member>"
    b"<name>a</name></member></struct></value></param></params></methodCall>",
    b"<methodCall><methodName>x</methodName><params><param><value><dateTime.iso8601>nope"
    b"</dateTime.iso8601></value></param></params></methodCall>",
    b"<methodCall><params/></methodCall>", b"<<<", b"\xff\xfe\x00<", b"",
    b"<methodCall><methodName>VM.get_record</methodName><params><param><value><base64>!!"
    b"</base64></value></param></params></methodCall>",
    b"<methodCall><methodName>session.login_with_password</methodName><params><param><value>"
    b"<base64>AAAA</base64></value></param><param><value><base64>AAAA</base64></value></param>"
    b"</params></methodCall>",
    b"<methodCall><methodName>VM.get_record</methodName><params><param><value><base64>AAAA"
    b"</base64></value></param><param><value><base64>AAAA</base64></value></param></params>"
    b"</methodCall>",
]


def test_error_texts_never_show_memory_addresses(pool) -> None:
    for body in MALFORMED:
        status, _, answer = post(pool.url, "/", body)
        assert not re.search(rb"0x[0-9a-fA-F]{6,}", answer), answer[:300]
        json_status, _, json_answer = post(pool.url, "/jsonrpc", body, "application/json")
        assert not re.search(rb"0x[0-9a-fA-F]{6,}", json_answer), json_answer[:300]
        assert status in (200, 500) and json_status in (200, 500)


def test_bound_to_every_interface_the_hosts_advertise_a_reachable_address() -> None:
    sim = Simulator(generate_pool(2, 2, seed=1), SimConfig(speed=0.0), use_tls=False,
                    bind="0.0.0.0", advertise="127.0.0.2")
    sim.start()
    try:
        addresses = [h["address"] for h in sim.db.all("host").values()]
        assert all(a.startswith("127.0.0.2:") for a in addresses)
        assert sim.url().startswith("http://127.0.0.2:")
        supporter = next(h for h in sim.servers if h != sim.coordinator)
        port = sim.servers[supporter].port
        with contextlib.closing(Wire(f"http://127.0.0.1:{port}", "json")) as wire, \
                pytest.raises(Failed) as info:
            wire.login("root", "xapiman")
        assert info.value.description == ["HOST_IS_SLAVE", sim.db.get(sim.coordinator, "host")[
            "address"]]
        conn = Connection(f"http://127.0.0.1:{port}", "root", "xapiman")  # follows to .2
        try:
            conn.connect(timeout=20)
            assert conn.coordinator_url.startswith("http://127.0.0.2:")
        finally:
            conn.close()
    finally:
        sim.stop()


@pytest.mark.parametrize("wildcard, loopback", [("0.0.0.0", "127.0.0.1"), ("::", "[::1]")])
def test_bound_to_every_interface_without_advertise_the_hosts_give_their_own_address(
        wildcard, loopback) -> None:
    sim = Simulator(generate_pool(2, 2, seed=1), SimConfig(speed=0.0), use_tls=False,
                    bind=wildcard)
    sim.start()
    try:
        coordinator = sim.db.get(sim.coordinator, "host")["address"]
        for address in (h["address"] for h in sim.db.all("host").values()):
            host = urlsplit(f"http://{address}").hostname or ""
            assert not ipaddress.ip_address(host).is_unspecified, address
        assert urlsplit(sim.url()).netloc == coordinator
        # tests reach it through loopback only: the supporter names the coordinator's own
        # address, the one its host record gives, never the wildcard it listens on
        supporter = next(h for h in sim.servers if h != sim.coordinator)
        port = sim.servers[supporter].port
        with contextlib.closing(Wire(f"http://{loopback}:{port}", "json")) as wire, \
                pytest.raises(Failed) as info:
            wire.login("root", "xapiman")
        assert info.value.description == ["HOST_IS_SLAVE", coordinator]
        assert login_works(f"http://{loopback}:{sim.servers[sim.coordinator].port}")
    finally:
        sim.stop()


@pytest.mark.parametrize("originator, limit", [("probe", 500), ("", 400)])
def test_sessions_beyond_xapis_limit_are_evicted_oldest_first(pool, originator, limit) -> None:
    with contextlib.closing(Wire(pool.url, "xml")) as wire, \
            contextlib.closing(Wire(pool.url, "xml")) as other:
        other.login(pool.user, pool.password)  # another originator's session
        login = [pool.user, pool.password, "2.21", originator]
        first = wire.call_raw("session.login_with_password", login)
        second = wire.call_raw("session.login_with_password", login)
        for _ in range(limit - 1):
            wire.call_raw("session.login_with_password", login)
        with pytest.raises(Failed) as info:
            wire.call_raw("pool.get_all", [first])
        assert info.value.description[0] == "SESSION_INVALID"
        assert wire.call_raw("pool.get_all", [second])
        assert other.call("pool.get_all")  # untouched
