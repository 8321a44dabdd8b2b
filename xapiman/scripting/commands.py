"""The verbs of `xapiman-cli`: stats, vm list and operations, profiles."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.common import ActionError
from xapiman.pools.profiles import Profile, ProfileError, ProfileStore
from xapiman.pools.secrets import PasswordStore, SecretStoreError
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, open_connection, password_for
from xapiman.scripting.terminal import TerminalPrompter, follow
from xapiman.xapi.errors import XapiClientError
from xapiman.xapi.records import VM

POWER_ACTIONS = {
    ("start", False): "vm.start", ("shutdown", False): "vm.shutdown",
    ("shutdown", True): "vm.force_shutdown", ("reboot", False): "vm.reboot",
    ("reboot", True): "vm.force_reboot", ("suspend", False): "vm.suspend",
    ("resume", False): "vm.resume", ("pause", False): "vm.pause", ("unpause", False): "vm.unpause",
}


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command == "profile":
            return profile_command(parser, args)
        if args.command == "vm" and not getattr(args, "vm_command", None):
            parser.parse_args(["vm", "--help"])
        opened = open_connection(args)
        try:
            if args.command == "stats":
                return stats(opened, args)
            if args.vm_command == "list":
                return vm_list(opened.conn, args)
            return vm_operation(opened.conn, args)
        finally:
            opened.conn.close()
    except (CliError, ActionError, XapiClientError, ProfileError, SecretStoreError,
            PermissionError, ValueError, TimeoutError) as exc:
        print(f"xapiman-cli: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("xapiman-cli: interrupted", file=sys.stderr)
        return 130


def one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


# -- stats and listing -------------------------------------------------------------------------


def stats(opened, args) -> int:
    cache = opened.conn.cache
    counts = dict(sorted(cache.counts().items()))
    doc = {
        "connect_s": round(opened.connect_s, 4),
        "load_s": round(opened.load_s, 4),
        "objects": sum(counts.values()),
        "transport": opened.conn.transport_name,
        "counts": counts,
    }
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(f"transport {doc['transport']}, connect {doc['connect_s']:.3f} s, "
              f"load {doc['load_s']:.3f} s, {doc['objects']} objects")
        for cls, n in counts.items():
            print(f"  {cls:<20} {n}")
    return 0


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


def vm_list(conn, args) -> int:
    rows = vm_rows(conn.cache)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'NAME':<28} {'UUID':<36} {'STATE':<9} {'HOST':<16} {'VCPUS':>5} "
          f"{'MEMORY':>8}  IPS")
    for r in rows:
        print(f"{r['name'][:28]:<28} {r['uuid']:<36} {r['power_state']:<9} {r['host'][:16]:<16} "
              f"{r['vcpus']:>5} {r['memory_mib']:>6}Mi  {', '.join(r['ips'])}")
    return 0


# -- operations --------------------------------------------------------------------------------


def vm_operation(conn, args) -> int:
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
        elif verb == "migrate":
            host = resolve.find(cache, "host", args.host, what="host")
            action_id, answers = "vm.migrate", {"host": host}
        elif verb == "destroy":
            from xapiman.actions.vm_snapshots import vm_disks

            disks = [] if args.keep_disks else [ref for ref, _ in vm_disks(target)]
            action_id, answers = "vm.delete", {"disks": disks}
        else:
            raise CliError(f"unknown VM command {verb!r}")
    action = REGISTRY[action_id]
    available = action.can_run([target])
    if not available:
        raise CliError(f"cannot {action.label.lower()} '{target.name()}': {available.reason}")
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
            print(created["uuid"] if created else result)
    return 0


# -- profiles ----------------------------------------------------------------------------------


def profile_command(parser, args) -> int:
    store = ProfileStore()
    profiles = store.load()
    if store.load_error:
        print(f"xapiman-cli: {store.load_error}", file=sys.stderr)
    sub = args.profile_command
    if sub in (None, "list"):
        for p in profiles:
            pin = p.pinned_fingerprint or "not pinned yet"
            print(f"{p.name}\t{p.url}\tuser={p.user}\tcertificate={pin}")
        return 0
    if sub == "add":
        profile = Profile(args.name, args.address, user=args.profile_user,
                          use_tls=not args.plain_http)
        store.add(profile)
        if args.save_password:
            PasswordStore().set(profile, password_for(args, None))
        print(f"added profile {profile.name} ({profile.url})")
        return 0
    if sub == "remove":
        removed = store.remove(args.name)
        try:
            PasswordStore().delete(removed)
        except SecretStoreError:
            pass
        print(f"removed profile {removed.name}")
        return 0
    parser.parse_args(["profile", "--help"])
    return 2
