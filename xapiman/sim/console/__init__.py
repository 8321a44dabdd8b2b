"""The simulator's consoles: what XAPI's ``CONNECT /console`` tunnel reaches.

* ``ConsoleScreen`` (screen.py): a simulated text-mode display of one VM or host console.
* ``serve_rfb`` (rfb_server.py): an RFB 3.8 (QEMU-like) or 3.3 (vncterm-like) server for one
  connection, run in its own thread after the HTTP side has written the 200 reply.
* ``open_vnc`` / ``pipe_sockets`` / ``proxy_to_vnc`` (vnc_proxy.py): relay a console connection
  to a real VNC server (e.g. a local QEMU) instead.
* ``encode_bgrx`` (png.py): PNG snapshots for GET /vncsnapshot.

No Qt here.
"""

from __future__ import annotations

from .png import encode_bgrx
from .rfb_server import serve_rfb
from .screen import ConsoleScreen
from .vnc_proxy import open_vnc, pipe_sockets, proxy_to_vnc

__all__ = [
    "ConsoleScreen",
    "encode_bgrx",
    "open_vnc",
    "pipe_sockets",
    "proxy_to_vnc",
    "serve_rfb",
]
