"""Logging in: both transports, negotiation, HOST_IS_SLAVE, refused and rejected logins."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.client.conftest import StateRecorder
from xapiman.xapi import (
    ConnectionRefused,
    ConnectionState,
    NotConnected,
    SessionAuthenticationFailed,
)
from xapiman.xapi.records import VM, Host


def typed_summary(conn) -> dict[str, tuple]:
    """What the typed views say about every VM and host (transport independent)."""
    out: dict[str, tuple] = {}
    for vm in conn.cache.objects(VM):
        out[vm.ref] = (vm.name, vm.power_state, vm.memory_static_max, vm.vcpus_max, vm.domid,
                       vm.is_real, tuple(v.ref for v in vm.vbds), vm.os_name,
                       tuple(vm.ip_addresses), vm.snapshot_time)
    for host in conn.cache.objects(Host):
        out[host.ref] = (host.name, host.memory_total, host.cpu_count, host.api_version,
                         tuple(v.ref for v in host.resident_vms))
    return out


def test_both_transports_give_the_same_cache(pool, connections) -> None:
    auto = connections(pool.url, pool.user, pool.password)
    auto.connect(timeout=10)
    xml = connections(pool.url, pool.user, pool.password, transport="xmlrpc")
    xml.connect(timeout=10)
    assert auto.transport_name == "jsonrpc"  # negotiated: the server has JSON-RPC
    assert xml.transport_name == "xmlrpc"
    assert auto.cache.counts() == xml.cache.counts()
    for cls in ("VM", "host", "SR", "VDI", "VBD", "network"):
        assert set(auto.cache.records(cls)) == set(xml.cache.records(cls)) == set(pool.db.all(cls))
    # raw XML-RPC ints are strings, JSON-RPC ones numbers; the typed views agree
    vm = next(ref for ref, r in pool.db.all("VM").items() if not r["is_a_template"])
    assert isinstance(auto.cache.record("VM", vm)["memory_static_max"], int)
    assert isinstance(xml.cache.record("VM", vm)["memory_static_max"], str)
    assert typed_summary(auto) == typed_summary(xml)
    assert auto.call("VM.get_name_label", vm) == xml.call("VM.get_name_label", vm)


def test_connect_reports_states_and_close_logs_out(pool, connections) -> None:
    conn = connections(pool.url, pool.user, pool.password)
    states = StateRecorder()
    conn.add_state_listener(states)
    conn.connect(timeout=10)
    session = conn.session_ref
    assert session in pool.db.all("session")
    assert conn.state is ConnectionState.CONNECTED and conn.cache.loaded
    assert conn.login_seconds is not None and conn.login_seconds > 0
    conn.close()
    assert states.states() == ["connecting", "connected", "disconnected"]
    assert session not in pool.db.all("session")
    assert conn.cache.count("VM") == 0
    with pytest.raises(NotConnected):
        conn.call("pool.get_all")


def test_a_call_already_under_way_when_the_connection_closes_does_not_log_in_again(
        pool, connections) -> None:
    """The session layer below the connection's state check: once logged out, a call (the
    task reaper's, say, which passed that check just before close()) is refused instead of
    opening a new session on the server."""
    conn = connections(pool.url, pool.user, pool.password)
    conn.connect(timeout=10)
    session = conn._session
    conn.close()
    sessions = set(pool.db.all("session"))
    with pytest.raises(NotConnected):
        session.call("pool.get_all", [])
    assert set(pool.db.all("session")) == sessions
    assert session.ref is None


def test_a_call_told_its_session_ended_by_close_does_not_log_in_again(pool, connections) -> None:
    """A call that passed the session check just before close() logged out is answered
    SESSION_INVALID: it is refused instead of logging in again (that session, and the HTTP
    connection it came on, would outlive the closed connection)."""
    conn = connections(pool.url, pool.user, pool.password)
    conn.connect(timeout=10)
    session = conn._session
    stale = session.ref
    conn.close()
    sessions = set(pool.db.all("session"))
    with pytest.raises(NotConnected):
        session.relogin(stale)  # what the call does with SESSION_INVALID
    assert set(pool.db.all("session")) == sessions
    assert session.ref is None


def test_supporter_url_is_redirected_to_the_coordinator(pool, connections) -> None:
    names = dict(pool.host_urls())
    supporter = next(url for url in names.values() if url != pool.url)
    conn = connections(supporter, pool.user, pool.password)
    conn.connect(timeout=10)
    assert conn.coordinator_url == pool.url
    assert supporter in conn.member_urls and pool.url not in conn.member_urls
    assert conn.call("pool.get_all") == list(pool.db.all("pool"))


def test_refused_connection_fails_with_reason(connections) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conn = connections(f"http://127.0.0.1:{port}", "root", "x")
    states = StateRecorder()
    conn.add_state_listener(states)
    with pytest.raises(ConnectionRefused) as info:
        conn.connect(timeout=5)
    assert "refused" in str(info.value) and f"127.0.0.1:{port}" in str(info.value)
    assert conn.state is ConnectionState.FAILED
    assert "refused" in conn.last_change.reason
    assert states.states() == ["connecting", "failed"]


def test_wrong_password_is_a_readable_failure(pool, connections) -> None:
    conn = connections(pool.url, pool.user, "not the password")
    with pytest.raises(SessionAuthenticationFailed) as info:
        conn.connect(timeout=5)
    assert info.value.code == "SESSION_AUTHENTICATION_FAILED"
    assert "user name or password" in info.value.sentence
    assert conn.state is ConnectionState.FAILED


def test_method_proxy_spells_calls_like_xenapi(conn, pool) -> None:
    assert sorted(conn.api.VM.get_all()) == sorted(pool.db.all("VM"))
    host = next(iter(pool.db.all("host")))
    assert conn.api.host.get_name_label(host) == pool.db.get(host)["name_label"]


class _NoJsonRpcProxy(ThreadingHTTPServer):
    """An old server: 404 on /jsonrpc, XML-RPC passed on to the simulator."""

    daemon_threads = True

    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _NoJsonRpcProxy

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.paths.append(self.path)
        if self.path == "/jsonrpc":
            self._answer(404, b"Not Found", "text/plain")
            return
        target = self.server.target
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        try:
            upstream.request("POST", self.path, body, {"Content-Type": "text/xml"})
            answer = upstream.getresponse()
            self._answer(answer.status, answer.read(), answer.getheader("Content-Type", ""))
        finally:
            upstream.close()

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def no_jsonrpc(pool) -> Iterator[_NoJsonRpcProxy]:
    proxy = _NoJsonRpcProxy(pool.url)
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def test_auto_falls_back_to_xmlrpc_when_jsonrpc_is_missing(no_jsonrpc, pool, connections) -> None:
    conn = connections(f"http://127.0.0.1:{no_jsonrpc.server_address[1]}", pool.user,
                       pool.password)
    conn.connect(timeout=10)
    assert conn.transport_name == "xmlrpc"
    assert no_jsonrpc.paths[:2] == ["/jsonrpc", "/"]  # tried once, then XML-RPC only
    assert conn.call("pool.get_all") == list(pool.db.all("pool"))
    assert conn.cache.count("VM") == len(pool.db.all("VM"))
    assert no_jsonrpc.paths.count("/jsonrpc") == 1
