"""Running a registered action from a verb: check it can run, answer its questions from the
options, follow its tasks to their end (a progress bar on a terminal) and say how each ended."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import Any

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.base import Started
from xapiman.i18n import translate
from xapiman.scripting.connect import CliError
from xapiman.scripting.terminal import TerminalPrompter, follow, printable


def task_options(p: argparse.ArgumentParser, *, destructive: bool = True) -> None:
    """The options of every verb that starts a task."""
    p.add_argument("--no-wait", action="store_true",
                   help=translate("Cli", "print the task and return at once"))
    if destructive:
        p.add_argument("--yes", action="store_true",
                       help=translate("Cli", "do not ask before destructive steps"))


def act(args: argparse.Namespace, action_id: str, targets: Sequence[Target],
        answers: dict[str, Any] | None = None, *, immediate: bool = False) -> list[object]:
    """Run the action on `targets`; the results of its tasks, in order.

    `immediate`: the action does its work without a task (a setting changed at once), so that
    no task is not a refusal. Raises CliError when it cannot run or did nothing.
    """
    action = REGISTRY[action_id]
    available = action.can_run(targets)
    if not available:
        names = ", ".join(f"'{t.name()}'" for t in targets)
        raise CliError(translate("Cli", "cannot {what} {names}: {why}").format(
            what=action.label.rstrip("…").lower(), names=names, why=available.reason))
    ctx = ActionContext(TerminalPrompter(getattr(args, "yes", False)), answers=answers or {})
    started: list[Started] = asyncio.run(action.run(ctx, list(targets)))
    if not started:
        if immediate:
            return []
        raise CliError(translate("Cli", "nothing was done"))
    if getattr(args, "no_wait", False):
        for item in started:
            print(item.handle.ref)
        return []
    results = []
    for item in started:
        results.append(follow(item.handle, item.title))
        detail = getattr(item.handle, "detail", "")
        if detail:
            print(printable(detail), file=sys.stderr)
    return results


def uuid_of(cache, cls: str, ref: object) -> str:
    """The uuid of a made object (its ref when the cache does not hold it)."""
    rec = cache.record(cls, str(ref))
    return str(rec["uuid"]) if rec else str(ref)
