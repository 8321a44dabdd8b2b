"""Server operations: maintenance mode, reboot and shut down."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, names_of, runnable_or_raise
from xapiman.actions.placement import evacuation_preview, host_live
from xapiman.actions.reasons import describe_busy
from xapiman.i18n import translate
from xapiman.xapi.errortext import explain


def host_state(target: Target) -> Availability:
    """Whether the server can be acted on at all (it exists, answers, is not busy)."""
    record = target.record()
    if record is None:
        return Availability(False, "The object no longer exists.")
    if not host_live(target.ref, target.conn.cache):
        return Availability(False, "The server is not reachable.")
    busy = describe_busy(record)
    if busy:
        return Availability(False, f"Busy: {busy} in progress.")
    return YES


class HostAction(Action):
    """An operation on servers: a question, then per server an optional `host.disable`
    and one Async call.

    Attributes:
        method: the XAPI message run as a task ("host.evacuate", "host.reboot" ...).
        needs_enabled / needs_disabled: the server must be (or must not be) in maintenance.
        disable_first: take the server out of service before the call (xapi requires it
            for reboot and shutdown).
        question: what the confirmation says ({names} is replaced).
        destroys: what is lost, shown with the question.
    """

    classes = frozenset({"host"})
    method = ""
    needs_enabled = False
    needs_disabled = False
    disable_first = False
    question = ""
    destroys: tuple[str, ...] = ()

    def check(self, target: Target) -> Availability:
        state = host_state(target)
        if not state:
            return state
        enabled = bool((target.record() or {}).get("enabled", True))
        if self.needs_enabled and not enabled:
            return Availability(False, "The server is already in maintenance mode.")
        if self.needs_disabled and enabled:
            return Availability(False, "The server is not in maintenance mode.")
        return YES

    async def confirm(self, ctx: ActionContext, chosen: Sequence[Target]) -> bool:
        """Ask the action's question (True: go ahead)."""
        return not self.question or await ctx.prompter.confirm(
            self.label, self.question.format(names=names_of(chosen)),
            destroys=self.destroys, ok_label=self.label, danger=self.destructive)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        if not await self.confirm(ctx, chosen):
            return []
        out = []
        for target in chosen:
            if self.disable_first and (target.record() or {}).get("enabled"):
                await ctx.call(target, "host.disable", target.ref)
            out.append(await ctx.start(f"{self.label} '{target.name()}'", target, self.method,
                                       target.ref))
        return out


class EnterMaintenance(HostAction):
    id = "host.maintenance_enter"
    label = "Enter Maintenance Mode"
    method = "host.evacuate"
    needs_enabled = True
    disable_first = True
    icon = "migrate"
    question = ("Put {names} into maintenance mode? Its running VMs are migrated to other "
                "servers of the pool, and it takes no new VMs until it leaves maintenance mode.")


    async def confirm(self, ctx: ActionContext, chosen: Sequence[Target]) -> bool:
        """Say beforehand where each VM goes, and refuse in words when a VM cannot move."""
        lines = []
        for target in chosen:
            blockers = await ctx.call(target, "host.get_vms_which_prevent_evacuation",
                                      target.ref)
            cache = target.conn.cache
            if isinstance(blockers, dict) and blockers:
                why = "; ".join(
                    translate("Host", "'{vm}': {reason}").format(
                        vm=(cache.record("vm", vm) or {}).get("name_label", vm),
                        reason=explain(str(error[0]), [str(p) for p in error[1:]])
                        if error else "")
                    for vm, error in blockers.items())
                raise ActionError(translate(
                    "Host", "'{host}' cannot enter maintenance mode: these VMs cannot leave it. "
                            "{why}").format(host=target.name(), why=why))
            moves = evacuation_preview(cache, target.ref)
            if not moves:
                lines.append(translate("Host", "No VM runs on '{host}'.").format(
                    host=target.name()))
            for vm, rating, why in moves:
                lines.append(translate("Host", "'{vm}' moves to {dest}").format(
                    vm=vm, dest=rating.name) if rating else translate(
                    "Host", "'{vm}' has no place to go: {why}").format(vm=vm, why=why))
        text = self.question.format(names=names_of(chosen)) + "\n\n" + "\n".join(lines)
        return await ctx.prompter.confirm(self.label, text, ok_label=self.label)


class ExitMaintenance(HostAction):
    id = "host.maintenance_exit"
    label = "Exit Maintenance Mode"
    method = "host.enable"
    needs_disabled = True


class RebootHost(HostAction):
    id = "host.reboot"
    label = "Reboot Server"
    method = "host.reboot"
    disable_first = True
    destructive = True
    icon = "reboot"
    question = "Reboot {names}? VMs that can move are migrated to other servers first."
    destroys = ("the running state of VMs that cannot move to another server: they are shut "
                "down",)


class ShutdownHost(HostAction):
    id = "host.shutdown"
    label = "Shut Down Server"
    method = "host.shutdown"
    disable_first = True
    destructive = True
    icon = "force-shutdown"
    question = ("Shut down {names}? VMs that can move are migrated to other servers first; the "
                "server stays off until it is powered on again.")
    destroys = ("the running state of VMs that cannot move to another server: they are shut "
                "down",)


MAINTENANCE_ENTER = register(EnterMaintenance())
MAINTENANCE_EXIT = register(ExitMaintenance())
REBOOT_HOST = register(RebootHost())
SHUTDOWN_HOST = register(ShutdownHost())
