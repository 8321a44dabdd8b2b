"""Entry point of the scripting command line, `xapiman-cli`."""

from __future__ import annotations

import argparse
import logging
import math
import sys

from xapiman import logs
from xapiman.i18n import translate
from xapiman.scripting.terminal import safe_output
from xapiman.scripting.tree import CommandTree, Verb, register_all
from xapiman.xapi.state import Limits


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(translate(
            "Cli", "{text!r} is not a number of seconds above zero").format(text=text))
    return value


def mebibytes(text: str) -> float:
    """An argparse type: a size in MiB, from 0.001 (a KiB) to 1048576 (a TiB)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.001 <= value <= 1 << 20:  # false for nan as well
        raise argparse.ArgumentTypeError(translate(
            "Cli", "{text!r} is not a size in MiB from 0.001 to 1048576").format(text=text))
    return value


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
                      help="expect this server certificate (SHA-256, AB:CD:...) and pin it: in "
                      "the profile, or with --url in the known_hosts file beside the profiles")
    conn.add_argument("--trust-on-first-use", action="store_true",
                      help="accept, print and pin a certificate seen for the first time; a "
                      "changed certificate is still refused")
    conn.add_argument("--transport", choices=("auto", "jsonrpc", "xmlrpc"), default="auto",
                      help="wire protocol (default: JSON-RPC when the server has it)")
    conn.add_argument("--timeout", type=seconds, default=60.0, metavar="S",
                      help="overall seconds to connect, log in and load the pool, and to get it "
                      "back when it is lost during the run (default 60)")
    conn.add_argument("--answer-limit", type=mebibytes, default=Limits().answer_bytes / 2**20,
                      metavar="MIB", help="the largest answer read from the server, in MiB "
                      "(default %(default).0f: a pool of thousands of VMs needs a few hundred); a "
                      "larger one is refused before it fills memory")
    register_all(CommandTree(parser))
    return parser


def main(argv: list[str] | None = None) -> int:
    root = logging.getLogger()
    level = root.level
    with safe_output():
        handler = logs.configure(logging.WARNING, "xapiman-cli: %(message)s")
        try:
            return _main(argv)
        finally:
            root.removeHandler(handler)
            root.setLevel(level)  # as it was (main may run inside another program)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    verb: Verb | None = getattr(args, "verb", None)
    if verb is None:
        group_parser: argparse.ArgumentParser = getattr(args, "group_parser", parser)
        group_parser.print_help()
        return 2
    from xapiman.scripting.run import run

    return run(verb, args)


if __name__ == "__main__":
    sys.exit(main())
