"""Where a host answers: scheme, host, port; parsing URLs and the addresses xapi hands out."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from xapiman.i18n import translate

DEFAULT_PORTS = {"https": 443, "http": 80}

_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?(?P<userinfo>[^/?#]*)@")


def has_credentials(text: str) -> bool:
    """Whether an address carries a user name or password (`https://user:pw@host`)."""
    return _USERINFO.match(text.strip()) is not None


def without_credentials(text: str) -> str:
    """`text` with any `user:password@` part replaced by `…@`: safe to show in a message."""
    return _USERINFO.sub(lambda m: f"{m.group('scheme') or ''}…@", text.strip(), count=1)


def credentials_refused() -> ValueError:
    """The error for an address that carries a user name or password."""
    return ValueError(translate(
        "Endpoint", "the address must not contain a user name or password (user:password@): "
        "give the user separately, and the password where it is asked for; a password in an "
        "address ends up in shell histories and process lists"))


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
            ValueError: another scheme, no host, or a user name / password in the address
                (the message never repeats them).
        """
        text = url.strip()
        if has_credentials(text):
            raise credentials_refused()
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError(translate(
                "Endpoint", "unsupported scheme {scheme!r} in {url!r}: use https or http").format(
                    scheme=parts.scheme, url=text))
        if not parts.hostname:
            raise ValueError(translate("Endpoint", "no host in {url!r}").format(url=text))
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as exc:
            raise ValueError(translate("Endpoint", "bad port in {url!r}").format(url=text)) \
                from exc
        path = parts.path if parts.path not in ("", "/") else ""
        return cls(scheme, parts.hostname, port, path)

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
    """("host", port or None) from "host", "host:port", "[v6]", "[v6]:port" or a bare "v6".

    Raises:
        ValueError: empty, or a port that is not a number.
    """
    text = address.strip()
    if not text:
        raise ValueError("empty address")
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
        return host, _port(port_text, address)
    if text.count(":") > 1:  # a bare IPv6 address
        ipaddress.ip_address(text)
        return text, None
    host, _, port_text = text.partition(":")
    return host, _port(port_text, address)


def _port(text: str, address: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"bad port in address {address!r}")
    return int(text)


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host
