"""Pixel formats and the rectangle encodings the simulated RFB server sends (RFC 6143 7.4, 7.7).

``PixelFormat`` is the 16-byte PIXEL_FORMAT structure.  ``PixelConverter`` turns the screen's
32bpp BGRX pixels into whatever true-colour format a client asked for (8, 16 or 32 bits per
pixel, any shifts, either byte order).  ``encode_raw`` and ``encode_hextile`` produce the
payload of one rectangle; Hextile sends single-colour tiles as a background colour and
two-colour tiles (text) as foreground subrectangles, falling back to raw tiles.
"""

from __future__ import annotations

import struct
import sys
from array import array
from dataclasses import dataclass

RAW = 0
HEXTILE = 5
DESKTOP_SIZE = -223
QEMU_EXTENDED_KEY_EVENT = -258

# Hextile subencoding bits
HEXTILE_RAW = 1
HEXTILE_BACKGROUND = 2
HEXTILE_FOREGROUND = 4
HEXTILE_ANY_SUBRECTS = 8
HEXTILE_SUBRECTS_COLOURED = 16
_TILE = 16


@dataclass(frozen=True)
class PixelFormat:
    """RFB PIXEL_FORMAT: how one pixel is laid out on the wire."""

    bits_per_pixel: int
    depth: int
    big_endian: bool
    true_colour: bool
    red_max: int
    green_max: int
    blue_max: int
    red_shift: int
    green_shift: int
    blue_shift: int

    _STRUCT = struct.Struct(">BBBBHHHBBB3x")

    @classmethod
    def unpack(cls, data: bytes) -> PixelFormat:
        """Parse the 16 bytes of a PIXEL_FORMAT."""
        bpp, depth, big, true_colour, *rest = cls._STRUCT.unpack(data)
        return cls(bpp, depth, bool(big), bool(true_colour), *rest)

    def pack(self) -> bytes:
        """The 16 bytes of this PIXEL_FORMAT."""
        return self._STRUCT.pack(
            self.bits_per_pixel, self.depth, int(self.big_endian), int(self.true_colour),
            self.red_max, self.green_max, self.blue_max,
            self.red_shift, self.green_shift, self.blue_shift,
        )  # fmt: skip

    def problem(self) -> str | None:
        """Why this server cannot send pixels in this format, or None when it can."""
        if self.bits_per_pixel not in (8, 16, 32):
            return f"{self.bits_per_pixel} bits per pixel"
        if not self.true_colour:
            return "a colour map (only true colour is supported)"
        for top, shift in self._channels():
            if top == 0 or shift + top.bit_length() > self.bits_per_pixel:
                return f"a channel of max {top} at shift {shift} in {self.bits_per_pixel} bits"
        return None

    def _channels(self) -> tuple[tuple[int, int], ...]:
        return (
            (self.red_max, self.red_shift),
            (self.green_max, self.green_shift),
            (self.blue_max, self.blue_shift),
        )


# What ServerInit announces (QEMU's default too): 32bpp, depth 24, little-endian, R16 G8 B0.
NATIVE = PixelFormat(32, 24, False, True, 255, 255, 255, 16, 8, 0)


