"""The Cursor pseudo-encoding (-239): the guest's pointer shape as ARGB pixels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xapiman.i18n import translate
from xapiman.rfb.channel import Channel
from xapiman.rfb.errors import ProtocolError

MAX_CURSOR = 1024


@dataclass(frozen=True)
class CursorShape:
    """A pointer image: `argb[y, x]` words 0xAARRGGBB (alpha 0 or 255), and its hot spot."""

    argb: npt.NDArray[np.uint32]
    hot_x: int
    hot_y: int

    @property
    def width(self) -> int:
        return int(self.argb.shape[1])

    @property
    def height(self) -> int:
        return int(self.argb.shape[0])


def read_cursor(channel: Channel, hot_x: int, hot_y: int, w: int, h: int) -> CursorShape:
    if w > MAX_CURSOR or h > MAX_CURSOR:
        raise ProtocolError(translate(
            "Console", "the server sent a {w}x{h} pointer shape").format(w=w, h=h))
    row = (w + 7) // 8
    pixels = np.frombuffer(channel.read(w * h * 4), "<u4").reshape(h, w)
    mask = np.frombuffer(channel.read(row * h), np.uint8).reshape(h, row)
    opaque = np.unpackbits(mask, axis=1)[:, :w].astype(bool)
    argb = np.where(opaque, (pixels & 0xFFFFFF) | 0xFF000000, 0).astype(np.uint32)
    return CursorShape(argb, min(hot_x, max(w - 1, 0)), min(hot_y, max(h - 1, 0)))
