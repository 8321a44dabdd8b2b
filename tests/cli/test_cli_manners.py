"""`xapiman-cli`'s manners: what was done in one line, tasks followed after --no-wait, cut names
marked, quiet on a closed pipe, help for every argument, advice in the CLI's own options, and
a profile whose password cannot be kept is not kept either."""

from __future__ import annotations

import argparse
import json
import os
import subprocess

import pytest

from tests.cli.test_cli import CLI, cli, real_vms
from xapiman.scripting.cli import build_parser
from xapiman.scripting.terminal import cell
from xapiman.sim.testing import running_pool


@pytest.fixture
def pool():
    # speed 2: a VM starts in 3 s, so a task started without waiting is still running
    with running_pool(hosts=2, vms=6, tls=True, speed=2.0) as p:
        yield p


def test_a_task_started_without_waiting_is_listed_and_waited_for(pool) -> None:
    ref, vm = next(iter(real_vms(pool, "Halted").items()))
    started = cli(pool, "vm", "start", vm["uuid"], "--no-wait")
    assert started.returncode == 0, started.stderr
    task = started.stdout.strip()
    assert task.startswith("OpaqueRef:") and "\n" not in task
    listing = cli(pool, "task", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    rows = {r["ref"]: r for r in json.loads(listing.stdout)}
    assert rows[task]["name"] == "Async.VM.start"
    table = cli(pool, "task", "list")
    assert rows[task]["uuid"] in table.stdout and table.stdout.startswith("UUID ")
    waited = cli(pool, "task", "wait", rows[task]["uuid"])
    assert waited.returncode == 0, waited.stderr
    assert waited.stdout == "Async.VM.start: done\n"
    assert pool.db.get(ref)["power_state"] == "Running"
    # by its reference too, once it has ended
    again = cli(pool, "task", "wait", task)
    assert again.returncode == 0 and again.stdout == "Async.VM.start: done\n"
    missing = cli(pool, "task", "wait", "no-such-task")
    assert missing.returncode == 1 and "no task with the reference or uuid" in missing.stderr


def test_a_failed_task_says_why_when_waited_for(pool) -> None:
    ref, vm = next(iter(real_vms(pool, "Halted").items()))
    pool.faults.fail_call("VM.start", 3, "HOST_NOT_ENOUGH_FREE_MEMORY", str(2 * 1024**3),
                          str(1024**3))
    started = cli(pool, "vm", "start", vm["uuid"], "--no-wait")
    assert started.returncode == 0, started.stderr
    waited = cli(pool, "task", "wait", started.stdout.strip())
    assert waited.returncode == 1 and waited.stdout == ""
    assert waited.stderr.startswith("xapiman-cli: ") and waited.stderr.count("\n") == 1
    assert "memory" in waited.stderr.lower()
    assert pool.db.get(ref)["power_state"] == "Halted"


def test_success_says_what_was_done_one_line_each(pool) -> None:
    ref, vm = next(iter(real_vms(pool, "Halted").items()))
    name = vm["name_label"]
    clone = cli(pool, "vm", "clone", vm["uuid"], "--name", "copy-of")
    assert clone.returncode == 0, clone.stderr
    line, = clone.stdout.splitlines()
    made = line.split()[-1]
    assert line == f"Clone '{name}': made {made}"
    assert pool.db.get(pool.db.by_uuid("VM", made))["name_label"] == "copy-of"
    started = cli(pool, "vm", "start", name)
    assert started.returncode == 0 and started.stdout == f"Start '{name}': done\n"


def test_no_guest_tools_names_the_force_option(pool) -> None:
    ref, vm = next(iter(real_vms(pool, "Running").items()))
    # no guest agent: xapi offers no clean shutdown or reboot
    allowed = [op for op in vm["allowed_operations"] if not op.startswith("clean_")]
    pool.db.update(ref, guest_metrics="OpaqueRef:NULL", allowed_operations=allowed)
    for verb, hard in (("shutdown", "a hard shutdown"), ("reboot", "a hard reboot")):
        refused = cli(pool, "vm", verb, vm["uuid"])
        assert refused.returncode == 1
        assert "add --force" in refused.stderr and hard in refused.stderr
        assert "Force Shut Down" not in refused.stderr and "Force Reboot" not in refused.stderr
    assert pool.db.get(ref)["power_state"] == "Running"


def test_long_names_are_cut_with_a_marker(pool) -> None:
    assert cell("short", 8) == "short   "
    assert cell("a-rather-long-name", 8) == "a-rathe…"
    ref, vm = next(iter(real_vms(pool).items()))
    long_name = "a-virtual-machine-with-a-very-long-name-indeed"
    pool.db.update(ref, name_label=long_name)
    table = cli(pool, "vm", "list")
    assert table.returncode == 0
    assert long_name[:27] + "…" in table.stdout and long_name not in table.stdout
    assert long_name in cli(pool, "vm", "list", "--json").stdout


def test_a_closed_pipe_ends_quietly(pool) -> None:
    env = {**os.environ, "XAPIMAN_PASSWORD": pool.password}
    proc = subprocess.Popen([CLI, "--url", pool.url, "--user", pool.user, "--fingerprint",
                             pool.fingerprint, "vm", "list"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written
    errors = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert errors == b""


def _positionals(parser: argparse.ArgumentParser, path: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _positionals(sub, f"{path} {name}")
        elif not action.option_strings:
            yield path, action


def test_every_positional_argument_has_help() -> None:
    found = list(_positionals(build_parser(), "xapiman-cli"))
    assert any(a.dest == "task" for _, a in found)
    assert [(p, a.dest) for p, a in found if not a.help] == []


def test_an_address_without_tls_names_the_option(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    refused = cli(None, "profile", "add", "lab", "http://10.0.0.1", env=env)
    assert refused.returncode == 1 and "add --plain-http" in refused.stderr
    assert cli(None, "profile", "list", env=env).stdout == ""
    added = cli(None, "profile", "add", "lab", "http://10.0.0.1", "--plain-http", env=env)
    assert added.returncode == 0 and added.stdout == "added profile lab (http://10.0.0.1:80)\n"
    bare = cli(None, "profile", "add", "lab2", "10.0.0.2", "--plain-http", env=env)
    assert bare.returncode == 0 and bare.stdout == "added profile lab2 (http://10.0.0.2:80)\n"
    clash = cli(None, "profile", "add", "lab3", "https://10.0.0.3", "--plain-http", env=env)
    assert clash.returncode == 1 and "leave out --plain-http" in clash.stderr


def test_a_password_that_cannot_be_saved_saves_no_profile(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "XAPIMAN_PASSWORD": "secret",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    refused = cli(None, "profile", "add", "lab", "10.0.0.1", "--save-password", env=env)
    assert refused.returncode == 1 and "not added" in refused.stderr
    assert "--save-password" in refused.stderr and "secret" not in refused.stderr
    assert cli(None, "profile", "list", env=env).stdout == ""
