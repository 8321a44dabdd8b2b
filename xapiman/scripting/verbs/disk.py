"""`xapiman-cli disk ...`: list virtual disks; make, resize, rename, delete, attach, detach and
move them; import and export disk images."""

from __future__ import annotations

import argparse
import json

from xapiman.actions import Target
from xapiman.actions.disk_facts import disk_uses
from xapiman.actions.sizes import as_int, format_size
from xapiman.actions.vdi_image import DiskExportPlan, DiskImportPlan
from xapiman.actions.vm_plan import pool_default_sr
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.act import act, task_options, uuid_of
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import printable
from xapiman.scripting.tree import CommandTree
from xapiman.scripting.verbs.placement import size
from xapiman.xapi.refs import NULL_REF


def register(tree: CommandTree) -> None:
    group = tree.group("disk", translate("Cli", "virtual disks (VDIs)"))
    listing = tree.verb(group, "list", translate("Cli", "name, uuid, size, use, SR, VMs"),
                        disk_list)
    listing.add_argument("--sr", default="", help=translate("Cli", "only this SR's disks"))
    listing.add_argument("--vm", default="", help=translate("Cli", "only this VM's disks"))
    listing.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    new = tree.verb(group, "new", translate("Cli", "make an empty disk (and attach it to a VM)"),
                    disk_new)
    new.add_argument("--name", required=True)
    new.add_argument("--size", required=True, type=size, help=translate("Cli", "such as 10GiB"))
    new.add_argument("--sr", default="", help=translate("Cli", "the SR (default: the pool's)"))
    new.add_argument("--description", default="")
    new.add_argument("--vm", default="", help=translate("Cli", "attach it to this VM"))
    task_options(new, destructive=False)
    resize = _disk_verb(tree, group, "resize", translate("Cli", "grow a disk"))
    resize.add_argument("--size", required=True, type=size)
    rename = _disk_verb(tree, group, "rename", translate("Cli", "rename a disk"))
    rename.add_argument("--name", required=True)
    rename.add_argument("--description", default=None)
    _disk_verb(tree, group, "delete", translate("Cli", "delete disks and their data"),
               several=True)
    attach = _disk_verb(tree, group, "attach", translate("Cli", "attach a disk to a VM"))
    attach.add_argument("--vm", required=True)
    attach.add_argument("--position", default="auto")
    attach.add_argument("--read-only", action="store_true")
    attach.add_argument("--bootable", action="store_true")
    detach = _disk_verb(tree, group, "detach", translate("Cli", "detach a disk from a VM"))
    detach.add_argument("--vm", required=True)
    move = _disk_verb(tree, group, "move", translate(
        "Cli", "move a disk to another SR (live while its VM runs)"))
    move.add_argument("--sr", required=True)
    imp = tree.verb(group, "import", translate(
        "Cli", "upload a raw or VHD image into a new disk"), disk_import)
    imp.add_argument("file", metavar="FILE", help=translate("Cli", "a raw or VHD image"))
    imp.add_argument("--sr", default="", help=translate("Cli", "the SR (default: the pool's)"))
    imp.add_argument("--name", default="", help=translate("Cli", "default: the file's name"))
    imp.add_argument("--description", default="")
    task_options(imp, destructive=False)
    exp = _disk_verb(tree, group, "export", translate(
        "Cli", "write a disk into an image file (.vhd: VHD, else raw)"))
    exp.add_argument("--output", required=True, metavar="FILE")


def _disk_verb(tree: CommandTree, group, name: str, text: str, *,
               several: bool = False) -> argparse.ArgumentParser:
    p = tree.verb(group, name, text, disk_operation)
    if several:
        p.add_argument("disks", metavar="DISK", nargs="+",
                       help=translate("Cli", "the disks' names or uuids"))
    else:
        p.add_argument("disk", metavar="DISK", help=translate("Cli", "the disk's name or uuid"))
    task_options(p)
    return p


