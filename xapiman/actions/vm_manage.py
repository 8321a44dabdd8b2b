"""Place, delete, rename and configure VMs (vCPUs, memory, tags, folder)."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions import placement, reasons
from xapiman.actions.base import (
    YES,
    Action,
    ActionContext,
    Availability,
    Started,
    Target,
    register,
)
from xapiman.actions.common import ActionError, first_runnable, picked, runnable_or_raise
from xapiman.actions.naming import sr_label
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.actions.vm_power import RESUME, SUSPEND
from xapiman.actions.vm_snapshots import destroy_vm_and_disks, vm_disks

MiB = 1024**2


class HostChoice(Action):
    """Run a VM operation that needs a host picked among the pool's hosts."""

    classes = frozenset({"vm"})
    multi = False
    op = ""
    method = ""
    title = ""

    def check(self, target: Target) -> Availability:
        return reasons.vm_operation(target.record(), self.op, cache=target.conn.cache)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        choices = tuple(placement.host_choices(record, target.conn.cache,
                                               exclude_current=self.op == "pool_migrate",
                                               load=placement.measured_loads(target.conn)))
        default = next((c.value for c in choices if c.enabled), None)
        answers = await ctx.ask(Form(self.title, f"Where should '{target.name()}' go?",
                                     (Field("host", "Server", kind="choice", choices=choices,
                                            default=default),), ok_label=self.label))
        if answers is None:
            return []
        choice = picked(choices, answers.get("host"), "server in this pool")
        return [await ctx.start(f"{self.label} '{target.name()}' to {choice.label}", target,
                                self.method, target.ref, choice.value, *self.extra_args())]

    def extra_args(self) -> tuple[object, ...]:
        return ()


class StartOn(HostChoice):
    id = "vm.start_on"
    label = "Start on Server"
    op = "start_on"
    method = "VM.start_on"
    title = "Start on Server"

    def extra_args(self) -> tuple[object, ...]:
        return (False, False)


class SuspendOrResume(Action):
    """XenCenter's Ctrl+Y: suspend a running VM, resume a suspended one."""

    id = "vm.suspend_or_resume"
    label = "Suspend / Resume"
    classes = frozenset({"vm"})
    shortcut = "Ctrl+Y"
    icon = "suspend-resume"

    def _pick(self, target: Target):
        record = target.record() or {}
        return RESUME if record.get("power_state") == "Suspended" else SUSPEND

    def check(self, target: Target) -> Availability:
        return self._pick(target).check(target)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        out = []
        for target in self.runnable(targets):
            out.extend(await self._pick(target).run(ctx, [target]))
        return out


class DeleteVm(Action):
    id = "vm.delete"
    label = "Delete VM"
    classes = frozenset({"vm"})
    destructive = True
    multi = False

    def check(self, target: Target) -> Availability:
        return reasons.vm_operation(target.record(), "destroy", on_template=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        disks = vm_disks(target)
        choices = tuple(Choice(f"{vdi['name_label']} ({int(vdi['virtual_size']) / 1024**3:.0f} GiB)",
                               ref, enabled=True,
                               detail=sr_label(target.conn.cache, vdi.get("SR", "")))
                        for ref, vdi in disks)
        shared = {ref for ref, vdi in disks if len(vdi.get("VBDs", ())) > 1}
        default = [ref for ref, _ in disks if ref not in shared]
        answers = await ctx.ask(Form(
            "Delete VM", f"Delete '{target.name()}'? Disks you leave unticked are kept.",
            (Field("disks", "Also delete these disks", kind="multi", choices=choices,
                   default=default),),
            ok_label="Delete", danger=True,
            destroys=(f"the VM '{target.name()}' and its settings",
                      "the disks ticked below, with everything on them"),
        ))
        if answers is None:
            return []
        vdis = [v for v in answers.get("disks", []) if v in {r for r, _ in disks}]
        return await destroy_vm_and_disks(ctx, target, vdis, f"Delete VM '{target.name()}'")


class Rename(Action):
    id = "object.rename"
    label = "Rename"
    classes = frozenset({"vm", "host", "sr", "network", "pool", "vdi"})
    multi = False
    shortcut = "F2"

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, "The object no longer exists.")
        if record.get("is_control_domain"):
            return Availability(False, "Not possible on a control domain.")
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        answers = await ctx.ask(Form("Rename", "", (
            Field("name", "Name", default=record.get("name_label", ""), required=True),
            Field("description", "Description", default=record.get("name_description", "")),
        ), ok_label="Rename"))
        if answers is None:
            return []
        name = str(answers["name"]).strip()
        if not name:
            raise ActionError("The name may not be empty.")
        cls = {"vm": "VM", "sr": "SR", "vdi": "VDI"}.get(target.cls, target.cls)
        await ctx.call(target, f"{cls}.set_name_label", target.ref, name)
        if answers.get("description") is not None:
            await ctx.call(target, f"{cls}.set_name_description", target.ref,
                           str(answers["description"]))
        return []


