"""`xapiman-cli vm nic ...`: a VM's network interfaces: list, add, remove, set (network, MAC,
rate limit)."""

from __future__ import annotations

import argparse
import json

from xapiman.actions import Target
from xapiman.actions.sizes import as_int
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.act import act, task_options
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import printable
from xapiman.scripting.tree import CommandTree, Verb
from xapiman.xapi.refs import NULL_REF

VM_HELP = translate("Cli", "the VM's name or uuid")


def register(tree: CommandTree) -> None:
    group = tree.group("vm", "list and operate VMs")
    nic = tree.verb(group, "nic", translate("Cli", "a VM's network interfaces"), vm_nic)
    nic.set_defaults(verb=None, group_parser=nic)
    sub = nic.add_subparsers(dest="nic_command", metavar="NIC_COMMAND")
    listing = sub.add_parser("list", help=translate("Cli", "device, MAC, network, rate"))
    listing.add_argument("vm", metavar="VM", help=VM_HELP)
    listing.add_argument("--json", action="store_true")
    add = sub.add_parser("add", help=translate("Cli", "add an interface (hot-plugged when the "
                                                      "VM runs and its guest can)"))
    add.add_argument("vm", metavar="VM", help=VM_HELP)
    add.add_argument("--network", required=True)
    add.add_argument("--mac", default="", help=translate("Cli", "default: a generated one"))
    add.add_argument("--rate", default="", help=translate("Cli", "rate limit in KiB/s"))
    task_options(add, destructive=False)
    remove = sub.add_parser("remove", help=translate("Cli", "remove an interface"))
    remove.add_argument("vm", metavar="VM", help=VM_HELP)
    remove.add_argument("device", metavar="DEVICE", help=translate("Cli", "0, 1, ..."))
    task_options(remove)
    change = sub.add_parser("set", help=translate("Cli", "change an interface's network, MAC "
                                                         "or rate limit"))
    change.add_argument("vm", metavar="VM", help=VM_HELP)
    change.add_argument("device", metavar="DEVICE", help=translate("Cli", "0, 1, ..."))
    change.add_argument("--network", default="")
    change.add_argument("--mac", default="")
    change.add_argument("--rate", default=None, help=translate("Cli", "KiB/s; 0 for none"))
    task_options(change, destructive=False)
    for parser in (listing, add, remove, change):
        parser.set_defaults(verb=Verb(vm_nic, True))


def _vif(cache, vm: str, device: str) -> str:
    for vif in (cache.record("VM", vm) or {}).get("VIFs", ()):
        if str((cache.record("VIF", vif) or {}).get("device")) == device:
            return vif
    raise CliError(translate("Cli", "the VM has no interface {device}").format(device=device))


def vif_rows(cache, vm: str) -> list[dict]:
    rows = []
    for vif in (cache.record("VM", vm) or {}).get("VIFs", ()):
        rec = cache.record("VIF", vif) or {}
        net = cache.record("network", rec.get("network", NULL_REF)) or {}
        params = rec.get("qos_algorithm_params") or {}
        rows.append({"device": str(rec.get("device", "")), "mac": rec.get("MAC", ""),
                     "network": net.get("name_label", ""),
                     "attached": bool(rec.get("currently_attached")),
                     "rate_kib": as_int(params.get("kbps"))
                     if rec.get("qos_algorithm_type") == "ratelimit" else 0})
    return sorted(rows, key=lambda r: as_int(r["device"], 99))


def vm_nic(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    vm = resolve.find(cache, "vm", args.vm, what="VM")
    command = args.nic_command
    if command == "list":
        rows = vif_rows(cache, vm)
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        print(f"{'DEVICE':<7} {'MAC':<18} {'ACTIVE':<7} {'RATE':>9}  NETWORK")
        for r in rows:
            rate = f"{r['rate_kib']}K/s" if r["rate_kib"] else "-"
            print(f"{r['device']:<7} {printable(r['mac']):<18} "
                  f"{'yes' if r['attached'] else 'no':<7} {rate:>9}  {printable(r['network'])}")
        return 0
    if command == "add":
        network = resolve.find(cache, "network", args.network, what="network")
        act(args, "vif.add", [Target(conn, "vm", vm)],
            {"network": network, "mac": args.mac, "rate": args.rate})
        return 0
    vif = _vif(cache, vm, args.device)
    if command == "remove":
        act(args, "vif.remove", [Target(conn, "vif", vif)])
        return 0
    rec = cache.record("VIF", vif) or {}
    params = rec.get("qos_algorithm_params") or {}
    network = resolve.find(cache, "network", args.network, what="network") if args.network \
        else str(rec.get("network", ""))
    rate = args.rate if args.rate is not None else (
        params.get("kbps", "") if rec.get("qos_algorithm_type") == "ratelimit" else "")
    act(args, "vif.properties", [Target(conn, "vif", vif)],
        {"network": network, "mac": args.mac or rec.get("MAC", ""), "rate": rate},
        immediate=True)
    return 0
