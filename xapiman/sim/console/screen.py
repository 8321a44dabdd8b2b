"""A simulated text-mode console (one VM's or one host's) and its framebuffer.

A ``ConsoleScreen`` is an 80x25-style character grid drawn with the font of ``font.py`` into a
32bpp BGRX framebuffer (light grey on black, like VGA text mode).  It boots by itself: boot
lines appear over a few seconds (driven by a clock, or by ``advance`` in tests), then a login
prompt.  Keys typed by any viewer echo on the prompt line: ``login:``, ``Password:`` (no echo),
then a small shell whose prompt ends with ``$ `` (the text side lives in ``terminal.py``).
Pixels beyond the last whole character cell stay black.

Every change redraws only the character cells whose content changed and is logged with a
version number, so RFB servers can send incremental updates (``dirty_since``) and wait for
changes (``wait_for_change``).  All methods are thread-safe; several viewers may share a screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from . import png
from .font import CELL_HEIGHT, CELL_WIDTH, glyph_masks
from .terminal import LoginShell, TextGrid, host_boot_lines, hostname_from, vm_boot_lines

Rect = tuple[int, int, int, int]  # x, y, width, height in pixels

FOREGROUND = bytes((0xAA, 0xAA, 0xAA, 0))  # B, G, R, X: VGA light grey
BACKGROUND = bytes(4)
MAX_SIDE = 8192
_LOG_LIMIT = 1024

KEY_BACKSPACE, KEY_RETURN, KEY_KP_ENTER = 0xFF08, 0xFF0D, 0xFF8D
_CONTROL_KEYS = (0xFFE3, 0xFFE4)  # Control_L, Control_R
_KEYPAD = {0xFFAA: "*", 0xFFAB: "+", 0xFFAD: "-", 0xFFAE: ".", 0xFFAF: "/"}


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
            self._boot, issue = list(boot_lines), []
        else:
            if kind == "vm":
                self._boot = vm_boot_lines(self.hostname)
            else:
                self._boot = host_boot_lines(self.hostname, title, product)
            issue = self._boot[-3:]  # what getty shows again after a logout
        self._boot_shown = 0
        self._shell = LoginShell(self.hostname, kind, issue)
        self._ctrl_down: set[int] = set()
        self._version = 0
        self._floor = 0
        self._log: list[tuple[int, Rect]] = []
        self._viewers: dict[int, threading.Event] = {}
        self._next_viewer = 0
        self._new_grid(width, height)
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
            return self._shell.mode

    def text(self) -> list[str]:
        """The characters on screen, one string per text row (trailing blanks stripped)."""
        with self._lock:
            self._sync()
            return self._grid.lines()

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
            if not down:
                return
            char = _char_of(keysym)
            if self._ctrl_down and char:
                self._shell.control(self._grid, char.lower())
            elif keysym in (KEY_RETURN, KEY_KP_ENTER):
                self._shell.enter(self._grid)
            elif keysym == KEY_BACKSPACE:
                self._shell.backspace(self._grid)
            elif char:
                self._shell.type(self._grid, char)
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
            self._new_grid(width, height)
            self._version += 1  # always a new version: viewers must see the new size
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

    # ----------------------------------------------------------------- time, grid, drawing

    def _sync(self) -> None:
        """Show the boot lines that are due, then the login prompt; draw what changed."""
        elapsed = max(0.0, self._clock() - self._started + self._offset)
        if self._shell.mode == "boot":
            step = self._boot_seconds / (len(self._boot) + 1)
            booted = elapsed >= self._boot_seconds
            due = len(self._boot) if booted else min(len(self._boot), int(elapsed / step))
            while self._boot_shown < due:
                self._grid.write(self._boot[self._boot_shown] + "\n")
                self._boot_shown += 1
            if booted:
                self._shell.start(self._grid)
        self._flush()

    def _new_grid(self, width: int, height: int) -> None:
        if not (CELL_WIDTH <= width <= MAX_SIDE and CELL_HEIGHT <= height <= MAX_SIDE):
            raise ValueError(f"unsupported console size {width}x{height}")
        cols, rows = width // CELL_WIDTH, height // CELL_HEIGHT
        grid = getattr(self, "_grid", None)
        self._grid = grid.resized(cols, rows) if grid else TextGrid(cols, rows)
        self._width, self._height = width, height
        self._fb = bytearray(width * height * 4)
        self._drawn = [[(" ", False)] * cols for _ in range(rows)]
        self._cursor_at: tuple[int, int] | None = None
        self._flush()

    def _flush(self) -> None:
        """Draw the cells that changed since the last flush and log them as one version."""
        grid = self._grid
        cursor = grid.cursor() if self._shell.mode != "boot" else None
        touched = grid.take_touched()
        touched.update(pos[0] for pos in (cursor, self._cursor_at) if pos and pos[0] < grid.rows)
        self._cursor_at = cursor
        rects = []
        for row in sorted(touched):
            wanted = [(char, (row, col) == cursor) for col, char in enumerate(grid.cells[row])]
            changed = [col for col, cell in enumerate(wanted) if self._drawn[row][col] != cell]
            for col in changed:
                self._draw_cell(row, col, *wanted[col])
            if changed:
                x0, x1 = changed[0] * CELL_WIDTH, (changed[-1] + 1) * CELL_WIDTH
                rects.append((x0, row * CELL_HEIGHT, x1 - x0, CELL_HEIGHT))
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
