"""Secrets are kept out of every log line: message, arguments, exception text, repr."""

from __future__ import annotations

import io
import logging

from xapiman import logs
from xapiman.xapi.session import Credentials


def test_noted_secrets_are_blanked_in_messages_arguments_and_tracebacks() -> None:
    logs.keep_out_of_logs("s3cr3t-pass")
    logs.keep_out_of_logs("ab")  # too short to be blanked without blanking ordinary words
    stream = io.StringIO()
    handler = logs.configure(logging.DEBUG, "%(levelname)s %(message)s", stream)
    log = logging.getLogger("xapiman.test")
    try:
        log.debug("login with %r", ("root", "s3cr3t-pass"))
        log.debug("a table about tabs")
        try:
            raise ValueError("bad password s3cr3t-pass")
        except ValueError:
            log.warning("failed", exc_info=True)
        logging.getLogger("qasync._QThreadWorker").debug("callback args %s", "anything")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert "s3cr3t-pass" not in text
    assert text.count(logs.MASK) >= 3 and "a table about tabs" in text
    assert "callback args" not in text  # the executor's chatter stays out


def test_credentials_note_their_password_and_hide_it_from_repr() -> None:
    credentials = Credentials("root", "an0ther-secret")
    assert "an0ther-secret" not in repr(credentials)
    assert logs.redact("x an0ther-secret y") == f"x {logs.MASK} y"
