"""`xapiman-cli` when the pool fails under it: every wait ends with a line that says what is
known."""

from __future__ import annotations

import threading
import time

from tests.cli.test_hostile_input import run_cli
from tests.client.conftest import wait_until
from xapiman.sim.testing import running_pool


def test_a_pool_that_dies_while_a_task_runs_ends_the_wait(capsys, monkeypatch) -> None:
    with running_pool(hosts=1, vms=4, speed=0.02) as pool:  # VM.start takes a while
        name = next(v["name_label"] for v in pool.db.all("VM").values()
                    if v["power_state"] == "Halted" and not v["is_a_template"]
                    and not v["is_a_snapshot"] and not v["is_control_domain"])

        def kill_once_started() -> None:
            wait_until(lambda: any(t["name_label"] == "Async.VM.start"
                                   for t in pool.db.all("task").values()), timeout=20)
            pool.sim.kill_coordinator()  # one host: no successor

        killer = threading.Thread(target=kill_once_started, daemon=True)
        killer.start()
        started = time.monotonic()
        status, _, err = run_cli(capsys, monkeypatch, "--url", pool.url, "--user", pool.user,
                                 "--timeout", "2", "vm", "start", name, password=pool.password)
        killer.join(5)
    assert status == 1
    assert "may or may not have finished" in err and err.count("\n") == 1
    assert time.monotonic() - started < 10
