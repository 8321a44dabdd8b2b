"""The remote screen's pixels: one 32-bit word per pixel, laid out as Qt's RGB32 wants it.

A pixel is the native-endian word 0xFFRRGGBB (bytes B, G, R, FF in memory on little-endian
machines). The client asks every server for that layout, so wire pixels are copied as they
come; the copy also sets the unused top byte, which Qt's RGB32 wants at 0xFF (scaled drawing
reads it as alpha). The decoding thread writes rectangles under `lock`; a viewer reads under
the same lock, which is only ever held for a copy, a fill or a move of pixels.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt

from xapiman.i18n import translate
from xapiman.rfb.errors import ProtocolError

MAX_SIDE = 8192
MAX_PIXELS = 8192 * 4320
OPAQUE = np.uint32(0xFF000000)
Pixels = npt.NDArray[np.uint32]


class Framebuffer:
    """The remote screen: `pixels[y, x]`, resized when the server says so.

    Attributes:
        lock: held while pixels change (by the decoder) or are read (by a viewer).
        generation: increases on every resize (a viewer re-wraps the new array).
    """

    def __init__(self, width: int, height: int) -> None:
        self.lock = threading.Lock()
        self.generation = 0
        self.pixels: Pixels = _blank(width, height)

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def resize(self, width: int, height: int) -> None:
        """A new, black screen of `width` x `height`."""
        pixels = _blank(width, height)
        with self.lock:
            self.pixels = pixels
            self.generation += 1

    def check(self, x: int, y: int, width: int, height: int) -> None:
        """Raise ProtocolError unless the rectangle lies inside the screen."""
        if x + width > self.width or y + height > self.height:
            raise ProtocolError(translate(
                "Console", "the server sent a {w}x{h} rectangle at {x},{y}, outside its "
                "{sw}x{sh} screen").format(w=width, h=height, x=x, y=y, sw=self.width,
                                           sh=self.height))

    def put(self, x: int, y: int, block: Pixels) -> None:
        """Copy a (height, width) block of pixels to (x, y)."""
        height, width = block.shape
        with self.lock:
            np.bitwise_or(block, OPAQUE, out=self.pixels[y:y + height, x:x + width])

    def fill(self, x: int, y: int, width: int, height: int, pixel: int) -> None:
        with self.lock:
            self.pixels[y:y + height, x:x + width] = pixel | 0xFF000000

    def move(self, src_x: int, src_y: int, x: int, y: int, width: int, height: int) -> None:
        """Copy pixels within the screen (CopyRect); overlapping areas are handled."""
        with self.lock:
            self.pixels[y:y + height, x:x + width] = \
                self.pixels[src_y:src_y + height, src_x:src_x + width].copy()

    def snapshot(self) -> Pixels:
        """A copy of every pixel, as 0x00RRGGBB words."""
        with self.lock:
            return self.pixels & np.uint32(0xFFFFFF)

    def bgrx(self) -> bytes:
        """The screen as bytes B, G, R, 0, row after row."""
        return self.snapshot().astype("<u4").tobytes()


def check_size(width: int, height: int) -> None:
    """Raise ProtocolError for a screen size no real display has."""
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE and width * height <= MAX_PIXELS):
        raise ProtocolError(translate(
            "Console", "the server announced a {w}x{h} screen, which is not a real screen "
            "size").format(w=width, h=height))


def _blank(width: int, height: int) -> Pixels:
    check_size(width, height)
    return np.full((height, width), OPAQUE, dtype=np.uint32)
