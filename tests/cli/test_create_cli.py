"""`xapiman-cli host recommend`, `vm new`, `vm export` and `vm import` run as programs against
the simulator, with the server's records checked afterwards."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import cli
from xapiman.sim.testing import running_pool

GiB = 1024**3


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=3, vms=6, tls=True) as p:
        yield p


def host_named(pool, name: str) -> str:
    return next(r for r, h in pool.db.all("host").items() if h["name_label"] == name)


def test_host_recommend_explains_each_host(pool):
    db = pool.db
    small, maint = host_named(pool, "xcp-host-02"), host_named(pool, "xcp-host-03")
    db.update(db.get(small, "host")["metrics"], memory_total=6 * GiB)
    db.update(maint, enabled=False)
    try:
        result = cli(pool, "host", "recommend", "--memory", "8GiB", "--cpus", "2",
                     "--sr", "NFS virtual disk storage", "--json")
        assert result.returncode == 0, result.stderr
        rows = {r["host"]: r for r in json.loads(result.stdout)}
        assert rows["xcp-host-01"]["recommended"] and rows["xcp-host-01"]["suitable"]
        assert rows["xcp-host-02"]["reasons"][0].startswith(
            "Not enough free memory: the VM needs 8.0 GiB")
        assert rows["xcp-host-03"]["reasons"] == ["The server is in maintenance mode."]
        text = cli(pool, "host", "recommend", "--memory", "8GiB")
        assert text.returncode == 0, text.stderr
        first = text.stdout.splitlines()[1]
        assert first.startswith("xcp-host-01") and "recommended" in first
        assert "maintenance mode" in text.stdout
        # storage only one host sees: the others say so
        first_host = host_named(pool, "xcp-host-01")
        local = next(r for r, s in db.all("SR").items() if s["name_label"] == "Local storage"
                     and db.get(s["PBDs"][0])["host"] == first_host)
        db.update(db.get(small, "host")["metrics"], memory_total=256 * GiB)
        only = cli(pool, "host", "recommend", "--memory", "1GiB", "--sr",
                   db.get(local)["uuid"], "--json")
        rows = {r["host"]: r for r in json.loads(only.stdout)}
        assert rows["xcp-host-01"]["recommended"]
        assert rows["xcp-host-02"]["reasons"] == [
            "The server cannot reach the storage 'Local storage'."]
        too_big = cli(pool, "host", "recommend", "--memory", "4TiB")
        assert too_big.returncode == 1 and "no host can take this VM" in too_big.stderr
        bad = cli(pool, "host", "recommend", "--memory", "4")
        assert bad.returncode == 2 and "needs a unit" in bad.stderr
    finally:
        db.update(db.get(small, "host")["metrics"], memory_total=256 * GiB)
        db.update(maint, enabled=True)
