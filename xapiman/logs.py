"""What goes to the logs: the one set-up of the app and the command line, with secrets kept out.

Every password and session the program handles is noted here (`keep_out_of_logs`), and the
formatter `configure()` installs blanks them wherever they appear (message, arguments,
exception text), whoever logged them, a library included. Libraries that log the arguments of
every call they run (qasync's executor) are kept at INFO.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TextIO

MASK = "********"
_SHORTEST = 3  # shorter "secrets" would blank ordinary words of every line

# loggers that log the arguments and results of every call at DEBUG (passwords among them)
_CHATTY = ("qasync",)

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()


def keep_out_of_logs(secret: object) -> None:
    """Note a secret (a password, a session ref) so that no log line shows it."""
    global _secrets
    if not isinstance(secret, str) or len(secret) < _SHORTEST:
        return
    with _lock:
        if secret not in _secrets:
            _secrets = _secrets | {secret}


def redact(text: str) -> str:
    """`text` with every noted secret replaced by a mask (longest first)."""
    secrets = _secrets
    if not secrets or not any(s in text for s in secrets):
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats with `inner`, then blanks the noted secrets in the whole text."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def configure(level: int, fmt: str, stream: TextIO | None = None) -> logging.Handler:
    """Log records of `level` and above to `stream` (default stderr), secrets blanked; returns
    the handler (remove it from the root logger to stop)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(RedactingFormatter(logging.Formatter(fmt)))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    return handler
