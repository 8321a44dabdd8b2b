"""The window as the user left it: size and place, splitter, tree view and toggles, and the
last selected object, restored by the next window (a new run) from the settings file."""

from __future__ import annotations

import json

import pytest
from keyring.backends import fail
from PyQt6.QtCore import QRect, QSize

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    App,
    app_fixture,
    loop_fixture,
    user_vms,
)
from xapiman.gui.bridge import PoolBridge
from xapiman.gui.main_window import MainWindow
from xapiman.gui.tree import layout
from xapiman.gui.window_memory import default_size
from xapiman.pools.manager import PoolManager
from xapiman.pools.profiles import ProfileStore
from xapiman.pools.secrets import PasswordStore
from xapiman.settings import Settings
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=6, tls=True, speed=0) as p:
        yield p


def test_the_next_window_opens_as_the_last_one_closed(app: App, pool, qtbot, tmp_path,
                                                      _private_config_dir) -> None:
    window = app.window
    app.connect(pool)
    target = user_vms(pool, "Halted")[0]
    window.set_view(layout.OBJECTS)
    window.toggles["show_snapshots"].setChecked(True)
    window.resize(720, 520)
    window.splitter.setSizes([300, 420])
    app.select(target)
    with qtbot.waitSignal(window.closed, timeout=10_000):  # the settings are written by then
        window.close()

    saved = json.loads((_private_config_dir / "settings.json").read_text())
    assert saved["tree.view"] == layout.OBJECTS
    assert saved["tree.toggles"]["show_snapshots"] is True
    assert saved["tree.selection"]["uuid"] == pool.db.get(target, "VM")["uuid"]

    # a new run: new store, manager and window reading the same settings file
    store = ProfileStore(tmp_path / "config2")
    bridge = PoolBridge()
    manager = PoolManager(store, PasswordStore(fail.Keyring()),
                          ask_certificate=bridge.ask_certificate)
    bridge.attach(manager)
    again = MainWindow(manager, bridge, None, Settings().load())
    again.show()
    qtbot.waitExposed(again)
    try:
        assert again.size() == QSize(720, 520)
        assert again.splitter.sizes()[0] == 300
        assert again.view_actions[layout.OBJECTS].isChecked()
        assert again.view_box.currentData() == layout.OBJECTS
        assert again.toggles["show_snapshots"].isChecked()
        second = App(again, manager, bridge, store, manager.passwords, qtbot)
        again.flow.open(second.profile(pool), pool.password)
        qtbot.waitUntil(lambda: second.selected_keys() == [("lab", "vm", target)],
                        timeout=20_000)
        assert again.header_title.text() == pool.db.get(target, "VM")["name_label"]
    finally:
        again.close()
        manager.close_all()
        again.deleteLater()


def test_a_first_run_fits_a_small_screen(app: App) -> None:
    # a 1366x768 screen with a 32-pixel panel: the window and its title bar fit
    size = default_size(QRect(0, 32, 1366, 736))
    assert size.width() <= 1366 - 40 and size.height() + 40 <= 736
    assert default_size(QRect(0, 0, 2560, 1440)) == QSize(1280, 760)
    assert app.window.memory.restore_layout() is False  # nothing saved yet: the default
    assert app.window.size() == default_size()


def test_a_damaged_settings_file_is_kept_aside(tmp_path) -> None:
    (tmp_path / "settings.json").write_text("{ not json")
    settings = Settings(tmp_path).load()
    assert "damaged" in settings.load_error
    assert (tmp_path / "settings.json.broken").read_text() == "{ not json"
    assert settings.get("tree.view", "infrastructure") == "infrastructure"
    settings.set("tree.view", "tags")
    settings.flush()
    assert json.loads((tmp_path / "settings.json").read_text()) == {"tree.view": "tags"}
    # a value of the wrong kind (hand-edited) reads as the default
    (tmp_path / "settings.json").write_text('{"tree.toggles": [1, 2]}')
    assert Settings(tmp_path).load().get("tree.toggles", {}) == {}
