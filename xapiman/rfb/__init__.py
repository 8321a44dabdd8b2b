"""The RFB (VNC) protocol client. No Qt.

`RfbSession` runs one connection on its own thread over any connected socket (a TCP or unix
socket, or XAPI's console tunnel); `Framebuffer` holds the screen in Qt's RGB32 layout;
`capture` takes one frame. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from xapiman.rfb.capture import capture, to_png
from xapiman.rfb.decoders import CursorShape
from xapiman.rfb.errors import (
    AuthenticationFailed,
    ProtocolError,
    RfbError,
    Stalled,
    StreamClosed,
    UnsupportedServer,
)
from xapiman.rfb.framebuffer import Framebuffer
from xapiman.rfb.handshake import RGB32, PixelFormat, ServerInfo
from xapiman.rfb.session import Listener, NullListener, Options, RfbSession

__all__ = [
    "RGB32",
    "AuthenticationFailed",
    "CursorShape",
    "Framebuffer",
    "Listener",
    "NullListener",
    "Options",
    "PixelFormat",
    "ProtocolError",
    "RfbError",
    "RfbSession",
    "ServerInfo",
    "Stalled",
    "StreamClosed",
    "UnsupportedServer",
    "capture",
    "to_png",
]