def _positive_int(value: object, what: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ActionError(f"{what} must be a whole number, not {value!r}.") from None
    if number < 1:
        raise ActionError(f"{what} must be at least 1.")
    return number


class SetVcpus(Action):
    id = "vm.set_vcpus"
    label = "Set vCPUs"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is not None and record.get("power_state") != "Halted" and not (
                record.get("is_control_domain") or record.get("is_a_snapshot")):
            return Availability(False, "Shut the VM down to change its vCPUs.")
        return reasons.vm_operation(record, "changing_static_range", on_template=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        answers = await ctx.ask(Form("Set vCPUs", "", (
            Field("vcpus", "Number of vCPUs", default=str(record.get("VCPUs_max", 1)),
                  required=True),), ok_label="Apply"))
        if answers is None:
            return []
        count = _positive_int(answers["vcpus"], "The number of vCPUs")
        current = int(record.get("VCPUs_max", 1))
        # VCPUs_at_startup may not exceed VCPUs_max: order the two calls accordingly.
        if count >= current:
            await ctx.call(target, "VM.set_VCPUs_max", target.ref, str(count))
            await ctx.call(target, "VM.set_VCPUs_at_startup", target.ref, str(count))
        else:
            await ctx.call(target, "VM.set_VCPUs_at_startup", target.ref, str(count))
            await ctx.call(target, "VM.set_VCPUs_max", target.ref, str(count))
        return []


class SetMemory(Action):
    id = "vm.set_memory"
    label = "Set Memory"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return reasons.vm_operation(target.record(), "changing_dynamic_range", on_template=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        current = int(record.get("memory_static_max", 0)) // MiB
        answers = await ctx.ask(Form("Set Memory", "", (
            Field("memory_mib", "Memory (MiB)", default=str(current), required=True),),
            ok_label="Apply"))
        if answers is None:
            return []
        mib = _positive_int(answers["memory_mib"], "The memory size")
        value = str(mib * MiB)
        if record.get("power_state") == "Halted":
            static_min = min(int(record.get("memory_static_min", 0)), mib * MiB)
            await ctx.call(target, "VM.set_memory_limits", target.ref, str(static_min),
                           value, value, value)
        else:
            if mib * MiB > int(record.get("memory_static_max", 0)):
                raise ActionError("A running VM cannot get more memory than its maximum; "
                                  "shut it down first.")
            await ctx.call(target, "VM.set_memory_dynamic_range", target.ref, value, value)
        return []


class SetTags(Action):
    id = "object.tags"
    label = "Edit Tags"
    classes = frozenset({"vm", "host", "sr", "network", "pool"})
    multi = False

    def check(self, target: Target) -> Availability:
        return YES if target.record() is not None else Availability(False, "The object is gone.")

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        answers = await ctx.ask(Form("Edit Tags", "Separate tags with commas.", (
            Field("tags", "Tags", default=", ".join(record.get("tags", ()))),), ok_label="Apply"))
        if answers is None:
            return []
        raw = answers["tags"]
        items = raw if isinstance(raw, list) else str(raw).split(",")
        tags = sorted({t.strip() for t in items if t.strip()})
        cls = {"vm": "VM", "sr": "SR"}.get(target.cls, target.cls)
        await ctx.call(target, f"{cls}.set_tags", target.ref, tags)
        return []


class SetFolder(Action):
    """XenCenter keeps an object's folder in other_config["folder"] ("/a/b")."""

    id = "object.folder"
    label = "Move to Folder"
    classes = frozenset({"vm", "host", "sr", "network", "pool"})

    def check(self, target: Target) -> Availability:
        return YES if target.record() is not None else Availability(False, "The object is gone.")

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        first = first_runnable(self, targets).record() or {}
        chosen = runnable_or_raise(self, targets)
        answers = await ctx.ask(Form("Move to Folder", "A path like /Production/Web; empty "
                                     "takes the objects out of their folder.", (
            Field("folder", "Folder", default=first.get("other_config", {}).get("folder", "")),),
            ok_label="Move"))
        if answers is None:
            return []
        folder = normalize_folder(str(answers["folder"]))
        for target in chosen:
            cls = {"vm": "VM", "sr": "SR"}.get(target.cls, target.cls)
            await ctx.call(target, f"{cls}.remove_from_other_config", target.ref, "folder")
            if folder:
                await ctx.call(target, f"{cls}.add_to_other_config", target.ref, "folder", folder)
        return []


def normalize_folder(text: str) -> str:
    parts = [p.strip() for p in text.strip().split("/") if p.strip()]
    return "/" + "/".join(parts) if parts else ""


START_ON = register(StartOn())
SUSPEND_OR_RESUME = register(SuspendOrResume())
DELETE_VM = register(DeleteVm())
RENAME = register(Rename())
SET_VCPUS = register(SetVcpus())
SET_MEMORY = register(SetMemory())
SET_TAGS = register(SetTags())
SET_FOLDER = register(SetFolder())
