"""Running one verb of `xapiman-cli`: the connection it needs, errors in one line, exit status."""

from __future__ import annotations

import argparse
import sys

from xapiman.actions.common import ActionError
from xapiman.pools.profiles import ProfileError
from xapiman.pools.secrets import SecretStoreError
from xapiman.scripting.connect import CliError, open_connection
from xapiman.scripting.tree import OfflineRun, OnlineRun, Verb
from xapiman.xapi.errors import XapiClientError

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
    except REPORTED as exc:
        print(f"xapiman-cli: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("xapiman-cli: interrupted", file=sys.stderr)
        return 130


def one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())
