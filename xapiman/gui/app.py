"""Start-up of the desktop app: Qt with the asyncio loop, profiles, connections, the window."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

log = logging.getLogger("xapiman.gui")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    import qasync
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("xapiman")
    app.setStyle("Fusion")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    session = Session(args)
    session.start()
    with loop:
        exit_code = loop.run_until_complete(session.finished)
    session.stop()
    return exit_code


class Session:
    """Everything one run of the app owns, started in order and stopped in reverse."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.finished: asyncio.Future[int] = asyncio.get_event_loop().create_future()
        self.demo = None
        self.window = None

    def start(self) -> None:
        from xapiman.gui.bridge import PoolBridge
        from xapiman.gui.main_window import MainWindow
        from xapiman.pools.manager import PoolManager
        from xapiman.pools.profiles import ProfileStore
        from xapiman.pools.secrets import PasswordStore

        store = ProfileStore()
        store.load()
        passwords = PasswordStore()
        bridge = PoolBridge()
        self.manager = PoolManager(store, passwords, ask_certificate=bridge.ask_certificate,
                                   share_interpreter=True)
        bridge.attach(self.manager)
        self.window = MainWindow(self.manager, bridge, passwords)
        self.window.destroyed.connect(lambda: self._finish(0))
        self.window.show()
        self.window.installEventFilter(_CloseWatcher(self))
        if store.load_error:
            self.window.notify(store.load_error)
        if self.args.demo:
            self._start_demo()
        else:
            asyncio.ensure_future(self.window.flow.reconnect_saved(self.window.show_disconnected))
        if self.args.screenshot:
            asyncio.ensure_future(self._screenshot())

    def _start_demo(self) -> None:
        from xapiman.demo import DEMO_PROFILE, start_demo_pool
        from xapiman.pools.profiles import Profile

        state = Path(self.args.demo_state) if self.args.demo_state else None
        speed = 0.0 if self.args.screenshot else 1.0
        self.demo = start_demo_pool(state, speed=speed)
        profile = Profile(DEMO_PROFILE, self.demo.url, user=self.demo.user,
                          pinned_fingerprint=self.demo.fingerprint)
        self.window.flow.open(profile, self.demo.password)

    async def _screenshot(self) -> None:
        from xapiman.gui.screenshot import save_screenshot

        window = self.window
        for _ in range(600):
            if window.model.object_count():
                break
            await asyncio.sleep(0.05)
        else:
            log.error("the pool did not load in time for the screenshot")
            self._finish(1)
            return
        if self.args.select and not window.select_by_name(self.args.select):
            log.error("no object named %r", self.args.select)
            self._finish(1)
            return
        if self.args.tab and not window.show_tab(self.args.tab):
            log.error("no tab named %r", self.args.tab)
            self._finish(1)
            return
        await asyncio.sleep(0.5)
        for _ in range(100):  # pages that fetch (graphs) say when they have something to show
            page = window.tabs.currentWidget()
            if not getattr(page, "loading", False):
                break
            await asyncio.sleep(0.1)
        path = save_screenshot(window, self.args.screenshot)
        print(f"saved {path}")
        window.close()

    def _finish(self, code: int) -> None:
        if not self.finished.done():
            self.finished.set_result(code)

    def stop(self) -> None:
        if self.demo is not None:
            self.demo.stop()


class _CloseWatcher:
    """Ends the run when the main window closes."""

    def __new__(cls, session: Session):
        from PyQt6.QtCore import QEvent, QObject

        class Watcher(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Close:
                    session._finish(0)
                return False

        watcher = Watcher(session.window)
        return watcher
