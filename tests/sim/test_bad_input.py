"""Nothing a client sends can crash the simulator or corrupt its state."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sim import rpc
from xapiman.sim.model.spec import MODEL
from xapiman.sim.testing import running_pool

# Python exception names that would betray a simulator bug behind an INTERNAL_ERROR.
BUG_SIGNS = ("KeyError", "TypeError", "AttributeError", "IndexError", "AssertionError",
             "UnboundLocalError", "NameError", "RecursionError")


@pytest.fixture(scope="module")
def fuzz_pool():
    with running_pool(hosts=1, vms=3) as p:
        status, answer = rpc.jsonrpc(p.url, "session.login_with_password", [p.user, p.password])
        p.session_ref = answer["result"]
        yield p


def assert_alive(pool) -> None:
    status, answer = rpc.jsonrpc(pool.url, "pool.get_all", [pool.session_ref])
    assert status == 200 and len(answer["result"]) == 1


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(body=st.binary(max_size=400))
def test_random_bytes_as_xmlrpc(fuzz_pool, body):
    status, _h, _b = rpc.post(fuzz_pool.url, "/", body)
    assert status in (200, 500)
    assert_alive(fuzz_pool)


@FUZZ
@given(body=st.binary(max_size=400))
def test_random_bytes_as_jsonrpc(fuzz_pool, body):
    status, _h, _b = rpc.post(fuzz_pool.url, "/jsonrpc", body, "application/json")
    assert status in (200, 500)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
READ_ONLY = sorted(
    m.wire_name for spec in MODEL.values() for m in spec.messages.values()
    if m.name.startswith("get_")
)


@FUZZ
@given(method=st.sampled_from(READ_ONLY) | st.text(max_size=30),
       params=st.lists(json_values, max_size=5), with_session=st.booleans())
def test_random_calls_answer_with_xapi_errors(fuzz_pool, method, params, with_session):
    generation = fuzz_pool.db.generation
    if with_session:
        params = [fuzz_pool.session_ref, *params]
    status, answer = rpc.jsonrpc(fuzz_pool.url, method, params)
    assert status == 200
    if "error" in answer:
        message = answer["error"]["message"]
        data = json.dumps(answer["error"]["data"])
        assert message.isupper() or message == "Fault", answer
        assert not any(sign in data for sign in BUG_SIGNS), answer
    assert fuzz_pool.db.generation == generation  # getters change nothing


def test_oversized_body_is_refused(fuzz_pool):
    parts = urlsplit(fuzz_pool.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 413")
    assert_alive(fuzz_pool)


def test_client_leaving_mid_request_changes_nothing(fuzz_pool):
    generation = fuzz_pool.db.generation
    parts = urlsplit(fuzz_pool.url)
    body = (b"<?xml version='1.0'?><methodCall><methodName>network.create</methodName><params>"
            b"<param><value>" + fuzz_pool.session_ref.encode() + b"</value></param>")
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n" + body)
    assert_alive(fuzz_pool)
    assert fuzz_pool.db.generation == generation


def test_chunked_requests_are_refused(fuzz_pool):
    parts = urlsplit(fuzz_pool.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 411")


@pytest.mark.parametrize("protocol", ["xml", "json"])
def test_an_int_beyond_64_bits_is_refused_and_changes_nothing(fuzz_pool, protocol):
    """XAPI's ints are 64-bit: a bigger one is refused, so no record holds what no client
    could read back."""
    wire = rpc.Wire(fuzz_pool.url, protocol)
    wire.login(fuzz_pool.user, fuzz_pool.password)
    try:
        vm = next(ref for ref, rec in wire.call("VM.get_all_records").items()
                  if not rec["is_control_domain"])
        generation = fuzz_pool.db.generation
        for value in ("99999999999999999999999", str(2**63), str(-(2**63) - 1)):
            with pytest.raises(rpc.Failed) as info:
                wire.call("VM.set_user_version", vm, value)
            assert info.value.description[0] == "INTERNAL_ERROR"
            assert "Runtime_error" in info.value.description[1]
        assert fuzz_pool.db.generation == generation
        wire.call("VM.set_user_version", vm, str(2**63 - 1))
        assert str(wire.call("VM.get_user_version", vm)) == str(2**63 - 1)
        assert wire.call("VM.get_all_records")
    finally:
        wire.close()
