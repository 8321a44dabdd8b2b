"""The app in the desktop's launcher: its freedesktop `.desktop` entry and hicolor icons,
installed for the user (`xapiman --install-desktop-entry`, run by `./dev setup`).

The entry and the scalable icon are the project's own files (`xapiman/resources/desktop/`,
`xapiman/resources/icons/`); the PNG sizes are drawn from the SVG here, so they never drift
from it. The entry's Exec lines name the executable that installs them (a virtual
environment's `bin` folder is rarely on the launcher's PATH).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PyQt6.QtGui import QImage, QPainter
from PyQt6.QtSvg import QSvgRenderer

from xapiman.atomic import atomic_write_bytes
from xapiman.gui.icons import APP_ICON as SVG_ICON

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DESKTOP_FILE = RESOURCES / "desktop" / "xapiman.desktop"
APP_ID = "xapiman"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
# characters that make an Exec argument need quotes (Desktop Entry Specification, "Exec key")
_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


def data_home() -> Path:
    """Where the user's own applications and icons go ($XDG_DATA_HOME or ~/.local/share)."""
    configured = os.environ.get("XDG_DATA_HOME", "")
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".local" / "share"


def exec_argument(path: str) -> str:
    """`path` as one argument of an Exec line (quoted and escaped when it must be)."""
    if not _RESERVED.search(path):
        return path
    quoted = re.sub(r'(["`$\\])', r"\\\1", path)
    # a string value escapes its backslashes once more
    return '"' + quoted.replace("\\", "\\\\") + '"'


def desktop_entry(executable: str) -> str:
    """The entry's text, with its Exec and TryExec lines naming `executable`."""
    program = exec_argument(executable)
    lines = []
    for line in DESKTOP_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec=xapiman"):
            line = "Exec=" + program + line[len("Exec=xapiman"):]
        elif line == "TryExec=xapiman":
            line = "TryExec=" + executable
        lines.append(line)
    return "\n".join(lines) + "\n"


def render_png(size: int) -> bytes:
    """The app's icon drawn at size x size pixels, as PNG."""
    renderer = QSvgRenderer(str(SVG_ICON))
    if not renderer.isValid():
        raise ValueError(f"{SVG_ICON} is not a valid SVG image")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError(f"cannot draw the icon at {size} pixels")
    buffer.close()
    return bytes(data.data())


def install(executable: str, target: Path | None = None) -> list[Path]:
    """Write the entry and the icons under `target` (default: the user's data folder);
    returns the files written. Running it again replaces them."""
    root = target or data_home()
    icons = root / "icons" / "hicolor"
    files: list[tuple[Path, bytes]] = [
        (root / "applications" / f"{APP_ID}.desktop", desktop_entry(executable).encode()),
        (icons / "scalable" / "apps" / f"{APP_ID}.svg", SVG_ICON.read_bytes()),
    ]
    files += [(icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png", render_png(size))
              for size in PNG_SIZES]
    for path, content in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, content, mode=0o644)
    # the icon theme's folder changes, so that caches built from it are refreshed
    os.utime(icons, None)
    return [path for path, _ in files]