class _PixelCache(dict[int, bytes]):
    """Source pixel value (0x00RRGGBB) -> the client's bytes, computed on first use."""

    def __init__(self, fmt: PixelFormat) -> None:
        super().__init__()
        self._fmt = fmt

    def __missing__(self, value: int) -> bytes:
        fmt = self._fmt
        red, green, blue = (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF
        packed = (
            (red * fmt.red_max + 127) // 255 << fmt.red_shift
            | (green * fmt.green_max + 127) // 255 << fmt.green_shift
            | (blue * fmt.blue_max + 127) // 255 << fmt.blue_shift
        )
        data = packed.to_bytes(fmt.bits_per_pixel // 8, "big" if fmt.big_endian else "little")
        self[value] = data
        return data


class PixelConverter:
    """Converts BGRX (the screen's layout) to one client pixel format."""

    def __init__(self, fmt: PixelFormat) -> None:
        problem = fmt.problem()
        if problem:
            raise ValueError(f"unsupported pixel format: {problem}")
        self.format = fmt
        self.bytes_per_pixel = fmt.bits_per_pixel // 8
        self._cache = _PixelCache(fmt)
        self._byte_of = self._byte_positions(fmt)

    @staticmethod
    def _byte_positions(fmt: PixelFormat) -> tuple[int, int, int] | None:
        """Where R, G, B land when the format is a byte permutation of 32bpp, else None."""
        shifts = (fmt.red_shift, fmt.green_shift, fmt.blue_shift)
        maxes = (fmt.red_max, fmt.green_max, fmt.blue_max)
        if fmt.bits_per_pixel != 32 or maxes != (255, 255, 255) or len(set(shifts)) != 3:
            return None
        if any(shift % 8 for shift in shifts):
            return None
        red, green, blue = (shift // 8 for shift in shifts)
        if fmt.big_endian:
            return (3 - red, 3 - green, 3 - blue)
        return (red, green, blue)

    def pixel(self, value: int) -> bytes:
        """One source pixel value (0x00RRGGBB) in the client's format."""
        return self._cache[value & 0xFFFFFF]

    def convert(self, bgrx: bytes) -> bytes:
        """A run of BGRX pixels in the client's format."""
        positions = self._byte_of
        if positions == (2, 1, 0):
            return bytes(bgrx)
        if positions is not None:
            out = bytearray(len(bgrx))
            out[positions[0] :: 4] = bgrx[2::4]
            out[positions[1] :: 4] = bgrx[1::4]
            out[positions[2] :: 4] = bgrx[0::4]
            return bytes(out)
        return b"".join(map(self._cache.__getitem__, pixel_values(bgrx)))


def pixel_values(bgrx: bytes) -> array[int]:
    """BGRX bytes as 0x00RRGGBB integers (the X byte masked off)."""
    values = array("I")
    values.frombytes(bgrx)
    if sys.byteorder == "big":
        values.byteswap()
    return array("I", (value & 0xFFFFFF for value in values))


def encode_raw(bgrx: bytes, converter: PixelConverter) -> bytes:
    """Raw encoding: every pixel, row after row."""
    return converter.convert(bgrx)


class _TileState:
    """The background and foreground colours the client holds from earlier tiles."""

    def __init__(self) -> None:
        self.background: int | None = None
        self.foreground: int | None = None


def encode_hextile(bgrx: bytes, width: int, height: int, converter: PixelConverter) -> bytes:
    """Hextile encoding of a width x height rectangle of BGRX pixels."""
    values = pixel_values(bgrx)
    state = _TileState()
    out = bytearray()
    for top in range(0, height, _TILE):
        for left in range(0, width, _TILE):
            tile_w, tile_h = min(_TILE, width - left), min(_TILE, height - top)
            rows = [
                values[(top + y) * width + left : (top + y) * width + left + tile_w]
                for y in range(tile_h)
            ]
            out += _encode_tile(rows, tile_w, converter, state)
    return bytes(out)


def _encode_tile(
    rows: list[array[int]], width: int, converter: PixelConverter, state: _TileState
) -> bytes:
    colours: dict[int, int] = {}
    for row in rows:
        for value in set(row):
            colours[value] = colours.get(value, 0) + row.count(value)
        if len(colours) > 2:
            break
    if len(colours) == 1:
        (background,) = colours
        if background == state.background:
            return b"\x00"
        state.background = background
        return bytes((HEXTILE_BACKGROUND,)) + converter.pixel(background)
    raw_size = 1 + width * len(rows) * converter.bytes_per_pixel
    if len(colours) == 2:
        background, foreground = sorted(colours, key=colours.__getitem__, reverse=True)
        encoded = _two_colour_tile(rows, background, foreground, converter, state)
        if encoded is not None and len(encoded) < raw_size:
            state.background, state.foreground = background, foreground
            return encoded
    state.background = state.foreground = None
    pixels = b"".join(converter.pixel(value) for row in rows for value in row)
    return bytes((HEXTILE_RAW,)) + pixels


def _two_colour_tile(
    rows: list[array[int]],
    background: int,
    foreground: int,
    converter: PixelConverter,
    state: _TileState,
) -> bytes | None:
    subrects = foreground_subrects(rows, foreground)
    if len(subrects) > 255:
        return None
    flags, body = HEXTILE_ANY_SUBRECTS, bytearray()
    if background != state.background:
        flags |= HEXTILE_BACKGROUND
        body += converter.pixel(background)
    if foreground != state.foreground:
        flags |= HEXTILE_FOREGROUND
        body += converter.pixel(foreground)
    body.append(len(subrects))
    for x, y, w, h in subrects:
        body += bytes((x << 4 | y, (w - 1) << 4 | (h - 1)))
    return bytes((flags,)) + bytes(body)


def foreground_subrects(rows: list[array[int]], colour: int) -> list[tuple[int, int, int, int]]:
    """Rectangles (x, y, w, h) covering the pixels of ``colour``: row runs merged downwards."""
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x, w) -> first row
    for y, row in enumerate(rows):
        runs = set(_runs(row, colour))
        for run in [run for run in open_runs if run not in runs]:
            first = open_runs.pop(run)
            done.append((run[0], first, run[1], y - first))
        for run in runs:
            open_runs.setdefault(run, y)
    done.extend((x, first, w, len(rows) - first) for (x, w), first in open_runs.items())
    return done


def _runs(row: array[int], colour: int) -> list[tuple[int, int]]:
    runs, start = [], None
    for x, value in enumerate(row):
        if value == colour and start is None:
            start = x
        elif value != colour and start is not None:
            runs.append((start, x - start))
            start = None
    if start is not None:
        runs.append((start, len(row) - start))
    return runs
