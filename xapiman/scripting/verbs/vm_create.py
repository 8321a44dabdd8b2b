"""`xapiman-cli vm new`, `vm export` and `vm import`: the New VM, export and import actions."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.steps import StepTask
from xapiman.actions.templates import template
from xapiman.actions.vm_plan import (
    DiskPlan,
    InstallMedia,
    NewVmPlan,
    VifPlan,
    describe,
    dvd_choices,
    iso_choices,
    pool_default_sr,
    review,
)
from xapiman.actions.vm_xva import ExportPlan, ImportPlan
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import TerminalPrompter, follow, printable
from xapiman.scripting.tree import CommandTree
from xapiman.scripting.verbs.placement import count, load_option, measure_loads, size
from xapiman.xapi.refs import NULL_REF


def register(tree: CommandTree) -> None:
    group = tree.group("vm", "list and operate VMs")
    new = tree.verb(group, "new", "create VMs from a template (one, or --count of them)", vm_new)
    new.add_argument("--template", required=True, metavar="T", help="template name or uuid")
    new.add_argument("--name", required=True, metavar="N",
                     help="name; with --count a pattern where {n} counts from 1 (web-{n})")
    new.add_argument("--description", default="", metavar="TEXT")
    new.add_argument("--cpus", type=count, metavar="C", help="vCPUs (default: the template's)")
    new.add_argument("--cores-per-socket", type=count, default=1, metavar="K",
                     help="vCPU topology (default 1)")
    new.add_argument("--memory", type=size, metavar="SIZE",
                     help="memory, e.g. 4GiB (default: the template's)")
    new.add_argument("--disk", action="append", default=[], metavar="SIZE[@SR]",
                     help="the template's disks in order, then added ones: a size and "
                     "optionally the SR (name or uuid); repeat for more")
    new.add_argument("--network", action="append", default=[], metavar="NET[=MAC]",
                     help="an interface on this network (instead of the template's), with an "
                     "optional fixed MAC; repeat for more")
    media = new.add_mutually_exclusive_group()
    media.add_argument("--iso", metavar="NAME", help="install from this ISO image")
    media.add_argument("--dvd", metavar="HOST", help="install from the DVD drive of this host")
    media.add_argument("--install-url", metavar="URL",
                       help="install from this network repository (http, ftp or nfs)")
    media.add_argument("--pxe", action="store_true", help="boot from the network")
    where = new.add_mutually_exclusive_group()
    where.add_argument("--host", metavar="H", help="home server (name or uuid)")
    where.add_argument("--auto-place", action="store_true",
                       help="let placement choose the host (the default)")
    new.add_argument("--start", action="store_true", help="start the VMs once made")
    new.add_argument("--count", type=count, default=1, metavar="K",
                     help="how many VMs to make (default 1)")
    new.add_argument("--dry-run", action="store_true",
                     help="print the plan and where each VM would go; make nothing")
    load_option(new)
    new.add_argument("--json", action="store_true", help="print the result as JSON")
    export = tree.verb(group, "export", "export a halted or suspended VM (or a template or "
                       "snapshot) to an XVA file", vm_export)
    export.add_argument("vm", metavar="VM", help="the VM's name or uuid")
    export.add_argument("--output", required=True, metavar="F.xva", help="the file to write")
    export.add_argument("--compress", action="store_true", help="a gzip-compressed XVA")
    export.add_argument("--yes", action="store_true", help="replace an existing file")
    imp = tree.verb(group, "import", "import a VM from an XVA file", vm_import)
    imp.add_argument("file", metavar="F.xva", help="the XVA file")
    imp.add_argument("--sr", metavar="SR", help="SR for its disks (default: the pool's)")
    imp.add_argument("--host", metavar="H",
                     help="the host that receives it, which becomes its home server")


# -- vm new -------------------------------------------------------------------------------------


def find_template(cache, text: str) -> str:
    for ref, rec in cache.records("VM").items():
        if rec.get("uuid") == text and template(cache, ref) is not None:
            return ref
    matches = [ref for ref, rec in cache.records("VM").items()
               if rec.get("name_label") == text and template(cache, ref) is not None]
    if not matches:
        raise CliError(translate("Cli", "no template named or with uuid {text!r}").format(
            text=text))
    if len(matches) > 1:
        listing = "; ".join(cache.record("VM", r)["uuid"] for r in matches)
        raise CliError(translate("Cli", "{n} templates are named {text!r}; give the uuid of "
                                 "one: {listing}").format(n=len(matches), text=text,
                                                          listing=listing))
    return matches[0]


def _choice(choices, text: str, what: str) -> str:
    for choice in choices:
        if text in (choice.label, choice.value, choice.detail):
            return str(choice.value)
    raise CliError(translate("Cli", "no {what} named {text!r}").format(what=what, text=text))


def build_plan(cache, args: argparse.Namespace) -> NewVmPlan:
    """The plan the options describe, on top of the template's defaults."""
    tmpl = find_template(cache, args.template)
    host = resolve.find(cache, "host", args.host, what="host") if args.host else NULL_REF
    plan = NewVmPlan.for_template(cache, tmpl, name=args.name, host=host)
    plan.description = args.description
    plan.count = args.count
    plan.start = args.start
    plan.cores_per_socket = args.cores_per_socket
    if args.cpus:
        plan.vcpus = args.cpus
    if args.memory:
        plan.memory = args.memory
    if args.disk:
        template_disks = [d for d in plan.disks if d.device]
        disks = []
        for number, text in enumerate(args.disk):
            amount, _, sr_text = text.partition("@")
            try:
                bytes_ = size(amount)
            except argparse.ArgumentTypeError as exc:
                raise CliError(f"--disk {text}: {exc}") from None
            if number < len(template_disks):
                disk = template_disks[number]
                sr = resolve.find(cache, "sr", sr_text, what="SR") if sr_text else disk.sr
                disks.append(DiskPlan(bytes_, sr, disk.device))
            else:
                sr = resolve.find(cache, "sr", sr_text, what="SR") if sr_text \
                    else pool_default_sr(cache)
                disks.append(DiskPlan(bytes_, sr))
        disks += template_disks[len(args.disk):]
        plan.disks = disks
    if args.network:
        vifs = []
        for text in args.network:
            name, sep, mac = text.rpartition("=")
            if not sep or ":" not in mac:
                name, mac = text, ""
            vifs.append(VifPlan(resolve.find(cache, "network", name, what="network"), mac))
        plan.vifs = vifs
    if args.iso:
        plan.install = InstallMedia("iso", _choice(iso_choices(cache), args.iso, "ISO image"))
    elif args.dvd:
        host_ref = resolve.find(cache, "host", args.dvd, what="host")
        host_name = cache.record("host", host_ref)["name_label"]
        plan.install = InstallMedia("dvd", _choice(dvd_choices(cache), host_name, "DVD drive"))
    elif args.install_url:
        plan.install = InstallMedia("url", url=args.install_url)
    elif args.pxe:
        plan.install = InstallMedia("pxe")
    else:
        plan.install = InstallMedia("none")  # the command line inserts a disc only when told
    return plan


