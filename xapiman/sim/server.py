"""The HTTP(S) server of one simulated host: XML-RPC, JSON-RPC and the side channels.

It faces a network, so every connection is bounded: a new connection waits for its first bytes
without a thread (`_Arrivals`), at most `max_workers` connections are served at once, the
request line and headers must arrive within `header_timeout` however slowly they trickle, an
idle keep-alive connection is closed after `idle_timeout`, and a large RPC body is read only
for a call that carries a live session.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import selectors
import socket
import ssl
import threading
import time
from html import escape as escape_html
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, cast

from xapiman.sim import faults as faults_mod
from xapiman.sim.addresses import own_address
from xapiman.sim.errors import Failure
from xapiman.sim.routes import ROUTES, Request
from xapiman.sim.wire import jsonrpc, xmlrpc

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim.http")

MAX_RPC_BODY = 64 * 1024 * 1024  # bytes a single RPC request may carry
PRE_AUTH_BODY = 256 * 1024  # bytes a request may carry before it shows a live session
_PEEK = 64 * 1024  # bytes read to find the session of a large request
_SESSION_REF = re.compile(rb"OpaqueRef:[0-9A-Za-z-]{8,64}")
_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")


class HostServer(ThreadingHTTPServer):
    """Listens for one host; `host` is that host's ref in the simulator's database.

    Attributes:
        advertised: the "host:port" this host gives the pool (host records, HOST_IS_SLAVE).
        first_request_timeout, idle_timeout, header_timeout, body_timeout: seconds (see the
            module's text); max_workers, max_waiting: connections served / waiting at once.
        refused: connections closed because every worker was busy or too many waited.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    first_request_timeout = 10.0
    idle_timeout = 60.0
    header_timeout = 10.0
    body_timeout = 60.0
    max_workers = 512
    max_waiting = 4096

    def __init__(self, sim: Simulator, host: str, bind: str, port: int,
                 tls: ssl.SSLContext | None, advertise: str | None = None,
                 reserved: socket.socket | None = None) -> None:
        """Listen on (bind, port), or on `reserved`: a socket bound already (see `stop`)."""
        self.sim = sim
        self.host = host
        self.tls = tls
        if ":" in bind:  # an IPv6 address ("::" takes IPv4 clients too, as Linux does)
            self.address_family = socket.AF_INET6
        super().__init__((bind, port), _Handler, bind_and_activate=reserved is None)
        if reserved is not None:
            self.socket.close()
            self.socket = reserved
            self.server_address = reserved.getsockname()
            self.server_activate()
        self.advertised_host = advertise or (own_address(":" in bind) if _wildcard(bind) else bind)
        self.thread: threading.Thread | None = None
        self.refused = 0
        self._workers = threading.BoundedSemaphore(self.max_workers)
        self.arrivals = _Arrivals(self)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def advertised(self) -> str:
        host = self.advertised_host
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.advertised}"

    def get_request(self):
        sock, addr = super().get_request()
        # headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer back by about 40 ms
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.sim.faults.refuse_connections:
            _close(sock)
            raise OSError("connection refused by a fault")
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def process_request(self, request, client_address) -> None:
        """Accepted: wait (without a thread) for the first bytes."""
        self.arrivals.add(request, client_address)

    def begin(self, request: socket.socket, client_address: object) -> None:
        """The first bytes came: serve the connection on a worker thread, if one is free."""
        if not self._workers.acquire(blocking=False):
            self.refused += 1
            log.warning("every worker is busy: connection from %s refused", client_address)
            if self.tls is None:
                with contextlib.suppress(OSError):
                    request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                                    b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            _close(request)
            return
        threading.Thread(target=self._work, args=(request, client_address), daemon=True,
                         name=f"sim-conn-{self.port}").start()

    def _work(self, request: socket.socket, client_address: object) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._workers.release()

    def start(self) -> None:
        self.arrivals.start()
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=f"sim-host-{self.port}", daemon=True)
        self.thread.start()

    def stop(self) -> socket.socket | None:
        """Stop listening and cut every open connection, as a host that dies would.

        Returns a socket bound to the same address that does not listen: connections to the
        dead host are refused, and no other socket of this machine can take its port until the
        host comes back on it (None when the port could not be held)."""
        self.shutdown()
        address, family = self.server_address, self.socket.family
        self.server_close()
        self.arrivals.stop()
        for sock in list(_Handler.open_sockets.get(self, ())):
            _close(sock)
        held = socket.socket(family, socket.SOCK_STREAM)
        try:
            held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            held.bind(address)
        except OSError:
            held.close()
            return None
        return held

    def handle_error(self, request, client_address) -> None:  # noqa: ARG002
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