def disk_rows(cache, sr: str = "", vm: str = "") -> list[dict]:
    rows = []
    for ref, rec in cache.records("VDI").items():
        if sr and rec.get("SR") != sr:
            continue
        uses = disk_uses(cache, ref)
        if vm and all(u.vm != vm for u in uses):
            continue
        sr_rec = cache.record("SR", rec.get("SR", NULL_REF)) or {}
        rows.append({
            "name": rec.get("name_label", ""), "uuid": rec.get("uuid", ""),
            "size": as_int(rec.get("virtual_size")),
            "used": as_int(rec.get("physical_utilisation")),
            "sr": sr_rec.get("name_label", ""), "snapshot": bool(rec.get("is_a_snapshot")),
            "vms": sorted({u.vm_name for u in uses}),
        })
    return sorted(rows, key=lambda r: (str(r["name"]).casefold(), r["uuid"]))


def disk_list(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    sr = resolve.find(cache, "sr", args.sr, what="SR") if args.sr else ""
    vm = resolve.find(cache, "vm", args.vm, what="VM") if args.vm else ""
    rows = disk_rows(cache, sr, vm)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'NAME':<28} {'UUID':<36} {'SIZE':>9} {'USED':>9} {'SR':<24} VMS")
    for r in rows:
        print(f"{printable(r['name'])[:28]:<28} {printable(r['uuid']):<36} "
              f"{format_size(r['size']):>9} {format_size(r['used']):>9} "
              f"{printable(r['sr'])[:24]:<24} {printable(', '.join(r['vms']))}")
    return 0


def _sr_or_default(cache, text: str) -> str:
    if text:
        return resolve.find(cache, "sr", text, what="SR")
    default = pool_default_sr(cache)
    if default == NULL_REF:
        raise CliError(translate("Cli", "the pool has no default SR: give --sr"))
    return default


def disk_new(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    sr = _sr_or_default(cache, args.sr)
    target = Target(conn, "vm", resolve.find(cache, "vm", args.vm, what="VM")) if args.vm \
        else Target(conn, "sr", sr)
    answers = {"name": args.name, "description": args.description,
               "size": str(args.size) + "B", "sr": sr}
    for result in act(args, "vdi.new", [target], answers):
        print(uuid_of(cache, "VDI", result))
    return 0


def disk_import(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    sr = _sr_or_default(cache, args.sr)
    plan = DiskImportPlan(args.file, sr, args.name, args.description)
    for result in act(args, "vdi.import", [Target(conn, "sr", sr)], {"plan": plan}):
        print(uuid_of(cache, "VDI", result))
    return 0


def disk_operation(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    verb = args.disk_command
    if verb == "delete":
        targets = [Target(conn, "vdi", resolve.find(cache, "vdi", d, what="disk"))
                   for d in args.disks]
        act(args, "vdi.delete", targets)
        return 0
    target = Target(conn, "vdi", resolve.find(cache, "vdi", args.disk, what="disk"))
    if verb == "resize":
        act(args, "vdi.resize", [target], {"size": str(args.size) + "B"})
    elif verb == "rename":
        description = args.description if args.description is not None else \
            str((target.record() or {}).get("name_description", ""))
        act(args, "object.rename", [target], {"name": args.name, "description": description},
            immediate=True)
    elif verb == "attach":
        vm = resolve.find(cache, "vm", args.vm, what="VM")
        act(args, "vdi.attach", [target], {"vm": vm, "position": args.position,
                                            "read_only": args.read_only,
                                            "bootable": args.bootable})
    elif verb == "detach":
        vm = resolve.find(cache, "vm", args.vm, what="VM")
        act(args, "vdi.detach", [target], {"vm": vm})
    elif verb == "move":
        sr = resolve.find(cache, "sr", args.sr, what="SR")
        for result in act(args, "vdi.move", [target], {"sr": sr}):
            print(uuid_of(cache, "VDI", result))
    elif verb == "export":
        for result in act(args, "vdi.export", [target], {"plan": DiskExportPlan(args.output)}):
            print(printable(result))
    return 0
