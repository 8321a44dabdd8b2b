"""Where a host answers: scheme, host, port; parsing URLs and the addresses xapi hands out."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace
from typing import NamedTuple
from urllib.parse import urlsplit

from xapiman.i18n import translate

DEFAULT_PORTS = {"https": 443, "http": 80}

_HOSTNAME = re.compile(r"[^\s/?#@\[\]:]+")
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?(?P<userinfo>[^/?#]*)@")


def has_credentials(text: str) -> bool:
    """Whether an address carries a user name or password (`https://user:pw@host`)."""
    return _USERINFO.match(text.strip()) is not None


def without_credentials(text: str) -> str:
    """`text` with any `user:password@` part replaced by `…@`: safe to show in a message."""
    return _USERINFO.sub(lambda m: f"{m.group('scheme') or ''}…@", text.strip(), count=1)


@dataclass(frozen=True)
class Endpoint:
    """One host's API address.

    Attributes:
        scheme: "https" (the default) or "http" (only when asked for explicitly).
        host: name or IP address (IPv6 without brackets).
        port: TCP port.
        path: the path given in the URL, used for XML-RPC ("" means "/").
    """

    scheme: str
    host: str
    port: int
    path: str = ""

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        """`https://h[:port][/path]`, `http://...`, or a bare `h[:port]` (meaning https).

        Raises:
            AddressError: another scheme, no host, a bad port, or a user name / password in
                the address (the message never repeats them).
        """
        text = url.strip()
        if "://" in text and not has_credentials(text):
            parts = urlsplit(text)
            path = parts.path if parts.path not in ("", "/") else ""
            text = f"{parts.scheme}://{parts.netloc}"  # the path is this class's own
        else:
            path = ""
        address = parse_address(text)
        scheme = address.scheme or "https"
        return cls(scheme, address.host, address.port or DEFAULT_PORTS[scheme], path)

    @property
    def tls(self) -> bool:
        return self.scheme == "https"

    @property
    def address(self) -> str:
        """`host:port` (IPv6 hosts in brackets)."""
        return f"{_bracket(self.host)}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.address}{self.path}"

    @property
    def xmlrpc_path(self) -> str:
        return self.path or "/"

    def at(self, address: str) -> Endpoint:
        """The same scheme at `address` as xapi gives it: "IP", "IP:PORT", "[v6]:PORT", "v6".

        A bare address keeps this endpoint's port (xapi hands out bare IPs; the port is the
        one the client used). The path is dropped: other hosts answer XML-RPC on "/".
        """
        host, port = split_address(address)
        return replace(self, host=host, port=port if port is not None else self.port, path="")

    def same_host(self, other: Endpoint) -> bool:
        return (self.scheme, self.host.lower(), self.port) == (
            other.scheme, other.host.lower(), other.port)

    def __str__(self) -> str:
        return self.url


def split_address(address: str) -> tuple[str, int | None]:
    """("host", port or None) from an address as xapi gives it: "host", "host:port",
    "[v6]", "[v6]:port" or a bare "v6".

    Raises:
        AddressError: not such an address.
    """
    parsed = parse_address(address)
    if parsed.scheme is not None:
        raise AddressError(translate("Endpoint", "expected an address without a scheme"),
                           address)
    return parsed.host, parsed.port


class AddressError(ValueError):
    """An address that cannot be used.

    Attributes:
        reason: why, without the address (a form field shows it already).
        address: the address, without any user name or password it had.
    """

    def __init__(self, reason: str, address: str) -> None:
        self.reason = reason
        self.address = without_credentials(address)
        shown = repr(self.address)
        super().__init__(reason if shown in reason else f"{reason} (got {shown})")


class Address(NamedTuple):
    """An address split into its parts; scheme and port are None when it omits them."""

    scheme: str | None
    host: str
    port: int | None


def parse_address(address: str) -> Address:
    """Split a host, `host:port`, `[v6]`, `[v6]:port`, a bare IPv6 address or an
    `http(s)://host[:port]` URL, checking each part (the one parser of addresses: profiles,
    the Add Server dialog, connections and the addresses xapi hands out).

    Raises:
        AddressError: says which part is wrong and why.
    """
    text = address.strip()
    if has_credentials(text):
        raise AddressError(translate(
            "Endpoint", "the address must not contain a user name or password: give the user "
            "separately, and the password where it is asked for (a password in an address "
            "ends up in shell histories and process lists)"), address)
    if not text:
        raise AddressError(translate("Endpoint", "the address is empty"), address)
    if "://" in text:
        return _parse_url(text, address)
    if text.startswith("["):
        host, closed, rest = text[1:].partition("]")
        if not closed:
            raise AddressError(translate(
                "Endpoint", "an IPv6 address in brackets needs the closing ']'"), address)
        return Address(None, _ipv6(host, address), _port_after_bracket(rest, address))
    if text.count(":") > 1:
        return Address(None, _ipv6(text, address), None)
    host, has_port, port_text = text.partition(":")
    port = _port(port_text, address) if has_port else None
    return Address(None, _hostname(host, address), port)


def _parse_url(text: str, address: str) -> Address:
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise AddressError(translate(
            "Endpoint", "only http:// and https:// addresses are supported"), address)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise AddressError(translate(
            "Endpoint", "the address must not have a path, query or fragment"), address)
    try:
        port = parts.port
    except ValueError:
        raise AddressError(_PORT_RANGE(), address) from None
    if port == 0:
        raise AddressError(_PORT_RANGE(), address)
    host = parts.hostname or ""
    return Address(scheme, _ipv6(host, address) if ":" in host else _hostname(host, address),
                   port)


def _port_after_bracket(rest: str, address: str) -> int | None:
    if not rest:
        return None
    if not rest.startswith(":"):
        raise AddressError(translate("Endpoint", "expected ':port' after the closing ']'"),
                           address)
    return _port(rest[1:], address)


def _port(text: str, address: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise AddressError(_PORT_RANGE(), address)
    return int(text)


def _PORT_RANGE() -> str:  # noqa: N802 - a message, translated when raised
    return translate("Endpoint", "the port must be a number from 1 to 65535")


def _ipv6(host: str, address: str) -> str:
    try:
        return str(ipaddress.IPv6Address(host))
    except ValueError:
        raise AddressError(translate("Endpoint", "{host!r} is not a valid IPv6 address").format(
            host=host), address) from None


def _hostname(host: str, address: str) -> str:
    if not host:
        raise AddressError(translate("Endpoint", "the host name is missing"), address)
    if not _HOSTNAME.fullmatch(host) or host.startswith(("-", ".")):
        raise AddressError(translate(
            "Endpoint", "{host!r} is not a valid host name or IP address").format(host=host),
            address)
    return host


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host
