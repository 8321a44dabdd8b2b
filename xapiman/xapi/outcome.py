"""Which calls change things on the server: those whose failure in transit leaves their
outcome unknown (a read can simply be made again)."""

from __future__ import annotations

from xapiman.xapi.errors import ConnectionLost, MalformedResponse, Timeout, TransportError

# messages that only read, beyond the get_* / assert_* families
_READS = frozenset({"event.from", "event.next", "event.get_current_id", "host.list_methods",
                    "session.login_with_password", "session.logout"})


def changes_things(method: str) -> bool:
    """Whether `method` (with or without "Async.") may change something on the server."""
    name = method.removeprefix("Async.")
    message = name.rpartition(".")[2]
    return not (message.startswith(("get_", "assert_")) or name in _READS)


def may_have_run(error: TransportError) -> bool:
    """Whether the request may have reached the server before `error` (a cut or missing
    answer), as opposed to failing before it went out (refused, no connection)."""
    if isinstance(error, Timeout):
        return error.phase != "connect"
    return isinstance(error, ConnectionLost | MalformedResponse)
