"""High availability: what the pool's HA is doing (`ha_status`), which SRs can hold its
heartbeat (`heartbeat_choices`), and the operations: turn HA on (heartbeat SR, number of
server failures to tolerate, checked against what the server computes), turn it off, and a
VM's restart priority and start order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, runnable_or_raise
from xapiman.actions.placement import host_live
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

# xapi's restart priorities; "always_restart" is the deprecated spelling of "restart".
PRIORITIES = ("restart", "best-effort", "")
PROTECTED = ("restart", "always_restart")
# the command line's words for them
PRIORITY_OF_WORD = {"always": "restart", "best-effort": "best-effort", "never": ""}
# SR types xapi can put the heartbeat statefile on (shared block or file storage)
STATEFILE_SR_TYPES = ("nfs", "lvmoiscsi", "lvmohba", "lvmofcoe", "gfs2", "smb", "iscsi")


def priority_text(priority: str) -> str:
    if priority in PROTECTED:
        return translate("HA", "Restart")
    if priority == "best-effort":
        return translate("HA", "Restart if possible")
    return translate("HA", "Do not restart")


@dataclass
class ProtectedVm:
    ref: str
    name: str
    priority: str
    order: int
    power_state: str
    host: str


@dataclass
class HaStatus:
    """The pool's high availability as the cache shows it.

    Attributes:
        enabled: HA is on; heartbeat_sr: the name of the SR holding its statefile ("" off);
        tolerated: server failures the pool is set to tolerate; plan_covers: failures the
        current plan covers; overcommitted: fewer than tolerated; vms: user VMs with a restart
        priority other than "do not restart", by start order.
    """

    pool: str
    enabled: bool
    heartbeat_sr: str
    tolerated: int
    plan_covers: int
    overcommitted: bool
    allow_overcommit: bool
    timeout: str
    vms: list[ProtectedVm] = field(default_factory=list)

    def plan_text(self) -> str:
        if not self.enabled:
            return translate("HA", "High availability is off: VMs are not restarted when a "
                                   "server fails.")
        if self.overcommitted:
            return translate("HA", "Overcommitted: the pool can restart its protected VMs "
                                   "after {covers} server failure(s), not the {tolerated} it is "
                                   "set to tolerate.").format(covers=self.plan_covers,
                                                              tolerated=self.tolerated)
        return translate("HA", "The pool can lose {n} server(s) at once: its protected VMs "
                               "restart on the others.").format(n=self.tolerated)

    def as_json(self) -> dict:
        return {"pool": self.pool, "enabled": self.enabled, "heartbeat_sr": self.heartbeat_sr,
                "failures_tolerated": self.tolerated, "plan_covers": self.plan_covers,
                "overcommitted": self.overcommitted, "allow_overcommit": self.allow_overcommit,
                "vms": [{"name": v.name, "restart": v.priority or "never", "order": v.order,
                         "power_state": v.power_state, "host": v.host} for v in self.vms]}


def _user_vm(rec: dict) -> bool:
    return not (rec.get("is_a_template") or rec.get("is_a_snapshot")
                or rec.get("is_control_domain"))


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def ha_status(cache) -> HaStatus:
    pool: dict = next(iter(cache.records("pool").values()), {})
    sr_name = ""
    for statefile in pool.get("ha_statefiles") or ():  # VDI refs (as strings)
        vdi = cache.record("VDI", statefile)
        sr = cache.record("SR", vdi.get("SR", NULL_REF)) if vdi else None
        if sr:
            sr_name = sr.get("name_label", "")
    vms = []
    for ref, rec in cache.records("VM").items():
        if _user_vm(rec) and rec.get("ha_restart_priority"):
            host = cache.record("host", rec.get("resident_on", NULL_REF)) or {}
            vms.append(ProtectedVm(ref, rec.get("name_label", ""), rec["ha_restart_priority"],
                                   _int(rec.get("order", 0)), rec.get("power_state", ""),
                                   host.get("name_label", "")))
    vms.sort(key=lambda v: (v.priority not in PROTECTED, v.order, v.name.lower()))
    return HaStatus(
        pool=pool.get("name_label", ""), enabled=bool(pool.get("ha_enabled")),
        heartbeat_sr=sr_name, tolerated=_int(pool.get("ha_host_failures_to_tolerate", 0)),
        plan_covers=_int(pool.get("ha_plan_exists_for", 0)),
        overcommitted=bool(pool.get("ha_overcommitted")),
        allow_overcommit=bool(pool.get("ha_allow_overcommit")),
        timeout=str((pool.get("ha_configuration") or {}).get("timeout", "")), vms=vms)


def statefile_problem(cache, sr_ref: str) -> str:
    """Why the SR cannot hold the HA heartbeat ("" when it can)."""
    sr = cache.record("SR", sr_ref) or {}
    if not sr.get("shared"):
        return translate("HA", "not shared: every server must see it")
    if sr.get("type") not in STATEFILE_SR_TYPES:
        return translate("HA", "{type} storage cannot hold the heartbeat").format(
            type=sr.get("type", "?"))
    plugged = set()
    for pbd in sr.get("PBDs", ()):
        rec = cache.record("PBD", pbd) or {}
        if rec.get("currently_attached"):
            plugged.add(rec.get("host"))
    missing = [h.get("name_label", "") for ref, h in cache.records("host").items()
               if ref not in plugged]
    if missing:
        return translate("HA", "not attached on {hosts}").format(hosts=", ".join(missing))
    return ""


def heartbeat_choices(cache) -> tuple[Choice, ...]:
    """Every shared SR with disk content; greyed out with the reason when it cannot hold the
    heartbeat."""
    out = []
    for ref, sr in sorted(cache.records("SR").items(), key=lambda i: i[1].get("name_label", "")):
        if not sr.get("shared") or sr.get("content_type") == "iso":
            continue
        problem = statefile_problem(cache, ref)
        out.append(Choice(sr.get("name_label", ref), ref, enabled=not problem, reason=problem,
                          detail=sr.get("type", "")))
    return tuple(out)


def _pool_state(target: Target) -> Availability:
    if target.record() is None:
        return Availability(False, translate("Actions", "The object no longer exists."))
    for ref, host in target.conn.cache.records("host").items():
        if not host_live(ref, target.conn.cache):
            return Availability(False, translate("HA", "Server '{name}' is not reachable.")
                                .format(name=host.get("name_label", ref)))
    return YES


async def most_failures(ctx: ActionContext, target: Target) -> int:
    """The server failures the pool can take now (the server computes it)."""
    return int(str(await ctx.call(target, "pool.ha_compute_max_host_failures_to_tolerate")))


def tolerate_field(most: int, default: int) -> Field:
    return Field("tolerate", translate("HA", "Server failures to tolerate"), "choice",
                 min(default, most), tuple(Choice(str(n), n) for n in range(most + 1)))


def tolerated(answers: dict, most: int) -> int:
    """The answer's number of failures, checked against what the pool can take."""
    try:
        wanted = int(str(answers["tolerate"]))
    except ValueError:
        raise ActionError(translate("HA", "The number of failures to tolerate must be a "
                                          "whole number.")) from None
    if not 0 <= wanted <= most:
        raise ActionError(translate(
            "HA", "The pool can restart its protected VMs after at most {most} server "
                  "failure(s), so it cannot tolerate {n}. Protect fewer VMs or free memory."
        ).format(most=most, n=wanted))
    return wanted


