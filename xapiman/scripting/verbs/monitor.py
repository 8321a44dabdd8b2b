"""`xapiman-cli top`, `alerts` and `dismiss`: what is busy now, what went wrong."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import TerminalPrompter, cell, printable
from xapiman.scripting.tree import CommandTree
from xapiman.xapi import alerts as alert_words
from xapiman.xapi.datasources import SORT_KEYS, Unit, format_value
from xapiman.xapi.metrics import RUNNING, Load, MetricsClient

FIGURES = ("cpu", "memory", "disk", "network")


def register(tree: CommandTree) -> None:
    top = tree.verb(None, "top", translate("Cli", "the busiest hosts and VMs, from their live "
                                                  "metrics"), run_top)
    top.add_argument("--host", metavar="HOST", help=translate(
        "Cli", "only this host and its VMs (name or uuid)"))
    top.add_argument("--sort", choices=tuple(SORT_KEYS), default="cpu",
                     help=translate("Cli", "what to rank by (default cpu)"))
    top.add_argument("--count", type=int, default=10, metavar="N",
                     help=translate("Cli", "how many VMs to show (default 10; 0: all)"))
    top.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    listing = tree.verb(None, "alerts", translate("Cli", "the pool's alerts, newest first"),
                        run_alerts)
    listing.add_argument("--priority", type=int, default=5, choices=range(1, 6), metavar="P",
                         help=translate("Cli", "only priorities 1 (critical) to P (default 5)"))
    listing.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    dismiss = tree.verb(None, "dismiss", translate("Cli", "dismiss alerts (message.destroy)"),
                        run_dismiss)
    dismiss.add_argument("alerts", metavar="UUID", nargs="*",
                         help=translate("Cli", "the alerts' uuids (see `alerts`)"))
    dismiss.add_argument("--all", action="store_true",
                         help=translate("Cli", "every alert of the pool"))
    dismiss.add_argument("--yes", action="store_true",
                         help=translate("Cli", "do not ask before dismissing"))


# -- top ----------------------------------------------------------------------------------------


def _row(client: MetricsClient, cache, ref: str, kind: str) -> dict[str, object] | None:
    load = client.load(ref)
    if load is None:
        return None
    record = cache.record(kind, ref) or {}
    host = cache.record("host", record.get("resident_on", "")) if kind == "vm" else None
    return {"name": record.get("name_label", ""), "uuid": record.get("uuid", ""),
            "host": (host or {}).get("name_label", "") if kind == "vm" else "",
            "cpu": load.cpu, "memory": load.memory, "memory_total": load.memory_total,
            "disk": load.disk, "network": load.network, "time": load.time}


def _ranked(rows: list[dict[str, object]], key: str) -> list[dict[str, object]]:
    def value(row: dict[str, object]) -> float:
        number = row.get(key)
        return float(number) if isinstance(number, int | float) and number == number else -1.0

    return sorted(rows, key=lambda r: (-value(r), str(r["name"]).casefold()))


def run_top(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    if args.host:
        hosts = [resolve.find(cache, "host", args.host, what="host")]
    else:
        hosts = sorted(cache.records("host"))
    vms = [ref for ref, rec in cache.records("vm").items()
           if rec.get("resident_on") in hosts and rec.get("power_state") in RUNNING
           and not rec.get("is_control_domain")]
    client = MetricsClient(conn, timeout=min(args.timeout, 30.0))
    try:
        with client.watch([*hosts, *vms], detail=False):
            client.wait_answered(hosts, min(args.timeout, 30.0))
        for host in hosts:
            status = client.status(host)
            if status is None or not status.ok:
                name = (cache.record("host", host) or {}).get("name_label", host)
                why = status.error if status else translate("Cli", "no answer in time")
                print(printable(translate("Cli", "xapiman-cli: {host}: {why}").format(
                    host=name, why=why)), file=sys.stderr)
        host_rows = [r for r in (_row(client, cache, h, "host") for h in hosts) if r]
        vm_rows = [r for r in (_row(client, cache, v, "vm") for v in vms) if r]
    finally:
        client.close()
    if not host_rows and not vm_rows:
        raise CliError(translate("Cli", "no metrics could be read from any host"))
    key = args.sort
    host_rows = _ranked(host_rows, key)
    vm_rows = _ranked(vm_rows, key)
    if args.count > 0:
        vm_rows = vm_rows[:args.count]
    if args.json:
        print(json.dumps({"sort": key, "hosts": host_rows, "vms": vm_rows}, indent=2))
        return 0
    _print_table(translate("Cli", "HOST"), host_rows)
    print()
    _print_table(translate("Cli", "VM"), vm_rows, with_host=True)
    return 0


def _print_table(title: str, rows: list[dict[str, object]], with_host: bool = False) -> None:
    head = f"{title:<28} "
    if with_host:
        head += f"{translate('Cli', 'ON'):<16} "
    head += (f"{translate('Cli', 'CPU'):>8} {translate('Cli', 'MEMORY'):>21} "
             f"{translate('Cli', 'DISK'):>11} {translate('Cli', 'NETWORK'):>11}")
    print(head)
    for row in rows:
        load = Load(*(row[k] for k in ("cpu", "memory", "memory_total", "disk", "network",
                                       "time")))  # type: ignore[arg-type]
        memory = (f"{format_value(load.memory, Unit.BYTES)} / "
                  f"{format_value(load.memory_total, Unit.BYTES)}")
        line = f"{cell(row['name'], 28)} "
        if with_host:
            line += f"{cell(row['host'], 16)} "
        line += (f"{format_value(load.cpu, Unit.FRACTION):>8} {memory:>21} "
                 f"{format_value(load.disk, Unit.BYTES_PER_S):>11} "
                 f"{format_value(load.network, Unit.BYTES_PER_S):>11}")
        print(line)


# -- alerts -------------------------------------------------------------------------------------


def run_alerts(opened: Opened, args: argparse.Namespace) -> int:
    name = opened.profile.name if opened.profile else ""
    found = [a for a in alert_words.alerts_in(opened.conn.cache, name)
             if a.priority <= args.priority]
    if args.json:
        print(json.dumps([a.as_json() for a in found], indent=2))
        return 0
    if not found:
        print(translate("Cli", "No alerts."))
        return 0
    print(f"{translate('Cli', 'TIME'):<17} {translate('Cli', 'PRIORITY'):<11} "
          f"{translate('Cli', 'ALERT'):<28} {translate('Cli', 'ABOUT'):<20} "
          f"{translate('Cli', 'UUID'):<36}  {translate('Cli', 'DETAILS')}")
    for alert in found:
        when = (alert.time.astimezone().strftime("%Y-%m-%d %H:%M")
                if isinstance(alert.time, datetime.datetime) else "")
        print(f"{when:<17} {alert.priority_text:<11} {cell(alert.title, 28)} "
              f"{cell(alert.about, 20)} {printable(alert.uuid):<36}  "
              f"{printable(alert.details)}")
    return 0


def run_dismiss(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    if args.all == bool(args.alerts):
        raise CliError(translate("Cli", "give the alerts' uuids or --all (not both)"))
    if args.all:
        refs = list(cache.records("message"))
    else:
        by_uuid = {rec.get("uuid"): ref for ref, rec in cache.records("message").items()}
        missing = [u for u in args.alerts if u not in by_uuid]
        if missing:
            raise CliError(translate("Cli", "no alert with uuid {uuids}").format(
                uuids=", ".join(printable(u) for u in missing)))
        refs = [by_uuid[u] for u in args.alerts]
    if not refs:
        print(translate("Cli", "No alerts."))
        return 0
    action = REGISTRY["alert.dismiss"]
    targets = [Target(conn, "message", ref) for ref in refs]
    asyncio.run(action.run(ActionContext(TerminalPrompter(args.yes)), targets))
    left = [ref for ref in refs if ref in _remaining(conn)]
    if left:
        raise CliError(translate("Cli", "{count} alerts are still there").format(count=len(left)))
    print(translate("Cli", "{count} alerts dismissed").format(count=len(refs)))
    return 0


def _remaining(conn) -> set[str]:
    """The alerts the server still has (asked, not from the cache that may lag)."""
    return set(conn.call("message.get_all"))
