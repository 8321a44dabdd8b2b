"""The `xapiman-sim` command line, run as a real process: ready line, serving, signals, state."""

from __future__ import annotations

import hashlib
import queue
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import xmlrpc.client
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import XenAPI

READY = re.compile(
    r"xapiman-sim ready: (?P<url>https?://[\d.]+:\d+) user=(?P<user>\S+) password=(?P<password>\S+)"
    r"(?: fingerprint=(?P<fingerprint>[0-9A-F:]{95}))?"
)


@dataclass
class Sim:
    proc: subprocess.Popen
    lines: queue.Queue
    url: str = ""
    user: str = ""
    password: str = ""
    fingerprint: str | None = None
    hosts: list[tuple[str, str]] | None = None
    stderr: str = ""  # what it wrote to stderr, once stopped

    def next_line(self, timeout: float = 30.0) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.proc.kill()
            pytest.fail("xapiman-sim printed nothing in time")
        if line is None:
            pytest.fail(f"xapiman-sim ended early: {self.proc.wait()} {self.proc.stderr.read()}")
        return line

    def rest(self) -> list[str]:
        """What the process printed after the lines read so far (it has ended)."""
        out = []
        while (line := self.lines.get(timeout=10)) is not None:
            out.append(line)
        return out

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.proc.send_signal(signum)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            with self.proc.stderr:
                self.stderr = self.proc.stderr.read()


