"""ZRLE (encoding 16): one zlib stream per connection, 64x64 tiles of compact 3-byte pixels.

Tile kinds: raw, solid, packed palette (2-16 colours at 1, 2 or 4 bits a pixel), plain RLE and
palette RLE. Raw, solid and packed tiles are decoded with numpy in one go; run-length tiles
are parsed into runs, then expanded with one `numpy.repeat`.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt

from xapiman.i18n import translate
from xapiman.rfb.channel import Channel
from xapiman.rfb.errors import ProtocolError
from xapiman.rfb.framebuffer import Framebuffer

TILE = 64
MAX_COMPRESSED = 64 * 1024 * 1024
_BITS = {2: 1, 3: 2, 4: 2}


def cpixels(data: bytes | memoryview, count: int) -> npt.NDArray[np.uint32]:
    """`count` CPIXELs (B, G, R bytes for RGB32) as 0x00RRGGBB words."""
    raw = np.frombuffer(data, dtype=np.uint8, count=count * 3).reshape(count, 3)
    out = np.zeros((count, 4), dtype=np.uint8)
    out[:, :3] = raw
    return out.view("<u4").reshape(count)


class ZrleDecoder:
    """ZRLE for one connection (it keeps the zlib stream between rectangles)."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj()

    def decode(self, channel: Channel, fb: Framebuffer, x: int, y: int, w: int, h: int) -> None:
        (length,) = struct.unpack(">I", channel.read(4))
        if length > MAX_COMPRESSED:
            raise ProtocolError(translate(
                "Console", "a ZRLE rectangle announced {n} bytes of data").format(n=length))
        compressed = channel.read(length)
        tiles = -(-w // TILE) * -(-h // TILE)
        limit = w * h * 4 + tiles * (1 + 16 * 3) + 1
        try:
            data = self._zlib.decompress(compressed, limit)
        except zlib.error as exc:
            raise ProtocolError(translate(
                "Console", "the ZRLE data does not inflate: {error}").format(error=exc)) from None
        if self._zlib.unconsumed_tail:
            raise ProtocolError(translate(
                "Console", "the ZRLE data inflates to more than its rectangle can hold"))
        if not (w and h):
            return
        block = np.empty((h, w), dtype=np.uint32)
        view = memoryview(data)
        at = 0
        try:
            for ty in range(0, h, TILE):
                th = min(TILE, h - ty)
                for tx in range(0, w, TILE):
                    tw = min(TILE, w - tx)
                    at = self._tile(view, at, block[ty:ty + th, tx:tx + tw], tw, th)
        except (IndexError, ValueError) as exc:
            raise ProtocolError(translate(
                "Console", "a ZRLE tile is cut short or malformed ({error})").format(
                    error=exc)) from None
        fb.put(x, y, block)

    def _tile(self, data: memoryview, at: int, tile: npt.NDArray[np.uint32], tw: int,
              th: int) -> int:
        kind = data[at]
        at += 1
        count = tw * th
        if kind == 0:
            tile[:] = cpixels(data[at:at + count * 3], count).reshape(th, tw)
            return at + count * 3
        if kind == 1:
            tile[:] = cpixels(data[at:at + 3], 1)[0]
            return at + 3
        if 2 <= kind <= 16:
            palette = cpixels(data[at:at + kind * 3], kind)
            at += kind * 3
            bits = _BITS.get(kind, 4)
            row_bytes = (tw * bits + 7) // 8
            packed = np.frombuffer(data, np.uint8, count=row_bytes * th, offset=at)
            indexes = unpack_indexes(packed.reshape(th, row_bytes), bits, tw)
            if int(indexes.max()) >= kind:
                raise ValueError(f"a palette index past the {kind} colours")
            tile[:] = palette[indexes]
            return at + row_bytes * th
        if kind == 128:
            colours, lengths, at = _plain_runs(data, at, count)
        elif kind >= 130:
            size = kind - 128
            palette = cpixels(data[at:at + size * 3], size)
            at += size * 3
            indexes, lengths, at = _palette_runs(data, at, count, size)
            colours = palette[indexes]
        else:
            raise ValueError(f"unknown tile kind {kind}")
        tile[:] = np.repeat(colours, lengths).reshape(th, tw)
        return at


def unpack_indexes(packed: npt.NDArray[np.uint8], bits: int, width: int) -> npt.NDArray[np.intp]:
    """Palette indexes packed `bits` a pixel, most significant first, rows padded to bytes."""
    flat = np.unpackbits(packed, axis=1)
    if bits == 1:
        return flat[:, :width].astype(np.intp)
    groups = flat[:, :width * bits].reshape(flat.shape[0], width, bits).astype(np.intp)
    weights = 1 << np.arange(bits - 1, -1, -1)
    return groups @ weights


def _run_length(data: memoryview, at: int) -> tuple[int, int]:
    length = 1
    while True:
        byte = data[at]
        at += 1
        length += byte
        if byte != 255:
            return length, at


def _plain_runs(data: memoryview, at: int,
                count: int) -> tuple[npt.NDArray[np.uint32], list[int], int]:
    starts: list[int] = []
    lengths: list[int] = []
    total = 0
    while total < count:
        starts.append(at)
        at += 3
        byte = data[at]
        at += 1
        if byte == 255:
            length, at = _run_length(data, at - 1)
        else:
            length = byte + 1
        lengths.append(length)
        total += length
    if total != count:
        raise ValueError(f"runs of {total} pixels in a tile of {count}")
    raw = np.frombuffer(data, np.uint8)
    index = np.asarray(starts)[:, None] + np.arange(3)
    out = np.zeros((len(starts), 4), dtype=np.uint8)
    out[:, :3] = raw[index]
    return out.view("<u4").reshape(len(starts)), lengths, at


def _palette_runs(data: memoryview, at: int, count: int,
                  size: int) -> tuple[list[int], list[int], int]:
    indexes: list[int] = []
    lengths: list[int] = []
    total = 0
    while total < count:
        byte = data[at]
        at += 1
        if byte & 128:
            run = data[at]
            at += 1
            if run == 255:
                length, at = _run_length(data, at - 1)
            else:
                length = run + 1
            byte &= 127
        else:
            length = 1
        if byte >= size:
            raise ValueError(f"a palette index past the {size} colours")
        indexes.append(byte)
        lengths.append(length)
        total += length
    if total != count:
        raise ValueError(f"runs of {total} pixels in a tile of {count}")
    return indexes, lengths, at
