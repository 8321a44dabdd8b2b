"""Console decoding and display speed: full-screen 1024x768 updates per encoding, and the key
press -> screen update round trip.

Measures, side by side with the targets:
  (a) frames per second decoded (the session alone) and decoded *and shown* (the app's
      ConsoleView painting each update before asking for the next) for Raw, Hextile, ZRLE,
      Tight with zlib and Tight with JPEG;
  (b) the GUI thread's longest stall while frames are decoded and shown (a 2 ms watchdog
      timer: decoding runs on the session's thread and must not hold the GUI thread up);
  (c) a key pressed on the console view -> the guest's screen changes -> the update painted,
      against the simulator's RFB server over loopback TCP.
The frames are a desktop-like picture (smooth gradients, flat windows, text, a noisy photo
block) that moves every frame, encoded beforehand by the simulator's encoders and served over
loopback TCP, one frame per update request, so only the client's work is measured.

Targets: >= 60 fps for Raw, ZRLE and Tight; >= 30 for Hextile; GUI stall < 16 ms; key round
trip < 20 ms.

Run: .venv/bin/python bench/console.py [--frames 90] [--keys 40]
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from xapiman.gui.console.relay import SWITCH_INTERVAL_S  # noqa: E402
from xapiman.rfb import Framebuffer, Options, RfbSession, ServerInfo  # noqa: E402
from xapiman.rfb import encodings as enc  # noqa: E402
from xapiman.rfb.handshake import RGB32  # noqa: E402
from xapiman.rfb.session import NullListener  # noqa: E402
from xapiman.sim.console.compressed import TightEncoder, ZrleEncoder  # noqa: E402
from xapiman.sim.console.encodings import NATIVE, PixelConverter, encode_hextile  # noqa: E402

WIDTH, HEIGHT = 1024, 768
FPS_TARGETS = {"Raw": 60.0, "Hextile": 30.0, "ZRLE": 60.0, "Tight (zlib)": 60.0,
               "Tight (JPEG)": 60.0}
STALL_TARGET_MS = 16.0
KEY_TARGET_MS = 20.0


# -- frames ------------------------------------------------------------------------------


def desktop(step: int) -> np.ndarray:
    """A desktop-like 1024x768 picture (0x00RRGGBB words) that moves with `step`."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    shift = step * 6
    red = ((x + shift) * 255 // WIDTH) & 0xFF
    green = (y * 255 // HEIGHT) & 0xFF
    blue = (128 + ((x - y + shift) >> 3)) & 0xFF
    out = (red << 16 | green << 8 | blue).astype(np.uint32)
    image = Image.frombuffer("RGB", (WIDTH, HEIGHT), out.astype("<u4").tobytes(), "raw",
                             "BGRX", 0, 1).copy()
    draw = ImageDraw.Draw(image)
    left = 60 + (step * 7) % 200
    draw.rectangle((left, 80, left + 560, 520), fill=(240, 240, 240), outline=(40, 40, 40))
    draw.rectangle((left, 80, left + 560, 104), fill=(31, 78, 121))
    for row in range(18):
        draw.text((left + 12, 112 + row * 22),
                  f"{step:04d} line {row:02d}: the quick brown fox jumps over the lazy dog",
                  fill=(20, 20, 20))
    rng = np.random.default_rng(step)
    photo = rng.integers(0, 256, size=(160, 240, 3), dtype=np.uint8)
    image.paste(Image.fromarray(photo, "RGB"), (700, 540 - (step * 5) % 100))
    bgrx = image.tobytes("raw", "BGRX")
    return np.frombuffer(bgrx, "<u4").reshape(HEIGHT, WIDTH) & 0xFFFFFF


def encoded_frames(name: str, count: int) -> list[bytes]:
    """`count` FramebufferUpdate messages of one full-screen rectangle each."""
    converter = PixelConverter(NATIVE)
    distinct = count if name == "ZRLE" else min(count, 8)
    pictures = [desktop(step).astype("<u4").tobytes() for step in range(distinct)]
    payloads: list[bytes] = []
    if name == "Raw":
        payloads = pictures
    elif name == "Hextile":
        payloads = [encode_hextile(p, WIDTH, HEIGHT, converter) for p in pictures]
    elif name == "ZRLE":  # one zlib stream for the whole run, as on a real connection
        zrle = ZrleEncoder(converter)
        payloads = [zrle.encode(p, WIDTH, HEIGHT) for p in pictures]
    else:  # each Tight frame resets the streams it uses, so frames can be sent again
        for picture in pictures:
            encoder = TightEncoder(converter)
            encoder.quality = 6 if "JPEG" in name else None
            payload = encoder.encode(picture, WIDTH, HEIGHT)
            payloads.append(bytes([payload[0] | 0x0F]) + payload[1:])
    number = {"Raw": enc.RAW, "Hextile": enc.HEXTILE, "ZRLE": enc.ZRLE}.get(name, enc.TIGHT)
    head = struct.pack(">BxHHHHHi", 0, 1, 0, 0, WIDTH, HEIGHT, number)
    return [head + payloads[i % len(payloads)] for i in range(count)]


# -- a server that sends one prepared frame per update request -------------------------------


class FrameServer:
    def __init__(self, frames: list[bytes]) -> None:
        self.frames = frames
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        self.listener.close()
        with conn:
            name = b"bench"
            conn.sendall(b"RFB 003.008\n")
            conn.recv(12)
            conn.sendall(b"\x01\x01")
            conn.recv(1)
            conn.sendall(b"\0\0\0\0")
            conn.recv(1)
            conn.sendall(struct.pack(">HH", WIDTH, HEIGHT) + RGB32.pack()
                         + struct.pack(">I", len(name)) + name)
            reader = conn.makefile("rb")
            sent = 0
            try:
                while sent < len(self.frames):
                    kind = reader.read(1)
                    if not kind:
                        return
                    if kind[0] == 0:
                        reader.read(19)
                    elif kind[0] == 2:
                        (count,) = struct.unpack(">xH", reader.read(3))
                        reader.read(4 * count)
                    elif kind[0] == 3:
                        reader.read(9)
                        conn.sendall(self.frames[sent])
                        sent += 1
                    elif kind[0] == 4:
                        reader.read(7)
                    elif kind[0] == 5:
                        reader.read(5)
                    else:
                        return
                reader.read(1)  # wait for the client to leave
            except OSError:
                pass


# -- measurements -------------------------------------------------------------------------


@dataclass
class Run:
    decode_fps: float = 0.0
    shown_fps: float = 0.0
    stall_ms: float = 0.0


class Counter(NullListener):
    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.first = 0.0
        self.done = threading.Event()

    def updated(self, rects) -> None:
        self.count += 1
        if self.count == 1:
            self.first = time.perf_counter()
        if self.count >= self.total:
            self.done.set()

    def closed(self, error) -> None:
        self.done.set()


def decode_only(frames: list[bytes]) -> float:
    server = FrameServer(frames)
    counter = Counter(len(frames))
    session = RfbSession(socket.create_connection(("127.0.0.1", server.port)), counter,
                         Options(wants_ack=False))
    session.start()
    counter.done.wait(120)
    elapsed = time.perf_counter() - counter.first
    session.close()
    session.join(10)
    return (counter.count - 1) / elapsed if elapsed > 0 and counter.count > 1 else 0.0


def decode_and_show(frames: list[bytes], app) -> tuple[float, float]:
    from PyQt6.QtCore import QObject, QTimer, pyqtSignal

    from xapiman.gui.console.view import ConsoleView

    class Relay(QObject):
        connected = pyqtSignal(object, object)
        damaged = pyqtSignal(object)
        ended = pyqtSignal()

    class Listener(NullListener):
        def __init__(self, relay: Relay) -> None:
            self.relay = relay

        def connected(self, info: ServerInfo, fb: Framebuffer) -> None:
            self.relay.connected.emit(info, fb)

        def updated(self, rects) -> None:
            self.relay.damaged.emit(rects)

        def closed(self, error) -> None:
            self.relay.ended.emit()

    server = FrameServer(frames)
    relay = Relay()
    view = ConsoleView()
    view.set_scale_to_fit(False)
    view.resize(WIDTH, HEIGHT)
    view.show()
    session = RfbSession(socket.create_connection(("127.0.0.1", server.port)), Listener(relay),
                         Options(wants_ack=True))
    shown: list[float] = []
    gaps: list[float] = []
    last_tick = [time.perf_counter()]

    def on_connected(_info, fb) -> None:
        view.attach(session, fb)

    def on_damage(rects) -> None:
        view.damage(rects)
        view.repaint()  # paint now (what the event loop does next), then count it shown
        shown.append(time.perf_counter())

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last_tick[0])
        last_tick[0] = now

    relay.connected.connect(on_connected)
    relay.damaged.connect(on_damage)
    relay.ended.connect(app.quit)
    watchdog = QTimer()
    watchdog.timeout.connect(tick)
    watchdog.start(2)
    session.start()
    deadline = time.monotonic() + 120
    while len(shown) < len(frames) and session.running and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.0005)
    watchdog.stop()
    session.close()
    session.join(10)
    view.close()
    view.deleteLater()
    if len(shown) < 2:
        return 0.0, 0.0
    fps = (len(shown) - 1) / (shown[-1] - shown[0])
    stall = max(gaps[5:] or [0.0]) * 1000 - 2  # minus the timer's own period
    return fps, max(0.0, stall)


