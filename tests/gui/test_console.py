"""The Console tab against a simulated pool: a live console that takes typing, follows the VM
through migration, reboot, shutdown and start, costs nothing while hidden, undocks into its
own window; and pictures of it (artifacts/console-*.png)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QImage

from xapiman.gui.console.windows import open_windows, window_of
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.tabs import TabContext
from xapiman.gui.tabs.console import HostConsolePage, VmConsolePage
from xapiman.sim.routes_console import console_hub
from xapiman.sim.testing import running_pool
from xapiman.xapi.connection import Connection
from xapiman.xapi.errors import XapiError

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120)]
CONN = "Console pool"
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def pool():
    with running_pool(2, 12, tls=True) as p:
        conn = Connection(p.url, p.user, p.password, fingerprint=p.fingerprint)
        conn.connect(30)
        try:
            yield p, conn
        finally:
            conn.close()


class Feed:
    """Hands the connection's cache changes to a page on the GUI thread, as the window does."""

    def __init__(self, conn: Connection, page) -> None:
        self.page = page
        self._lock = threading.Lock()
        self._queue: list = []
        self._stop = conn.cache.subscribe(self._add)
        self.timer = QTimer()
        self.timer.timeout.connect(self._drain)
        self.timer.start(20)

    def _add(self, change) -> None:
        with self._lock:
            self._queue.append(change)

    def _drain(self) -> None:
        with self._lock:
            queue, self._queue = self._queue, []
        for change in queue:
            self.page.cache_changed(change)

    def close(self) -> None:
        self.timer.stop()
        self._stop()


class Triggered:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def __call__(self, action_id: str, targets=None) -> None:
        self.calls.append((action_id, [t.ref for t in targets or []]))


@pytest.fixture
def open_page(qtbot, pool):
    _p, conn = pool
    made: list = []

    def make(page_class, ref: str, kind: str = "vm", size=(960, 560)):
        triggered = Triggered()
        selected: list = []
        context = TabContext(triggered, lambda name, r: selected.append((name, r)),
                             lambda name: conn if name == CONN else None)
        page = page_class(context)
        qtbot.addWidget(page)
        page.resize(*size)
        page.show_object(CONN, conn.cache, kind, ref)
        page.show()
        qtbot.waitExposed(page)
        feed = Feed(conn, page)
        page.triggered, page.selected = triggered, selected
        made.append((page, feed))
        return page

    yield make
    for page, feed in made:
        feed.close()
        page._drop_panel()
    for window in open_windows():
        window.close()


def running_vm(pool, host_index: int | None = None, nth: int = 0) -> str:
    """A running guest (the nth, so tests that change a screen's text use their own)."""
    db = pool.db
    hosts = sorted(db.all("host"))
    found = [r for r, v in sorted(db.all("VM").items())
             if v["power_state"] == "Running" and not v["is_control_domain"]
             and not v["is_a_template"] and not v["is_a_snapshot"]
             and (host_index is None or v["resident_on"] == hosts[host_index])]
    return found[nth % len(found)]


def screen_of(pool, vm: str):
    console = next(c for c in pool.db.get(vm, "VM")["consoles"]
                   if pool.db.get(c, "console")["protocol"] == "rfb")
    return console_hub(pool.sim).screen(pool.db, console)


def shown_pixels(view) -> np.ndarray:
    """What the view paints, as 0x00RRGGBB words (1:1, device pixel ratio 1 offscreen)."""
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint32)
    return data.reshape(image.height(), image.bytesPerLine() // 4)[:, :image.width()] & 0xFFFFFF


def screen_pixels(screen) -> np.ndarray:
    width, height = screen.size
    return np.frombuffer(screen.framebuffer(), "<u4").reshape(height, width) & 0xFFFFFF


def connected(panel) -> bool:
    return panel.session is not None and panel.view.fb is not None and \
        panel.stack.currentWidget() is panel.scroll_area


def test_live_console_takes_typing(qtbot, pool, open_page, artifacts_dir) -> None:
    p, conn = pool
    vm = running_vm(p)
    screen = screen_of(p, vm)
    screen.advance(30)  # booted: the login prompt
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    assert "Connected to" in panel.status_label.text()
    panel.fit_button.click()  # 1:1: what is painted is the guest's screen, pixel for pixel
    qtbot.waitUntil(lambda: panel.view.size().width() == screen.size[0], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (shown_pixels(panel.view) == screen_pixels(screen)).all(),
                    timeout=WAIT_MS)
    qtbot.mouseClick(panel.view, qtbot_left())  # click in: the keyboard is captured
    assert panel.view.grabbed and panel.grab_hint.isVisible()
    qtbot.keyClicks(panel.view, "root")
    qtbot.keyClick(panel.view, "\r")
    qtbot.waitUntil(lambda: screen.mode == "password", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (shown_pixels(panel.view) == screen_pixels(screen)).all(),
                    timeout=WAIT_MS)
    assert any("login: root" in line for line in screen.text())
    panel.fit_button.click()
    save_screenshot(page, artifacts_dir / "console-vm.png")


def qtbot_left():
    from PyQt6.QtCore import Qt
    return Qt.MouseButton.LeftButton


def test_type_clipboard_and_ctrl_alt_del(qtbot, pool, open_page) -> None:
    from PyQt6.QtGui import QGuiApplication

    p, _conn = pool
    vm = running_vm(p, nth=1)
    screen = screen_of(p, vm)
    screen.advance(30)
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel) and panel.cad_button.isEnabled(), timeout=WAIT_MS)
    QGuiApplication.clipboard().setText("Admin\n")
    panel.type_button.click()
    qtbot.waitUntil(lambda: any("login: Admin" in line for line in screen.text()),
                    timeout=WAIT_MS)
    panel.cad_button.click()
    qtbot.wait(200)
    assert panel.session is not None and panel.session.running