def _wildcard(bind: str) -> bool:
    return bind in ("", "0.0.0.0", "::")


class _Arrivals:
    """New connections wait here, on one thread for all, until their first bytes arrive (or
    `first_request_timeout` passes: then they are closed)."""

    def __init__(self, server: HostServer) -> None:
        self.server = server
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._incoming: list[tuple[socket.socket, object]] = []
        self._waiting: dict[socket.socket, tuple[float, object]] = {}
        self._lock = threading.Lock()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"sim-arrivals-{server.port}")

    def start(self) -> None:
        self._thread.start()

    def add(self, sock: socket.socket, address: object) -> None:
        with self._lock:
            if self._stopping or len(self._waiting) + len(self._incoming) \
                    >= self.server.max_waiting:
                self.server.refused += 1
                _close(sock)
                return
            self._incoming.append((sock, address))
        self._wake()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
        self._wake()
        self._thread.join(2.0)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._stopping:
                        break
                    incoming, self._incoming = self._incoming, []
                limit = time.monotonic() + self.server.first_request_timeout
                for sock, address in incoming:
                    self._waiting[sock] = (limit, address)
                    self._selector.register(sock, selectors.EVENT_READ)
                timeout = None
                if self._waiting:
                    timeout = max(0.0, min(d for d, _ in self._waiting.values())
                                  - time.monotonic())
                for key, _ in self._selector.select(timeout):
                    if key.fileobj is self._wake_r:
                        with contextlib.suppress(OSError):
                            self._wake_r.recv(4096)
                        continue
                    ready = cast(socket.socket, key.fileobj)
                    self._selector.unregister(ready)
                    _, address = self._waiting.pop(ready)
                    self.server.begin(ready, address)
                now = time.monotonic()
                for sock, (limit, _) in list(self._waiting.items()):
                    if limit <= now:  # connected and said nothing
                        self._selector.unregister(sock)
                        del self._waiting[sock]
                        _close(sock)
        finally:
            for sock in list(self._waiting):
                _close(sock)
            self._waiting.clear()
            with self._lock:
                for sock, _ in self._incoming:
                    _close(sock)
                self._incoming.clear()
            self._selector.close()
            self._wake_r.close()
            self._wake_w.close()


