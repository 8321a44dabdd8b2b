"""Opening the app from the command line: `xapiman --connect URL --fingerprint ...` and
`--profile NAME` against a simulated pool over TLS, `--select` / `--tab` / `--size` /
`--screenshot`, the tabs listed when `--tab` names none, `--demo --reset`, and the one-line
message without a display. Each run is the real `xapiman` process (offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt6.QtGui import QImage

from xapiman.display import explain_missing_display
from xapiman.pools.profiles import Profile, ProfileStore
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

RUN_TIMEOUT_S = 90


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=2, vms=8, tls=True, speed=0,
                      db=generate_pool(2, 8, name="Launch pool")) as p:
        yield p


def xapiman(*args: str, config: Path, password: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XAPIMAN_CONFIG_DIR": str(config),
               "XDG_DATA_HOME": str(config / "data")}
    environ.pop("XAPIMAN_PASSWORD", None)
    if password is not None:
        environ["XAPIMAN_PASSWORD"] = password
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "xapiman.cli", *args], env=environ,
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S)


def a_vm_name(pool) -> str:
    names = sorted(vm["name_label"] for vm in pool.db.all("VM").values()
                   if not (vm["is_a_template"] or vm["is_control_domain"]
                           or vm["is_a_snapshot"]))
    return names[0]


def test_connect_with_a_pinned_certificate_selects_and_shoots(pool, tmp_path) -> None:
    shot = tmp_path / "vm.png"
    name = a_vm_name(pool)
    run = xapiman("--connect", pool.url, "--user", pool.user, "--fingerprint", pool.fingerprint,
                  "--select", name, "--tab", "Memory", "--size", "1366x768",
                  "--screenshot", str(shot), config=tmp_path, password=pool.password)
    assert run.returncode == 0, run.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1366, 768)
    # the window showed the VM's Memory tab: its title is the VM's name (pixels differ from a
    # picture of the pool's page), and nothing was saved as a profile
    assert not (tmp_path / "profiles.yaml").exists()


def test_connect_refuses_a_certificate_other_than_the_pinned_one(pool, tmp_path) -> None:
    wrong = ":".join(["AB"] * 32)
    run = xapiman("--connect", pool.url, "--fingerprint", wrong, "--select", a_vm_name(pool),
                  "--screenshot", str(tmp_path / "x.png"), config=tmp_path,
                  password=pool.password)
    assert run.returncode == 1
    assert "could not connect" in run.stderr and "certificate" in run.stderr.lower()
    assert not (tmp_path / "x.png").exists()


def test_a_screenshot_run_whose_output_nobody_reads_still_ends(pool, tmp_path) -> None:
    """When the program that started a screenshot run goes away, its pipes break: the run
    still saves the picture and ends (it once hung on the failed write, forever)."""
    shot = tmp_path / "vm.png"
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XAPIMAN_CONFIG_DIR": str(tmp_path),
               "XDG_DATA_HOME": str(tmp_path / "data"), "XAPIMAN_PASSWORD": pool.password}
    process = subprocess.Popen(
        [sys.executable, "-m", "xapiman.cli", "--connect", pool.url, "--user", pool.user,
         "--fingerprint", pool.fingerprint, "--select", a_vm_name(pool), "--screenshot",
         str(shot)], env=environ, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        process.stdout.close()  # nobody reads either stream from now on
        process.stderr.close()
        code = process.wait(RUN_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 1  # "saved ..." could not be written
    assert not QImage(str(shot)).isNull()


def test_wrong_password_fails_in_one_line(pool, tmp_path) -> None:
    run = xapiman("--connect", pool.url, "--fingerprint", pool.fingerprint,
                  "--screenshot", str(tmp_path / "x.png"), config=tmp_path, password="nope")
    assert run.returncode == 1
    line = [x for x in run.stderr.splitlines() if x.startswith("xapiman:")]
    assert len(line) == 1 and "could not connect" in line[0], run.stderr


def test_profile_and_unknown_tab_lists_the_tabs(pool, tmp_path) -> None:
    store = ProfileStore(tmp_path)
    store.add(Profile("lab", pool.url, user=pool.user, pinned_fingerprint=pool.fingerprint))
    host = sorted(h["name_label"] for h in pool.db.all("host").values())[0]
    run = xapiman("--profile", "lab", "--select", host, "--tab", "Nonsense",
                  "--screenshot", str(tmp_path / "x.png"), config=tmp_path,
                  password=pool.password)
    assert run.returncode == 1
    assert "no tab 'Nonsense'" in run.stderr
    assert "General" in run.stderr and "NICs" in run.stderr  # the host's tabs, listed

    run = xapiman("--profile", "lab", "--select", host, "--tab", "nics",
                  "--screenshot", str(tmp_path / "host.png"), config=tmp_path,
                  password=pool.password)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "host.png").stat().st_size > 0


def test_with_no_pool_to_open_the_window_is_shot_at_once(tmp_path) -> None:
    ProfileStore(tmp_path).add(Profile("lab", "127.0.0.1:9"))  # saved, not reconnecting
    shot = tmp_path / "empty.png"
    run = xapiman("--screenshot", str(shot), config=tmp_path)
    assert run.returncode == 0, run.stderr
    assert QImage(str(shot)).width() > 0  # not after waiting 60 s for a pool that never comes
    run = xapiman("--select", "web-01", "--screenshot", str(tmp_path / "x.png"),
                  config=tmp_path)
    assert run.returncode == 1 and "no pool is open" in run.stderr
    assert not (tmp_path / "x.png").exists()


def test_unknown_profile_and_unknown_object_are_named(pool, tmp_path) -> None:
    run = xapiman("--profile", "nowhere", "--screenshot", str(tmp_path / "x.png"),
                  config=tmp_path, password="x")
    assert run.returncode == 1 and "no connection profile named 'nowhere'" in run.stderr
    run = xapiman("--connect", pool.url, "--fingerprint", pool.fingerprint, "--select",
                  "no-such-vm", "--screenshot", str(tmp_path / "x.png"), config=tmp_path,
                  password=pool.password)
    assert run.returncode == 1 and "nothing named 'no-such-vm'" in run.stderr


def test_demo_reset_starts_afresh(tmp_path) -> None:
    state = tmp_path / "demo.json"
    state.write_text("not a saved pool")
    run = xapiman("--demo", "--demo-state", str(state), "--reset", "--screenshot",
                  str(tmp_path / "demo.png"), config=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "unreadable" not in run.stderr  # removed first, not read and kept aside
    assert not (tmp_path / "demo.json.broken").exists()
    assert state.exists()  # the fresh pool's state was saved


def test_command_line_mistakes_are_refused(tmp_path) -> None:
    run = xapiman("--reset", config=tmp_path)
    assert run.returncode == 2 and "--reset only applies to --demo" in run.stderr
    run = xapiman("--size", "huge", config=tmp_path)
    assert run.returncode == 2 and "not a size" in run.stderr


def test_without_a_display_one_line_says_what_to_do() -> None:
    text = explain_missing_display(environ={})
    assert "no display" in text and "xvfb-run" in text and "\n" not in text
    assert explain_missing_display(environ={"DISPLAY": ":93"}).startswith("the display :93")
    assert explain_missing_display(environ={"QT_QPA_PLATFORM": "offscreen"}) == ""
    assert explain_missing_display(offscreen_ok=True, environ={}) == ""
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.run([sys.executable, "-m", "xapiman.cli"], env=env, capture_output=True,
                         text=True, timeout=RUN_TIMEOUT_S)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("xapiman: no display")
