"""`xapiman-cli vm screenshot` and `host screenshot`: one frame of a console, as a PNG file.

The frame comes through XAPI's console tunnel on the host the VM runs on, decoded by the
project's own RFB client.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xapiman.atomic import atomic_write_bytes
from xapiman.i18n import translate
from xapiman.rfb import Options, RfbError, capture, to_png
from xapiman.scripting import resolve
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.tree import CommandTree
from xapiman.xapi.console import NoConsole, locate, open_tunnel


def register(tree: CommandTree) -> None:
    for group_name, group_help, what in (
            ("vm", "list and operate VMs", "VM"),
            ("host", "operate the pool's hosts", "host")):
        group = tree.group(group_name, group_help)
        shot = tree.verb(group, "screenshot", translate(
            "CLI", "save one frame of the {what}'s console as a PNG file").format(what=what),
            screenshot)
        shot.add_argument("target", metavar=what.upper(), help=translate(
            "CLI", "the {what}'s name or uuid").format(what=what))
        shot.add_argument("--output", "-o", required=True, metavar="FILE.png",
                          help=translate("CLI", "where to write the PNG image"))
        shot.add_argument("--wait", type=float, default=30.0, metavar="S", help=translate(
            "CLI", "seconds to wait for the whole screen (default 30)"))
        shot.set_defaults(console_kind=group_name)


def screenshot(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    kind = args.console_kind
    what = translate("CLI", "VM") if kind == "vm" else translate("CLI", "host")
    ref = resolve.find(conn.cache, kind, args.target, what=what)
    target = locate(conn, ref)
    if isinstance(target, NoConsole):
        raise CliError(target.reason)
    tunnel = open_tunnel(conn, target)
    try:
        fb = capture(tunnel.sock, options=Options(prefix=tunnel.prefix), timeout=args.wait)
    except RfbError as exc:
        raise CliError(translate("CLI", "the console failed: {error}").format(error=exc)) \
            from None
    path = Path(args.output)
    try:
        atomic_write_bytes(path, to_png(fb), mode=0o644)
    except OSError as exc:
        raise CliError(translate("CLI", "cannot write {path}: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    print(translate("CLI", "{path}: {w}x{h} console frame").format(
        path=path, w=fb.width, h=fb.height), file=sys.stderr)
    return 0
