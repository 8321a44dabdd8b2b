"""Faults and hostile input, tried one after another against the real client, command line and
simulator over loopback sockets. Prints, side by side:

  faults survived / tried     each fault ends in a clear, bounded outcome (right error, in time)
  bad inputs tried, crashes   untyped exceptions, hangs, dead handlers, memory addresses shown
  secrets found               a password or session in a log line, error text, repr or file

Run: .venv/bin/python bench/faults.py [--records 3000] [--requests 2000]
Exits non-zero when a fault is not survived, an input crashes something, or a secret shows.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import random
import re
import resource
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the tests' misbehaving server

from tests.client.fake_server import (  # noqa: E402
    call_of,
    fake_server,
    json_answer,
    silent,
    trickle,
)
from xapiman import logs  # noqa: E402
from xapiman.pools.profiles import ProfileStore  # noqa: E402
from xapiman.sim.testing import running_pool  # noqa: E402
from xapiman.xapi import (  # noqa: E402
    AnswerTooLarge,
    CertificateChanged,
    Connection,
    ConnectionLost,
    ConnectionRefused,
    ConnectionState,
    Limits,
    MalformedResponse,
    NotConnected,
    ObjectCache,
    OutcomeUnknown,
    RedirectLoop,
    RetryPolicy,
    Timeout,
    Timeouts,
    XapiClientError,
)

QUICK = RetryPolicy(attempts=4, first_delay=0.1, max_delay=0.4)
TIMEOUTS = Timeouts(connect=2.0, call=5.0, event_poll=2.0, event_read=6.0, close=1.0)
PASSWORD = "Sw0rdfish-bench-secret"


def bounded(fn: Callable[[], object], limit: float) -> tuple[object, BaseException | None, float]:
    """(result, exception, seconds); a run past `limit` counts as a TimeoutError."""
    box: list = [None, None]

    def run() -> None:
        try:
            box[0] = fn()
        except BaseException as exc:  # noqa: BLE001 - judged by the caller
            box[1] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        return None, TimeoutError(f"still running after {limit} s"), limit
    return box[0], box[1], time.monotonic() - started


def halted_vm(pool) -> str:
    return next(r for r, v in pool.db.all("VM").items()
                if v["power_state"] == "Halted" and not v["is_a_template"]
                and not v["is_a_snapshot"] and not v["is_control_domain"])


@contextlib.contextmanager
def connected(pool, **options) -> Iterator[Connection]:
    options.setdefault("retry", QUICK)
    options.setdefault("timeouts", TIMEOUTS)
    conn = Connection(pool.url, pool.user, pool.password, **options)
    conn.connect(timeout=20)
    try:
        yield conn
    finally:
        conn.close()


# -- faults -----------------------------------------------------------------------------------

def fault_coordinator_dies_with_successor() -> str:
    with running_pool(hosts=3, vms=6) as pool, connected(pool) as conn:
        pool.sim.config.failover_delay = 0.3
        pool.faults.kill_coordinator()
        conn.wait_for_state(ConnectionState.RECONNECTING, timeout=5)
        change = conn.wait_for_state(ConnectionState.CONNECTED, timeout=20)
        assert change.state is ConnectionState.CONNECTED, change
        assert set(conn.cache.records("vm")) == set(pool.db.all("VM"))
        return "reconnected to the new coordinator, cache current"


def fault_pool_dies_while_a_task_runs() -> str:
    with running_pool(hosts=1, vms=4, speed=0.02) as pool, connected(pool) as conn:
        handle = conn.call_async("VM.start", halted_vm(pool), False, False)
        pool.sim.kill_coordinator()
        _, error, took = bounded(lambda: handle.wait(60), 30)
        assert isinstance(error, NotConnected) and "may or may not" in str(error), error
        return f"the task wait ended after {took:.1f} s"


def fault_silent_server() -> str:
    stop = threading.Event()
    with fake_server(silent(stop)) as server:
        conn = Connection(server.url, "root", PASSWORD, transport="jsonrpc")
        _, error, took = bounded(lambda: conn.connect(1.0), 10)
        stop.set()
        conn.close()
    assert isinstance(error, Timeout) and took < 2.0, (error, took)
    return f"Timeout after {took:.1f} s (deadline 1 s)"


def fault_trickling_server() -> str:
    stop = threading.Event()
    with fake_server(trickle(stop)) as server:
        conn = Connection(server.url, "root", PASSWORD, transport="jsonrpc")
        _, error, took = bounded(lambda: conn.connect(1.0), 10)
        stop.set()
        conn.close()
    assert isinstance(error, Timeout) and took < 2.0, (error, took)
    return f"Timeout after {took:.1f} s (deadline 1 s)"


def fault_trickling_pool_read() -> str:
    stop = threading.Event()
    slow = trickle(stop)

    def handle(sock, request) -> None:
        method, _, call_id = call_of(request)
        if method == "session.login_with_password":
            sock.sendall(json_answer("OpaqueRef:bench-session", call_id))
        else:
            slow(sock, request)

    with fake_server(handle) as server:
        conn = Connection(server.url, "root", PASSWORD, transport="jsonrpc")
        _, error, took = bounded(lambda: conn.connect(1.5), 10)
        stop.set()
        conn.close()
    assert isinstance(error, Timeout) and took < 2.5, (error, took)
    return f"Timeout after {took:.1f} s (deadline 1.5 s)"


def fault_event_stream_keeps_failing() -> str:
    with running_pool(hosts=1, vms=4) as pool, connected(pool) as conn:
        pool.faults.drop_event_from = 10**6
        change = conn.wait_for_state(ConnectionState.FAILED, timeout=10)
        calls = 10**6 - pool.faults.drop_event_from
        pool.faults.drop_event_from = 0
        assert change.state is ConnectionState.FAILED, change
        assert calls <= 6, calls
        return f"FAILED after {calls} event.from calls: {change.reason[:60]}"


def fault_cut_answer_to_a_read() -> str:
    with running_pool(hosts=1, vms=4) as pool, connected(pool) as conn:
        pool.faults.cut_responses = 1
        _, error, _ = bounded(lambda: conn.call("VM.get_all_records"), 10)
        assert isinstance(error, ConnectionLost) and not isinstance(error, OutcomeUnknown)
        assert conn.call("pool.get_all")
        return "ConnectionLost, next call fine"


def fault_cut_answer_to_a_change() -> str:
    with running_pool(hosts=1, vms=4) as pool, connected(pool) as conn:
        pool.faults.cut_answers_to["VM.set_name_label"] = 1
        _, error, _ = bounded(lambda: conn.call("VM.set_name_label", halted_vm(pool), "x"), 10)
        assert isinstance(error, OutcomeUnknown) and "may or may not" in str(error), error
        return "OutcomeUnknown: may or may not have been applied"


def fault_cut_answer_to_an_async_call() -> str:
    with running_pool(hosts=1, vms=4) as pool, connected(pool) as conn:
        vm = halted_vm(pool)
        pool.faults.cut_answers_to["Async.VM.start"] = 1
        handle = conn.call_async("VM.start", vm, False, False)
        handle.wait(20)
        assert pool.db.get(vm)["power_state"] == "Running"
        return "followed through its task to the end"


def fault_malformed_answer() -> str:
    with running_pool(hosts=1, vms=4) as pool, connected(pool) as conn:
        pool.faults.malformed_responses = 1
        _, error, _ = bounded(lambda: conn.call("pool.get_all"), 10)
        assert isinstance(error, MalformedResponse), error
        assert conn.call("pool.get_all")
        return "MalformedResponse, next call fine"


def fault_huge_answer() -> str:
    def handle(sock, request) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 4294967296\r\n\r\n" + b"[" * 65536)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with fake_server(handle) as server:
        conn = Connection(server.url, "root", PASSWORD, transport="jsonrpc")
        _, error, took = bounded(lambda: conn.connect(10), 20)
        conn.close()
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert isinstance(error, AnswerTooLarge) and grew < 100, (error, grew)
    return f"AnswerTooLarge in {took:.2f} s, peak memory +{grew:.0f} MB"


def fault_endless_answer() -> str:
    def handle(sock, request) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\n\r\n")
        with contextlib.suppress(OSError):
            for _ in range(1 << 12):
                sock.sendall(b" " * 65536)

    with fake_server(handle) as server:
        conn = Connection(server.url, "root", PASSWORD, transport="jsonrpc",
                          limits=Limits(answer_bytes=8 << 20))
        _, error, _ = bounded(lambda: conn.connect(10), 20)
        conn.close()
    assert isinstance(error, AnswerTooLarge), error
    return "AnswerTooLarge at the 8 MiB limit"


def fault_pool_read_above_the_limit() -> str:
    with running_pool(hosts=1, vms=4) as pool:
        conn = Connection(pool.url, pool.user, pool.password, transport="jsonrpc",
                          limits=Limits(answer_bytes=64 << 10))
        _, error, took = bounded(lambda: conn.connect(10), 30)
        state = conn.state
        conn.close()
    # the same read again would be as large: no reconnection rounds
    assert isinstance(error, AnswerTooLarge) and took < 3.0, (error, took)
    assert state is ConnectionState.FAILED, state
    return f"AnswerTooLarge, FAILED in {took:.1f} s without retrying"


def fault_redirect_loop() -> str:
    ports: list[int] = []

    def handle(sock, request) -> None:
        _, _, call_id = call_of(request)
        body = (b'{"jsonrpc": "2.0", "id": %s, "error": {"code": 1, "message": "HOST_IS_SLAVE", '
                b'"data": ["127.0.0.1:%d"]}}' % (str(call_id).encode(), ports[0]))
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)

    with fake_server(handle) as first, fake_server(handle) as second:
        ports.append(int(second.url.rsplit(":", 1)[1]))
        conn = Connection(first.url, "root", PASSWORD, transport="jsonrpc")
        _, error, _ = bounded(lambda: conn.connect(5), 10)
        conn.close()
    assert isinstance(error, RedirectLoop), error
    return "RedirectLoop"


def fault_changed_certificate() -> str:
    with running_pool(hosts=1, vms=2, tls=True) as pool:
        wrong = "AB:" * 31 + "AB"
        conn = Connection(pool.url, pool.user, pool.password, fingerprint=wrong)
        _, error, _ = bounded(lambda: conn.connect(10), 15)
        conn.close()
    assert isinstance(error, CertificateChanged) and pool.fingerprint in str(error), error
    return "CertificateChanged, both fingerprints shown"


def fault_first_use_then_changed_certificate() -> str:
    from xapiman.scripting.cli import main

    env = {"XAPIMAN_PASSWORD": "xapiman"}
    with temporary_config(), environment(env):
        with running_pool(hosts=1, vms=2, tls=True) as first:
            url = first.url
            port = first.sim.servers[first.sim.coordinator].port
            assert quietly(main, ["--url", url, "--trust-on-first-use", "stats"])[0] == 0
        from xapiman.sim.simulator import SimConfig, Simulator
        from xapiman.sim.synth import generate_pool

        impostor = Simulator(generate_pool(1, 2), SimConfig(speed=0), use_tls=True, port=port)
        impostor.start()
        new = impostor.fingerprint
        try:
            code, text = quietly(main, ["--url", url, "--trust-on-first-use", "stats"])
        finally:
            impostor.stop()
    assert code == 1 and new and new in text, text
    return "refused on the next run, both fingerprints shown"


def fault_expired_pinned_certificate() -> str:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from xapiman.sim.simulator import SimConfig, Simulator
    from xapiman.sim.synth import generate_pool

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "expired")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - datetime.timedelta(days=400))
            .not_valid_after(now - datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    with tempfile.TemporaryDirectory() as folder:
        pem = Path(folder) / "expired.pem"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption())
                        + cert.public_bytes(serialization.Encoding.PEM))
        sim = Simulator(generate_pool(1, 2), SimConfig(speed=0), use_tls=True, cert=pem)
        sim.start()
        warnings: list[str] = []
        try:
            from xapiman.xapi import CertificateTrust

            trust = CertificateTrust({sim.url().removeprefix("https://"): sim.fingerprint},
                                     warn=warnings.append)
            conn = Connection(sim.url(), "root", "xapiman", trust=trust)
            conn.connect(10)
            conn.close()
        finally:
            sim.stop()
    assert warnings and "expired" in warnings[0]
    return "connected, with a warning"


def fault_sessions_expire() -> str:
    with running_pool(hosts=1, vms=2) as pool, connected(pool) as conn:
        pool.faults.expire_sessions()
        assert conn.call("pool.get_all")
        return "logged in again by itself"


def fault_refused_connections() -> str:
    with running_pool(hosts=1, vms=2) as pool:
        pool.faults.refuse_connections = True
        conn = Connection(pool.url, pool.user, pool.password)
        _, error, took = bounded(lambda: conn.connect(5), 10)
        conn.close()
    assert isinstance(error, ConnectionLost | ConnectionRefused), error
    return f"{type(error).__name__} in {took:.2f} s"


def fault_slow_call() -> str:
    with running_pool(hosts=1, vms=2) as pool, connected(pool) as conn:
        pool.faults.latency = 3.0
        _, error, took = bounded(lambda: conn.call("pool.get_all", timeout=0.3), 10)
        pool.faults.latency = 0.0
    assert isinstance(error, Timeout) and took < 1.5, error
    return f"Timeout after {took:.2f} s"


def fault_closed_connection_stays_closed() -> str:
    with running_pool(hosts=1, vms=2) as pool:
        conn = Connection(pool.url, pool.user, pool.password)
        conn.connect(10)
        conn.close()
        _, error, _ = bounded(lambda: conn.call("pool.get_all"), 5)
        pool.db.update(next(iter(pool.db.all("VM"))), name_label="after-close")
        time.sleep(0.2)
    assert isinstance(error, NotConnected) and not conn.cache.records("vm"), error
    return "NotConnected, nothing changes"


FAULTS: list[tuple[str, Callable[[], str]]] = [
    ("coordinator dies, a supporter takes over", fault_coordinator_dies_with_successor),
    ("pool dies with no successor while a task runs", fault_pool_dies_while_a_task_runs),
    ("silent server at connect", fault_silent_server),
    ("server trickling a byte at a time at login", fault_trickling_server),
    ("server trickling the first read of the pool", fault_trickling_pool_read),
    ("event.from failing on every call", fault_event_stream_keeps_failing),
    ("cut answer to a read", fault_cut_answer_to_a_read),
    ("cut answer to a change", fault_cut_answer_to_a_change),
    ("cut answer to an Async call", fault_cut_answer_to_an_async_call),
    ("malformed answer", fault_malformed_answer),
    ("4 GiB answer announced", fault_huge_answer),
    ("answer without a length that never ends", fault_endless_answer),
    ("pool's first read above the answer limit", fault_pool_read_above_the_limit),
    ("HOST_IS_SLAVE answers going round in circles", fault_redirect_loop),
    ("certificate changed under a pin", fault_changed_certificate),
    ("trust on first use, then a changed certificate", fault_first_use_then_changed_certificate),
    ("expired pinned certificate", fault_expired_pinned_certificate),
    ("every session expires", fault_sessions_expire),
    ("server refuses connections", fault_refused_connections),
    ("call slower than its time limit", fault_slow_call),
    ("calls after close", fault_closed_connection_stays_closed),
]


# -- bad inputs -------------------------------------------------------------------------------

def odd_value(rng: random.Random, depth: int = 0) -> object:
    choice = rng.randrange(12 if depth < 2 else 9)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.randint(-(2**80), 2**80)
    if choice == 3:
        return rng.choice([float("inf"), float("-inf"), float("nan"), 1e308, -0.0])
    if choice in (4, 5):
        return rng.choice(["inf", "-inf", "nan", "1e999", "-1", "", "OpaqueRef:NULL", "x" * 100,
                           "20250319T04:16:24Z", "99999999T99:99:99Z", "<value>", "\x00\x1b",
                           "OpaqueRef:r1", "Running", "success", "failure", "9" * 5000])
    if choice == 6:
        return rng.uniform(-1e6, 1e6)
    if choice in (7, 8):
        return "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(6)))
    if choice == 9:
        return [odd_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if choice == 10:
        return {rng.choice(["a", 1, "0", "ipv4/0", "cpu_count"]): odd_value(rng, depth + 1)
                for _ in range(rng.randrange(4))}
    return (odd_value(rng, depth + 1),)


def fuzz_records(count: int) -> tuple[int, int, list[str]]:
    """Records with odd values through every typed view; (tried, crashes, samples)."""
    from tests.unit.test_records_fuzz import FIELDS, REFS, VIEWS, _failures

    rng = random.Random(16)
    tried = crashes = 0
    samples: list[str] = []
    while tried < count:
        events = []
        for kind in VIEWS:
            for ref in REFS:
                fields = FIELDS[kind.xapi_class]
                record = {rng.choice(fields): odd_value(rng) for _ in range(rng.randrange(8))}
                events.append({"class": kind.xapi_class.lower(), "operation": "add",
                               "ref": ref, "snapshot": record})
                tried += 1
        cache = ObjectCache()
        try:
            cache.load(events)
            failures = _failures(cache)
        except Exception as exc:  # noqa: BLE001 - counted
            failures = [f"load: {type(exc).__name__}: {exc}"]
        crashes += len(failures)
        samples += failures[:1]
    return tried, crashes, samples[:3]


def quietly(fn: Callable[[list[str]], int], argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = fn(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def temporary_config() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder, environment({"XAPIMAN_CONFIG_DIR": folder}):
        yield Path(folder)


def fuzz_command_line() -> tuple[int, int, list[str]]:
    """Hostile options to xapiman-cli; a crash is a traceback (an exception out of main)."""
    from xapiman.scripting.cli import main

    nobody = "http://127.0.0.1:9"
    cases = [[f"--timeout={v}", "--url", nobody, "stats"]
             for v in ("inf", "-inf", "nan", "0", "-1", "1e400", "", "soon", "1e-400")]
    cases += [[f"--answer-limit={v}", "--url", nobody, "stats"]
              for v in ("inf", "nan", "0", "-1", "1e400", "1e-9", "", "lots", "1e308")]
    cases += [["--url", u, "stats"] for u in (
        f"https://root:{PASSWORD}@127.0.0.1:9", f"root:{PASSWORD}@127.0.0.1", "ftp://h",
        "https://", "https://[::1", "https://h:99999", "127.0.0.1:9\x1b[2J",
        "http://127.0.0.1:9/" + "a" * 5000)]  # nothing here may reach past loopback
    cases += [["--url", nobody, "--fingerprint", f, "stats"] for f in ("AB", "zz" * 32, "")]
    cases += [["profile", "add", "x", a] for a in (f"https://u:{PASSWORD}@h", "two words",
                                                   "\x00", "[fe80::1")]
    cases += [["--profile", p, "stats"] for p in ("nope", "\x1b]0;x\x07", "")]
    crashes, samples = 0, []
    with temporary_config(), environment({"XAPIMAN_PASSWORD": PASSWORD}):
        for argv in cases:
            _, error, _ = bounded(lambda argv=argv: quietly(main, argv), 20)
            if error is not None:
                crashes += 1
                samples.append(f"{argv}: {type(error).__name__}: {error}")
    return len(cases), crashes, samples[:3]


LAUGHS = "version: 1\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, n in zip(["", *"abcdefgh"], "abcdefghi", strict=True)) + \
    "profiles:\n- {name: x, address: h, options: {bomb: *i}}\n"


def fuzz_profile_files() -> tuple[int, int, list[str]]:
    """Hostile profiles.yaml files; a crash is an exception out of load() or a hang."""
    contents: list[bytes | None] = [
        LAUGHS.encode(), b"version: 1\nprofiles:\n- &a {name: x, address: h, options: {l: *a}}\n",
        b"\xff\xfe\x00garbage", b"[" * 100000, b"version: 99\n", b"profiles: 7\n",
        b"version: 1\nprofiles:\n- {name: x, address: 'https://u:pw@h'}\n",
        b"version: 1\nprofiles:\n- {name: x, address: h, port: 1e999}\n", b"!!python/object:os.system\n",
        b"- a\n- b\n", None,  # None: profiles.yaml is a folder
    ]
    crashes, samples = 0, []
    for content in contents:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "profiles.yaml"
            if content is None:
                path.mkdir()
            else:
                path.write_bytes(content)
            store = ProfileStore(folder)
            _, error, _ = bounded(store.load, 10)
            if error is not None:
                crashes += 1
                samples.append(f"{content[:30] if content else 'folder'}: {error!r}")
    return len(contents), crashes, samples[:3]


def fuzz_server_answers(count: int) -> tuple[int, int, list[str]]:
    """A server answering garbage to the login; a crash is anything but a client error."""
    rng = random.Random(7)
    answers: list[bytes] = [b"", b"null", b"[]", b"{}", b'{"result": 1}', b"<methodResponse/>",
                            b"[" * 100000, b"<value>" * 100000, b"\xff" * 100,
                            b'{"jsonrpc": "2.0", "id": 1, "error": {}}',
                            b'{"jsonrpc": "2.0", "id": 1, "result": {"a": []}}']
    while len(answers) < count:
        answers.append(bytes(rng.randrange(256) for _ in range(rng.randrange(200))))
    crashes, samples = 0, []
    current = [b""]

    def handle(sock, request) -> None:
        body = current[0]
        kind = b"text/xml" if body.startswith(b"<") else b"application/json"
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)

    with fake_server(handle) as server:
        for answer in answers:
            current[0] = answer
            for transport in ("jsonrpc", "xmlrpc"):
                conn = Connection(server.url, "root", PASSWORD, transport=transport)
                _, error, _ = bounded(lambda conn=conn: conn.connect(3), 10)
                conn.close()
                if error is not None and not isinstance(error, XapiClientError):
                    crashes += 1
                    samples.append(f"{answer[:20]!r}: {type(error).__name__}: {error}")
    return len(answers) * 2, crashes, samples[:3]


def fuzz_simulator(count: int) -> tuple[int, int, list[str]]:
    """Malformed and unauthenticated requests to the simulator. A crash: no HTTP answer, a
    memory address in one, or threads left behind."""
    rng = random.Random(3)
    bodies = [b"", b"<<<", b"\xff\xfe", b"<methodCall><params/></methodCall>",
              b"<methodCall><methodName>VM.get_all</methodName><params><param>"
              + b"<value><array><data>" * 5000 + b"</param></params></methodCall>",
              b'{"jsonrpc": "2.0", "id": 1, "method": "VM.get_all", "params": '
              + b"[" * 5000 + b"}",
              b"<methodCall><methodName>VM.get_all</methodName><params><param><value><struct>"
              b"<member><name>a</name></member></struct></value></param></params></methodCall>"]
    methods = ["VM.get_all", "session.login_with_password", "VM.start", "host.shutdown",
               "event.from", "nope", "Async.VM.destroy", "session.logout"]
    while len(bodies) < count:
        method = rng.choice(methods)
        params = "".join(f"<param><value><string>{rng.choice(['root', 'x', 'OpaqueRef:x', ''])}"
                         "</string></value></param>" for _ in range(rng.randrange(5)))
        body = f"<methodCall><methodName>{method}</methodName><params>{params}</params>" \
               "</methodCall>"
        if rng.random() < 0.3:
            body = body[:rng.randrange(len(body))]
        bodies.append(body.encode())
    crashes, samples = 0, []
    with running_pool(hosts=1, vms=2) as pool:
        host, port = "127.0.0.1", int(pool.url.rsplit(":", 1)[1])
        before = threading.active_count()
        for body in bodies:
            path = rng.choice(["/", "/jsonrpc"])
            request = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                       f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
            try:
                with socket.create_connection((host, port), timeout=10) as sock:
                    sock.sendall(request)
                    answer = b""
                    while chunk := sock.recv(65536):
                        answer += chunk
            except OSError as exc:
                answer = b""
                samples.append(f"{body[:30]!r}: {exc}")
            if not answer.startswith(b"HTTP/1.1 ") or re.search(rb"0x[0-9a-fA-F]{6,}", answer):
                crashes += 1
                samples.append(f"{body[:30]!r}: {answer[:80]!r}")
        half_open = [socket.create_connection((host, port)) for _ in range(500)]
        time.sleep(0.3)
        grew = threading.active_count() - before
        for sock in half_open:
            sock.close()
        if grew > 20:
            crashes += 1
            samples.append(f"500 half-open connections hold {grew} threads")
    return len(bodies) + 1, crashes, samples[:3]


# -- secrets ----------------------------------------------------------------------------------

def secrets_found() -> tuple[int, list[str]]:
    """Look for the password and the session refs in every log line at DEBUG, error text,
    repr and file a run with that password leaves; returns (occurrences, where)."""
    from xapiman.scripting.cli import main

    captured = io.StringIO()
    handler = logs.configure(logging.DEBUG, "%(name)s %(levelname)s %(message)s", captured)
    texts: list[tuple[str, str]] = []
    sessions: list[str] = []
    try:
        run_keyring_call_on_the_executor()  # what the app's executor logs is captured too
        with running_pool(hosts=2, vms=4, password=PASSWORD) as pool:
            conn = Connection(pool.url, pool.user, PASSWORD, retry=QUICK, timeouts=TIMEOUTS)
            conn.connect(10)
            sessions.append(conn.session_ref or "")
            texts.append(("repr", repr(conn) + repr(conn._session.credentials)))
            pool.faults.expire_sessions()
            conn.call("pool.get_all")
            sessions.append(conn.session_ref or "")
            conn.close()
            wrong = Connection(pool.url, pool.user, PASSWORD + "-wrong")
            try:
                wrong.connect(5)
            except XapiClientError as exc:
                texts.append(("error", str(exc) + repr(exc)))
            wrong.close()
            with temporary_config() as folder, environment({"XAPIMAN_PASSWORD": PASSWORD}):
                for argv in (["profile", "add", "lab", pool.url, "--save-password"],
                             ["--profile", "lab", "--trust-on-first-use", "vm", "list"],
                             ["--url", f"https://root:{PASSWORD}@127.0.0.1:9", "stats"]):
                    texts.append((f"xapiman-cli {argv[0]}", quietly(main, argv)[1]))
                for path in folder.rglob("*"):
                    if path.is_file():
                        texts.append((f"file {path.name}", path.read_text(errors="replace")))
    finally:
        logging.getLogger().removeHandler(handler)
    texts.append(("debug log", captured.getvalue()))
    needles = [PASSWORD, *[s for s in sessions if s]]
    found = [(where, needle) for where, text in texts for needle in needles if needle in text]
    return len(found), [f"{where}: {needle[:12]}..." for where, needle in found[:5]]


def run_keyring_call_on_the_executor() -> None:
    """Run a call with the password on the app's executor (qasync's, which logs the arguments
    of what it runs), under the app's logging set-up."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtWidgets import QApplication
    from qasync import QThreadExecutor

    app = QApplication.instance() or QApplication(["bench"])
    executor = QThreadExecutor(1)
    try:
        executor.submit(lambda profile, password: password, "lab", PASSWORD).result(5)
    finally:
        executor.shutdown()
    del app


