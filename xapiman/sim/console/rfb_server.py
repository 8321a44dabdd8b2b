"""The simulator's RFB (VNC) server: one blocking ``serve_rfb`` call per viewer connection.

It stands in for what XAPI's ``CONNECT /console`` tunnel reaches on a real host:

* ``version="3.8"``: QEMU's VNC server (HVM guests).  Greets ``RFB 003.008``, accepts 3.3
  (and 3.4/3.5, treated as 3.3), 3.7 and 3.8 clients, security None.
* ``version="3.3"``: vncterm (PV text consoles, dom0).  Greets ``RFB 003.003``, accepts 3.3
  and 3.4 clients only, security None as a u32.

Encodings: Raw, Hextile, ZRLE and Tight (the client's earliest-listed wins; ZRLE and Tight for
32-bit clients, Tight with JPEG when the client sends a quality level), DesktopSize, and QEMU's
extended key event (-258, acknowledged the way QEMU does).  Client messages: SetPixelFormat,
SetEncodings, FramebufferUpdateRequest, KeyEvent, PointerEvent, ClientCutText, QEMU's 255
(extended key event, audio) and XenCenter's 254 (scan code).  A misbehaving client only ends
its own connection.  Protocol reference: RFC 6143.
"""

from __future__ import annotations

import logging
import re
import select
import socket
import struct
import threading

from .compressed import TIGHT, ZRLE, TightEncoder, ZrleEncoder, supports
from .encodings import (
    DESKTOP_SIZE,
    HEXTILE,
    NATIVE,
    QEMU_EXTENDED_KEY_EVENT,
    RAW,
    PixelConverter,
    PixelFormat,
    encode_hextile,
    encode_raw,
)
from .screen import ConsoleScreen, Rect, bounding_box

log = logging.getLogger(__name__)

MAX_CUT_TEXT = 4 * 1024 * 1024
WAIT_POLL_SECONDS = 0.05  # how often a held update request looks for changes
IDLE_POLL_SECONDS = 0.25  # how often an idle connection looks at ``stop``
VNCTERM_NAME = "XenServer Virtual Terminal"
_VERSION = re.compile(rb"RFB (\d{3})\.(\d{3})\n")
_CLIENT_MINORS = {"3.8": {3: 3, 4: 3, 5: 3, 7: 7, 8: 8}, "3.3": {3: 3, 4: 3}}

_SCANCODE_ROWS = {
    0x02: "1234567890-=",
    0x10: "qwertyuiop[]",
    0x1E: "asdfghjkl;'`",
    0x2B: "\\zxcvbnm,./",
}
_SHIFTED = dict(
    zip(
        "1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./",
        '!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:"~|ZXCVBNM<>?',
        strict=True,
    )
)
_SCANCODE_KEYSYMS = {
    0x01: 0xFF1B,  # Escape
    0x0E: 0xFF08,  # BackSpace
    0x0F: 0xFF09,  # Tab
    0x1C: 0xFF0D,  # Return
    0x9C: 0xFF8D,  # KP_Enter (E0 1C)
    0x1D: 0xFFE3,  # Control_L
    0x9D: 0xFFE4,  # Control_R (E0 1D)
    0x2A: 0xFFE1,  # Shift_L
    0x36: 0xFFE2,  # Shift_R
    0x39: 0x0020,  # space
}
_SHIFT_KEYSYMS = (0xFFE1, 0xFFE2)


class ProtocolError(Exception):
    """The client broke the protocol; its connection ends."""


class ClientGone(Exception):
    """The client closed the connection."""


def serve_rfb(
    sock: socket.socket,
    screen: ConsoleScreen,
    *,
    version: str = "3.8",
    stop: threading.Event | None = None,
    name: str | None = None,
    io_timeout: float = 30.0,
) -> None:
    """Speak RFB as the server on an already-connected socket until the client goes away.

    Blocks; run it in its own thread per connection.  Returns when the client disconnects,
    breaks the protocol, stalls for ``io_timeout`` seconds in the middle of a message, when
    ``stop`` is set, or when another client connects non-shared.  Always closes ``sock``;
    raises nothing once started (only ValueError, at once, for an unknown ``version``).  ``name`` is the desktop name of ServerInit (default: the screen's title, or
    "XenServer Virtual Terminal" in vncterm mode).
    """
    if version not in _CLIENT_MINORS:
        raise ValueError(f"RFB server version must be '3.8' or '3.3', not {version!r}")
    session = _Session(sock, screen, version, stop or threading.Event(), name, io_timeout)
    try:
        session.run()
    except ClientGone:
        log.debug("RFB client went away")
    except (OSError, ProtocolError, ValueError, struct.error) as exc:
        log.debug("RFB connection ended: %s", exc)
    except Exception:  # a viewer thread must never die with a traceback
        log.exception("RFB connection failed")
    finally:
        session.close()


