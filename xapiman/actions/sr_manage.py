"""What an administrator does to an SR: rescan it, repair it (connect it on every server, host
by host, each with its result), make it the pool's default, detach it, forget it, destroy it.

Detach, forget and destroy ask first; destroy names every disk it deletes and the VMs that
lose them, and refuses while a running VM uses one.
"""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions import labels
from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import first_runnable, runnable_or_raise
from xapiman.actions.disk_facts import (
    disk_label,
    disk_uses,
    hosts_without_pbd,
    live_users,
    sr_connected,
    sr_disks,
    sr_pbds,
)
from xapiman.actions.reasons import describe_busy
from xapiman.actions.sr_new import host_name
from xapiman.actions.steps import StepError, StepRunner, StepTask, announce, reason_of
from xapiman.actions.task_errors import step_failure
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError, XapiError


def sr_state(target: Target) -> Availability:
    """Whether the SR exists and is not busy."""
    record = target.record()
    if record is None:
        return Availability(False, translate("Actions", "The object no longer exists."))
    busy = describe_busy(record)
    if busy:
        return Availability(False, translate("Actions", "Busy: {ops} in progress.").format(
            ops=busy))
    return YES


def is_iso_library(record: dict) -> bool:
    return record.get("content_type") == "iso" or record.get("type") in ("iso", "udev")


def unused(target: Target) -> Availability:
    """Refused while the SR is busy or running VMs use its disks (naming them)."""
    state = sr_state(target)
    if not state:
        return state
    busy = _live_disks(target)
    if busy:
        return Availability(False, translate("Storage", "Running VMs use its disks: "
                                                        "{disks}.").format(disks="; ".join(busy)))
    return YES


def _live_disks(target: Target) -> list[str]:
    """"disk (VM, VM)" for each disk of the SR a running VM uses."""
    cache = target.conn.cache
    out = []
    for ref, rec in sr_disks(cache, target.ref):
        users = live_users(cache, ref)
        if users:
            out.append(translate("Disks", "{disk} used by {vms}").format(
                disk=disk_label(rec), vms=", ".join(users)))
    return out


class SrTask(Action):
    """An SR operation run as one task of steps (subclasses write `body`)."""

    classes = frozenset({"sr"})
    multi = False
    title = ""
    doing = ""  # "Detaching '{name}'": what failed, in the error
    done = ""  # "Detached '{name}'.": the task's last words

    def steps(self, run: StepRunner, target: Target) -> object:
        raise NotImplementedError

    def body(self, run: StepRunner, target: Target) -> object:
        try:
            result = self.steps(run, target)
        except XapiClientError as exc:
            raise step_failure(self.doing.format(name=target.name()), exc,
                               run.task.detail) from exc
        run.task._set(detail=self.done.format(name=target.name()))
        return result

    async def confirm(self, ctx: ActionContext, target: Target) -> bool:
        return True

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        if not await self.confirm(ctx, target):
            return []
        task = StepTask(target.conn, self.id, lambda run: self.body(run, target))
        started = announce(ctx, self.title.format(name=target.name()), target, task)
        task.start()
        return [started]


