"""PoolManager against two simulated pools: background connections, listeners, certificates
asked on first use, and the profile (pin, members) kept current in the store."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.client.conftest import wait_until
from xapiman.pools.manager import PoolManager
from xapiman.pools.profiles import Profile, ProfileStore
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi import CertificateQuestion, CertificateRejected, ConnectionState
from xapiman.xapi.errors import ConnectionRefused, SessionAuthenticationFailed


@pytest.fixture(scope="module")
def tls_pool() -> Iterator[RunningPool]:
    with running_pool(hosts=2, vms=6, tls=True) as p:
        yield p


@pytest.fixture
def http_pool() -> Iterator[RunningPool]:
    """A plain-HTTP pool of the test's own (tests rename its objects)."""
    with running_pool(hosts=2, vms=6, seed=2) as p:
        yield p


class Events:
    """Everything a PoolManager tells its listeners, in order (thread-safe)."""

    def __init__(self, manager: PoolManager) -> None:
        self.items: list[tuple[str, str, Any]] = []
        self._lock = threading.Lock()
        for kind in ("added", "removed", "state", "cache", "failed", "warning"):
            manager.listen(kind, self._recorder(kind))

    def _recorder(self, kind: str):
        def record(name: str, value: Any) -> None:
            with self._lock:
                self.items.append((kind, name, value))
        return record

    def of(self, kind: str, name: str | None = None) -> list[Any]:
        with self._lock:
            return [v for k, n, v in self.items if k == kind and name in (None, n)]

    def states(self, name: str) -> list[str]:
        return [change.state.value for change in self.of("state", name)]

    def kinds(self, name: str) -> list[str]:
        with self._lock:
            return [k for k, n, _v in self.items if n == name and k in ("added", "removed")]


