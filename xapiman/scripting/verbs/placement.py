"""`xapiman-cli host recommend`: the pool's hosts ranked for a VM, with the reasons."""

from __future__ import annotations

import argparse
import json
import sys

from xapiman.actions.placement import VmNeeds, measured_loads, rank_hosts
from xapiman.actions.sizes import SizeError, parse_size
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.connect import Opened
from xapiman.scripting.terminal import cell, printable
from xapiman.scripting.tree import CommandTree
from xapiman.xapi.metrics import MetricsClient


def size(text: str) -> int:
    """An argparse type: a size such as 4GiB."""
    try:
        return parse_size(text)
    except SizeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def count(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(translate(
            "Cli", "{text!r} is not a whole number of at least 1").format(text=text))
    return value


def register(tree: CommandTree) -> None:
    group = tree.group("host", "the pool's hosts")
    p = tree.verb(group, "recommend", "rank the hosts for a VM of this size, saying why each "
                  "one is or is not suitable", recommend)
    p.add_argument("--memory", type=size, required=True, metavar="SIZE",
                   help="the VM's memory, e.g. 4GiB")
    p.add_argument("--cpus", type=count, default=1, metavar="N", help="its vCPUs (default 1)")
    p.add_argument("--sr", action="append", default=[], metavar="SR",
                   help="an SR its disks are on (name or uuid; repeat for more)")
    p.add_argument("--network", action="append", default=[], metavar="NET",
                   help="a network it is connected to (name or uuid; repeat for more)")
    load_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def load_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-load", action="store_true",
                   help="rank without measuring the hosts' CPU load first")


LOAD_WAIT = 10.0  # seconds the hosts get to report their load


def measure_loads(opened: Opened, args: argparse.Namespace) -> dict[str, float]:
    """The hosts' CPU load, fetched once from each (unless --no-load); hosts that do not
    answer in time are ranked without it."""
    conn = opened.conn
    if args.no_load:
        return {}
    client = MetricsClient.of(conn)
    hosts = sorted(conn.cache.records("host"))
    with client.watch(hosts, detail=False):
        client.wait_answered(hosts, min(args.timeout, LOAD_WAIT))
    return measured_loads(conn)


def recommend(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    srs = frozenset(resolve.find(cache, "sr", s, what="SR") for s in args.sr)
    networks = frozenset(resolve.find(cache, "network", n, what="network")
                         for n in args.network)
    load = measure_loads(opened, args)
    ratings = rank_hosts(cache, VmNeeds(args.memory, args.cpus, srs, networks), load=load)
    if args.json:
        print(json.dumps([{
            "host": r.name, "uuid": (cache.record("host", r.ref) or {}).get("uuid", ""),
            "suitable": r.suitable, "recommended": r.recommended,
            "free_memory": r.free_memory, "load": load.get(r.ref),
            "score": round(r.score, 4), "reasons": list(r.reasons), "notes": list(r.notes)}
            for r in ratings], indent=2))
        return 0 if any(r.suitable for r in ratings) else 1
    print(f"{'HOST':<24} {'VERDICT':<12} WHY")
    for rating in ratings:
        verdict = (translate("Cli", "recommended") if rating.recommended else
                   translate("Cli", "suitable") if rating.suitable else
                   translate("Cli", "unsuitable"))
        print(f"{cell(rating.name, 24)} {verdict:<12} "
              f"{printable(rating.explanation())}")
    if not any(r.suitable for r in ratings):
        print(translate("Cli", "xapiman-cli: no host can take this VM now"), file=sys.stderr)
        return 1
    return 0
