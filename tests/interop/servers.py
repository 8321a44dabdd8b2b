"""Real VNC servers for the interop tests, started on this machine (loopback and unix sockets):
QEMU (as XAPI runs it for HVM guests), TigerVNC's Xtigervnc, and x11vnc standing in for
vncterm (RFB 3.3). Each gives its own capture of its screen to compare with what the client
decoded. The Debian packages come from scripts/debian-packages.txt (./dev setup)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from xapiman.rfb import Framebuffer, Options, RfbSession
from xapiman.rfb.session import NullListener

START_TIMEOUT = 20.0
REPO = Path(__file__).resolve().parents[2]


def need(binary: str, package: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed (Debian package {package}; run ./dev setup)")
    return path


def wait_for(predicate: Callable[[], object], what: str, timeout: float = START_TIMEOUT,
             process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.poll() is not None:
            said = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            pytest.fail(f"{what}: the server exited with status {process.returncode} {said}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:g} s")
        time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def stopped_on_failure(process: subprocess.Popen) -> Iterator[None]:
    """A server that does not come up is stopped: nothing else holds it to stop it later."""
    try:
        yield
    except BaseException:
        stop(process)
        raise


def unix(path: str | Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(path))
    return sock


def tcp(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def words(rgb: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 R, G, B as 0x00RRGGBB words."""
    rgb = rgb.astype(np.uint32)
    return rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]


def read_ppm(path: Path) -> np.ndarray:
    data = path.read_bytes()
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert match, "not a binary PPM"
    width, height = int(match[1]), int(match[2])
    pixels = np.frombuffer(data, np.uint8, count=width * height * 3, offset=match.end())
    return words(pixels.reshape(height, width, 3))


