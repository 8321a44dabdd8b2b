"""The console tunnel to the simulator: locating consoles, CONNECT on the resident host through
the pinned certificates, refusals, and `xapiman-cli vm/host screenshot`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from xapiman.rfb import Options, capture
from xapiman.sim.routes_console import console_hub
from xapiman.sim.testing import running_pool
from xapiman.xapi import Connection
from xapiman.xapi.console import ConsoleRefused, ConsoleTarget, NoConsole, locate, open_tunnel

pytestmark = pytest.mark.timeout(120)
CLI = str(Path(sys.executable).parent / "xapiman-cli")


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=2, vms=20, tls=True) as p:
        yield p


@pytest.fixture(scope="module")
def conn(pool):
    c = Connection(pool.url, pool.user, pool.password, fingerprint=pool.fingerprint)
    c.connect(60)
    yield c
    c.close()


def guests(pool, state: str) -> dict:
    return {r: v for r, v in pool.db.all("VM").items()
            if v["power_state"] == state and not v["is_a_template"] and not v["is_a_snapshot"]
            and not v["is_control_domain"]}


def supporter_guest(pool) -> str:
    coordinator = next(iter(pool.db.all("pool").values()))["master"]
    return next(r for r, v in guests(pool, "Running").items() if v["resident_on"] != coordinator)


def test_locate_says_why_there_is_no_console(pool, conn) -> None:
    halted = next(iter(guests(pool, "Halted")))
    found = locate(conn, halted)
    assert isinstance(found, NoConsole) and found.startable and "shut down" in found.reason
    suspended = next(iter(guests(pool, "Suspended")))
    found = locate(conn, suspended)
    assert isinstance(found, NoConsole) and found.resumable and "suspended" in found.reason


def test_console_of_a_vm_on_a_supporter_goes_to_that_host(pool, conn) -> None:
    vm = supporter_guest(pool)
    target = locate(conn, vm)
    assert isinstance(target, ConsoleTarget) and not target.text
    host_address = pool.db.get(pool.db.get(vm, "VM")["resident_on"], "host")["address"]
    assert target.url == f"https://{host_address}"
    tunnel = open_tunnel(conn, target)
    fb = capture(tunnel.sock, options=Options(prefix=tunnel.prefix))
    screen = console_hub(pool.sim).screen(pool.db, target.console)
    assert fb.bgrx() == screen.framebuffer()


def test_host_console_is_the_control_domains_text_console(pool, conn) -> None:
    host = next(iter(pool.db.all("host")))
    target = locate(conn, host)
    assert isinstance(target, ConsoleTarget) and target.text
    tunnel = open_tunnel(conn, target)
    fb = capture(tunnel.sock, options=Options(prefix=tunnel.prefix))
    assert fb.size == (720, 400)


def test_refusals_are_sentences(pool, conn) -> None:
    vm = supporter_guest(pool)
    target = locate(conn, vm)
    assert isinstance(target, ConsoleTarget)
    with pytest.raises(ConsoleRefused) as caught:
        open_tunnel(conn, replace(target, url=pool.url))  # the coordinator: not resident there
    assert caught.value.status == 500 and "moved" in str(caught.value)
    with pytest.raises(ConsoleRefused) as caught:
        open_tunnel(conn, replace(target, path="/console?ref=OpaqueRef:nothing"))
    assert caught.value.status == 404


def test_a_bad_session_is_refused(pool, conn) -> None:
    target = locate(conn, supporter_guest(pool))

    class Expired:
        cache, trust, session_ref = conn.cache, conn.trust, "OpaqueRef:expired"

        def host_url(self, host):
            return conn.host_url(host)

    with pytest.raises(ConsoleRefused) as caught:
        open_tunnel(Expired(), target)
    assert caught.value.status == 401


def cli(pool, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XAPIMAN_PASSWORD": pool.password}
    return subprocess.run([CLI, "--url", pool.url, "--fingerprint", pool.fingerprint, *args],
                          capture_output=True, text=True, timeout=90, env=env)


def test_cli_screenshots(pool, tmp_path) -> None:
    vm = supporter_guest(pool)
    name = pool.db.get(vm, "VM")["uuid"]
    out = tmp_path / "vm.png"
    console_hub(pool.sim).screen(pool.db, locate_console(pool, vm)).advance(60)  # booted: still
    result = cli(pool, "vm", "screenshot", name, "--output", str(out))
    assert result.returncode == 0, result.stderr
    console = locate_console(pool, vm)
    screen = console_hub(pool.sim).screen(pool.db, console)
    with Image.open(out) as image:
        assert image.size == screen.size
        assert image.tobytes("raw", "BGRX") == screen.framebuffer()
    host = pool.db.get(vm, "VM")["resident_on"]
    out = tmp_path / "host.png"
    result = cli(pool, "host", "screenshot", pool.db.get(host, "host")["name_label"],
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    with Image.open(io.BytesIO(out.read_bytes())) as image:
        assert image.size == (720, 400)
        assert image.getbbox() is not None  # a host up for a while shows its login prompt


def test_cli_screenshot_of_a_halted_vm_says_why(pool, tmp_path) -> None:
    vm = next(iter(guests(pool, "Halted")))
    result = cli(pool, "vm", "screenshot", pool.db.get(vm, "VM")["uuid"], "-o",
                 str(tmp_path / "x.png"))
    assert result.returncode == 1 and "shut down" in result.stderr
    assert not (tmp_path / "x.png").exists()


def locate_console(pool, vm: str) -> str:
    return next(c for c in pool.db.get(vm, "VM")["consoles"]
                if pool.db.get(c, "console")["protocol"] == "rfb")
