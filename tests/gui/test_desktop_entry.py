"""The app in the desktop's launcher: `xapiman --install-desktop-entry` writes a `.desktop`
entry that desktop-file-validate accepts and hicolor icons at every size, for the user."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from xapiman.gui.desktop_entry import DESKTOP_FILE, PNG_SIZES, exec_argument, install

REPO = Path(__file__).resolve().parents[2]


def validate(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is missing (Debian package desktop-file-utils)")
    checked = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_projects_entry_is_valid() -> None:
    validate(DESKTOP_FILE)


def test_install_puts_the_entry_and_icons_in_the_users_data_folder(tmp_path: Path) -> None:
    program = Path(sys.executable).parent / "xapiman"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run([str(program), "--install-desktop-entry"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "applications" / "xapiman.desktop"
    assert done.stdout.strip() == (f"installed the desktop entry {entry} and "
                                   f"{len(PNG_SIZES) + 1} icons (running {program})")
    validate(entry)
    text = entry.read_text(encoding="utf-8")
    assert f"\nExec={program}\n" in text and f"\nTryExec={program}\n" in text
    assert f"\nExec={program} --demo\n" in text and "\nIcon=xapiman\n" in text
    hicolor = tmp_path / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / "xapiman.svg").read_bytes().startswith(b"<?xml")
    for size in PNG_SIZES:
        assert png_size(hicolor / f"{size}x{size}" / "apps" / "xapiman.png") == (size, size)
    # again: the same files, replaced
    again = subprocess.run([str(program), "--install-desktop-entry"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stdout == done.stdout


def test_a_program_path_with_spaces_and_quotes_is_quoted(tmp_path: Path) -> None:
    odd = '/opt/my apps/"x"$HOME/xapiman'
    assert exec_argument("/usr/bin/xapiman") == "/usr/bin/xapiman"
    assert exec_argument(odd) == '"/opt/my apps/\\\\"x\\\\"\\\\$HOME/xapiman"'
    files = install(odd, tmp_path)
    validate(files[0])


def test_a_data_folder_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "share"
    blocker.write_text("a file where the folder should be")
    program = Path(sys.executable).parent / "xapiman"
    env = {**os.environ, "XDG_DATA_HOME": str(blocker), "PYTHONPATH": str(REPO)}
    done = subprocess.run([str(program), "--install-desktop-entry"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("xapiman: cannot install the desktop entry: ")
    assert blocker.read_text() == "a file where the folder should be"
