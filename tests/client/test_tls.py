"""TLS: trust on first use through the callback, pins, changed certificates, pinned contexts."""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import struct
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.client.conftest import wait_until
from xapiman.sim import tls as sim_tls
from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi import (
    CertificateChanged,
    CertificateQuestion,
    CertificateRejected,
    CertificateTrust,
    ConnectionLost,
    ConnectionState,
    NotConnected,
    XapiClientError,
    fetch_certificate,
    normalize_fingerprint,
    pinned_context,
)
from xapiman.xapi.endpoints import Endpoint

OTHER_FINGERPRINT = ":".join(["AB"] * 32)


@pytest.fixture(scope="module")
def tls_pool() -> Iterator[RunningPool]:
    with running_pool(hosts=2, vms=4, tls=True) as p:
        yield p


def test_first_use_asks_with_fingerprint_and_subject(tls_pool, connections) -> None:
    questions: list[CertificateQuestion] = []
    pinned: list[tuple[str, str]] = []

    def ask(question: CertificateQuestion) -> bool:
        questions.append(question)
        return True

    conn = connections(tls_pool.url, tls_pool.user, tls_pool.password, ask_certificate=ask,
                       on_pinned=lambda address, fp: pinned.append((address, fp)))
    conn.connect(timeout=10)
    address = Endpoint.parse(tls_pool.url).address
    assert len(questions) == 1
    question = questions[0]
    assert question.address == address and not question.changed
    cert = question.certificate
    assert cert.fingerprint == tls_pool.fingerprint
    assert cert.subject == "CN=xapiman demo pool" and cert.self_signed
    assert cert.valid_at() and "127.0.0.1" in cert.names
    assert pinned == [(address, tls_pool.fingerprint)]
    assert conn.trust.pins == {address: tls_pool.fingerprint}
    assert conn.state is ConnectionState.CONNECTED


def test_rejected_certificate_refuses_the_connection(tls_pool, connections) -> None:
    conn = connections(tls_pool.url, tls_pool.user, tls_pool.password,
                       ask_certificate=lambda q: False)
    with pytest.raises(CertificateRejected) as info:
        conn.connect(timeout=10)
    assert info.value.fingerprint == tls_pool.fingerprint
    assert "not trusted" in str(info.value)
    assert conn.state is ConnectionState.FAILED and conn.trust.pins == {}


def test_no_callback_and_no_pin_refuses(tls_pool, connections) -> None:
    conn = connections(tls_pool.url, tls_pool.user, tls_pool.password)
    with pytest.raises(CertificateRejected):
        conn.connect(timeout=10)


def test_pinned_certificate_connects_without_asking(tls_pool, connections) -> None:
    def ask(question: CertificateQuestion) -> bool:
        raise AssertionError("must not be asked")

    fingerprint = tls_pool.fingerprint.replace(":", "").lower()  # any spelling pins
    conn = connections(tls_pool.url, tls_pool.user, tls_pool.password,
                       fingerprint=fingerprint, ask_certificate=ask)
    conn.connect(timeout=10)
    assert conn.cache.count("host") == 2
    # the other member shows the same pool certificate: trusted for failover without asking
    supporter = next(url for _, url in tls_pool.host_urls() if url != tls_pool.url)
    assert supporter in conn.member_urls
    # side channels to any host get the pinned context
    host = next(h for h in tls_pool.db.all("host") if conn.host_url(h) == supporter)
    assert _post_login(conn.host_url(host), conn.ssl_context(conn.host_url(host))) == 200
    assert _post_login(tls_pool.url, conn.ssl_context()) == 200


def test_changed_certificate_stops_with_both_fingerprints(tls_pool, connections) -> None:
    conn = connections(tls_pool.url, tls_pool.user, tls_pool.password,
                       fingerprint=OTHER_FINGERPRINT)
    with pytest.raises(CertificateChanged) as info:
        conn.connect(timeout=10)
    assert info.value.old == OTHER_FINGERPRINT
    assert info.value.new == tls_pool.fingerprint
    assert "has changed" in str(info.value)
    assert conn.state is ConnectionState.FAILED


def test_changed_certificate_accepted_by_the_user_is_repinned(tls_pool, connections) -> None:
    asked: list[CertificateQuestion] = []

    def ask(question: CertificateQuestion) -> bool:
        asked.append(question)
        return True

    conn = connections(tls_pool.url, tls_pool.user, tls_pool.password,
                       fingerprint=OTHER_FINGERPRINT, ask_certificate=ask)
    conn.connect(timeout=10)
    assert [q.previous for q in asked] == [OTHER_FINGERPRINT]
    assert set(conn.trust.pins.values()) == {tls_pool.fingerprint}


def _post_login(url: str, context: ssl.SSLContext) -> int:
    parts = urlsplit(url)
    client = http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=5)
    try:
        client.request("POST", "/jsonrpc", body=b'{"jsonrpc":"2.0","method":"system.listMethods'
                       b'","params":[],"id":1}', headers={"Content-Type": "application/json"})
        return client.getresponse().status
    finally:
        client.close()