class Asker:
    """The certificate question's answer, and the questions asked."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.questions: list[CertificateQuestion] = []

    def __call__(self, question: CertificateQuestion) -> bool:
        self.questions.append(question)
        return self.answer


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path)


@pytest.fixture
def asker() -> Asker:
    return Asker()


@pytest.fixture
def manager(store: ProfileStore, asker: Asker) -> Iterator[PoolManager]:
    pm = PoolManager(store, None, ask_certificate=asker)
    try:
        yield pm
    finally:
        pm.close_all()


def profile_for(store: ProfileStore, name: str, url: str, **fields: object) -> Profile:
    profile = Profile(name=name, address=url, use_tls=url.startswith("https"), **fields)
    store.add(profile)
    return profile


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def other_host_url(p: RunningPool) -> str:
    return next(url for _name, url in p.host_urls() if url != p.url)


def test_two_pools_at_once(manager: PoolManager, store: ProfileStore, asker: Asker,
                           tls_pool: RunningPool, http_pool: RunningPool) -> None:
    events = Events(manager)
    secure = profile_for(store, "secure", tls_pool.url)
    plain = profile_for(store, "plain", http_pool.url)
    conns = {"secure": manager.open(secure, tls_pool.password),
             "plain": manager.open(plain, http_pool.password)}
    assert events.of("added") == [conns["secure"], conns["plain"]]
    assert sorted(manager.names()) == ["plain", "secure"]
    threads = [manager.connect(name, timeout=10) for name in ("secure", "plain")]
    for name in conns:
        wait_until(lambda name=name: "connected" in events.states(name), timeout=10)
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()
    assert events.of("failed") == []
    assert events.states("secure")[:2] == ["connecting", "connected"]
    assert events.states("plain")[:2] == ["connecting", "connected"]

    # first use of the TLS pool: asked once, the pin saved in the profile
    [question] = asker.questions
    assert question.certificate.fingerprint == tls_pool.fingerprint and not question.changed
    wait_until(lambda: ProfileStore(store.folder).get("secure").pinned_fingerprint
               == tls_pool.fingerprint)
    assert ProfileStore(store.folder).get("plain").pinned_fingerprint is None

    # the pool members are saved for failover
    def members(name: str) -> tuple[str, ...]:
        return ProfileStore(store.folder).get(name).members

    wait_until(lambda: members("secure") == (other_host_url(tls_pool),))
    wait_until(lambda: members("plain") == (other_host_url(http_pool),))

    # the caches: loaded, then following the server
    assert events.of("cache", "secure") and events.of("cache", "plain")
    assert all(c.cache.count("VM") > 0 for c in conns.values())
    vm = next(ref for ref, rec in http_pool.db.all("VM").items() if not rec["is_a_template"])
    http_pool.db.update(vm, name_label="renamed by someone")
    wait_until(lambda: any(vm in change.changed_in("vm")
                           for change in events.of("cache", "plain")))
    assert not any(vm in change.touched("vm") for change in events.of("cache", "secure"))

    # closing one leaves the other
    manager.close("plain")
    assert conns["plain"].state is ConnectionState.DISCONNECTED
    assert events.kinds("plain") == ["added", "removed"]
    assert manager.get("plain") is None and manager.names() == ["secure"]
    assert conns["secure"].state is ConnectionState.CONNECTED
    assert conns["secure"].call("pool.get_all")


def test_a_pinned_profile_connects_without_asking(manager: PoolManager, store: ProfileStore,
                                                  asker: Asker, tls_pool: RunningPool) -> None:
    events = Events(manager)
    profile = profile_for(store, "pinned", tls_pool.url,
                          pinned_fingerprint=tls_pool.fingerprint)
    manager.open(profile, tls_pool.password)
    manager.connect("pinned", timeout=10).join(10)
    assert events.states("pinned")[-1] == "connected"
    assert asker.questions == []


def test_a_refused_port_fails(manager: PoolManager, store: ProfileStore) -> None:
    events = Events(manager)
    profile = profile_for(store, "nobody", f"http://127.0.0.1:{free_port()}")
    conn = manager.open(profile, "secret")
    manager.connect("nobody", timeout=5).join(10)
    [error] = events.of("failed", "nobody")
    assert isinstance(error, ConnectionRefused)
    assert "127.0.0.1" in str(error)
    assert events.states("nobody")[-1] == "failed"
    assert conn.state is ConnectionState.FAILED
    assert conn.last_change.reason == str(error)


def test_a_wrong_password_fails(manager: PoolManager, store: ProfileStore,
                                http_pool: RunningPool) -> None:
    events = Events(manager)
    profile = profile_for(store, "typo", http_pool.url)
    conn = manager.open(profile, "not the password")
    manager.connect("typo", timeout=5).join(10)
    [error] = events.of("failed", "typo")
    assert isinstance(error, SessionAuthenticationFailed)
    assert str(error).startswith("The server did not accept the user name or password.")
    assert events.states("typo")[-1] == "failed"
    assert conn.state is ConnectionState.FAILED
    assert ProfileStore(store.folder).get("typo").members == ()


def test_a_refused_certificate_fails(store: ProfileStore, tls_pool: RunningPool) -> None:
    asker = Asker(answer=False)
    manager = PoolManager(store, None, ask_certificate=asker)
    try:
        events = Events(manager)
        profile = profile_for(store, "doubt", tls_pool.url)
        manager.open(profile, tls_pool.password)
        manager.connect("doubt", timeout=5).join(10)
        [error] = events.of("failed", "doubt")
        assert isinstance(error, CertificateRejected)
        assert error.fingerprint == tls_pool.fingerprint and "not trusted" in str(error)
        assert events.states("doubt")[-1] == "failed"
        assert len(asker.questions) == 1
        assert ProfileStore(store.folder).get("doubt").pinned_fingerprint is None
    finally:
        manager.close_all()


def test_without_a_certificate_callback_nothing_is_trusted(store: ProfileStore,
                                                           tls_pool: RunningPool) -> None:
    manager = PoolManager(store, None)
    try:
        events = Events(manager)
        manager.open(profile_for(store, "quiet", tls_pool.url), tls_pool.password)
        manager.connect("quiet", timeout=5).join(10)
        [error] = events.of("failed", "quiet")
        assert isinstance(error, CertificateRejected)
    finally:
        manager.close_all()


def test_reopening_replaces_the_old_connection(manager: PoolManager, store: ProfileStore,
                                               http_pool: RunningPool) -> None:
    events = Events(manager)
    profile = profile_for(store, "again", http_pool.url)
    old = manager.open(profile, http_pool.password)
    manager.connect("again", timeout=10).join(10)
    assert old.state is ConnectionState.CONNECTED
    new = manager.open(profile, http_pool.password)
    assert new is not old and manager.get("again") is new
    assert old.state is ConnectionState.DISCONNECTED
    assert events.kinds("again") == ["added", "removed", "added"]
    manager.connect("again", timeout=10).join(10)
    assert new.state is ConnectionState.CONNECTED
    # the old connection's listeners are gone: it reports nothing any more
    before = len(events.of("state", "again"))
    old.close()
    assert len(events.of("state", "again")) == before


def test_closing_an_unknown_name_does_nothing(manager: PoolManager) -> None:
    events = Events(manager)
    manager.close("never opened")
    assert events.items == []


class SlowStore(ProfileStore):
    """A profile file on a slow disk: each save takes a while."""

    def _write(self, profiles) -> None:
        time.sleep(0.2)
        super()._write(profiles)


def test_profile_updates_of_two_pools_are_not_lost(tmp_path: Path, tls_pool: RunningPool,
                                                   http_pool: RunningPool) -> None:
    """The pin of one pool and the members of another are saved from two threads at about
    the same time: both reach the file."""
    store = SlowStore(tmp_path)
    manager = PoolManager(store, None, ask_certificate=Asker())
    try:
        events = Events(manager)
        manager.open(profile_for(store, "secure", tls_pool.url), tls_pool.password)
        manager.open(profile_for(store, "plain", http_pool.url), http_pool.password)
        for name in ("secure", "plain"):
            manager.connect(name, timeout=10)
        for name in ("secure", "plain"):
            wait_until(lambda name=name: "connected" in events.states(name), timeout=10)

        def saved() -> dict[str, Profile]:
            return {p.name: p for p in ProfileStore(tmp_path).load()}

        wait_until(lambda: saved()["secure"].members and saved()["plain"].members)
        time.sleep(0.5)  # any save still under way ends
        final = saved()
        assert final["secure"].pinned_fingerprint == tls_pool.fingerprint
        assert final["secure"].members == (other_host_url(tls_pool),)
        assert final["plain"].members == (other_host_url(http_pool),)
    finally:
        manager.close_all()


def test_saving_a_pin_keeps_a_profile_the_command_line_added_meanwhile(
        tmp_path: Path, tls_pool: RunningPool) -> None:
    store = ProfileStore(tmp_path)
    store.load()
    manager = PoolManager(store, None, ask_certificate=Asker())
    try:
        events = Events(manager)
        manager.open(profile_for(store, "secure", tls_pool.url), tls_pool.password)
        added = subprocess.run(
            [str(Path(sys.executable).with_name("xapiman-cli")), "profile", "add", "lab",
             "https://192.0.2.7"], env={**os.environ, "XAPIMAN_CONFIG_DIR": str(tmp_path)},
            capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr
        manager.connect("secure", timeout=10)
        wait_until(lambda: "connected" in events.states("secure"), timeout=10)
        wait_until(lambda: ProfileStore(tmp_path).get("secure").pinned_fingerprint
                   == tls_pool.fingerprint)
        assert [p.name for p in ProfileStore(tmp_path).load()] == ["secure", "lab"]
    finally:
        manager.close_all()


def test_a_pin_and_members_that_cannot_be_saved_are_told(tmp_path: Path,
                                                        tls_pool: RunningPool) -> None:
    store = ProfileStore(tmp_path / "config")
    manager = PoolManager(store, None, ask_certificate=Asker())
    try:
        events = Events(manager)
        manager.open(profile_for(store, "secure", tls_pool.url), tls_pool.password)
        shutil.rmtree(store.folder)
        store.folder.write_text("not a folder")  # the profiles cannot be written any more
        manager.connect("secure", timeout=10)
        wait_until(lambda: "connected" in events.states("secure"), timeout=10)
        wait_until(lambda: len(events.of("warning", "secure")) == 2)
        pin, members = events.of("warning", "secure")
        assert pin.startswith("The certificate you trusted for 127.0.0.1:") and "lock" in pin
        assert members.startswith("The pool's other members were not saved")
    finally:
        manager.close_all()
