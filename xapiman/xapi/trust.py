"""Which server certificates a connection trusts: pins per address, asking on first use."""

from __future__ import annotations

import datetime
import logging
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from xapiman.i18n import translate
from xapiman.xapi import deadline as deadlines
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import CertificateChanged, CertificateRejected, ConnectionLost, TlsError
from xapiman.xapi.tls import (
    CertificateInfo,
    check_peer,
    fetch_certificate,
    normalize_fingerprint,
    pinned_context,
)

log = logging.getLogger("xapiman.xapi.tls")


@dataclass(frozen=True)
class CertificateQuestion:
    """Asked when a server shows a certificate that is not pinned for its address.

    Attributes:
        address: "host:port" of the server.
        certificate: what it presents (fingerprint, subject, validity ...).
        previous: the fingerprint pinned for this address, when the certificate changed;
            None on first use.
    """

    address: str
    certificate: CertificateInfo
    previous: str | None = None

    @property
    def changed(self) -> bool:
        return self.previous is not None


CertificateCallback = Callable[[CertificateQuestion], bool]
PinListener = Callable[[str, str], None]


class CertificateTrust:
    """The certificates one pool's connection trusts.

    A certificate is trusted for an address when it is pinned for that address, or (for an
    address seen for the first time, e.g. another pool member during failover) when it is
    pinned for another address of the same pool. Anything else goes to `ask`; without `ask`
    it is refused. There is no way to switch verification off.

    Attributes:
        ask: called (on the connecting thread) with a CertificateQuestion; True accepts.
        on_pinned: called with (address, fingerprint) whenever a pin is added or replaced,
            so the caller can save it in its profile.
        warn: told (in a sentence) about a trusted certificate outside its validity dates:
            the pin is the trust, not the dates, so the connection goes ahead (as XenCenter
            does), but the user should know.
    """

    def __init__(self, pins: Mapping[str, str] | None = None, *,
                 ask: CertificateCallback | None = None,
                 on_pinned: PinListener | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.ask = ask
        self.on_pinned = on_pinned
        self.warn = warn
        self._pins = {addr: normalize_fingerprint(fp) for addr, fp in (pins or {}).items()}
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.RLock()

    @property
    def pins(self) -> dict[str, str]:
        """address -> pinned fingerprint (a copy)."""
        with self._lock:
            return dict(self._pins)

    def pin(self, address: str, fingerprint: str) -> None:
        """Trust `fingerprint` for `address` from now on (replacing an older pin)."""
        fp = normalize_fingerprint(fingerprint)
        with self._lock:
            if self._pins.get(address) == fp:
                return
            self._pins[address] = fp
            self._contexts.pop(address, None)
        log.info("pinned certificate %s for %s", fp, address)
        if self.on_pinned is not None:
            self.on_pinned(address, fp)

    def context_for(self, endpoint: Endpoint, timeout: float) -> ssl.SSLContext:
        """The pinned context for `endpoint`, asking about its certificate when needed.

        Raises:
            CertificateRejected, CertificateChanged, and the transport errors of a probe.
        """
        address = endpoint.address
        with self._lock:
            context = self._contexts.get(address)
            if context is not None:
                return context
            cert = fetch_certificate(endpoint.host, endpoint.port, timeout)
            self._decide(address, cert)
            context = self._contexts[address] = pinned_context(cert)
        self._check_dates(address, cert)
        return context

    def _check_dates(self, address: str, cert: CertificateInfo) -> None:
        if cert.valid_at():
            return
        now = datetime.datetime.now(datetime.UTC)
        if cert.not_after < now:
            text = translate(
                "Certificates", "the certificate of {address} expired on {date}; it is the "
                "trusted one, so the connection goes ahead: renew it on the server").format(
                    address=address, date=f"{cert.not_after:%Y-%m-%d}")
        else:
            text = translate(
                "Certificates", "the certificate of {address} is valid only from {date} (is "
                "a clock wrong?); it is the trusted one, so the connection goes ahead").format(
                    address=address, date=f"{cert.not_before:%Y-%m-%d %H:%M} UTC")
        log.warning("%s", text)
        if self.warn is not None:
            try:
                self.warn(text)
            except Exception:
                log.exception("the certificate warning listener failed")

    def check(self, endpoint: Endpoint, sock: ssl.SSLSocket) -> None:
        """After a handshake: the peer shows exactly the pinned certificate."""
        with self._lock:
            fingerprint = self._pins.get(endpoint.address)
        if fingerprint is None:  # pragma: no cover - context_for pinned it first
            raise TlsError("no certificate is pinned for this address", endpoint.address)
        try:
            check_peer(sock, fingerprint)
        except OSError as exc:
            # reset before the handshake could start: the socket wrapped no TLS session
            raise ConnectionLost("the connection was reset before the TLS handshake",
                                 endpoint.address) from exc

    def verification_failed(self, endpoint: Endpoint, error: ssl.SSLError,
                            timeout: float) -> None:
        """The handshake refused the server's certificate: find out why.

        Returns when the user accepted a new certificate (connect again); raises otherwise.

        Raises:
            CertificateChanged, CertificateRejected, TlsError (same certificate, other reason).
        """
        address = endpoint.address
        with self._lock:
            self._contexts.pop(address, None)
            cert = fetch_certificate(endpoint.host, endpoint.port, timeout)
            if cert.fingerprint == self._pins.get(address):
                reason = getattr(error, "verify_message", "") or error.reason or str(error)
                raise TlsError(f"the pinned certificate is refused: {reason}", address)
            self._decide(address, cert)

    def _decide(self, address: str, cert: CertificateInfo) -> None:
        pinned = self._pins.get(address)
        if pinned == cert.fingerprint:
            return
        if pinned is None and cert.fingerprint in self._pins.values():
            self.pin(address, cert.fingerprint)  # the same pool's certificate on another member
            return
        question = CertificateQuestion(address, cert, pinned)
        accepted = False
        if self.ask is not None:
            try:
                with deadlines.paused():  # a person may be reading the certificate
                    accepted = bool(self.ask(question))
            except Exception:
                log.exception("the certificate callback failed; treating it as a refusal")
        if not accepted:
            if pinned is not None:
                raise CertificateChanged(pinned, cert.fingerprint, address)
            why = "refused" if self.ask is not None else "nothing is pinned and nobody was asked"
            raise CertificateRejected(cert.fingerprint, address, why)
        self.pin(address, cert.fingerprint)
