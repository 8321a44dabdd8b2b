"""Every exception the XAPI client raises, as one tree.

::

    XapiClientError                    root: catch this to catch everything from xapiman.xapi
    ├── XapiError(code, params)        the server answered with a Failure
    │   ├── SessionInvalid             SESSION_INVALID (the client re-logs in by itself)
    │   ├── SessionAuthenticationFailed  SESSION_AUTHENTICATION_FAILED (wrong user/password)
    │   ├── HostIsSlave                HOST_IS_SLAVE (the client follows it by itself)
    │   ├── EventsLost                 EVENTS_LOST (the cache resynchronises by itself)
    │   ├── HandleInvalid              HANDLE_INVALID (the object is gone)
    │   └── TaskCancelled              TASK_CANCELLED
    ├── TransportError                 the exchange failed: nothing or garbage came back
    │   ├── ConnectionRefused          nobody listens at that address
    │   ├── ConnectionLost             reset, closed or cut in the middle of an answer
    │   ├── NetworkError               unreachable host, unknown name, other socket errors
    │   ├── Timeout                    no connection or no answer within the time limit
    │   ├── HttpError                  an HTTP status other than 200
    │   ├── MalformedResponse          the answer is not XML-RPC / JSON-RPC
    │   │   └── UnexpectedContentType  the answer has another content type (no JSON-RPC here)
    │   ├── AnswerTooLarge             the answer exceeds the size limit
    │   └── OutcomeUnknown             a call that changes things failed in transit: it may
    │                                  or may not have been applied
    │   └── TlsError                   the TLS handshake failed
    │       ├── CertificateRejected    a certificate nobody accepted (first use)
    │       └── CertificateChanged     not the pinned certificate
    ├── NotConnected                   the connection is closed, failed or still reconnecting
    ├── RedirectLoop                   HOST_IS_SLAVE answers that lead nowhere
    └── TaskLost                       a followed task disappeared before it ended

A call that fails after its request was sent is never repeated by the client (it may have run);
the only automatic retry is after SESSION_INVALID / HOST_IS_SLAVE, which xapi answers before
running anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.i18n import translate
from xapiman.xapi.errorparams import param_names
from xapiman.xapi.errortext import explain


class XapiClientError(Exception):
    """Root of everything the XAPI client raises."""


class XapiError(XapiClientError):
    """The server answered `Failure [code, params...]`.

    Attributes:
        code: the raw error code, e.g. "VM_BAD_POWER_STATE".
        params: the error's arguments, as strings (xapi sends strings).
        sentence: a readable sentence: what failed, why, what to do.
    """

    code_name: str = ""  # set on subclasses bound to one code

    def __init__(self, code: str, params: Sequence[object] = ()) -> None:
        self.code = code
        self.params: tuple[str, ...] = tuple(str(p) for p in params)
        self.sentence = explain(code, self.params)
        super().__init__(f"{self.sentence} [{' '.join((code, *self.params))}]")

    @property
    def description(self) -> list[str]:
        """The error as xapi sends it: [code, params...]."""
        return [self.code, *self.params]

    @property
    def details(self) -> dict[str, str]:
        """The arguments by their declared names (`arg3`... beyond the declared ones)."""
        names = param_names(self.code)
        return {
            (names[i] if i < len(names) else f"arg{i + 1}"): value
            for i, value in enumerate(self.params)
        }

    def __reduce__(self) -> tuple[object, ...]:
        return (error_from_description, ([self.code, *self.params],))

    @classmethod
    def from_description(cls, description: Sequence[object]) -> XapiError:
        """The exception for a Failure's ErrorDescription, of its subclass when there is one."""
        return error_from_description(description)


class SessionInvalid(XapiError):
    """SESSION_INVALID: the session expired or was logged out."""

    code_name = "SESSION_INVALID"


class SessionAuthenticationFailed(XapiError):
    """SESSION_AUTHENTICATION_FAILED: wrong user name or password."""

    code_name = "SESSION_AUTHENTICATION_FAILED"


class HostIsSlave(XapiError):
    """HOST_IS_SLAVE: this host is a supporter; `coordinator_address` is the coordinator."""

    code_name = "HOST_IS_SLAVE"

    @property
    def coordinator_address(self) -> str:
        return self.params[0] if self.params else ""


class EventsLost(XapiError):
    """EVENTS_LOST: the event stream fell too far behind; re-read everything."""

    code_name = "EVENTS_LOST"


class HandleInvalid(XapiError):
    """HANDLE_INVALID: the referenced object does not exist (any more)."""

    code_name = "HANDLE_INVALID"


class TaskCancelled(XapiError):
    """TASK_CANCELLED: the task was cancelled before it finished."""

    code_name = "TASK_CANCELLED"


_BY_CODE: dict[str, type[XapiError]] = {
    c.code_name: c
    for c in (SessionInvalid, SessionAuthenticationFailed, HostIsSlave, EventsLost,
              HandleInvalid, TaskCancelled)
}


