"""Disk images: import a raw or VHD image file into a new disk of an SR, export a disk into an
image file. Each is a task with progress and cancel, following a server task made with
`task.create` (its progress and its error are the ones shown).

Import checks the file first (a VHD's footer, the disk size it holds), makes a disk of that
size, uploads into it, and deletes the disk again when the upload fails or is cancelled.
Export writes raw bytes, or a VHD for a file named .vhd, into a file that appears only when
complete; replacing a file asks first. The desktop app gets the plans from its dialogs (the
prompter's `edit`); the command line passes them under "plan".
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable
from xapiman.actions.disk_facts import live_users
from xapiman.actions.sizes import as_int, format_size
from xapiman.actions.steps import Cancelled, StepError, StepRunner, StepTask, announce
from xapiman.actions.vdi import disk_state
from xapiman.actions.vm_plan import is_disk_sr, sr_attached
from xapiman.actions.vm_xva import _failure, _server_task, _settle, _target_exists, _wait_server
from xapiman.i18n import translate
from xapiman.xapi.disk_image import (
    ImageError,
    ImageInfo,
    download_image,
    format_for,
    inspect_image,
    upload_image,
)
from xapiman.xapi.errors import XapiClientError
from xapiman.xapi.refs import NULL_REF
from xapiman.xapi.xva import Transfer


@dataclass
class DiskImportPlan:
    """An image file to upload into a new disk of `sr`, named `name` (default: the file's)."""

    path: str = ""
    sr: str = NULL_REF
    name: str = ""
    description: str = ""


@dataclass
class DiskExportPlan:
    """The file a disk goes into; its name says the format (.vhd: VHD, else raw)."""

    path: str = ""


class ImportDisk(Action):
    id = "vdi.import"
    label = "Import Disk Image…"
    classes = frozenset({"sr"})
    multi = False

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if not is_disk_sr(record):
            return Availability(False, translate("Disks", "This SR holds ISO images or "
                                                          "devices, not virtual disks."))
        if not sr_attached(target.conn.cache, target.ref):
            return Availability(False, translate("Disks", "The SR is not connected to any "
                                                          "server."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        plan = ctx.answers.get("plan")
        if not isinstance(plan, DiskImportPlan):
            edited = await ctx.prompter.edit(DiskImportPlan(sr=target.ref), target)
            if edited is None:
                return []
            plan = edited
        path = Path(plan.path).expanduser()
        try:
            info = await asyncio.to_thread(inspect_image, path)
        except ImageError as exc:
            raise ActionError(str(exc)) from None
        except OSError as exc:
            raise ActionError(translate("DiskImage", "Cannot read {file}: {why}").format(
                file=path, why=exc.strerror or exc)) from None
        cache = target.conn.cache
        sr = cache.record("SR", plan.sr)
        if sr is None or not is_disk_sr(sr) or not sr_attached(cache, plan.sr):
            raise ActionError(translate("DiskImage", "Choose a connected SR for the disk."))
        free = as_int(sr.get("physical_size")) - as_int(sr.get("physical_utilisation"))
        if info.virtual_size > free > 0 and sr.get("sm_config", {}).get("allocation") == "thick":
            raise ActionError(translate("DiskImage", "The SR has {free} free; the disk needs "
                                        "{size}.").format(free=format_size(free),
                                                          size=format_size(info.virtual_size)))
        name = plan.name.strip() or path.stem
        task = StepTask(target.conn, "VDI.import", lambda run: _import(
            run, path, info, plan.sr, name, plan.description))
        started = announce(ctx, translate("DiskImage", "Import {file} into '{sr}'").format(
            file=path.name, sr=sr.get("name_label", "")), target, task)
        task.start()
        return [started]


def _import(run: StepRunner, path: Path, info: ImageInfo, sr: str, name: str,
            description: str) -> str:
    what = translate("DiskImage", "Importing {file}").format(file=path.name)
    run.step(translate("DiskImage", "Making a {size} disk").format(
        size=format_size(info.virtual_size)), 0.0)
    try:
        vdi = str(run.call("VDI.create", {
            "name_label": name, "name_description": description, "SR": sr,
            "virtual_size": str(info.virtual_size), "type": "user", "sharable": False,
            "read_only": False, "other_config": {}, "xenstore_data": {}, "sm_config": {},
            "tags": []}))
    except XapiClientError as exc:
        raise _failure(what, run, exc) from exc
    handle = _server_task(run, translate("DiskImage", "Import of {file}").format(
        file=path.name), str(path))
    transfer = Transfer(run.conn)
    run.task.on_cancel(transfer.cancel)

    def moved(count: int) -> None:
        run.task._set(progress=0.95 * count / max(info.file_size, 1), detail=translate(
            "DiskImage", "Uploading: {done} of {size}").format(
            done=format_size(count), size=format_size(info.file_size)))

    try:
        upload_image(run.conn, path, vdi=vdi, fmt=info.format, task=handle.ref,
                     on_bytes=moved, transfer=transfer)
        run.step(translate("DiskImage", "Waiting for the server to write the disk"), 0.95)
        _wait_server(run, handle, transfer)
    except (XapiClientError, OSError, Cancelled, StepError) as exc:
        _settle(handle, run)
        error = _failure(what, run, exc, handle)
        try:
            run.call("VDI.destroy", vdi)
        except XapiClientError:
            error.left = (translate("DiskImage", "the new disk '{name}'").format(name=name),)
        raise error from exc
    run.wait_cached("VDI", [vdi])
    run.task._set(detail=translate("DiskImage", "Imported {file} into the disk '{name}'.").format(
        file=path.name, name=name))
    return vdi


class ExportDisk(Action):
    id = "vdi.export"
    label = "Export Disk Image…"
    classes = frozenset({"vdi"})
    multi = False

    def check(self, target: Target) -> Availability:
        state = disk_state(target)
        if not state:
            return state
        users = live_users(target.conn.cache, target.ref)
        if users:
            return Availability(False, translate("Disks", "Running VMs use it: {vms}; shut "
                                                          "them down first so that the image "
                                                          "is consistent.").format(
                vms=", ".join(users)))
        record = target.record() or {}
        if not sr_attached(target.conn.cache, str(record.get("SR", NULL_REF))):
            return Availability(False, translate("Disks", "Its SR is not connected to any "
                                                          "server."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        plan = ctx.answers.get("plan")
        if not isinstance(plan, DiskExportPlan):
            edited = await ctx.prompter.edit(DiskExportPlan(f"{target.name()}.vhd"), target)
            if edited is None:
                return []
            plan = edited
        if not plan.path:
            raise ActionError(translate("DiskImage", "Choose a file to export to."))
        path = Path(plan.path).expanduser()
        if await asyncio.to_thread(_target_exists, path) and not await ctx.prompter.confirm(
                translate("DiskImage", "Export Disk Image"),
                translate("DiskImage", "{file} exists already. Replace it?").format(file=path),
                destroys=(translate("DiskImage", "the file {file}").format(file=path),),
                ok_label=translate("DiskImage", "Replace"), danger=True):
            return []
        size = as_int((target.record() or {}).get("virtual_size"))
        name = target.name()
        task = StepTask(target.conn, "VDI.export", lambda run: _export(
            run, target.ref, name, path, size))
        started = announce(ctx, translate("DiskImage", "Export '{name}' to {file}").format(
            name=name, file=path.name), target, task)
        task.start()
        return [started]


def _export(run: StepRunner, vdi: str, name: str, path: Path, size: int) -> str:
    what = translate("DiskImage", "Exporting '{name}'").format(name=name)
    fmt = format_for(path)
    run.step(translate("DiskImage", "Starting the export"), 0.0)
    handle = _server_task(run, translate("DiskImage", "Export of {name}").format(name=name),
                          str(path))
    transfer = Transfer(run.conn)
    run.task.on_cancel(transfer.cancel)
    expected = size if fmt == "raw" else 0

    def moved(count: int) -> None:
        fraction = count / expected if expected else handle.progress
        run.task._set(progress=0.98 * min(fraction, 1.0), detail=translate(
            "DiskImage", "Exporting: {size} written").format(size=format_size(count)))

    renamed = False
    try:
        written = download_image(run.conn, vdi, path, fmt=fmt, size=size, task=handle.ref,
                                 on_bytes=moved, transfer=transfer)
        renamed = True
        run.step(translate("DiskImage", "Waiting for the server to finish"), 0.98)
        _wait_server(run, handle, transfer)
    except (XapiClientError, OSError, Cancelled, StepError) as exc:
        _settle(handle, run)
        if renamed:
            path.unlink(missing_ok=True)
        raise _failure(what, run, exc, handle) from exc
    run.task._set(detail=translate("DiskImage", "Exported '{name}': {size} in {file}").format(
        name=name, size=format_size(written), file=path))
    return str(path)


IMPORT_DISK = register(ImportDisk())
EXPORT_DISK = register(ExportDisk())
