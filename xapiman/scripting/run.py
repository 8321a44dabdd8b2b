"""Running one verb of `xapiman-cli`: the connection it needs, errors in one line, exit status."""

from __future__ import annotations

import argparse
import os
import sys

from xapiman.actions.common import ActionError
from xapiman.pools.profiles import ProfileError
from xapiman.pools.secrets import SecretStoreError
from xapiman.scripting.connect import CliError, open_connection
from xapiman.scripting.tree import OfflineRun, OnlineRun, Verb
from xapiman.xapi.errors import XapiClientError

BROKEN_PIPE = 141  # the status of a program ended by SIGPIPE (128 + 13), as shells expect
# OSError: files the user owns (a profiles.yaml that is a folder, a full disk ...)
REPORTED = (CliError, ActionError, XapiClientError, ProfileError, SecretStoreError,
            OSError, ValueError, TimeoutError)


def run(verb: Verb, args: argparse.Namespace) -> int:
    try:
        if not verb.online:
            offline: OfflineRun = verb.run  # type: ignore[assignment]
            return offline(args)
        online: OnlineRun = verb.run  # type: ignore[assignment]
        opened = open_connection(args)
        try:
            return online(opened, args)
        finally:
            opened.conn.close()
    except BrokenPipeError:  # the reader went away (`| head`): end quietly, as SIGPIPE would
        stdout_gone()
        return BROKEN_PIPE
    except REPORTED as exc:
        print(f"xapiman-cli: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("xapiman-cli: interrupted", file=sys.stderr)
        return 130


def stdout_gone() -> None:
    """Send what is still to be written to stdout nowhere (it cannot fail again at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())
