"""Virtual disks (VDIs): make one (on an SR, or for a VM, attached at once), resize one,
delete some. Renaming is `object.rename`; attaching, moving and image transfers have their own
modules (vdi_attach, vdi_move, vdi_image)."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, picked, runnable_or_raise
from xapiman.actions.disk_facts import disk_label, disk_uses, free_positions, live_users
from xapiman.actions.prompts import Field, Form
from xapiman.actions.sizes import SizeError, as_int, format_size, parse_size
from xapiman.actions.steps import StepError, StepRunner, StepTask, announce, reason_of
from xapiman.actions.task_errors import step_failure
from xapiman.actions.vm_plan import pool_default_sr, sr_choices
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError, XapiError
from xapiman.xapi.refs import NULL_REF

VDI_OPS_WORDS = {"resize": "resize", "resize_online": "resize", "destroy": "delete",
                 "copy": "copy"}


def disk_state(target: Target, op: str | None = None) -> Availability:
    """Whether the disk exists, is not busy and (given `op`) allows it now."""
    record = target.record()
    if record is None:
        return Availability(False, translate("Actions", "The object no longer exists."))
    busy = sorted(set((record.get("current_operations") or {}).values()))
    if busy:
        return Availability(False, translate("Actions", "Busy: {ops} in progress.").format(
            ops=", ".join(b.replace("_", " ") for b in busy)))
    if record.get("is_a_snapshot") and op not in (None, "copy"):
        return Availability(False, translate("Disks", "This is a snapshot's disk; act on "
                                                      "the snapshot instead."))
    if op is not None and op not in record.get("allowed_operations", ()):
        sr = target.conn.cache.record("SR", record.get("SR", NULL_REF)) or {}
        if sr.get("content_type") == "iso" and op != "destroy":
            return Availability(False, translate("Disks", "Not possible on an ISO image."))
        return Availability(False, translate("Disks", "The server does not allow this on "
                                                      "the disk now."))
    return YES


def parse_disk_size(text: object) -> int:
    try:
        size = parse_size(str(text))
    except SizeError as exc:
        raise ActionError(str(exc)) from None
    if size <= 0:
        raise ActionError(translate("Disks", "A disk needs a size above zero."))
    return size


# -- new ------------------------------------------------------------------------------------


class NewDisk(Action):
    """A new empty disk on an SR; made for a VM, it is attached to the VM at its first free
    position (and plugged in when the VM runs, if its guest can take it)."""

    id = "vdi.new"
    label = "New Disk…"
    classes = frozenset({"sr", "vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if target.cls == "vm" and (record.get("is_a_snapshot") or
                                   record.get("is_control_domain")):
            return Availability(False, translate("Disks", "Not possible on this VM."))
        if target.cls == "sr":
            if record.get("content_type") == "iso" or record.get("type") in ("iso", "udev"):
                return Availability(False, translate("Disks", "This SR holds ISO images or "
                                                              "devices, not virtual disks."))
            if "vdi_create" not in record.get("allowed_operations", ()):
                return Availability(False, translate("Disks", "The SR cannot make disks now "
                                                              "(is it connected?)."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        choices = tuple(sr_choices(cache))
        default_sr = target.ref if target.cls == "sr" else pool_default_sr(cache)
        vm_name = target.name() if target.cls == "vm" else ""
        answers = await ctx.ask(Form(
            translate("Disks", "New Disk"),
            translate("Disks", "A new empty disk for '{vm}'.").format(vm=vm_name) if vm_name
            else "",
            (Field("name", translate("Disks", "Name"), required=True,
                   default=translate("Disks", "{vm} disk").format(vm=vm_name) if vm_name
                   else translate("Disks", "New disk")),
             Field("description", translate("Disks", "Description"), default=""),
             Field("size", translate("Disks", "Size"), default="10 GiB", required=True,
                   help=translate("Disks", "Such as 10 GiB or 512 MiB")),
             Field("sr", translate("Disks", "Storage"), kind="choice", choices=choices,
                   default=default_sr)),
            ok_label=translate("Disks", "Create")))
        if answers is None:
            return []
        name = str(answers["name"]).strip()
        if not name:
            raise ActionError(translate("Disks", "The name may not be empty."))
        size = parse_disk_size(answers["size"])
        sr = picked(choices, answers.get("sr"), translate("Disks", "SR")).value
        description = str(answers.get("description") or "")
        vm = target.ref if target.cls == "vm" else NULL_REF
        task = StepTask(target.conn, "VDI.create",
                        lambda run: make_disk(run, sr, name, description, size, vm))
        title = translate("Disks", "New disk '{name}'").format(name=name)
        started = announce(ctx, title, target, task)
        task.start()
        return [started]


def make_disk(run: StepRunner, sr: str, name: str, description: str, size: int,
              vm: str) -> str:
    what = translate("Disks", "Making the disk '{name}'").format(name=name)
    vdi = ""
    try:
        run.step(translate("Disks", "Making a {size} disk").format(size=format_size(size)), 0.1)
        vdi = str(run.call("VDI.create", {
            "name_label": name, "name_description": description, "SR": sr,
            "virtual_size": str(size), "type": "user", "sharable": False, "read_only": False,
            "other_config": {}, "xenstore_data": {}, "sm_config": {}, "tags": []}))
        if vm != NULL_REF:
            run.step(translate("Disks", "Attaching it"), 0.6)
            allowed = [str(d) for d in run.call("VM.get_allowed_VBD_devices", vm)]
            positions = free_positions(run.conn.cache, vm, allowed)
            if not positions:
                raise StepError(translate("Disks", "The VM has no free disk position left."),
                                code="NO_FREE_POSITION")
            note = attach(run, vm, vdi, positions[0], read_only=False, bootable=False)
            run.task._set(detail=note)
        else:
            run.task._set(detail=translate("Disks", "Made the disk '{name}'.").format(name=name))
    except (XapiClientError, StepError) as exc:
        left: tuple[str, ...] = ()
        if vdi:
            try:
                run.call("VDI.destroy", vdi)
            except XapiClientError:
                left = (translate("Disks", "the new disk '{name}'").format(name=name),)
        raise step_failure(what, exc, run.task.detail, left) from exc
    run.wait_cached("VDI", [vdi])
    return vdi


def attach(run: StepRunner, vm: str, vdi: str, position: str, *, read_only: bool,
           bootable: bool) -> str:
    """A VBD for `vdi` at `position` of `vm`, plugged in when the VM runs. Returns what was
    done in words (a hot-plug the guest refused leaves the disk attached for the next boot,
    and says why)."""
    vbd = str(run.call("VBD.create", {
        "VM": vm, "VDI": vdi, "userdevice": position, "bootable": bootable,
        "mode": "RO" if read_only else "RW", "type": "Disk", "empty": False,
        "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}))
    vm_rec = run.call("VM.get_record", vm)
    name = vm_rec.get("name_label", "")
    if vm_rec.get("power_state") != "Running":
        return translate("Disks", "Attached to '{vm}' at position {position}.").format(
            vm=name, position=position)
    run.step(translate("Disks", "Plugging it into the running VM"))
    try:
        run.run("VBD.plug", vbd)
    except XapiError as exc:
        if exc.code == "TASK_CANCELLED":
            raise
        return translate("Disks", "Attached to '{vm}' at position {position}; the running VM "
                                  "gets it at its next start ({why})").format(
            vm=name, position=position, why=reason_of(exc))
    return translate("Disks", "Attached and plugged into '{vm}' at position {position}.").format(
        vm=name, position=position)


# -- resize ------------------------------------------------------------------------------------


class ResizeDisk(Action):
    id = "vdi.resize"
    label = "Resize…"
    classes = frozenset({"vdi"})
    multi = False

    def _op(self, target: Target) -> str:
        live = any(u.attached and u.live for u in disk_uses(target.conn.cache, target.ref))
        return "resize_online" if live else "resize"

    def check(self, target: Target) -> Availability:
        state = disk_state(target, self._op(target))
        if not state and self._op(target) == "resize_online" and disk_state(target):
            return Availability(False, translate("Disks", "The disk is in use by a running VM "
                                                          "and its storage cannot grow it "
                                                          "online; shut the VM down first."))
        return state

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        current = as_int(record.get("virtual_size"))
        answers = await ctx.ask(Form(
            translate("Disks", "Resize Disk"),
            translate("Disks", "'{name}' is {size}. Disks can grow, not shrink; the guest must "
                               "then grow its partitions itself.").format(
                name=target.name(), size=format_size(current)),
            (Field("size", translate("Disks", "New size"), default=format_size(current),
                   required=True),), ok_label=translate("Disks", "Resize")))
        if answers is None:
            return []
        size = parse_disk_size(answers["size"])
        if size < current:
            raise ActionError(translate("Disks", "A disk cannot shrink: '{name}' is {size} "
                                                 "already.").format(
                name=target.name(), size=format_size(current)))
        if size == current:
            return []
        op = self._op(target)
        method = "VDI.resize_online" if op == "resize_online" else "VDI.resize"
        return [await ctx.start(translate("Disks", "Resize '{name}' to {size}").format(
            name=target.name(), size=format_size(size)), target, method, target.ref, str(size))]


# -- delete ------------------------------------------------------------------------------------


class DeleteDisk(Action):
    id = "vdi.delete"
    label = "Delete Disk"
    classes = frozenset({"vdi"})
    destructive = True

    def check(self, target: Target) -> Availability:
        users = live_users(target.conn.cache, target.ref)
        if users and target.record() is not None:
            return Availability(False, translate("Disks", "Running VMs use it: {vms}. Shut "
                                                          "them down or detach it first.")
                                .format(vms=", ".join(users)))
        return disk_state(target, "destroy")

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        cache = chosen[0].conn.cache
        destroys = []
        for target in chosen:
            rec = target.record() or {}
            users = sorted({u.vm_name for u in disk_uses(cache, target.ref)})
            destroys.append(translate("Disks", "the disk {disk} and everything on it").format(
                disk=disk_label(rec)) + (translate("Disks", "; it is removed from {vms}")
                                         .format(vms=", ".join(users)) if users else ""))
        if not await ctx.prompter.confirm(
                translate("Disks", "Delete Disk"),
                translate("Disks", "Delete {count} disk(s)? This cannot be undone.").format(
                    count=len(chosen)),
                destroys=tuple(destroys), ok_label=translate("Disks", "Delete"), danger=True):
            return []
        return [await ctx.start(translate("Disks", "Delete disk '{name}'").format(
            name=t.name()), t, "VDI.destroy", t.ref) for t in chosen]


NEW_DISK = register(NewDisk())
RESIZE_DISK = register(ResizeDisk())
DELETE_DISK = register(DeleteDisk())
