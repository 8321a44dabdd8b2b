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
    parser.add_argument("--reset", action="store_true",
                        help="with --demo: start the demo pool afresh (its saved state is "
                             "removed)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--connect", metavar="URL",
                       help="open the pool at this address (https://host[:port], or host); "
                            "the password comes from XAPIMAN_PASSWORD, the keyring, or is "
                            "asked")
    where.add_argument("--profile", metavar="NAME",
                       help="open the pool of this saved connection profile")
    parser.add_argument("--user", metavar="USER",
                        help="with --connect: the user to log in as (default: root, or the "
                             "saved profile's)")
    parser.add_argument("--fingerprint", metavar="SHA256",
                        help="with --connect or --profile: trust only the server certificate "
                             "with this SHA-256 fingerprint (as xapiman-cli does)")
    parser.add_argument("--select", metavar="NAME",
                        help="select this object (name or uuid) once its pool is loaded")
    parser.add_argument("--tab", metavar="TAB", help="show this tab page of the selected object")
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="save a screenshot of the main window once the selected object is shown, then "
             "exit (works without a display)",
    )
    parser.add_argument("--size", metavar="WxH", type=window_size,
                        help="the window's size, e.g. 1366x768 (for screenshots)")
    parser.add_argument("--lang", metavar="LANG",
                        help="the language of the app (e.g. fr, en), instead of the "
                             "desktop's")
    parser.add_argument("--debug", action="store_true", help="log debug messages to stderr")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="put xapiman in the desktop's launcher for this user (its "
                             ".desktop entry and icons, under $XDG_DATA_HOME or "
                             "~/.local/share), then exit")
    return parser


def window_size(text: str) -> tuple[int, int]:
    """'1366x768' -> (1366, 768)."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size such as 1366x768") from None
    if not (200 <= width <= 16384 and 150 <= height <= 16384):
        raise argparse.ArgumentTypeError(f"{text!r} is too small or too large for a window")
    return width, height


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.reset and not args.demo:
        parser.error("--reset only applies to --demo")
    if args.demo and (args.connect or args.profile):
        parser.error("--demo opens the demo pool: leave out --connect and --profile")
    if args.user and not args.connect:
        parser.error("--user only applies to --connect (a profile names its user)")
    if args.fingerprint and not (args.connect or args.profile):
        parser.error("--fingerprint only applies to --connect or --profile")
    if args.install_desktop_entry:
        return install_desktop_entry()
    from xapiman.display import explain_missing_display

    problem = explain_missing_display(offscreen_ok=bool(args.screenshot))
    if problem:
        print(f"xapiman: {problem}", file=sys.stderr)
        return 1
    from xapiman.gui.app import run  # Qt is imported only when the window is wanted

    return run(args)


def install_desktop_entry() -> int:
    """Install the launcher entry naming the program that runs now; one line per result."""
    import os
    import shutil

    from xapiman.gui.desktop_entry import install  # Qt draws the icon's sizes (no display)

    executable = sys.argv[0] if os.path.basename(sys.argv[0]) == "xapiman" else ""
    executable = os.path.abspath(executable) if executable else (shutil.which("xapiman") or "")
    if not executable:
        print("xapiman: cannot tell where the xapiman program is: run this as xapiman "
              "--install-desktop-entry", file=sys.stderr)
        return 1
    try:
        files = install(executable)
    except (OSError, ValueError) as exc:
        print(f"xapiman: cannot install the desktop entry: {exc}", file=sys.stderr)
        return 1
    print(f"installed the desktop entry {files[0]} and {len(files) - 1} icons "
          f"(running {executable})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
