"""Server certificates: fetch one, describe it (fingerprint, subject, validity), pin it."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import socket
import ssl
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from xapiman.xapi import deadline as deadlines
from xapiman.xapi.errors import (
    CertificateChanged,
    ConnectionRefused,
    NetworkError,
    Timeout,
    TlsError,
    TransportError,
)


def fingerprint_of(der: bytes) -> str:
    """SHA-256 of a DER certificate as upper-case hex pairs: `AB:CD:...`."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def normalize_fingerprint(text: str) -> str:
    """`ab cd...`, `abcd...`, `sha256:AB:CD...` -> `AB:CD:...` (ValueError when not SHA-256)."""
    raw = text.strip()
    if raw.lower().startswith(("sha256:", "sha-256:")):
        raw = raw.split(":", 1)[1]
    hexdigits = "".join(c for c in raw if c not in ": -").upper()
    if len(hexdigits) != 64 or any(c not in "0123456789ABCDEF" for c in hexdigits):
        raise ValueError(f"not a SHA-256 fingerprint: {text!r}")
    return ":".join(hexdigits[i : i + 2] for i in range(0, 64, 2))


def same_fingerprint(a: str, b: str) -> bool:
    """Whether two fingerprints (any accepted spelling) are equal, compared in constant time."""
    return hmac.compare_digest(normalize_fingerprint(a), normalize_fingerprint(b))


@dataclass(frozen=True)
class CertificateInfo:
    """What a user needs to decide whether to trust a server certificate.

    Attributes:
        der: the certificate (DER bytes); pem: the same as PEM text.
        fingerprint: SHA-256 fingerprint `AB:CD:...`.
        subject, issuer: RFC 4514 names, e.g. "CN=xcp-host-01".
        not_before, not_after: validity (UTC).
        names: DNS names and IP addresses from subjectAltName.
        self_signed: issuer == subject.
    """

    der: bytes
    fingerprint: str
    subject: str
    issuer: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    names: tuple[str, ...]

    @classmethod
    def from_der(cls, der: bytes) -> CertificateInfo:
        cert = x509.load_der_x509_certificate(der)
        try:
            san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
            names = tuple(str(n.value) for n in san.value)
        except x509.ExtensionNotFound:
            names = ()
        return cls(der, fingerprint_of(der), cert.subject.rfc4514_string(),
                   cert.issuer.rfc4514_string(), cert.not_valid_before_utc,
                   cert.not_valid_after_utc, names)

    @property
    def pem(self) -> str:
        return ssl.DER_cert_to_PEM_cert(self.der)

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer

    def valid_at(self, moment: datetime.datetime | None = None) -> bool:
        moment = moment or datetime.datetime.now(datetime.UTC)
        return self.not_before <= moment <= self.not_after


def probe_context() -> ssl.SSLContext:
    """A context that reads whatever certificate a server shows, to let the user judge it.

    Only `fetch_certificate` uses it: no request is ever sent over such a connection.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fetch_certificate(host: str, port: int, timeout: float = 10.0) -> CertificateInfo:
    """Connect, complete a TLS handshake, and return the server's certificate.

    Raises:
        ConnectionRefused, Timeout, NetworkError, TlsError.
    """
    address = f"{host}:{port}"
    deadline = deadlines.current()
    if deadline is not None:
        deadline.check(address)
        timeout = deadline.limit(timeout)
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                deadlines.guarded(lambda: _shut(raw)):
            der = _handshake_certificate(raw, host)
    except TransportError:
        raise
    except OSError as exc:
        if deadline is not None and deadline.expired:
            raise deadline.error(address) from exc
        raise _probe_error(exc, address, timeout) from exc
    if not der:
        raise TlsError("the server sent no certificate", address)
    return CertificateInfo.from_der(der)


def _handshake_certificate(raw: socket.socket, host: str) -> bytes | None:
    """The server's certificate (DER) from a TLS handshake over `raw`.

    The handshake runs over memory buffers rather than a wrapped socket: `raw` stays the
    caller's to close whatever happens (a socket wrapped while the peer is already going
    can fail before it is handed back, and nobody could close it).
    """
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = probe_context().wrap_bio(incoming, outgoing, server_hostname=host)
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            pending = outgoing.read()
            if pending:
                raw.sendall(pending)
            received = raw.recv(65536)
            if not received:
                raise ConnectionResetError("the server closed the connection during the TLS "
                                           "handshake") from None
            incoming.write(received)
    pending = outgoing.read()
    if pending:
        with contextlib.suppress(OSError):
            raw.sendall(pending)  # the end of our handshake, for a server that waits for it
    return tls.getpeercert(binary_form=True)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _probe_error(exc: OSError, address: str, timeout: float) -> TransportError:
    """The client's error for a failed certificate probe."""
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionRefused("connection refused", address)
    if isinstance(exc, TimeoutError):
        return Timeout(f"no TLS handshake within {timeout:g} s", address)
    if isinstance(exc, ssl.SSLError):
        return TlsError(f"TLS handshake failed: {exc.reason or exc}", address)
    return NetworkError(f"cannot connect: {exc.strerror or exc}", address)


_NO_CHECK_TIME = 0x200000  # OpenSSL's X509_V_FLAG_NO_CHECK_TIME (the ssl module has no name)


def pinned_context(certificate: CertificateInfo | str | bytes) -> ssl.SSLContext:
    """A client context that trusts exactly the pinned certificate and nothing else.

    The pinned certificate (an object, PEM text or DER bytes) is the only trust anchor, so the
    system CAs play no part; the host name is not checked because the pin is stronger (a
    server must hold the pinned certificate's private key). Use it for every channel to the
    host: API calls, console, metrics, import/export. `check_peer` adds the exact-match test.
    """
    if isinstance(certificate, CertificateInfo):
        pem = certificate.pem
    elif isinstance(certificate, bytes):
        pem = ssl.DER_cert_to_PEM_cert(certificate)
    else:
        pem = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    # The pin may be a leaf certificate signed by a CA: trust it alone, without its chain.
    # Its dates are not checked: the pin is the trust (an expired pinned certificate connects,
    # with a warning from CertificateTrust, as XenCenter does).
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | _NO_CHECK_TIME
    context.load_verify_locations(cadata=pem)
    return context


def check_peer(sock: ssl.SSLSocket, fingerprint: str) -> str:
    """The fingerprint of the peer's certificate, checked to be exactly `fingerprint`.

    Raises:
        CertificateChanged: the peer's certificate is not exactly the pinned one.
    """
    der = sock.getpeercert(binary_form=True) or b""
    actual = fingerprint_of(der)
    if not same_fingerprint(actual, fingerprint):
        peer = sock.getpeername()
        raise CertificateChanged(normalize_fingerprint(fingerprint), actual,
                                 f"{peer[0]}:{peer[1]}")
    return actual
