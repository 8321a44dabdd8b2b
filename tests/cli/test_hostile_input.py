"""`xapiman-cli` facing wrong input and hostile names: one clear line, nothing echoed that
should not be, nothing a terminal would act on."""

from __future__ import annotations

import json

import pytest

from xapiman.scripting.cli import main
from xapiman.sim.testing import running_pool

NOBODY = "http://127.0.0.1:9"  # the discard port: nothing listens there in the test machine


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=1, vms=4) as p:
        yield p


def run_cli(capsys, monkeypatch, *argv: str, password: str = "") -> tuple[int, str, str]:
    monkeypatch.setenv("XAPIMAN_PASSWORD", password)
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "0", "-1", "soon"])
def test_timeout_must_be_a_finite_number_above_zero(capsys, monkeypatch, value) -> None:
    status, _, err = run_cli(capsys, monkeypatch, "--url", NOBODY, f"--timeout={value}",
                            "stats")
    assert status == 2
    assert "--timeout" in err and "seconds above zero" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["inf", "nan", "0", "0.0001", "-1", "1e308", "lots"])
def test_answer_limit_must_be_a_finite_number_of_mib(capsys, monkeypatch, value) -> None:
    status, _, err = run_cli(capsys, monkeypatch, "--url", NOBODY, f"--answer-limit={value}",
                             "stats")
    assert status == 2
    assert "--answer-limit" in err and "size in MiB" in err and "Traceback" not in err


def test_the_answer_limit_is_the_users_to_set(pool, capsys, monkeypatch) -> None:
    """The pool's first read is over 100 KiB: under a 0.1 MiB limit it is refused at once (the
    same read again would be as large), in one line naming the limit, and the session it
    opened is logged out; under the default limit it is read."""
    import time

    connect = ("--url", pool.url, "--user", pool.user, "--transport", "jsonrpc")
    sessions = set(pool.db.all("session"))
    started = time.monotonic()
    status, _, err = run_cli(capsys, monkeypatch, *connect, "--answer-limit", "0.1", "stats",
                             password=pool.password)
    assert status == 1
    assert "limited to 104857 bytes" in err and err.count("\n") == 1, err
    assert "reconnecting" not in err and time.monotonic() - started < 10
    assert set(pool.db.all("session")) == sessions
    status, _, err = run_cli(capsys, monkeypatch, *connect, "stats", password=pool.password)
    assert status == 0, err


@pytest.mark.parametrize("url", ["https://root:hunter2@127.0.0.1:9",
                                 "root:hunter2@127.0.0.1", "http://:hunter2@127.0.0.1:bad"])
def test_a_password_in_the_url_is_refused_and_never_echoed(capsys, monkeypatch, url) -> None:
    status, out, err = run_cli(capsys, monkeypatch, "--url", url, "stats")
    assert status == 1
    assert "must not contain a user name or password" in err
    assert err.count("\n") == 1 and "hunter2" not in out + err
    status, out, err = run_cli(capsys, monkeypatch, "profile", "add", "lab", url)
    assert status == 1 and "user name or password" in err
    assert "hunter2" not in out + err


def test_names_from_the_server_cannot_drive_the_terminal(pool, capsys, monkeypatch) -> None:
    vm = next(r for r, v in pool.db.all("VM").items()
              if not (v["is_a_template"] or v["is_control_domain"] or v["is_a_snapshot"]))
    hostile = "\x1b[2J\x1b]0;owned\x07evil\u202eexe.txt\nsecond line\x9b"
    pool.db.update(vm, name_label=hostile)
    connect = ("--url", pool.url, "--user", pool.user)
    status, out, err = run_cli(capsys, monkeypatch, *connect, "vm", "list",
                               password=pool.password)
    assert status == 0, err
    for control in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert control not in out + err
    line = next(li for li in out.splitlines() if "evil" in li)
    assert line.startswith("\\x1b[2J\\x1b]0;owned\\x07evil")
    assert not any(li.startswith("second line") for li in out.splitlines())
    status, out, err = run_cli(capsys, monkeypatch, *connect, "vm", "list", "--json",
                               password=pool.password)
    assert status == 0 and "\x1b" not in out
    assert hostile in {row["name"] for row in json.loads(out)}  # JSON keeps the exact name
    status, out, err = run_cli(capsys, monkeypatch, *connect, "vm", "start", "nope\x1b[2J",
                               password=pool.password)
    assert status == 1 and "\x1b" not in err and "nope" in err


