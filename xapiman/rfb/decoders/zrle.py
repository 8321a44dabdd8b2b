"""ZRLE (encoding 16): one zlib stream per connection, 64x64 tiles of compact 3-byte pixels.

Tile kinds: raw, solid, packed palette (2-16 colours at 1, 2 or 4 bits a pixel), plain RLE and
palette RLE. Every kind is decoded with numpy a tile at a time: run-length tiles are cut into
runs for whole stretches at once (only runs of 256 pixels or more are read byte by byte),
then expanded with one `numpy.repeat`.
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
FIRST_WINDOW = 1024
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
                count: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], int]:
    """A plain RLE tile: (colours, run lengths, where the tile ends).

    A run shorter than 256 pixels takes exactly 4 bytes, B, G, R and length - 1: read as one
    little-endian word, that is the colour with the length in the top byte (which the
    framebuffer overwrites), so stretches of short runs are read at once. Only a longer run
    (its length goes on while the bytes are 255) is read byte by byte.
    """
    colours: list[npt.NDArray[np.uint32]] = []
    lengths: list[npt.NDArray[np.int64]] = []
    total = 0
    while total < count:
        remaining = count - total
        records = min(remaining, (len(data) - at) // 4)
        if records <= 0:
            raise ValueError("a plain RLE tile is cut short")
        words = np.frombuffer(data, "<u4", count=records, offset=at)
        runs = (words >> 24).astype(np.int64)
        long = runs == 255
        first_long = int(long.argmax())
        short = first_long if long[first_long] else records
        runs += 1
        sums = np.cumsum(runs[:short])
        end = int(np.searchsorted(sums, remaining))
        take = end + 1 if end < short else short
        if take:
            colours.append(words[:take])
            lengths.append(runs[:take])
            total += int(sums[take - 1])
            at += 4 * take
        if total < count and take == short and short < records:
            pixel = np.frombuffer(data, "<u4", count=1, offset=at)  # its top byte is 255
            length, at = _run_length(data, at + 3)
            colours.append(pixel)
            lengths.append(np.array([length], dtype=np.int64))
            total += length
    if total != count:
        raise ValueError(f"runs of {total} pixels in a tile of {count}")
    if len(colours) == 1:
        return colours[0], lengths[0], at
    return np.concatenate(colours), np.concatenate(lengths), at


def _palette_runs(data: memoryview, at: int, count: int,
                  size: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64], int]:
    """A palette RLE tile: (palette indexes, run lengths, where the tile ends), in one pass.

    A byte below 128 is one pixel; a byte from 128 on starts a run whose length follows (bytes
    of 255 that go on, then one that does not). Whether a byte starts a record follows from
    the bytes before it: after a byte below 128 one does, after a 255 that is part of a
    length one does not, and every other byte flips the answer. So the last byte of the first
    two kinds and the count of flips since give every byte's answer at once.
    """
    raw = np.frombuffer(data, np.uint8)
    # no record takes more than two bytes a pixel, and most tiles need far fewer: look at a
    # short window first, then at twice as much until the tile is complete
    window = FIRST_WINDOW
    found = None
    while found is None:
        window = min(window, 2 * count)
        found = _palette_records(raw[at:at + window], count)
        if window >= 2 * count or at + window >= len(raw):
            break
        window *= 2
    if found is None:
        raise ValueError("the runs of a palette RLE tile do not fill it")
    heads, lengths, end = found
    indexes = (heads & 127).astype(np.intp)
    if int(indexes.max()) >= size:
        raise ValueError(f"a palette index past the {size} colours")
    return indexes, lengths, at + end


def _palette_records(window: npt.NDArray[np.uint8], count: int
                     ) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], int] | None:
    """(first bytes, lengths, end offset) of the records that make `count` pixels, or None
    when `window` holds fewer."""
    n = len(window)
    if n == 0:
        return None
    position = np.arange(n)
    full = window == 255
    settles = (window < 128) | full
    last = np.maximum.accumulate(np.where(settles, position, -1))
    before = np.concatenate(([-1], last[:-1]))  # the last settling byte before each byte
    in_length = np.where(before >= 0, full[np.maximum(before, 0)], False)
    in_length ^= (position - before - 1) % 2 == 1
    starts = np.flatnonzero(~in_length)
    heads = window[starts]
    runs = heads >= 128
    following = np.where(window != 255, position, n)
    next_end = np.minimum.accumulate(following[::-1])[::-1]  # next byte that is not 255
    ends = np.where(runs, next_end[np.minimum(starts + 1, n - 1)], starts)
    complete = ~runs | ((starts + 1 < n) & (ends < n))
    usable = int(np.argmin(complete)) if not complete.all() else len(starts)
    starts, heads, runs, ends = starts[:usable], heads[:usable], runs[:usable], ends[:usable]
    lengths = np.where(runs, 1 + 255 * (ends - starts - 1)
                       + window[np.minimum(ends, n - 1)].astype(np.int64), 1)
    sums = np.cumsum(lengths)
    take = int(np.searchsorted(sums, count)) + 1
    if take > len(starts):
        return None
    if sums[take - 1] != count:
        raise ValueError("the runs of a palette RLE tile overflow it")
    return heads[:take], lengths[:take], int(ends[take - 1]) + 1
