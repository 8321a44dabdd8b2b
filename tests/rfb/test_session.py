"""RfbSession against the simulator's RFB server (QEMU-like 3.8 and vncterm-like 3.3), and
against scripted servers for the messages the simulator does not send."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from tests.rfb.scripted import TIMEOUT, Recorder, greeting_38, play, rect, update
from xapiman.rfb import Options, ProtocolError, RfbSession, capture
from xapiman.rfb import encodings as enc
from xapiman.rfb.keys import CTRL_ALT_DEL
from xapiman.sim.console import ConsoleScreen, serve_rfb

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def screen() -> ConsoleScreen:
    s = ConsoleScreen("vm-under-test", clock=lambda: 0.0)
    s.advance(10)
    return s


class Served:
    """serve_rfb on one end of a socket pair, an RfbSession on the other."""

    def __init__(self, screen: ConsoleScreen, version: str, options: Options) -> None:
        self.stop = threading.Event()
        client, server = socket.socketpair()
        self.server = threading.Thread(target=serve_rfb, args=(server, screen),
                                       kwargs={"version": version, "stop": self.stop})
        self.server.start()
        self.recorder = Recorder()
        self.session = RfbSession(client, self.recorder, options)
        self.session.start()

    def close(self) -> None:
        self.session.close()
        assert self.session.join(TIMEOUT)
        self.stop.set()
        self.server.join(TIMEOUT)


@pytest.fixture
def served(screen) -> Iterator[callable]:
    made: list[Served] = []

    def make(version: str = "3.8", **options) -> Served:
        item = Served(screen, version, Options(wants_ack=False, **options))
        made.append(item)
        return item

    yield make
    for item in made:
        item.close()


def wait_until(predicate, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.mark.parametrize("version", ["3.8", "3.3"])
@pytest.mark.parametrize("encoding", [enc.RAW, enc.HEXTILE, enc.ZRLE, enc.TIGHT])
def test_capture_matches_the_servers_screen(screen, version, encoding) -> None:
    client, server = socket.socketpair()
    thread = threading.Thread(target=serve_rfb, args=(server, screen), kwargs={"version": version})
    thread.start()
    fb = capture(client, options=Options(encodings=(encoding,)))
    assert fb.size == screen.size
    assert fb.bgrx() == screen.framebuffer()
    thread.join(TIMEOUT)


def test_typing_reaches_the_guest_and_updates_come_back(screen, served) -> None:
    item = served("3.8", encodings=(enc.HEXTILE,))
    rec = item.recorder
    assert rec.wait_updates(1)
    item.session.type_text("root\n")
    assert wait_until(lambda: screen.mode == "password")
    assert wait_until(lambda: rec.fb.bgrx() == screen.framebuffer())
    assert "vm-under-test login: root" in screen.text()
    assert item.session.info.version == "3.8" and item.session.info.name == "vm-under-test"


def test_vncterm_style_session_types_too(screen, served) -> None:
    item = served("3.3")
    assert item.recorder.wait_updates(1)
    assert item.session.info.version == "3.3"
    assert item.session.info.name == "XenServer Virtual Terminal"
    item.session.type_text("root\n")
    assert wait_until(lambda: screen.mode == "password")


def test_extended_key_events_after_qemus_ack(screen, served) -> None:
    item = served("3.8")
    assert item.recorder.wait_updates(1)
    assert wait_until(lambda: item.session.extended_keys)
    for char, code in (("r", 0x13), ("o", 0x18), ("o", 0x18), ("t", 0x14)):
        item.session.key(ord(char), True, code)
        item.session.key(ord(char), False, code)
    item.session.key(0xFF0D, True, 0x1C)
    assert wait_until(lambda: screen.mode == "password")
    item.session.keys(CTRL_ALT_DEL)  # accepted: the connection stays up
    item.session.key(0xFF0D, True, 0x1C)
    assert wait_until(lambda: item.session.running and rec_count(item) >= 2)


def rec_count(item) -> int:
    return len(item.recorder.updates)


def test_desktop_resize_is_followed(screen, served) -> None:
    item = served("3.8")
    rec = item.recorder
    assert rec.wait_updates(1)
    screen.resize(800, 608)
    assert wait_until(lambda: rec.resizes == [(800, 608)])
    assert wait_until(lambda: rec.fb.size == (800, 608) and rec.fb.bgrx() == screen.framebuffer())


def test_a_paused_session_asks_for_nothing(screen, served) -> None:
    item = served("3.8")
    rec = item.recorder
    assert rec.wait_updates(1)
    item.session.pause()
    screen.type_text("r")  # answers the request that was outstanding
    assert wait_until(lambda: rec.fb.bgrx() == screen.framebuffer())
    seen = len(rec.updates)
    screen.type_text("oot")
    time.sleep(0.5)
    assert len(rec.updates) == seen
    item.session.resume()
    assert rec.wait_updates(seen + 1)
    assert wait_until(lambda: rec.fb.bgrx() == screen.framebuffer())


def test_flow_control_waits_for_the_viewer(screen) -> None:
    client, server = socket.socketpair()
    stop = threading.Event()
    thread = threading.Thread(target=serve_rfb, args=(server, screen), kwargs={"stop": stop})
    thread.start()
    rec = Recorder()
    session = RfbSession(client, rec, Options(wants_ack=True))
    session.start()
    try:
        assert rec.wait_updates(1)  # the first screen, not shown: one more may come
        screen.type_text("r")
        assert rec.wait_updates(2)
        seen = len(rec.updates)
        screen.type_text("o")  # two updates wait for the viewer: nothing more is asked for
        time.sleep(0.5)
        assert len(rec.updates) == seen
        session.presented()
        assert rec.wait_updates(seen + 1)
        assert wait_until(lambda: rec.fb.bgrx() == screen.framebuffer())
    finally:
        session.close()
        assert session.join(TIMEOUT)
        stop.set()
        thread.join(TIMEOUT)
    assert rec.errors == [None]  # closing by hand is not an error


def test_pseudo_encodings_from_a_scripted_server() -> None:
    cursor_pixels = np.arange(4 * 2, dtype="<u4").tobytes()
    mask = bytes([0b10000000, 0b01000000])
    ext = struct.pack(">B3x", 1) + struct.pack(">IHHHHI", 0, 0, 0, 40, 30, 0)
    data = greeting_38(64, 48) + update(
        rect(0, 1, 0, 0, enc.POINTER_TYPE_CHANGE),
        rect(0, 0, 64, 48, enc.QEMU_EXTENDED_KEY_EVENT),
        rect(1, 1, 4, 2, enc.CURSOR, cursor_pixels + mask),
        rect(0, 0, 40, 30, enc.EXTENDED_DESKTOP_SIZE, ext),
        rect(0, 0, 2, 1, enc.RAW, struct.pack("<II", 0x112233, 0x445566)),
    ) + b"\x02" + struct.pack(">BxxxI", 3, 5) + b"hello"
    session, rec, _ = play(data)
    assert rec.modes == [False] and not session.absolute_pointer
    assert session.extended_keys
    shape = rec.cursors[0]
    assert (shape.width, shape.height, shape.hot_x, shape.hot_y) == (4, 2, 1, 1)
    assert shape.argb[0, 0] == 0xFF000000 and shape.argb[1, 1] == 0xFF000005
    assert shape.argb[0, 1] == 0
    assert rec.resizes == [(40, 30)] and rec.fb.size == (40, 30)
    assert list(rec.fb.snapshot()[0, :2]) == [0x112233, 0x445566]
    assert rec.bells == 1 and rec.texts == ["hello"]


def test_copyrect_and_last_rect() -> None:
    raw = np.arange(16, dtype="<u4").reshape(4, 4)
    data = greeting_38(16, 8) + update(
        rect(0, 0, 4, 4, enc.RAW, raw.tobytes()),
        rect(8, 2, 4, 4, enc.COPYRECT, struct.pack(">HH", 0, 0)),
        rect(2, 0, 4, 4, enc.COPYRECT, struct.pack(">HH", 0, 0)),  # overlapping
        rect(0, 0, 0, 0, enc.LAST_RECT),
    )
    data = data[:12 + 2 + 4 + 24 + len(b"scripted")] + b"\x00\x00\xff\xff" + data[
        12 + 2 + 4 + 24 + len(b"scripted") + 4:]
    _, rec, _ = play(data)
    assert rec.updates and not isinstance(rec.errors[0], ProtocolError), rec.errors
    pixels = rec.fb.snapshot()
    assert (pixels[2:6, 8:12] == raw).all()
    assert (pixels[0:4, 2:6] == raw).all() and (pixels[0:4, 0:2] == raw[:, :2]).all()


@pytest.mark.parametrize(("rectangle", "words"), [
    (rect(60, 0, 8, 8, enc.RAW, bytes(256)), "outside"),
    (rect(0, 0, 4, 4, 99, bytes(64)), "encoding 99"),
    (rect(0, 0, 4, 4, -999), "pseudo-encoding -999"),
    (rect(0, 0, 4, 4, enc.COPYRECT, struct.pack(">HH", 62, 46)), "outside"),
    (rect(0, 0, 2000, 2000, enc.CURSOR), "pointer shape"),
])
def test_bad_rectangles_end_the_session_with_a_sentence(rectangle, words) -> None:
    _, rec, _ = play(greeting_38(64, 48) + update(rectangle))
    assert isinstance(rec.errors[0], ProtocolError)
    assert words in str(rec.errors[0])


def test_unknown_message_and_huge_clipboard() -> None:
    _, rec, _ = play(greeting_38() + b"\x63")
    assert "unknown message type 99" in str(rec.errors[0])
    _, rec, _ = play(greeting_38() + struct.pack(">BxxxI", 3, 1 << 31))
    assert "clipboard" in str(rec.errors[0])


def test_server_stopping_mid_frame_ends_with_a_stall() -> None:
    data = greeting_38(64, 48) + update(rect(0, 0, 64, 48, enc.RAW, bytes(1000)))
    session, rec, _ = play(data, keep_open=True, options=Options(stall_timeout=0.3))
    assert session.join(TIMEOUT)
    assert "in the middle of a message" in str(rec.errors[0])


def test_input_before_the_handshake_is_dropped_not_sent_into_it() -> None:
    client, server = socket.socketpair()
    rec = Recorder()
    session = RfbSession(client, rec, Options(stall_timeout=2.0))
    session.start()
    session.pointer(1, 2, 1)  # the server has not even greeted yet
    session.key(0x61, True)
    server.settimeout(TIMEOUT)
    server.sendall(b"RFB 003.008\n")
    assert server.recv(12) == b"RFB 003.008\n"  # not a pointer event
    server.close()
    assert session.join(TIMEOUT)


def test_tcp_sends_at_once() -> None:
    """Keys must not wait for the acknowledgement of an update request (Nagle's algorithm)."""
    from xapiman.rfb.channel import Channel

    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname()[:2])
    server, _ = listener.accept()
    channel = Channel(client)
    try:
        assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        channel.shutdown()
        server.close()
        listener.close()