# -- report -----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--answers", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the faults log by design; the secrets part re-enables

    survived = 0
    print("faults")
    for name, fault in FAULTS:
        result, error, took = bounded(fault, 90)
        ok = error is None
        survived += ok
        detail = result if ok else f"NOT SURVIVED: {type(error).__name__}: {error}"
        print(f"  {'ok ' if ok else 'BAD'} {name:<50} {detail} [{took:.1f} s]", flush=True)

    print("bad inputs")
    inputs = [("typed record views", lambda: fuzz_records(args.records)),
              ("xapiman-cli options", fuzz_command_line),
              ("profiles.yaml files", fuzz_profile_files),
              ("server answers to the login", lambda: fuzz_server_answers(args.answers)),
              ("simulator requests", lambda: fuzz_simulator(args.requests))]
    tried_total = crash_total = 0
    for name, run in inputs:
        tried, crashes, samples = run()
        tried_total += tried
        crash_total += crashes
        print(f"  {name:<30} {tried:>6} tried, {crashes} crashes", flush=True)
        for sample in samples:
            print(f"      {sample[:150]}")

    logging.disable(logging.NOTSET)
    found, where = secrets_found()
    print("secrets")
    for line in where:
        print(f"  found in {line}")

    print()
    print(f"faults survived: {survived} / {len(FAULTS)}")
    print(f"bad inputs: {tried_total} tried, {crash_total} crashes")
    print(f"secrets found: {found}")
    return 0 if survived == len(FAULTS) and crash_total == 0 and found == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
