"""One RFB session on its own thread: handshake, framebuffer updates, input, flow control.

::

    session = RfbSession(sock, listener)        # any connected socket: TCP, unix, TLS tunnel
    session.start()                              # the session's thread runs the protocol
    session.key(0xFF0D, True); session.key(0xFF0D, False)
    session.pause(); session.resume()            # only a shown console asks for updates
    session.close()

The listener's methods are called on the session's thread (a GUI relays them to its own).
Flow control: one update request is outstanding at a time. With `wants_ack`, at most one
decoded update waits for the viewer: the next request goes out as soon as an update is
decoded (so the next frame travels and decodes while the viewer paints), but not while an
earlier one is still unshown; `presented()` says the viewer caught up. A busy viewer thus
slows the server down instead of queueing frames. A paused session asks for nothing and
costs nothing but its socket.

Every session ends with exactly one `closed(error)` call: None after `close()`, else an
RfbError whose text says what happened.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from xapiman.i18n import translate
from xapiman.rfb import encodings as enc
from xapiman.rfb.channel import Channel
from xapiman.rfb.decoders import (
    CursorShape,
    TightDecoder,
    ZrleDecoder,
    decode_copyrect,
    decode_hextile,
    decode_raw,
    read_cursor,
)
from xapiman.rfb.errors import ProtocolError, RfbError, StreamClosed
from xapiman.rfb.framebuffer import Framebuffer, check_size
from xapiman.rfb.handshake import RGB32, PasswordSource, ServerInfo, handshake
from xapiman.rfb.keys import SHIFT_L, keysym_of_char, needs_shift

log = logging.getLogger("xapiman.rfb")

Rect = tuple[int, int, int, int]
MAX_CUT_TEXT = 16 * 1024 * 1024
MAX_SCREENS = 255
RESIZE_CLIENT_REQUEST = 1


class Listener(Protocol):
    """What a session tells its owner (on the session's thread)."""

    def connected(self, info: ServerInfo, fb: Framebuffer) -> None: ...
    def resized(self, width: int, height: int) -> None: ...
    def updated(self, rects: list[Rect]) -> None: ...
    def cursor(self, shape: CursorShape) -> None: ...
    def pointer_mode(self, absolute: bool) -> None: ...
    def bell(self) -> None: ...
    def clipboard(self, text: str) -> None: ...
    def closed(self, error: RfbError | None) -> None: ...


class NullListener:
    """A listener that ignores everything (subclass it and override what you need)."""

    def connected(self, info: ServerInfo, fb: Framebuffer) -> None:
        pass

    def resized(self, width: int, height: int) -> None:
        pass

    def updated(self, rects: list[Rect]) -> None:
        pass

    def cursor(self, shape: CursorShape) -> None:
        pass

    def pointer_mode(self, absolute: bool) -> None:
        pass

    def bell(self) -> None:
        pass

    def clipboard(self, text: str) -> None:
        pass

    def closed(self, error: RfbError | None) -> None:
        pass


@dataclass
class Options:
    """How a session talks.

    Attributes:
        encodings: pixel encodings in order of preference; quality: 0-9 allows lossy JPEG
            (Tight); compress: 0-9 zlib effort asked of the server.
        password: asked when the server wants VNC authentication.
        wants_ack: wait for `presented()` between updates (a viewer); False: ask for the next
            update as soon as one is decoded (a recorder, a benchmark).
        stall_timeout: seconds of silence inside a message that end the session.
        prefix: bytes already read from the stream (e.g. after an HTTP tunnel's header).
    """

    encodings: tuple[int, ...] = enc.DEFAULT_ORDER
    quality: int | None = None
    compress: int | None = None
    password: PasswordSource | None = None
    wants_ack: bool = True
    stall_timeout: float = 30.0
    prefix: bytes = b""
    extra: dict[str, object] = field(default_factory=dict)


class RfbSession:
    """The client side of one RFB connection (see the module's description)."""

    def __init__(self, sock: socket.socket, listener: Listener | None = None,
                 options: Options | None = None, *, name: str = "rfb") -> None:
        self.options = options or Options()
        self.listener: Listener = listener or NullListener()
        self.channel = Channel(sock, prefix=self.options.prefix,
                               stall_timeout=self.options.stall_timeout)
        self.info: ServerInfo | None = None
        self.fb: Framebuffer | None = None
        self.absolute_pointer = True
        self.extended_keys = False
        self.updates = 0
        self.error: RfbError | None = None
        self._zrle = ZrleDecoder()
        self._tight = TightDecoder()
        self._flow = threading.Lock()
        self._want = True
        self._outstanding = False
        self._unshown = 0  # decoded updates the viewer has not shown yet
        self._ready = threading.Event()
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    # -- control (any thread) ---------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """End the session; `closed(None)` follows on the session's thread."""
        self.channel.close()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the session's thread to end; True when it has."""
        return self._ended.wait(timeout)

    @property
    def running(self) -> bool:
        return not self._ended.is_set()

    @property
    def ready(self) -> bool:
        """The handshake is over: input goes to the server from now on."""
        return self._ready.is_set() and self.running

    @property
    def asking(self) -> bool:
        """An update request is out: the server's answer to it is still to come (a paused
        session gets that one answer, then nothing until it resumes)."""
        return self._outstanding

    def pause(self) -> None:
        """Stop asking for updates (the console is hidden)."""
        with self._flow:
            self._want = False

    def resume(self) -> None:
        """Ask for updates again (the console is shown)."""
        with self._flow:
            self._want = True
            self._unshown = 0
            self._request_if_due()

    def presented(self) -> None:
        """The viewer has shown the last update: the next one may come."""
        with self._flow:
            self._unshown = 0
            self._request_if_due()

    def refresh(self) -> None:
        """Ask for the whole screen again (after a viewer lost its copy)."""
        if self.fb is not None and self._ready.is_set():
            self.channel.post(_update_request(False, (0, 0, *self.fb.size)))

    # -- input (any thread) -----------------------------------------------------------------

    def key(self, keysym: int, down: bool, scancode: int = 0) -> None:
        """A key press or release: the X keysym, and the PC scan code (QEMU numbering, 0 when
        unknown) sent as well when the server understands QEMU's extended key events."""
        if self.extended_keys and scancode:
            self._input(struct.pack(">BBHII", 255, 0, int(down), keysym, scancode))
        else:
            self._input(struct.pack(">BBxxI", 4, int(down), keysym))

    def _input(self, message: bytes) -> None:
        """Send an input message; before the handshake is over there is nobody to tell."""
        if self._ready.is_set():
            self.channel.post(message)

    def pointer(self, x: int, y: int, buttons: int) -> None:
        """The pointer at (x, y) of the screen with `buttons` (bit 0 left, 1 middle, 2 right,
        3/4 wheel up/down) held."""
        x = max(0, min(0xFFFF, x))
        y = max(0, min(0xFFFF, y))
        self._input(struct.pack(">BBHH", 5, buttons & 0xFF, x, y))

    def cut_text(self, text: str) -> None:
        """Offer `text` as the clipboard (Latin-1, as RFB carries it)."""
        data = text.encode("latin-1", "replace")[:MAX_CUT_TEXT]
        self._input(struct.pack(">BxxxI", 6, len(data)) + data)

    def type_text(self, text: str) -> int:
        """Type `text` as key presses (Shift held for shifted characters); returns how many
        characters had a key."""
        typed = 0
        for char in text.replace("\r\n", "\n"):
            keysym = keysym_of_char(char)
            if keysym is None:
                continue
            shifted = needs_shift(char)
            if shifted:
                self.key(SHIFT_L, True)
            self.key(keysym, True)
            self.key(keysym, False)
            if shifted:
                self.key(SHIFT_L, False)
            typed += 1
        return typed

    def keys(self, combination: list[tuple[int, int]]) -> None:
        """Press (keysym, scancode) pairs in order, then release them in reverse."""
        for keysym, scancode in combination:
            self.key(keysym, True, scancode)
        for keysym, scancode in reversed(combination):
            self.key(keysym, False, scancode)

    def request_size(self, width: int, height: int) -> None:
        """Ask the server to change its resolution (ExtendedDesktopSize servers only)."""
        check_size(width, height)
        self._input(struct.pack(">BxHHBx", 251, width, height, 1)
                    + struct.pack(">IHHHHI", 0, 0, 0, width, height, 0))

    # -- the session's thread ---------------------------------------------------------------

    def _run(self) -> None:
        error: RfbError | None = None
        try:
            self._start_protocol()
            while True:
                self._message()
        except StreamClosed as exc:
            error = None if self.channel.closed else exc
        except RfbError as exc:
            error = exc
        except (struct.error, ValueError, MemoryError) as exc:
            error = ProtocolError(translate(
                "Console", "the server sent a malformed message ({error})").format(error=exc))
        except Exception as exc:  # a console must end with a message, never silently
            log.exception("console session failed")
            error = RfbError(translate("Console", "the console failed: {error}").format(
                error=exc))
        finally:
            self.error = error
            self.channel.shutdown()
            try:
                self.listener.closed(error)
            except Exception:
                log.exception("a console listener failed")
            self._ended.set()  # after `closed`: whoever joined has heard everything

    def _start_protocol(self) -> None:
        opts = self.options
        info = self.info = handshake(self.channel, opts.password)
        self.fb = Framebuffer(info.width, info.height)
        wanted = enc.encoding_list(opts.encodings, quality=opts.quality, compress=opts.compress)
        self.channel.post(b"\x00\x00\x00\x00" + RGB32.pack())
        self.channel.post(struct.pack(f">BxH{len(wanted)}i", 2, len(wanted), *wanted))
        with self._flow:
            self._outstanding = True
            self.channel.post(_update_request(False, (0, 0, info.width, info.height)))
        self._ready.set()
        self.listener.connected(info, self.fb)

    def _message(self) -> None:
        kind = self.channel.read(1, idle=True)[0]
        if kind == 0:
            self._update()
        elif kind == 1:  # SetColourMapEntries: meaningless in true colour, skipped
            _, count = struct.unpack(">xHH", self.channel.read(5))
            self.channel.read(count * 6)
        elif kind == 2:
            self.listener.bell()
        elif kind == 3:
            (length,) = struct.unpack(">xxxI", self.channel.read(7))
            if length > MAX_CUT_TEXT:
                raise ProtocolError(translate(
                    "Console", "the server sent {n} bytes of clipboard text").format(n=length))
            self.listener.clipboard(self.channel.read(length).decode("latin-1"))
        else:
            raise ProtocolError(translate(
                "Console", "the server sent the unknown message type {kind}").format(kind=kind))

    def _update(self) -> None:
        (count,) = struct.unpack(">xH", self.channel.read(3))
        fb = self.fb
        assert fb is not None
        damage: list[Rect] = []
        index = 0
        unsolicited = count > 0  # QEMU acknowledges extended key events on its own
        while index < count:
            index += 1
            x, y, w, h, encoding = struct.unpack(">HHHHi", self.channel.read(12))
            unsolicited = unsolicited and encoding == enc.QEMU_EXTENDED_KEY_EVENT
            if encoding == enc.LAST_RECT:
                break
            if encoding < 0:
                self._pseudo(encoding, x, y, w, h)
                if encoding in (enc.DESKTOP_SIZE, enc.EXTENDED_DESKTOP_SIZE):
                    damage = [(0, 0, *fb.size)]
                continue
            fb.check(x, y, w, h)
            decoder = self._decoders.get(encoding)
            if decoder is None:
                raise ProtocolError(translate(
                    "Console", "the server sent a rectangle in encoding {n}, which was not "
                    "asked for").format(n=encoding))
            decoder(self, self.channel, fb, x, y, w, h)
            if w and h:
                damage.append((x, y, w, h))
        self.updates += 1
        if unsolicited:
            return
        with self._flow:
            self._outstanding = False
            if self.options.wants_ack and damage:
                self._unshown += 1
        if damage:
            self.listener.updated(damage)
        with self._flow:
            self._request_if_due()

    def _pseudo(self, encoding: int, x: int, y: int, w: int, h: int) -> None:
        fb = self.fb
        assert fb is not None
        if encoding == enc.DESKTOP_SIZE:
            fb.resize(w, h)
            self.listener.resized(w, h)
        elif encoding == enc.EXTENDED_DESKTOP_SIZE:
            screens = self.channel.read(4)[0]
            self.channel.read(16 * screens)
            if x == RESIZE_CLIENT_REQUEST and y != 0:
                log.info("the server refused a resolution change (status %d)", y)
            elif (w, h) != fb.size:
                fb.resize(w, h)
                self.listener.resized(w, h)
        elif encoding == enc.CURSOR:
            self.listener.cursor(read_cursor(self.channel, x, y, w, h))
        elif encoding == enc.POINTER_TYPE_CHANGE:
            self.absolute_pointer = x != 0
            self.listener.pointer_mode(self.absolute_pointer)
        elif encoding == enc.QEMU_EXTENDED_KEY_EVENT:
            self.extended_keys = True
        else:
            raise ProtocolError(translate(
                "Console", "the server sent the pseudo-encoding {n}, which was not asked "
                "for").format(n=encoding))

    def _request_if_due(self) -> None:
        """Send the next incremental request when nothing is outstanding, the viewer wants
        updates and has no more than one decoded update left to show (called with `_flow`
        held)."""
        fb = self.fb
        if fb is None or self._outstanding or not self._want or self._unshown > 1:
            return
        self._outstanding = True
        self.channel.post(_update_request(True, (0, 0, *fb.size)))

    _decoders: dict[int, Callable[..., None]] = {
        enc.RAW: lambda s, *a: decode_raw(*a),
        enc.COPYRECT: lambda s, *a: decode_copyrect(*a),
        enc.HEXTILE: lambda s, *a: decode_hextile(*a),
        enc.ZRLE: lambda s, *a: s._zrle.decode(*a),
        enc.TIGHT: lambda s, *a: s._tight.decode(*a),
    }


def _update_request(incremental: bool, rect: Rect) -> bytes:
    return struct.pack(">BBHHHH", 3, int(incremental), *rect)
