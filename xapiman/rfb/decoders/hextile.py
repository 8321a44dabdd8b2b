"""Hextile (encoding 5): 16x16 tiles, each raw, solid, or a background with subrectangles."""

from __future__ import annotations

import struct

import numpy as np

from xapiman.i18n import translate
from xapiman.rfb.channel import Channel
from xapiman.rfb.errors import ProtocolError
from xapiman.rfb.framebuffer import Framebuffer

RAW, BACKGROUND, FOREGROUND, ANY_SUBRECTS, SUBRECTS_COLOURED = 1, 2, 4, 8, 16
TILE = 16
_PIXEL = np.dtype("<u4")
_U32 = struct.Struct("<I")


def decode_hextile(channel: Channel, fb: Framebuffer, x: int, y: int, w: int, h: int) -> None:
    """Decode the whole rectangle into a block, then put it on the screen at once."""
    if not (w and h):
        return
    block = np.empty((h, w), dtype=np.uint32)
    background = foreground = 0
    unpack_u32 = _U32.unpack_from
    for ty in range(0, h, TILE):
        th = min(TILE, h - ty)
        for tx in range(0, w, TILE):
            tw = min(TILE, w - tx)
            buf, pos = channel.ensure(1)
            flags = buf[pos]
            if flags & RAW:
                channel.skip(1)
                data = channel.read(tw * th * 4)
                block[ty:ty + th, tx:tx + tw] = np.frombuffer(data, _PIXEL).reshape(th, tw)
                continue
            if flags > 31:
                raise ProtocolError(translate(
                    "Console", "a Hextile tile has unknown flags {flags:#x}").format(flags=flags))
            head = 1 + 4 * bool(flags & BACKGROUND) + 4 * bool(flags & FOREGROUND) + \
                bool(flags & ANY_SUBRECTS)
            buf, pos = channel.ensure(head)
            at = pos + 1
            if flags & BACKGROUND:
                (background,) = unpack_u32(buf, at)
                at += 4
            if flags & FOREGROUND:
                (foreground,) = unpack_u32(buf, at)
                at += 4
            tile = block[ty:ty + th, tx:tx + tw]
            tile[:] = background
            if not flags & ANY_SUBRECTS:
                channel.skip(head)
                continue
            count = buf[at]
            coloured = bool(flags & SUBRECTS_COLOURED)
            size = count * (6 if coloured else 2)
            channel.skip(head)
            buf, pos = channel.ensure(size)
            if coloured:
                for at in range(pos, pos + size, 6):
                    (colour,) = unpack_u32(buf, at)
                    xy, wh = buf[at + 4], buf[at + 5]
                    sx, sy = xy >> 4, xy & 15
                    tile[sy:sy + (wh & 15) + 1, sx:sx + (wh >> 4) + 1] = colour
            else:
                for at in range(pos, pos + size, 2):
                    xy, wh = buf[at], buf[at + 1]
                    sx, sy = xy >> 4, xy & 15
                    tile[sy:sy + (wh & 15) + 1, sx:sx + (wh >> 4) + 1] = foreground
            channel.skip(size)
    fb.put(x, y, block)
