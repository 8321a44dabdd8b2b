"""Whether the desktop app has a display to open its window on (no Qt here: Qt aborts the
process when it cannot connect, so this is checked first)."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path

from xapiman.i18n import translate


def explain_missing_display(*, offscreen_ok: bool = False,
                            environ: Mapping[str, str] | None = None) -> str:
    """"" when a window can open; else one sentence saying why not and what to do.

    `offscreen_ok` (a screenshot run): without a display, Qt's offscreen platform is chosen
    (QT_QPA_PLATFORM=offscreen is set in this process's environment) instead of refusing.
    """
    env = os.environ if environ is None else environ
    if env.get("QT_QPA_PLATFORM"):
        return ""  # the user chose Qt's platform: trust it
    wayland = env.get("WAYLAND_DISPLAY", "")
    x11 = env.get("DISPLAY", "")
    if wayland and _wayland_reachable(wayland, env):
        return ""
    if x11 and _x11_reachable(x11):
        return ""
    if offscreen_ok:
        if environ is None:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return ""
    if x11 or wayland:
        shown = x11 or wayland
        return translate(
            "Display", "the display {display} does not answer: start xapiman from a running "
            "desktop session, or run it as `xvfb-run xapiman`.").format(display=shown)
    return translate(
        "Display", "no display (DISPLAY and WAYLAND_DISPLAY are not set): start xapiman from "
        "a desktop session, over `ssh -X`, or as `xvfb-run xapiman`; `--screenshot FILE.png` "
        "works without one.")


def _wayland_reachable(name: str, env: Mapping[str, str]) -> bool:
    path = Path(name) if name.startswith("/") else Path(env.get("XDG_RUNTIME_DIR", "")) / name
    return path.exists()


def _x11_reachable(display: str) -> bool:
    """A local display (":0", "unix:0") has a socket; a remote one (host:0) is trusted as set."""
    host, _, rest = display.rpartition(":")
    if host not in ("", "unix"):
        return True  # TCP or ssh-forwarded: Qt will say if it fails
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return False
    path = f"/tmp/.X11-unix/X{number}"
    for address in ("\0" + path, path):  # Linux's abstract socket first, then the file
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(1.0)
        try:
            sock.connect(address)
            return True
        except OSError:
            continue
        finally:
            sock.close()
    return False
