"""Clone, copy and snapshot VMs; revert to and delete snapshots."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions import reasons
from xapiman.actions.base import Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, runnable_or_raise
from xapiman.actions.naming import sr_label
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.xapi.refs import NULL_REF


def vm_disks(target: Target) -> list[tuple[str, dict]]:
    """(VDI ref, VDI record) of each disk (not CD) of the target VM."""
    cache = target.conn.cache
    out = []
    for vbd_ref in (target.record() or {}).get("VBDs", ()):
        vbd = cache.record("VBD", vbd_ref)
        if not vbd or vbd.get("type") != "Disk":
            continue
        vdi = cache.record("VDI", vbd.get("VDI", NULL_REF))
        if vdi is not None:
            out.append((vbd["VDI"], vdi))
    return out


def sr_choices(target: Target, *, need: int) -> list[Choice]:
    cache = target.conn.cache
    out = []
    for ref, sr in sorted(cache.records("SR").items(), key=lambda kv: kv[1]["name_label"]):
        if sr.get("content_type") == "iso" or sr.get("type") in ("iso", "udev"):
            continue
        free = int(sr.get("physical_size", 0)) - int(sr.get("physical_utilisation", 0))
        reason = "" if free >= need else f"Not enough space: needs {need / 1024**3:.1f} GiB."
        out.append(Choice(sr_label(cache, ref), ref, enabled=not reason, reason=reason,
                          detail=f"{free / 1024**3:.0f} GiB free"))
    return out


class Clone(Action):
    id = "vm.clone"
    label = "Clone (fast)"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return reasons.vm_operation(target.record(), "clone", on_template=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        answers = await ctx.ask(Form("Clone VM", "A fast clone shares its disks with the "
                                     "original (copy-on-write) in the same storage.",
                                     (Field("name", "Name", default=f"Copy of {target.name()}",
                                            required=True),), ok_label="Clone"))
        if answers is None:
            return []
        return [await ctx.start(f"Clone '{target.name()}'", target, "VM.clone", target.ref,
                                answers["name"])]


class Copy(Action):
    id = "vm.copy"
    label = "Copy (full)"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return reasons.vm_operation(target.record(), "copy", on_template=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        need = sum(int(vdi.get("virtual_size", 0)) for _r, vdi in vm_disks(target))
        choices = tuple(sr_choices(target, need=need))
        default = next((c.value for c in choices if c.enabled), None)
        answers = await ctx.ask(Form("Copy VM", "A full copy of every disk, into the storage "
                                     "you choose.", (
            Field("name", "Name", default=f"Copy of {target.name()}", required=True),
            Field("sr", "Storage", kind="choice", choices=choices, default=default),
        ), ok_label="Copy"))
        if answers is None:
            return []
        if not answers.get("sr"):
            raise ActionError("Choose a storage repository with enough free space.")
        return [await ctx.start(f"Copy '{target.name()}'", target, "VM.copy", target.ref,
                                answers["name"], answers["sr"])]


class TakeSnapshot(Action):
    id = "vm.snapshot"
    label = "Take Snapshot"
    icon = "snapshot"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return reasons.vm_operation(target.record(), "snapshot")

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        can_memory = "checkpoint" in record.get("allowed_operations", ())
        fields = [Field("name", "Name", default=f"{target.name()} snapshot", required=True)]
        if can_memory:
            fields.append(Field("memory", "Include the VM's memory (the snapshot can resume "
                                "the VM as it runs now)", kind="bool", default=False))
        answers = await ctx.ask(Form("Take Snapshot", "", tuple(fields), ok_label="Take Snapshot"))
        if answers is None:
            return []
        if answers.get("memory", ctx.answers.get("memory")):  # a CLI --memory is never dropped
            if not can_memory:
                raise ActionError("A snapshot with memory needs a running VM.")
            return [await ctx.start(f"Snapshot '{target.name()}' with memory", target,
                                    "VM.checkpoint", target.ref, answers["name"])]
        return [await ctx.start(f"Snapshot '{target.name()}'", target, "VM.snapshot",
                                target.ref, answers["name"])]


class Revert(Action):
    id = "snapshot.revert"
    label = "Revert to Snapshot"
    classes = frozenset({"vm"})
    multi = False
    destructive = True

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is not None and not record.get("is_a_snapshot"):
            return Availability(False, "Select a snapshot to revert to.")
        return reasons.vm_operation(record, "revert", on_snapshot=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        parent = target.conn.cache.record("VM", (target.record() or {}).get("snapshot_of", NULL_REF))
        vm_name = parent["name_label"] if parent else "the VM"
        if not await ctx.prompter.confirm(
                "Revert to Snapshot",
                f"Revert '{vm_name}' to the snapshot '{target.name()}'?",
                destroys=(f"the current state of '{vm_name}' (its disks and, if it runs, its "
                          "memory) since that snapshot; take a snapshot first to keep it",),
                ok_label="Revert", danger=True):
            return []
        return [await ctx.start(f"Revert '{vm_name}' to '{target.name()}'", target,
                                "VM.revert", target.ref)]


class DeleteSnapshot(Action):
    id = "snapshot.delete"
    label = "Delete Snapshot"
    classes = frozenset({"vm"})
    destructive = True

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is not None and not record.get("is_a_snapshot"):
            return Availability(False, "Select a snapshot.")
        return reasons.vm_operation(record, "destroy", on_snapshot=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        destroys = []
        for target in chosen:
            disks = vm_disks(target)
            destroys.append(f"snapshot '{target.name()}' and its {len(disks)} disk "
                            f"snapshot{'s' if len(disks) != 1 else ''}")
        if not await ctx.prompter.confirm("Delete Snapshot", "Delete these snapshots?",
                                          destroys=tuple(destroys), ok_label="Delete",
                                          danger=True):
            return []
        out = []
        for target in chosen:
            out.extend(await destroy_vm_and_disks(ctx, target, [r for r, _ in vm_disks(target)],
                                                  f"Delete snapshot '{target.name()}'"))
        return out


async def destroy_vm_and_disks(ctx: ActionContext, target: Target, vdis: list[str],
                               title: str) -> list[Started]:
    """Destroy a VM (or snapshot), then the disks the user chose to delete with it."""
    started = await ctx.start(title, target, "VM.destroy", target.ref)
    await ctx.finish(started)
    out = [started]
    for vdi in vdis:
        vdi_target = Target(target.conn, "vdi", vdi)
        out.append(await ctx.start(f"Delete disk '{vdi_target.name()}'", vdi_target,
                                   "VDI.destroy", vdi))
    return out


CLONE = register(Clone())
COPY = register(Copy())
SNAPSHOT = register(TakeSnapshot())
REVERT = register(Revert())
DELETE_SNAPSHOT = register(DeleteSnapshot())
