"""Pool membership between simulated servers: an ejected host answers as a standalone server
and joins the pool again; a server that may not join is refused with xapi's errors."""

from __future__ import annotations

import time

import pytest
import XenAPI

from xapiman.sim.membership import standalone_db
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)


def login(url: str, pool) -> XenAPI.Session:
    s = XenAPI.Session(url)
    s.xenapi.login_with_password(pool.user, pool.password, "2.21", "xapiman-tests")
    return s


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # the server is restarting
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met")


def test_an_ejected_host_stands_alone_then_joins_again():
    with running_pool(hosts=3, vms=6) as pool:
        db = pool.db
        x = login(pool.url, pool).xenapi
        host = next(h for h in db.all("host") if h != pool.sim.coordinator)
        name, uuid = db.get(host, "host")["name_label"], db.get(host, "host")["uuid"]
        address = db.get(host, "host")["address"]
        for vm in x.host.get_resident_VMs(host):
            if not x.VM.get_is_control_domain(vm):
                x.VM.hard_shutdown(vm)
        x.pool.eject(host)
        assert host not in x.host.get_all()

        alone = wait_for(lambda: login(f"http://{address}", pool))
        y = alone.xenapi
        [single] = y.host.get_all()
        assert y.host.get_name_label(single) == name and y.host.get_uuid(single) == uuid
        assert not any(y.SR.get_shared(sr) and y.SR.get_content_type(sr) != "iso"
                       for sr in y.SR.get_all())

        y.pool.join(db.get(pool.sim.coordinator, "host")["address"], "root", pool.password)
        back = wait_for(lambda: x.host.get_by_uuid(uuid))
        rec = x.host.get_record(back)
        assert rec["name_label"] == name and rec["address"] == address
        assert x.host_metrics.get_live(rec["metrics"]) is True
        nfs = next(sr for sr in x.SR.get_all() if x.SR.get_type(sr) == "nfs")
        assert any(x.PBD.get_host(p) == back for p in x.SR.get_PBDs(nfs))
        networks = {x.PIF.get_network(p) for p in rec["PIFs"]}
        coordinator_networks = {x.PIF.get_network(p)
                                for p in x.host.get_PIFs(pool.sim.coordinator)}
        assert networks <= coordinator_networks
        # its address now belongs to the pool: a supporter answers HOST_IS_SLAVE
        with pytest.raises(XenAPI.Failure) as refused:
            wait_for(lambda: back in pool.sim.servers) and login(f"http://{address}", pool)
        assert refused.value.details[0] == "HOST_IS_SLAVE"


def test_a_server_that_may_not_join_is_refused():
    with running_pool(hosts=2, vms=4) as pool, \
            running_pool(hosts=1, vms=0, db=standalone_db("lone")) as lone, \
            running_pool(hosts=1, vms=2, seed=3) as busy:
        coordinator = pool.db.get(pool.sim.coordinator, "host")["address"]
        supporter = next(r["address"] for h, r in pool.db.all("host").items()
                         if h != pool.sim.coordinator)
        y = login(lone.url, lone).xenapi

        def refusal(session, *args) -> list[str]:
            with pytest.raises(XenAPI.Failure) as refused:
                session.pool.join(*args)
            return refused.value.details

        assert refusal(y, "127.0.0.1:1", "root", pool.password)[0] == \
            "JOINING_HOST_CONNECTION_FAILED"
        assert refusal(y, supporter, "root", pool.password)[0] == "HOST_IS_SLAVE"
        assert refusal(y, coordinator, "root", "wrong")[0] == "SESSION_AUTHENTICATION_FAILED"
        # a server with shared storage and running VMs
        z = login(busy.url, busy).xenapi
        assert refusal(z, coordinator, "root", pool.password)[0] == \
            "JOINING_HOST_CANNOT_HAVE_RUNNING_OR_SUSPENDED_VMS"
        # the pool's own server cannot join another pool
        x = login(pool.url, pool).xenapi
        assert refusal(x, lone.url, "root", lone.password)[0] == \
            "JOINING_HOST_CANNOT_BE_MASTER_OF_OTHER_HOSTS"
        assert len(pool.db.all("host")) == 2
