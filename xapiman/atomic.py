"""Atomic file writing: a reader sees the old file or the new one, never a partial one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, mode: int = PRIVATE_FILE_MODE) -> Path:
    """Replace the file at `path` with `data` atomically and return the path written.

    The data goes to a temporary file in the same folder, is flushed to disk, and only then
    renamed over the target, so a crash or a full disk leaves the previous file untouched.
    When `path` is a symbolic link, the file it points to is replaced and the link is kept.
    A missing parent folder is created, readable by the owner only.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_folder(target.parent)
    return target


def atomic_write_text(
    path: str | os.PathLike[str], text: str, mode: int = PRIVATE_FILE_MODE
) -> Path:
    """Replace the file at `path` with `text` (UTF-8) atomically; see `atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"), mode)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot fsync a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