class HaSwitch(Action):
    """Turns the pool's high availability on (`turns_on`) or off."""

    classes = frozenset({"pool"})
    multi = False
    turns_on = True

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if bool(record.get("ha_enabled")) == self.turns_on:
            return Availability(False, translate("HA", "High availability is already on.")
                                if self.turns_on else translate("HA", "High availability is off."))
        return _pool_state(target) if self.turns_on else YES


class EnableHa(HaSwitch):
    id = "pool.ha_enable"
    label = "Turn On High Availability"

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        choices = heartbeat_choices(cache)
        usable = [c for c in choices if c.enabled]
        if not usable:
            reasons = "; ".join(f"{c.label}: {c.reason}" for c in choices)
            raise ActionError(translate(
                "HA", "No SR can hold the heartbeat: it needs shared storage every server sees."
            ) + (f" ({reasons})" if reasons else ""))
        most = await most_failures(ctx, target)
        answers = await ctx.ask(Form(
            translate("HA", "Turn On High Availability"),
            translate("HA", "Servers watch each other through a heartbeat on shared storage; "
                            "when one fails, its protected VMs restart on the others. With its "
                            "VMs as they are, the pool can lose at most {n} server(s) at once.")
            .format(n=most),
            (Field("sr", translate("HA", "Heartbeat SR"), "choice", usable[0].value, choices),
             tolerate_field(most, most)),
            ok_label=translate("HA", "Turn On")))
        if answers is None:
            return []
        sr = str(answers["sr"])
        problem = statefile_problem(cache, sr) if cache.record("SR", sr) else translate(
            "HA", "it does not exist")
        if problem:
            raise ActionError(translate("HA", "The heartbeat cannot go on '{sr}': {why}.").format(
                sr=(cache.record("SR", sr) or {}).get("name_label", sr), why=problem))
        wanted = tolerated(answers, most)
        await ctx.call(target, "pool.set_ha_host_failures_to_tolerate", target.ref, wanted)
        return [await ctx.start(translate("HA", "Turn on high availability in '{pool}'").format(
            pool=target.name()), target, "pool.enable_ha", [sr], {})]


