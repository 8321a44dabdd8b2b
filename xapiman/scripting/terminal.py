"""The command line's way of asking, of showing task progress, and of writing text from the
server to a terminal safely."""

from __future__ import annotations

import contextlib
import io
import sys
import time
import unicodedata
from collections.abc import Iterator
from typing import Any, TextIO

from xapiman.actions.prompts import Form

# what a terminal would act on rather than show: C0 and C1 controls, DEL, and the Unicode
# controls that reorder or hide text (bidirectional overrides, isolates)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                  "\u2066\u2067\u2068\u2069")
_LAYOUT = frozenset("\n\t\r")
STEP_WIDTH = 40  # characters of a task's current step shown beside its progress bar


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _acts(ch: str) -> bool:
    return ch in _BIDI or unicodedata.category(ch) == "Cc"


def printable(text: object) -> str:
    """`text` with every control character escaped (`\\x1b`, `\\n`, `\\u202e`): a name or
    message from the server, safe to put in one cell or one line of terminal output."""
    value = str(text)
    if not any(_acts(ch) for ch in value):
        return value
    return "".join(_escaped(ch) if _acts(ch) else ch for ch in value)


def cell(text: object, width: int) -> str:
    """`text` made printable and padded to `width` columns of a table; a longer one is cut
    with "…" as its last character, so a reader knows there is more (--json has it all)."""
    value = printable(text)
    if len(value) > width:
        value = value[:width - 1] + "…"
    return f"{value:<{width}}"


class SafeStream(io.TextIOBase):
    """A text stream that escapes control characters on their way to `inner`, except the line
    breaks, tabs and carriage returns the command line itself writes."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        if any(_acts(ch) and ch not in _LAYOUT for ch in text):
            text = "".join(_escaped(ch) if _acts(ch) and ch not in _LAYOUT else ch
                           for ch in text)
        return self.inner.write(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    """While inside: everything printed to stdout and stderr has its control characters
    escaped (names and messages come from the server, which may hold escape sequences)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(saved[0]), SafeStream(saved[1])
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdout, sys.stderr = saved


class TerminalPrompter:
    """Answers confirmations from --yes or a terminal question; forms from the options."""

    def __init__(self, assume_yes: bool) -> None:
        self.assume_yes = assume_yes

    async def confirm(self, title: str, text: str, *, destroys: tuple[str, ...] = (),
                      ok_label: str = "OK", danger: bool = False, remember: str = "") -> bool:
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

    async def edit(self, draft: Any, target: Any) -> Any | None:
        """The plan as the options made it (verbs pass it in the context's answers)."""
        return draft


def follow(handle, title: str, *, stream: TextIO | None = None,
           timeout: float = 3600.0) -> object:
    """Wait for a task, drawing a progress bar on a terminal (with the step it is at, for a
    task that has steps); returns its result."""
    stream = sys.stderr if stream is None else stream
    title = printable(title)
    tty = stream.isatty()
    deadline = time.monotonic() + timeout
    while not handle.done():
        if tty:
            done = int(handle.progress * 30)
            step = printable(getattr(handle, "detail", "") or "")[:STEP_WIDTH]
            stream.write(f"\r{title} [{'#' * done}{'.' * (30 - done)}] {handle.progress:4.0%}"
                         f" {step:<{STEP_WIDTH}}")
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
        stream.write("\r" + " " * (len(title) + 40 + STEP_WIDTH) + "\r")
    return handle.wait(0.1)
