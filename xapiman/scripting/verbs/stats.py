"""`xapiman-cli stats`: object counts and connect / load times."""

from __future__ import annotations

import argparse
import json

from xapiman.scripting.connect import Opened
from xapiman.scripting.tree import CommandTree


def register(tree: CommandTree) -> None:
    p = tree.verb(None, "stats", "object counts and connect / load times", stats)
    p.add_argument("--json", action="store_true", help="print JSON")


def stats(opened: Opened, args: argparse.Namespace) -> int:
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
