"""`xapiman-sim` on a network: a random password unless told, a password file, a warning for
plain HTTP beyond loopback, an advertised address instead of a wildcard."""

from __future__ import annotations

import re

from tests.sim.test_sim_cli import fails, launch, login
from tests.sim.test_sim_cli import start as start_sim


def test_the_default_password_is_random_and_printed() -> None:
    sims = [start_sim("--no-tls", "--hosts", "1", "--vms", "1", host_count=1) for _ in range(2)]
    try:
        passwords = [sim.password for sim in sims]
        assert all(len(p) >= 16 and p != "xapiman" for p in passwords)
        assert passwords[0] != passwords[1]
        assert login(sims[0]).xenapi.pool.get_all()
    finally:
        for sim in sims:
            sim.stop()


def test_every_interface_with_a_password_file_and_plain_http(tmp_path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-a-file\nignored\n")
    sim = launch("--no-tls", "--bind", "0.0.0.0", "--advertise", "127.0.0.2", "--hosts", "2",
                 "--vms", "1", "--password-file", str(secret))
    try:
        ready = sim.next_line()
        match = re.fullmatch(r"xapiman-sim ready: http://127\.0\.0\.2:(\d+) user=root "
                             r"password=from-a-file", ready)
        assert match, ready
        hosts = [sim.next_line(timeout=5) for _ in range(2)]
        assert all(" http://127.0.0.2:" in line for line in hosts)
        sim.url, sim.user, sim.password = f"http://127.0.0.1:{match[1]}", "root", "from-a-file"
        assert login(sim).xenapi.pool.get_all()
    finally:
        code = sim.stop()
    warning = sim.stderr
    assert code == 0
    assert "warning: serving plain HTTP on 0.0.0.0" in warning


def test_bad_network_options_give_one_line(tmp_path) -> None:
    code, err = fails("--advertise", "0.0.0.0")
    assert code == 1 and "wildcard" in err and err.count("\n") == 1
    code, err = fails("--password-file", str(tmp_path / "missing"))
    assert code == 1 and "cannot read the password" in err and err.count("\n") == 1
