"""A simulated text-mode console (one VM's or one host's) and its framebuffer.

A ``ConsoleScreen`` is an 80x25-style character grid drawn with the font of ``font.py`` into a
32bpp BGRX framebuffer (light grey on black, like VGA text mode).  It boots by itself: boot
lines appear over a few seconds (driven by a clock, or by ``advance`` in tests), then a login
prompt.  Keys typed by any viewer echo on the prompt line: ``login:``, ``Password:`` (no echo),
then a small shell whose prompt ends with ``$ ``.

Every change redraws only the character cells whose content changed and is logged with a
version number, so RFB servers can send incremental updates (``dirty_since``) and wait for
changes (``wait_for_change``).  All methods are thread-safe; several viewers may share a screen.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from . import png
from .font import CELL_HEIGHT, CELL_WIDTH, glyph_masks

Rect = tuple[int, int, int, int]  # x, y, width, height in pixels

FOREGROUND = bytes((0xAA, 0xAA, 0xAA, 0))  # B, G, R, X: VGA light grey
BACKGROUND = bytes(4)
MAX_SIDE = 8192
_LOG_LIMIT = 1024
_MAX_INPUT = 255

KEY_BACKSPACE, KEY_RETURN, KEY_KP_ENTER = 0xFF08, 0xFF0D, 0xFF8D
_CONTROL_KEYS = (0xFFE3, 0xFFE4)  # Control_L, Control_R
_KEYPAD = {0xFFAA: "*", 0xFFAB: "+", 0xFFAD: "-", 0xFFAE: ".", 0xFFAF: "/"}


def hostname_from(title: str) -> str:
    """A plausible host name for a VM or host title ("Web server 01" -> "web-server-01")."""
    name = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:63]
    return name or "localhost"


def vm_boot_lines(hostname: str) -> list[str]:
    """What a Linux HVM guest prints on its VGA console while booting."""
    return [
        "[    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1 SMP Debian 6.1.76-1",
        "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/xvda1 ro quiet",
        "[    0.000000] DMI: Xen HVM domU, BIOS 4.17 01/01/2024",
        "[    0.000000] Hypervisor detected: Xen HVM",
        "[    1.214301] xen_netfront: Initialising Xen virtual ethernet driver",
        "[    1.530112]  xvda: xvda1 xvda2 < xvda5 >",
        "[  OK  ] Started systemd-journald.service - Journal Service.",
        "[  OK  ] Reached target network.target - Network.",
        "[  OK  ] Started xe-linux-distribution.service - Xen guest agent.",
        "[  OK  ] Started getty@tty1.service - Getty on tty1.",
        "[  OK  ] Reached target multi-user.target - Multi-User System.",
        "",
        f"Debian GNU/Linux 12 {hostname} tty1",
        "",
    ]


def host_boot_lines(hostname: str, title: str, product: str) -> list[str]:
    """The status banner of a host's (dom0's) console."""
    rule = "-" * 78
    return [
        f"{product} (xapiman simulator)",
        rule,
        f"  Host name ............ {hostname}",
        f"  Pool member .......... {title}",
        "  Management network ... xenbr0",
        "  Toolstack ............ xapi running",
        rule,
        "",
        "Kernel 4.19.0+1 on an x86_64",
        "",
    ]


@lru_cache(maxsize=512)
def _cell_pixels(char: str, cursor: bool) -> tuple[bytes, ...]:
    """The CELL_HEIGHT pixel rows (BGRX) of one cell, with an underline cursor if asked."""
    rows = []
    for index, mask in enumerate(glyph_masks(char)):
        if cursor and index >= CELL_HEIGHT - 2:
            mask = (1 << CELL_WIDTH) - 1
        rows.append(
            b"".join(
                FOREGROUND if mask >> (CELL_WIDTH - 1 - x) & 1 else BACKGROUND
                for x in range(CELL_WIDTH)
            )
        )
    return tuple(rows)


def merge_rects(rects: list[Rect], limit: int = 32) -> list[Rect]:
    """Union rectangles of the same text band, then everything if there are still too many."""
    bands: dict[tuple[int, int], Rect] = {}
    for rect in rects:
        key = (rect[1], rect[3])
        bands[key] = bounding_box([bands[key], rect]) if key in bands else rect
    merged = sorted(bands.values(), key=lambda r: (r[1], r[0]))
    return [bounding_box(merged)] if len(merged) > limit else merged


def bounding_box(rects: list[Rect]) -> Rect:
    """The smallest rectangle holding all of ``rects``."""
    x0 = min(r[0] for r in rects)
    y0 = min(r[1] for r in rects)
    x1 = max(r[0] + r[2] for r in rects)
    y1 = max(r[1] + r[3] for r in rects)
    return (x0, y0, x1 - x0, y1 - y0)


class ConsoleScreen:
    """The text-mode display of one VM or host console, shared by all its viewers."""

    def __init__(
        self,
        title: str,
        width: int = 720,
        height: int = 400,
        kind: str = "vm",
        boot_lines: list[str] | None = None,
        *,
        boot_seconds: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        hostname: str | None = None,
        product: str = "XCP-ng 8.3.0",
    ) -> None:
        if kind not in ("vm", "host"):
            raise ValueError(f"kind must be 'vm' or 'host', not {kind!r}")
        self.title = title
        self.kind = kind
        self.hostname = hostname or hostname_from(title)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._clock = clock
        self._started = clock()
        self._offset = 0.0
        self._boot_seconds = max(0.0, boot_seconds)
        if boot_lines is not None:
            self._boot, self._issue = list(boot_lines), []
        elif kind == "vm":
            self._boot = vm_boot_lines(self.hostname)
            self._issue = self._boot[-3:]
        else:
            self._boot = host_boot_lines(self.hostname, title, product)
            self._issue = self._boot[-3:]
        self._boot_shown = 0
        self._mode = "boot"
        self._input: list[str] = []
        self._user = ""
        self._ctrl_down: set[int] = set()
        self._version = 0
        self._floor = 0
        self._log: list[tuple[int, Rect]] = []
        self._viewers: dict[int, threading.Event] = {}
        self._next_viewer = 0
        self._new_grid(width, height, keep_text=False)
        self._sync()

    # ----------------------------------------------------------------- public: reading

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        with self._lock:
            return (self._width, self._height)

    @property
    def version(self) -> int:
        """Increases with every visible change."""
        with self._lock:
            return self._version

    @property
    def mode(self) -> str:
        """Where the console is: "boot", "login", "password" or "shell"."""
        with self._lock:
            self._sync()
            return self._mode

    def text(self) -> list[str]:
        """The characters on screen, one string per text row (trailing blanks stripped)."""
        with self._lock:
            self._sync()
            return ["".join(row).rstrip() for row in self._text]

    def framebuffer(self) -> bytes:
        """A copy of the pixels: 32bpp BGRX little-endian, row-major, width*height*4 bytes."""
        with self._lock:
            self._sync()
            return bytes(self._fb)

    def region(self, rect: Rect) -> bytes:
        """The BGRX pixels of ``rect`` (clipped to the screen), row after row."""
        with self._lock:
            x, y, w, h = self.clip(rect)
            stride, fb = self._width * 4, self._fb
            return b"".join(
                fb[row * stride + x * 4 : row * stride + (x + w) * 4] for row in range(y, y + h)
            )

    def clip(self, rect: Rect) -> Rect:
        """``rect`` cut to the screen (zero-sized when it lies outside)."""
        with self._lock:
            x0 = min(max(rect[0], 0), self._width)
            y0 = min(max(rect[1], 0), self._height)
            x1 = min(max(rect[0] + rect[2], x0), self._width)
            y1 = min(max(rect[1] + rect[3], y0), self._height)
            return (x0, y0, x1 - x0, y1 - y0)

    def dirty_since(self, version: int) -> tuple[list[Rect], int]:
        """The rectangles changed after ``version``, and the current version.

        A version older than the last resize (or than the change log) gets the whole screen.
        """
        with self._lock:
            self._sync()
            if version >= self._version:
                return [], self._version
            if version < self._floor:
                return [(0, 0, self._width, self._height)], self._version
            rects = [rect for ver, rect in self._log if ver > version]
            return merge_rects(rects), self._version

    def wait_for_change(self, version: int, timeout: float) -> bool:
        """Block until the screen is newer than ``version`` (True) or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                self._sync()
                remaining = deadline - time.monotonic()
                if self._version > version or remaining <= 0:
                    return self._version > version
                # Wake up now and then: boot lines appear with time, not with a notify.
                self._changed.wait(min(remaining, 0.1))

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the screen still (e.g. to read dirty rectangles and their pixels together)."""
        with self._lock:
            yield

    def to_png(self) -> bytes:
        """The screen as a PNG image (what GET /vncsnapshot returns)."""
        with self._lock:
            self._sync()
            width, height, pixels = self._width, self._height, bytes(self._fb)
        return png.encode_bgrx(width, height, pixels)

    # ----------------------------------------------------------------- public: changing

    def tick(self) -> None:
        """Catch up with the clock (boot messages, then the login prompt)."""
        with self._lock:
            self._sync()

    def advance(self, seconds: float) -> None:
        """Move the screen's time forward, as if ``seconds`` had passed."""
        with self._lock:
            self._offset += max(0.0, seconds)
            self._sync()

    def key(self, keysym: int, down: bool) -> None:
        """One key press or release (an X11 keysym), as a VNC KeyEvent carries it."""
        with self._lock:
            self._sync()
            if keysym in _CONTROL_KEYS:
                (self._ctrl_down.add if down else self._ctrl_down.discard)(keysym)
                return
            if not down or self._mode == "boot":
                return
            char = _char_of(keysym)
            if self._ctrl_down and char:
                self._control(char.lower())
            elif keysym in (KEY_RETURN, KEY_KP_ENTER):
                self._enter()
            elif keysym == KEY_BACKSPACE:
                self._backspace()
            elif char:
                self._type(char)
            self._flush()

    def type_text(self, text: str) -> None:
        """Type a string ("\\n" presses Return); a convenience for demos and tests."""
        for char in text:
            keysym = KEY_RETURN if char == "\n" else ord(char)
            self.key(keysym, True)
            self.key(keysym, False)

    def resize(self, width: int, height: int) -> None:
        """Change the resolution; the text is kept, the framebuffer redrawn."""
        with self._lock:
            self._new_grid(width, height, keep_text=True)
            self._floor = self._version
            self._changed.notify_all()

    # ----------------------------------------------------------------- public: viewers

    def attach_viewer(self, kick: threading.Event, exclusive: bool = False) -> int:
        """Register a viewer; an exclusive one sets every other viewer's ``kick`` event."""
        with self._lock:
            if exclusive:
                for other in self._viewers.values():
                    other.set()
            self._next_viewer += 1
            self._viewers[self._next_viewer] = kick
            return self._next_viewer

    def detach_viewer(self, token: int) -> None:
        """Forget a viewer registered by ``attach_viewer``."""
        with self._lock:
            self._viewers.pop(token, None)

    @property
    def viewer_count(self) -> int:
        """How many viewers are connected now."""
        with self._lock:
            return len(self._viewers)

    # ----------------------------------------------------------------- time and login flow

    def _sync(self) -> None:
        elapsed = self._clock() - self._started + self._offset
        if self._mode == "boot":
            step = self._boot_seconds / (len(self._boot) + 1)
            while self._boot_shown < len(self._boot) and elapsed >= step * (self._boot_shown + 1):
                self._write(self._boot[self._boot_shown] + "\n")
                self._boot_shown += 1
            if elapsed >= self._boot_seconds:
                while self._boot_shown < len(self._boot):
                    self._write(self._boot[self._boot_shown] + "\n")
                    self._boot_shown += 1
                self._prompt_login()
        self._flush()

    def _prompt_login(self) -> None:
        self._mode, self._user = "login", ""
        self._write(f"{self.hostname} login: ")

    def _prompt_shell(self) -> None:
        self._write(f"{self._user}@{self.hostname}:~$ ")

    def _enter(self) -> None:
        line, self._input = "".join(self._input), []
        self._write("\n")
        if self._mode == "login":
            if line.strip():
                self._user, self._mode = line.strip(), "password"
                self._write("Password: ")
            else:
                self._prompt_login()
        elif self._mode == "password":
            self._mode = "shell"
            self._write("Last login: on tty1\n")
            self._prompt_shell()
        else:
            self._run(line)

    def _run(self, line: str) -> None:
        words = line.split()
        command = words[0] if words else ""
        if command in ("exit", "logout"):
            self._logout()
            return
        if command == "clear":
            self._clear()
        elif command:
            for output in self._command_output(command, words[1:]):
                self._write(output + "\n")
        self._prompt_shell()

    def _command_output(self, command: str, args: list[str]) -> list[str]:
        kernel = "6.1.0-18-amd64" if self.kind == "vm" else "4.19.0+1"
        answers = {
            "whoami": [self._user],
            "hostname": [self.hostname],
            "uname": [f"Linux {self.hostname} {kernel} x86_64 GNU/Linux" if args else "Linux"],
            "echo": [" ".join(args)],
            "pwd": ["/root" if self._user == "root" else f"/home/{self._user}"],
            "true": [],
        }
        return answers.get(command, [f"-bash: {command}: command not found"])

    def _logout(self) -> None:
        self._clear()
        for line in self._issue:
            self._write(line + "\n")
        self._prompt_login()

    def _control(self, char: str) -> None:
        if char == "c":
            self._input = []
            self._write("^C\n")
            if self._mode == "shell":
                self._prompt_shell()
            else:
                self._prompt_login()
        elif char == "u":
            while self._input:
                self._backspace()
        elif char == "d" and self._mode == "shell" and not self._input:
            self._logout()

    def _type(self, char: str) -> None:
        if len(self._input) >= _MAX_INPUT:
            return
        self._input.append(char)
        if self._mode != "password":
            self._write(char)

    def _backspace(self) -> None:
        if not self._input:
            return
        self._input.pop()
        if self._mode == "password":
            return
        if self._col == 0:
            if self._row == 0:
                return  # the start of the line has scrolled away
            self._row, self._col = self._row - 1, self._cols
        self._col -= 1
        self._set_cell(self._row, self._col, " ")

    # ----------------------------------------------------------------- the character grid

    def _new_grid(self, width: int, height: int, keep_text: bool) -> None:
        if not (CELL_WIDTH <= width <= MAX_SIDE and CELL_HEIGHT <= height <= MAX_SIDE):
            raise ValueError(f"unsupported console size {width}x{height}")
        cols, rows = width // CELL_WIDTH, height // CELL_HEIGHT
        old = self._text if keep_text else []
        first = max(0, self._row - rows + 1) if keep_text else 0
        self._text = [[" "] * cols for _ in range(rows)]
        for index, line in enumerate(old[first : first + rows]):
            self._text[index][: min(cols, len(line))] = line[:cols]
        self._row = self._row - first if keep_text else 0
        self._col = min(self._col, cols) if keep_text else 0
        self._width, self._height, self._cols, self._rows = width, height, cols, rows
        self._fb = bytearray(width * height * 4)
        self._drawn = [[(" ", False)] * cols for _ in range(rows)]
        self._cursor_at: tuple[int, int] | None = None
        self._touched = set(range(rows))
        self._flush()

    def _write(self, text: str) -> None:
        for char in text:
            if char == "\n":
                self._newline()
                continue
            if self._col >= self._cols:
                self._newline()
            self._set_cell(self._row, self._col, char if " " <= char <= "~" else "?")
            self._col += 1
        self._touched.add(self._row)

    def _newline(self) -> None:
        self._touched.add(self._row)
        self._col = 0
        if self._row + 1 < self._rows:
            self._row += 1
            return
        self._text.pop(0)
        self._text.append([" "] * self._cols)
        self._touched.update(range(self._rows))

    def _clear(self) -> None:
        self._text = [[" "] * self._cols for _ in range(self._rows)]
        self._row = self._col = 0
        self._touched.update(range(self._rows))

    def _set_cell(self, row: int, col: int, char: str) -> None:
        self._text[row][col] = char
        self._touched.add(row)

    # ----------------------------------------------------------------- drawing

    def _flush(self) -> None:
        """Draw the cells that changed since the last flush and log them as one version."""
        cursor = (self._row, min(self._col, self._cols - 1)) if self._mode != "boot" else None
        for position in (cursor, self._cursor_at):
            if position and position[0] < self._rows:
                self._touched.add(position[0])
        self._cursor_at = cursor
        rects = []
        for row in sorted(self._touched):
            changed = [
                col
                for col in range(self._cols)
                if self._drawn[row][col] != (self._text[row][col], (row, col) == cursor)
            ]
            for col in changed:
                self._draw_cell(row, col, self._text[row][col], (row, col) == cursor)
            if changed:
                x0, x1 = changed[0] * CELL_WIDTH, (changed[-1] + 1) * CELL_WIDTH
                rects.append((x0, row * CELL_HEIGHT, x1 - x0, CELL_HEIGHT))
        self._touched = set()
        if rects:
            self._version += 1
            self._log.extend((self._version, rect) for rect in rects)
            if len(self._log) > _LOG_LIMIT:
                del self._log[: len(self._log) - _LOG_LIMIT]
                self._floor = self._log[0][0] - 1
            self._changed.notify_all()

    def _draw_cell(self, row: int, col: int, char: str, cursor: bool) -> None:
        self._drawn[row][col] = (char, cursor)
        stride = self._width * 4
        start = row * CELL_HEIGHT * stride + col * CELL_WIDTH * 4
        for pixels in _cell_pixels(char, cursor):
            self._fb[start : start + CELL_WIDTH * 4] = pixels
            start += stride


def _char_of(keysym: int) -> str:
    """The printable ASCII character of a keysym, or ""."""
    if 0x20 <= keysym <= 0x7E:
        return chr(keysym)
    if 0xFFB0 <= keysym <= 0xFFB9:
        return chr(ord("0") + keysym - 0xFFB0)
    return _KEYPAD.get(keysym, "")
