"""Users and groups of the pool's directory (XAPI `subject`) and their roles (`role`): add
one with a role, change roles, remove one. Role-based access needs the pool to have joined a
directory (Active Directory); the pool's local root account always keeps full access."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, picked, runnable_or_raise
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiError

# xapi's roles from the most to the least privileged
ROLE_ORDER = ("pool-admin", "pool-operator", "vm-power-admin", "vm-admin", "vm-operator",
              "read-only")


def role_names() -> dict[str, str]:
    return {"pool-admin": translate("Roles", "Pool Admin"),
            "pool-operator": translate("Roles", "Pool Operator"),
            "vm-power-admin": translate("Roles", "VM Power Admin"),
            "vm-admin": translate("Roles", "VM Admin"),
            "vm-operator": translate("Roles", "VM Operator"),
            "read-only": translate("Roles", "Read Only")}


def role_title(name_label: str) -> str:
    return role_names().get(name_label, name_label)


def directory_of(cache) -> str:
    """The directory (domain) the pool's coordinator joined, "" when none."""
    pool = next(iter(cache.records("pool").values()), None) or {}
    host = cache.record("host", pool.get("master", "")) or {}
    if host.get("external_auth_type") != "AD":
        return ""
    return str(host.get("external_auth_service_name", ""))


def subject_name(record: dict) -> str:
    other = record.get("other_config", {}) or {}
    return str(other.get("subject-name") or other.get("subject-upn")
               or record.get("subject_identifier", ""))


async def user_roles(ctx: ActionContext, target: Target) -> list[tuple[str, str]]:
    """(ref, name_label) of the roles a subject may hold, most privileged first."""
    records = await ctx.call(target, "role.get_all_records_where", "subroles<>[]")
    if not isinstance(records, dict):
        raise ActionError(translate("Users", "The server's list of roles could not be read."))
    found = [(ref, str(rec.get("name_label", ""))) for ref, rec in records.items()
             if not rec.get("is_internal")]
    rank = {name: i for i, name in enumerate(ROLE_ORDER)}
    return sorted(found, key=lambda item: (rank.get(item[1], len(rank)), item[1]))


def role_choices(roles: list[tuple[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(role_title(name), ref, detail=name) for ref, name in roles)


class AddSubject(Action):
    id = "subject.add"
    label = "Add User or Group…"
    classes = frozenset({"pool", "host"})
    multi = False

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if not directory_of(target.conn.cache):
            return Availability(False, translate(
                "Users", "The pool has not joined a directory (Active Directory): only its "
                "local root account can log in."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        domain = directory_of(target.conn.cache)
        roles = await user_roles(ctx, target)
        choices = role_choices(roles)
        default = next((c.value for c in choices if c.detail == "read-only"),
                       choices[-1].value if choices else None)
        answers = await ctx.ask(Form(
            translate("Users", "Add User or Group"),
            translate("Users", "A user or group of {domain} who may log in to the pool, and "
                               "what they may do.").format(domain=domain),
            (Field("name", translate("Users", "User or group"), required=True,
                   help=translate("Users", "As in the directory: bob, CORP\\bob or "
                                           "bob@{domain}").format(domain=domain)),
             Field("role", translate("Users", "Role"), kind="choice", choices=choices,
                   default=default)),
            ok_label=translate("Users", "Add")))
        if answers is None:
            return []
        name = str(answers["name"]).strip()
        role = picked(choices, answers.get("role"), translate("Users", "role"))
        try:
            sid = await ctx.call(target, "auth.get_subject_identifier", name)
        except XapiError as exc:
            if exc.code == "SUBJECT_CANNOT_BE_RESOLVED":
                raise ActionError(translate(
                    "Users", "{domain} has no user or group named '{name}'.").format(
                        domain=domain, name=name)) from None
            raise
        existing = [ref for ref, rec in target.conn.cache.records("subject").items()
                    if rec.get("subject_identifier") == sid]
        if existing:
            raise ActionError(translate("Users", "'{name}' can already log in; change its "
                                                 "role instead.").format(name=name))
        subject = await ctx.call(target, "subject.create",
                                 {"subject_identifier": sid, "other_config": {}})
        await ctx.call(target, "subject.add_to_roles", subject, role.value)
        return []


class ChangeRole(Action):
    id = "subject.role"
    label = "Change Role…"
    classes = frozenset({"subject"})

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        roles = await user_roles(ctx, chosen[0])
        choices = role_choices(roles)
        current = set((chosen[0].record() or {}).get("roles", ()))
        default = next((c.value for c in choices if c.value in current), None)
        answers = await ctx.ask(Form(
            translate("Users", "Change Role"),
            translate("Users", "The role of {names}:").format(names=", ".join(
                f"'{subject_name(t.record() or {})}'" for t in chosen)),
            (Field("role", translate("Users", "Role"), kind="choice", choices=choices,
                   default=default),),
            ok_label=translate("Users", "Change")))
        if answers is None:
            return []
        role = picked(choices, answers.get("role"), translate("Users", "role"))
        for target in chosen:
            held = list((target.record() or {}).get("roles", ()))
            for old in held:
                if old != role.value:
                    await ctx.call(target, "subject.remove_from_roles", target.ref, old)
            if role.value not in held:
                await ctx.call(target, "subject.add_to_roles", target.ref, role.value)
        return []


class RemoveSubject(Action):
    id = "subject.remove"
    label = "Remove User or Group…"
    classes = frozenset({"subject"})
    destructive = True

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        names = [subject_name(t.record() or {}) for t in chosen]
        if not await ctx.prompter.confirm(
                translate("Users", "Remove User or Group"),
                translate("Users", "{names} will no longer be able to log in to the pool. "
                                   "Their sessions end now.").format(
                                       names=", ".join(f"'{n}'" for n in names)),
                destroys=tuple(translate("Users", "the access of '{name}'").format(name=n)
                               for n in names),
                ok_label=translate("Users", "Remove"), danger=True):
            return []
        for target in chosen:
            await ctx.call(target, "subject.destroy", target.ref)
        return []


ADD_SUBJECT = register(AddSubject())
CHANGE_ROLE = register(ChangeRole())
REMOVE_SUBJECT = register(RemoveSubject())
