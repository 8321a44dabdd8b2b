"""One frame from an RFB server: connect, take a whole screen, leave; PNG output."""

from __future__ import annotations

import io
import socket
import threading

from PIL import Image

from xapiman.i18n import translate
from xapiman.rfb.errors import RfbError, Stalled
from xapiman.rfb.framebuffer import Framebuffer
from xapiman.rfb.handshake import ServerInfo
from xapiman.rfb.session import NullListener, Options, Rect, RfbSession


class _FirstFrame(NullListener):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: RfbError | None = None
        self.fb: Framebuffer | None = None
        self.covered = 0

    def connected(self, info: ServerInfo, fb: Framebuffer) -> None:
        self.fb = fb

    def resized(self, width: int, height: int) -> None:
        self.covered = 0

    def updated(self, rects: list[Rect]) -> None:
        fb = self.fb
        if fb is None:
            return
        self.covered += sum(w * h for _, _, w, h in rects)
        if self.covered >= fb.width * fb.height:
            self.done.set()

    def closed(self, error: RfbError | None) -> None:
        self.error = error
        self.done.set()


def capture(sock: socket.socket, *, options: Options | None = None,
            timeout: float = 30.0) -> Framebuffer:
    """Run a session on `sock` until the whole screen arrived once; return its pixels.

    Raises:
        RfbError: the session failed, or no full frame came within `timeout`.
    """
    listener = _FirstFrame()
    opts = options or Options()
    opts.wants_ack = False
    session = RfbSession(sock, listener, opts, name="rfb-capture")
    session.start()
    try:
        if not listener.done.wait(timeout):
            raise Stalled(translate("Console", "no whole screen came within {s:g} seconds")
                          .format(s=timeout))
        if listener.error is not None:
            raise listener.error
        fb = listener.fb
        if fb is None or session.fb is None:
            raise RfbError(translate("Console", "the console ended before showing a screen"))
        return session.fb
    finally:
        session.close()
        session.join(5.0)


def to_png(fb: Framebuffer) -> bytes:
    """The screen as a PNG image."""
    pixels = fb.bgrx()
    image = Image.frombuffer("RGB", fb.size, pixels, "raw", "BGRX", 0, 1)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
