"""Adding, connecting, reconnecting and removing servers from the window."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from PyQt6.QtWidgets import QMessageBox, QWidget

from xapiman.actions.prompts import Field, Form
from xapiman.gui.dialogs.add_server import AddServerDialog
from xapiman.gui.dialogs.certificate import CertificateDialog
from xapiman.i18n import translate
from xapiman.pools.manager import PoolManager
from xapiman.pools.profiles import Profile, ProfileError
from xapiman.pools.secrets import PasswordStore

log = logging.getLogger("xapiman.gui")


class ConnectFlow:
    """The user's side of connections: dialogs, profiles, passwords, certificates."""

    def __init__(self, window: QWidget, manager: PoolManager, passwords: PasswordStore | None,
                 notify) -> None:
        self.window = window
        self.manager = manager
        self.passwords = passwords
        self.notify = notify
        self.unattended = False  # a screenshot run: questions are answered "no" at once
        self._opened: dict[str, Profile] = {}  # every profile opened, saved or not

    # -- add server -------------------------------------------------------------------------

    def add_server(self) -> None:
        available = bool(self.passwords and self.passwords.available)
        reason = "" if available else (
            self.passwords.unavailable_reason if self.passwords else "no system keyring")
        dialog = AddServerDialog(keyring_available=available, keyring_reason=reason or "",
                                 parent=self.window)
        dialog.accepted.connect(lambda: self._added(dialog.result_values()))
        dialog.open()

    def _added(self, details) -> None:
        store = self.manager.store
        name = details.endpoint.host
        taken = {p.name for p in store.profiles} if hasattr(store, "profiles") else set()
        base, n = name, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        try:
            profile = Profile(name, details.address, user=details.user,
                              use_tls=details.use_tls, reconnect_on_start=True)
            store.add(profile)
        except (ProfileError, OSError) as exc:
            self.notify(f"Could not save the server: {exc}", "")
            return
        if details.remember_password and self.passwords is not None:
            asyncio.ensure_future(self._remember(profile, details.password))
        self.open(profile, details.password)

    async def _remember(self, profile: Profile, password: str) -> None:
        try:
            await asyncio.to_thread(self.passwords.set, profile, password)
        except Exception as exc:
            self.notify(f"The password was not remembered: {exc}", "")

    def open(self, profile: Profile, password: str) -> None:
        self._opened[profile.name] = profile
        self.manager.open(profile, password)
        self.manager.connect(profile.name)

    def profile_of(self, name: str) -> Profile | None:
        """The profile of a connection: saved, or opened from the command line only."""
        return self.manager.store.get(name) or self._opened.get(name)

    async def enter_password(self, name: str, prompter) -> bool:
        """Ask for the user and password of a connection again (a wrong or changed password)
        and connect with them; the new password is kept in the keyring when asked to."""
        profile = self.profile_of(name)
        if profile is None:
            return False
        can_keep = bool(self.passwords is not None and self.passwords.available)
        fields = [Field("user", translate("Connect", "User"), default=profile.user,
                        required=True),
                  Field("password", translate("Connect", "Password"), kind="password",
                        required=True)]
        if can_keep:
            fields.append(Field("remember", translate("Connect", "Remember the password in "
                                                      "the system keyring"), kind="bool",
                                default=False))
        answers = await prompter.ask(Form(
            translate("Connect", "Connect to {name}").format(name=name),
            translate("Connect", "Log in to {address} as:").format(address=profile.address),
            tuple(fields), ok_label=translate("Connect", "Connect")))
        if answers is None:
            return False
        user = str(answers["user"]).strip() or profile.user
        if user != profile.user:
            profile = dataclasses.replace(profile, user=user)
            if self.manager.store.get(name) is not None:
                try:
                    self.manager.store.update(profile)
                except (ProfileError, OSError) as exc:
                    self.notify(translate("Connect", "The new user name was not saved: {error}")
                                .format(error=exc), "")
        password = str(answers["password"])
        if answers.get("remember") and self.manager.store.get(name) is not None:
            asyncio.ensure_future(self._remember(profile, password))
        self.open(profile, password)
        return True

    # -- start-up ---------------------------------------------------------------------------

    async def reconnect_saved(self, show_disconnected) -> None:
        """Connect the profiles marked to reconnect, with their saved passwords; the other
        saved servers are listed disconnected (`show_disconnected(name)`)."""
        for profile in self.manager.store.profiles:
            password = None
            if profile.reconnect_on_start:
                password = await self._saved_password(profile)
            if password is None:
                show_disconnected(profile.name)
                continue
            self.open(profile, password)

    async def saved_password(self, profile: Profile) -> str | None:
        """The profile's password from the keyring (None: not saved, or no keyring)."""
        return await self._saved_password(profile)

    async def _saved_password(self, profile: Profile) -> str | None:
        if self.passwords is None or not self.passwords.available:
            return None
        try:
            return await asyncio.to_thread(self.passwords.get, profile)
        except Exception:
            return None

    async def connect_saved(self, name: str, prompter) -> None:
        """Connect a saved server that has no connection yet: its saved password, or ask."""
        profile = self.manager.store.get(name)
        if profile is None:
            return
        password = await self._saved_password(profile)
        if password is None:
            answers = await prompter.ask(Form(
                "Connect", f"Password of {profile.user} on {profile.address}:",
                (Field("password", "Password", kind="password", required=True),),
                ok_label="Connect"))
            if answers is None:
                return
            password = str(answers["password"])
        self.open(profile, password)

    # -- certificates -----------------------------------------------------------------------

    def ask_certificate(self, question, answer) -> None:
        """On the GUI thread: show the certificate dialog; the connecting thread waits."""
        if self.unattended:
            answer.give(False)
            return
        dialog = CertificateDialog.from_question(question, parent=self.window)
        dialog.finished.connect(lambda code: answer.give(code == 1))
        dialog.open()

    # -- disconnect / remove ----------------------------------------------------------------

    def disconnect(self, name: str) -> None:
        """Log out and stop following the pool; it stays in the tree, disconnected, ready
        for Reconnect All."""
        conn = self.manager.get(name)
        if conn is not None:
            asyncio.ensure_future(asyncio.to_thread(conn.close))

    def forget(self, name: str) -> None:
        asyncio.ensure_future(asyncio.to_thread(self.manager.close, name))

    def remove(self, name: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Remove Server",
                          f"Remove '{name}' from xapiman? The connection closes and its saved "
                          "settings and password are forgotten. Nothing changes on the server.",
                          QMessageBox.StandardButton.Cancel, self.window)
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _c: self._removed(name) if box.clickedButton() is remove
                             else None)
        box.open()

    def _removed(self, name: str) -> None:
        self.forget(name)
        try:
            profile = self.manager.store.remove(name)
        except Exception:
            return
        if self.passwords is not None and self.passwords.available:
            asyncio.ensure_future(asyncio.to_thread(self.passwords.delete, profile))
