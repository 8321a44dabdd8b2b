"""What the command line asks the app to open and show: the demo pool, a pool by address
(`--connect`) or by profile (`--profile`), the saved pools otherwise; then the object to
select (`--select`), its tab (`--tab`), and a screenshot (`--screenshot`) once it is shown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from PyQt6.QtWidgets import QApplication

from xapiman.actions.prompts import Field, Form
from xapiman.i18n import translate
from xapiman.pools.profiles import Profile, ProfileError
from xapiman.xapi.endpoints import Endpoint

log = logging.getLogger("xapiman.gui")

PASSWORD_ENV = "XAPIMAN_PASSWORD"
ARRIVAL_TIMEOUT_S = 60.0  # how long the object named by --select may take to appear
SETTLE_S = 0.4  # pages fill in after they are shown: a moment before the picture


class LaunchError(Exception):
    """What the command line asked cannot be done; the message says why, in one line."""


@dataclass
class Opening:
    """The pool a run opens: its connection name in the window, and its profile."""

    name: str
    profile: Profile


def profile_for_url(url: str, user: str | None, fingerprint: str | None,
                    saved: list[Profile]) -> Profile:
    """The profile `--connect URL` uses: a saved one for the same address and user (with its
    pins and members), else a new one that is not saved. `fingerprint` pins the certificate."""
    try:
        endpoint = Endpoint.parse(url)
    except ValueError as exc:
        raise LaunchError(translate("Launch", "{url} is not a server address: {error}").format(
            url=url, error=exc)) from None
    address = endpoint.address
    for profile in saved:
        try:
            same = Endpoint.parse(profile.url).address == address
        except ValueError:
            continue
        if same and (user is None or user == profile.user):
            chosen = profile
            break
    else:
        taken = {p.name for p in saved}
        name, n = endpoint.host, 2
        while name in taken:
            name, n = f"{endpoint.host} ({n})", n + 1
        try:
            chosen = Profile(name, endpoint.url, user=user or "root", use_tls=endpoint.tls)
        except ProfileError as exc:
            raise LaunchError(str(exc)) from None
    if fingerprint:
        try:
            chosen = replace(chosen, pinned_fingerprint=fingerprint)
        except ProfileError as exc:
            raise LaunchError(translate("Launch", "--fingerprint: {error}").format(
                error=exc.reason)) from None
    return chosen


class Launcher:
    """Opens what the command line names in `window` and shows what it asks for.

    `args` is the desktop app's parsed command line (xapiman/cli.py).
    """

    def __init__(self, window, args) -> None:
        self.window = window
        self.args = args
        self.opening: Opening | None = None
        self.failure: str = ""
        window.bridge.failed.connect(self._on_failed)

    # -- opening ----------------------------------------------------------------------------

    async def open_pool(self) -> None:
        """Open `--connect` / `--profile` (asking for the password when none is given)."""
        args = self.args
        store = self.window.manager.store
        if args.connect:
            profile = profile_for_url(args.connect, args.user, args.fingerprint, store.profiles)
        else:
            profile = store.get(args.profile)
            if profile is None:
                names = ", ".join(p.name for p in store.profiles) or translate(
                    "Launch", "none saved yet")
                raise LaunchError(translate(
                    "Launch", "no connection profile named {name!r} (saved: {names})").format(
                        name=args.profile, names=names))
            if args.fingerprint:
                try:
                    profile = replace(profile, pinned_fingerprint=args.fingerprint)
                except ProfileError as exc:
                    raise LaunchError(exc.reason) from None
        password = await self._password(profile)
        if password is None:
            raise LaunchError(translate("Launch", "no password given for {user} on {address}")
                              .format(user=profile.user, address=profile.address))
        self.opening = Opening(profile.name, profile)
        self.window.flow.open(profile, password)

    async def _password(self, profile: Profile) -> str | None:
        env = os.environ.get(PASSWORD_ENV)
        if env is not None:
            return env
        saved = await self.window.flow.saved_password(profile)
        if saved is not None:
            return saved
        if self.args.screenshot:
            raise LaunchError(translate(
                "Launch", "no password for {user} on {address}: set {env} (nobody can answer "
                "a question during a screenshot)").format(
                    user=profile.user, address=profile.address, env=PASSWORD_ENV))
        answers = await self.window.prompter.ask(Form(
            translate("Launch", "Connect"),
            translate("Launch", "Password of {user} on {address}:").format(
                user=profile.user, address=profile.address),
            (Field("password", translate("Launch", "Password"), kind="password",
                   required=True),),
            ok_label=translate("Launch", "Connect")))
        return None if answers is None else str(answers["password"])

    def _on_failed(self, name: str, exc: object) -> None:
        if self.opening is not None and name == self.opening.name:
            self.failure = translate("Launch", "could not connect to {name}: {error}").format(
                name=name, error=exc)

    # -- arriving ---------------------------------------------------------------------------

    async def arrive(self, timeout: float = ARRIVAL_TIMEOUT_S) -> None:
        """Wait for the object `--select` names (or the first pool), select it, show `--tab`."""
        window = self.window
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = self.args.select
        conn_name = self.opening.name if self.opening is not None else None
        while True:
            if self.failure:
                raise LaunchError(self.failure)
            if conn_name is None and not window.manager.names():
                # no pool is being opened (none saved, or none that reconnects): nothing
                # will appear, so the window is shown as it is
                if wanted or self.args.tab:
                    raise LaunchError(translate(
                        "Launch", "no pool is open: open one with --connect, --profile or "
                        "--demo to select an object or show a tab"))
                return
            if self._settled(conn_name):
                if not wanted:
                    break
                if window.select_by_name(wanted, prefer=conn_name):
                    break
                if self._settled(conn_name, fully=True):
                    raise LaunchError(translate(
                        "Launch", "nothing named {name!r} in {pools}").format(
                            name=wanted, pools=", ".join(self._loaded_names())))
            if loop.time() > deadline:
                what = wanted or translate("Launch", "the pool")
                raise LaunchError(translate(
                    "Launch", "{what} did not appear within {seconds:.0f} seconds").format(
                        what=what, seconds=timeout))
            await asyncio.sleep(0.05)
        if not wanted:
            # the window selects the pool's row a turn after it is placed
            while not window.tree.selectionModel().hasSelection() and loop.time() < deadline:
                await asyncio.sleep(0.05)
        if self.args.tab and not window.show_tab(self.args.tab):
            raise LaunchError(translate(
                "Launch", "no tab {tab!r} for {name}; its tabs are: {tabs}").format(
                    tab=self.args.tab, name=window.header_title.text(),
                    tabs=", ".join(window.tab_titles())))

    def _settled(self, conn_name: str | None, fully: bool = False) -> bool:
        """Whether the pool (or any pool when None) is connected and its tree placed."""
        model = self.window.model
        names = [conn_name] if conn_name else model.connection_ids()
        for name in names:
            entry = model.entry(name)
            if entry is None or entry.state != "connected" or entry.loading:
                continue
            if entry.placed or fully:
                return True
        return False

    def _loaded_names(self) -> list[str]:
        model = self.window.model
        return [model.pool_title(e) or e.name for n in model.connection_ids()
                if (e := model.entry(n)) is not None]

    async def screenshot(self, path: str) -> Path:
        from xapiman.gui.screenshot import save_screenshot

        app = QApplication.instance()
        await asyncio.sleep(SETTLE_S)
        for _ in range(100):  # pages that fetch (graphs) say when they have something to show
            if not getattr(self.window.tabs.currentWidget(), "loading", False):
                break
            await asyncio.sleep(0.1)
        if app is not None:
            app.processEvents()
        return save_screenshot(self.window, path)


def report(problem: str) -> None:
    """One line on stderr, as the command line reports. When nobody reads stderr any more (the
    program that started a screenshot run went away), the line is lost and the run still ends."""
    with contextlib.suppress(OSError):
        print(f"xapiman: {problem}", file=sys.stderr, flush=True)
