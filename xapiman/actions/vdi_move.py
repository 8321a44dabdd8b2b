"""Move a disk to another SR: live (`VDI.pool_migrate`) while a running VM has it plugged in,
else as a copy: `VDI.copy` into the SR, the VMs' VBDs made again on the copy (same position,
mode, bootable flag), then the original deleted. A copy that fails or is cancelled is removed
again and the original stays as it was."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions.base import Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, picked
from xapiman.actions.disk_facts import disk_uses, sr_pbds
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.actions.sizes import as_int
from xapiman.actions.steps import StepRunner, StepTask, announce
from xapiman.actions.task_errors import step_failure
from xapiman.actions.vdi import disk_state
from xapiman.actions.vm_plan import sr_choices
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError
from xapiman.xapi.refs import NULL_REF

VBD_FIELDS = ("VM", "userdevice", "bootable", "mode", "type", "empty", "other_config",
              "qos_algorithm_type", "qos_algorithm_params")


def live_vm(target: Target) -> str:
    """The running VM that has the disk plugged in (NULL_REF: none, the disk is copied)."""
    for use in disk_uses(target.conn.cache, target.ref):
        if use.attached and use.live:
            return use.vm
    return NULL_REF


def dest_choices(target: Target) -> tuple[Choice, ...]:
    """SRs the disk can go to: not its own, with room, reachable from the VM's server."""
    cache = target.conn.cache
    record = target.record() or {}
    need = as_int(record.get("virtual_size"))
    vm = live_vm(target)
    host = (cache.record("VM", vm) or {}).get("resident_on", NULL_REF) if vm != NULL_REF else NULL_REF
    out = []
    for choice in sr_choices(cache, need):
        reason = choice.reason
        if choice.value == record.get("SR"):
            reason = translate("Disks", "The disk is on this SR.")
        elif host != NULL_REF and not reason and not any(
                rec.get("host") == host and rec.get("currently_attached")
                for _p, rec in sr_pbds(cache, choice.value)):
            reason = translate("Disks", "The server the VM runs on is not connected to it.")
        out.append(Choice(choice.label, choice.value, enabled=not reason, reason=reason,
                          detail=choice.detail))
    return tuple(out)


class MoveDisk(Action):
    id = "vdi.move"
    label = "Move Disk…"
    classes = frozenset({"vdi"})
    multi = False

    def check(self, target: Target) -> Availability:
        vm = live_vm(target)
        if vm != NULL_REF:
            state = disk_state(target)
            if not state:
                return state
            vm_rec = target.conn.cache.record("VM", vm) or {}
            if "migrate_send" not in vm_rec.get("allowed_operations", ()):
                return Availability(False, translate("Disks", "'{vm}' cannot move its disks "
                                                              "now.").format(
                    vm=vm_rec.get("name_label", "")))
            return state
        state = disk_state(target, "copy")
        if not state:
            return state
        if disk_state(target, "destroy"):
            return state
        return Availability(False, translate("Disks", "The disk cannot be deleted from its SR, "
                                                      "so it cannot move."))

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        choices = dest_choices(target)
        answers = await ctx.ask(Form(
            translate("Disks", "Move Disk"),
            translate("Disks", "Where should '{name}' go?").format(name=target.name()),
            (Field("sr", translate("Disks", "Storage"), kind="choice", choices=choices,
                   default=next((c.value for c in choices if c.enabled), None)),),
            ok_label=translate("Disks", "Move")))
        if answers is None:
            return []
        dest = picked(choices, answers.get("sr"), translate("Disks", "SR"))
        vm = live_vm(target)
        title = translate("Disks", "Move '{name}' to '{sr}'").format(name=target.name(),
                                                                    sr=dest.label)
        if vm != NULL_REF:
            return [await ctx.start(title, target, "VDI.pool_migrate", target.ref, dest.value,
                                    {})]
        if not dest.enabled:
            raise ActionError(dest.reason)
        task = StepTask(target.conn, "VDI.copy", lambda run: copy_move(
            run, target.ref, dest.value, target.name(), dest.label))
        started = announce(ctx, title, target, task)
        task.start()
        return [started]


def copy_move(run: StepRunner, vdi: str, sr: str, name: str, sr_name: str) -> str:
    what = translate("Disks", "Moving '{name}'").format(name=name)
    copy = ""
    moved: list[tuple[dict, str]] = []  # (the old VBD's fields, the VBD made on the copy)
    try:
        run.step(translate("Disks", "Copying it to '{sr}'").format(sr=sr_name), 0.05)
        copy = str(run.run("VDI.copy", vdi, sr))
        run.call("VDI.set_name_description", copy, run.call("VDI.get_name_description", vdi))
        run.step(translate("Disks", "Attaching the copy to the VMs"), 0.9)
        for vbd in run.call("VDI.get_VBDs", vdi):
            rec = run.call("VBD.get_record", vbd)
            fields = {k: rec[k] for k in VBD_FIELDS if k in rec}
            run.call("VBD.destroy", vbd)  # its position is free for the copy's
            moved.append((fields, ""))
            moved[-1] = (fields, str(run.call("VBD.create", {**fields, "VDI": copy})))
        run.step(translate("Disks", "Deleting the original"), 0.95)
        run.call("VDI.destroy", vdi)
    except XapiClientError as exc:
        left = _put_back(run, vdi, copy, moved, sr_name)
        raise step_failure(what, exc, run.task.detail, left) from exc
    run.task._set(detail=translate("Disks", "Moved '{name}' to '{sr}'.").format(
        name=name, sr=sr_name))
    return copy


def _put_back(run: StepRunner, vdi: str, copy: str, moved: list[tuple[dict, str]],
              sr_name: str) -> tuple[str, ...]:
    """After a failed move: the VMs get the original again and the copy goes; what is left."""
    try:
        if run.call("VDI.get_uuid", vdi):  # the original is still there
            for fields, made in moved:
                if made:
                    run.call("VBD.destroy", made)
                run.call("VBD.create", {**fields, "VDI": vdi})
            if copy:
                run.call("VDI.destroy", copy)
        return ()
    except XapiClientError:
        return (translate("Disks", "the copy in '{sr}'").format(sr=sr_name),)


MOVE_DISK = register(MoveDisk())
