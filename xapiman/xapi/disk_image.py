"""Disk images to and from a VDI over xapi's raw-VDI handlers: `PUT /import_raw_vdi` and
`GET /export_raw_vdi`, raw bytes or VHD.

`inspect_image` tells a VHD (by its footer, checked) from a raw image and gives the virtual size
of the disk it holds. `upload_image` sends a file into an existing VDI (with its length: xapi
refuses chunked uploads); `download_image` writes a VDI into a file that appears under its name
only once complete (a raw image as long as the disk, a VHD ending in a valid footer). Both go
through the connection's pinned certificates with the caller's server task as `task_id`,
follow redirects only to hosts of the pool, report bytes as they move and stop at once when
the transfer is cancelled (see `xapiman.xapi.xva.Transfer`).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError
from xapiman.xapi.errortext import human_size
from xapiman.xapi.xva import ProgressCallback, Transfer, XvaPool, receive_file, send_file

SECTOR = 512
VHD_COOKIE = b"conectix"
VHD_TYPES = {2: "fixed", 3: "dynamic", 4: "differencing"}


class ImageError(XapiClientError):
    """A file that is not a usable disk image, or a transfer that did not complete."""


@dataclass(frozen=True)
class ImageInfo:
    """What a disk image file holds: its format ("raw" or "vhd") and the disk's size."""

    format: str
    virtual_size: int
    file_size: int


def _vhd_footer(data: bytes) -> tuple[int, int] | None:
    """(disk type, virtual size) of a valid VHD footer; None when `data` is not one."""
    if len(data) < SECTOR or data[:8] != VHD_COOKIE:
        return None
    stored = struct.unpack(">I", data[64:68])[0]
    total = sum(data[:64]) + sum(data[68:SECTOR])
    if stored != ~total & 0xFFFFFFFF:
        return None
    return struct.unpack(">I", data[60:64])[0], struct.unpack(">Q", data[48:56])[0]


def inspect_image(path: str | os.PathLike[str]) -> ImageInfo:
    """The format and disk size of an image file.

    A file ending in a valid VHD footer is a VHD (a differencing one is refused: it needs its
    parent); any other non-empty file is a raw image of its own length.

    Raises:
        ImageError: empty, or an unusable VHD; OSError: the file cannot be read.
    """
    name = Path(path).name
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            raise ImageError(translate("DiskImage", "'{name}' is empty.").format(name=name))
        tail = b""
        if size >= SECTOR:
            handle.seek(size - SECTOR)
            tail = handle.read(SECTOR)
        handle.seek(0)
        head = handle.read(SECTOR)
    footer = _vhd_footer(tail)
    if footer is None and head[:8] == VHD_COOKIE:
        if _vhd_footer(head) is None:
            raise ImageError(translate("DiskImage", "'{name}' starts like a VHD but its footer "
                                       "is damaged.").format(name=name))
        raise ImageError(translate("DiskImage", "'{name}' is an incomplete VHD: its last "
                                   "footer is missing.").format(name=name))
    if footer is None:
        return ImageInfo("raw", size, size)
    disk_type, virtual = footer
    if disk_type == 4:
        raise ImageError(translate("DiskImage", "'{name}' is a differencing VHD, which needs "
                                   "its parent; upload a full image.").format(name=name))
    if disk_type not in VHD_TYPES:
        raise ImageError(translate("DiskImage", "'{name}' is a VHD of an unknown type "
                                   "({type}).").format(name=name, type=disk_type))
    return ImageInfo("vhd", virtual, size)


def format_for(path: str | os.PathLike[str]) -> str:
    """The export format a file name asks for: "vhd" for .vhd, else "raw"."""
    return "vhd" if str(path).lower().endswith(".vhd") else "raw"


def upload_image(pool: XvaPool, source: str | os.PathLike[str], *, vdi: str, fmt: str,
                 task: str, on_bytes: ProgressCallback | None = None,
                 transfer: Transfer | None = None) -> int:
    """Send the image file `source` into the VDI `vdi`; returns the bytes sent. The server's
    task says when the data is on the disk.

    Raises:
        TransferCancelled, HttpError (refused), TransportError, OSError (the local file).
    """
    transfer = transfer or Transfer(pool)
    query = {"session_id": transfer._session(), "task_id": task, "vdi": vdi, "format": fmt}
    return send_file(transfer, Path(source), "/import_raw_vdi", query, on_bytes)


def download_image(pool: XvaPool, vdi: str, target: str | os.PathLike[str], *, fmt: str,
                   size: int, task: str, on_bytes: ProgressCallback | None = None,
                   transfer: Transfer | None = None) -> int:
    """Write the VDI `vdi` (of virtual `size` bytes) into the file `target` as `fmt`; returns
    the bytes written. The file appears under its name only when complete.

    Raises:
        TransferCancelled, ImageError (incomplete), HttpError, TransportError, OSError.
    """
    transfer = transfer or Transfer(pool)
    query = {"session_id": transfer._session(), "task_id": task, "vdi": vdi, "format": fmt}

    def complete(temp: Path, written: int) -> None:
        if not (written == size if fmt == "raw" else _vhd_complete(temp, size)):
            raise ImageError(translate("DiskImage", "the disk's data stopped before the image "
                                       "was complete ({size} arrived)").format(
                size=human_size(str(written))))

    return receive_file(transfer, Path(target), "/export_raw_vdi", query, on_bytes, complete)


def _vhd_complete(path: Path, size: int) -> bool:
    try:
        info = inspect_image(path)
    except (OSError, ImageError):
        return False
    return info.format == "vhd" and info.virtual_size == size
