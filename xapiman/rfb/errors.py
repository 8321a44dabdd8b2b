"""What ends an RFB session: every failure carries a sentence a user can read."""

from __future__ import annotations


class RfbError(Exception):
    """Root of the console client's errors; `str()` is a readable sentence."""


class ProtocolError(RfbError):
    """The server sent something RFB does not allow (malformed, truncated or absurd)."""


class AuthenticationFailed(RfbError):
    """The server refused the connection or the password (with its reason, when it gave one)."""


class UnsupportedServer(RfbError):
    """The server wants something this client does not speak (a version, a security type)."""


class StreamClosed(RfbError):
    """The byte stream ended (the server or the tunnel closed it, or the session was closed)."""


class Stalled(RfbError):
    """The server stopped sending in the middle of a message."""