class Rescan(Action):
    id = "sr.rescan"
    label = "Rescan"
    classes = frozenset({"sr"})

    def check(self, target: Target) -> Availability:
        state = sr_state(target)
        if not state:
            return state
        if not sr_connected(target.conn.cache, target.ref):
            return Availability(False, translate("Storage", "The SR is not connected to any "
                                                            "server: repair it first."))
        if "scan" not in (target.record() or {}).get("allowed_operations", ()):
            return Availability(False, translate("Storage", "This SR cannot be scanned now."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        return [await ctx.start(translate("Storage", "Rescan '{name}'").format(
            name=t.name()), t, "SR.scan", t.ref) for t in runnable_or_raise(self, targets)]


class Repair(SrTask):
    """Plug the SR on every server that should see it: a PBD made for a server of the pool
    that has none (shared SRs), then each unplugged PBD plugged, server after server. One
    server's failure does not stop the others; the task ends saying each server's result."""

    id = "sr.repair"
    label = "Repair"
    title = translate("Storage", "Repair '{name}'")

    def check(self, target: Target) -> Availability:
        state = sr_state(target)
        if not state:
            return state
        cache = target.conn.cache
        if hosts_without_pbd(cache, target.ref):
            return YES
        pbds = sr_pbds(cache, target.ref)
        if not pbds:
            return Availability(False, translate("Storage", "The SR has no connection details "
                                                            "to repair it with."))
        if all(rec.get("currently_attached") for _p, rec in pbds):
            return Availability(False, translate("Storage", "The SR is connected on every "
                                                            "server."))
        return YES

    def body(self, run: StepRunner, target: Target) -> list[str]:
        cache = target.conn.cache
        sr = target.ref
        what = translate("Storage", "Repairing '{name}'").format(name=target.name())
        done: list[str] = []
        failed: list[str] = []
        try:
            pbds = {rec["host"]: (pbd, rec) for pbd, rec in (
                (p, run.call("PBD.get_record", p)) for p in run.call("SR.get_PBDs", sr))}
            config = next((rec["device_config"] for _p, rec in pbds.values()), None)
            missing = hosts_without_pbd(cache, sr)
            for host in missing:
                if config is None:
                    break
                run.step(translate("Storage", "Making the connection for {host}").format(
                    host=host_name(cache, host)))
                pbd = str(run.call("PBD.create", {"host": host, "SR": sr, "other_config": {},
                                                  "device_config": dict(config)}))
                pbds[host] = (pbd, {"host": host, "currently_attached": False})
        except XapiClientError as exc:
            raise step_failure(what, exc, run.task.detail) from exc
        todo = sorted(((host, pbd) for host, (pbd, rec) in pbds.items()
                       if not rec.get("currently_attached")),
                      key=lambda hp: host_name(cache, hp[0]))
        for n, (host, pbd) in enumerate(todo):
            name = host_name(cache, host)
            run.step(translate("Storage", "Connecting {host}").format(host=name), n / len(todo))
            try:
                run.run("PBD.plug", pbd)
                done.append(name)
            except XapiError as exc:
                if exc.code == "TASK_CANCELLED":
                    raise step_failure(what, exc, run.task.detail) from exc
                failed.append(translate("Storage", "{host}: {why}").format(
                    host=name, why=reason_of(exc)))
        connected = ", ".join(done) or translate("Storage", "no server")
        if failed:
            raise StepError(translate("Storage", "Repaired '{name}' on {ok}; it could not be "
                                      "connected on {failed}").format(
                name=target.name(), ok=connected, failed="; ".join(failed)),
                code="PBD_PLUG_FAILED")
        run.task._set(detail=translate("Storage", "Repaired '{name}': connected on "
                                       "{hosts}.").format(name=target.name(), hosts=connected))
        return done


class SetDefault(Action):
    """The pool's default SR (new disks, suspend images and crash dumps go there)."""

    id = "pool.set_default_sr"
    label = "Set as Default SR"
    classes = frozenset({"sr"})
    multi = False

    def check(self, target: Target) -> Availability:
        state = sr_state(target)
        if not state:
            return state
        record = target.record() or {}
        cache = target.conn.cache
        pool: dict = next(iter(cache.records("pool").values()), {})
        if pool.get("default_SR") == target.ref:
            return Availability(False, translate("Storage", "This is the default SR already."))
        if is_iso_library(record):
            return Availability(False, translate("Storage", "An ISO library cannot hold new "
                                                            "disks."))
        if not sr_connected(cache, target.ref):
            return Availability(False, translate("Storage", "The SR is not connected to any "
                                                            "server."))
        if not record.get("shared") and len(cache.records("host")) > 1:
            return Availability(False, translate("Storage", "Only shared storage can be the "
                                                            "default of a pool of several "
                                                            "servers."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        pool = next(iter(target.conn.cache.records("pool")), None)
        if pool is None:
            return []
        for method in ("pool.set_default_SR", "pool.set_suspend_image_SR",
                       "pool.set_crash_dump_SR"):
            await ctx.call(target, method, pool, target.ref)
        return []


def _unplug_all(run: StepRunner, target: Target) -> None:
    cache = target.conn.cache
    for pbd, rec in sr_pbds(cache, target.ref):
        if rec.get("currently_attached"):
            run.step(translate("Storage", "Disconnecting {host}").format(
                host=host_name(cache, rec.get("host", ""))))
            run.run("PBD.unplug", pbd)


class Detach(SrTask):
    id = "sr.detach"
    label = "Detach"
    title = translate("Storage", "Detach '{name}'")
    doing = translate("Storage", "Detaching '{name}'")
    done = translate("Storage", "Detached '{name}'.")

    def check(self, target: Target) -> Availability:
        state = sr_state(target)
        if not state:
            return state
        if not sr_connected(target.conn.cache, target.ref):
            return Availability(False, translate("Storage", "The SR is detached already."))
        in_use = unused(target)
        if not in_use:
            return in_use
        return YES

    async def confirm(self, ctx: ActionContext, target: Target) -> bool:
        return await ctx.prompter.confirm(
            labels.label(self), translate("Storage", "Detach '{name}' from every server? Its disks "
                                  "cannot be used until it is repaired (connected) again; "
                                  "nothing on it is deleted.").format(name=target.name()),
            ok_label=labels.label(self))

    def steps(self, run: StepRunner, target: Target) -> None:
        _unplug_all(run, target)


class Forget(SrTask):
    id = "sr.forget"
    label = "Forget"
    title = translate("Storage", "Forget '{name}'")
    doing = translate("Storage", "Forgetting '{name}'")
    done = translate("Storage", "Forgot '{name}'.")
    destructive = True

    def check(self, target: Target) -> Availability:
        return unused(target)

    async def confirm(self, ctx: ActionContext, target: Target) -> bool:
        cache = target.conn.cache
        disks = sr_disks(cache, target.ref)
        vms = sorted({u.vm_name for ref, _r in disks for u in disk_uses(cache, ref)})
        if len(disks) == 1:
            record = translate("Storage", "this pool's record of '{name}' and of its disk "
                               "(its name and description)")
        elif disks:
            record = translate("Storage", "this pool's record of '{name}' and of its {n} "
                               "disks (their names and descriptions)")
        else:
            record = translate("Storage", "this pool's record of '{name}'")
        destroys = [record.format(name=target.name(), n=len(disks))]
        if vms:
            destroys.append(translate("Storage", "the links of these VMs to its disks: "
                                      "{vms}").format(vms=", ".join(vms)))
        return await ctx.prompter.confirm(
            labels.label(self), translate("Storage", "Forget '{name}'? It is detached and removed from "
                                  "this pool; the data stays on the storage and a New SR can "
                                  "attach it again.").format(name=target.name()),
            destroys=tuple(destroys), ok_label=labels.label(self), danger=True)

    def steps(self, run: StepRunner, target: Target) -> None:
        _unplug_all(run, target)
        run.step(self.doing.format(name=target.name()))
        run.run("SR.forget", target.ref)


class Destroy(SrTask):
    id = "sr.destroy"
    label = "Destroy"
    title = translate("Storage", "Destroy '{name}'")
    doing = translate("Storage", "Destroying '{name}'")
    done = translate("Storage", "Destroyed '{name}'.")
    destructive = True

    def check(self, target: Target) -> Availability:
        state = sr_state(target)
        if not state:
            return state
        record = target.record() or {}
        if is_iso_library(record):
            return Availability(False, translate("Storage", "An ISO library is not destroyed "
                                                            "from here: forget it instead."))
        cache = target.conn.cache
        if not sr_pbds(cache, target.ref) or (sr_disks(cache, target.ref)
                                              and not sr_connected(cache, target.ref)):
            return Availability(False, translate("Storage", "The SR is not connected to any "
                                                            "server: repair it first."))
        in_use = unused(target)
        if not in_use:
            return in_use
        return YES

    async def confirm(self, ctx: ActionContext, target: Target) -> bool:
        cache = target.conn.cache
        destroys = [translate("Storage", "the SR '{name}' and everything stored on it").format(
            name=target.name())]
        for ref, rec in sr_disks(cache, target.ref):
            users = sorted({u.vm_name for u in disk_uses(cache, ref)})
            destroys.append(translate("Storage", "the disk {disk}").format(disk=disk_label(rec))
                            + (translate("Storage", " of {vms}").format(vms=", ".join(users))
                               if users else ""))
        return await ctx.prompter.confirm(
            labels.label(self), translate("Storage", "Destroy '{name}'? Its disks are deleted and the "
                                  "storage is freed; this cannot be undone.").format(
                name=target.name()),
            destroys=tuple(destroys), ok_label=labels.label(self), danger=True)

    def steps(self, run: StepRunner, target: Target) -> None:
        disks = sr_disks(target.conn.cache, target.ref)
        for n, (ref, rec) in enumerate(disks):
            run.step(translate("Storage", "Deleting the disk {disk}").format(
                disk=disk_label(rec)), 0.8 * n / max(len(disks), 1))
            run.run("VDI.destroy", ref)
        _unplug_all(run, target)
        run.step(translate("Storage", "Destroying the SR"), 0.9)
        run.run("SR.destroy", target.ref)


RESCAN = register(Rescan())
REPAIR = register(Repair())
SET_DEFAULT = register(SetDefault())
DETACH = register(Detach())
FORGET = register(Forget())
DESTROY = register(Destroy())
