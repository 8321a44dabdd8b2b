"""Passwords in the keyring: the real Secret Service path, and refusal of insecure backends."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring.backend
import pytest
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, PasswordDeleteError

from tests.keyring_daemon import (
    SecretServiceSession,
    isolated_env,
    missing_tools,
    private_secret_service,
)
from xapiman.pools.profiles import Profile
from xapiman.pools.secrets import (
    SERVICE,
    PasswordStore,
    SecretStoreUnavailable,
    choose_secure_backend,
    password_key,
)

REPO = Path(__file__).resolve().parents[2]
LAB = Profile(name="lab", address="pool.example", user="root")


class MemoryKeyring:
    """A secure-looking in-memory backend. Deliberately not a keyring.backend.KeyringBackend
    subclass: those register themselves process-wide and would be found by detection."""

    priority = 5

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plain file backend."""

    priority = 0.5


PlaintextKeyring.__module__ = "keyrings.alt.file"


class FailingKeyring(MemoryKeyring):
    """A secure backend whose calls fail with a given error until `error` is cleared."""

    def __init__(self, error: Exception | None) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        if self.error:
            raise self.error
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.error:
            raise self.error
        super().set_password(service, username, password)


# --- the real path: a private D-Bus session with GNOME Keyring ----------------------------


@pytest.fixture(scope="module")
def secret_service(tmp_path_factory: pytest.TempPathFactory):
    missing = missing_tools()
    if missing:
        pytest.skip(f"the real keyring tests need {' and '.join(missing)} "
                    "(Debian packages dbus and gnome-keyring)")
    with private_secret_service(tmp_path_factory.mktemp("keyring")) as session:
        yield session


@pytest.fixture
def real_keyring(secret_service: SecretServiceSession, monkeypatch: pytest.MonkeyPatch):
    """This process talks to the private session only, with no keyring config of the user."""
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.setenv(name, secret_service.env[name])
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    return secret_service


@pytest.mark.timeout(10)
def test_round_trip_through_the_real_secret_service(real_keyring: SecretServiceSession) -> None:
    store = PasswordStore()
    assert store.available, store.unavailable_reason
    assert store.unavailable_reason is None
    assert store.backend_name == "keyring.backends.SecretService.Keyring"
    assert store.get(LAB) is None
    store.set(LAB, "first p\u00e4ssw\u00f6rd")
    assert store.get(LAB) == "first p\u00e4ssw\u00f6rd"
    store.set(LAB, "second")
    assert PasswordStore().get(LAB) == "second"  # a new store reads what the keyring holds
    assert store.delete(LAB) is True
    assert store.get(LAB) is None
    assert store.delete(LAB) is False


@pytest.mark.timeout(10)
def test_detection_follows_the_session_bus_as_it_is_now(
        real_keyring: SecretServiceSession, monkeypatch: pytest.MonkeyPatch) -> None:
    # keyring remembers the backends it found once per process; each store looks again.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    assert not PasswordStore().available
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", real_keyring.address)
    assert PasswordStore().available
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    assert "DBUS_SESSION_BUS_ADDRESS" in (PasswordStore().unavailable_reason or "")


@pytest.mark.timeout(10)
def test_password_is_kept_under_service_and_user_at_host_port(
        real_keyring: SecretServiceSession) -> None:
    from keyring.backends import SecretService

    other_port = Profile(name="lab-8443", address="pool.example", port=8443)
    store = PasswordStore()
    store.set(LAB, "on 443")
    store.set(other_port, "on 8443")
    backend = SecretService.Keyring()
    assert backend.get_password(SERVICE, "root@pool.example:443") == "on 443"
    assert backend.get_password(SERVICE, "root@pool.example:8443") == "on 8443"
    renamed = Profile(name="renamed", address="pool.example")
    assert store.get(renamed) == "on 443"
    store.delete(LAB)
    store.delete(other_port)


@pytest.mark.timeout(10)
def test_keyring_data_stays_in_the_private_home(real_keyring: SecretServiceSession) -> None:
    PasswordStore().set(LAB, "kept by gnome-keyring")
    keyrings = real_keyring.home / ".local" / "share" / "keyrings"
    assert (keyrings / "login.keyring").is_file()
    stored = b"".join(path.read_bytes() for path in keyrings.iterdir() if path.is_file())
    assert b"kept by gnome-keyring" not in stored  # the keyring file is encrypted
    PasswordStore().delete(LAB)


# --- no keyring at all: a fresh interpreter without a session bus -------------------------

_NO_BUS_SCRIPT = textwrap.dedent("""
    import json
    from xapiman.pools.profiles import Profile
    from xapiman.pools.secrets import PasswordStore, SecretStoreUnavailable
    store = PasswordStore()
    profile = Profile(name="lab", address="pool.example")
    result = {"available": store.available, "reason": store.unavailable_reason,
              "get": store.get(profile)}
    try:
        store.set(profile, "must-not-be-written")
        result["set"] = "stored"
    except SecretStoreUnavailable as exc:
        result["set"] = str(exc)
    print(json.dumps(result))
""")


