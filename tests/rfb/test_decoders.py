"""Decoders against encoders: random images through the simulator's ZRLE, Tight and Hextile
encoders and back, pixel for pixel (JPEG within its loss), and Tight's gradient filter against
a per-pixel reference written from the specification."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rfb.scripted import greeting_38, play, rect, update
from xapiman.rfb import StreamClosed
from xapiman.rfb import encodings as enc
from xapiman.rfb.decoders.tight import undo_gradient
from xapiman.sim.console.compressed import TightEncoder, ZrleEncoder, _compact
from xapiman.sim.console.encodings import NATIVE, PixelConverter, encode_hextile

pytestmark = pytest.mark.timeout(120)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def images(draw, max_side: int = 150):
    w = draw(st.integers(1, max_side))
    h = draw(st.integers(1, max_side // 2))
    colours = draw(st.sampled_from([1, 2, 3, 5, 17, 130, 100000]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 1 << 24, size=colours, dtype=np.uint32)
    if draw(st.booleans()):  # runs: rows of blocks
        idx = np.repeat(rng.integers(0, colours, size=(h, -(-w // 7))), 7, axis=1)[:, :w]
    else:
        idx = rng.integers(0, colours, size=(h, w))
    return palette[idx].astype(np.uint32)


def decoded(image: np.ndarray, encoding: int, payload: bytes, *, updates: int = 1):
    h, w = image.shape
    data = greeting_38(w, h) + update(rect(0, 0, w, h, encoding, payload))
    _, rec, _ = play(data)
    assert isinstance(rec.errors[0], StreamClosed), rec.errors
    assert len(rec.updates) == updates
    return rec.fb.snapshot()


def bgrx(image: np.ndarray) -> bytes:
    return image.astype("<u4").tobytes()


@SETTINGS
@given(image=images())
def test_zrle_round_trip(image) -> None:
    h, w = image.shape
    payload = ZrleEncoder(PixelConverter(NATIVE)).encode(bgrx(image), w, h)
    assert (decoded(image, enc.ZRLE, payload) == image).all()


@SETTINGS
@given(image=images())
def test_tight_lossless_round_trip(image) -> None:
    h, w = image.shape
    payload = TightEncoder(PixelConverter(NATIVE)).encode(bgrx(image), w, h)
    assert (decoded(image, enc.TIGHT, payload) == image).all()


@SETTINGS
@given(image=images(max_side=60))
def test_hextile_round_trip(image) -> None:
    h, w = image.shape
    payload = encode_hextile(bgrx(image), w, h, PixelConverter(NATIVE))
    assert (decoded(image, enc.HEXTILE, payload) == image).all()


def test_zrle_stream_continues_across_rectangles() -> None:
    rng = np.random.default_rng(7)
    first = rng.integers(0, 4, size=(40, 70)).astype(np.uint32) * 0x404040
    second = np.roll(first, 3, axis=1)
    encoder = ZrleEncoder(PixelConverter(NATIVE))
    data = greeting_38(70, 40) + update(rect(0, 0, 70, 40, enc.ZRLE,
                                             encoder.encode(bgrx(first), 70, 40)))
    data += update(rect(0, 0, 70, 40, enc.ZRLE, encoder.encode(bgrx(second), 70, 40)))
    _, rec, _ = play(data)
    assert len(rec.updates) == 2 and (rec.fb.snapshot() == second).all()


def test_tight_jpeg_is_close() -> None:
    y, x = np.mgrid[0:96, 0:128]
    image = ((x * 2) << 16 | (y * 2) << 8 | ((x + y) & 0xFF)).astype(np.uint32)
    encoder = TightEncoder(PixelConverter(NATIVE))
    encoder.quality = 9
    payload = encoder.encode(bgrx(image), 128, 96)
    assert payload[0] == 0x90
    got = decoded(image, enc.TIGHT, payload)
    diff = np.abs(got.view(np.uint8).astype(int) - image.view(np.uint8).astype(int))
    assert diff.reshape(96, 128, 4)[..., :3].mean() < 3


def gradient_reference(rgb: np.ndarray) -> bytes:
    """Tight's gradient filter, pixel by pixel as the specification states it."""
    h, w, _ = rgb.shape
    out = bytearray()
    for yy in range(h):
        for xx in range(w):
            for c in range(3):
                left = int(rgb[yy, xx - 1, c]) if xx else 0
                up = int(rgb[yy - 1, xx, c]) if yy else 0
                upleft = int(rgb[yy - 1, xx - 1, c]) if xx and yy else 0
                predicted = min(255, max(0, left + up - upleft))
                out.append((int(rgb[yy, xx, c]) - predicted) & 0xFF)
    return bytes(out)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(w=st.integers(1, 23), h=st.integers(1, 17), seed=st.integers(0, 1000))
