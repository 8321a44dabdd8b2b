"""Attach a disk to a VM and detach it again.

Attach works from either side: on a disk it asks for the VM, on a VM for the disk (one not in
use by a running VM, on storage the VM can reach). It asks the position (a free one; the first
by default), read-only and bootable, makes the VBD and plugs it in when the VM runs. Detach
unplugs the disk from a running VM (when its guest allows) and removes the VBD; the disk stays.
"""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, picked
from xapiman.actions.disk_facts import DiskUse, disk_label, disk_uses, free_positions, sr_pbds
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.actions.steps import StepError, StepRunner, StepTask, announce, reason_of
from xapiman.actions.task_errors import step_failure
from xapiman.actions.vdi import attach, disk_state
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError, XapiError
from xapiman.xapi.refs import NULL_REF


def _is_vm(rec: dict) -> bool:
    return not (rec.get("is_a_template") or rec.get("is_a_snapshot")
                or rec.get("is_control_domain"))


def reach_reason(cache, vm: str, vdi: str) -> str:
    """Why `vm` cannot use `vdi` ("" when it can): a local SR of another server, or a disk
    a running VM has attached read-write."""
    vm_rec = cache.record("VM", vm) or {}
    vdi_rec = cache.record("VDI", vdi) or {}
    sr = cache.record("SR", vdi_rec.get("SR", NULL_REF)) or {}
    host = vm_rec.get("resident_on", NULL_REF)
    pbds = sr_pbds(cache, vdi_rec.get("SR", NULL_REF))
    if vm_rec.get("power_state") == "Running" and not any(
            rec.get("host") == host and rec.get("currently_attached") for _p, rec in pbds):
        return translate("Disks", "Its storage is not connected to the server the VM runs on.")
    if not sr.get("shared"):
        hosts = {rec.get("host") for _p, rec in pbds}
        affinity = vm_rec.get("affinity", NULL_REF)
        if host not in (NULL_REF, None) and host not in hosts:
            return translate("Disks", "Its storage is local to another server.")
        if affinity not in (NULL_REF, None) and affinity not in hosts and host in (NULL_REF, None):
            return translate("Disks", "Its storage is local to a server other than the VM's "
                                      "home server.")
    if any(u.attached and u.live and not u.read_only for u in disk_uses(cache, vdi)):
        return translate("Disks", "A running VM uses it read-write.")
    if any(u.vm == vm for u in disk_uses(cache, vdi)):
        return translate("Disks", "The VM has this disk already.")
    return ""


def vm_choices(cache, vdi: str) -> tuple[Choice, ...]:
    out = []
    for ref, rec in sorted(cache.records("VM").items(),
                           key=lambda kv: str(kv[1].get("name_label", "")).casefold()):
        if not _is_vm(rec):
            continue
        reason = reach_reason(cache, ref, vdi)
        out.append(Choice(str(rec.get("name_label", ref)), ref, enabled=not reason,
                          reason=reason, detail=str(rec.get("power_state", ""))))
    return tuple(out)


def disk_choices(cache, vm: str) -> tuple[Choice, ...]:
    """Disks a VM could take: user disks of disk SRs, not snapshots."""
    out = []
    for ref, rec in sorted(cache.records("VDI").items(),
                           key=lambda kv: str(kv[1].get("name_label", "")).casefold()):
        sr = cache.record("SR", rec.get("SR", NULL_REF)) or {}
        if (rec.get("is_a_snapshot") or rec.get("type") not in ("user", "system")
                or sr.get("content_type") == "iso" or sr.get("type") == "udev"):
            continue
        reason = reach_reason(cache, vm, ref)
        out.append(Choice(disk_label(rec), ref, enabled=not reason, reason=reason,
                          detail=str(sr.get("name_label", ""))))
    return tuple(out)


