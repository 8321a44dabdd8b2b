"""The Users tab of a pool (or of a standalone server): who may log in through the pool's
directory and with which role; add, change the role of, or remove users and groups."""

from __future__ import annotations

import asyncio
import logging

from PyQt6.QtWidgets import QWidget

from xapiman.actions.subjects import ROLE_ORDER, directory_of, role_title, subject_name
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import ListPage
from xapiman.gui.tabs.lists import Row
from xapiman.gui.tree import layout
from xapiman.i18n import translate

log = logging.getLogger("xapiman.gui")

ROOT_KEY = "local-root"


@page
class UsersPage(ListPage):
    title = "Users"
    kinds = frozenset({"connection", "host"})
    order = 70
    list_name = "users"

    @classmethod
    def shown_for(cls, cache, kind: str, ref: str) -> bool:
        """On a pool, and on a server only when it stands alone (a pool's users are the
        pool's)."""
        return kind == "connection" or layout.is_standalone(cache)

    @property
    def columns(self) -> list[str]:  # type: ignore[override]
        return [translate("Users", "Name"), translate("Users", "Kind"),
                translate("Users", "Role"), translate("Users", "Account"),
                translate("Users", "Login name")]

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.roles: dict[str, str] = {}  # role ref -> name_label (roles are not in the cache)
        self._fetching: asyncio.Future | None = None
        self.actions_row.show()
        for action_id, text in (("subject.add", translate("Users", "&Add User or Group…")),
                                ("subject.role", translate("Users", "&Change Role…")),
                                ("subject.remove", translate("Users", "&Remove…"))):
            self.actions_row.add(action_id, text, lambda aid=action_id: self._run(aid))
        self.list.itemSelectionChanged.connect(self._update_buttons)

    def _pool_ref(self) -> str:
        return next(iter(self.cache.records("pool")), "") if self.cache is not None else ""

    def _run(self, action_id: str) -> None:
        refs = ([self._pool_ref()] if action_id == "subject.add"
                else [k for k in self.list.selected_keys() if k != ROOT_KEY])
        self.run_action(action_id, refs)

    def _update_buttons(self) -> None:
        picked = [k for k in self.list.selected_keys() if k != ROOT_KEY]
        add = self.available("subject.add", [self._pool_ref()])
        self.actions_row.set_available("subject.add", bool(add), add.reason)
        for action_id in ("subject.role", "subject.remove"):
            ok = bool(picked) and bool(self.available(action_id, picked))
            self.actions_row.set_available(action_id, ok, translate(
                "Users", "Select a user or group (the local root account always has full "
                         "access)."))

    def record(self) -> dict | None:
        return next(iter(self.cache.records("pool").values()), None) if self.cache else None

    def rows(self, record: dict) -> list[Row]:
        self.watching.any_of("subject").any_of("host")
        if not self.roles and self._fetching is None:
            self._fetching = asyncio.ensure_future(self._fetch_roles())
        out = [Row(ROOT_KEY, (translate("Users", "Local root account"),
                              translate("Users", "User"), role_title("pool-admin"),
                              translate("Users", "Always enabled"), "root"), italic=True,
                   sort=(0,))]
        rank = {name: i for i, name in enumerate(ROLE_ORDER)}
        for ref, subject in self.cache.records("subject").items():
            other = subject.get("other_config", {}) or {}
            names = [self.roles.get(r) for r in subject.get("roles", ())]
            if not self.roles and subject.get("roles"):
                role = translate("Users", "Loading…")
            else:
                known = sorted((n for n in names if n), key=lambda n: rank.get(n, 99))
                role = ", ".join(role_title(n) for n in known) or translate(
                    "Users", "No role: cannot log in")
            group = str(other.get("subject-is-group", "")).lower() == "true"
            account = (translate("Users", "Disabled")
                       if other.get("subject-account-disabled") == "true"
                       else translate("Users", "Locked")
                       if other.get("subject-account-locked") == "true"
                       else translate("Users", "Expired")
                       if other.get("subject-account-expired") == "true"
                       else translate("Users", "Enabled"))
            display = str(other.get("subject-displayname") or "")
            name = subject_name(subject)
            out.append(Row(ref, (
                f"{name} ({display})" if display and display not in name else name,
                translate("Users", "Group") if group else translate("Users", "User"), role,
                "" if group else account, str(other.get("subject-upn", ""))),
                sort=(1, name.casefold())))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        domain = directory_of(self.cache)
        if not domain:
            return translate(
                "Users", "This pool has not joined a directory, so only its local root "
                "account can log in. Join it to Active Directory to let its users and groups "
                "log in with the roles you give them.")
        return translate("Users", "Users and groups of {domain} who may log in, and what "
                                  "they may do.").format(domain=domain)

    def refresh(self) -> None:
        super().refresh()
        self._update_buttons()

    async def _fetch_roles(self) -> None:
        conn = self.context.connection(self.conn_name)
        try:
            if conn is None:
                return
            records = await asyncio.to_thread(
                conn.call, "role.get_all_records_where", "subroles<>[]")
            self.roles = {str(ref): str(rec.get("name_label", "")) for ref, rec in
                          dict(records).items()}
        except Exception as exc:  # the page still lists the users, without role names
            log.warning("could not read the roles of %s: %s", self.conn_name, exc)
            self.roles = {}
        finally:
            self._fetching = None
        try:
            visible = self.isVisible()
        except RuntimeError:  # the page was closed meanwhile
            return
        if self.roles:
            self.dirty = True
            if visible:
                self.refresh_now()
