"""Passwords in the system keyring (Secret Service, KWallet, ...), never in a plain file.

Each password is stored under the service name "xapiman" and the key
"<user>@<host>:<port>" (see `password_key`): profiles that log in to the same server as the
same user share one password, renaming a profile keeps it, and a keyring browser such as
Seahorse shows what it is for. Changing a profile's user, address or port leaves the old
entry in place; the caller moves or deletes it.

Only secure backends are used. When the keyring is missing, turned off, or would keep
passwords in a plain file, `available` is False, `unavailable_reason` says why in a sentence,
`get` returns None and `set` raises SecretStoreUnavailable: the app then asks for the password
each time. Keyring calls can block (D-Bus, unlock prompts): call them off the GUI thread.
"""

from __future__ import annotations

import contextlib
import re
from typing import Protocol

import keyring.backend
import keyring.core
from keyring.backends import chainer, fail, null
from keyring.errors import (
    InitError,
    KeyringError,
    KeyringLocked,
    NoKeyringError,
    PasswordDeleteError,
)

from xapiman.logs import keep_out_of_logs
from xapiman.pools.profiles import Profile, format_host

SERVICE = "xapiman"


def _optional_errors() -> tuple[type[BaseException], ...]:
    """The D-Bus libraries' own errors, when they are installed."""
    errors: list[type[BaseException]] = []
    try:
        from secretstorage.exceptions import SecretStorageException

        errors.append(SecretStorageException)
    except ImportError:
        pass
    try:
        from jeepney.wrappers import DBusErrorResponse

        errors.append(DBusErrorResponse)
    except ImportError:
        pass
    return tuple(errors)


# What a keyring call may raise when the store cannot serve it (bus gone, locked, refused).
_STORE_ERRORS = (KeyringError, OSError, RuntimeError, *_optional_errors())
# What choosing the configured backend may raise (bad name in keyringrc.cfg, not viable).
_SETUP_ERRORS = (ImportError, AttributeError, ValueError, *_STORE_ERRORS)
_INSECURE_MODULE_PART = re.compile(r"alt|file|.*plaintext.*")
_INSECURE_CLASS_NAME = re.compile(r".*(plaintext|file).*", re.IGNORECASE)


class SecretStoreError(Exception):
    """A password could not be stored or read; the message is meant for the user."""


class SecretStoreUnavailable(SecretStoreError):
    """There is no secure keyring to keep passwords in."""


class KeyringBackend(Protocol):
    """What PasswordStore needs from a backend: the three calls of `keyring`'s backends."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def password_key(profile: Profile) -> str:
    """The keyring user name for a profile's password: `user@host:port`."""
    return f"{profile.user}@{format_host(profile.host)}:{profile.effective_port}"


class PasswordStore:
    """The profiles' passwords in the system keyring, or nowhere.

    `backend` is for the app's own choice and for tests; without it the backend that
    `keyring` would pick (PYTHON_KEYRING_BACKEND, keyringrc.cfg, else the best one found) is
    detected afresh for this store, without touching `keyring`'s process-wide choice.
    Detection happens on first use; `refresh()` forgets it.
    """

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._given = backend
        self._backend: KeyringBackend | None = None
        self._setup_problem: str | None = None
        self._last_failure: str | None = None
        self._detected = False

    @property
    def available(self) -> bool:
        """True when a secure keyring is there and its last call did not fail."""
        return self.unavailable_reason is None

    @property
    def unavailable_reason(self) -> str | None:
        """Why passwords cannot be kept, as a sentence for the user; None when they can."""
        self._detect()
        return self._setup_problem or self._last_failure

    @property
    def backend_name(self) -> str | None:
        """The secure backend in use (`module.Class`), or None."""
        self._detect()
        return _backend_name(self._backend) if self._backend is not None else None

    def refresh(self) -> None:
        """Forget the detected backend and any failure; the next call detects it again."""
        self._detected = False
        self._backend = None
        self._setup_problem = None
        self._last_failure = None

    def get(self, profile: Profile) -> str | None:
        """The profile's password, or None when none is stored or the keyring is unavailable."""
        backend = self._usable_backend()
        if backend is None:
            return None
        try:
            password = backend.get_password(SERVICE, password_key(profile))
        except _STORE_ERRORS as exc:
            self._last_failure = _describe_failure(exc)
            return None
        self._last_failure = None
        keep_out_of_logs(password)
        return password

    def set(self, profile: Profile, password: str) -> None:
        """Remember the profile's password; raises SecretStoreUnavailable when it cannot."""
        if not isinstance(password, str):
            raise TypeError(f"the password must be text, got {type(password).__name__}")
        keep_out_of_logs(password)
        backend = self._usable_backend()
        if backend is None:
            raise SecretStoreUnavailable(self._cannot("remember", self.unavailable_reason))
        try:
            backend.set_password(SERVICE, password_key(profile), password)
        except _STORE_ERRORS as exc:
            self._last_failure = _describe_failure(exc)
            raise SecretStoreUnavailable(self._cannot("remember", self._last_failure)) from exc
        self._last_failure = None

    def delete(self, profile: Profile) -> bool:
        """Forget the profile's password; returns False when none was stored."""
        backend = self._usable_backend()
        if backend is None:
            raise SecretStoreUnavailable(self._cannot("forget", self.unavailable_reason))
        try:
            backend.delete_password(SERVICE, password_key(profile))
        except PasswordDeleteError:
            self._last_failure = None
            return False
        except _STORE_ERRORS as exc:
            self._last_failure = _describe_failure(exc)
            raise SecretStoreUnavailable(self._cannot("forget", self._last_failure)) from exc
        self._last_failure = None
        return True

    def _usable_backend(self) -> KeyringBackend | None:
        self._detect()
        return None if self._setup_problem else self._backend

    def _detect(self) -> None:
        if self._detected:
            return
        self._detected = True
        try:
            chosen = self._given if self._given is not None else _configured_backend()
        except _SETUP_ERRORS as exc:
            self._setup_problem = (
                f"The keyring configured for Python could not be loaded ({_error_text(exc)}), "
                "so passwords are not remembered.")
            return
        self._backend, self._setup_problem = choose_secure_backend(chosen)

    @staticmethod
    def _cannot(verb: str, reason: str | None) -> str:
        return f"Could not {verb} the password. {reason}"