def test_pinned_context_trusts_exactly_the_pinned_certificate(tls_pool, tmp_path) -> None:
    parts = urlsplit(tls_pool.url)
    info = fetch_certificate(parts.hostname, parts.port, timeout=5)
    assert info.fingerprint == tls_pool.fingerprint
    assert _post_login(tls_pool.url, pinned_context(info)) == 200
    assert _post_login(tls_pool.url, pinned_context(info.pem)) == 200
    other = sim_tls.make_self_signed("xapiman demo pool", tmp_path)  # same name, other key
    other_pem = other.read_text()
    other_pem = other_pem[other_pem.index("-----BEGIN CERTIFICATE-----"):]
    with pytest.raises(ssl.SSLCertVerificationError):
        _post_login(tls_pool.url, pinned_context(other_pem))


def test_a_fingerprint_alone_gives_a_pinned_context(tls_pool) -> None:
    endpoint = Endpoint.parse(tls_pool.url)
    trust = CertificateTrust({endpoint.address: tls_pool.fingerprint})
    context = trust.context_for(endpoint, timeout=5)
    assert context.verify_mode == ssl.CERT_REQUIRED and not context.check_hostname
    assert _post_login(tls_pool.url, context) == 200
    assert normalize_fingerprint(f"sha256:{tls_pool.fingerprint.lower()}") == tls_pool.fingerprint
    with pytest.raises(ValueError):
        normalize_fingerprint("AB:CD")


def test_a_connection_reset_before_the_tls_handshake_is_a_lost_connection(tmp_path) -> None:
    """The server resets the TCP connection before the client wraps it in TLS (a host going
    down): the socket is then wrapped without a handshake, and checking its certificate is a
    lost connection, which the connection's threads recover from (not a bare OSError that
    ended the event thread and left the socket open)."""
    cert = sim_tls.make_self_signed("resets", tmp_path)
    listener = socket.create_server(("127.0.0.1", 0))
    endpoint = Endpoint.parse(f"https://127.0.0.1:{listener.getsockname()[1]}")
    trust = CertificateTrust({endpoint.address: sim_tls.fingerprint(cert)})
    raw = socket.create_connection(("127.0.0.1", endpoint.port), 10)
    try:
        accepted, _ = listener.accept()
        accepted.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        accepted.close()  # a reset
        assert select.select([raw], [], [], 10)[0]  # it reached the client
        with pytest.raises(ConnectionResetError):
            raw.recv(1)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(cafile=str(cert))
        sock = context.wrap_socket(raw, server_hostname="127.0.0.1")  # no handshake: reset
        try:
            with pytest.raises(ConnectionLost) as info:
                trust.check(endpoint, sock)
            assert "reset" in str(info.value)
        finally:
            sock.close()
    finally:
        raw.close()
        listener.close()


def test_certificate_changing_under_a_live_connection_stops_it(connections) -> None:
    with running_pool(hosts=1, vms=2, tls=True) as first:
        conn = connections(first.url, first.user, first.password,
                           fingerprint=first.fingerprint)
        conn.connect(timeout=10)
        port = urlsplit(first.url).port
        first.sim.stop()
        # another server (another certificate) takes over the same address
        second = Simulator(generate_pool(1, 2), SimConfig(speed=0, event_delay=0),
                           use_tls=True, port=port)
        second.start()
        try:
            wait_until(lambda: conn.state is ConnectionState.FAILED, timeout=8)
            error = conn.last_change.error
            assert isinstance(error, CertificateChanged)
            assert (error.old, error.new) == (first.fingerprint, second.fingerprint)
            assert "has changed" in conn.last_change.reason
        finally:
            second.stop()


def test_close_does_not_wait_for_a_certificate_question(tls_pool, connections) -> None:
    """The user is asked about the certificate (which may take minutes) and disconnects
    meanwhile: close() returns at once, and the login that follows the answer is undone."""
    asked, answer = threading.Event(), threading.Event()

    def ask(question: CertificateQuestion) -> bool:
        asked.set()
        answer.wait(10)
        return True

    conn = connections(tls_pool.url, tls_pool.user, tls_pool.password, ask_certificate=ask)
    failures: list[BaseException] = []

    def connect() -> None:
        try:
            conn.connect(timeout=10)
        except XapiClientError as exc:
            failures.append(exc)

    connecting = threading.Thread(target=connect)
    connecting.start()
    assert asked.wait(5)
    sessions = set(tls_pool.db.all("session"))
    closing = threading.Thread(target=conn.close)
    closing.start()
    closing.join(3)
    try:
        assert not closing.is_alive(), "close() waited for the certificate question"
        assert conn.state is ConnectionState.DISCONNECTED
    finally:
        answer.set()
        connecting.join(10)
        closing.join(10)
    assert [type(f) for f in failures] == [NotConnected]
    assert set(tls_pool.db.all("session")) == sessions  # the late login was undone
    assert conn.state is ConnectionState.DISCONNECTED