def key_round_trip(count: int, app) -> list[float]:
    """Key pressed on the view -> the simulated guest echoes it -> the update painted (ms)."""
    from PyQt6.QtCore import QObject, Qt, pyqtSignal
    from PyQt6.QtTest import QTest

    from xapiman.gui.console.view import ConsoleView
    from xapiman.sim.console import ConsoleScreen, serve_rfb

    screen = ConsoleScreen("bench", clock=lambda: 0.0)
    screen.advance(30)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def accept() -> None:
        conn, _ = listener.accept()
        serve_rfb(conn, screen, stop=stop)

    threading.Thread(target=accept, daemon=True).start()

    class Relay(QObject):
        connected = pyqtSignal(object, object)
        damaged = pyqtSignal(object)

    class Listener(NullListener):
        def __init__(self, relay: Relay) -> None:
            self.relay = relay

        def connected(self, info, fb) -> None:
            self.relay.connected.emit(info, fb)

        def updated(self, rects) -> None:
            self.relay.damaged.emit(rects)

    relay = Relay()
    view = ConsoleView()
    view.resize(800, 450)
    view.show()
    session = RfbSession(socket.create_connection(listener.getsockname()[:2]), Listener(relay))
    painted: list[float] = []
    relay.connected.connect(lambda _i, fb: view.attach(session, fb))

    def on_damage(rects) -> None:
        view.damage(rects)
        view.repaint()
        painted.append(time.perf_counter())

    relay.damaged.connect(on_damage)
    session.start()
    wait(app, lambda: len(painted) >= 1)
    wait(app, lambda: False, 0.3)
    times = []
    for index in range(count):  # a letter, then BackSpace: every key changes the screen
        before = len(painted)
        key = Qt.Key.Key_A if index % 2 == 0 else Qt.Key.Key_Backspace
        started = time.perf_counter()
        QTest.keyClick(view, key)
        if not wait(app, lambda b=before: len(painted) > b):
            break
        times.append((painted[before] - started) * 1000)
        wait(app, lambda: False, 0.01)
    session.close()
    session.join(10)
    stop.set()
    view.close()
    return times