@pytest.mark.parametrize("transport", ["xmlrpc", "jsonrpc"])
def test_vm_list_survives_odd_values_from_the_server(pool, capsys, monkeypatch,
                                                      transport) -> None:
    vms = [r for r, v in pool.db.all("VM").items()
           if not (v["is_a_template"] or v["is_control_domain"] or v["is_a_snapshot"])]
    odd = {"memory_static_max": float("inf"), "VCPUs_at_startup": float("nan")}
    saved = {key: pool.db.get(vms[0])[key] for key in odd}
    pool.db.update(vms[0], **odd)
    pool.db.update(vms[1], memory_static_max=-(2**62), tags=["ok", 7])
    try:
        status, out, err = run_cli(capsys, monkeypatch, "--url", pool.url, "--user", pool.user,
                                   "--transport", transport, "vm", "list",
                                   password=pool.password)
    finally:
        pool.db.update(vms[0], **saved)
    assert status == 0, err
    assert pool.db.get(vms[0])["uuid"] in out and "Traceback" not in err


BILLION_LAUGHS = "version: 1\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
) + "profiles:\n- {name: x, address: h, options: {bomb: *i}}\n"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("text", [
    BILLION_LAUGHS,
    "version: 1\nprofiles:\n- &me {name: x, address: h, options: {loop: *me}}\n",
    "version: 1\nprofiles: " + "[" * 200000,
], ids=["billion-laughs", "self-reference", "nested-200000-deep"])
def test_yaml_bombs_in_the_profiles_are_refused_at_once(capsys, monkeypatch, text,
                                                       _private_config_dir) -> None:
    (_private_config_dir / "profiles.yaml").write_text(text)
    why = "nested more than" if text.endswith("[") else "alias"
    status, out, err = run_cli(capsys, monkeypatch, "profile", "list")
    assert status == 0 and out == ""
    assert why in err and "line" in err and "Traceback" not in err
    status, _, err = run_cli(capsys, monkeypatch, "--profile", "x", "stats")
    assert status == 1 and why in err and err.count("\n") == 1


def test_a_profiles_file_that_is_a_folder_gives_one_line(capsys, monkeypatch,
                                                         _private_config_dir) -> None:
    (_private_config_dir / "profiles.yaml").mkdir()
    for argv in (["profile", "add", "lab", "127.0.0.1"], ["--profile", "lab", "stats"]):
        status, _, err = run_cli(capsys, monkeypatch, *argv)
        assert status == 1, err
        assert err.count("\n") == 1 and "profiles.yaml" in err and "Traceback" not in err


def test_a_full_disk_gives_one_line_and_keeps_the_profiles(_private_config_dir) -> None:
    import os
    import resource
    import signal
    import subprocess
    import sys
    from pathlib import Path

    first = subprocess.run([str(Path(sys.executable).parent / "xapiman-cli"), "profile", "add",
                            "lab", "127.0.0.1"], capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    before = (_private_config_dir / "profiles.yaml").read_bytes()

    def tiny_disk() -> None:  # writes beyond 64 bytes fail, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    full = subprocess.run([str(Path(sys.executable).parent / "xapiman-cli"), "profile", "add",
                           "lab2", "127.0.0.2"], capture_output=True, text=True, timeout=60,
                          preexec_fn=tiny_disk, env=os.environ)
    assert full.returncode == 1
    assert full.stderr.count("\n") == 1 and "Traceback" not in full.stderr
    assert "Could not save the profiles" in full.stderr
    assert (_private_config_dir / "profiles.yaml").read_bytes() == before


def test_timeout_is_an_overall_deadline(capsys, monkeypatch) -> None:
    import threading
    import time

    from tests.client.fake_server import fake_server, silent

    stopping = threading.Event()
    with fake_server(silent(stopping)) as server:
        started = time.monotonic()
        try:
            status, _, err = run_cli(capsys, monkeypatch, "--url", server.url, "--timeout",
                                     "1", "stats", password="pw")
        finally:
            stopping.set()
    assert status == 1 and "did not finish within 1 s" in err
    assert time.monotonic() - started < 3