class DisableHa(HaSwitch):
    id = "pool.ha_disable"
    label = "Turn Off High Availability"
    turns_on = False

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        if not await ctx.prompter.confirm(
                translate("HA", "Turn Off High Availability"),
                translate("HA", "Turn off high availability in '{pool}'? When a server fails "
                                "afterwards, its VMs stay down until someone starts them.")
                .format(pool=target.name()), ok_label=translate("HA", "Turn Off")):
            return []
        return [await ctx.start(translate("HA", "Turn off high availability in '{pool}'")
                                .format(pool=target.name()), target, "pool.disable_ha")]


class ChangeHaTolerance(HaSwitch):
    id = "pool.ha_configure"
    label = "Change Server Failures to Tolerate"
    turns_on = False  # needs HA on, as turning it off does

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        most = await most_failures(ctx, target)
        now = _int((target.record() or {}).get("ha_host_failures_to_tolerate", 0))
        answers = await ctx.ask(Form(
            self.label,
            translate("HA", "With its VMs as they are, the pool can lose at most {n} server(s) "
                            "at once and still restart its protected VMs.").format(n=most),
            (tolerate_field(most, now),), ok_label=translate("HA", "Apply")))
        if answers is None:
            return []
        await ctx.call(target, "pool.set_ha_host_failures_to_tolerate", target.ref,
                       tolerated(answers, most))
        return []


class SetHaRestart(Action):
    id = "vm.set_ha"
    label = "High Availability Restart"
    classes = frozenset({"vm"})

    def check(self, target: Target) -> Availability:
        rec = target.record()
        if rec is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if rec.get("is_a_snapshot"):
            return Availability(False, translate("Actions", "Not possible on a snapshot."))
        if rec.get("is_a_template"):
            return Availability(False, translate("Actions", "Not possible on a template."))
        if rec.get("is_control_domain"):
            return Availability(False, translate("Actions", "Not possible on a control domain."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        first = chosen[0].record() or {}
        choices = tuple(Choice(priority_text(p), p) for p in PRIORITIES)
        current = first.get("ha_restart_priority", "")
        answers = await ctx.ask(Form(
            translate("HA", "High Availability Restart"),
            translate("HA", "When the server running it fails, high availability restarts a "
                            "protected VM elsewhere, in start order (lowest first)."),
            (Field("priority", translate("HA", "Restart"), "choice",
                   "restart" if current in PROTECTED else current, choices),
             Field("order", translate("HA", "Start order"), "text",
                   str(first.get("order", 0)))),
            ok_label=translate("HA", "Apply")))
        if answers is None:
            return []
        priority = str(answers["priority"])
        if priority not in PRIORITIES:
            raise ActionError(translate("HA", "Unknown restart priority {p!r}.").format(p=priority))
        order = None
        if answers.get("order") not in (None, ""):
            try:
                order = int(str(answers["order"]))
            except ValueError:
                raise ActionError(translate("HA", "The start order must be a whole number, not "
                                                  "{v!r}.").format(v=answers["order"])) from None
            if order < 0:
                raise ActionError(translate("HA", "The start order cannot be negative."))
        for target in chosen:
            await ctx.call(target, "VM.set_ha_restart_priority", target.ref, priority)
            if order is not None:
                await ctx.call(target, "VM.set_order", target.ref, order)
        return []


ENABLE_HA = register(EnableHa())
DISABLE_HA = register(DisableHa())
CHANGE_HA_TOLERANCE = register(ChangeHaTolerance())
SET_HA_RESTART = register(SetHaRestart())
