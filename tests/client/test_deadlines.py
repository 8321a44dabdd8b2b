"""Every wait has an end: the overall connect deadline against silent and trickling servers,
and the answer size limit, over real loopback sockets."""

from __future__ import annotations

import threading
import time

import pytest

from tests.client.fake_server import (
    call_of,
    fake_server,
    json_answer,
    silent,
    trickle,
    wait_finished,
)
from xapiman.pools.manager import PoolManager
from xapiman.pools.profiles import Profile, ProfileStore
from xapiman.sim.testing import running_pool
from xapiman.xapi import AnswerTooLarge, Connection, ConnectionState, Limits, Timeout


def _connect_and_fail(url: str, timeout: float, **options: object) -> tuple[float, Connection,
                                                                          BaseException | None]:
    conn = Connection(url, "root", "pw", transport="jsonrpc", **options)  # type: ignore[arg-type]
    took, error = wait_finished(lambda: conn.connect(timeout), limit=timeout + 10)
    return took, conn, error


@pytest.mark.parametrize("behaviour", ["silent", "silent-tls", "trickle"])
def test_connect_ends_by_its_deadline_at_login(behaviour) -> None:
    stopping = threading.Event()
    handler = trickle(stopping) if behaviour == "trickle" else silent(stopping)
    with fake_server(handler) as server:
        url = server.url.replace("http:", "https:") if behaviour == "silent-tls" else server.url
        try:
            took, conn, error = _connect_and_fail(url, 1.0)
        finally:
            stopping.set()
        assert isinstance(error, Timeout) and error.phase == "deadline"
        assert "did not finish within 1 s" in str(error)
        assert took < 2.0
        assert conn.state is ConnectionState.FAILED and "within 1 s" in conn.last_change.reason
        conn.close()


def test_connect_ends_by_its_deadline_while_reading_the_pool() -> None:
    stopping = threading.Event()
    slow = trickle(stopping)

    def handle(sock, request) -> None:
        method, _, call_id = call_of(request)
        if method == "session.login_with_password":
            sock.sendall(json_answer("OpaqueRef:session", call_id))
        else:
            slow(sock, request)  # event.from: a byte at a time

    with fake_server(handle) as server:
        try:
            took, conn, error = _connect_and_fail(server.url, 1.5)
        finally:
            stopping.set()
        assert isinstance(error, Timeout) and "reading the pool" in str(error)
        assert took < 2.5
        assert conn.state is ConnectionState.FAILED
        conn.close()


def test_the_app_connects_by_the_same_deadline(tmp_path) -> None:
    """The window's pools connect through PoolManager: a silent server fails them by the
    deadline they were given, not by the 60 s a call may wait."""
    stopping = threading.Event()
    with fake_server(silent(stopping)) as server:
        store = ProfileStore(tmp_path)
        store.add(Profile(name="silent", address=server.url, use_tls=False))
        manager = PoolManager(store, None)
        failures: list[BaseException] = []
        manager.listen("failed", lambda _name, exc: failures.append(exc))
        try:
            manager.open(store.get("silent"), "pw")  # type: ignore[arg-type]
            started = time.monotonic()
            connecting = manager.connect("silent", timeout=1.0)
            connecting.join(30)  # the connection's thread ends with its failure
            took = time.monotonic() - started
            assert not connecting.is_alive()
        finally:
            stopping.set()
            manager.close_all()
    assert len(failures) == 1, failures
    assert isinstance(failures[0], Timeout) and failures[0].phase == "deadline"
    assert took < 8  # far below a call's 60 s


def test_an_answer_announced_too_large_is_refused_before_it_is_read() -> None:
    def handle(sock, request) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 4294967296\r\n\r\n" + b"[" * 65536)

    with fake_server(handle) as server:
        took, _, error = _connect_and_fail(server.url, 10.0)
    assert isinstance(error, AnswerTooLarge) and error.size == 4294967296
    assert "limited to 1073741824 bytes" in str(error)
    assert took < 2.0


def test_an_answer_without_a_length_stops_at_the_limit() -> None:
    def handle(sock, request) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\n\r\n")
        block = b" " * 65536
        for _ in range(64):  # 4 MiB, then the connection closes
            sock.sendall(block)
        sock.close()

    with fake_server(handle) as server:
        _, _, error = _connect_and_fail(server.url, 10.0, limits=Limits(answer_bytes=1 << 20))
    assert isinstance(error, AnswerTooLarge) and error.size is None and error.limit == 1 << 20


def test_a_pool_read_above_the_limit_fails_at_once_and_leaves_no_session() -> None:
    """Reading the pool again would be as large: FAILED without reconnection rounds, and
    connecting again ends the session the failed attempt held."""
    with running_pool(hosts=1, vms=4) as pool:
        conn = Connection(pool.url, pool.user, pool.password, transport="jsonrpc",
                          limits=Limits(answer_bytes=64 << 10))
        try:
            for _attempt in range(3):
                took, error = wait_finished(lambda: conn.connect(20), limit=30)
                assert isinstance(error, AnswerTooLarge), error
                assert took < 5 and conn.state is ConnectionState.FAILED
                assert len(pool.db.all("session")) == 1  # the last attempt's only
        finally:
            conn.close()
        assert pool.db.all("session") == {}


def test_closing_ends_by_its_time_limit_against_a_trickling_server() -> None:
    stopping = threading.Event()
    slow = trickle(stopping)

    def handle(sock, request) -> None:
        method, _, call_id = call_of(request)
        if method == "session.login_with_password":
            sock.sendall(json_answer("OpaqueRef:session", call_id))
        elif method == "event.from":
            sock.sendall(json_answer({"events": [], "token": "1", "valid_ref_counts": {}},
                                     call_id))
        else:
            slow(sock, request)  # session.logout: a byte at a time

    with fake_server(handle) as server:
        conn = Connection(server.url, "root", "pw", transport="jsonrpc")
        try:
            conn.connect(5)
            took, error = wait_finished(conn.close, limit=15)
        finally:
            stopping.set()
    assert error is None and took < conn.timeouts.close + 1.5