def _configured_backend() -> keyring.backend.KeyringBackend:
    """What `keyring` itself would choose, detected now rather than taken from its cache."""
    configured = keyring.core.load_env() or keyring.core.load_config()
    if configured is not None:
        return configured
    return max(_viable_backends(), key=keyring.backend.by_priority, default=fail.Keyring())


def _viable_backends() -> list[keyring.backend.KeyringBackend]:
    """The backends usable now. `keyring` computes this list once per process, so a session
    bus that appeared (or went away) later would go unnoticed: drop its copy first."""
    forget = getattr(keyring.backend.get_all_keyring, "reset", None)
    if callable(forget):
        with contextlib.suppress(KeyError):  # nothing computed yet
            forget()
    return keyring.backend.get_all_keyring()


def choose_secure_backend(
    backend: KeyringBackend,
) -> tuple[KeyringBackend | None, str | None]:
    """The backend to use (from a chain, its best secure member), or None and why not."""
    if isinstance(backend, chainer.ChainerBackend):
        secure = [member for member in backend.backends if insecurity(member) is None]
        if secure:
            return secure[0], None
        return None, no_keyring_reason()
    problem = insecurity(backend)
    return (None, problem) if problem else (backend, None)


def insecurity(backend: object) -> str | None:
    """Why `backend` must not hold passwords (missing, turned off, plain file), or None."""
    name = _backend_name(backend)
    if isinstance(backend, fail.Keyring):
        return no_keyring_reason()
    if isinstance(backend, null.Keyring):
        return ("Remembering passwords is turned off in the keyring settings (the 'null' "
                "backend is chosen by PYTHON_KEYRING_BACKEND or keyringrc.cfg).")
    if _looks_like_plain_file(backend):
        return (f"The keyring backend {name} keeps passwords in a file that is not properly "
                "protected, so xapiman does not use it; passwords are not remembered.")
    try:
        priority = backend.priority  # type: ignore[attr-defined]
    except AttributeError:
        priority = None
    except _SETUP_ERRORS as exc:
        return f"The keyring backend {name} cannot be used: {_error_text(exc)}."
    if isinstance(priority, bool) or not isinstance(priority, (int, float)) or priority < 1:
        return (f"The keyring backend {name} is not a secure system keyring (priority "
                f"{priority}), so xapiman does not use it; passwords are not remembered.")
    return None


def no_keyring_reason() -> str:
    """The sentence for 'no secure keyring found', with the Secret Service's own complaint."""
    detail = _secret_service_problem()
    because = f" (Secret Service: {detail})" if detail else ""
    return ("No secure system keyring was found" + because + ", so passwords are not "
            "remembered. Run a keyring such as GNOME Keyring or KWallet in your desktop session.")


def _secret_service_problem() -> str | None:
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018 (the check raises when not viable)
    except _SETUP_ERRORS as exc:
        return _error_text(exc)
    return None


def _looks_like_plain_file(backend: object) -> bool:
    cls = type(backend)
    module_parts = cls.__module__.lower().split(".")
    if any(_INSECURE_MODULE_PART.fullmatch(part) for part in module_parts):
        return True
    return bool(_INSECURE_CLASS_NAME.fullmatch(cls.__name__))


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe_failure(exc: BaseException) -> str:
    if isinstance(exc, KeyringLocked):
        return "The keyring is locked and was not unlocked (the unlock prompt was dismissed)."
    if isinstance(exc, InitError):
        return f"The keyring could not be opened ({_error_text(exc)})."
    if isinstance(exc, NoKeyringError):
        return no_keyring_reason()
    return f"The system keyring did not answer as expected ({_error_text(exc)})."


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
