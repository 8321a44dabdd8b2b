"""A pinned certificate past its dates: the window connects and says so in its notification
bar (the pin is the trust, not the dates)."""

from __future__ import annotations

import pytest

from tests.cli.test_pins import expired_certificate, serving
from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    CONN,
    App,
    app_fixture,
    loop_fixture,
)
from xapiman.gui.screenshot import save_screenshot
from xapiman.pools.profiles import Profile

pytestmark = pytest.mark.gui


def test_an_expired_pinned_certificate_connects_with_a_warning(app: App, qtbot, tmp_path,
                                                               artifacts_dir) -> None:
    with serving(cert=expired_certificate(tmp_path)) as sim:
        profile = Profile(CONN, sim.url(), user=sim.config.user, pinned_fingerprint=sim.fingerprint)
        app.store.add(profile)
        app.window.flow.open(profile, sim.config.password)
        app.wait_loaded()
        banner = app.window.banner.label
        qtbot.waitUntil(lambda: "expired on" in banner.text(), timeout=10_000)
        assert banner.text().startswith(f"{CONN}: the certificate of ")
        assert "renew it on the server" in banner.text()
        save_screenshot(app.window, artifacts_dir / "expired-certificate-warning.png")
