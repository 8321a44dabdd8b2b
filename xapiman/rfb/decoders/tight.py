"""Tight (encoding 7): fill, JPEG, and zlib-compressed basic rectangles with four streams.

Basic rectangles use the copy, palette (2-256 colours) or gradient filter. Pixels travel as
TPIXELs (R, G, B) because the client's format is 32-bit depth 24. JPEG is decoded by Pillow
(libjpeg-turbo) straight into B, G, R, X bytes.
"""

from __future__ import annotations

import io
import zlib

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from xapiman.i18n import translate
from xapiman.rfb.channel import Channel
from xapiman.rfb.errors import ProtocolError
from xapiman.rfb.framebuffer import Framebuffer

FILL, JPEG = 8, 9
FILTER_COPY, FILTER_PALETTE, FILTER_GRADIENT = 0, 1, 2
MIN_TO_COMPRESS = 12
Image.MAX_IMAGE_PIXELS = None  # sizes are checked against the rectangle instead


def tpixels(data: bytes, count: int) -> npt.NDArray[np.uint32]:
    """`count` TPIXELs (R, G, B) as 0x00RRGGBB words."""
    rgb = np.frombuffer(data, dtype=np.uint8, count=count * 3).reshape(count, 3)
    out = np.zeros((count, 4), dtype=np.uint8)
    out[:, 0], out[:, 1], out[:, 2] = rgb[:, 2], rgb[:, 1], rgb[:, 0]
    return out.view("<u4").reshape(count)


class TightDecoder:
    """Tight for one connection (it keeps the four zlib streams between rectangles)."""

    def __init__(self) -> None:
        self._streams = [zlib.decompressobj() for _ in range(4)]

    def decode(self, channel: Channel, fb: Framebuffer, x: int, y: int, w: int, h: int) -> None:
        control = channel.read(1)[0]
        for stream in range(4):
            if control & (1 << stream):
                self._streams[stream] = zlib.decompressobj()
        kind = control >> 4
        if kind == FILL:
            fb.fill(x, y, w, h, int(tpixels(channel.read(3), 1)[0]))
        elif kind == JPEG:
            fb.put(x, y, self._jpeg(channel.read(compact_length(channel)), w, h))
        elif kind > JPEG:
            raise ProtocolError(translate(
                "Console", "a Tight rectangle has the unknown compression type {kind}").format(
                    kind=kind))
        else:
            block = self._basic(channel, kind, w, h)
            if w and h:
                fb.put(x, y, block)

    def _basic(self, channel: Channel, kind: int, w: int, h: int) -> npt.NDArray[np.uint32]:
        stream = kind & 3
        filter_id = channel.read(1)[0] if kind & 4 else FILTER_COPY
        if filter_id == FILTER_COPY:
            data = self._data(channel, stream, w * h * 3)
            return tpixels(data, w * h).reshape(h, w)
        if filter_id == FILTER_PALETTE:
            colours = channel.read(1)[0] + 1
            palette = tpixels(channel.read(colours * 3), colours)
            if colours == 2:
                row = (w + 7) // 8
                packed = np.frombuffer(self._data(channel, stream, row * h), np.uint8)
                bits = np.unpackbits(packed.reshape(h, row), axis=1)[:, :w]
                return palette[bits]
            indexes = np.frombuffer(self._data(channel, stream, w * h), np.uint8)
            if w * h and int(indexes.max()) >= colours:
                raise ProtocolError(translate(
                    "Console", "a Tight palette index lies past its {n} colours").format(
                        n=colours))
            return palette[indexes].reshape(h, w)
        if filter_id == FILTER_GRADIENT:
            data = self._data(channel, stream, w * h * 3)
            return undo_gradient(np.frombuffer(data, np.uint8).reshape(h, w, 3))
        raise ProtocolError(translate(
            "Console", "a Tight rectangle uses the unknown filter {id}").format(id=filter_id))

    def _data(self, channel: Channel, stream: int, size: int) -> bytes:
        if size < MIN_TO_COMPRESS:
            return channel.read(size)
        compressed = channel.read(compact_length(channel))
        inflater = self._streams[stream]
        try:
            data = inflater.decompress(compressed, size)
        except zlib.error as exc:
            raise ProtocolError(translate(
                "Console", "the Tight data does not inflate: {error}").format(error=exc)) from None
        if len(data) != size or inflater.unconsumed_tail:
            raise ProtocolError(translate(
                "Console", "Tight data inflates to {got} bytes where {want} were due").format(
                    got=len(data) + len(inflater.unconsumed_tail), want=size))
        return data

    @staticmethod
    def _jpeg(data: bytes, w: int, h: int) -> npt.NDArray[np.uint32]:
        try:
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
                if image.size != (w, h):
                    raise ProtocolError(translate(
                        "Console", "a {jw}x{jh} JPEG came for a {w}x{h} rectangle").format(
                            jw=image.width, jh=image.height, w=w, h=h))
                pixels = image.convert("RGB").tobytes("raw", "BGRX")
        except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
            raise ProtocolError(translate(
                "Console", "a Tight JPEG does not decode: {error}").format(error=exc)) from None
        return np.frombuffer(pixels, "<u4").reshape(h, w)


def compact_length(channel: Channel) -> int:
    """Tight's 1-3 byte length (7 bits per byte, low bits first)."""
    length = 0
    for index in range(3):
        byte = channel.read(1)[0]
        length |= (byte & (0x7F if index < 2 else 0xFF)) << (7 * index)
        if index < 2 and not byte & 0x80:
            break
    return length


def undo_gradient(diff: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """Undo Tight's gradient filter: each pixel was sent as its difference from
    clamp(left + above - above-left), per channel, modulo 256.

    A pixel depends on its left and upper neighbours, so pixels are rebuilt one anti-diagonal
    at a time (every pixel of a diagonal at once).
    """
    h, w, _ = diff.shape
    out = np.zeros((h + 1, w + 1, 3), dtype=np.int16)
    d = diff.astype(np.int16)
    for k in range(h + w - 1):
        ys = np.arange(max(0, k - w + 1), min(h, k + 1))
        xs = k - ys
        predicted = out[ys + 1, xs] + out[ys, xs + 1] - out[ys, xs]
        np.clip(predicted, 0, 255, out=predicted)
        out[ys + 1, xs + 1] = (predicted + d[ys, xs]) & 0xFF
    rgb = out[1:, 1:].astype(np.uint8)
    bgrx = np.zeros((h, w, 4), dtype=np.uint8)
    bgrx[..., 0], bgrx[..., 1], bgrx[..., 2] = rgb[..., 2], rgb[..., 1], rgb[..., 0]
    return bgrx.view("<u4").reshape(h, w)
