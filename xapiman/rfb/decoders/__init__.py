"""Rectangle decoders: each reads one rectangle's payload from the channel and writes pixels.

Every decoder takes (channel, framebuffer, x, y, width, height) with the rectangle already
checked to lie inside the screen, and uses numpy for the per-pixel work. Pixels on the wire
are in the client's RGB32 format, so they land in the framebuffer as they are.
"""

from __future__ import annotations

from xapiman.rfb.decoders.cursor import CursorShape, read_cursor
from xapiman.rfb.decoders.hextile import decode_hextile
from xapiman.rfb.decoders.raw import decode_copyrect, decode_raw
from xapiman.rfb.decoders.tight import TightDecoder
from xapiman.rfb.decoders.zrle import ZrleDecoder

__all__ = ["CursorShape", "TightDecoder", "ZrleDecoder", "decode_copyrect", "decode_hextile",
           "decode_raw", "read_cursor"]