def vm_new(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    plan = build_plan(cache, args)
    load = measure_loads(opened, args) if plan.host == NULL_REF else {}
    result = review(cache, plan, load=load)
    for warning in dict.fromkeys(result.warnings()):
        print(translate("Cli", "xapiman-cli: warning: {text}").format(text=warning),
              file=sys.stderr)
    if args.dry_run:
        for label, value in describe(cache, plan, result):
            print(f"{printable(label):<14} {printable(value)}")
        for name, rating in zip(plan.names(), result.homes, strict=False):
            where = rating.name if rating is not None else "-"
            print(f"  {printable(name):<24} {printable(where)}")
        for error in result.errors():
            print(translate("Cli", "xapiman-cli: {text}").format(text=error), file=sys.stderr)
        return 0 if result.ok else 1
    if not result.ok:
        raise CliError("; ".join(result.errors()))
    pool = next(iter(cache.records("pool")))
    target = Target(conn, "pool", pool)
    ctx = ActionContext(TerminalPrompter(True), answers={"plan": plan})
    started = asyncio.run(REGISTRY["vm.new"].run(ctx, [target]))
    members = [s for s in started if isinstance(s.handle, StepTask)
               and s.handle.method == "VM.new"]
    lead = started[0]
    try:
        follow(lead.handle, lead.title)
    except Exception:  # noqa: BLE001 - each member's outcome is printed below
        pass
    for item in members:
        item.handle.wait(None)
    return _report(cache, plan.names(), members, lead, args.json)


def _report(cache, names: list[str], members, lead, as_json: bool) -> int:
    rows = []
    for name, item in zip(names, members, strict=True):
        handle = item.handle
        vm = handle.result if handle.status == "success" else None
        rec = cache.record("VM", vm) if isinstance(vm, str) else None
        rows.append({"name": name, "status": handle.status,
                     "uuid": rec.get("uuid", "") if rec else "",
                     "detail": handle.detail})
        if handle.status != "success":
            print(f"xapiman-cli: {handle.detail}", file=sys.stderr)
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            if row["uuid"]:
                print(row["uuid"])
    if len(members) > 1:
        print(printable(lead.handle.detail), file=sys.stderr)
    return 0 if all(r["status"] == "success" for r in rows) else 1


# -- export, import -----------------------------------------------------------------------------


def _run_one(opened: Opened, args: argparse.Namespace, action_id: str, target: Target,
             plan: object) -> object:
    ctx = ActionContext(TerminalPrompter(getattr(args, "yes", False)), answers={"plan": plan})
    started = asyncio.run(REGISTRY[action_id].run(ctx, [target]))
    if not started:
        raise CliError(translate("Cli", "nothing was done"))
    item = started[0]
    result = follow(item.handle, item.title)
    print(printable(item.handle.detail), file=sys.stderr)
    return result


def vm_export(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    vm = resolve.find(cache, "vm", args.vm, what="VM", any_vm=True)
    target = Target(opened.conn, "vm", vm)
    action = REGISTRY["vm.export"]
    available = action.can_run([target])
    if not available:
        raise CliError(translate("Cli", "cannot export '{name}': {why}").format(
            name=target.name(), why=available.reason))
    path = _run_one(opened, args, "vm.export", target, ExportPlan(args.output, args.compress))
    print(path)
    return 0


def vm_import(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    sr = resolve.find(cache, "sr", args.sr, what="SR") if args.sr else pool_default_sr(cache)
    host = resolve.find(cache, "host", args.host, what="host") if args.host else NULL_REF
    pool = next(iter(cache.records("pool")))
    vms = _run_one(opened, args, "vm.import", Target(conn, "pool", pool),
                   ImportPlan(args.file, sr, host))
    for vm in vms if isinstance(vms, list) else []:
        rec = cache.record("VM", vm)
        print(rec["uuid"] if rec else vm)
    return 0
