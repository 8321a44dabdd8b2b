"""The VHD disk image format, as far as raw-VDI transfers need it: read a fixed or dynamic VHD
from a stream into 1 MiB chunks, and write a dynamic VHD of a disk's chunks.

Layout (Microsoft's Virtual Hard Disk Image Format Specification): a 512-byte footer
("conectix") ends every VHD; a dynamic one also starts with a copy of it, followed by a 1024-byte
dynamic header ("cxsparse") giving the block size and the block allocation table (BAT), a
table of 32-bit big-endian sector offsets (0xFFFFFFFF: block absent); each present block is a
sector bitmap (one bit per 512-byte sector, padded to a sector) followed by its data.
"""

from __future__ import annotations

import struct
import time
import uuid
from collections.abc import Callable, Iterator

SECTOR = 512
FOOTER_COOKIE = b"conectix"
HEADER_COOKIE = b"cxsparse"
FIXED, DYNAMIC, DIFFERENCING = 2, 3, 4
BLOCK = 2 * 1024 * 1024
ABSENT = 0xFFFFFFFF
VHD_EPOCH = 946684800  # 2000-01-01T00:00:00Z, where VHD timestamps count from
Read = Callable[[int], bytes]  # read exactly n bytes (fewer only at the end of the stream)


class VhdError(ValueError):
    """Not a VHD, or one this reader cannot use (the message says why)."""


def _checksum(data: bytes, at: int) -> int:
    """One's complement of the byte sum, the checksum field (4 bytes at `at`) counted as 0."""
    total = sum(data[:at]) + sum(data[at + 4:])
    return ~total & 0xFFFFFFFF


def footer(size: int, disk_type: int, data_offset: int) -> bytes:
    """A VHD footer for a disk of virtual `size` bytes."""
    cylinders, heads, sectors = geometry(size)
    body = struct.pack(
        ">8sIIQI4sIIQQHBBII", FOOTER_COOKIE, 2, 0x00010000, data_offset,
        int(time.time()) - VHD_EPOCH, b"xapi", 0x00010001, 0x5769326B, size, size,
        cylinders, heads, sectors, disk_type, 0)
    body += uuid.uuid4().bytes + b"\0"
    body = body.ljust(SECTOR, b"\0")
    return body[:64] + struct.pack(">I", _checksum(body, 64)) + body[68:]


