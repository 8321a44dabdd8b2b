"""`xapiman-cli vm migrate`: the Migrate action with a plan built from the options.

`--host` names the destination host (in this pool, or in the pool of `--to-profile`); `--sr`
sends every disk to one SR, `--disk DISK=SR` one disk (by name or uuid), `--network A=B` the
interfaces on network A to network B; what is not given gets the defaults the Migrate wizard
shows. `--dry-run` prints the plan and asks the servers whether it would work, moving nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from xapiman.actions import REGISTRY, ActionContext, Target, peers
from xapiman.actions.migrate_plan import MigratePlan, describe, precheck, review
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, Opened, open_profile
from xapiman.scripting.terminal import TerminalPrompter, follow, printable


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("vm", metavar="VM", nargs="+", help="the VM's name or uuid (several: each "
                   "moves as its own task)")
    p.add_argument("--host", required=True, metavar="HOST",
                   help="the destination host (name or uuid)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--sr", metavar="SR", help="the SR every disk goes to")
    where.add_argument("--disk", action="append", default=[], metavar="DISK=SR",
                       help="the SR one disk (name or uuid) goes to; repeat for more")
    p.add_argument("--network", action="append", default=[], metavar="A=B",
                   help="interfaces on network A join network B at the destination; repeat")
    p.add_argument("--to-profile", metavar="PROFILE",
                   help="move to the pool of this connection profile")
    p.add_argument("--offline", action="store_true",
                   help="suspend running VMs while they move instead of moving them live")
    p.add_argument("--dry-run", action="store_true",
                   help="print the plan and whether the servers accept it; move nothing")


def build_plan(opened: Opened, dest, dest_name: str, args: argparse.Namespace) -> MigratePlan:
    cache = opened.conn.cache
    vms = [resolve.find(cache, "vm", text, what="VM") for text in args.vm]
    host = resolve.find(dest.cache, "host", args.host, what="host")
    plan = MigratePlan.for_vms(opened.conn, vms, dest, dest_name, host=host)
    plan.live = not args.offline
    if args.sr:
        sr = resolve.find(dest.cache, "sr", args.sr, what="SR")
        for disk in plan.disks:
            disk.dest_sr = sr
    for text in args.disk:
        name, sep, sr_text = text.partition("=")
        if not sep:
            raise CliError(translate("Cli", "--disk {text}: write DISK=SR").format(text=text))
        matches = [d for d in plan.disks if name in (d.name, d.vdi) or name == (
            cache.record("VDI", d.vdi) or {}).get("uuid")]
        if not matches:
            raise CliError(translate("Cli", "--disk {text}: the VMs have no disk named or with "
                                     "uuid {name!r}").format(text=text, name=name))
        if len(matches) > 1:
            raise CliError(translate("Cli", "--disk {text}: {n} disks are named {name!r}; give "
                                     "the uuid").format(text=text, n=len(matches), name=name))
        matches[0].dest_sr = resolve.find(dest.cache, "sr", sr_text, what="SR")
    for text in args.network:
        source, sep, target = text.partition("=")
        if not sep:
            raise CliError(translate("Cli", "--network {text}: write A=B").format(text=text))
        old = resolve.find(cache, "network", source, what="network")
        new = resolve.find(dest.cache, "network", target, what="network")
        vifs = [v for v in plan.vifs if v.network == old]
        if not vifs:
            raise CliError(translate("Cli", "--network {text}: no interface of the VMs is on "
                                     "{name!r}").format(text=text, name=source))
        if not plan.cross_pool and new != old:
            raise CliError(translate("Cli", "--network {text}: inside a pool interfaces keep "
                                     "their networks").format(text=text))
        for vif in vifs:
            vif.dest_network = new
    return plan


def vm_migrate(opened: Opened, args: argparse.Namespace) -> int:
    dest, dest_name = opened.conn, ""
    extra = None
    if args.to_profile:
        extra = open_profile(args, args.to_profile)
        dest, dest_name = extra.conn, args.to_profile
        peers.install(lambda: {dest_name: dest})
    try:
        return _migrate(opened, dest, dest_name, args)
    finally:
        peers.install(None)
        if extra is not None:
            extra.conn.close()


def _migrate(opened: Opened, dest, dest_name: str, args: argparse.Namespace) -> int:
    plan = build_plan(opened, dest, dest_name, args)
    action = REGISTRY["vm.migrate"]
    targets = [Target(opened.conn, "vm", vm) for vm in plan.vms]
    for target in targets:
        available = action.check(target)
        if not available:
            raise CliError(translate("Cli", "cannot migrate '{name}': {why}").format(
                name=target.name(), why=available.reason))
    problems = review(plan)
    for warning in problems.warnings():
        print(translate("Cli", "xapiman-cli: warning: {text}").format(text=warning),
              file=sys.stderr)
    if args.dry_run:
        for label, value in describe(plan):
            print(f"{printable(label):<22} {printable(value)}")
        refusals = [] if problems.errors() else precheck(plan)
        for text in problems.errors() + [r.text for r in refusals]:
            print(translate("Cli", "xapiman-cli: {text}").format(text=printable(text)),
                  file=sys.stderr)
        return 0 if problems.ok and not refusals else 1
    if not problems.ok:
        raise CliError(" ".join(problems.errors()))
    ctx = ActionContext(TerminalPrompter(args.yes), answers={"plan": plan})
    started = asyncio.run(action.run(ctx, targets))
    if args.no_wait:
        for item in started:
            print(item.handle.ref)
        return 0
    status = 0
    for item in started:
        try:
            result = follow(item.handle, item.title)
        except Exception as exc:  # noqa: BLE001 - each VM's outcome is printed
            print(translate("Cli", "xapiman-cli: {text}").format(text=printable(str(exc))),
                  file=sys.stderr)
            status = 1
            continue
        moved = dest.cache.record("VM", result) if isinstance(result, str) else None
        print(printable(moved["uuid"] if moved else str(result)))
    return status
