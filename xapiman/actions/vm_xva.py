"""Export a VM to an XVA file and import one: each a task with its steps, progress and cancel.

Export streams a halted or suspended VM (or a template, or a snapshot) into a file that appears
under its name only when complete; import checks the file, uploads it into the chosen SR (to
the chosen host) and gives the new VM its home server. Both follow a server task created with
`task.create`, so the server's view of the transfer (its progress, its error) is the one shown.

The desktop app gets the plans from the export and import dialogs (the prompter's `edit`); the
command line passes them in the context's answers under "plan".
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xapiman.actions import reasons
from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable
from xapiman.actions.sizes import format_size
from xapiman.actions.steps import (
    Cancelled,
    StepError,
    StepRunner,
    StepTask,
    announce,
    cancelled_error,
    reason_of,
)
from xapiman.actions.vm_plan import is_disk_sr, pool_default_sr, sr_attached
from xapiman.i18n import translate
from xapiman.xapi.errors import HttpError, XapiClientError, XapiError
from xapiman.xapi.refs import NULL_REF
from xapiman.xapi.xva import Transfer, TransferCancelled, XvaError, check_xva, export_vm, import_xva

SERVER_WAIT = 600.0  # seconds to wait for the server's task once the bytes went through


@dataclass
class ExportPlan:
    """Where an export goes: the file, and whether the server compresses it (gzip)."""

    path: str = ""
    compress: bool = False


@dataclass
class ImportPlan:
    """What an import reads and where it puts the VM: the file, the SR of its disks and the
    host that receives it (and becomes its home server; NULL_REF: the coordinator, no home)."""

    path: str = ""
    sr: str = NULL_REF
    host: str = NULL_REF


def _server_task(run: StepRunner, label: str, description: str):
    """A task on the server for an HTTP transfer, followed through the events."""
    conn = run.conn
    ref = str(run.call("task.create", label, description))
    handle = conn.tasks.follow(ref, label, destroy=True)
    run.task._own(handle)
    return handle


def _wait_server(run: StepRunner, handle, transfer: Transfer) -> object:
    """The server task's result once it ended (cancelled with the StepTask)."""
    try:
        return handle.wait(SERVER_WAIT)
    except TimeoutError:
        raise StepError(translate("Xva", "The server did not finish the transfer within "
                                  "{s:g} s.").format(s=SERVER_WAIT)) from None


def _failure(what: str, run: StepRunner, exc: BaseException, handle=None) -> StepError:
    """The StepError of a failed or cancelled transfer: why it stopped here, and why the
    server says it failed (it knows what it could not read), the server's code for details."""
    if isinstance(exc, Cancelled | TransferCancelled) or cancelled_error(exc):
        return StepError(translate("Xva", "{what} was cancelled.").format(what=what),
                         code="TASK_CANCELLED", step=run.task.detail)
    server = handle.error if handle is not None and handle.done() else None
    if not isinstance(server, XapiError) or cancelled_error(server) or server is exc:
        server = None
    ours = None if isinstance(exc, HttpError) and server is not None else exc
    if ours is not None and server is not None:
        why = translate("Xva", "{ours}. The server says: {server}").format(
            ours=reason_of(ours).rstrip("."), server=server.sentence)
    else:
        why = reason_of(server or exc)
    cause = server or exc
    code = cause.code if isinstance(cause, XapiError) else type(cause).__name__
    params = cause.params if isinstance(cause, XapiError) else ()
    return StepError(translate("Xva", "{what} failed: {why}").format(what=what, why=why),
                     code=code, params=params, step=run.task.detail)


# -- export -----------------------------------------------------------------------------------


class ExportVm(Action):
    id = "vm.export"
    label = translate("Actions", "Export…")
    icon = "export"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return reasons.vm_operation(target.record(), "export", on_template=True,
                                    on_snapshot=True)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        plan = ctx.answers.get("plan")
        if not isinstance(plan, ExportPlan):
            name = target.name().replace("/", "-").strip() or "vm"
            edited = await ctx.prompter.edit(ExportPlan(f"{name}.xva"), target)
            if edited is None:
                return []
            plan = edited
        path = Path(plan.path).expanduser()
        if not plan.path:
            raise ActionError(translate("Xva", "Choose a file to export to."))
        if await asyncio.to_thread(_target_exists, path) and not await ctx.prompter.confirm(
                translate("Xva", "Export VM"),
                translate("Xva", "{file} exists already. Replace it?").format(file=path),
                destroys=(translate("Xva", "the file {file}").format(file=path),),
                ok_label=translate("Xva", "Replace"), danger=True):
            return []
        name = target.name()
        task = StepTask(target.conn, "VM.export", lambda run: _export(run, target.ref, name,
                                                                      path, plan.compress))
        started = announce(ctx, translate("Xva", "Export '{name}' to {file}").format(
            name=name, file=path.name), target, task)
        task.start()
        return [started]


def _target_exists(path: Path) -> bool:
    """Whether the export would replace a file (ActionError when it cannot go there)."""
    if path.is_dir():
        raise ActionError(translate("Xva", "{path} is a folder; choose a file.").format(
            path=path))
    if not path.parent.is_dir():
        raise ActionError(translate("Xva", "The folder {folder} does not exist.").format(
            folder=path.parent))
    return path.exists()


