"""A byte stream for the RFB client: buffered reads, queued writes, all on one thread.

`Channel` wraps a connected socket (TCP, unix, or TLS such as XAPI's console tunnel). The
session's thread does every read and write: other threads `post()` bytes (keys, pointer
moves), which the session's thread sends while it waits for the server, so a slow or stuck
server never blocks the caller. `close()` from any thread wakes the session's thread, whose
next read raises StreamClosed.

Waiting for the first byte of a message may last forever (an idle screen sends nothing);
inside a message, `stall_timeout` seconds without a byte end the session (Stalled). TCP
sockets send at once (TCP_NODELAY): input messages are small and must not wait.
"""

from __future__ import annotations

import collections
import contextlib
import selectors
import socket
import ssl
import threading
import time

from xapiman.i18n import translate
from xapiman.rfb.errors import Stalled, StreamClosed

READ_CHUNK = 1 << 18
_COMPACT_AT = 1 << 20


class Channel:
    """Reads and writes of one RFB connection (see the module's description)."""

    def __init__(self, sock: socket.socket, *, prefix: bytes = b"",
                 stall_timeout: float = 30.0) -> None:
        self.sock = sock
        self.stall_timeout = stall_timeout
        self.bytes_read = 0
        self._buf = bytearray(prefix)
        self._pos = 0
        self._out: collections.deque[bytes] = collections.deque()
        self._sending = b""
        self._out_lock = threading.Lock()
        self._closed = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        for end in (self._wake_r, self._wake_w):
            end.setblocking(False)
        sock.setblocking(False)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            # a key press must not wait for the acknowledgement of the last update request
            # (Nagle's algorithm against delayed ACKs costs 40 ms a key)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._selector.register(sock, selectors.EVENT_READ)
        self._watching = selectors.EVENT_READ

    # -- any thread -------------------------------------------------------------------------

    def post(self, data: bytes) -> None:
        """Send `data` after what was posted before (from any thread; never blocks)."""
        if self._closed.is_set() or not data:
            return
        with self._out_lock:
            self._out.append(data)
        self._wake()

    def close(self) -> None:
        """End the stream (from any thread): the reading thread gets StreamClosed."""
        if not self._closed.is_set():
            self._closed.set()
            self._wake()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    # -- the session's thread ---------------------------------------------------------------

    def read(self, count: int, *, idle: bool = False) -> bytes:
        """Exactly `count` bytes. `idle`: waiting between messages (no stall limit)."""
        self.ensure(count, idle=idle)
        start = self._pos
        self._pos += count
        return bytes(self._buf[start:self._pos])

    def ensure(self, count: int, *, idle: bool = False) -> tuple[bytearray, int]:
        """Make `count` bytes readable without consuming them: (buffer, offset of the first).

        The caller parses them in place, then calls `skip(count)`.
        """
        while len(self._buf) - self._pos < count:
            self._fill(idle)
            idle = False if len(self._buf) > self._pos else idle
        return self._buf, self._pos

    def skip(self, count: int) -> None:
        self._pos += count

    def flush(self) -> None:
        """Send what is queued, waiting for the socket if needed (the handshake's replies)."""
        while self._pending_output():
            self._pump(time.monotonic() + self.stall_timeout, want_read=False)

    def shutdown(self) -> None:
        """Release the socket and the wake-up pair (the session's thread, at its end)."""
        self._closed.set()
        with contextlib.suppress(OSError, ValueError, KeyError):
            self._selector.close()
        for sock in (self.sock, self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                if sock is self.sock:
                    sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _fill(self, idle: bool) -> None:
        if self._pos > _COMPACT_AT and self._pos * 2 > len(self._buf):
            del self._buf[:self._pos]
            self._pos = 0
        deadline = None if idle else time.monotonic() + self.stall_timeout
        before = len(self._buf)
        while len(self._buf) == before:
            self._pump(deadline, want_read=True)

    def _pump(self, deadline: float | None, *, want_read: bool) -> None:
        """One wait on the socket: send what is queued, read what arrived."""
        if self._closed.is_set():
            raise StreamClosed(translate("Console", "the console connection was closed"))
        if self._pending_output():
            self._send_some()
        if want_read and self._read_available():
            return
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if self._pending_output() else 0)
        if events != self._watching:
            self._selector.modify(self.sock, events)
            self._watching = events
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready = self._selector.select(wait)
        if not ready and deadline is not None and time.monotonic() >= deadline:
            raise Stalled(translate(
                "Console", "the server sent nothing for {s:g} seconds in the middle of a "
                "message").format(s=self.stall_timeout))
        for key, mask in ready:
            if key.fileobj is self._wake_r:
                with contextlib.suppress(BlockingIOError):
                    self._wake_r.recv(4096)
                if self._closed.is_set():
                    raise StreamClosed(translate("Console", "the console connection was closed"))
                continue
            if mask & selectors.EVENT_WRITE:
                self._send_some()
            if mask & selectors.EVENT_READ and want_read:
                self._read_available()

    def _read_available(self) -> bool:
        """Read what the socket holds now; True when something came."""
        got = False
        while True:
            try:
                chunk = self.sock.recv(READ_CHUNK)
            except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return got
            except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as exc:
                raise StreamClosed(translate("Console", "the server reset the console "
                                             "connection")) from exc
            except OSError as exc:
                if self._closed.is_set():
                    raise StreamClosed(translate("Console", "the console connection was "
                                                 "closed")) from exc
                raise StreamClosed(translate("Console", "the console connection failed: "
                                             "{error}").format(error=exc)) from exc
            if not chunk:
                raise StreamClosed(translate("Console", "the server closed the console "
                                             "connection"))
            self._buf += chunk
            self.bytes_read += len(chunk)
            got = True
            if not isinstance(self.sock, ssl.SSLSocket) and len(chunk) < READ_CHUNK:
                return got

    def _pending_output(self) -> bool:
        if self._sending:
            return True
        with self._out_lock:
            return bool(self._out)

    def _send_some(self) -> None:
        if not self._sending:
            with self._out_lock:
                self._sending = b"".join(self._out)
                self._out.clear()
        while self._sending:
            try:
                sent = self.sock.send(self._sending)
            except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return
            except OSError as exc:
                raise StreamClosed(translate("Console", "the console connection failed: "
                                             "{error}").format(error=exc)) from exc
            self._sending = self._sending[sent:]

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")
