"""Start-up of the desktop app: Qt with the asyncio loop, profiles, connections, the window."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TextIO

from xapiman import logs

log = logging.getLogger("xapiman.gui")


LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def configure_logging(debug: bool, stream: TextIO | None = None) -> logging.Handler:
    """The app's log: warnings (everything with --debug) to stderr, secrets blanked."""
    return logs.configure(logging.DEBUG if debug else logging.WARNING, LOG_FORMAT, stream)


def run(args: argparse.Namespace) -> int:
    configure_logging(args.debug)
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
        self._task: asyncio.Future | None = None

    def start(self) -> None:
        from xapiman.gui.aio import spawn
        from xapiman.gui.bridge import PoolBridge
        from xapiman.gui.launch import Launcher
        from xapiman.gui.main_window import MainWindow
        from xapiman.pools.manager import PoolManager
        from xapiman.pools.profiles import ProfileStore
        from xapiman.pools.secrets import PasswordStore
        from xapiman.settings import Settings

        store = ProfileStore()
        store.load()
        settings = Settings().load()
        passwords = PasswordStore()
        bridge = PoolBridge()
        self.manager = PoolManager(store, passwords, ask_certificate=bridge.ask_certificate,
                                   share_interpreter=True)
        bridge.attach(self.manager)
        window = self.window = MainWindow(self.manager, bridge, passwords, settings,
                                 remember=not self.args.screenshot)
        if self.args.size:
            self.window.resize(*self.args.size)
        if self.args.select:
            self.window.restore_selection = False
        if self.args.screenshot:
            self.window.flow.unattended = True  # nobody can answer a dialog
        self.window.destroyed.connect(lambda: self._finish(0))
        self.window.show()
        window.closed.connect(lambda: self._finish(0))  # after its pools were closed
        for problem in (store.load_error, settings.load_error):
            if problem:
                self.window.notify(problem)
        self.launcher = Launcher(self.window, self.args)
        self._task = spawn(self._launch(), "Start-up", self._failed)

    async def _launch(self) -> None:
        from xapiman.gui.launch import LaunchError, report

        try:
            if self.args.demo:
                self._start_demo()
            elif self.args.connect or self.args.profile:
                await self.launcher.open_pool()
            else:
                await self.window.flow.reconnect_saved(self.window.show_disconnected)
            if self.args.select or self.args.tab or self.args.screenshot:
                await self.launcher.arrive()
            if self.args.screenshot:
                path = await self.launcher.screenshot(self.args.screenshot)
                print(f"saved {path}")
                self.window.close()
        except LaunchError as exc:
            report(str(exc))
            if self.args.screenshot or not (self.args.select or self.args.tab):
                self._finish(1)
                self.window.close()
            else:
                self.window.notify(str(exc))
        except OSError as exc:
            report(str(exc))
            self._finish(1)
            self.window.close()

    def _start_demo(self) -> None:
        from xapiman.demo import DEMO_PROFILE, start_demo_pool
        from xapiman.pools.profiles import Profile

        state = Path(self.args.demo_state) if self.args.demo_state else None
        speed = 0.0 if self.args.screenshot else 1.0
        self.demo = start_demo_pool(state, speed=speed, reset=self.args.reset)
        profile = Profile(DEMO_PROFILE, self.demo.url, user=self.demo.user,
                          pinned_fingerprint=self.demo.fingerprint)
        self.window.flow.open(profile, self.demo.password)

    def _failed(self, error: BaseException) -> None:
        """Start-up failed unexpectedly (a bug; logged already): say so, and end."""
        from xapiman.gui.launch import report

        report(str(error))
        self._finish(1)

    def _finish(self, code: int) -> None:
        if not self.finished.done():
            self.finished.set_result(code)

    def stop(self) -> None:
        if self.window is not None:
            self.window.finish_closing()  # no logout may run on while the process ends
        if self.demo is not None:
            self.demo.stop()