def wait(app, predicate: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if predicate():
            return True
        time.sleep(0.0005)
    return predicate()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=90, help="frames per encoding")
    parser.add_argument("--keys", type=int, default=40, help="key presses timed")
    args = parser.parse_args()
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    sys.setswitchinterval(SWITCH_INTERVAL_S)  # as the app does while a console runs
    missed = False
    print(f"console: {WIDTH}x{HEIGHT} full-screen updates, {args.frames} per encoding")
    print(f"{'encoding':<14} {'KiB/frame':>9} {'decoded fps':>11} {'shown fps':>9} "
          f"{'target':>6} {'GUI stall ms':>12}  verdict")
    for name, target in FPS_TARGETS.items():
        frames = encoded_frames(name, args.frames)
        size = statistics.mean(len(f) for f in frames) / 1024
        decoded = decode_only(frames)
        shown, stall = decode_and_show(frames, app)
        ok = shown >= target and stall < STALL_TARGET_MS
        missed |= not ok
        print(f"{name:<14} {size:>9.0f} {decoded:>11.1f} {shown:>9.1f} {target:>6.0f} "
              f"{stall:>12.1f}  {'ok' if ok else 'MISSED'}")
    times = key_round_trip(args.keys, app)
    if times:
        median, worst = statistics.median(times), max(times)
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        ok = p95 < KEY_TARGET_MS
        missed |= not ok
        print(f"key press -> painted update (loopback, simulator): median {median:.1f} ms, "
              f"p95 {p95:.1f} ms, max {worst:.1f} ms over {len(times)} keys; target "
              f"< {KEY_TARGET_MS:.0f} ms  {'ok' if ok else 'MISSED'}")
    else:
        missed = True
        print("key press -> painted update: no update came back  MISSED")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