def geometry(size: int) -> tuple[int, int, int]:
    """The CHS geometry the specification derives from a size."""
    total = min(size // SECTOR, 65535 * 16 * 255)
    if total >= 65535 * 16 * 63:
        sectors, heads = 255, 16
        cylinder_heads = total // sectors
    else:
        sectors = 17
        cylinder_heads = total // sectors
        heads = max((cylinder_heads + 1023) // 1024, 4)
        if cylinder_heads >= heads * 1024 or heads > 16:
            sectors, heads = 31, 16
            cylinder_heads = total // sectors
        if cylinder_heads >= heads * 1024:
            sectors, heads = 63, 16
            cylinder_heads = total // sectors
    return min(cylinder_heads // heads, 65535), heads, sectors


def parse_footer(data: bytes) -> tuple[int, int, int]:
    """(disk type, virtual size, data offset) of a footer; VhdError when it is not one."""
    if len(data) < SECTOR or data[:8] != FOOTER_COOKIE:
        raise VhdError("no VHD footer (the 'conectix' cookie is missing)")
    (stored,) = struct.unpack(">I", data[64:68])
    if stored != _checksum(data[:SECTOR], 64):
        raise VhdError("the VHD footer's checksum is wrong")
    data_offset, size, disk_type = (struct.unpack(">Q", data[16:24])[0],
                                    struct.unpack(">Q", data[48:56])[0],
                                    struct.unpack(">I", data[60:64])[0])
    return disk_type, size, data_offset


# -- reading --------------------------------------------------------------------------------------


def read(read_exact: Read, length: int) -> tuple[int, Iterator[tuple[int, bytes]]]:
    """The virtual size of the VHD in a stream of `length` bytes, and its data as
    (byte offset, bytes) pieces in ascending order (absent blocks give nothing).

    Raises VhdError (also while the pieces are read) for anything but a valid fixed or
    dynamic VHD.
    """
    if length < SECTOR:
        raise VhdError("the stream is too short to be a VHD")
    first = read_exact(SECTOR)
    if first[:8] != FOOTER_COOKIE:
        return _fixed(read_exact, length, first)
    disk_type, size, data_offset = parse_footer(first)
    if disk_type == DIFFERENCING:
        raise VhdError("a differencing VHD needs its parent; upload a full image")
    if disk_type != DYNAMIC:
        raise VhdError(f"unknown VHD disk type {disk_type}")
    return size, _dynamic(read_exact, length, size, data_offset)


def _fixed(read_exact: Read, length: int, first: bytes) -> tuple[int, Iterator[tuple[int, bytes]]]:
    """A fixed VHD: the raw data, then the footer (read last, checked before data is used)."""
    size = length - SECTOR

    def pieces() -> Iterator[tuple[int, bytes]]:
        yield 0, first
        done = SECTOR
        while done < size:
            data = read_exact(min(BLOCK, size - done))
            if not data:
                raise VhdError("the VHD stream ended early")
            yield done, data
            done += len(data)
        disk_type, virtual, _offset = parse_footer(read_exact(SECTOR))
        if disk_type != FIXED or virtual != size:
            raise VhdError("the VHD footer does not describe this fixed image")

    return size, pieces()


def _dynamic(read_exact: Read, length: int, size: int,
             data_offset: int) -> Iterator[tuple[int, bytes]]:
    position = SECTOR
    position += _skip(read_exact, data_offset - position)
    header = read_exact(1024)
    position += len(header)
    if header[:8] != HEADER_COOKIE:
        raise VhdError("no VHD dynamic header (the 'cxsparse' cookie is missing)")
    table_offset, _version, entries, block_size = struct.unpack(">QIII", header[16:36])
    if block_size <= 0 or block_size % SECTOR or entries * block_size < size:
        raise VhdError("the VHD dynamic header is inconsistent")
    position += _skip(read_exact, table_offset - position)
    table = read_exact(entries * 4)
    position += len(table)
    offsets = struct.unpack(f">{entries}I", table)
    bitmap = -(-block_size // SECTOR // 8 // SECTOR) * SECTOR
    present = sorted((sector * SECTOR, n) for n, sector in enumerate(offsets) if sector != ABSENT)
    for start, number in present:
        if start < position:
            raise VhdError("VHD blocks overlap")
        if start + bitmap + block_size > length:
            raise VhdError("a VHD block lies beyond the end of the stream")
        position += _skip(read_exact, start - position)
        _skip(read_exact, bitmap)
        data = read_exact(block_size)
        position += bitmap + len(data)
        if len(data) < block_size:
            raise VhdError("the VHD stream ended inside a block")
        offset = number * block_size
        if offset < size:
            yield offset, data[: size - offset]


def _skip(read_exact: Read, count: int) -> int:
    """Read past `count` bytes; returns `count`."""
    if count < 0:
        raise VhdError("the VHD's parts are out of order for a stream")
    left = count
    while left > 0:
        piece = read_exact(min(left, BLOCK))
        if not piece:
            raise VhdError("the VHD stream ended early")
        left -= len(piece)
    return count


# -- writing --------------------------------------------------------------------------------------


def write(size: int, blocks: dict[int, bytes]) -> Iterator[bytes]:
    """A dynamic VHD of a disk of virtual `size` whose data is `blocks` (block number ->
    BLOCK bytes, or fewer for the last); the other blocks are absent (zeros)."""
    entries = -(-size // BLOCK)
    table_size = -(-entries * 4 // SECTOR) * SECTOR
    table_offset = SECTOR + 1024
    first_block = table_offset + table_size
    bitmap = BLOCK // SECTOR // 8
    table = [ABSENT] * entries
    where = first_block
    order = sorted(n for n in blocks if n < entries)
    for number in order:
        table[number] = where // SECTOR
        where += bitmap + BLOCK
    tail = footer(size, DYNAMIC, SECTOR)
    yield tail
    header = struct.pack(">8sQQIII", HEADER_COOKIE, 0xFFFFFFFFFFFFFFFF, table_offset,
                         0x00010000, entries, BLOCK).ljust(1024, b"\0")
    yield header[:36] + struct.pack(">I", _checksum(header, 36)) + header[40:]
    yield struct.pack(f">{entries}I", *table).ljust(table_size, b"\xff")
    for number in order:
        yield b"\xff" * bitmap
        yield blocks[number][:BLOCK].ljust(BLOCK, b"\0")
    yield tail
