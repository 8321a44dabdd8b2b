"""Adding, connecting, reconnecting and removing servers from the window."""

from __future__ import annotations

import asyncio
import dataclasses

from PyQt6.QtWidgets import QMessageBox, QWidget

from xapiman.actions.prompts import Field, Form
from xapiman.gui.aio import spawn
from xapiman.gui.dialogs.add_server import AddServerDialog
from xapiman.gui.dialogs.certificate import CertificateDialog
from xapiman.i18n import translate
from xapiman.pools.manager import PoolManager
from xapiman.pools.profiles import Profile, ProfileError, ProfileNotFoundError
from xapiman.pools.secrets import PasswordStore, SecretStoreError


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
        spawn(self._add_server(), "Add Server", self._failed)

    async def _add_server(self) -> None:
        problem = await self._keyring_problem()  # asks D-Bus: not on the GUI thread
        dialog = AddServerDialog(keyring_available=problem is None, keyring_reason=problem or "",
                                 parent=self.window)
        dialog.accepted.connect(lambda: spawn(self._added(dialog.result_values()),
                                              "Add Server", self._failed))
        dialog.open()

    async def _keyring_problem(self) -> str | None:
        """Why passwords cannot be remembered (None when they can); worked out off the GUI
        thread, since finding the keyring talks to D-Bus."""
        passwords = self.passwords
        if passwords is None:
            return translate("ConnectFlow", "There is no system keyring.")
        return await asyncio.to_thread(lambda: passwords.unavailable_reason)

    async def _added(self, details) -> None:
        store = self.manager.store
        name = details.endpoint.host
        taken = {p.name for p in store.profiles}
        base, n = name, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        try:
            profile = Profile(name, details.address, user=details.user,
                              use_tls=details.use_tls, reconnect_on_start=True)
            await asyncio.to_thread(store.add, profile)  # a write with fsync: off the GUI
        except (ProfileError, OSError) as exc:
            self.notify(translate("ConnectFlow", "Could not save the server: {error}").format(
                error=exc), "")
            return
        if details.remember_password and self.passwords is not None:
            spawn(self._remember(profile, details.password), "Remember the password",
                  self._failed)
        self.open(profile, details.password)

    async def _remember(self, profile: Profile, password: str) -> None:
        passwords = self.passwords
        assert passwords is not None
        try:
            await asyncio.to_thread(passwords.set, profile, password)
        except SecretStoreError as exc:
            self.notify(translate("ConnectFlow", "The password was not remembered: {error}")
                        .format(error=exc), "")

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
        can_keep = await self._keyring_problem() is None  # asks D-Bus: not on the GUI thread
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
                    await asyncio.to_thread(self.manager.store.update, profile)  # fsync: off the GUI
                except (ProfileError, OSError) as exc:
                    self.notify(translate("Connect", "The new user name was not saved: {error}")
                                .format(error=exc), "")
        password = str(answers["password"])
        if answers.get("remember") and self.manager.store.get(name) is not None:
            spawn(self._remember(profile, password), "Remember the password", self._failed)
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
        """The saved password (None: none saved, or no keyring). A keyring that fails to
        give it is said in the notification bar; the caller asks the user instead."""
        passwords = self.passwords
        if passwords is None:
            return None

        def read() -> tuple[str | None, str | None]:
            if not passwords.available:
                return None, None  # no keyring: nothing was saved, nothing to say
            password = passwords.get(profile)
            return password, (passwords.unavailable_reason if password is None else None)

        password, problem = await asyncio.to_thread(read)
        if problem:
            self.notify(translate("ConnectFlow", "The saved password of {name} could not be "
                                  "read: {problem}").format(name=profile.name, problem=problem),
                        "")
        return password

    async def connect_saved(self, name: str, prompter) -> None:
        """Connect a saved server that has no connection yet: its saved password, or ask."""
        profile = self.manager.store.get(name)
        if profile is None:
            return
        password = await self._saved_password(profile)
        if password is None:
            answers = await prompter.ask(Form(
                translate("Connect", "Connect"),
                translate("Connect", "Password of {user} on {address}:").format(
                    user=profile.user, address=profile.address),
                (Field("password", translate("Connect", "Password"), kind="password",
                       required=True),),
                ok_label=translate("Connect", "Connect")))
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
            spawn(asyncio.to_thread(conn.close), f"Disconnect {name}", self._failed)

    def forget(self, name: str) -> None:
        spawn(asyncio.to_thread(self.manager.close, name), f"Close {name}", self._failed)

    def remove(self, name: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, translate("ConnectFlow", "Remove Server"),
                          translate("ConnectFlow", "Remove '{name}' from xapiman? The "
                                    "connection closes and its saved settings and password are "
                                    "forgotten. Nothing changes on the server.").format(
                                        name=name),
                          QMessageBox.StandardButton.Cancel, self.window)
        remove = box.addButton(translate("ConnectFlow", "Remove"),
                               QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _c: self._removed(name) if box.clickedButton() is remove
                             else None)
        box.open()

    def _removed(self, name: str) -> None:
        spawn(self._remove(name), f"Remove {name}", self._failed)

    async def _remove(self, name: str) -> None:
        self.forget(name)
        try:
            profile = await asyncio.to_thread(self.manager.store.remove, name)
        except ProfileNotFoundError:
            return  # never saved, or removed meanwhile: nothing to forget
        except (ProfileError, OSError) as exc:
            self.notify(translate("ConnectFlow", "{name} is still in the saved servers: "
                                  "{error}").format(name=name, error=exc), "")
            return
        passwords = self.passwords
        if passwords is None:
            return

        def forget_password() -> None:
            if passwords.available:
                passwords.delete(profile)

        try:
            await asyncio.to_thread(forget_password)
        except SecretStoreError as exc:
            self.notify(translate("ConnectFlow", "The saved password of {name} could not be "
                                  "forgotten: {error}").format(name=name, error=exc), "")

    def _failed(self, error: BaseException) -> None:
        """A background step failed unexpectedly (a bug): it was logged; say so."""
        self.notify(translate("ConnectFlow", "Something went wrong: {error}").format(
            error=error), repr(error))
