"""Helpers for RFB client tests: a scripted server over a socket pair, a recording listener."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable

from xapiman.rfb import Options, RfbError, RfbSession
from xapiman.rfb.framebuffer import Framebuffer
from xapiman.rfb.handshake import RGB32

TIMEOUT = 10.0
NAME = b"scripted"


def server_init(width: int, height: int, name: bytes = NAME) -> bytes:
    return struct.pack(">HH", width, height) + RGB32.pack() + struct.pack(">I", len(name)) + name


def greeting_38(width: int = 64, height: int = 48) -> bytes:
    """Everything a 3.8 server with security None sends before its first message."""
    return b"RFB 003.008\n" + b"\x01\x01" + b"\0\0\0\0" + server_init(width, height)


def update(*rects: bytes) -> bytes:
    return struct.pack(">BxH", 0, len(rects)) + b"".join(rects)


def rect(x: int, y: int, w: int, h: int, encoding: int, payload: bytes = b"") -> bytes:
    return struct.pack(">HHHHi", x, y, w, h, encoding) + payload


class Recorder:
    """A listener that keeps what it was told and signals the end."""

    def __init__(self) -> None:
        self.info = None
        self.fb: Framebuffer | None = None
        self.resizes: list[tuple[int, int]] = []
        self.updates: list[list[tuple[int, int, int, int]]] = []
        self.cursors: list = []
        self.modes: list[bool] = []
        self.texts: list[str] = []
        self.bells = 0
        self.errors: list[RfbError | None] = []
        self.ended = threading.Event()
        self.changed = threading.Condition()

    def connected(self, info, fb) -> None:
        self.info, self.fb = info, fb

    def resized(self, width: int, height: int) -> None:
        self.resizes.append((width, height))

    def updated(self, rects) -> None:
        with self.changed:
            self.updates.append(rects)
            self.changed.notify_all()

    def cursor(self, shape) -> None:
        self.cursors.append(shape)

    def pointer_mode(self, absolute: bool) -> None:
        self.modes.append(absolute)

    def bell(self) -> None:
        self.bells += 1

    def clipboard(self, text: str) -> None:
        self.texts.append(text)

    def closed(self, error) -> None:
        self.errors.append(error)
        self.ended.set()

    def wait_updates(self, count: int, timeout: float = TIMEOUT) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.updates) >= count, timeout)


def play(data: bytes, *, options: Options | None = None, keep_open: bool = False,
         answer: Callable[[socket.socket], None] | None = None
         ) -> tuple[RfbSession, Recorder, bytes]:
    """Run a session against a server that sends `data`, then closes (or, with `keep_open`,
    stays silent). Returns the session (ended unless `keep_open`), its recorder, and what the
    client sent."""
    client, server = socket.socketpair()
    sent = bytearray()

    def serve() -> None:
        server.settimeout(TIMEOUT)
        try:
            server.sendall(data)
            if answer is not None:
                answer(server)
            if not keep_open:
                server.shutdown(socket.SHUT_WR)
            while True:
                chunk = server.recv(65536)
                if not chunk:
                    break
                sent.extend(chunk)
        except OSError:
            pass
        finally:
            server.close()

    feeder = threading.Thread(target=serve, daemon=True)
    feeder.start()
    recorder = Recorder()
    session = RfbSession(client, recorder, options or Options(stall_timeout=2.0))
    session.start()
    if not keep_open:
        assert session.join(TIMEOUT), "the session did not end"
        feeder.join(TIMEOUT)
    return session, recorder, bytes(sent)
