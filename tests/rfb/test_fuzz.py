"""Every decoder fed random and half-valid input: the session always ends with a readable
RfbError (never a crash, a hang or an internal error), and memory stays bounded."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rfb.scripted import greeting_38, play, rect, update
from xapiman.rfb import RfbError
from xapiman.rfb import encodings as enc

pytestmark = pytest.mark.timeout(120)
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
W, H = 64, 48

sizes = st.tuples(st.integers(0, W), st.integers(0, H), st.integers(0, 80), st.integers(0, 60))


def ends_cleanly(data: bytes) -> None:
    session, rec, _ = play(data)
    assert not session.running
    assert len(rec.errors) == 1
    error = rec.errors[0]
    assert isinstance(error, RfbError) and type(error) is not RfbError, repr(error)
    assert str(error)


def compact(length: int) -> bytes:
    out = bytearray([length & 0x7F])
    if length > 0x7F:
        out[0] |= 0x80
        out.append((length >> 7) & 0x7F)
        if length > 0x3FFF:
            out[1] |= 0x80
            out.append(length >> 14)
    return bytes(out)


@pytest.mark.parametrize("encoding", [enc.RAW, enc.COPYRECT, enc.HEXTILE, enc.ZRLE, enc.TIGHT,
                                      enc.CURSOR, enc.DESKTOP_SIZE, enc.EXTENDED_DESKTOP_SIZE])
@FUZZ
@given(area=sizes, payload=st.binary(max_size=600))
def test_random_payloads(encoding, area, payload) -> None:
    x, y, w, h = area
    ends_cleanly(greeting_38(W, H) + update(rect(x, y, w, h, encoding, payload)))


@FUZZ
@given(area=sizes, tiles=st.binary(max_size=2000), length_delta=st.integers(-3, 3))
def test_zrle_with_inflatable_random_tiles(area, tiles, length_delta) -> None:
    x, y, w, h = area
    body = zlib.compress(tiles)
    payload = struct.pack(">I", max(0, len(body) + length_delta)) + body
    ends_cleanly(greeting_38(W, H) + update(rect(x, y, w, h, enc.ZRLE, payload)))


@FUZZ
@given(area=sizes, control=st.integers(0, 255), filter_id=st.integers(0, 3),
       inner=st.binary(max_size=1500), jpeg=st.booleans())
def test_tight_with_inflatable_random_data(area, control, filter_id, inner, jpeg) -> None:
    x, y, w, h = area
    if jpeg:
        data = b"\xff\xd8\xff\xe0" + inner  # a JPEG signature, then garbage
        payload = bytes([0x90]) + compact(len(data)) + data
    else:
        body = zlib.compress(inner)
        payload = bytes([control & 0x7F | 0x40, filter_id, len(inner) % 7]) + \
            compact(len(body)) + body
    ends_cleanly(greeting_38(W, H) + update(rect(x, y, w, h, enc.TIGHT, payload)))


def test_a_zlib_stream_that_does_not_inflate() -> None:
    payload = struct.pack(">I", 8) + b"notzlib!"
    session, rec, _ = play(greeting_38(W, H) + update(rect(0, 0, 8, 8, enc.ZRLE, payload)))
    assert "does not inflate" in str(rec.errors[0])


def test_a_zlib_bomb_is_refused_without_inflating_it() -> None:
    bomb = zlib.compress(bytes(50_000_000), 9)
    payload = struct.pack(">I", len(bomb)) + bomb
    session, rec, _ = play(greeting_38(W, H) + update(rect(0, 0, W, H, enc.ZRLE, payload)))
    assert "more than its rectangle" in str(rec.errors[0])


@FUZZ
@given(stream=st.binary(max_size=800))
def test_random_server_messages(stream) -> None:
    ends_cleanly(greeting_38(W, H) + stream)


@FUZZ
@given(stream=st.binary(max_size=200))
def test_random_handshakes(stream) -> None:
    ends_cleanly(b"RFB 003.008\n" + stream)
