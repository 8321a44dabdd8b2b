"""Fixtures for simulator tests: a running pool and a logged-in XenAPI session."""

from __future__ import annotations

import pytest
import XenAPI

from xapiman.sim.testing import running_pool


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=20) as p:
        yield p


@pytest.fixture
def session(pool):
    s = XenAPI.Session(pool.url)
    s.xenapi.login_with_password(pool.user, pool.password, "2.21", "xapiman-tests")
    yield s
    try:
        s.xenapi.session.logout()
    except Exception:
        pass
