"""Raw (encoding 0) and CopyRect (encoding 1)."""

from __future__ import annotations

import struct

import numpy as np

from xapiman.i18n import translate
from xapiman.rfb.channel import Channel
from xapiman.rfb.errors import ProtocolError
from xapiman.rfb.framebuffer import Framebuffer

PIXEL = np.dtype("<u4")


def decode_raw(channel: Channel, fb: Framebuffer, x: int, y: int, w: int, h: int) -> None:
    if not (w and h):
        return
    data = channel.read(w * h * 4)
    fb.put(x, y, np.frombuffer(data, PIXEL).reshape(h, w))


def decode_copyrect(channel: Channel, fb: Framebuffer, x: int, y: int, w: int, h: int) -> None:
    src_x, src_y = struct.unpack(">HH", channel.read(4))
    if src_x + w > fb.width or src_y + h > fb.height:
        raise ProtocolError(translate(
            "Console", "the server asked to copy pixels from outside its screen"))
    if w and h:
        fb.move(src_x, src_y, x, y, w, h)
