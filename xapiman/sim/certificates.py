"""Certificate records: what xapi lists of a host's own certificates (the server certificate
of `type` host, the pool-internal one of type host_internal) and the CA certificates a pool
trusts, with their validity and fingerprints (`AB:CD:...`)."""

from __future__ import annotations

import datetime
import hashlib
import ssl

from cryptography import x509

from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.model.values import NULL_REF, DateTime


def _colons(digest: str) -> str:
    upper = digest.upper()
    return ":".join(upper[i:i + 2] for i in range(0, len(upper), 2))


def _stamp(moment: datetime.datetime) -> DateTime:
    return DateTime(moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H:%M:%SZ"))


def facts(pem: str, name: str = "") -> dict[str, object]:
    """The Certificate fields of the first certificate in `pem`; CERTIFICATE_CORRUPT [name]
    when it holds none."""
    begin = pem.find("-----BEGIN CERTIFICATE-----")
    try:
        if begin < 0:
            raise ValueError("no certificate")
        der = ssl.PEM_cert_to_DER_cert(pem[begin:pem.index("-----END CERTIFICATE-----") + 25])
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        raise Failure("CERTIFICATE_CORRUPT", name) from None
    sha256 = _colons(hashlib.sha256(der).hexdigest())
    return {"not_before": _stamp(cert.not_valid_before_utc),
            "not_after": _stamp(cert.not_valid_after_utc),
            "fingerprint": sha256, "fingerprint_sha256": sha256,
            "fingerprint_sha1": _colons(hashlib.sha1(der).hexdigest())}


def made_up(seed: str, issued: datetime.datetime) -> dict[str, object]:
    """Fields of a self-signed 10-year certificate nobody serves (synthetic pools)."""
    sha256 = _colons(hashlib.sha256(seed.encode()).hexdigest())
    return {"not_before": _stamp(issued),
            "not_after": _stamp(issued + datetime.timedelta(days=3650)),
            "fingerprint": sha256, "fingerprint_sha256": sha256,
            "fingerprint_sha1": _colons(hashlib.sha1(seed.encode()).hexdigest())}


def of_host(db: Database, host: str, kind: str) -> str | None:
    return next((ref for ref in db.get(host, "host")["certificates"]
                 if db.get(ref, "Certificate")["type"] == kind), None)


def set_host_certificate(db: Database, host: str, kind: str, fields: dict[str, object]) -> str:
    """The host's certificate of `kind` (host, host_internal) now has `fields`."""
    with db.lock:
        ref = of_host(db, host, kind)
        if ref is None:
            return db.create("Certificate", {"type": kind, "host": host, "name": "", **fields})
        db.update(ref, **fields)
        return ref


def serve(db: Database, pem: str) -> None:
    """Every host lists the certificate the simulator serves as its server certificate."""
    fields = facts(pem)
    for host in list(db.all("host")):
        set_host_certificate(db, host, "host", fields)


def ca_named(db: Database, name: str) -> str | None:
    return next((ref for ref, rec in db.all("Certificate").items()
                 if rec["type"] == "ca" and rec["name"] == name), None)


def install_ca(db: Database, name: str, pem: str) -> str:
    with db.lock:
        if ca_named(db, name) is not None:
            raise Failure("CERTIFICATE_ALREADY_EXISTS", name)
        return db.create("Certificate", {"type": "ca", "name": name, "host": NULL_REF,
                                         **facts(pem, name)})


def uninstall_ca(db: Database, name: str) -> None:
    with db.lock:
        ref = ca_named(db, name)
        if ref is None:
            raise Failure("CERTIFICATE_DOES_NOT_EXIST", name)
        db.destroy(ref)
