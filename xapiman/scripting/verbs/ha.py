"""`xapiman-cli pool ha enable|disable|status` and `xapiman-cli vm set-ha`: the pool's high
availability and a VM's restart priority."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.pool_ha import PRIORITY_OF_WORD, ha_status, priority_text
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import TerminalPrompter, follow, printable
from xapiman.scripting.tree import CommandTree


def register(tree: CommandTree) -> None:
    pool = tree.group("pool", "the pool: high availability, membership")
    ha = pool.add_parser("ha", help="high availability: turn it on or off, show its state")
    ha.set_defaults(verb=None, group_parser=ha)
    verbs = ha.add_subparsers(dest="ha_command", metavar="HA_COMMAND")
    enable = tree.verb(verbs, "enable", "turn high availability on", ha_enable)
    enable.add_argument("--sr", required=True, help="the shared SR for the heartbeat (name or "
                                                    "uuid)")
    enable.add_argument("--tolerate", type=int, metavar="N",
                        help="server failures to tolerate (default: as many as the pool can)")
    change = tree.verb(verbs, "set", "change the server failures to tolerate while HA is on",
                       ha_set)
    change.add_argument("--tolerate", type=int, metavar="N", required=True)
    disable = tree.verb(verbs, "disable", "turn high availability off", ha_disable)
    disable.add_argument("--yes", action="store_true", help="do not ask first")
    status = tree.verb(verbs, "status", "whether HA is on, its plan and the protected VMs",
                       ha_show)
    status.add_argument("--json", action="store_true", help="print JSON")

    vm = tree.group("vm", "list and operate VMs")
    set_ha = tree.verb(vm, "set-ha", "a VM's restart priority and start order under high "
                                     "availability", vm_set_ha)
    set_ha.add_argument("vm", nargs="+", help="VM names or uuids")
    set_ha.add_argument("--restart", required=True, choices=tuple(PRIORITY_OF_WORD),
                        help="always: protected, restarted elsewhere when its server fails; "
                             "best-effort: when there is room; never")
    set_ha.add_argument("--order", type=int, metavar="N",
                        help="start order (lower starts first)")


def pool_target(opened: Opened) -> Target:
    ref = next(iter(opened.conn.cache.records("pool")), None)
    if ref is None:
        raise CliError("the server has no pool object")
    return Target(opened.conn, "pool", ref)


def run_action(action_id: str, targets: list[Target], answers: dict, assume_yes: bool) -> int:
    action = REGISTRY[action_id]
    available = action.can_run(targets)
    if not available:
        raise CliError(f"cannot {action.label.lower()}: {available.reason}")
    ctx = ActionContext(TerminalPrompter(assume_yes), answers=answers)
    for item in asyncio.run(action.run(ctx, targets)):
        follow(item.handle, item.title)
    return 0


def ha_enable(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    answers: dict = {"sr": resolve.find(cache, "sr", args.sr, what="SR")}
    if args.tolerate is not None:
        answers["tolerate"] = args.tolerate
    run_action("pool.ha_enable", [pool_target(opened)], answers, True)
    settle(lambda: ha_status(opened.conn.cache).enabled)
    return ha_show(opened, argparse.Namespace(json=False))


def ha_set(opened: Opened, args: argparse.Namespace) -> int:
    run_action("pool.ha_configure", [pool_target(opened)], {"tolerate": args.tolerate}, True)
    settle(lambda: ha_status(opened.conn.cache).tolerated == args.tolerate)
    return ha_show(opened, argparse.Namespace(json=False))


def ha_disable(opened: Opened, args: argparse.Namespace) -> int:
    run_action("pool.ha_disable", [pool_target(opened)], {}, args.yes)
    settle(lambda: not ha_status(opened.conn.cache).enabled)
    return ha_show(opened, argparse.Namespace(json=False))


def settle(done: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until the pool's events brought the new state into the cache."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done():
        time.sleep(0.05)


def ha_show(opened: Opened, args: argparse.Namespace) -> int:
    status = ha_status(opened.conn.cache)
    if args.json:
        print(json.dumps(status.as_json(), indent=2))
        return 0
    rows = [("pool", status.pool), ("high availability", "on" if status.enabled else "off")]
    if status.enabled:
        rows += [("heartbeat SR", status.heartbeat_sr),
                 ("failures tolerated", str(status.tolerated)),
                 ("plan covers", str(status.plan_covers)),
                 ("overcommitted", "yes" if status.overcommitted else "no")]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {printable(value)}")
    print(printable(status.plan_text()))
    if status.vms:
        print()
        print(f"{'VM':<24} {'RESTART':<20} {'ORDER':>5}  {'STATE':<9} HOST")
        for vm in status.vms:
            print(f"{printable(vm.name):<24} {priority_text(vm.priority):<20} {vm.order:>5}  "
                  f"{vm.power_state:<9} {printable(vm.host)}")
    return 0


def vm_set_ha(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    targets = [Target(opened.conn, "vm", resolve.find(cache, "vm", name, what="VM"))
               for name in args.vm]
    answers: dict = {"priority": PRIORITY_OF_WORD[args.restart],
                     "order": "" if args.order is None else args.order}
    return run_action("vm.set_ha", targets, answers, True)