def _export(run: StepRunner, vm: str, name: str, path: Path, compress: bool) -> str:
    what = translate("Xva", "Exporting '{name}'").format(name=name)
    run.step(translate("Xva", "Starting the export"), 0.0)
    handle = _server_task(run, translate("Xva", "Export of {name}").format(name=name),
                          str(path))
    transfer = Transfer(run.conn)
    run.task.on_cancel(transfer.cancel)

    def moved(count: int) -> None:
        run.task._set(progress=handle.progress * 0.98, detail=translate(
            "Xva", "Exporting: {size} written").format(size=format_size(count)))

    # the server counts the disk bytes it went through (zeros are not sent)
    handle.add_listener(lambda server: run.task._set(progress=server.progress * 0.98))

    renamed = False
    try:
        written = export_vm(run.conn, vm, path, task=handle.ref, on_bytes=moved,
                            compress=compress, transfer=transfer)
        renamed = True
        run.step(translate("Xva", "Waiting for the server to finish"), 0.98)
        _wait_server(run, handle, transfer)
    except (XapiClientError, OSError, Cancelled, StepError) as exc:
        _settle(handle, run)
        if renamed:  # the server failed the export although the stream looked complete
            path.unlink(missing_ok=True)
        raise _failure(what, run, exc, handle) from exc
    run.outcome(translate("Xva", "Exported '{name}': {size} in {file}").format(
        name=name, size=format_size(written), file=path))
    return str(path)


SETTLE_WAIT = 10.0  # seconds a failed transfer's server task gets to end by itself


def _settle(handle, run: StepRunner) -> None:
    """After a failed transfer: let the server task end by itself (its error says why the
    server stopped), then cancel it if it still runs (or at once when the user cancelled)."""
    if not run.task.cancel_requested:
        try:
            handle.wait(SETTLE_WAIT)
        except Exception:  # noqa: BLE001 - any outcome will do: we only want it ended
            pass
    if not handle.done():
        try:
            handle.cancel()
        except XapiClientError:
            pass


# -- import -----------------------------------------------------------------------------------


def import_sr_choices(cache):
    """The SRs an import can put disks on (attached, not ISO), with their free space."""
    from xapiman.actions.vm_plan import sr_choices

    return sr_choices(cache)


class ImportVm(Action):
    id = "vm.import"
    label = translate("Actions", "Import…")
    icon = "import"
    classes = frozenset({"pool", "host", "sr", "vm", "network"})
    multi = True  # whatever is selected, the first object's pool is the one

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        return YES

    def draft(self, target: Target) -> ImportPlan:
        cache = target.conn.cache
        sr = target.ref if target.cls == "sr" and is_disk_sr(target.record() or {}) \
            else pool_default_sr(cache)
        host = target.ref if target.cls == "host" else NULL_REF
        return ImportPlan("", sr, host)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        plan = ctx.answers.get("plan")
        if not isinstance(plan, ImportPlan):
            edited = await ctx.prompter.edit(self.draft(target), target)
            if edited is None:
                return []
            plan = edited
        cache = target.conn.cache
        path = Path(plan.path).expanduser()
        try:
            await asyncio.to_thread(check_xva, path)
        except XvaError as exc:
            raise ActionError(str(exc)) from None
        except OSError as exc:
            raise ActionError(translate("Xva", "Cannot read {file}: {why}").format(
                file=path, why=exc.strerror or exc)) from None
        sr = cache.record("SR", plan.sr)
        if sr is None or not is_disk_sr(sr) or not sr_attached(cache, plan.sr):
            raise ActionError(translate("Xva", "Choose an attached SR for the VM's disks."))
        if plan.host != NULL_REF and cache.record("host", plan.host) is None:
            raise ActionError(translate("Xva", "The chosen server is not in this pool."))
        task = StepTask(target.conn, "VM.import",
                        lambda run: _import(run, path, plan.sr, plan.host), reveal=True)
        started = announce(ctx, translate("Xva", "Import {file}").format(file=path.name),
                           target, task)
        task.start()
        return [started]


def _import(run: StepRunner, path: Path, sr: str, host: str) -> list[str]:
    what = translate("Xva", "Importing {file}").format(file=path.name)
    run.step(translate("Xva", "Checking {file}").format(file=path.name), 0.0)
    size = path.stat().st_size
    handle = _server_task(run, translate("Xva", "Import of {file}").format(file=path.name),
                          str(path))
    transfer = Transfer(run.conn, run.conn.host_url(host) if host != NULL_REF else None)
    run.task.on_cancel(transfer.cancel)

    def moved(count: int) -> None:
        run.task._set(progress=0.9 * count / max(size, 1), detail=translate(
            "Xva", "Uploading: {done} of {size}").format(done=format_size(count),
                                                         size=format_size(size)))

    try:
        import_xva(run.conn, path, task=handle.ref, sr=sr, on_bytes=moved, transfer=transfer)
        run.step(translate("Xva", "Waiting for the server to create the VM"), 0.9)
        result = _wait_server(run, handle, transfer)
    except (XapiClientError, OSError, Cancelled, StepError) as exc:
        _settle(handle, run)
        raise _failure(what, run, exc, handle) from exc
    vms = [str(r) for r in (result if isinstance(result, list) else [result])
           if str(r).startswith("OpaqueRef:")]
    run.wait_cached("VM", vms)
    if host != NULL_REF:
        run.step(translate("Xva", "Setting the home server"), 0.98)
        for vm in vms:
            run.call("VM.set_affinity", vm, host)
    names = [str((run.conn.cache.record("VM", vm) or {}).get("name_label", vm)) for vm in vms]
    run.outcome(translate("Xva", "Imported {names}").format(
        names=", ".join(f"'{n}'" for n in names)))
    return vms


EXPORT_VM = register(ExportVm())
IMPORT_VM = register(ImportVm())