def error_from_description(description: Sequence[object]) -> XapiError:
    """The exception for `[code, params...]` (an empty description gives INTERNAL_ERROR)."""
    if not description:
        return XapiError("INTERNAL_ERROR", ["the server sent an empty error description"])
    code = str(description[0])
    return _BY_CODE.get(code, XapiError)(code, description[1:])


class TransportError(XapiClientError):
    """The exchange with the server failed; `address` is the host:port it was with.

    Attributes:
        address: "host:port" of the server, when known.
    """

    def __init__(self, message: str, address: str = "") -> None:
        self.address = address
        super().__init__(f"{address}: {message}" if address else message)


class ConnectionRefused(TransportError):
    """Nobody accepts connections at that address (server down, wrong port, firewall)."""


class ConnectionLost(TransportError):
    """The connection was reset or closed before the whole answer arrived."""


class NetworkError(TransportError):
    """The address is unreachable or unknown, or another socket error happened."""


class Timeout(TransportError, TimeoutError):
    """No connection or no answer within the stated limit.

    Attributes:
        phase: "connect" (no connection / TLS handshake in time), "read" (no answer), or
            "deadline" (an overall deadline passed: see deadline.py).
    """

    def __init__(self, message: str, address: str = "", phase: str = "read") -> None:
        self.phase = phase
        super().__init__(message, address)


class HttpError(TransportError):
    """The server answered with an HTTP status other than 200.

    Attributes:
        status: the HTTP status code; reason: its reason phrase.
    """

    def __init__(self, status: int, reason: str, address: str = "", body: str = "") -> None:
        self.status = status
        self.reason = reason
        text = f"the server answered HTTP {status} {reason}"
        if body:
            text += f": {body[:200]}"
        super().__init__(text, address)


class MalformedResponse(TransportError):
    """The answer could not be read as XML-RPC / JSON-RPC."""


class UnexpectedContentType(MalformedResponse):
    """The answer's content type is not the protocol's (e.g. no JSON-RPC on this server).

    Attributes:
        content_type: the content type the server sent.
    """

    def __init__(self, content_type: str, expected: str, address: str = "") -> None:
        self.content_type = content_type
        super().__init__(f"the server answered {content_type or 'no content type'} "
                         f"where {expected} was expected", address)


class AnswerTooLarge(TransportError):
    """The answer is larger than the client accepts (a broken or hostile server).

    Attributes:
        size: the size the server announced (None when it did not say); limit: bytes.
    """

    def __init__(self, size: int | None, limit: int, address: str = "") -> None:
        self.size = size
        self.limit = limit
        said = (translate("Errors", "the server announced an answer of {size} bytes").format(
            size=size) if size is not None else
            translate("Errors", "the server's answer grew past the limit"))
        super().__init__(translate(
            "Errors", "{said}; answers are limited to {limit} bytes (raise the limit only for "
            "a pool this large)").format(said=said, limit=limit), address)


class OutcomeUnknown(TransportError):
    """A call that changes things failed after its request went out (cut answer, no answer
    in time): the server may or may not have applied it.

    Attributes:
        method: the call ("VM.set_name_label"); cause: the transport error behind it.
    """

    def __init__(self, method: str, cause: TransportError) -> None:
        self.method = method
        self.cause = cause
        super().__init__(translate(
            "Errors", "{cause}; {method} may or may not have been applied on the server: check "
            "before trying again").format(cause=cause, method=method))


class TlsError(TransportError):
    """The TLS handshake failed (protocol mismatch, broken certificate ...)."""


class CertificateRejected(TlsError):
    """The server's certificate is not trusted and nobody accepted it.

    Attributes:
        fingerprint: SHA-256 fingerprint of the presented certificate (AB:CD:...).
    """

    def __init__(self, fingerprint: str, address: str = "", why: str = "") -> None:
        self.fingerprint = fingerprint
        super().__init__(
            f"the server's certificate ({fingerprint}) is not trusted"
            + (f": {why}" if why else "; accept it to connect"),
            address,
        )


class CertificateChanged(TlsError):
    """The server presents another certificate than the pinned one.

    Attributes:
        old: the pinned fingerprint; new: the fingerprint the server presents now.
    """

    def __init__(self, old: str, new: str, address: str = "") -> None:
        self.old = old
        self.new = new
        super().__init__(
            "the server's certificate has changed: the pinned certificate is "
            f"{old}, the server now presents {new}. This happens after a certificate renewal or "
            "a reinstall, and also when someone intercepts the connection; accept the new "
            "certificate only if you know why it changed",
            address,
        )


class NotConnected(XapiClientError):
    """The connection cannot take calls now (not connected, closed, failed or reconnecting)."""


class RedirectLoop(XapiClientError):
    """HOST_IS_SLAVE answers kept pointing at hosts that are not the coordinator."""


class TaskLost(XapiClientError):
    """A followed task disappeared (destroyed by someone else) before it ended.

    Attributes:
        task: the task's ref.
    """

    def __init__(self, task: str) -> None:
        self.task = task
        super().__init__(f"the task {task} disappeared before it ended; its result is unknown")
