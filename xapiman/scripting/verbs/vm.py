"""`xapiman-cli vm ...`: list VMs and run their everyday operations."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.migrate import add_arguments as migrate_options
from xapiman.scripting.migrate import vm_migrate
from xapiman.scripting.terminal import TerminalPrompter, cell, follow, printable
from xapiman.scripting.tree import CommandTree
from xapiman.xapi.records import VM

VM_POWER = ("start", "shutdown", "reboot", "suspend", "resume", "pause", "unpause")

POWER_ACTIONS = {
    ("start", False): "vm.start", ("shutdown", False): "vm.shutdown",
    ("shutdown", True): "vm.force_shutdown", ("reboot", False): "vm.reboot",
    ("reboot", True): "vm.force_reboot", ("suspend", False): "vm.suspend",
    ("resume", False): "vm.resume", ("pause", False): "vm.pause", ("unpause", False): "vm.unpause",
}


# the command line's own way to do what an action's remedy does in the app
OPTION_FOR = {
    "vm.force_shutdown": "add --force to turn it off at once (a hard shutdown)",
    "vm.force_reboot": "add --force to reset it at once (a hard reboot)",
}


def register(tree: CommandTree) -> None:
    group = tree.group("vm", "list and operate VMs")
    listing = tree.verb(group, "list", "name, uuid, power state, host, vCPUs, memory, IPs",
                        vm_list)
    listing.add_argument("--json", action="store_true", help="print JSON")
    for verb in VM_POWER:
        p = tree.verb(group, verb, f"{verb} a VM (by name or uuid)", vm_operation)
        p.add_argument("vm", metavar="VM", help="the VM's name or uuid")
        if verb in ("shutdown", "reboot"):
            p.add_argument("--force", action="store_true", help="hard shutdown / reboot")
        task_options(p)
    snap = tree.verb(group, "snapshot", "take a snapshot", vm_operation)
    snap.add_argument("vm", metavar="VM", help="the VM's name or uuid")
    snap.add_argument("--name", required=True, help="name of the snapshot")
    snap.add_argument("--memory", action="store_true", help="include the memory (checkpoint)")
    task_options(snap)
    revert = tree.verb(group, "revert", "revert a VM to one of its snapshots", vm_operation)
    revert.add_argument("snapshot", metavar="SNAPSHOT", help="the snapshot's name or uuid")
    task_options(revert)
    clone = tree.verb(group, "clone", "fast clone (copy-on-write disks)", vm_operation)
    clone.add_argument("vm", metavar="VM", help="the VM's name or uuid")
    clone.add_argument("--name", required=True, help="name of the new VM")
    task_options(clone)
    copy = tree.verb(group, "copy", "full copy into an SR", vm_operation)
    copy.add_argument("vm", metavar="VM", help="the VM's name or uuid")
    copy.add_argument("--name", required=True, help="name of the new VM")
    copy.add_argument("--sr", required=True, metavar="SR", help="target SR (name or uuid)")
    task_options(copy)
    migrate = tree.verb(group, "migrate", "move VMs to another host of the pool or to another "
                        "pool, with their disks (live when they run)", vm_migrate)
    migrate_options(migrate)
    task_options(migrate)
    destroy = tree.verb(group, "destroy", "delete a VM and, unless --keep-disks, its disks",
                        vm_operation)
    destroy.add_argument("vm", metavar="VM", help="the VM's name or uuid")
    destroy.add_argument("--keep-disks", action="store_true", help="keep the VM's disks")
    task_options(destroy)


def task_options(p: argparse.ArgumentParser) -> None:
    """The options of every verb that starts a task."""
    p.add_argument("--no-wait", action="store_true", help="print the task and return at once")
    p.add_argument("--yes", action="store_true", help="do not ask before destructive steps")


def vm_rows(cache) -> list[dict]:
    rows = []
    for vm in cache.objects(VM):
        if not vm.is_real:
            continue
        host = vm.resident_on
        rows.append({
            "name": vm.name, "uuid": vm.uuid, "power_state": vm.power_state,
            "host": host.name if host else "", "vcpus": vm.vcpus,
            "memory_mib": vm.memory_static_max // 1024**2, "ips": list(vm.ip_addresses),
        })
    return sorted(rows, key=lambda r: (r["name"].casefold(), r["uuid"]))


def vm_list(opened: Opened, args: argparse.Namespace) -> int:
    rows = vm_rows(opened.conn.cache)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'NAME':<28} {'UUID':<36} {'STATE':<9} {'HOST':<16} {'VCPUS':>5} "
          f"{'MEMORY':>8}  IPS")
    for r in rows:
        ips = printable(", ".join(r["ips"]))
        print(f"{cell(r['name'], 28)} {cell(r['uuid'], 36)} {cell(r['power_state'], 9)} "
              f"{cell(r['host'], 16)} "
              f"{r['vcpus']:>5} {r['memory_mib']:>6}Mi  {ips}")
    return 0


# -- operations --------------------------------------------------------------------------------


def vm_operation(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    verb = args.vm_command
    answers: dict = {}
    if verb == "revert":
        target = Target(conn, "vm", resolve.find(cache, "vm", args.snapshot, what="snapshot",
                                                snapshots=True))
        action_id = "snapshot.revert"
    else:
        target = Target(conn, "vm", resolve.find(cache, "vm", args.vm, what="VM"))
        if verb in ("start", "shutdown", "reboot", "suspend", "resume", "pause", "unpause"):
            action_id = POWER_ACTIONS[(verb, bool(getattr(args, "force", False)))]
        elif verb == "snapshot":
            action_id, answers = "vm.snapshot", {"name": args.name, "memory": args.memory}
        elif verb == "clone":
            action_id, answers = "vm.clone", {"name": args.name}
        elif verb == "copy":
            sr = resolve.find(cache, "sr", args.sr, what="SR")
            action_id, answers = "vm.copy", {"name": args.name, "sr": sr}
        elif verb == "destroy":
            from xapiman.actions.vm_snapshots import vm_disks

            disks = [] if args.keep_disks else [ref for ref, _ in vm_disks(target)]
            action_id, answers = "vm.delete", {"disks": disks}
        else:
            raise CliError(f"unknown VM command {verb!r}")
    action = REGISTRY[action_id]
    available = action.can_run([target])
    if not available:
        reason = available.reason
        if available.remedy in OPTION_FOR:  # the app's advice names its menu item
            reason = reason.split(";")[0] + "; " + OPTION_FOR[available.remedy]
        raise CliError(f"cannot {action.label.lower()} '{target.name()}': {reason}")
    conn.keep_finished_tasks = args.no_wait  # for `task wait`, which reads how it ended
    ctx = ActionContext(TerminalPrompter(args.yes), answers=answers)
    started = asyncio.run(action.run(ctx, [target]))
    if not started:
        print("xapiman-cli: nothing was done", file=sys.stderr)
        return 1
    if args.no_wait:
        for item in started:
            print(item.handle.ref)
        return 0
    for item in started:
        result = follow(item.handle, item.title)
        if isinstance(result, str) and result.startswith("OpaqueRef:"):
            created = cache.record("vm", result)
            print(f"{item.title}: made {created['uuid'] if created else result}")
        else:
            print(f"{item.title}: done")
    return 0