def _run_isolated(home: Path, extra_env: dict[str, str] | None = None) -> dict[str, object]:
    env = isolated_env(home)
    env["PYTHONPATH"] = str(REPO)
    env.update(extra_env or {})
    done = subprocess.run([sys.executable, "-c", _NO_BUS_SCRIPT], env=env, cwd=home,
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.mark.timeout(30)
def test_without_a_session_bus_passwords_are_refused_not_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = _run_isolated(home)
    assert result["available"] is False
    assert "No secure system keyring" in result["reason"]
    assert "DBUS_SESSION_BUS_ADDRESS" in result["reason"]
    assert result["get"] is None
    assert result["set"].startswith("Could not remember the password.")
    assert _files_under(home) == []


@pytest.mark.timeout(30)
def test_keyring_turned_off_by_environment(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = _run_isolated(home, {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    assert result["available"] is False
    assert "turned off" in result["reason"]
    assert "turned off" in result["set"]
    assert _files_under(home) == []


# --- detection rules, with injected backends ----------------------------------------------


@pytest.mark.parametrize("backend, words", [
    (fail.Keyring(), "No secure system keyring"),
    (null.Keyring(), "turned off"),
    (PlaintextKeyring(), "keyrings.alt.file.PlaintextKeyring"),
])
def test_insecure_or_missing_backends_are_refused(backend: object, words: str) -> None:
    store = PasswordStore(backend)  # type: ignore[arg-type]
    assert store.available is False
    assert words in (store.unavailable_reason or "")
    assert store.get(LAB) is None
    with pytest.raises(SecretStoreUnavailable, match="Could not remember the password"):
        store.set(LAB, "secret")
    with pytest.raises(SecretStoreUnavailable, match="Could not forget the password"):
        store.delete(LAB)
    if isinstance(backend, MemoryKeyring):
        assert backend.items == {}


def test_low_priority_backend_is_refused() -> None:
    class Weak(MemoryKeyring):
        priority = 0.9

    store = PasswordStore(Weak())
    assert not store.available
    assert "not a secure system keyring" in (store.unavailable_reason or "")


def test_encrypted_file_backend_is_refused_by_name() -> None:
    class CryptFileKeyring(MemoryKeyring):
        priority = 2

    assert "CryptFileKeyring" in (PasswordStore(CryptFileKeyring()).unavailable_reason or "")


def test_a_chain_uses_its_secure_member_and_skips_the_plain_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    secure, plain = MemoryKeyring(), PlaintextKeyring()
    # The chain asks keyring.backend.get_all_keyring() for its members.
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [plain, secure])
    assert choose_secure_backend(chainer.ChainerBackend()) == (secure, None)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [plain])
    chosen, reason = choose_secure_backend(chainer.ChainerBackend())
    assert chosen is None and reason and "No secure system keyring" in reason


def test_injected_secure_backend_round_trip() -> None:
    backend = MemoryKeyring()
    store = PasswordStore(backend)
    assert store.available and store.backend_name and store.backend_name.endswith("MemoryKeyring")
    store.set(LAB, "pw")
    assert backend.items == {(SERVICE, "root@pool.example:443"): "pw"}
    assert store.get(LAB) == "pw"
    assert store.delete(LAB) is True
    assert store.delete(LAB) is False


def test_locked_keyring_makes_the_store_unavailable_until_it_answers_again() -> None:
    backend = FailingKeyring(KeyringLocked("Failed to unlock the collection!"))
    store = PasswordStore(backend)
    assert store.available  # nothing tried yet
    assert store.get(LAB) is None
    assert not store.available
    assert "locked" in (store.unavailable_reason or "")
    backend.error = None
    backend.set_password(SERVICE, password_key(LAB), "pw")
    assert store.get(LAB) == "pw"
    assert store.available


def test_set_failure_raises_a_readable_error() -> None:
    store = PasswordStore(FailingKeyring(InitError("Failed to create the collection: Prompt "
                                                   "dismissed.")))
    with pytest.raises(SecretStoreUnavailable, match="could not be opened.*Prompt dismissed"):
        store.set(LAB, "pw")
    assert not store.available


def test_broken_keyring_configuration_is_reported(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    store = PasswordStore()
    assert not store.available
    assert "could not be loaded" in (store.unavailable_reason or "")
    assert store.get(LAB) is None


def test_refresh_detects_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    store = PasswordStore()
    assert "turned off" in (store.unavailable_reason or "")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    assert "turned off" in (store.unavailable_reason or "")  # detection is cached per store
    store.refresh()
    assert "could not be loaded" in (store.unavailable_reason or "")


@pytest.mark.parametrize("profile, key", [
    (Profile(name="a", address="pool.example"), "root@pool.example:443"),
    (Profile(name="a", address="pool.example", use_tls=False), "root@pool.example:80"),
    (Profile(name="a", address="https://10.0.0.1:8443", user="admin"), "admin@10.0.0.1:8443"),
    (Profile(name="a", address="fe80::1", user="ops"), "ops@[fe80::1]:443"),
])
def test_password_key(profile: Profile, key: str) -> None:
    assert password_key(profile) == key


def test_password_store_leaves_keyrings_global_choice_alone(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import keyring

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    before = keyring.core._keyring_backend
    PasswordStore().available  # noqa: B018
    assert keyring.core._keyring_backend is before
