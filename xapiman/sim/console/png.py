"""A minimal PNG writer (zlib + CRC-32 from the standard library) for console snapshots.

Only what GET /vncsnapshot needs: 8-bit truecolour RGB (colour type 2), no interlace,
filter type 0 (None) on every scanline, one IDAT chunk.
"""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOUR_TYPE_RGB = 2


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 over type and data."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_rgb(width: int, height: int, rgb: bytes | bytearray, level: int = 6) -> bytes:
    """A PNG of ``width`` x ``height`` pixels from packed 24-bit R, G, B rows."""
    if width <= 0 or height <= 0:
        raise ValueError(f"a PNG needs a positive size, not {width}x{height}")
    stride = width * 3
    if len(rgb) != stride * height:
        raise ValueError(f"expected {stride * height} bytes of RGB, got {len(rgb)}")
    view = memoryview(rgb)
    scanlines = b"".join(b"\x00" + view[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPE_RGB, 0, 0, 0)
    return b"".join(
        (
            PNG_SIGNATURE,
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(scanlines, level)),
            chunk(b"IEND", b""),
        )
    )


def bgrx_to_rgb(bgrx: bytes | bytearray) -> bytearray:
    """Repack 32-bit B, G, R, X little-endian pixels as 24-bit R, G, B."""
    count = len(bgrx) // 4
    rgb = bytearray(count * 3)
    rgb[0::3] = bgrx[2::4]
    rgb[1::3] = bgrx[1::4]
    rgb[2::3] = bgrx[0::4]
    return rgb


def encode_bgrx(width: int, height: int, bgrx: bytes | bytearray) -> bytes:
    """A PNG from a 32bpp BGRX framebuffer (the ConsoleScreen layout)."""
    if len(bgrx) != width * height * 4:
        raise ValueError(f"expected {width * height * 4} bytes of BGRX, got {len(bgrx)}")
    return encode_rgb(width, height, bgrx_to_rgb(bgrx))
