"""The RFB handshake (RFC 6143 7.1-7.3): version, security, ClientInit and ServerInit.

Versions 3.3, 3.7 and 3.8 (a server greeting with 3.4-3.6 is answered as 3.3, anything newer
than 3.8 as 3.8); security types None and VNC authentication. A refusal carries the server's
reason when the version has one.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from xapiman.i18n import translate
from xapiman.rfb.channel import Channel
from xapiman.rfb.errors import AuthenticationFailed, ProtocolError, UnsupportedServer
from xapiman.rfb.framebuffer import check_size
from xapiman.rfb.vncauth import vnc_response

SECURITY_INVALID, SECURITY_NONE, SECURITY_VNC = 0, 1, 2
SECURITY_NAMES = {0: "Invalid", 1: "None", 2: "VNC authentication", 5: "RA2", 6: "RA2ne",
                  16: "Tight", 17: "Ultra", 18: "TLS", 19: "VeNCrypt", 20: "SASL",
                  22: "xvp", 30: "Apple", 113: "MSLogon II", 129: "Unix login"}
MAX_REASON = 64 * 1024
MAX_NAME = 64 * 1024
_GREETING = re.compile(rb"RFB (\d{3})\.(\d{3})\n")

PasswordSource = Callable[[], str | None]


@dataclass(frozen=True)
class PixelFormat:
    """RFB PIXEL_FORMAT (16 bytes on the wire)."""

    bits_per_pixel: int
    depth: int
    big_endian: bool
    true_colour: bool
    red_max: int
    green_max: int
    blue_max: int
    red_shift: int
    green_shift: int
    blue_shift: int

    _STRUCT = struct.Struct(">BBBBHHHBBB3x")

    @classmethod
    def unpack(cls, data: bytes) -> PixelFormat:
        bpp, depth, big, true_colour, *rest = cls._STRUCT.unpack(data)
        return cls(bpp, depth, bool(big), bool(true_colour), *rest)

    def pack(self) -> bytes:
        return self._STRUCT.pack(
            self.bits_per_pixel, self.depth, int(self.big_endian), int(self.true_colour),
            self.red_max, self.green_max, self.blue_max,
            self.red_shift, self.green_shift, self.blue_shift)


# 32 bits, 24-bit depth, little-endian, 0x00RRGGBB: Qt's QImage.Format_RGB32 on x86.
RGB32 = PixelFormat(32, 24, False, True, 255, 255, 255, 16, 8, 0)


@dataclass(frozen=True)
class ServerInfo:
    """What the handshake learnt.

    Attributes:
        version: "3.3", "3.7" or "3.8" (what both sides speak); greeting: the server's own.
        security: the security type used; width, height: the screen; name: the desktop name.
        pixel_format: the server's own format (the client asks for RGB32 afterwards).
    """

    version: str
    greeting: str
    security: int
    width: int
    height: int
    name: str
    pixel_format: PixelFormat


def handshake(channel: Channel, password: PasswordSource | None = None,
              shared: bool = True) -> ServerInfo:
    """Run the handshake on a fresh channel; the channel is then ready for normal messages.

    Raises:
        UnsupportedServer, AuthenticationFailed, ProtocolError, StreamClosed, Stalled.
    """
    greeting = channel.read(12, idle=True)
    match = _GREETING.fullmatch(greeting)
    if match is None:
        raise ProtocolError(translate(
            "Console", "the server does not speak RFB (it greeted with {text!r})").format(
                text=greeting.decode("latin-1")))
    major, minor = int(match[1]), int(match[2])
    shown = f"{major}.{minor}"
    if major < 3:
        raise UnsupportedServer(translate(
            "Console", "the server speaks RFB {version}, older than 3.3").format(version=shown))
    if major == 3 and minor < 7:
        version = "3.3"
    elif major == 3 and minor == 7:
        version = "3.7"
    else:
        version = "3.8"
    channel.post(f"RFB 003.00{version[-1]}\n".encode())
    channel.flush()
    security = _negotiate_security(channel, version, password)
    channel.post(bytes([int(shared)]))
    channel.flush()
    head = channel.read(24)
    width, height = struct.unpack(">HH", head[:4])
    pixel_format = PixelFormat.unpack(head[4:20])
    (length,) = struct.unpack(">I", head[20:])
    if length > MAX_NAME:
        raise ProtocolError(translate(
            "Console", "the server announced a desktop name of {n} bytes").format(n=length))
    name = channel.read(length).decode("utf-8", "replace")
    check_size(width, height)
    return ServerInfo(version, shown, security, width, height, name, pixel_format)


def _negotiate_security(channel: Channel, version: str,
                        password: PasswordSource | None) -> int:
    if version == "3.3":
        (chosen,) = struct.unpack(">I", channel.read(4))
        if chosen == SECURITY_INVALID:
            raise AuthenticationFailed(_refusal(_reason(channel)))
        if chosen not in (SECURITY_NONE, SECURITY_VNC):
            raise UnsupportedServer(_unsupported([chosen]))
    else:
        count = channel.read(1)[0]
        if count == 0:
            raise AuthenticationFailed(_refusal(_reason(channel)))
        offered = list(channel.read(count))
        if SECURITY_NONE in offered:
            chosen = SECURITY_NONE
        elif SECURITY_VNC in offered:
            chosen = SECURITY_VNC
        else:
            raise UnsupportedServer(_unsupported(offered))
        channel.post(bytes([chosen]))
        channel.flush()
    if chosen == SECURITY_VNC:
        challenge = channel.read(16)
        secret = password() if password is not None else None
        if secret is None:
            raise AuthenticationFailed(translate(
                "Console", "the console asks for a VNC password and none was given"))
        channel.post(vnc_response(secret, challenge))
        channel.flush()
    if chosen == SECURITY_NONE and version != "3.8":
        return chosen  # 3.3 and 3.7 send no SecurityResult for None
    (result,) = struct.unpack(">I", channel.read(4))
    if result != 0:
        reason = _reason(channel) if version == "3.8" else ""
        if chosen == SECURITY_VNC and not reason:
            reason = translate("Console", "wrong password")
        raise AuthenticationFailed(_refusal(reason))
    return chosen


def _reason(channel: Channel) -> str:
    (length,) = struct.unpack(">I", channel.read(4))
    if length > MAX_REASON:
        raise ProtocolError(translate(
            "Console", "the server announced a reason of {n} bytes").format(n=length))
    return channel.read(length).decode("utf-8", "replace").strip()


def _refusal(reason: str) -> str:
    if reason:
        return translate("Console", "the console refused the connection: {reason}").format(
            reason=reason)
    return translate("Console", "the console refused the connection")


def _unsupported(types: list[int]) -> str:
    names = ", ".join(SECURITY_NAMES.get(t, str(t)) for t in types)
    return translate("Console", "the console offers only security types this client does not "
                     "speak ({names})").format(names=names)
