"""Every pin holds: first-use trust is remembered, --fingerprint re-pins a profile, and an
expired pinned certificate connects with a warning."""

from __future__ import annotations

import contextlib
import datetime
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.cli.test_hostile_input import run_cli
from xapiman.pools.profiles import ProfileStore
from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.synth import generate_pool
from xapiman.xapi.endpoints import Endpoint


@contextlib.contextmanager
def serving(port: int = 0, cert: Path | None = None) -> Iterator[Simulator]:
    """A small TLS pool (a new self-signed certificate unless `cert` is given)."""
    sim = Simulator(generate_pool(1, 2, seed=1), SimConfig(speed=0.0), use_tls=True, port=port,
                    cert=cert)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


def expired_certificate(folder: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old-host")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=800))
            .not_valid_after(now - datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / "expired.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption())
                     + cert.public_bytes(serialization.Encoding.PEM))
    return path


def stats(capsys, monkeypatch, sim: Simulator, *options: str) -> tuple[int, str]:
    status, _, err = run_cli(capsys, monkeypatch, *options, "--user", sim.config.user,
                             "stats", password=sim.config.password)
    return status, err


def test_first_use_is_remembered_and_a_changed_certificate_refused(
        capsys, monkeypatch, _private_config_dir) -> None:
    with serving() as first:
        url, port, old = first.url(), first.servers[first.coordinator].port, first.fingerprint
        status, err = stats(capsys, monkeypatch, first, "--url", url, "--trust-on-first-use")
        assert status == 0, err
        known = _private_config_dir / "known_hosts"
        assert stat.S_IMODE(known.stat().st_mode) == 0o600
        assert f"{Endpoint.parse(url).address} {old}" in known.read_text()
        status, err = stats(capsys, monkeypatch, first, "--url", url)  # pinned now
        assert status == 0, err
    with serving(port) as impostor:
        assert impostor.fingerprint != old
        status, err = stats(capsys, monkeypatch, impostor, "--url", url, "--trust-on-first-use")
        assert status == 1
        assert old in err and impostor.fingerprint in err and "changed" in err.lower()
        assert f"{Endpoint.parse(url).address} {old}" in known.read_text()  # kept


def test_fingerprint_on_a_profile_pins_the_new_certificate(capsys, monkeypatch) -> None:
    with serving() as first:
        url, port = first.url(), first.servers[first.coordinator].port
        assert run_cli(capsys, monkeypatch, "profile", "add", "lab", url)[0] == 0
        status, err = stats(capsys, monkeypatch, first, "--profile", "lab",
                            "--trust-on-first-use")
        assert status == 0, err
    with serving(port) as renewed:
        new = renewed.fingerprint
        status, err = stats(capsys, monkeypatch, renewed, "--profile", "lab")
        assert status == 1 and new in err  # changed: refused until the user says so
        status, err = stats(capsys, monkeypatch, renewed, "--profile", "lab", "--fingerprint",
                            new.replace(":", "").lower())
        assert status == 0, err
        assert ProfileStore().get("lab").pinned_fingerprint == new
        status, err = stats(capsys, monkeypatch, renewed, "--profile", "lab")
        assert status == 0, err


@pytest.mark.parametrize("how", ["pinned", "first-use"])
def test_an_expired_pinned_certificate_connects_with_a_warning(capsys, monkeypatch, tmp_path,
                                                                how) -> None:
    with serving(cert=expired_certificate(tmp_path)) as old:
        trust = ["--fingerprint", old.fingerprint] if how == "pinned" else \
            ["--trust-on-first-use"]
        status, err = stats(capsys, monkeypatch, old, "--url", old.url(), *trust)
        assert status == 0, err
        assert "expired on" in err and "renew it" in err


def test_a_wrong_fingerprint_is_a_clear_error(capsys, monkeypatch) -> None:
    status, _, err = run_cli(capsys, monkeypatch, "--url", "https://127.0.0.1:9",
                             "--fingerprint", "AB:CD", "stats", password="pw")
    assert status == 1 and "not a SHA-256 fingerprint" in err
