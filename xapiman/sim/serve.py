"""Run the simulator from the command line until interrupted."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from xapiman.sim.db import Database
from xapiman.sim.dbdump import load_dump
from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.state import StateSaver, load_state
from xapiman.sim.synth import generate_pool

log = logging.getLogger("xapiman.sim")


class BadInput(Exception):
    """What the user asked for cannot be served; the message is the one line to print."""


def check_arguments(args: argparse.Namespace) -> None:
    """One line for what cannot be served; also settles the password (see `login_password`)."""
    _check_numbers(args)
    if args.advertise is not None:
        check_advertised(args.advertise)
    args.password = login_password(args)


def _check_numbers(args: argparse.Namespace) -> None:
    if args.hosts < 1:
        raise BadInput(f"--hosts must be at least 1, not {args.hosts}")
    if args.vms < 0:
        raise BadInput(f"--vms cannot be negative ({args.vms})")
    if args.speed < 0:
        raise BadInput(f"--speed cannot be negative ({args.speed})")
    if not 0 <= args.port <= 65535:
        raise BadInput(f"--port must be between 0 and 65535, not {args.port}")
    if args.cert and not Path(args.cert).is_file():
        raise BadInput(f"--cert {args.cert}: no such file")


def login_password(args: argparse.Namespace) -> str:
    """--password, the first line of --password-file, or a new random password."""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError) as exc:
            why = getattr(exc, "strerror", None) or exc
            raise BadInput(f"cannot read the password from {args.password_file}: {why}") from None
        if not lines or not lines[0]:
            raise BadInput(f"{args.password_file}: the first line (the password) is empty")
        return lines[0]
    if args.password is not None:
        if not args.password:
            raise BadInput("--password cannot be empty")
        return args.password
    return secrets.token_urlsafe(12)


def check_advertised(address: str) -> None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        if not address or any(c in address for c in "/:@ "):
            raise BadInput(f"--advertise {address!r}: give an IP address or a host name") from None
        return
    if ip.is_unspecified:
        raise BadInput(f"--advertise {address}: clients cannot connect to a wildcard address")


def warn_plain_http(args: argparse.Namespace) -> None:
    """Plain HTTP beyond loopback puts passwords and sessions on the network in clear."""
    if args.tls:
        return
    try:
        loopback = ipaddress.ip_address(args.bind).is_loopback
    except ValueError:
        loopback = args.bind == "localhost"
    if not loopback:
        print(f"xapiman-sim: warning: serving plain HTTP on {_shown(args.bind)}: passwords and "
              "sessions cross the network in clear (drop --no-tls to serve HTTPS)",
              file=sys.stderr, flush=True)


def _shown(address: str) -> str:
    """An address as it reads before ":port" (IPv6 in brackets)."""
    return f"[{address}]" if ":" in address else address


def _read(what: str, path: Path, load: Callable[[Path], Database]) -> Database:
    try:
        return load(path)
    except OSError as exc:
        raise BadInput(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def load_database(args: argparse.Namespace) -> Database:
    """The pool to serve: the saved state when it exists, else a database dump, else synthetic."""
    if args.state and Path(args.state).exists():
        if args.db:
            log.warning("%s exists: serving it, not the dump %s", args.state, args.db)
        return _read("the state file", Path(args.state), load_state)
    if args.db:
        return _read("the database dump", Path(args.db), load_dump)
    return generate_pool(args.hosts, args.vms, seed=args.seed)


def make_simulator(args: argparse.Namespace, db: Database) -> Simulator:
    config = SimConfig(user=args.user, password=args.password, speed=args.speed)
    cert = Path(args.cert) if args.cert else None
    sim = Simulator(db, config, use_tls=args.tls, cert=cert, bind=args.bind, port=args.port,
                    advertise=args.advertise)
    try:
        sim.start()
    except OSError as exc:
        sim.stop()
        raise BadInput(f"cannot listen on {_shown(args.bind)}:{args.port}: "
                       f"{exc.strerror or exc}") from None
    return sim


def announce(sim: Simulator) -> None:
    """The ready line, then one line per host, as scripts and tests read them."""
    line = f"xapiman-sim ready: {sim.url()} user={sim.config.user} password={sim.config.password}"
    if sim.fingerprint:
        line += f" fingerprint={sim.fingerprint}"
    print(line, flush=True)
    for name, url in sim.host_urls():
        print(f"host {name} {url}", flush=True)


def stop_signal() -> threading.Event:
    """An event set by SIGINT or SIGTERM (installed before the ready line is printed)."""
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    return done


def start_saver(args: argparse.Namespace, sim: Simulator) -> StateSaver | None:
    """With --state: write the state now (so a bad path shows at once), then on changes."""
    if not args.state:
        return None
    saver = StateSaver(sim.db, Path(args.state))
    try:
        saver.save()
    except OSError as exc:
        raise BadInput(f"cannot write the state file {args.state}: {exc.strerror or exc}") from None
    saver.start()
    return saver


def stop_saver(saver: StateSaver | None) -> int:
    if saver is None:
        return 0
    try:
        saver.stop()
    except OSError as exc:
        print(f"xapiman-sim: cannot write the state file {saver.path}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    return 0


def serve_forever(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="xapiman-sim: %(message)s")
    done = stop_signal()
    try:
        check_arguments(args)
        sim = make_simulator(args, load_database(args))
    except BadInput as exc:
        print(f"xapiman-sim: {exc}", file=sys.stderr)
        return 1
    try:
        saver = start_saver(args, sim)
    except BadInput as exc:
        sim.stop()
        print(f"xapiman-sim: {exc}", file=sys.stderr)
        return 1
    try:
        warn_plain_http(args)
        announce(sim)
        while not done.wait(0.5):
            pass
    finally:
        sim.stop()
    return stop_saver(saver)