def test_tight_gradient_filter(w, h, seed) -> None:
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    expected = (rgb[..., 0].astype(np.uint32) << 16 | rgb[..., 1].astype(np.uint32) << 8
                | rgb[..., 2])
    diff = gradient_reference(rgb)
    assert (undo_gradient(np.frombuffer(diff, np.uint8).reshape(h, w, 3)) == expected).all()
    if len(diff) >= 12:
        body = zlib.compress(diff)
        payload = bytes([0x60, 2]) + _compact(len(body)) + body  # stream 2, gradient filter
        assert (decoded(expected, enc.TIGHT, payload) == expected).all()


def test_tight_palette_indexes_past_the_palette_are_refused() -> None:
    body = zlib.compress(bytes([0, 1, 2, 5] * 4))
    payload = bytes([0x60, 1, 2]) + bytes(9) + _compact(len(body)) + body
    data = greeting_38(4, 4) + update(rect(0, 0, 4, 4, enc.TIGHT, payload))
    _, rec, _ = play(data)
    assert "palette index" in str(rec.errors[0])


def test_zrle_runs_longer_than_the_tile_are_refused() -> None:
    tile = b"\x80" + b"\x01\x02\x03" + b"\xff\xff"  # a plain run of 511 pixels in a 4x4 tile
    body = zlib.compress(tile)
    payload = struct.pack(">I", len(body)) + body
    data = greeting_38(4, 4) + update(rect(0, 0, 4, 4, enc.ZRLE, payload))
    _, rec, _ = play(data)
    assert "ZRLE" in str(rec.errors[0])


def zrle_payload(tiles: bytes) -> bytes:
    body = zlib.compress(tiles)
    return struct.pack(">I", len(body)) + body


def run_bytes(length: int) -> bytes:
    return b"\xff" * ((length - 1) // 255) + bytes([(length - 1) % 255])


@settings(max_examples=40, deadline=None, derandomize=True)
@given(runs=st.lists(st.tuples(st.integers(0, 0xFFFFFF), st.sampled_from([1, 2, 7, 254, 255,
                                                                           256, 510, 511, 900])),
                     min_size=1, max_size=40),
       palette_tile=st.booleans())
def test_zrle_long_runs(runs, palette_tile) -> None:
    """Plain and palette RLE with runs across the 255 boundaries, against a direct expansion."""
    count = 64 * 64
    colours, lengths, total = [], [], 0
    for colour, length in runs:
        length = min(length, count - total)
        if length <= 0:
            break
        colours.append(colour)
        lengths.append(length)
        total += length
    if total < count:
        colours.append(0x123456)
        lengths.append(count - total)
    expected = np.repeat(np.array(colours, np.uint32), lengths).reshape(64, 64)
    if palette_tile:
        palette = sorted(set(colours) | {0xABCDEF})  # at least two colours
        if len(palette) > 127:
            return
        index = {c: i for i, c in enumerate(palette)}
        body = bytes([128 + len(palette)]) + b"".join(
            c.to_bytes(4, "little")[:3] for c in palette)
        body += b"".join(bytes([index[c]]) if n == 1 else bytes([index[c] | 128]) + run_bytes(n)
                         for c, n in zip(colours, lengths, strict=True))
    else:
        body = b"\x80" + b"".join(c.to_bytes(4, "little")[:3] + run_bytes(n)
                                  for c, n in zip(colours, lengths, strict=True))
    assert (decoded(expected, enc.ZRLE, zrle_payload(body)) == expected).all()