def test_console_follows_migration_and_reboot(qtbot, pool, open_page) -> None:
    p, conn = pool
    hosts = sorted(p.db.all("host"))
    vm = next(r for r, v in sorted(p.db.all("VM").items())
              if v["power_state"] == "Running" and v["resident_on"] == hosts[0]
              and not v["is_control_domain"] and movable(conn, r, hosts[1]))
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    first = panel.session
    conn.call("VM.pool_migrate", vm, hosts[1], {"live": "true"})
    qtbot.waitUntil(lambda: connected(panel) and panel.session is not first, timeout=WAIT_MS)
    name = p.db.get(hosts[1], "host")["name_label"]
    assert f"moved to {name}" in panel.status_label.text()
    assert panel.target.host == hosts[1]
    second = panel.session
    conn.call("VM.clean_reboot", vm)
    qtbot.waitUntil(lambda: connected(panel) and panel.session is not second, timeout=WAIT_MS)
    assert "restarted" in panel.status_label.text()


def movable(conn, vm: str, host: str) -> bool:
    try:
        conn.call("VM.assert_can_boot_here", vm, host)
    except XapiError:
        return False
    return True


def test_halted_vm_says_why_and_starts(qtbot, pool, open_page, artifacts_dir) -> None:
    p, conn = pool
    vm = running_vm(p)
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    conn.call("VM.hard_shutdown", vm)
    qtbot.waitUntil(lambda: panel.stack.currentWidget() is panel.message_page, timeout=WAIT_MS)
    assert "shut down" in panel.message.text() and panel.action_button.text() == "Start"
    assert panel.session is None
    save_screenshot(page, artifacts_dir / "console-halted.png")
    panel.action_button.click()
    assert page.triggered.calls == [("vm.start", [vm])]
    conn.call("VM.start", vm, False, False)
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    assert "started" in panel.status_label.text()


def test_hidden_console_asks_for_nothing(qtbot, pool, open_page) -> None:
    p, _conn = pool
    vm = running_vm(p, nth=2)
    screen = screen_of(p, vm)
    screen.advance(30)
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    session = panel.session
    page.hide()
    screen.type_text("x")  # answers the request that was out when it was hidden, if any
    qtbot.waitUntil(lambda: not session.asking, timeout=WAIT_MS)
    seen = session.updates
    screen.type_text("yz")
    qtbot.wait(500)  # the time an answer would take: none may come, as none was asked for
    assert session.updates == seen and not session.asking
    page.show()
    qtbot.waitUntil(lambda: session.updates > seen, timeout=WAIT_MS)


def test_undock_and_bring_back(qtbot, pool, open_page) -> None:
    p, _conn = pool
    vm = running_vm(p)
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    session = panel.session
    panel.undock_button.click()
    window = window_of(CONN, vm)
    assert window is not None and window.panel is panel and page.panel is None
    assert page.stack.currentWidget() is page.away
    qtbot.waitExposed(window)
    window.toggle_full_screen()
    assert window.isFullScreen() and panel.full_button.text() == "Exit Full Screen"
    window.toggle_full_screen()
    page.bring_back.click()
    assert window_of(CONN, vm) is None and page.panel is panel
    assert panel.session is session and session.running


