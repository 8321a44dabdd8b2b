"""`xapiman-cli pool join|eject|designate`: pool membership (the `pool_membership` actions)."""

from __future__ import annotations

import argparse
import os
import sys
from getpass import getpass

from xapiman.actions import Target
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.tree import CommandTree
from xapiman.scripting.verbs.ha import run_action

PASSWORD_ENV = "XAPIMAN_COORDINATOR_PASSWORD"


def register(tree: CommandTree) -> None:
    group = tree.group("pool", "the pool: high availability, membership")
    join = tree.verb(group, "join", "add this standalone server to the pool of another "
                                    "coordinator", pool_join)
    join.add_argument("--coordinator", required=True, metavar="URL",
                      help="the coordinator of the pool to join (URL or address)")
    join.add_argument("--coordinator-user", default="root", metavar="USER")
    join.add_argument("--coordinator-password-file", metavar="FILE",
                      help=f"its password (else ${PASSWORD_ENV}, else asked)")
    eject = tree.verb(group, "eject", "remove a server from the pool (it restarts standalone, "
                                      "its local storage is lost)", pool_eject)
    eject.add_argument("host", help="the server (name or uuid)")
    eject.add_argument("--yes", action="store_true", help="do not ask first")
    designate = tree.verb(group, "designate", "make another server the pool's coordinator",
                          pool_designate)
    designate.add_argument("host", help="the server (name or uuid)")


def coordinator_password(args: argparse.Namespace) -> str:
    if args.coordinator_password_file:
        try:
            with open(args.coordinator_password_file, encoding="utf-8") as f:
                return f.readline().rstrip("\n")
        except OSError as exc:
            raise CliError(f"cannot read {args.coordinator_password_file}: {exc}") from None
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise CliError(f"no password for the coordinator: set {PASSWORD_ENV} or use "
                       "--coordinator-password-file")
    return getpass("Coordinator's password: ")


def host_target(opened: Opened, text: str) -> Target:
    return Target(opened.conn, "host", resolve.find(opened.conn.cache, "host", text,
                                                    what="server"))


def pool_join(opened: Opened, args: argparse.Namespace) -> int:
    pool = next(iter(opened.conn.cache.records("pool")), None)
    if pool is None:
        raise CliError("the server has no pool object")
    answers = {"coordinator": args.coordinator, "user": args.coordinator_user,
               "password": coordinator_password(args)}
    return run_action("pool.join", [Target(opened.conn, "pool", pool)], answers, True)


def pool_eject(opened: Opened, args: argparse.Namespace) -> int:
    return run_action("host.eject", [host_target(opened, args.host)], {}, args.yes)


def pool_designate(opened: Opened, args: argparse.Namespace) -> int:
    return run_action("host.designate", [host_target(opened, args.host)], {}, True)