def keysym_of_scancode(scancode: int, shift: bool) -> int | None:
    """The keysym of a PC set-1 scan code (E0-prefixed keys as 0xE0xx or 0x80|code)."""
    if scancode & 0xFF00 == 0xE000:
        scancode = 0x80 | (scancode & 0x7F)
    if scancode in _SCANCODE_KEYSYMS:
        return _SCANCODE_KEYSYMS[scancode]
    for first, chars in _SCANCODE_ROWS.items():
        if first <= scancode < first + len(chars):
            char = chars[scancode - first]
            return ord(_SHIFTED[char] if shift else char)
    return None


def intersect(a: Rect, b: Rect) -> Rect:
    """The overlap of two rectangles (zero-sized when they do not meet)."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


class _Session:
    """One viewer connection: handshake, then client messages and framebuffer updates."""

    def __init__(
        self,
        sock: socket.socket,
        screen: ConsoleScreen,
        version: str,
        stop: threading.Event,
        name: str | None,
        io_timeout: float,
    ) -> None:
        self.sock, self.screen, self.server_version, self.stop = sock, screen, version, stop
        self.name = name if name is not None else VNCTERM_NAME if version == "3.3" else screen.title
        self.io_timeout = io_timeout
        self.kick = threading.Event()
        self.viewer: int | None = None
        self.converter = PixelConverter(NATIVE)
        self.encoding = RAW
        self.zrle: ZrleEncoder | None = None
        self.tight: TightEncoder | None = None
        self.desktop_size = False
        self.client_size = screen.size
        self.seen_version = -1  # the screen version the client is known to show
        self.pending: Rect | None = None
        self.shift = False
        self.handlers = {
            0: self._set_pixel_format,
            2: self._set_encodings,
            3: self._update_request,
            4: self._key_event,
            5: self._pointer_event,
            6: self._cut_text,
            254: self._xencenter_scancode,
            255: self._qemu_message,
        }

    # ----------------------------------------------------------------- lifecycle

    def run(self) -> None:
        self.sock.settimeout(self.io_timeout)
        self._handshake()
        shared = self._recv(1)[0]
        self.viewer = self.screen.attach_viewer(self.kick, exclusive=not shared)
        self.client_size = self.screen.size
        name = self.name.encode("utf-8")
        width, height = self.client_size
        self._send(
            struct.pack(">HH", width, height) + NATIVE.pack() + struct.pack(">I", len(name)) + name
        )
        while not (self.stop.is_set() or self.kick.is_set()):
            wait = WAIT_POLL_SECONDS if self.pending else IDLE_POLL_SECONDS
            if self._readable(wait):
                self._message()
            if self.pending and self._send_update(self.pending, full=False):
                self.pending = None

    def close(self) -> None:
        if self.viewer is not None:
            self.screen.detach_viewer(self.viewer)
            self.viewer = None
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def _handshake(self) -> None:
        """ProtocolVersion and security (None); RFC 6143 7.1.1-7.1.3."""
        self._send(f"RFB 003.00{self.server_version[-1]}\n".encode())
        match = _VERSION.fullmatch(self._recv(12))
        minor = _CLIENT_MINORS[self.server_version].get(int(match[2])) if match else None
        if match is None or int(match[1]) != 3 or minor is None:
            raise ProtocolError("unsupported client protocol version")
        if minor == 3:
            self._send(struct.pack(">I", 1))  # the server decides: None
            return
        self._send(b"\x01\x01")  # one security type: None
        if self._recv(1)[0] != 1:
            if minor == 8:
                reason = b"Authentication failure: only security type None is offered"
                self._send(struct.pack(">II", 1, len(reason)) + reason)
            raise ProtocolError("the client chose a security type that was not offered")
        if minor == 8:
            self._send(struct.pack(">I", 0))  # SecurityResult OK

    # ----------------------------------------------------------------- socket helpers

    def _readable(self, wait: float) -> bool:
        """Has the client sent something? (A TLS socket may hold decrypted bytes already.)"""
        pending = getattr(self.sock, "pending", None)
        if pending is not None and pending() > 0:
            return True
        return bool(select.select([self.sock], [], [], wait)[0])

    def _recv(self, count: int) -> bytes:
        data = bytearray()
        while len(data) < count:
            chunk = self.sock.recv(min(count - len(data), 65536))
            if not chunk:
                raise ClientGone()
            data += chunk
        return bytes(data)

    def _send(self, data: bytes) -> None:
        self.sock.sendall(data)

    # ----------------------------------------------------------------- client messages

    def _message(self) -> None:
        kind = self._recv(1)[0]
        handler = self.handlers.get(kind)
        if handler is None:
            raise ProtocolError(f"unknown client message type {kind}")
        handler()

    def _set_pixel_format(self) -> None:
        fmt = PixelFormat.unpack(self._recv(19)[3:])
        try:
            self.converter = PixelConverter(fmt)
        except ValueError as exc:
            raise ProtocolError(str(exc)) from None
        for coder in (self.zrle, self.tight):
            if coder is not None:
                coder.converter = self.converter
        if self.encoding in (ZRLE, TIGHT) and not supports(self.converter):
            self.encoding = RAW

    def _set_encodings(self) -> None:
        (count,) = struct.unpack(">xH", self._recv(3))
        encodings = struct.unpack(f">{count}i", self._recv(4 * count))
        known = (RAW, HEXTILE, ZRLE, TIGHT) if supports(self.converter) else (RAW, HEXTILE)
        self.encoding = next((e for e in encodings if e in known), RAW)
        if self.encoding == ZRLE and self.zrle is None:
            self.zrle = ZrleEncoder(self.converter)
        if self.encoding == TIGHT and self.tight is None:
            self.tight = TightEncoder(self.converter)
        if self.tight is not None:
            levels = [e + 32 for e in encodings if -32 <= e <= -23]
            self.tight.quality = levels[0] if levels else None
        self.desktop_size = DESKTOP_SIZE in encodings
        if QEMU_EXTENDED_KEY_EVENT in encodings:
            # QEMU acknowledges with an update of one pseudo-rectangle the size of the screen.
            width, height = self.client_size
            rect = struct.pack(">HHHHi", 0, 0, width, height, QEMU_EXTENDED_KEY_EVENT)
            self._send(struct.pack(">BxH", 0, 1) + rect)

    def _update_request(self) -> None:
        incremental, *area = struct.unpack(">BHHHH", self._recv(9))
        rect: Rect = (area[0], area[1], area[2], area[3])
        if not incremental:
            self._send_update(rect, full=True)
            return
        self.pending = bounding_box([self.pending, rect]) if self.pending else rect
        if self._send_update(self.pending, full=False):
            self.pending = None

    def _key_event(self) -> None:
        down, keysym = struct.unpack(">BxxI", self._recv(7))
        self.screen.key(keysym, bool(down))

    def _pointer_event(self) -> None:
        self._recv(5)  # button mask, x, y: a text console has no mouse

    def _cut_text(self) -> None:
        (length,) = struct.unpack(">xxxi", self._recv(7))
        length = abs(length)  # negative: the extended clipboard format
        if length > MAX_CUT_TEXT:
            raise ProtocolError(f"ClientCutText of {length} bytes is too long")
        while length:
            length -= len(self._recv(min(length, 65536)))

    def _xencenter_scancode(self) -> None:
        down, scancode = struct.unpack(">BxxI", self._recv(7))
        self._scancode(scancode, bool(down))

    def _qemu_message(self) -> None:
        subtype = self._recv(1)[0]
        if subtype == 0:  # extended key event
            down, keysym, keycode = struct.unpack(">HII", self._recv(10))
            if keysym:
                self.screen.key(keysym, bool(down))
            else:
                self._scancode(keycode, bool(down))
        elif subtype == 1:  # audio: enable, disable, or set format (u8, u8, u32)
            (operation,) = struct.unpack(">H", self._recv(2))
            if operation == 2:
                self._recv(6)
            elif operation not in (0, 1):
                raise ProtocolError(f"unknown QEMU audio operation {operation}")
        else:
            raise ProtocolError(f"unknown QEMU client message subtype {subtype}")

    def _scancode(self, scancode: int, down: bool) -> None:
        keysym = keysym_of_scancode(scancode, self.shift)
        if keysym in _SHIFT_KEYSYMS:
            self.shift = down
        if keysym is not None:
            self.screen.key(keysym, down)

    # ----------------------------------------------------------------- framebuffer updates

    def _send_update(self, area: Rect, full: bool) -> bool:
        """Send the changed (or, if ``full``, all) pixels of ``area``; False if nothing to send."""
        pseudo: list[bytes] = []
        with self.screen.locked():
            size = self.screen.size
            dirty, version = self.screen.dirty_since(self.seen_version)
            if size != self.client_size and self.desktop_size:
                self.client_size = size
                pseudo.append(struct.pack(">HHHHi", 0, 0, *size, DESKTOP_SIZE))
                area, full = (0, 0, *size), True
            whole = (0, 0, *self.client_size)
            if not full or intersect(area, whole) == whole:
                self.seen_version = version
            wanted = [area] if full else [intersect(rect, area) for rect in dirty]
            rects = [r for r in (intersect(rect, whole) for rect in wanted) if r[2] and r[3]]
            pixels = [self.screen.region(rect) for rect in rects]
        if not (rects or pseudo or full):
            return False
        parts = [struct.pack(">BxH", 0, len(pseudo) + len(rects)), *pseudo]
        for rect, bgrx in zip(rects, pixels, strict=True):
            parts.append(struct.pack(">HHHHi", *rect, self.encoding))
            parts.append(self._encode(rect, bgrx))
        self._send(b"".join(parts))
        return True

    def _encode(self, rect: Rect, bgrx: bytes) -> bytes:
        if self.encoding == ZRLE and self.zrle is not None:
            return self.zrle.encode(bgrx, rect[2], rect[3])
        if self.encoding == TIGHT and self.tight is not None:
            return self.tight.encode(bgrx, rect[2], rect[3])
        if self.encoding == HEXTILE:
            return encode_hextile(bgrx, rect[2], rect[3], self.converter)
        return encode_raw(bgrx, self.converter)
