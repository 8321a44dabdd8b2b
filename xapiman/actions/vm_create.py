"""New VM: create one VM, or many at once, from a template, the way XAPI means it.

Each VM is one `StepTask` whose steps are XAPI's recipe: clone the template (a full copy when
its own disks go to another SR), name it, set its disks' recipe, memory and vCPUs, provision
the disks, resize or add disks, make its network interfaces, set the install media and boot
order, its home server, and start it. A failure or a cancel part-way removes the VM and the
disks made for it, or says exactly what is left. Several VMs run as a `Batch` (a few at a
time), each on the host `placement` gives it, ending with a summary.

The desktop app gets the plan from the New VM wizard (the prompter's `edit`); the command line
passes it in the context's answers under "plan".
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable
from xapiman.actions.placement import HostRating, measured_loads
from xapiman.actions.sizes import format_size
from xapiman.actions.steps import (
    Batch,
    Cancelled,
    StepError,
    StepRunner,
    StepTask,
    announce,
    cancelled_error,
    reason_of,
)
from xapiman.actions.templates import Template, TemplateDisk, provision_xml, template, templates
from xapiman.actions.vm_plan import NewVmPlan, review, sr_host
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError, XapiError
from xapiman.xapi.refs import NULL_REF

PARALLEL = 4  # VMs of a batch made at the same time
CD_DEVICE = "3"  # where XenCenter puts the DVD drive


@dataclass
class Made:
    """What a creation made so far, to remove on failure (refs with their names)."""

    vm: str = NULL_REF
    vm_name: str = ""
    vdis: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OneVm:
    """One VM of a plan: its name and where it goes (the home server to set, the host to
    start it on)."""

    name: str
    affinity: str
    start_on: str


def _host_name(cache, ref: str) -> str:
    return str((cache.record("host", ref) or {}).get("name_label", ref))


def plan_vms(cache, plan: NewVmPlan, ratings: list[HostRating | None]) -> list[OneVm]:
    """Name, home server and start host of each VM of the plan."""
    local = {sr_host(cache, d.sr) for d in plan.disks} - {NULL_REF}
    fixed = plan.host if plan.host != NULL_REF else (local.pop() if len(local) == 1 else NULL_REF)
    out = []
    for name, rating in zip(plan.names(), ratings, strict=False):
        where = rating.ref if rating is not None and rating.suitable else NULL_REF
        out.append(OneVm(name, fixed, fixed if fixed != NULL_REF else where))
    return out


class VmBuilder:
    """The steps that make one VM of a plan (run in a StepTask's worker)."""

    def __init__(self, conn, plan: NewVmPlan, info: Template, one: OneVm) -> None:
        self.conn = conn
        self.plan = plan
        self.info = info
        self.one = one
        self.made = Made(vm_name=one.name)

    def __call__(self, run: StepRunner) -> object:
        total = 10 if self.plan.start else 9
        step_no = 0

        def step(text: str) -> None:
            nonlocal step_no
            run.step(text, step_no / total)
            step_no += 1

        try:
            self._build(run, step)
        except BaseException as exc:
            self._undo(run, exc)
            raise  # unreachable: _undo raises
        if self.plan.start:
            step(translate("NewVm", "Starting '{name}'").format(name=self.one.name))
            try:
                if self.one.start_on != NULL_REF:
                    run.run("VM.start_on", self.made.vm, self.one.start_on, False, False)
                else:
                    run.run("VM.start", self.made.vm, False, False)
            except (XapiClientError, Cancelled) as exc:
                if isinstance(exc, Cancelled) or cancelled_error(exc):
                    why = translate("NewVm", "the start was cancelled")
                else:
                    why = reason_of(exc)
                raise StepError(translate(
                    "NewVm", "'{name}' was created but not started: {why} It is kept, shut "
                    "down.").format(name=self.one.name, why=why),
                    **_codes(exc), step=run.task.detail,
                    left=[translate("NewVm", "the VM '{name}'").format(name=self.one.name)]
                ) from exc
            where = _host_name(self.conn.cache, self.one.start_on) \
                if self.one.start_on != NULL_REF else ""
            run.outcome(translate("NewVm", "Created and started '{name}' on {host}")
                        .format(name=self.one.name, host=where) if where else
                        translate("NewVm", "Created and started '{name}'").format(
                            name=self.one.name))
        else:
            run.outcome(translate("NewVm", "Created '{name}'").format(name=self.one.name))
        return self.made.vm

    # -- the recipe ------------------------------------------------------------------------------

    def _build(self, run: StepRunner, step) -> None:
        plan, info, name = self.plan, self.info, self.one.name
        own = [d for d in plan.disks if d.device and _source(info, d.device) is not None
               and _source(info, d.device).vdi is not None]  # type: ignore[union-attr]
        copy_to = next((d.sr for d in own if d.sr != _source(info, d.device).sr), None)  # type: ignore[union-attr]
        if copy_to is not None:
            step(translate("NewVm", "Copying the template '{template}' to the new SR").format(
                template=info.name))
            self.made.vm = str(run.run("VM.copy", plan.template, name, copy_to))
        else:
            step(translate("NewVm", "Cloning the template '{template}'").format(
                template=info.name))
            self.made.vm = str(run.run("VM.clone", plan.template, name))
        vm = self.made.vm
        self._note_disks(run)
        step(translate("NewVm", "Naming '{name}' and setting its disks").format(name=name))
        run.call("VM.set_name_description", vm, plan.description)
        recipe = [(d, next((p.size for p in plan.disks if p.device == d.device), d.size),
                   next((p.sr for p in plan.disks if p.device == d.device), d.sr))
                  for d in info.disks if d.vdi is None]
        kept = [(d, size, sr) for d, size, sr in recipe
                if any(p.device == d.device for p in plan.disks)]
        run.call("VM.remove_from_other_config", vm, "disks")
        if kept:
            uuids = {sr: str((self.conn.cache.record("SR", sr) or {}).get("uuid", ""))
                     for _d, _s, sr in kept}
            run.call("VM.add_to_other_config", vm, "disks",
                     provision_xml([(d, size, uuids[sr]) for d, size, sr in kept]))
        step(translate("NewVm", "Setting memory ({memory}) and vCPUs ({vcpus})").format(
            memory=format_size(plan.memory), vcpus=plan.vcpus))
        static_min = min(info.memory_min, plan.memory) if info.memory_min else plan.memory
        memory = str(plan.memory)
        run.call("VM.set_memory_limits", vm, str(static_min), memory, memory, memory)
        record = run.call("VM.get_record", vm)
        if plan.vcpus >= int(record.get("VCPUs_max", 1)):
            run.call("VM.set_VCPUs_max", vm, str(plan.vcpus))
            run.call("VM.set_VCPUs_at_startup", vm, str(plan.vcpus))
        else:
            run.call("VM.set_VCPUs_at_startup", vm, str(plan.vcpus))
            run.call("VM.set_VCPUs_max", vm, str(plan.vcpus))
        run.call("VM.remove_from_platform", vm, "cores-per-socket")
        if plan.cores_per_socket > 1:
            run.call("VM.add_to_platform", vm, "cores-per-socket", str(plan.cores_per_socket))
        step(translate("NewVm", "Provisioning the disks of '{name}'").format(name=name))
        run.run("VM.provision", vm)
        self._note_disks(run)
        step(translate("NewVm", "Sizing and adding disks"))
        self._size_and_add_disks(run)
        step(translate("NewVm", "Making the network interfaces"))
        self._make_vifs(run)
        step(translate("NewVm", "Setting the installation media"))
        self._install_media(run)
        step(translate("NewVm", "Setting the home server"))
        run.call("VM.set_affinity", vm, self.one.affinity)

    def _size_and_add_disks(self, run: StepRunner) -> None:
        vm, plan = self.made.vm, self.plan
        vbds = {}
        for vbd_ref in run.call("VM.get_VBDs", vm):
            rec = run.call("VBD.get_record", vbd_ref)
            if rec["type"] == "Disk":
                vbds[str(rec["userdevice"])] = dict(rec, ref=vbd_ref)
        wanted = {d.device for d in plan.disks if d.device}
        for device, rec in list(vbds.items()):  # template disks the user removed
            if device not in wanted:
                run.call("VBD.destroy", rec["ref"])
                run.call("VDI.destroy", rec["VDI"])
                self.made.vdis.pop(rec["VDI"], None)
                del vbds[device]
        for disk in plan.disks:
            if disk.device and disk.device in vbds:
                vdi = vbds[disk.device]["VDI"]
                if int(run.call("VDI.get_virtual_size", vdi)) < disk.size:
                    run.call("VDI.resize", vdi, str(disk.size))
        taken = set(vbds) | {CD_DEVICE}
        number = 0
        for disk in plan.disks:
            if disk.device:
                continue
            number += 1
            run.check()
            vdi = str(run.call("VDI.create", {
                "name_label": translate("NewVm", "{vm} disk {n}").format(vm=self.one.name,
                                                                          n=number),
                "name_description": translate("NewVm", "Created with the VM"),
                "SR": disk.sr, "virtual_size": str(disk.size), "type": "user",
                "sharable": False, "read_only": False, "other_config": {}}))
            self.made.vdis[vdi] = translate("NewVm", "disk {n}").format(n=number)
            device = next(str(n) for n in range(256) if str(n) not in taken)
            taken.add(device)
            run.call("VBD.create", {
                "VM": vm, "VDI": vdi, "userdevice": device, "bootable": False, "mode": "RW",
                "type": "Disk", "empty": False, "other_config": {},
                "qos_algorithm_type": "", "qos_algorithm_params": {}})

    def _make_vifs(self, run: StepRunner) -> None:
        vm = self.made.vm
        for vif in run.call("VM.get_VIFs", vm):
            run.call("VIF.destroy", vif)
        for device, vif in enumerate(self.plan.vifs):
            mtu = (self.conn.cache.record("network", vif.network) or {}).get("MTU", 1500)
            run.call("VIF.create", {
                "device": str(device), "network": vif.network, "VM": vm,
                "MAC": vif.mac.strip().lower(), "MTU": str(mtu or 1500), "other_config": {},
                "qos_algorithm_type": "", "qos_algorithm_params": {}})

    def _install_media(self, run: StepRunner) -> None:
        vm, media = self.made.vm, self.plan.install
        drives = []
        devices = set()
        for vbd_ref in run.call("VM.get_VBDs", vm):
            rec = run.call("VBD.get_record", vbd_ref)
            devices.add(str(rec["userdevice"]))
            if rec["type"] == "CD":
                drives.append((vbd_ref, rec))
        disc = media.vdi if media.kind in ("iso", "dvd") else NULL_REF
        if drives:
            vbd, rec = drives[0]
            if not rec["empty"]:
                run.call("VBD.eject", vbd)
            if disc != NULL_REF:
                run.call("VBD.insert", vbd, disc)
        else:
            device = CD_DEVICE if CD_DEVICE not in devices else next(
                str(n) for n in range(256) if str(n) not in devices)
            run.call("VBD.create", {
                "VM": vm, "VDI": disc, "userdevice": device, "bootable": disc != NULL_REF,
                "mode": "RO", "type": "CD", "empty": disc == NULL_REF, "other_config": {},
                "qos_algorithm_type": "", "qos_algorithm_params": {}})
        if media.kind == "url":
            run.call("VM.remove_from_other_config", vm, "install-repository")
            run.call("VM.add_to_other_config", vm, "install-repository", media.url.strip())
        if self.info.hvm:
            order = {"pxe": "ncd", "none": "cdn" if self.info.needs_media else "dcn"}.get(
                media.kind, "cdn")
            params = dict(run.call("VM.get_HVM_boot_params", vm) or {})
            params["order"] = order
            run.call("VM.set_HVM_boot_params", vm, params)

    def _note_disks(self, run: StepRunner) -> None:
        """Remember the VM's disks as made by this creation (they go if it fails)."""
        for vbd_ref in run.call("VM.get_VBDs", self.made.vm):
            rec = run.call("VBD.get_record", vbd_ref)
            if rec["type"] == "Disk" and rec["VDI"] != NULL_REF:
                self.made.vdis.setdefault(rec["VDI"], translate("NewVm", "disk {device}").format(
                    device=rec["userdevice"]))

    # -- failure -------------------------------------------------------------------------------

    def _undo(self, run: StepRunner, exc: BaseException) -> None:
        """Remove what was made and raise a StepError saying what happened and what is left."""
        at = run.task.detail
        name = self.one.name
        cancelled = isinstance(exc, Cancelled) or cancelled_error(exc)
        left: list[str] = []
        if self.made.vm != NULL_REF:
            try:
                self._note_disks(run)
            except XapiClientError:
                pass
            run.task._set(detail=translate("NewVm", "Removing what was made for '{name}'")
                          .format(name=name))
            try:
                self.conn.call("VM.destroy", self.made.vm)
            except XapiClientError as error:
                if not _gone(error):
                    left.append(translate("NewVm", "the VM '{name}' ({why})").format(
                        name=name, why=reason_of(error)))
            for vdi, label in self.made.vdis.items():
                try:
                    self.conn.call("VDI.destroy", vdi)
                except XapiClientError as error:
                    if not _gone(error):
                        left.append(translate("NewVm", "{disk} of '{name}' ({why})").format(
                            disk=label, name=name, why=reason_of(error)))
        if cancelled:
            text = translate("NewVm", "Creating '{name}' was cancelled at: {step}.").format(
                name=name, step=at)
        elif isinstance(exc, XapiClientError | StepError):
            text = translate("NewVm", "Creating '{name}' failed at: {step}. {why}").format(
                name=name, step=at, why=reason_of(exc))
        else:
            text = translate("NewVm", "Creating '{name}' failed at: {step}. {why}").format(
                name=name, step=at, why=f"{type(exc).__name__}: {exc}")
        if left:
            text += " " + translate("NewVm", "Left on the server: {left}.").format(
                left="; ".join(left))
        elif self.made.vm != NULL_REF:
            text += " " + translate("NewVm", "Everything made for it was removed.")
        raise StepError(text, **_codes(exc), step=at, left=left) from (
            None if isinstance(exc, Cancelled) else exc)


def _source(info: Template, device: str) -> TemplateDisk | None:
    return next((d for d in info.disks if d.device == device), None)


def _gone(error: XapiClientError) -> bool:
    return isinstance(error, XapiError) and error.code == "HANDLE_INVALID"


def _codes(exc: BaseException) -> dict:
    if isinstance(exc, XapiError):
        return {"code": exc.code, "params": exc.params}
    if isinstance(exc, StepError):
        return {"code": exc.code, "params": exc.params}
    if isinstance(exc, Cancelled):
        return {"code": "TASK_CANCELLED"}
    return {"code": type(exc).__name__}


def batch_summary(ok: list[StepTask], failed: list[StepTask],
                  cancelled: list[StepTask]) -> str:
    total = len(ok) + len(failed) + len(cancelled)
    text = translate("NewVm", "{ok} of {total} VMs created").format(ok=len(ok), total=total)
    if failed:
        text += "; " + translate("NewVm", "{n} failed: {first}").format(
            n=len(failed), first=failed[0].error)
    if cancelled:
        text += "; " + translate("NewVm", "{n} cancelled").format(n=len(cancelled))
    return text + "."


def create(ctx: ActionContext, target: Target, plan: NewVmPlan,
           load: dict[str, float] | None = None) -> list[Started]:
    """Start making the VMs of a checked plan: one task each, and a batch task for several.

    Raises:
        ActionError: the plan has problems (all of them, one per line).
    """
    cache = target.conn.cache
    result = review(cache, plan, load=load)
    if not result.ok:
        raise ActionError("\n".join(result.errors()))
    info = template(cache, plan.template)
    assert info is not None
    gate = threading.Semaphore(PARALLEL) if plan.count > 1 else None
    tasks = []
    for one in plan_vms(cache, plan, result.homes):
        builder = VmBuilder(target.conn, plan.copy(), info, one)
        waiting = translate("NewVm", "Waiting for its turn") if gate else ""
        tasks.append((one, StepTask(target.conn, "VM.new", builder, reveal=plan.count == 1,
                                    gate=gate, waiting=waiting)))
    out = [announce(ctx, translate("NewVm", "New VM '{name}'").format(name=one.name), target,
                    task) for one, task in tasks]
    if plan.count > 1:
        batch = Batch(target.conn, "VM.new batch", [t for _o, t in tasks], batch_summary)
        out.insert(0, announce(ctx, translate(
            "NewVm", "New VMs {first} … {last} from '{template}'").format(
                first=tasks[0][0].name, last=tasks[-1][0].name, template=info.name),
            target, batch))
        batch.start()
    for _one, task in tasks:
        task.start()
    return out


class NewVm(Action):
    """New VM: the wizard in the app, `vm new` on the command line."""

    id = "vm.new"
    label = translate("Actions", "New VM…")
    icon = "new-vm"
    shortcut = "Ctrl+N"
    classes = frozenset({"pool", "host", "vm", "sr", "network"})
    multi = True  # whatever is selected, the first object's pool is the one

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if not templates(target.conn.cache):
            return Availability(False, translate("Actions", "The pool has no templates."))
        return YES

    def draft(self, target: Target) -> NewVmPlan:
        """The plan the wizard starts from: the selected template (or the first one), the
        selected host as home server."""
        cache = target.conn.cache
        record = target.record() or {}
        chosen = target.ref if target.cls == "vm" and template(cache, target.ref) else None
        if chosen is None:
            listed = templates(cache)
            chosen = next((t.ref for t in listed if t.default), listed[0].ref)
        host = target.ref if target.cls == "host" else NULL_REF
        plan = NewVmPlan.for_template(cache, chosen, host=host)
        if target.cls == "vm" and not record.get("is_a_template"):
            plan.host = record.get("affinity", NULL_REF) if record.get("affinity") else NULL_REF
        return plan

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        plan = ctx.answers.get("plan")
        if not isinstance(plan, NewVmPlan):
            edited = await ctx.prompter.edit(self.draft(target), target)
            if edited is None:
                return []
            plan = edited
        return create(ctx, target, plan, load=measured_loads(target.conn))


NEW_VM = register(NewVm())
