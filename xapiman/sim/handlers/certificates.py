"""The pool's CA and trusted certificates (install, uninstall, list); the hosts' own
certificates are Certificate records kept by xapiman/sim/certificates.py."""

from __future__ import annotations

from xapiman.sim import certificates
from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF


@handler("pool", "install_ca_certificate", "certificate_install")
def install_ca_certificate(call: Call, name: str, cert: str) -> None:
    if not name or "/" in name or name.startswith("."):
        raise Failure("CERTIFICATE_NAME_INVALID", name)
    certificates.install_ca(call.db, name, cert)


@handler("pool", "uninstall_ca_certificate", "certificate_uninstall")
def uninstall_ca_certificate(call: Call, name: str, force: bool = False) -> None:  # noqa: ARG001
    certificates.uninstall_ca(call.db, name)


@handler("pool", "certificate_list")
def certificate_list(call: Call) -> list[str]:
    return sorted(rec["name"] for rec in call.db.all("Certificate").values()
                  if rec["type"] == "ca")


@handler("pool", "certificate_sync")
def certificate_sync(call: Call) -> None:
    """Every host already shares the pool's certificates."""


@handler("pool", "install_trusted_certificate")
def install_trusted_certificate(call: Call, self: str, ca: bool, cert: str,
                                purpose: list[str]) -> None:
    db = call.db
    with db.lock:
        db.get(self, "pool")
        fields = certificates.facts(cert)
        for rec in db.all("Certificate").values():
            if rec["fingerprint_sha256"] == fields["fingerprint_sha256"] \
                    and rec["type"] in ("ca", "pinned"):
                raise Failure("TRUSTED_CERTIFICATE_ALREADY_EXISTS", rec["fingerprint_sha256"])
        db.create("Certificate", {"type": "ca" if ca else "pinned", "host": NULL_REF,
                                  "purpose": sorted(set(purpose)), **fields})


@handler("pool", "uninstall_trusted_certificate")
def uninstall_trusted_certificate(call: Call, self: str, certificate: str) -> None:
    db = call.db
    with db.lock:
        db.get(self, "pool")
        rec = db.get(certificate, "Certificate")
        if rec["type"] not in ("ca", "pinned"):
            raise Failure("NOT_TRUSTED_CERTIFICATE", certificate)
        db.destroy(certificate)
