"""One keep-alive HTTP(S) connection to one host, with time limits and readable errors."""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from xapiman import __version__ as _version
from xapiman.xapi import deadline as deadlines
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    AnswerTooLarge,
    ConnectionLost,
    ConnectionRefused,
    MalformedResponse,
    NetworkError,
    Timeout,
    TlsError,
    TransportError,
)
from xapiman.xapi.trust import CertificateTrust

USER_AGENT = f"xapiman/{_version}"
DEFAULT_MAX_ANSWER = 1 << 30  # bytes: a full read of the largest pools is a few hundred MB
_CHUNK = 1 << 20


@dataclass(frozen=True)
class HttpAnswer:
    """An HTTP answer read in full.

    Attributes:
        status, reason: the status line; content_type: without parameters, lower case.
        body: the whole body.
    """

    status: int
    reason: str
    content_type: str
    body: bytes


class HttpChannel:
    """A keep-alive connection to `endpoint`, used by one thread at a time.

    Every socket operation has a time limit: `connect_timeout` for the TCP connection and the
    TLS handshake, `read_timeout` (or the `timeout` of a request) for each read. Under an
    overall deadline (`deadline.within`), the whole exchange ends by it as well, however
    slowly the server trickles. An answer larger than `max_answer` bytes is refused as soon
    as that is known (before it is read when it says its length). HTTPS connections trust
    exactly what `trust` pins. `abort()` may be called from any other thread: it unblocks a
    pending read at once, and the channel refuses further use.

    Attributes:
        endpoint: the host; connect_timeout, read_timeout: seconds; max_answer: bytes.
    """

    def __init__(self, endpoint: Endpoint, trust: CertificateTrust | None, *,
                 connect_timeout: float, read_timeout: float,
                 max_answer: int = DEFAULT_MAX_ANSWER) -> None:
        self.endpoint = endpoint
        self.trust = trust
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_answer = max_answer
        self._conn: http.client.HTTPConnection | None = None
        self._opening: http.client.HTTPConnection | None = None
        self._aborted = threading.Event()
        self._cut_at_deadline = False

    # -- use --------------------------------------------------------------------------------

    def post(self, path: str, body: bytes, content_type: str,
             timeout: float | None = None) -> HttpAnswer:
        """POST `body` and read the whole answer.

        Raises:
            TransportError (ConnectionRefused, ConnectionLost, Timeout, TlsError ...).
        """
        headers = {"Content-Type": content_type, "User-Agent": USER_AGENT,
                   "Accept": content_type}
        return self._exchange("POST", path, body, headers, timeout)[0]

    def get(self, path: str, accept: str = "*/*", timeout: float | None = None
            ) -> tuple[HttpAnswer, str | None]:
        """GET `path` and read the whole answer; also the Location header (redirects).

        Raises:
            TransportError (ConnectionRefused, ConnectionLost, Timeout, TlsError ...).
        """
        headers = {"User-Agent": USER_AGENT, "Accept": accept}
        return self._exchange("GET", path, None, headers, timeout)

    def _exchange(self, method: str, path: str, body: bytes | None, headers: dict[str, str],
                  timeout: float | None) -> tuple[HttpAnswer, str | None]:
        address = self.endpoint.address
        limit = self.read_timeout if timeout is None else timeout
        self._cut_at_deadline = False
        conn: http.client.HTTPConnection | None = None
        with deadlines.guarded(self._cut) as deadline:
            try:
                if deadline is not None:
                    deadline.check(address)
                    limit = deadline.limit(limit)
                conn = self._connection()
                with self._translated("read", limit):
                    assert conn.sock is not None
                    conn.sock.settimeout(limit)
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = self._body(response)
            except BaseException as exc:
                # the connection's state is unknown now (the one this post used, even when
                # a close() from another thread took it away meanwhile)
                if conn is not None:
                    self._discard(conn)
                self.close()
                if deadline is not None and (self._cut_at_deadline or (
                        isinstance(exc, TransportError) and deadline.expired)):
                    raise deadline.error(address) from exc
                raise
        if response.will_close or self._conn is not conn:
            assert conn is not None
            self._discard(conn)  # closed meanwhile (or by the server): do not keep it
        content = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        return (HttpAnswer(response.status, response.reason, content, data),
                response.getheader("Location"))

    def _body(self, response: http.client.HTTPResponse) -> bytes:
        """The whole body, refused once it is known to exceed `max_answer`."""
        try:
            return self._read_body(response)
        except BaseException:
            # an answer that ends the connection owns the socket: close it with the answer
            response.close()
            raise

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        length = response.length
        if length is not None:
            if length > self.max_answer:
                raise AnswerTooLarge(length, self.max_answer, self.endpoint.address)
            return response.read()
        data = bytearray()
        while chunk := response.read1(_CHUNK):
            data += chunk
            if len(data) > self.max_answer:
                raise AnswerTooLarge(None, self.max_answer, self.endpoint.address)
        return bytes(data)

    def _cut(self) -> None:
        """The deadline passed (watchdog thread): unblock the socket wait under way."""
        self._cut_at_deadline = True
        conn = self._conn or self._opening
        sock = conn.sock if conn is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def abort(self) -> None:
        """Cut the connection now (from any thread); the channel is unusable afterwards."""
        self._aborted.set()
        conn = self._conn
        sock = conn.sock if conn is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def _discard(self, conn: http.client.HTTPConnection) -> None:
        """Close `conn`, which a post used, whether or not it is still the current one (a
        close() from another thread meanwhile leaves it to the post)."""
        if self._conn is conn:
            self._conn = None
        with contextlib.suppress(OSError):
            conn.close()

    @property
    def aborted(self) -> bool:
        return self._aborted.is_set()

    # -- streamed transfers ---------------------------------------------------------------------

    def stream(self) -> http.client.HTTPConnection:
        """The open connection (TLS checked against the pins), for a transfer that writes its
        request and reads its answer itself, a piece at a time (VM import and export). Wrap
        its use in `errors()`; `abort()` still cuts it from any other thread."""
        return self._connection()

    def errors(self, phase: str, limit: float) -> contextlib.AbstractContextManager[None]:
        """Socket, TLS and HTTP errors inside become this package's TransportErrors."""
        return self._translated(phase, limit)

    # -- connecting -------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self._aborted.is_set():
            self.close()
            raise ConnectionLost("the connection was closed", self.endpoint.address)
        conn = self._conn
        if conn is not None and conn.sock is not None and not _dropped(conn.sock):
            return conn
        self.close()
        conn = self._open()
        if self._aborted.is_set():  # aborted while connecting
            with contextlib.suppress(OSError):
                conn.close()
            raise ConnectionLost("the connection was closed", self.endpoint.address)
        self._conn = conn
        return conn

    def _open(self) -> http.client.HTTPConnection:
        try:
            return self._open_connection()
        finally:
            self._opening = None

    def _connect_limit(self) -> float:
        deadline = deadlines.current()
        return self.connect_timeout if deadline is None else deadline.limit(self.connect_timeout)

    def _open_connection(self) -> http.client.HTTPConnection:
        ep = self.endpoint
        if not ep.tls:
            limit = self._connect_limit()
            conn = self._opening = http.client.HTTPConnection(ep.host, ep.port, timeout=limit)
            self._connect(conn, limit)
            return conn
        if self.trust is None:
            raise TlsError("HTTPS needs a certificate trust store", ep.address)
        for attempt in range(2):
            context = self.trust.context_for(ep, self._connect_limit())
            limit = self._connect_limit()
            conn = self._opening = http.client.HTTPSConnection(ep.host, ep.port, timeout=limit,
                                                               context=context)
            try:
                self._connect(conn, limit)
            except _CertificateRefused as refused:
                if attempt:
                    raise TlsError(f"certificate refused: {refused.error}", ep.address) from None
                # returns only when the user accepted a new certificate: connect again
                self.trust.verification_failed(ep, refused.error, self._connect_limit())
                continue
            assert isinstance(conn.sock, ssl.SSLSocket)
            try:
                self.trust.check(ep, conn.sock)
            except BaseException:
                with contextlib.suppress(OSError):
                    conn.close()
                raise
            return conn
        raise AssertionError("unreachable")  # pragma: no cover

    def _connect(self, conn: http.client.HTTPConnection, limit: float) -> None:
        """Connect `conn`; when that fails, close what it opened (a TCP connection whose TLS
        handshake failed stays open otherwise)."""
        try:
            with self._translated("connect", limit):
                conn.connect()
        except BaseException:
            with contextlib.suppress(OSError):
                conn.close()
            raise

    @contextlib.contextmanager
    def _translated(self, phase: str, limit: float) -> Iterator[None]:
        """Turn socket, TLS and HTTP errors into this package's TransportError tree."""
        address = self.endpoint.address
        try:
            yield
        except TransportError:
            raise
        except ssl.SSLCertVerificationError as exc:
            raise _CertificateRefused(exc) from exc
        except ConnectionRefusedError as exc:
            raise ConnectionRefused("connection refused (is the host up, is this the right "
                                    "port?)", address) from exc
        except http.client.IncompleteRead as exc:
            raise ConnectionLost(f"the answer was cut after {len(exc.partial)} bytes",
                                 address) from exc
        except http.client.RemoteDisconnected as exc:
            raise ConnectionLost("the server closed the connection without answering",
                                 address) from exc
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as exc:
            what = "closed" if self._aborted.is_set() else "reset"
            raise ConnectionLost(f"the connection was {what}", address) from exc
        except TimeoutError as exc:
            text = (f"could not connect within {limit:g} s" if phase == "connect"
                    else f"no answer within {limit:g} s")
            raise Timeout(text, address, phase) from exc
        except ssl.SSLError as exc:
            raise TlsError(f"TLS failed: {exc.reason or exc}", address) from exc
        except http.client.HTTPException as exc:
            raise MalformedResponse(f"not a valid HTTP answer ({type(exc).__name__}: {exc})",
                                    address) from exc
        except OSError as exc:
            if self._aborted.is_set():
                raise ConnectionLost("the connection was closed", address) from exc
            raise NetworkError(f"network error: {exc.strerror or exc}", address) from exc


class _CertificateRefused(Exception):
    """Internal: the handshake refused the certificate (HttpChannel._open decides why)."""

    def __init__(self, error: ssl.SSLCertVerificationError) -> None:
        self.error = error
        super().__init__(str(error))


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle keep-alive socket was closed by the server (readable = EOF or junk)."""
    try:
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
