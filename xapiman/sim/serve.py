"""Run the simulator from the command line until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.synth import generate_pool


def load_database(args: argparse.Namespace):
    """The pool to serve: saved state, a database dump, or a synthetic pool."""
    if args.state and Path(args.state).exists():
        from xapiman.sim.state import load_state

        return load_state(Path(args.state))
    if args.db:
        from xapiman.sim.dbdump import load_dump

        return load_dump(Path(args.db))
    return generate_pool(args.hosts, args.vms, seed=args.seed)


def serve_forever(args: argparse.Namespace) -> int:
    try:
        db = load_database(args)
    except (OSError, ValueError) as exc:
        print(f"xapiman-sim: cannot load the pool: {exc}", file=sys.stderr)
        return 1
    config = SimConfig(user=args.user, password=args.password, speed=args.speed)
    cert = Path(args.cert) if args.cert else None
    sim = Simulator(db, config, use_tls=args.tls, cert=cert, bind=args.bind, port=args.port)
    try:
        sim.start()
    except OSError as exc:
        print(f"xapiman-sim: cannot listen on {args.bind}:{args.port}: {exc}", file=sys.stderr)
        return 1
    saver = None
    if args.state:
        from xapiman.sim.state import StateSaver

        saver = StateSaver(sim.db, Path(args.state))
        saver.start()
    line = f"xapiman-sim ready: {sim.url()} user={config.user} password={config.password}"
    if sim.fingerprint:
        line += f" fingerprint={sim.fingerprint}"
    print(line, flush=True)
    for name, url in sim.host_urls():
        print(f"host {name} {url}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
        if saver is not None:
            saver.stop()
    return 0
