"""Entry point of the desktop app, `xapiman`."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xapiman",
        description="Manage XenServer and XCP-ng pools: hosts, storage, networks and VMs "
        "in one live tree, with consoles, monitoring and everyday VM work.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in demo pool (the embedded XAPI simulator) and connect to it",
    )
    parser.add_argument(
        "--demo-state",
        metavar="FILE",
        help="where the demo pool keeps its state between runs (default: in the user data folder)",
    )
    parser.add_argument("--select", metavar="NAME", help="select this object once loaded")
    parser.add_argument("--tab", metavar="TAB", help="show this tab page of the selected object")
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="save a screenshot of the main window once the pool is loaded, then exit",
    )
    parser.add_argument("--debug", action="store_true", help="log debug messages to stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from xapiman.gui.app import run  # Qt is imported only when the window is wanted

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