def test_closing_the_window_ends_its_console(qtbot, pool, open_page) -> None:
    p, _conn = pool
    vm = running_vm(p)
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    session = panel.session
    panel.undock_button.click()
    window_of(CONN, vm).close()
    qtbot.waitUntil(lambda: not session.running, timeout=WAIT_MS)


def test_host_console(qtbot, pool, open_page, artifacts_dir) -> None:
    p, _conn = pool
    host = sorted(p.db.all("host"))[0]
    dom0 = next(r for r, v in p.db.all("VM").items()
                if v["is_control_domain"] and v["resident_on"] == host)
    screen = screen_of(p, dom0)
    screen.advance(30)
    page = open_page(HostConsolePage, host, kind="host")
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    assert panel.info.version == "3.3"
    assert panel.info.name == "XenServer Virtual Terminal"
    name = p.db.get(host, "host")["name_label"]
    assert f"console of {name}" in panel.status_label.text()
    panel.fit_button.click()
    qtbot.waitUntil(lambda: (shown_pixels(panel.view) == screen_pixels(screen)).all(),
                    timeout=WAIT_MS)
    panel.fit_button.click()
    save_screenshot(page, artifacts_dir / "console-host.png")


def test_suspend_and_resume_are_followed(qtbot, pool, open_page) -> None:
    p, conn = pool
    vm = next(r for r, v in sorted(p.db.all("VM").items())
              if v["power_state"] == "Running" and "suspend" in v["allowed_operations"])
    page = open_page(VmConsolePage, vm)
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    conn.call("VM.suspend", vm)
    qtbot.waitUntil(lambda: panel.stack.currentWidget() is panel.message_page, timeout=WAIT_MS)
    assert "suspended" in panel.message.text() and panel.action_button.text() == "Resume"
    panel.action_button.click()
    assert page.triggered.calls == [("vm.resume", [vm])]
    conn.call("VM.resume", vm, False, False)
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    assert "resumed" in panel.status_label.text()


def test_guest_resolution_change_is_followed(qtbot, pool, open_page) -> None:
    p, _conn = pool
    vm = running_vm(p, nth=4)
    screen = screen_of(p, vm)
    screen.advance(30)
    page = open_page(VmConsolePage, vm, size=(1100, 760))
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    panel.fit_button.click()
    screen.resize(800, 600)
    qtbot.waitUntil(lambda: panel.view.fb is not None and panel.view.fb.size == (800, 600),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.view.size().width() == 800, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (shown_pixels(panel.view) == screen_pixels(screen)).all(),
                    timeout=WAIT_MS)
    assert "800x600" in panel.status_label.text()


def test_several_consoles_in_their_own_windows(qtbot, pool, open_page) -> None:
    p, _conn = pool
    first, second = running_vm(p, nth=5), running_vm(p, nth=6)
    pages = [open_page(VmConsolePage, vm) for vm in (first, second)]
    for page in pages:
        qtbot.waitUntil(lambda page=page: connected(page.panel), timeout=WAIT_MS)
    sessions = [page.panel.session for page in pages]
    for page in pages:
        page.panel.undock_button.click()
    windows = [window_of(CONN, vm) for vm in (first, second)]
    assert all(windows) and windows[0] is not windows[1]
    for window in windows:
        qtbot.waitExposed(window)
    assert all(session.running for session in sessions)
    assert {w.panel.session for w in windows} == set(sessions)


def test_keyboard_capture_is_released_with_ctrl_alt(qtbot, pool, open_page) -> None:
    from PyQt6.QtCore import Qt

    p, _conn = pool
    page = open_page(VmConsolePage, running_vm(p, nth=7))
    panel = page.panel
    qtbot.waitUntil(lambda: connected(panel), timeout=WAIT_MS)
    qtbot.mouseClick(panel.view, qtbot_left())
    assert panel.view.grabbed and panel.grab_hint.isVisible()
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyPress(panel.view, Qt.Key.Key_Alt, both)
    assert not panel.view.grabbed and not panel.grab_hint.isVisible()


def test_the_guests_pointer_shape(qtbot) -> None:
    from xapiman.gui.console.view import ConsoleView
    from xapiman.rfb import CursorShape

    view = ConsoleView()
    qtbot.addWidget(view)
    argb = np.zeros((12, 10), np.uint32)
    argb[2:6, 3:5] = 0xFFFF0000
    view.set_cursor_shape(CursorShape(argb, 3, 2))
    cursor = view.cursor()
    image = cursor.pixmap().toImage()
    assert (image.width(), image.height()) == (10, 12)
    assert (cursor.hotSpot().x(), cursor.hotSpot().y()) == (3, 2)
    assert image.pixel(3, 2) == 0xFFFF0000 and image.pixel(0, 0) >> 24 == 0