class _TimedReader(io.RawIOBase):
    """The socket as a raw stream whose reads end by a deadline (however slowly bytes come),
    or, without one, after `idle` seconds of silence (None: no limit)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: float | None = None
        self.idle: float | None = None

    def limit(self, deadline: float | None, idle: float | None) -> None:
        self.deadline, self.idle = deadline, idle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request did not arrive in time")
            self.sock.settimeout(left if self.idle is None else min(left, self.idle))
        else:
            self.sock.settimeout(self.idle)
        return self.sock.recv_into(buffer)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def _clean(text: str) -> str:
    """An error text without memory addresses (they help an attacker, never a user)."""
    return _ADDRESS.sub("", text)


def _cleaned(description: list) -> list:
    """A Failure's description with memory addresses taken out of its texts."""
    return [_clean(part) if isinstance(part, str) and " at 0x" in part else part
            for part in description]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xapi/25.0"
    sys_version = ""
    server: HostServer
    open_sockets: dict[HostServer, set[socket.socket]] = {}

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.server.header_timeout)
            self.request.do_handshake()
        super().setup()
        self.rfile.close()
        self._reader = _TimedReader(self.connection)
        self._buffered = io.BufferedReader(self._reader, 65536)
        self.rfile = self._buffered
        self.open_sockets.setdefault(self.server, set()).add(self.request)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.open_sockets.get(self.server, set()).discard(self.request)

    def handle_one_request(self) -> None:
        """Wait for the next request (idle limit), then give its head `header_timeout`."""
        server = self.server
        self._reader.limit(None, server.idle_timeout)
        try:
            if not self._buffered.peek(1):
                self.close_connection = True
                return
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        self._reader.limit(time.monotonic() + server.header_timeout, server.idle_timeout)
        super().handle_one_request()

    def parse_request(self) -> bool:
        try:
            return super().parse_request()
        finally:
            self._reader.limit(None, self.server.idle_timeout)  # the head is in

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        log.debug("%s %s", self.address_string(), format % args)

    # -- RPC --------------------------------------------------------------------------------

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        path = self.path.partition("?")[0]
        if path == "/jsonrpc":
            self._jsonrpc(body)
        else:
            self._xmlrpc(body)

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._plain(411, "Length Required: chunked requests are not accepted")
            return None
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            self._plain(400, "Bad Content-Length")
            return None
        if length < 0 or length > MAX_RPC_BODY:
            self._plain(413, "Request Entity Too Large")
            self.close_connection = True
            return None
        self._reader.limit(time.monotonic() + self.server.body_timeout, self.server.idle_timeout)
        try:
            if length <= PRE_AUTH_BODY:
                return self._read_exactly(length)
            head = self._read_exactly(min(_PEEK, length))
            if head is None:
                return None
            if not self._has_live_session(head):
                self._plain(413, f"Request Entity Too Large: a request without a valid session "
                                 f"may carry at most {PRE_AUTH_BODY} bytes")
                self.close_connection = True
                return None
            rest = self._read_exactly(length - len(head))
            return None if rest is None else head + rest
        finally:
            self._reader.limit(None, self.server.idle_timeout)

    def _read_exactly(self, length: int) -> bytes | None:
        try:
            data = self.rfile.read(length)
        except (TimeoutError, OSError):
            data = b""
        if len(data) < length:  # cut, or too slow
            self.close_connection = True
            return None
        return data

    def _has_live_session(self, head: bytes) -> bool:
        found = _SESSION_REF.search(head)
        if found is None:
            return False
        db = self.server.sim.db
        return db.find(found.group().decode("ascii"), "session") is not None

    def _call(self, method: str, params: list[object]) -> object:
        sim = self.server.sim
        faults_mod.set_current_socket(self.request)
        try:
            if sim.faults.latency > 0:
                faults_mod.Faults.pause(sim.faults, sim.faults.latency)
            return sim.dispatcher.dispatch(method, params, self.server.host)
        finally:
            sim.faults.after_call()
            faults_mod.set_current_socket(None)

    def _decode_failed(self, exc: BaseException) -> None:
        if isinstance(exc, RecursionError):
            text = "the request is nested too deeply"
        else:
            text = _clean(str(exc))
        self._plain(500, f"Internal Server Error: {text}", html=True)

    def _xmlrpc(self, body: bytes) -> None:
        try:
            method, params = xmlrpc.decode_call(body)
        except (xmlrpc.ParseError, RecursionError, ValueError) as exc:
            self._decode_failed(exc)
            return
        try:
            answer = xmlrpc.success(self._call(method, params))
        except Failure as failure:
            answer = xmlrpc.failure(_cleaned(failure.description))
        except ConnectionError:
            self.close_connection = True
            return
        except Exception as exc:
            log.exception("%s failed", method)
            answer = xmlrpc.failure(["INTERNAL_ERROR", _clean(repr(exc))])
        self._send_rpc(answer, "text/xml", method)

    def _jsonrpc(self, body: bytes) -> None:
        try:
            call = jsonrpc.decode_call(body)
        except (jsonrpc.ParseError, RecursionError, ValueError) as exc:
            self._decode_failed(exc)
            return
        try:
            answer = jsonrpc.success(call, self._call(call.method, call.params))
        except Failure as failure:
            answer = jsonrpc.failure(call, _cleaned(failure.description))
        except ConnectionError:
            self.close_connection = True
            return
        except Exception as exc:
            log.exception("%s failed", call.method)
            answer = jsonrpc.failure(call, ["INTERNAL_ERROR", _clean(repr(exc))])
        self._send_rpc(answer, "application/json", call.method)
    def _send_rpc(self, answer: bytes, content_type: str, method: str) -> None:
        faults = self.server.sim.faults
        if faults.take("malformed_responses"):
            answer = b"<html><body>this is not what you asked for" + b"\x00\xff" * 8
        cut = faults.cut_answer(method)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if cut:
            self.wfile.write(answer[: len(answer) // 2])
            self.wfile.flush()
            self.close_connection = True
            _close(self.request)
            return
        self.wfile.write(answer)

    def _plain(self, status: int, text: str, html: bool = False) -> None:
        body = (f"<html><body><h1>HTTP {status}</h1>{escape_html(text)}</body></html>" if html
                else text).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if html else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self) -> None:
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "content-type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- side channels ----------------------------------------------------------------------

    def _route(self, method: str) -> None:
        # transfers and console tunnels run as long as they need, as before
        self._reader.limit(None, None)
        self.connection.settimeout(None)
        request = Request.parse(self, self.server.sim, self.server.host)
        fn = ROUTES.get((method, request.path))
        if fn is None:
            self._plain(404, f"Not Found: {method} {request.path}")
            return
        try:
            fn(request)
        except Failure as failure:
            if failure.code in ("SESSION_INVALID", "SESSION_AUTHENTICATION_FAILED"):
                self._plain(401, "Unauthorized")
            else:
                self._plain(500, " ".join(failure.description))
        except (ConnectionError, TimeoutError, ssl.SSLError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._route("GET")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_CONNECT(self) -> None:
        self._route("CONNECT")