def read_xwd(data: bytes) -> np.ndarray:
    """The pixels of an `xwd -root` dump (ZPixmap, 32 bits a pixel, true colour)."""
    header = np.frombuffer(data, ">u4", count=25)
    size, width, height = int(header[0]), int(header[4]), int(header[5])
    byte_order, bits, stride, ncolours = (int(header[7]), int(header[11]), int(header[12]),
                                          int(header[19]))
    assert bits == 32, f"{bits} bits per pixel"
    offset = size + 12 * ncolours
    dtype = ">u4" if byte_order else "<u4"
    pixels = np.frombuffer(data, dtype, count=stride // 4 * height, offset=offset)
    return pixels.reshape(height, stride // 4)[:, :width].astype(np.uint32) & 0xFFFFFF


class Viewer(NullListener):
    """A session kept open for a test, with what it was told."""

    def __init__(self, sock: socket.socket, **options) -> None:
        self.resizes: list[tuple[int, int]] = []
        self.ended: list = []
        self.session = RfbSession(sock, self, Options(wants_ack=False, **options))
        self.session.start()

    def resized(self, width: int, height: int) -> None:
        self.resizes.append((width, height))

    def closed(self, error) -> None:
        self.ended.append(error)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        wait_for(lambda: self.session.ready, "the RFB handshake", timeout)

    def park_pointer(self, x: int, y: int) -> None:
        """Move the pointer to (x, y) from this viewer: TigerVNC draws the pointer into the
        screen for viewers that did not move it last (an `xwd` capture never shows it)."""
        self.wait_ready()
        self.session.pointer(x - 1, y - 1, 0)
        self.session.pointer(x, y, 0)

    @property
    def fb(self) -> Framebuffer | None:
        return self.session.fb

    def shows(self, expected: np.ndarray) -> bool:
        fb = self.fb
        return fb is not None and fb.size == (expected.shape[1], expected.shape[0]) and \
            bool((fb.snapshot() == expected).all())

    def close(self) -> None:
        self.session.close()
        self.session.join(10)


# -- QEMU ----------------------------------------------------------------------------------


class Qemu:
    """A diskless QEMU with its VNC server on a unix socket (as xenopsd starts it), QMP for
    screendump, and its input events traced to a log."""

    def __init__(self, folder: Path) -> None:
        binary = need("qemu-system-x86_64", "qemu-system-x86")
        self.folder = folder
        self.vnc = folder / "vnc.sock"
        self.qmp_path = folder / "qmp.sock"
        self.log = folder / "trace.log"
        command = [binary, "-machine", "pc,accel=tcg", "-m", "32", "-nodefaults", "-vga", "std",
                   "-display", "none", "-vnc", f"unix:{self.vnc}",
                   "-qmp", f"unix:{self.qmp_path},server=on,wait=off", "-D", str(self.log)]
        for event in ("input_event_key_qcode", "input_event_btn", "input_event_rel",
                      "input_event_abs"):
            command += ["-trace", f"enable={event}"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with stopped_on_failure(self.process):
            wait_for(lambda: self.vnc.exists() and self.qmp_path.exists(), "QEMU's sockets",
                     process=self.process)
            self._qmp = unix(self.qmp_path)
            self._qmp.settimeout(10)
            self._qmp_file = self._qmp.makefile("rwb")
            self._qmp_file.readline()
            self.command("qmp_capabilities")

    def command(self, name: str, **arguments) -> dict:
        self._qmp_file.write(json.dumps({"execute": name, "arguments": arguments}).encode()
                             + b"\n")
        self._qmp_file.flush()
        while True:
            answer = json.loads(self._qmp_file.readline())
            if "return" in answer or "error" in answer:
                assert "error" not in answer, answer
                return answer["return"]

    def screendump(self) -> np.ndarray:
        path = self.folder / "screen.ppm"
        self.command("screendump", filename=str(path))
        return read_ppm(path)

    def booted(self) -> None:
        """Wait until SeaBIOS shows its text screen (720x400)."""
        wait_for(lambda: self.screendump().shape == (400, 720), "SeaBIOS's text screen",
                 process=self.process)

    def trace(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def close(self) -> None:
        self._qmp_file.close()
        self._qmp.close()
        stop(self.process)


# -- TigerVNC --------------------------------------------------------------------------------


class TigerVnc:
    """Xtigervnc on a unix socket, with the picture client of xclient.py on its display."""

    def __init__(self, folder: Path, width: int = 800, height: int = 600,
                 security: tuple[str, ...] = ("-SecurityTypes", "None")) -> None:
        binary = need("Xtigervnc", "tigervnc-standalone-server")
        self.xwd = need("xwd", "x11-apps")
        self.socket = folder / f"xt-{width}x{height}.sock"
        # The server takes a free display number itself and writes it to a pipe once it
        # accepts clients (-displayfd): a number picked here could be taken by another X
        # server starting at the same time (parallel tests), which this one would then greet.
        ready, ready_w = os.pipe()
        command = [binary, "-displayfd", str(ready_w), "-geometry", f"{width}x{height}",
                   "-depth", "24", "-rfbunixpath", str(self.socket), "-rfbport", "-1",
                   "-AlwaysShared", "-AcceptSetDesktopSize", "-nolisten", "tcp", *security]
        self.log = folder / f"xtigervnc-{width}x{height}.log"
        try:
            with self.log.open("w") as log:
                self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                                stderr=log, pass_fds=(ready_w,))
        finally:
            os.close(ready_w)
        self.client: subprocess.Popen | None = None
        self.lines: list[str] = []
        with stopped_on_failure(self.process):
            try:
                self.display = f":{_read_line(ready, self.process, self.log)}"
            finally:
                os.close(ready)
            wait_for(self._answers, "Xtigervnc accepting X clients", process=self.process,
                     log=self.log)

    def _answers(self) -> bool:
        return subprocess.run([self.xwd, "-root", "-silent", "-display", self.display],
                              capture_output=True, timeout=30).returncode == 0

    def start_client(self, width: int, height: int) -> None:
        env = {**os.environ, "DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb"}
        self.client = subprocess.Popen(
            [sys.executable, "-m", "tests.interop.xclient", str(width), str(height)],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        assert self.client.stdout is not None
        line = self.client.stdout.readline()
        assert line.strip() == "ready", f"the X client said {line!r}"
        os.set_blocking(self.client.stdout.fileno(), False)

    def client_said(self) -> list[str]:
        if self.client is not None and self.client.stdout is not None:
            while True:
                line = self.client.stdout.readline()
                if not line:
                    break
                self.lines.append(line.strip())
        return self.lines

    def capture(self) -> np.ndarray:
        data = subprocess.run([self.xwd, "-root", "-silent", "-display", self.display],
                              capture_output=True, check=True, timeout=30).stdout
        return read_xwd(data)

    def close(self) -> None:
        if self.client is not None:
            stop(self.client)
            if self.client.stdout is not None:
                self.client.stdout.close()
        stop(self.process)


def _read_line(fd: int, process: subprocess.Popen, log: Path) -> str:
    """The line a starting server writes to the pipe `fd` (its display number)."""
    data = b""
    deadline = time.monotonic() + START_TIMEOUT
    while not data.endswith(b"\n"):
        if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            pytest.fail(f"Xtigervnc gave no display number within {START_TIMEOUT:g} s")
        chunk = os.read(fd, 64)
        if not chunk:
            said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"Xtigervnc exited with status {process.wait(5)} {said}")
        data += chunk
    return data.decode().strip()


# -- x11vnc ----------------------------------------------------------------------------------


class X11vncRaw:
    """x11vnc serving a file of pixels (-rawfb) and greeting like vncterm (RFB 3.3); input
    events go to a log through -pipeinput."""

    def __init__(self, folder: Path, width: int = 320, height: int = 200) -> None:
        binary = need("x11vnc", "x11vnc")
        self.width, self.height = width, height
        self.file = folder / "fb.raw"
        self.events = folder / "events.log"
        self.output = folder / "x11vnc.out"
        self.write(pattern(width, height, 0))
        command = [binary, "-rawfb", f"map:{self.file}@{width}x{height}x32",
                   # loopback by address: -localhost looks the name up for IPv6 too and
                   # probes for ports there in vain, which took 5 s before each start
                   "-rfbversion", "3.3", "-listen", "127.0.0.1", "-noipv6", "-nopw",
                   "-forever", "-shared",
                   "-pipeinput", f"cat >> {self.events}", "-noxdamage", "-wait", "5",
                   "-defer", "5"]
        with self.output.open("w") as out:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=subprocess.STDOUT)
        with stopped_on_failure(self.process):
            wait_for(lambda: re.search(r"PORT=(\d+)", self.output.read_text()),
                     "x11vnc's port", process=self.process)
        self.port = int(re.search(r"PORT=(\d+)", self.output.read_text())[1])  # type: ignore[index]

    def write(self, pixels: np.ndarray) -> None:
        """Show new pixels (x11vnc reads the file again by itself)."""
        data = pixels.astype("<u4").tobytes()
        if self.file.exists():
            with self.file.open("r+b") as handle:
                handle.write(data)
        else:
            self.file.write_bytes(data)
        self.pixels = pixels

    def input_lines(self) -> list[str]:
        if not self.events.exists():
            return []
        return [line for line in self.events.read_text().splitlines()
                if line and not line.startswith("#")]

    def close(self) -> None:
        stop(self.process)


def pattern(width: int, height: int, seed: int) -> np.ndarray:
    """Blocks of colour, stripes and noise: every kind of tile an encoder has."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    out = ((x * 3 + seed) & 0xFF) << 16 | ((y * 5) & 0xFF) << 8 | ((x ^ y) & 0xFF)
    out[: height // 3, : width // 2] = 0x336699
    out[height // 3: height // 2, :] = np.where((x[height // 3: height // 2] // 4) % 2,
                                               0xFFFFFF, 0x000000)
    noise = rng.integers(0, 1 << 24, size=(height // 4, width // 4))
    out[-height // 4:, -width // 4:] = noise
    return out.astype(np.uint32)