def launch(*args: str) -> Sim:
    proc = subprocess.Popen([sys.executable, "-m", "xapiman.sim.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        with proc.stdout:
            for line in proc.stdout:
                lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return Sim(proc, lines)


def start(*args: str, host_count: int | None = None) -> Sim:
    """Launch and read the ready line and the host lines."""
    sim = launch(*args)
    match = READY.fullmatch(sim.next_line())
    assert match, "not a ready line"
    sim.url, sim.user, sim.password = match["url"], match["user"], match["password"]
    sim.fingerprint = match["fingerprint"]
    sim.hosts = []
    while host_count is None or len(sim.hosts) < host_count:
        line = sim.next_line(timeout=5)
        name_url = re.fullmatch(r"host (\S+) (https?://[\d.]+:\d+)", line)
        assert name_url, line
        sim.hosts.append((name_url[1], name_url[2]))
    return sim


def fails(*args: str) -> tuple[int, str]:
    """Run to completion; the exit code and stderr."""
    done = subprocess.run([sys.executable, "-m", "xapiman.sim.cli", *args], capture_output=True,
                          text=True, timeout=60)
    assert done.stdout == ""
    return done.returncode, done.stderr


def pinned_transport(url: str, fingerprint: str) -> xmlrpc.client.SafeTransport:
    """A transport that trusts exactly the certificate whose SHA-256 was printed."""
    parts = urlsplit(url)
    pem = ssl.get_server_certificate((parts.hostname, parts.port))
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()
    assert ":".join(digest[i:i + 2] for i in range(0, 64, 2)) == fingerprint
    context = ssl.create_default_context(cadata=pem)  # checks the name too: 127.0.0.1 is in it
    return xmlrpc.client.SafeTransport(context=context)


def login(sim: Sim, url: str | None = None) -> XenAPI.Session:
    url = url or sim.url
    transport = pinned_transport(url, sim.fingerprint) if sim.fingerprint else None
    session = XenAPI.Session(url, transport=transport)
    session.xenapi.login_with_password(sim.user, sim.password, "2.21", "xapiman-tests")
    return session


def vm_names(session: XenAPI.Session) -> list[str]:
    records = session.xenapi.VM.get_all_records().values()
    return sorted(r["name_label"] for r in records
                  if not (r["is_a_template"] or r["is_control_domain"]))


def test_tls_pool_with_pinned_certificate():
    sim = start("--hosts", "3", "--vms", "7", "--user", "admin", "--password", "s3cret",
                host_count=3)
    try:
        assert sim.url.startswith("https://127.0.0.1:")
        assert (sim.user, sim.password) == ("admin", "s3cret") and sim.fingerprint
        assert sim.hosts[0] == ("xcp-host-01", sim.url)
        assert [name for name, _url in sim.hosts] == ["xcp-host-01", "xcp-host-02", "xcp-host-03"]
        session = login(sim)
        assert len(vm_names(session)) == 7
        session.xenapi.session.logout()
        supporter = XenAPI.Session(sim.hosts[1][1], transport=pinned_transport(sim.hosts[1][1], sim.fingerprint))
        with pytest.raises(XenAPI.Failure) as err:
            supporter.xenapi.login_with_password("admin", "s3cret", "2.21", "xapiman-tests")
        assert err.value.details == ["HOST_IS_SLAVE", sim.url.split("//")[1]]
    finally:
        assert sim.stop() == 0
    assert sim.rest() == []  # the ready line and the host lines were all


def test_interrupt_exits_cleanly():
    sim = start("--no-tls", "--hosts", "1", "--vms", "2", host_count=1)
    assert sim.fingerprint is None and sim.url.startswith("http://")
    assert sim.stop(signal.SIGINT) == 0
    assert "Traceback" not in sim.stderr


def test_a_chosen_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim = start("--no-tls", "--port", str(port), "--hosts", "1", "--vms", "1", host_count=1)
    try:
        assert sim.url == f"http://127.0.0.1:{port}"
    finally:
        assert sim.stop() == 0


def test_serving_a_database_dump(shared_dir):
    dump = shared_dir / "data" / "xapi-dbs" / "Cowley-db.xml"
    sim = start("--no-tls", "--db", str(dump), host_count=1)
    try:
        assert sim.hosts == [("berlin", sim.url)]
        session = login(sim)
        names = vm_names(session)
        assert len([n for n in names if n == "OpenStack Jenkins"]) == 1
        assert len(names) == 8  # snapshots are templates too: left out
        host = session.xenapi.host.get_all_records()
        assert [h["address"] for h in host.values()] == [sim.url.split("//")[1]]
    finally:
        assert sim.stop() == 0
    # the dump's VM protection policies are a class XAPI removed: said once, at start
    warnings = sim.stderr.splitlines()
    assert [w for w in warnings if "not served" in w] == [
        "xapiman-sim: Cowley-db.xml: not served: VMPP (2 rows: loaded, but XAPI removed the "
        "class: its calls answer MESSAGE_REMOVED)"]


def test_state_persists_across_runs(tmp_path):
    state = tmp_path / "pool.json"
    args = ("--no-tls", "--hosts", "2", "--vms", "4", "--state", str(state))
    sim = start(*args, host_count=2)
    try:
        session = login(sim)
        vm = session.xenapi.VM.get_by_name_label("prod-web-01")[0]
        session.xenapi.VM.set_name_label(vm, "kept across restarts")
    finally:
        assert sim.stop() == 0
    assert state.is_file()
    sim = start(*args, "--vms", "9", host_count=2)  # the state wins over the synthetic pool
    try:
        session = login(sim)
        assert session.xenapi.VM.get_name_label(vm) == "kept across restarts"
        assert len(vm_names(session)) == 4
    finally:
        assert sim.stop() == 0


def test_missing_dump():
    code, err = fails("--db", "/nonexistent/state.db")
    assert code == 1
    assert err == "xapiman-sim: cannot read the database dump /nonexistent/state.db: No such file or directory\n"


def test_unparseable_dump(tmp_path):
    bad = tmp_path / "broken.xml"
    bad.write_text("<database><table name='VM'>")
    code, err = fails("--db", str(bad))
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"xapiman-sim: {bad}: not a XAPI database dump: XML error: ")


def test_corrupt_state_file(tmp_path):
    bad = tmp_path / "state.json"
    bad.write_text("{not json")
    code, err = fails("--state", str(bad))
    assert code == 1 and err.count("\n") == 1 and "not a usable xapiman-sim state file" in err


def test_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = fails("--no-tls", "--port", str(port), "--hosts", "1", "--vms", "1")
    assert code == 1
    assert err == f"xapiman-sim: cannot listen on 127.0.0.1:{port}: Address already in use\n"


@pytest.mark.parametrize(("args", "message"), [
    (("--hosts", "0"), "--hosts must be at least 1, not 0"),
    (("--speed", "-1"), "--speed cannot be negative"),
    (("--port", "70000"), "--port must be between 0 and 65535"),
])
def test_bad_numbers(args, message):
    code, err = fails(*args)
    assert code == 1 and err.startswith(f"xapiman-sim: {message}") and err.count("\n") == 1
