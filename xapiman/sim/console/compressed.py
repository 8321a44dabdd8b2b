"""ZRLE and Tight encoders for the simulated RFB server (RFC 6143 7.7.6; the Tight spec of the
RFB community registry), for clients whose pixel format is 32-bit true colour with 8-bit
channels (what xapiman and most viewers ask for); other clients get Raw or Hextile.

Each encoder keeps its zlib streams for the whole connection, as the protocol requires.
ZRLE picks, per 64x64 tile, the smallest of solid, packed palette, plain RLE, palette RLE and
raw. Tight sends a fill for one colour, a palette (1 bit a pixel for two colours), JPEG when
the client allowed lossy quality, else zlib-compressed pixels.
"""

from __future__ import annotations

import io
import zlib

import numpy as np
import numpy.typing as npt
from PIL import Image

from .encodings import PixelConverter

ZRLE = 16
TIGHT = 7
_TILE = 64
Words = npt.NDArray[np.uint32]


def supports(converter: PixelConverter) -> bool:
    """Whether the client's format is one these encoders write (32 bits, 8-bit channels)."""
    fmt = converter.format
    shifts = (fmt.red_shift, fmt.green_shift, fmt.blue_shift)
    return (fmt.bits_per_pixel == 32 and fmt.depth == 24
            and (fmt.red_max, fmt.green_max, fmt.blue_max) == (255, 255, 255)
            and all(shift % 8 == 0 for shift in shifts)
            and (max(shifts) <= 16 or min(shifts) >= 8))


def words(bgrx: bytes, width: int, height: int) -> Words:
    return (np.frombuffer(bgrx, "<u4").reshape(height, width) & 0xFFFFFF).astype(np.uint32)


def _client_bytes(converter: PixelConverter, values: Words) -> npt.NDArray[np.uint8]:
    """(n, 4) client pixel bytes of 0x00RRGGBB values."""
    data = converter.convert(values.astype("<u4").tobytes())
    return np.frombuffer(data, np.uint8).reshape(-1, 4)


def _cpixels(converter: PixelConverter, values: Words) -> bytes:
    """ZRLE's compact pixels: the three bytes that hold the colour (the X byte dropped)."""
    fmt = converter.format
    pixels = _client_bytes(converter, values.ravel())
    top = max(fmt.red_shift, fmt.green_shift, fmt.blue_shift)
    keep = slice(0, 3) if (top < 24) != fmt.big_endian else slice(1, 4)
    return pixels[:, keep].tobytes()


def _run_bytes(length: int) -> bytes:
    return b"\xff" * ((length - 1) // 255) + bytes([(length - 1) % 255])


class ZrleEncoder:
    """ZRLE for one connection."""

    def __init__(self, converter: PixelConverter) -> None:
        self.converter = converter
        self._zlib = zlib.compressobj(6)

    def encode(self, bgrx: bytes, width: int, height: int) -> bytes:
        values = words(bgrx, width, height)
        out = bytearray()
        for top in range(0, height, _TILE):
            for left in range(0, width, _TILE):
                out += self._tile(values[top:top + _TILE, left:left + _TILE])
        body = self._zlib.compress(bytes(out)) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        return len(body).to_bytes(4, "big") + body

    def _tile(self, tile: Words) -> bytes:
        height, width = tile.shape
        palette, indexes = np.unique(tile, return_inverse=True)
        indexes = indexes.reshape(height, width)
        cp = self.converter
        if len(palette) == 1:
            return b"\x01" + _cpixels(cp, palette)
        flat = tile.ravel()
        starts = np.concatenate(([0], np.flatnonzero(flat[1:] != flat[:-1]) + 1))
        lengths = np.diff(np.concatenate((starts, [flat.size])))
        extra = int(((lengths - 1) // 255).sum())
        options = {"raw": 3 * flat.size, "plain": 4 * len(starts) + extra}
        if len(palette) <= 16:
            bits = 1 if len(palette) == 2 else 2 if len(palette) <= 4 else 4
            options["packed"] = 3 * len(palette) + (width * bits + 7) // 8 * height
        if len(palette) <= 127:
            options["palette_rle"] = (3 * len(palette) + len(starts) + extra
                                      + int((lengths > 1).sum()))
        best = min(options, key=options.__getitem__)
        if best == "raw":
            return b"\x00" + _cpixels(cp, tile)
        if best == "packed":
            shifts = np.arange(bits - 1, -1, -1)
            expanded = (indexes[..., None] >> shifts) & 1
            packed = np.packbits(expanded.reshape(height, width * bits).astype(np.uint8), axis=1)
            return bytes([len(palette)]) + _cpixels(cp, palette) + packed.tobytes()
        run_colours = flat[starts]
        if best == "plain":
            pixels = _cpixels(cp, run_colours)
            body = b"".join(pixels[3 * i:3 * i + 3] + _run_bytes(int(n))
                            for i, n in enumerate(lengths))
            return b"\x80" + body
        run_indexes = indexes.ravel()[starts]
        body = b"".join(bytes([i]) if n == 1 else bytes([i | 128]) + _run_bytes(int(n))
                        for i, n in zip(run_indexes.tolist(), lengths.tolist(), strict=True))
        return bytes([128 + len(palette)]) + _cpixels(cp, palette) + body


class TightEncoder:
    """Tight for one connection; `quality` (0-9, or None for lossless) allows JPEG."""

    def __init__(self, converter: PixelConverter) -> None:
        self.converter = converter
        self.quality: int | None = None
        self._streams = [zlib.compressobj(6) for _ in range(4)]

    def encode(self, bgrx: bytes, width: int, height: int) -> bytes:
        values = words(bgrx, width, height)
        palette, indexes = np.unique(values, return_inverse=True)
        if len(palette) == 1:
            return b"\x80" + _tpixels(palette)
        if len(palette) <= 256 and (len(palette) <= 16 or self.quality is None):
            indexes = indexes.reshape(height, width)
            if len(palette) == 2:
                data = np.packbits(indexes.astype(np.uint8), axis=1).tobytes()
                stream = 1
            else:
                data = indexes.astype(np.uint8).tobytes()
                stream = 2
            head = bytes([(4 | stream) << 4, 1, len(palette) - 1]) + _tpixels(palette)
            return head + self._compressed(stream, data)
        if self.quality is not None:
            image = Image.frombuffer("RGB", (width, height), bgrx, "raw", "BGRX", 0, 1)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=10 + 9 * self.quality)
            jpeg = out.getvalue()
            return b"\x90" + _compact(len(jpeg)) + jpeg
        return b"\x00" + self._compressed(0, _tpixels(values.ravel()))

    def _compressed(self, stream: int, data: bytes) -> bytes:
        if len(data) < 12:
            return data
        zobj = self._streams[stream]
        body = zobj.compress(data) + zobj.flush(zlib.Z_SYNC_FLUSH)
        return _compact(len(body)) + body


def _tpixels(values: Words) -> bytes:
    rgb = np.empty((values.size, 3), np.uint8)
    flat = values.ravel()
    rgb[:, 0] = (flat >> 16) & 0xFF
    rgb[:, 1] = (flat >> 8) & 0xFF
    rgb[:, 2] = flat & 0xFF
    return rgb.tobytes()


def _compact(length: int) -> bytes:
    out = bytearray([length & 0x7F])
    if length > 0x7F:
        out[0] |= 0x80
        out.append((length >> 7) & 0x7F)
        if length > 0x3FFF:
            out[1] |= 0x80
            out.append((length >> 14) & 0xFF)
    return bytes(out)
