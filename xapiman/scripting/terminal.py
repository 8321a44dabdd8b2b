"""The command line's way of asking and of showing task progress."""

from __future__ import annotations

import sys
import time
from typing import Any

from xapiman.actions.prompts import Form


class TerminalPrompter:
    """Answers confirmations from --yes or a terminal question; forms from the options."""

    def __init__(self, assume_yes: bool) -> None:
        self.assume_yes = assume_yes

    async def confirm(self, title: str, text: str, *, destroys: tuple[str, ...] = (),
                      ok_label: str = "OK", danger: bool = False) -> bool:
        if self.assume_yes or not danger:
            return True
        lines = [text, *(f"  will destroy: {d}" for d in destroys)]
        if not sys.stdin.isatty():
            raise PermissionError("; ".join(lines) + " (add --yes to go ahead)")
        print("\n".join(lines), file=sys.stderr)
        return input(f"{ok_label}? [y/N] ").strip().lower() in ("y", "yes")

    async def ask(self, form: Form) -> dict[str, Any] | None:
        missing = [f.label for f in form.fields if f.default is None]
        if missing:
            raise ValueError(f"{form.title}: missing {', '.join(missing)}")
        return {f.key: f.default for f in form.fields}


def follow(handle, title: str, *, stream=sys.stderr, timeout: float = 3600.0) -> object:
    """Wait for a task, drawing a progress bar on a terminal; returns its result."""
    tty = stream.isatty()
    deadline = time.monotonic() + timeout
    while not handle.done():
        if tty:
            done = int(handle.progress * 30)
            stream.write(f"\r{title} [{'#' * done}{'.' * (30 - done)}] {handle.progress:4.0%}")
            stream.flush()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            handle.wait(min(0.2, remaining))
        except TimeoutError:
            continue
        except Exception:
            break
    if tty:
        stream.write("\r" + " " * (len(title) + 40) + "\r")
    return handle.wait(0.1)
