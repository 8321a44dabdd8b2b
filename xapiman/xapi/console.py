"""Consoles of VMs and hosts: where one is served, and XAPI's `CONNECT /console` tunnel to it.

`locate(conn, ref)` says where the console of a VM (or of a host: its control domain's
vncterm) is right now: a `ConsoleTarget` on the host the VM is resident on, or `NoConsole`
with the reason (a halted VM says so and that starting it helps). A target changes when the VM
migrates (another host), reboots (another domain id) or its console is replaced: a viewer
compares targets to know it must reconnect.

`open_tunnel(conn, target)` connects to that host (not the coordinator) through the
connection's pinned certificates, sends `CONNECT /console?ref=... HTTP/1.0` with the session
cookie, and returns the socket as a raw byte pipe to the RFB server, with the bytes that came
after the HTTP header.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from xapiman import __version__ as _version
from xapiman.i18n import translate
from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    ConnectionLost,
    ConnectionRefused,
    MalformedResponse,
    NetworkError,
    NotConnected,
    Timeout,
    TlsError,
    TransportError,
)
from xapiman.xapi.refs import NULL_REF
from xapiman.xapi.trust import CertificateTrust

MAX_HEADER = 16 * 1024


class ConsoleHost(Protocol):
    """What locating and tunnelling need of a Connection."""

    cache: ObjectCache
    trust: CertificateTrust

    @property
    def session_ref(self) -> str | None: ...

    def host_url(self, host: str) -> str | None: ...


@dataclass(frozen=True)
class ConsoleTarget:
    """Where a console is served now.

    Attributes:
        vm: the VM (a host console: the host's control domain); console: the rfb console.
        host: the host the VM is resident on; url: that host's address ("https://ip:port").
        path: the tunnel's request target; domid: the domain (a reboot changes it).
        text: a vncterm text console (control domains and PV guests), else QEMU's.
    """

    vm: str
    console: str
    host: str
    url: str
    path: str
    domid: int
    text: bool


@dataclass(frozen=True)
class NoConsole:
    """Why there is no console now.

    Attributes:
        reason: a sentence for the user; power_state: the VM's; waiting: it should come by
        itself (a VM starting or moving); startable: starting the VM would give one.
    """

    reason: str
    power_state: str = ""
    waiting: bool = False
    startable: bool = False
    resumable: bool = False


@dataclass
class Tunnel:
    """An open console tunnel: the socket and the bytes already read after the header."""

    sock: socket.socket
    prefix: bytes
    address: str


class ConsoleRefused(TransportError):
    """The host answered the CONNECT with an HTTP error.

    Attributes:
        status: the HTTP status.
    """

    def __init__(self, status: int, message: str, address: str = "") -> None:
        self.status = status
        super().__init__(message, address)


def locate(conn: ConsoleHost, ref: str) -> ConsoleTarget | NoConsole:
    """The console of a VM or of a host (`ref` of either)."""
    cache = conn.cache
    if cache.class_of(ref) == "host":
        return _host_console(conn, ref)
    vm = cache.record("VM", ref)
    if vm is None:
        return NoConsole(translate("Console", "This VM no longer exists."))
    return _vm_console(conn, ref, vm)


def _vm_console(conn: ConsoleHost, ref: str, vm: dict) -> ConsoleTarget | NoConsole:
    state = vm.get("power_state", "")
    name = vm.get("name_label", "")
    if state == "Halted":
        return NoConsole(translate("Console", "{name} is shut down. Start it to see its "
                                   "console.").format(name=name), state, startable=True)
    if state == "Suspended":
        return NoConsole(translate("Console", "{name} is suspended. Resume it to see its "
                                   "console.").format(name=name), state, resumable=True)
    host = vm.get("resident_on", NULL_REF)
    url = conn.host_url(host) if host and host != NULL_REF else None
    console = _rfb_console(conn.cache, vm)
    if url is None or console is None:
        return NoConsole(translate("Console", "Waiting for the console of {name}...").format(
            name=name), state, waiting=True)
    text = bool(vm.get("is_control_domain")) or vm.get("domain_type") == "pv"
    return ConsoleTarget(ref, console, host, url, f"/console?ref={quote(console, safe=':')}",
                         _int(vm.get("domid")), text)


def _host_console(conn: ConsoleHost, host: str) -> ConsoleTarget | NoConsole:
    cache = conn.cache
    record = cache.record("host", host) or {}
    metrics = cache.record("host_metrics", record.get("metrics", "")) or {}
    name = record.get("name_label", "")
    if metrics and not metrics.get("live", True):
        return NoConsole(translate("Console", "{name} is not reachable: its console comes back "
                                   "when the host is up.").format(name=name), waiting=True)
    for ref, vm in cache.records("VM").items():
        if vm.get("is_control_domain") and vm.get("resident_on") == host:
            return _vm_console(conn, ref, vm)
    return NoConsole(translate("Console", "Waiting for the console of {name}...").format(
        name=name), waiting=True)


def _rfb_console(cache: ObjectCache, vm: dict) -> str | None:
    for console in sorted(vm.get("consoles", ())):
        record = cache.record("console", console)
        if record is not None and record.get("protocol") == "rfb":
            return console
    return None


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1


# -- the tunnel ---------------------------------------------------------------------------


def open_tunnel(conn: ConsoleHost, target: ConsoleTarget, timeout: float = 15.0) -> Tunnel:
    """Connect to the target's host and open the console tunnel (blocks: not on a GUI thread).

    Raises:
        ConsoleRefused (401, 403, 404, 500, 503 ...), NotConnected (no session),
        TransportError (refused, timeout, TLS, certificate questions answered no).
    """
    session = conn.session_ref
    if not session:
        raise NotConnected(translate("Console", "the connection to the pool is not logged in"))
    endpoint = Endpoint.parse(target.url)
    sock = _connect(conn.trust, endpoint, timeout)
    try:
        request = (f"CONNECT {target.path} HTTP/1.0\r\nHost: {endpoint.address}\r\n"
                   f"Cookie: session_id={session}\r\nUser-Agent: xapiman/{_version}\r\n\r\n")
        with _translated(endpoint, "read", timeout):
            sock.settimeout(timeout)
            sock.sendall(request.encode("latin-1"))
            head, rest = _read_header(sock, endpoint)
        status = _status(head, endpoint)
        if status != 200:
            raise ConsoleRefused(status, _refusal(status, rest), endpoint.address)
        sock.settimeout(None)
        return Tunnel(sock, rest, endpoint.address)
    except BaseException:
        with contextlib.suppress(OSError):
            sock.close()
        raise


def _connect(trust: CertificateTrust, endpoint: Endpoint, timeout: float) -> socket.socket:
    for attempt in range(2):
        with _translated(endpoint, "connect", timeout):
            raw = socket.create_connection((endpoint.host, endpoint.port), timeout)
        if not endpoint.tls:
            return raw
        context = trust.context_for(endpoint, timeout)
        try:
            with _translated(endpoint, "connect", timeout):
                sock = context.wrap_socket(raw, server_hostname=endpoint.host)
        except _Refused as refused:
            raw.close()
            if attempt:
                raise TlsError(translate("Console", "certificate refused: {error}").format(
                    error=refused.error), endpoint.address) from None
            trust.verification_failed(endpoint, refused.error, timeout)
            continue
        except BaseException:
            raw.close()
            raise
        try:
            trust.check(endpoint, sock)
        except BaseException:
            sock.close()
            raise
        return sock
    raise AssertionError("unreachable")  # pragma: no cover


def _read_header(sock: socket.socket, endpoint: Endpoint) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > MAX_HEADER:
            raise MalformedResponse(translate(
                "Console", "the console answer has no end of header"), endpoint.address)
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionLost(translate(
                "Console", "the host closed the connection without answering the console "
                "request"), endpoint.address)
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _status(head: bytes, endpoint: Endpoint) -> int:
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise MalformedResponse(translate(
            "Console", "the console answer is not HTTP: {line!r}").format(line=line[:80]),
            endpoint.address)
    return int(parts[1])


def _refusal(status: int, body: bytes) -> str:
    if status == 401:
        return translate("Console", "the host refused the session for the console (HTTP 401)")
    if status == 403:
        return translate("Console", "this user may not open this console (HTTP 403)")
    if status == 404:
        return translate("Console", "the host has no such console (HTTP 404)")
    if status == 503:
        return translate("Console", "the console is already in use and the pool allows only "
                         "one viewer (HTTP 503)")
    if status == 500:
        return translate("Console", "the host could not open the console: the VM may have "
                         "stopped or moved (HTTP 500)")
    return translate("Console", "the host answered the console request with HTTP "
                     "{status}").format(status=status)


class _Refused(Exception):
    def __init__(self, error: ssl.SSLCertVerificationError) -> None:
        self.error = error
        super().__init__(str(error))


@contextlib.contextmanager
def _translated(endpoint: Endpoint, phase: str, limit: float) -> Iterator[None]:
    address = endpoint.address
    try:
        yield
    except TransportError:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise _Refused(exc) from exc
    except ConnectionRefusedError as exc:
        raise ConnectionRefused(translate("Console", "connection refused"), address) from exc
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as exc:
        raise ConnectionLost(translate("Console", "the connection was reset"), address) \
            from exc
    except TimeoutError as exc:
        raise Timeout(translate("Console", "no answer within {s:g} s").format(s=limit),
                      address, phase) from exc
    except ssl.SSLError as exc:
        raise TlsError(translate("Console", "TLS failed: {error}").format(
            error=exc.reason or exc), address) from exc
    except OSError as exc:
        raise NetworkError(translate("Console", "network error: {error}").format(
            error=exc.strerror or exc), address) from exc
