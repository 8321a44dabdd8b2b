"""Entry point of the scripting command line, `xapiman-cli`."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xapiman-cli",
        description="Script XenServer / XCP-ng pools with the same connection, cache and actions "
        "as the xapiman desktop app.",
    )
    conn = parser.add_argument_group("connection")
    conn.add_argument("--profile", metavar="NAME", help="connect with a saved connection profile")
    conn.add_argument("--url", metavar="URL", help="pool coordinator URL, e.g. https://10.0.0.1")
    conn.add_argument("--user", metavar="USER", help="user name (with --url)")
    conn.add_argument(
        "--password-file", metavar="F", help="read the password from F (else $XAPIMAN_PASSWORD, else a prompt)"
    )
    conn.add_argument("--fingerprint", metavar="SHA256", help="expect this server certificate (pins it)")
    conn.add_argument(
        "--trust-on-first-use",
        action="store_true",
        help="accept and print a certificate seen for the first time",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("stats", help="object counts and connect / load times")
    sub.add_parser("vm", help="list and operate VMs")
    sub.add_parser("profile", help="list, add and remove connection profiles")
    return parser


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
