"""Entry point of the scripting command line, `xapiman-cli`."""

from __future__ import annotations

import argparse
import sys

VM_POWER = ("start", "shutdown", "reboot", "suspend", "resume", "pause", "unpause")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xapiman-cli",
        description="Script XenServer / XCP-ng pools with the same connection, cache and actions "
        "as the xapiman desktop app. The password comes from $XAPIMAN_PASSWORD, --password-file, "
        "the keyring (with --profile) or a prompt.",
    )
    conn = parser.add_argument_group("connection")
    conn.add_argument("--profile", metavar="NAME", help="connect with a saved connection profile")
    conn.add_argument("--url", metavar="URL", help="pool coordinator URL, e.g. https://10.0.0.1")
    conn.add_argument("--user", metavar="USER", help="user name (with --url; default root)")
    conn.add_argument("--password-file", metavar="F",
                      help="read the password from the first line of F")
    conn.add_argument("--fingerprint", metavar="SHA256",
                      help="expect this server certificate (SHA-256, AB:CD:...); pins it")
    conn.add_argument("--trust-on-first-use", action="store_true",
                      help="accept and print a certificate seen for the first time")
    conn.add_argument("--transport", choices=("auto", "jsonrpc", "xmlrpc"), default="auto",
                      help="wire protocol (default: JSON-RPC when the server has it)")
    conn.add_argument("--timeout", type=float, default=60.0, metavar="S",
                      help="seconds to connect and load the pool (default 60)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    stats = sub.add_parser("stats", help="object counts and connect / load times")
    stats.add_argument("--json", action="store_true", help="print JSON")

    vm = sub.add_parser("vm", help="list and operate VMs")
    vm_sub = vm.add_subparsers(dest="vm_command", metavar="VM_COMMAND")
    listing = vm_sub.add_parser("list", help="name, uuid, power state, host, vCPUs, memory, IPs")
    listing.add_argument("--json", action="store_true", help="print JSON")
    for verb in VM_POWER:
        p = vm_sub.add_parser(verb, help=f"{verb} a VM (by name or uuid)")
        p.add_argument("vm", metavar="VM")
        if verb in ("shutdown", "reboot"):
            p.add_argument("--force", action="store_true", help="hard shutdown / reboot")
        _task_options(p)
    snap = vm_sub.add_parser("snapshot", help="take a snapshot")
    snap.add_argument("vm", metavar="VM")
    snap.add_argument("--name", required=True, help="name of the snapshot")
    snap.add_argument("--memory", action="store_true", help="include the memory (checkpoint)")
    _task_options(snap)
    revert = vm_sub.add_parser("revert", help="revert a VM to one of its snapshots")
    revert.add_argument("snapshot", metavar="SNAPSHOT")
    _task_options(revert)
    clone = vm_sub.add_parser("clone", help="fast clone (copy-on-write disks)")
    clone.add_argument("vm", metavar="VM")
    clone.add_argument("--name", required=True)
    _task_options(clone)
    copy = vm_sub.add_parser("copy", help="full copy into an SR")
    copy.add_argument("vm", metavar="VM")
    copy.add_argument("--name", required=True)
    copy.add_argument("--sr", required=True, metavar="SR", help="target SR (name or uuid)")
    _task_options(copy)
    migrate = vm_sub.add_parser("migrate", help="live-migrate to another host of the pool")
    migrate.add_argument("vm", metavar="VM")
    migrate.add_argument("--host", required=True, metavar="HOST", help="name or uuid")
    _task_options(migrate)
    destroy = vm_sub.add_parser("destroy", help="delete a VM and, unless --keep-disks, its disks")
    destroy.add_argument("vm", metavar="VM")
    destroy.add_argument("--keep-disks", action="store_true", help="keep the VM's disks")
    _task_options(destroy)

    profile = sub.add_parser("profile", help="list, add and remove connection profiles")
    prof_sub = profile.add_subparsers(dest="profile_command", metavar="PROFILE_COMMAND")
    prof_sub.add_parser("list", help="list the saved profiles")
    add = prof_sub.add_parser("add", help="save a connection profile")
    add.add_argument("name")
    add.add_argument("address", help="host, host:port or URL")
    add.add_argument("--profile-user", dest="profile_user", default="root", metavar="USER")
    add.add_argument("--plain-http", action="store_true", help="no TLS (labs only)")
    add.add_argument("--save-password", action="store_true",
                     help="store the password ($XAPIMAN_PASSWORD or a prompt) in the keyring")
    remove = prof_sub.add_parser("remove", help="delete a connection profile")
    remove.add_argument("name")
    return parser


def _task_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-wait", action="store_true", help="print the task and return at once")
    p.add_argument("--yes", action="store_true", help="do not ask before destructive steps")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from xapiman.scripting.commands import run

    return run(parser, args)


if __name__ == "__main__":
    sys.exit(main())
