"""The simulator's console: ConsoleScreen, serve_rfb over real sockets, and PNG snapshots.

The tests drive the server with ``RfbClient``, a small RFB client written here from RFC 6143
(independent of the server's code), over ``socket.socketpair()``.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
import zlib
from collections.abc import Iterator

import pytest

from xapiman.sim.console import ConsoleScreen, serve_rfb
from xapiman.sim.console.encodings import NATIVE, PixelFormat
from xapiman.sim.tls import make_self_signed, server_context

TIMEOUT = 5.0
NATIVE_PF = bytes.fromhex("2018000100ff00ff00ff100800000000")  # what QEMU announces too
RGB565 = PixelFormat(16, 16, False, True, 31, 63, 31, 11, 5, 0)


# --------------------------------------------------------------------------- a small client


class RfbClient:
    """Just enough of an RFB client to test a server: handshake, updates, input."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        sock.settimeout(TIMEOUT)
        self.bpp = 4
        self.fmt = NATIVE
        self.width = self.height = 0
        self.name = ""
        self.fb = bytearray()
        self.rects: list[tuple[int, int, int, int, int]] = []  # of the last update

    def recv(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise EOFError(f"server closed after {len(data)} of {count} bytes")
            data += chunk
        return data

    def handshake(self, version: str = "3.8", shared: bool = True) -> bytes:
        greeting = self.recv(12)
        self.sock.sendall(f"RFB 003.00{version[-1]}\n".encode())
        if version == "3.3":
            assert struct.unpack(">I", self.recv(4)) == (1,)
        else:
            count = self.recv(1)[0]
            assert list(self.recv(count)) == [1]
            self.sock.sendall(b"\x01")
            if version == "3.8":
                assert struct.unpack(">I", self.recv(4)) == (0,)
        self.sock.sendall(bytes([int(shared)]))
        self.width, self.height = struct.unpack(">HH", self.recv(4))
        self.server_pf = self.recv(16)
        (length,) = struct.unpack(">I", self.recv(4))
        self.name = self.recv(length).decode()
        self.fb = bytearray(self.width * self.height * self.bpp)
        return greeting

    def set_encodings(self, *encodings: int) -> None:
        self.sock.sendall(struct.pack(f">BxH{len(encodings)}i", 2, len(encodings), *encodings))

    def set_pixel_format(self, fmt: PixelFormat) -> None:
        self.sock.sendall(b"\x00\x00\x00\x00" + fmt.pack())
        self.fmt, self.bpp = fmt, fmt.bits_per_pixel // 8
        self.fb = bytearray(self.width * self.height * self.bpp)

    def request(self, incremental: bool, rect: tuple[int, int, int, int] | None = None) -> None:
        x, y, w, h = rect or (0, 0, self.width, self.height)
        self.sock.sendall(struct.pack(">BBHHHH", 3, int(incremental), x, y, w, h))

    def key(self, keysym: int, down: bool = True) -> None:
        self.sock.sendall(struct.pack(">BBxxI", 4, int(down), keysym))

    def type(self, text: str) -> None:
        for char in text:
            keysym = 0xFF0D if char == "\n" else ord(char)
            self.key(keysym, True)
            self.key(keysym, False)

    def read_update(self) -> int:
        """Read one FramebufferUpdate into ``fb``; returns the bytes it took on the wire."""
        kind, count = struct.unpack(">BxH", self.recv(4))
        assert kind == 0, f"expected FramebufferUpdate, got message type {kind}"
        self.rects, size = [], 4
        for _ in range(count):
            x, y, w, h, encoding = struct.unpack(">HHHHi", self.recv(12))
            self.rects.append((x, y, w, h, encoding))
            size += 12 + self._read_rect(x, y, w, h, encoding)
        return size

    def _read_rect(self, x: int, y: int, w: int, h: int, encoding: int) -> int:
        if encoding == 0:
            data = self.recv(w * h * self.bpp)
            self._put(x, y, w, h, data)
            return len(data)
        if encoding == 5:
            return self._read_hextile(x, y, w, h)
        if encoding == -223:
            self.width, self.height = w, h
            self.fb = bytearray(w * h * self.bpp)
            return 0
        if encoding == -258:
            return 0
        raise AssertionError(f"unexpected encoding {encoding}")

    def _put(self, x: int, y: int, w: int, h: int, data: bytes) -> None:
        stride, row = self.width * self.bpp, w * self.bpp
        for line in range(h):
            start = (y + line) * stride + x * self.bpp
            self.fb[start : start + row] = data[line * row : (line + 1) * row]

    def _read_hextile(self, x: int, y: int, w: int, h: int) -> int:
        used, bg, fg, bpp = 0, None, None, self.bpp
        for ty in range(y, y + h, 16):
            for tx in range(x, x + w, 16):
                tw, th = min(16, x + w - tx), min(16, y + h - ty)
                flags = self.recv(1)[0]
                used += 1
                if flags & 1:
                    self._put(tx, ty, tw, th, self.recv(tw * th * bpp))
                    used += tw * th * bpp
                    continue
                if flags & 2:
                    bg = self.recv(bpp)
                    used += bpp
                if flags & 4:
                    fg = self.recv(bpp)
                    used += bpp
                assert bg is not None, "a tile relies on a background never sent"
                self._put(tx, ty, tw, th, bg * (tw * th))
                if flags & 8:
                    count = self.recv(1)[0]
                    used += 1
                    for _ in range(count):
                        colour = fg
                        if flags & 16:
                            colour = self.recv(bpp)
                            used += bpp
                        xy, wh = self.recv(2)
                        used += 2
                        assert colour is not None, "a subrect relies on a foreground never sent"
                        sw, sh = (wh >> 4) + 1, (wh & 15) + 1
                        self._put(tx + (xy >> 4), ty + (xy & 15), sw, sh, colour * (sw * sh))
        return used

    def assert_closed(self) -> None:
        """The server has closed the connection (EOF within the timeout)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                if not self.sock.recv(65536):
                    return
            except ConnectionResetError:
                return
        raise AssertionError("the server did not close the connection")


def expected_pixels(bgrx: bytes, fmt: PixelFormat) -> bytes:
    """The screen's pixels converted to ``fmt`` the plain way, pixel by pixel."""
    out = bytearray()
    order = "big" if fmt.big_endian else "little"
    cache: dict[bytes, bytes] = {}
    for i in range(0, len(bgrx), 4):
        px = bytes(bgrx[i : i + 4])
        if px not in cache:
            b, g, r = px[0], px[1], px[2]
            value = (
                round(r * fmt.red_max / 255) << fmt.red_shift
                | round(g * fmt.green_max / 255) << fmt.green_shift
                | round(b * fmt.blue_max / 255) << fmt.blue_shift
            )
            cache[px] = value.to_bytes(fmt.bits_per_pixel // 8, order)
        out += cache[px]
    return bytes(out)


# --------------------------------------------------------------------------- fixtures


class Server:
    """serve_rfb on one end of a socketpair, in a thread; the test holds the other end."""

    def __init__(self, screen: ConsoleScreen, **kwargs: object) -> None:
        self.stop = threading.Event()
        client_end, server_end = socket.socketpair()
        self.client = RfbClient(client_end)
        self.thread = threading.Thread(
            target=serve_rfb, args=(server_end, screen), kwargs={"stop": self.stop, **kwargs}
        )
        self.thread.start()

    def ended(self) -> bool:
        self.thread.join(TIMEOUT)
        return not self.thread.is_alive()

    def close(self) -> None:
        self.stop.set()
        self.client.sock.close()
        assert self.ended(), "serve_rfb did not return"


@pytest.fixture
def screen() -> ConsoleScreen:
    """A booted VM console at the login prompt, on a clock that only moves when told."""
    console = ConsoleScreen("Web Server 01", clock=lambda: 0.0)
    console.advance(10)
    assert console.mode == "login"
    return console


@pytest.fixture
def small_screen() -> ConsoleScreen:
    console = ConsoleScreen("tiny", 180, 96, boot_lines=["hello"], clock=lambda: 0.0)
    console.advance(10)
    return console


@pytest.fixture
def serve() -> Iterator[object]:
    servers: list[Server] = []

    def start(screen: ConsoleScreen, **kwargs: object) -> Server:
        server = Server(screen, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def connect(serve, screen: ConsoleScreen, **kwargs: object) -> RfbClient:
    client = serve(screen).client
    client.handshake(**kwargs)
    return client


def read_until(client: RfbClient, predicate, limit: int = 20) -> int:
    """Request incremental updates until ``predicate()`` holds; returns the bytes received."""
    received = 0
    for _ in range(limit):
        if predicate():
            return received
        client.request(incremental=True)
        received += client.read_update()
    assert predicate(), "the updates never showed the expected screen"
    return received


# --------------------------------------------------------------------------- the screen


def test_screen_boots_then_prompts_for_login() -> None:
    now = [0.0]
    console = ConsoleScreen("Web Server 01", clock=lambda: now[0], boot_seconds=3.0)
    assert console.mode == "boot" and console.text()[0] == ""
    now[0] = 1.0
    assert "Linux version" in console.text()[0]
    assert console.mode == "boot"
    now[0] = 3.0
    assert console.mode == "login"
    text = console.text()
    assert "Debian GNU/Linux 12 web-server-01 tty1" in text
    assert text[-1] == "" and "web-server-01 login:" in [line for line in text if line][-1]


def test_screen_login_password_shell_and_logout(screen: ConsoleScreen) -> None:
    screen.type_text("roox")
    screen.key(0xFF08, True)  # BackSpace
    screen.type_text("t\nsecret\n")
    text = [line for line in screen.text() if line]
    assert text[-4:] == [
        "web-server-01 login: root",
        "Password:",
        "Last login: on tty1",
        "root@web-server-01:~$",
    ]
    assert "secret" not in "".join(screen.text())
    screen.type_text("hostname\nfrobnicate\n")
    text = [line for line in screen.text() if line]
    assert text[-5:-1] == [
        "root@web-server-01:~$ hostname",
        "web-server-01",
        "root@web-server-01:~$ frobnicate",
        "-bash: frobnicate: command not found",
    ]
    assert screen.mode == "shell"
    screen.type_text("exit\n")
    assert screen.mode == "login"
    assert [line for line in screen.text() if line][-1] == "web-server-01 login:"


def test_host_console_shows_a_status_banner() -> None:
    console = ConsoleScreen("xcp-host-1", kind="host", clock=lambda: 0.0)
    console.advance(5)
    text = console.text()
    assert text[0].startswith("XCP-ng")
    assert any("xapi running" in line for line in text)
    assert console.mode == "login"


def test_screen_dirty_rectangles_cover_only_changed_cells(screen: ConsoleScreen) -> None:
    before = screen.framebuffer()
    version = screen.version
    screen.key(ord("x"), True)
    rects, new_version = screen.dirty_since(version)
    assert new_version > version
    assert len(rects) == 1 and rects[0][3] == 16 and rects[0][2] <= 2 * 9  # the cell + cursor
    after = screen.framebuffer()
    x, y, w, h = rects[0]
    stride = screen.size[0] * 4
    changed_rows = {
        i // stride for i in range(0, len(after), 4) if after[i : i + 4] != before[i : i + 4]
    }
    assert changed_rows and min(changed_rows) >= y and max(changed_rows) < y + h
    assert screen.dirty_since(new_version) == ([], new_version)
    assert screen.dirty_since(-1)[0] == [(0, 0, 720, 400)]


def test_screen_framebuffer_layout_is_bgrx_light_grey_on_black(screen: ConsoleScreen) -> None:
    pixels = screen.framebuffer()
    assert len(pixels) == 720 * 400 * 4
    colours = {pixels[i : i + 4] for i in range(0, len(pixels), 4)}
    assert colours == {b"\x00\x00\x00\x00", b"\xaa\xaa\xaa\x00"}


def test_screen_control_keys_and_scrolling(screen: ConsoleScreen) -> None:
    screen.type_text("root\nx\n")
    screen.type_text("half a command")
    screen.key(0xFFE3, True)  # Control_L
    screen.key(ord("c"), True)
    screen.key(0xFFE3, False)
    assert [line for line in screen.text() if line][-2:] == [
        "root@web-server-01:~$ half a command^C",
        "root@web-server-01:~$",
    ]
    for number in range(30):  # more lines than the screen has: it scrolls
        screen.type_text(f"echo line {number}\n")
    text = screen.text()
    assert len(text) == 25 and text[-2] == "line 29" and "line 0" not in text
    assert text[-1] == "root@web-server-01:~$"


def test_wait_for_change_wakes_up_on_a_key(screen: ConsoleScreen) -> None:
    version = screen.version
    assert screen.wait_for_change(version, 0.1) is False
    timer = threading.Timer(0.1, screen.type_text, args=("z",))
    timer.start()
    try:
        assert screen.wait_for_change(version, TIMEOUT) is True
    finally:
        timer.join()
    assert screen.version > version


def test_screen_rejects_an_impossible_size(screen: ConsoleScreen) -> None:
    with pytest.raises(ValueError):
        screen.resize(0, 400)
    assert screen.size == (720, 400)


# --------------------------------------------------------------------------- handshakes


@pytest.mark.parametrize("version", ["3.3", "3.7", "3.8"])
def test_qemu_mode_handshake_with_each_client_version(serve, screen, version: str) -> None:
    client = serve(screen).client
    assert client.handshake(version) == b"RFB 003.008\n"
    assert (client.width, client.height) == (720, 400)
    assert client.server_pf == NATIVE_PF
    assert client.name == "Web Server 01"
    client.request(incremental=False)
    client.read_update()
    assert bytes(client.fb) == screen.framebuffer()


def test_vncterm_mode_speaks_3_3(serve, screen) -> None:
    client = serve(screen, version="3.3").client
    assert client.handshake("3.3") == b"RFB 003.003\n"
    assert client.name == "XenServer Virtual Terminal"
    assert client.server_pf == NATIVE_PF


def test_vncterm_mode_rejects_a_3_8_client(serve, screen) -> None:
    server = serve(screen, version="3.3")
    assert server.client.recv(12) == b"RFB 003.003\n"
    server.client.sock.sendall(b"RFB 003.008\n")
    server.client.assert_closed()
    assert server.ended()


def test_choosing_an_unoffered_security_type_gets_a_reason(serve, screen) -> None:
    server = serve(screen)
    client = server.client
    client.recv(12)
    client.sock.sendall(b"RFB 003.008\n")
    assert client.recv(2) == b"\x01\x01"
    client.sock.sendall(b"\x02")  # VNC authentication: not offered
    status, length = struct.unpack(">II", client.recv(8))
    assert status == 1 and b"None" in client.recv(length)
    client.assert_closed()
    assert server.ended()


# --------------------------------------------------------------------------- updates and keys


def test_full_update_in_raw_is_exactly_the_screen(serve, screen) -> None:
    client = connect(serve, screen)
    client.set_encodings(0)
    client.request(incremental=False)
    size = client.read_update()
    assert client.rects == [(0, 0, 720, 400, 0)]
    assert size == 4 + 12 + 720 * 400 * 4
    assert bytes(client.fb) == screen.framebuffer()


def test_typing_root_return_moves_to_the_password_prompt(serve, screen) -> None:
    client = connect(serve, screen)
    client.request(incremental=False)
    client.read_update()
    before = bytes(client.fb)
    client.type("root\n")
    received = read_until(
        client, lambda: screen.mode == "password" and bytes(client.fb) == screen.framebuffer()
    )
    assert [line for line in screen.text() if line][-1] == "Password:"
    assert bytes(client.fb) != before
    assert 0 < received < 720 * 400 * 4 // 4  # only the changed text rows travelled


def test_incremental_request_is_held_until_the_screen_changes(serve, screen) -> None:
    client = connect(serve, screen)
    client.request(incremental=False)
    client.read_update()
    client.request(incremental=True)
    client.sock.settimeout(0.4)
    with pytest.raises(TimeoutError):
        client.sock.recv(1)
    client.sock.settimeout(TIMEOUT)
    screen.type_text("a")  # someone else types (e.g. another viewer)
    client.read_update()
    assert all(rect[3] == 16 for rect in client.rects)
    assert bytes(client.fb) == screen.framebuffer()


def test_qemu_extended_key_event_is_acknowledged_and_works(serve, screen) -> None:
    client = connect(serve, screen)
    client.set_encodings(0, -258)
    client.read_update()
    assert client.rects == [(0, 0, 720, 400, -258)]  # as QEMU 7.2 sends it (probed)
    # u8 255, u8 0, u16 down, u32 keysym, u32 keycode
    client.sock.sendall(struct.pack(">BBHII", 255, 0, 1, ord("q"), 0x10))
    client.sock.sendall(struct.pack(">BBHII", 255, 0, 0, ord("q"), 0x10))
    client.sock.sendall(struct.pack(">BBHII", 255, 0, 1, 0, 0x11))  # keysym 0: use the keycode
    client.sock.sendall(struct.pack(">BBHBBI", 255, 1, 2, 0, 2, 44100))  # audio: set format
    client.request(incremental=False)
    client.read_update()
    assert "web-server-01 login: qw" in screen.text()


def test_xencenter_scancode_message_types_keys(serve, screen) -> None:
    client = connect(serve, screen, version="3.3")
    for scancode, down in [(0x2A, 1), (0x13, 1), (0x13, 0), (0x2A, 0), (0x18, 1), (0x18, 0)]:
        client.sock.sendall(struct.pack(">BBxxI", 254, down, scancode))
    client.sock.sendall(struct.pack(">BBxxI", 254, 1, 0x1C))  # Return
    client.request(incremental=False)
    client.read_update()
    assert "web-server-01 login: Ro" in screen.text()
    assert screen.mode == "password"


def test_desktop_size_is_sent_after_a_resize(serve, screen) -> None:
    client = connect(serve, screen)
    client.set_encodings(0, -223)
    client.request(incremental=False)
    client.read_update()
    screen.resize(640, 480)
    client.request(incremental=True)
    client.read_update()
    assert client.rects[0] == (0, 0, 640, 480, -223)
    assert (client.width, client.height) == (640, 480)
    assert bytes(client.fb) == screen.framebuffer()


def test_a_client_without_desktop_size_gets_updates_clipped_to_its_size(serve, screen) -> None:
    client = connect(serve, screen)
    client.set_encodings(0)
    screen.resize(360, 200)
    client.request(incremental=True)
    client.read_update()
    assert all(x + w <= 720 and y + h <= 400 and enc == 0 for x, y, w, h, enc in client.rects)
    assert client.rects == [(0, 0, 360, 200, 0)]


@pytest.mark.parametrize("fmt", [NATIVE, RGB565], ids=["32bpp", "16bpp"])
def test_hextile_decodes_to_the_same_pixels_as_raw(serve, screen, fmt: PixelFormat) -> None:
    screen.type_text("root\nx\nuname -a\n")
    client = connect(serve, screen)
    client.set_pixel_format(fmt)
    client.set_encodings(5, 0)  # Hextile listed first wins
    client.request(incremental=False)
    size = client.read_update()
    assert client.rects == [(0, 0, 720, 400, 5)]
    assert bytes(client.fb) == expected_pixels(screen.framebuffer(), fmt)
    assert size < 720 * 400 * client.bpp // 8  # solid and two-colour tiles are small
    client.type("ls\n")
    read_until(
        client,
        lambda: (
            "-bash: ls: command not found" in screen.text()
            and bytes(client.fb) == expected_pixels(screen.framebuffer(), fmt)
        ),
    )


def test_hextile_with_partial_edge_tiles(serve, small_screen) -> None:
    small_screen.type_text("root\nx\nabc\n")
    client = connect(serve, small_screen)
    client.set_encodings(5)
    client.request(incremental=False)
    client.read_update()
    assert client.rects == [(0, 0, 180, 96, 5)]  # 180 = 11 tiles + 4 pixels
    assert bytes(client.fb) == small_screen.framebuffer()
    client.request(incremental=False, rect=(5, 7, 37, 21))
    client.read_update()
    assert client.rects == [(5, 7, 37, 21, 5)]
    assert bytes(client.fb) == small_screen.framebuffer()


def test_raw_listed_before_hextile_wins(serve, small_screen) -> None:
    client = connect(serve, small_screen)
    client.set_encodings(0, 5, -223)
    client.request(incremental=False)
    client.read_update()
    assert client.rects == [(0, 0, 180, 96, 0)]


@pytest.mark.parametrize(
    "fmt",
    [
        RGB565,
        PixelFormat(16, 15, True, True, 31, 31, 31, 10, 5, 0),  # big-endian RGB555
        PixelFormat(32, 24, True, True, 255, 255, 255, 16, 8, 0),  # byte-swapped 32bpp
        PixelFormat(32, 24, False, True, 255, 255, 255, 0, 8, 16),  # BGR order
        PixelFormat(8, 8, False, True, 7, 7, 3, 0, 3, 6),  # BGR233
    ],
    ids=["rgb565", "rgb555-be", "32bpp-be", "32bpp-bgr", "bgr233"],
)
def test_set_pixel_format_converts_raw_updates(serve, small_screen, fmt: PixelFormat) -> None:
    client = connect(serve, small_screen)
    client.set_pixel_format(fmt)
    client.request(incremental=False)
    client.read_update()
    assert bytes(client.fb) == expected_pixels(small_screen.framebuffer(), fmt)
    if fmt.bits_per_pixel == 32 and fmt.big_endian:
        native = small_screen.framebuffer()
        swapped = b"".join(native[i : i + 4][::-1] for i in range(0, len(native), 4))
        assert bytes(client.fb) == swapped


def test_clipboard_and_pointer_messages_are_accepted(serve, small_screen) -> None:
    client = connect(serve, small_screen)
    text = b"pasted text"
    client.sock.sendall(struct.pack(">BxxxI", 6, len(text)) + text)
    client.sock.sendall(struct.pack(">BBHH", 5, 1, 10, 10))
    client.request(incremental=False)
    client.read_update()
    assert bytes(client.fb) == small_screen.framebuffer()


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "junk",
    [
        b"\x63garbage",  # unknown message type 99
        b"\x03\x01\x00",  # FramebufferUpdateRequest cut short, then EOF
        struct.pack(">BxxxI", 6, 512 * 1024 * 1024),  # ClientCutText of 512 MiB
        b"\x00\x00\x00\x00" + PixelFormat(32, 24, False, False, 0, 0, 0, 0, 0, 0).pack(),
        b"\xff\x07",  # unknown QEMU subtype
    ],
    ids=["unknown-type", "truncated", "huge-cut-text", "colour-map", "qemu-subtype"],
)
def test_a_bad_client_ends_only_its_own_connection(serve, screen, junk: bytes) -> None:
    good = connect(serve, screen)
    good.request(incremental=False)
    good.read_update()
    text_before = screen.text()
    bad_server = serve(screen)
    bad_server.client.handshake()
    bad_server.client.sock.sendall(junk)
    if junk.startswith(b"\x03"):
        bad_server.client.sock.shutdown(socket.SHUT_WR)
    bad_server.client.assert_closed()
    assert bad_server.ended()
    assert screen.text() == text_before
    good.type("ok")
    read_until(
        good,
        lambda: (
            "web-server-01 login: ok" in screen.text() and bytes(good.fb) == screen.framebuffer()
        ),
    )


def test_a_client_vanishing_mid_handshake_ends_its_thread(serve, screen) -> None:
    server = serve(screen)
    server.client.recv(12)
    server.client.sock.sendall(b"RFB 00")
    server.client.sock.close()
    assert server.ended()
    assert screen.viewer_count == 0


def test_two_clients_see_each_others_keystrokes(serve, screen) -> None:
    alice, bob = connect(serve, screen), connect(serve, screen)
    for client in (alice, bob):
        client.request(incremental=False)
        client.read_update()
    assert screen.viewer_count == 2
    alice.type("ro")
    read_until(bob, lambda: "web-server-01 login: ro" in screen.text())
    bob.type("ot")
    for client in (alice, bob):
        read_until(
            client,
            lambda c=client: (
                "web-server-01 login: root" in screen.text() and bytes(c.fb) == screen.framebuffer()
            ),
        )


def test_a_non_shared_client_disconnects_the_others(serve, screen) -> None:
    first = serve(screen)
    first.client.handshake(shared=True)
    connect(serve, screen, shared=False)
    first.client.assert_closed()
    assert first.ended()
    assert screen.viewer_count == 1


def test_stop_ends_the_server(serve, screen) -> None:
    server = serve(screen)
    server.client.handshake()
    server.client.request(incremental=True)
    server.client.read_update()
    server.stop.set()
    assert server.ended()
    server.client.assert_closed()


def tls_pair(tmp_path) -> tuple[socket.socket, socket.socket]:
    """(client, server) ends of a loopback TLS connection, as the HTTPS console tunnel has."""
    pem = make_self_signed("console-test", tmp_path)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(TIMEOUT)
    accepted: list[socket.socket] = []

    def accept() -> None:
        conn, _ = listener.accept()
        accepted.append(server_context(pem).wrap_socket(conn, server_side=True))

    thread = threading.Thread(target=accept)
    thread.start()
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    raw = socket.create_connection(listener.getsockname()[:2], timeout=TIMEOUT)
    client = context.wrap_socket(raw, server_hostname="localhost")
    thread.join(TIMEOUT)
    listener.close()
    return client, accepted[0]


def test_messages_batched_in_one_tls_record_are_all_handled(tmp_path, screen) -> None:
    client_sock, server_sock = tls_pair(tmp_path)
    thread = threading.Thread(target=serve_rfb, args=(server_sock, screen))
    thread.start()
    try:
        client = RfbClient(client_sock)
        client.handshake()
        keys = b"".join(struct.pack(">BBxxI", 4, down, ord(c)) for c in "root" for down in (1, 0))
        request = struct.pack(">BBHHHH", 3, 0, 0, 0, 720, 400)
        client_sock.sendall(keys + request)  # one write: one TLS record, decrypted at once
        client.read_update()
        assert "web-server-01 login: root" in screen.text()
        assert bytes(client.fb) == screen.framebuffer()
    finally:
        client_sock.close()
        thread.join(TIMEOUT)
    assert not thread.is_alive()


# --------------------------------------------------------------------------- PNG snapshots


def read_png(data: bytes) -> tuple[int, int, bytes]:
    """Decode an 8-bit RGB PNG with filter 0 (what png.py writes); checks every CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC on {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    assert (depth, colour, compression, filtering, interlace) == (8, 2, 0, 0, 0)
    raw = zlib.decompress(chunks[1][1])
    stride = width * 3 + 1
    assert len(raw) == stride * height
    assert all(raw[y * stride] == 0 for y in range(height))
    return width, height, b"".join(raw[y * stride + 1 : (y + 1) * stride] for y in range(height))


def test_png_snapshot_holds_the_screen(screen: ConsoleScreen) -> None:
    screen.type_text("root")
    width, height, rgb = read_png(screen.to_png())
    assert (width, height) == (720, 400)
    bgrx = screen.framebuffer()
    assert rgb[0::3] == bgrx[2::4] and rgb[1::3] == bgrx[1::4] and rgb[2::3] == bgrx[0::4]
    assert set(rgb) == {0x00, 0xAA}
