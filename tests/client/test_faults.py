"""Broken answers and slow servers: a clear error for that call, and the connection goes on."""

from __future__ import annotations

import time

import pytest

from xapiman.xapi import (
    ConnectionLost,
    ConnectionState,
    MalformedResponse,
    Timeout,
    TransportError,
    XapiError,
)


def test_cut_answer_is_a_clear_error_and_the_connection_goes_on(conn, pool) -> None:
    pool.faults.cut_responses = 1
    with pytest.raises(ConnectionLost) as info:
        conn.call("VM.get_all_records")
    assert "cut after" in str(info.value) and "bytes" in str(info.value)
    assert conn.call("pool.get_all") == list(pool.db.all("pool"))
    assert conn.state is ConnectionState.CONNECTED


@pytest.mark.parametrize("transport", ["jsonrpc", "xmlrpc"])
def test_malformed_answer_is_a_clear_error(pool, connections, transport) -> None:
    conn = connections(pool.url, pool.user, pool.password, transport=transport)
    conn.connect(timeout=10)
    pool.faults.malformed_responses = 1
    with pytest.raises(MalformedResponse) as info:
        conn.call("pool.get_all")
    assert "not JSON" in str(info.value) or "not XML-RPC" in str(info.value)
    assert conn.call("pool.get_all") == list(pool.db.all("pool"))


def test_slow_server_times_out_without_hanging(conn, pool) -> None:
    pool.faults.latency = 3.0
    started = time.monotonic()
    try:
        with pytest.raises(Timeout) as info:
            conn.call("pool.get_all", timeout=0.3)
    finally:
        pool.faults.latency = 0.0
    assert time.monotonic() - started < 1.5
    assert info.value.phase == "read" and "no answer within 0.3 s" in str(info.value)
    assert isinstance(info.value, TimeoutError) and isinstance(info.value, TransportError)
    assert conn.call("pool.get_all") == list(pool.db.all("pool"))


def test_server_failure_keeps_its_code_and_arguments(conn) -> None:
    with pytest.raises(XapiError) as info:
        conn.call("VM.get_record", "OpaqueRef:nope")
    error = info.value
    assert error.code == "HANDLE_INVALID" and error.params == ("VM", "OpaqueRef:nope")
    assert error.details == {"class": "VM", "handle": "OpaqueRef:nope"}
    assert "no longer exists" in str(error)
