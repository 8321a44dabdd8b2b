"""The RFB handshake against scripted servers: versions, security types, refusals."""

from __future__ import annotations

import struct

import pytest

from tests.rfb.scripted import TIMEOUT, greeting_38, play, server_init
from xapiman.rfb import AuthenticationFailed, Options, ProtocolError, UnsupportedServer
from xapiman.rfb.errors import StreamClosed
from xapiman.rfb.vncauth import vnc_response

pytestmark = pytest.mark.timeout(60)
CHALLENGE = b"0123456789abcdef"
# DES of CHALLENGE under "secret12" with bit-reversed key bytes, computed with
# `openssl enc -des-ecb -K cea6c64ea62e8c4c -nopad` (an independent DES implementation).
RESPONSE = bytes.fromhex("5f15f4f0e1684cdc260ea962ab82fa3b")


def reason(text: bytes) -> bytes:
    return struct.pack(">I", len(text)) + text


@pytest.mark.parametrize(("greeting", "answer", "security"), [
    (b"RFB 003.003\n", b"RFB 003.003\n", struct.pack(">I", 1)),
    (b"RFB 003.005\n", b"RFB 003.003\n", struct.pack(">I", 1)),
    (b"RFB 003.007\n", b"RFB 003.007\n", b"\x02\x13\x01"),
    (b"RFB 003.008\n", b"RFB 003.008\n", b"\x02\x13\x01" + b"\0\0\0\0"),
    (b"RFB 003.889\n", b"RFB 003.008\n", b"\x01\x01" + b"\0\0\0\0"),
    (b"RFB 004.001\n", b"RFB 003.008\n", b"\x01\x01" + b"\0\0\0\0"),
])
def test_versions_and_security_none(greeting, answer, security) -> None:
    session, rec, sent = play(greeting + security + server_init(32, 16, b"desk"))
    assert rec.info is not None, rec.errors
    assert (rec.info.width, rec.info.height, rec.info.name) == (32, 16, "desk")
    assert rec.info.security == 1
    assert sent.startswith(answer)
    rest = sent[12:]
    if answer != b"RFB 003.003\n":
        assert rest[:1] == b"\x01"  # None chosen among what was offered
        rest = rest[1:]
    assert rest[:1] == b"\x01"  # ClientInit: shared
    # SetPixelFormat (32 bpp, depth 24, little-endian, R<<16 G<<8 B), SetEncodings, request
    assert rest[1:5] == b"\0\0\0\0" and rest[5:21] == bytes.fromhex(
        "2018000100ff00ff00ff100800000000")
    assert rest[21] == 2
    assert isinstance(rec.errors[0], StreamClosed)  # the server closed after its init


def test_vnc_authentication_sends_the_des_answer() -> None:
    assert vnc_response("secret12", CHALLENGE) == RESPONSE
    data = b"RFB 003.008\n" + b"\x01\x02" + CHALLENGE + b"\0\0\0\0" + server_init(8, 8)
    _, rec, sent = play(data, options=Options(password=lambda: "secret12", stall_timeout=2))
    assert rec.info is not None and rec.info.security == 2
    assert sent[12:13] == b"\x02" and sent[13:29] == RESPONSE


def test_vnc_authentication_in_33_style() -> None:
    data = b"RFB 003.003\n" + struct.pack(">I", 2) + CHALLENGE + b"\0\0\0\0" + server_init(8, 8)
    _, rec, sent = play(data, options=Options(password=lambda: "secret12", stall_timeout=2))
    assert rec.info is not None
    assert sent[12:28] == RESPONSE


def test_wrong_password_shows_the_servers_reason() -> None:
    data = b"RFB 003.008\n\x01\x02" + CHALLENGE + struct.pack(">I", 1) + reason(b"Bad password")
    _, rec, _ = play(data, options=Options(password=lambda: "nope", stall_timeout=2))
    assert isinstance(rec.errors[0], AuthenticationFailed)
    assert "Bad password" in str(rec.errors[0])


def test_wrong_password_in_37_has_no_reason_but_says_so() -> None:
    data = b"RFB 003.007\n\x01\x02" + CHALLENGE + struct.pack(">I", 1)
    _, rec, _ = play(data, options=Options(password=lambda: "nope", stall_timeout=2))
    assert isinstance(rec.errors[0], AuthenticationFailed)
    assert "wrong password" in str(rec.errors[0])


def test_no_password_given() -> None:
    _, rec, _ = play(b"RFB 003.008\n\x01\x02" + CHALLENGE)
    assert isinstance(rec.errors[0], AuthenticationFailed)
    assert "password" in str(rec.errors[0])


@pytest.mark.parametrize("data", [
    b"RFB 003.008\n\x00" + reason(b"Too many security failures"),
    b"RFB 003.003\n" + struct.pack(">I", 0) + reason(b"Too many security failures"),
])
def test_refusal_carries_the_reason(data) -> None:
    _, rec, _ = play(data)
    assert isinstance(rec.errors[0], AuthenticationFailed)
    assert "Too many security failures" in str(rec.errors[0])


def test_only_unknown_security_types() -> None:
    _, rec, _ = play(b"RFB 003.008\n\x02\x13\x12")
    assert isinstance(rec.errors[0], UnsupportedServer)
    assert "VeNCrypt" in str(rec.errors[0]) and "TLS" in str(rec.errors[0])


@pytest.mark.parametrize("data", [
    b"HTTP/1.1 400 Bad Request\r\n\r\n",
    b"RFB 002.000\n",
])
def test_not_rfb_or_too_old(data) -> None:
    _, rec, _ = play(data)
    assert isinstance(rec.errors[0], ProtocolError | UnsupportedServer)


@pytest.mark.parametrize("size", [(0, 10), (10, 0), (9000, 10), (8192, 8192)])
def test_absurd_screen_sizes(size) -> None:
    data = b"RFB 003.008\n\x01\x01\0\0\0\0" + server_init(*size)
    _, rec, _ = play(data)
    assert isinstance(rec.errors[0], ProtocolError)
    assert "screen" in str(rec.errors[0])


def test_huge_desktop_name_is_refused() -> None:
    data = greeting_38()[:-len(b"scripted") - 4] + struct.pack(">I", 1 << 30)
    _, rec, _ = play(data)
    assert isinstance(rec.errors[0], ProtocolError)


def test_a_silent_server_mid_handshake_stalls() -> None:
    session, rec, _ = play(b"RFB 003.008\n\x01", keep_open=True,
                           options=Options(stall_timeout=0.3))
    assert session.join(TIMEOUT)
    assert "nothing for" in str(rec.errors[0])