class AttachDisk(Action):
    id = "vdi.attach"
    label = "Attach Disk…"
    classes = frozenset({"vdi", "vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if target.cls == "vm":
            if not _is_vm(record):
                return Availability(False, translate("Disks", "Not possible on this VM."))
            return YES
        state = disk_state(target)
        if not state:
            return state
        sr = target.conn.cache.record("SR", record.get("SR", NULL_REF)) or {}
        if sr.get("content_type") == "iso" or sr.get("type") == "udev":
            return Availability(False, translate("Disks", "ISO images go into a VM's DVD "
                                                          "drive."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        if target.cls == "vm":
            vm = target.ref
            disks = disk_choices(cache, vm)
            fields: tuple[Field, ...] = (Field(
                "disk", translate("Disks", "Disk"), kind="choice", choices=disks,
                default=next((c.value for c in disks if c.enabled), None)),)
        else:
            vms = vm_choices(cache, target.ref)
            fields = (Field("vm", translate("Disks", "VM"), kind="choice", choices=vms,
                            default=next((c.value for c in vms if c.enabled), None)),)
            vm = NULL_REF
        fields += (
            Field("position", translate("Disks", "Position"), default="auto",
                  help=translate("Disks", "A free device position (0, 1, 2 ...), or auto")),
            Field("read_only", translate("Disks", "Read-only"), kind="bool", default=False),
            Field("bootable", translate("Disks", "Bootable"), kind="bool", default=False))
        intro = (translate("Disks", "Which disk should '{vm}' get?").format(vm=target.name())
                 if target.cls == "vm" else
                 translate("Disks", "Which VM should '{disk}' be attached to?").format(
                     disk=target.name()))
        answers = await ctx.ask(Form(translate("Disks", "Attach Disk"), intro, fields,
                                     ok_label=translate("Disks", "Attach")))
        if answers is None:
            return []
        if target.cls == "vm":
            vdi = picked(disks, answers.get("disk"), translate("Disks", "disk")).value
        else:
            vdi = target.ref
            vm = picked(vms, answers.get("vm"), "VM").value
        position = str(answers.get("position") or "auto").strip()
        free = free_positions(cache, vm)
        if position == "auto":
            position = ""
        elif position not in free:
            raise ActionError(translate("Disks", "Position {position} is not free on the VM; "
                                                 "free ones: {free}.").format(
                position=position, free=", ".join(free) or translate("Disks", "none")))
        read_only, bootable = bool(answers.get("read_only")), bool(answers.get("bootable"))
        vm_name = str((cache.record("VM", vm) or {}).get("name_label", vm))
        disk_name = str((cache.record("VDI", vdi) or {}).get("name_label", vdi))
        task = StepTask(target.conn, "VBD.create", lambda run: _attach(
            run, vm, vdi, position, read_only, bootable, disk_name))
        started = announce(ctx, translate("Disks", "Attach '{disk}' to '{vm}'").format(
            disk=disk_name, vm=vm_name), target, task)
        task.start()
        return [started]


def _attach(run: StepRunner, vm: str, vdi: str, position: str, read_only: bool,
            bootable: bool, disk_name: str) -> str:
    what = translate("Disks", "Attaching '{disk}'").format(disk=disk_name)
    try:
        run.step(translate("Disks", "Finding a free position"), 0.1)
        allowed = [str(d) for d in run.call("VM.get_allowed_VBD_devices", vm)]
        if not position:
            free = free_positions(run.conn.cache, vm, allowed)
            if not free:
                raise StepError(translate("Disks", "The VM has no free disk position left."),
                                code="NO_FREE_POSITION")
            position = free[0]
        elif position not in allowed:
            raise StepError(translate("Disks", "Position {position} is taken.").format(
                position=position), code="DEVICE_ALREADY_EXISTS")
        run.step(translate("Disks", "Attaching at position {position}").format(
            position=position), 0.3)
        note = attach(run, vm, vdi, position, read_only=read_only, bootable=bootable)
    except (XapiClientError, StepError) as exc:
        raise step_failure(what, exc, run.task.detail) from exc
    run.task._set(detail=note)
    return vdi


# -- detach ----------------------------------------------------------------------------------


def _uses_for(target: Target) -> list[DiskUse]:
    """The VM uses a detach on `target` concerns: the VBD's own, or every VM's of a disk."""
    cache = target.conn.cache
    if target.cls == "vbd":
        rec = target.record() or {}
        return [u for u in disk_uses(cache, rec.get("VDI", NULL_REF)) if u.vbd == target.ref]
    return disk_uses(cache, target.ref)


class DetachDisk(Action):
    id = "vdi.detach"
    label = "Detach Disk"
    classes = frozenset({"vdi", "vbd"})
    multi = False

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if target.cls == "vbd" and record.get("type") == "CD":
            return Availability(False, translate("Disks", "Use Eject for a DVD drive."))
        uses = _uses_for(target)
        if not uses:
            return Availability(False, translate("Disks", "The disk is not attached to any "
                                                          "VM."))
        for use in uses:
            vbd = target.conn.cache.record("VBD", use.vbd) or {}
            if use.attached and use.live and "unplug" not in vbd.get("allowed_operations", ()):
                return Availability(False, translate(
                    "Disks", "'{vm}' runs and cannot give the disk up now (it needs its guest "
                             "tools for that); shut it down first.").format(vm=use.vm_name))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        uses = _uses_for(target)
        if len(uses) > 1:
            choices = tuple(Choice(u.vm_name, u.vbd) for u in uses)
            answers = await ctx.ask(Form(translate("Disks", "Detach Disk"), "", (Field(
                "vm", translate("Disks", "From VM"), kind="choice", choices=choices,
                default=choices[0].value),), ok_label=translate("Disks", "Detach")))
            if answers is None:
                return []
            wanted = answers.get("vm")
            use = next((u for u in uses if wanted in (u.vbd, u.vm, u.vm_name)), None)
            if use is None:
                raise ActionError(translate("Disks", "The disk is not attached to {vm}.").format(
                    vm=wanted))
        else:
            use = uses[0]
            wanted = ctx.answers.get("vm")
            if wanted not in (None, use.vbd, use.vm, use.vm_name):
                raise ActionError(translate("Disks", "The disk is not attached to {vm}.").format(
                    vm=wanted))
        vdi = str((cache.record("VBD", use.vbd) or {}).get("VDI", NULL_REF))
        disk_name = str((cache.record("VDI", vdi) or {}).get("name_label", vdi))
        if not await ctx.prompter.confirm(
                translate("Disks", "Detach Disk"),
                translate("Disks", "Detach '{disk}' from '{vm}'? The disk is kept; the VM no "
                                   "longer sees it.").format(disk=disk_name, vm=use.vm_name),
                ok_label=translate("Disks", "Detach")):
            return []
        task = StepTask(target.conn, "VBD.destroy", lambda run: _detach(run, use, disk_name))
        started = announce(ctx, translate("Disks", "Detach '{disk}' from '{vm}'").format(
            disk=disk_name, vm=use.vm_name), target, task)
        task.start()
        return [started]


def _detach(run: StepRunner, use: DiskUse, disk_name: str) -> None:
    what = translate("Disks", "Detaching '{disk}' from '{vm}'").format(disk=disk_name,
                                                                      vm=use.vm_name)
    try:
        if run.call("VBD.get_currently_attached", use.vbd):
            run.step(translate("Disks", "Unplugging it from the running VM"), 0.2)
            try:
                run.run("VBD.unplug", use.vbd)
            except XapiError as exc:
                if exc.code == "TASK_CANCELLED":
                    raise
                raise StepError(translate("Disks", "{what} failed: the VM did not give the disk "
                                          "up ({why}); nothing was changed.").format(
                    what=what, why=reason_of(exc)), code=exc.code, params=exc.params) from exc
        run.step(translate("Disks", "Removing it from the VM"), 0.8)
        run.call("VBD.destroy", use.vbd)
    except (XapiClientError, StepError) as exc:
        raise step_failure(what, exc, run.task.detail) from exc
    run.task._set(detail=translate("Disks", "Detached '{disk}' from '{vm}'.").format(
        disk=disk_name, vm=use.vm_name))


ATTACH_DISK = register(AttachDisk())
DETACH_DISK = register(DetachDisk())
