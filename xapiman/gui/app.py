"""Start-up of the desktop app."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Open the main window. Until the window exists, --demo serves the demo pool alone."""
    if args.demo:
        from xapiman.sim.cli import main as sim_main

        sim_argv = ["--hosts", "2", "--vms", "20", "--speed", "1"]
        if args.demo_state:
            sim_argv += ["--state", args.demo_state]
        return sim_main(sim_argv)
    print("xapiman: the desktop window is not available yet; try --demo or --help")
    return 2
