"""The open connections, one per connection profile; keeps each profile's pins and members."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Any

from xapiman.i18n import translate
from xapiman.pools.profiles import Profile, ProfileError, ProfileNotFoundError, ProfileStore
from xapiman.pools.secrets import PasswordStore, SecretStoreError
from xapiman.xapi.connection import Connection
from xapiman.xapi.errors import XapiClientError
from xapiman.xapi.state import StateChange

log = logging.getLogger("xapiman.pools")

PINS_OPTION = "pins"  # profile.options key: other members' address -> fingerprint

Listener = Callable[[str, Any], None]


class PoolManager:
    """Opens, tracks and closes one Connection per profile.

    Connecting blocks, so `connect()` runs it on a thread of its own; listeners run on
    that thread or the connection's event thread (the desktop app hops to its GUI thread).

    Attributes:
        store: the profiles; passwords: the keyring.
        ask_certificate: asked about a certificate that is not pinned (None refuses it).
    """

    def __init__(self, store: ProfileStore, passwords: PasswordStore | None = None, *,
                 ask_certificate: Callable[[Any], bool] | None = None,
                 connection_factory: Callable[..., Connection] = Connection,
                 share_interpreter: bool = False) -> None:
        self.store = store
        self.passwords = passwords
        self.ask_certificate = ask_certificate
        self._factory = connection_factory
        self.share_interpreter = share_interpreter
        self._connections: dict[str, Connection] = {}
        self._removers: dict[str, list[Callable[[], None]]] = {}
        self._listeners: dict[str, list[Listener]] = {"added": [], "removed": [], "state": [],
                                                      "cache": [], "failed": [], "warning": []}
        self._lock = threading.RLock()
        self._leaving: set[str] = set()  # closing as a second connection to an open pool

    # -- listeners --------------------------------------------------------------------------

    def listen(self, event: str, listener: Listener) -> None:
        """`event`: "added" (name, Connection), "removed" (name, None), "state" (name,
        StateChange), "cache" (name, CacheChange), "failed" (name, exception), "warning"
        (name, sentence: e.g. a trusted certificate past its dates)."""
        self._listeners[event].append(listener)

    def _emit(self, event: str, name: str, value: Any) -> None:
        for listener in list(self._listeners[event]):
            try:
                listener(name, value)
            except Exception:
                log.exception("a pool manager listener failed on %s", event)

    # -- connections ------------------------------------------------------------------------

    def get(self, name: str) -> Connection | None:
        return self._connections.get(name)

    def names(self) -> list[str]:
        return list(self._connections)

    def open(self, profile: Profile, password: str) -> Connection:
        """Make (not yet connect) the connection of `profile`; replaces an older one."""
        self.close(profile.name)
        pins = dict(profile.options.get(PINS_OPTION, {}))
        if profile.pinned_fingerprint:
            pins[_address(profile)] = profile.pinned_fingerprint
        from xapiman.xapi.trust import CertificateTrust

        trust = CertificateTrust(pins, ask=self.ask_certificate,
                                 on_pinned=lambda addr, fp: self._pinned(profile.name, addr, fp),
                                 warn=lambda text: self._emit("warning", profile.name, text))
        conn = self._factory(profile.url, profile.user, password, trust=trust,
                             members=profile.members, share_interpreter=self.share_interpreter)
        with self._lock:
            self._connections[profile.name] = conn
            self._removers[profile.name] = [
                conn.add_state_listener(lambda change: self._on_state(profile.name, change)),
                conn.cache.subscribe(lambda change: self._emit("cache", profile.name, change)),
            ]
        self._emit("added", profile.name, conn)
        return conn

    def connect(self, name: str, timeout: float | None = 60.0) -> threading.Thread:
        """Connect in the background; failures go to the "failed" listeners."""
        conn = self._connections[name]

        def work() -> None:
            try:
                conn.connect(timeout)
            except XapiClientError as exc:
                self._emit("failed", name, exc)
            except Exception as exc:  # a bug: still tell the user something happened
                log.exception("connecting %s failed", name)
                self._emit("failed", name, exc)

        thread = threading.Thread(target=work, name=f"connect {name}", daemon=True)
        thread.start()
        return thread

    def close(self, name: str) -> None:
        with self._lock:
            conn = self._connections.pop(name, None)
            removers = self._removers.pop(name, [])
        if conn is None:
            return
        for remove in removers:
            remove()
        try:
            conn.close()
        finally:
            self._emit("removed", name, None)

    def close_all(self) -> None:
        for name in list(self._connections):
            self.close(name)

    # -- keeping the profile current --------------------------------------------------------

    def _on_state(self, name: str, change: StateChange) -> None:
        self._emit("state", name, change)
        if change.state.value == "connected":
            if self._close_if_pool_open(name):
                return
            self._remember_members(name)

    def same_pool(self, name: str) -> str | None:
        """The other open connection that reaches the same pool as `name` (same pool uuid),
        if there is one; connections closing as such a second one do not count."""
        conn = self._connections.get(name)
        mine = _pool_uuid(conn) if conn is not None else ""
        if not mine:
            return None
        for other, c in list(self._connections.items()):
            if other != name and other not in self._leaving and _pool_uuid(c) == mine:
                return other
        return None

    def _close_if_pool_open(self, name: str) -> bool:
        """A connection that turns out to reach a pool another connection has open (a server
        that joined that pool and was redirected to its coordinator, or two profiles of one
        pool) says so and closes: one pool is shown once."""
        with self._lock:
            first = self.same_pool(name)
            if first is None or name in self._leaving:
                return False
            self._leaving.add(name)
        self._emit("warning", name, translate(
            "Pools", "this is the pool '{pool}', already open as {first}: this connection was "
            "closed").format(pool=_pool_title(self._connections.get(name)), first=first))
        # not on this thread: it is the connection's own, which closing waits for
        threading.Thread(target=self._close_leaving, args=(name,), name=f"close {name}",
                         daemon=True).start()
        return True

    def _close_leaving(self, name: str) -> None:
        try:
            self.close(name)
        finally:
            with self._lock:
                self._leaving.discard(name)

    def retire(self, name: str) -> None:
        """Close the connection `name` for good and forget its profile and saved password:
        its server now belongs to a pool that is open under another name. Blocks (the
        profile file, the keyring): not for the GUI thread."""
        with self._lock:
            self._leaving.add(name)
        try:
            self.close(name)
        finally:
            with self._lock:
                self._leaving.discard(name)
        try:
            profile = self.store.remove(name)
        except ProfileNotFoundError:
            return  # never saved (opened from the command line), or removed meanwhile
        except (ProfileError, OSError) as exc:
            self._emit("warning", name, translate(
                "Pools", "it is still in the saved servers: {error}").format(error=exc))
            return
        if self.passwords is None:
            return
        try:
            if self.passwords.available:
                self.passwords.delete(profile)
        except SecretStoreError as exc:
            log.warning("password of %s not forgotten: %s", name, exc)
            self._emit("warning", name, translate(
                "Pools", "its saved password could not be forgotten: {error}").format(
                    error=exc))

    # Connections save from their own threads; the store re-reads the file under its lock
    # for each change, so one pool's update (or the command line's) is never overwritten.

    def _pinned(self, name: str, address: str, fingerprint: str) -> None:
        def pin(profile: Profile) -> Profile:
            if address == _address(profile):
                return dataclasses.replace(profile, pinned_fingerprint=fingerprint)
            options = dict(profile.options)
            pins = dict(options.get(PINS_OPTION, {}))
            pins[address] = fingerprint
            options[PINS_OPTION] = pins
            return dataclasses.replace(profile, options=options)

        self._change(name, pin, translate(
            "Pools", "The certificate you trusted for {address} was not saved in the profile, "
            "so you will be asked again next time").format(address=address))

    def _remember_members(self, name: str) -> None:
        conn = self._connections.get(name)
        if conn is None:
            return
        members = tuple(conn.member_urls)
        self._change(name, lambda profile: dataclasses.replace(profile, members=members),
                     translate("Pools", "The pool's other members were not saved in the "
                               "profile (they are tried when the coordinator is gone)"))

    def _change(self, name: str, change: Callable[[Profile], Profile], lost: str) -> None:
        """Save a change to a profile; when it cannot be saved, log it and tell the user
        (the "warning" listeners) what was lost."""
        try:
            self.store.modify(name, change)
        except (ProfileError, OSError) as exc:
            log.warning("profile %s not saved: %s", name, exc)
            self._emit("warning", name, f"{lost}: {exc}")
        except Exception as exc:  # a bug: still say what was lost
            log.exception("profile %s not saved", name)
            self._emit("warning", name, f"{lost}: {exc!r}")


def _pool_record(conn: Connection | None) -> dict:
    if conn is None:
        return {}
    return next(iter(conn.cache.records("pool").values()), {})


def _pool_uuid(conn: Connection | None) -> str:
    return str(_pool_record(conn).get("uuid", ""))


def _pool_title(conn: Connection | None) -> str:
    """The pool's name, else its coordinator's (a standalone server's pool has no name)."""
    pool = _pool_record(conn)
    if pool.get("name_label") or conn is None:
        return str(pool.get("name_label", ""))
    master = conn.cache.record("host", pool.get("master", "")) or {}
    return str(master.get("name_label", ""))


def _address(profile: Profile) -> str:
    from xapiman.xapi.endpoints import Endpoint

    return Endpoint.parse(profile.url).address
