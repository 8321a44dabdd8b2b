"""The HTTP(S) server of one simulated host: XML-RPC, JSON-RPC and the side channels."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from xapiman.sim import faults as faults_mod
from xapiman.sim.errors import Failure
from xapiman.sim.routes import ROUTES, Request
from xapiman.sim.wire import jsonrpc, xmlrpc

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim.http")

MAX_RPC_BODY = 64 * 1024 * 1024  # bytes a single RPC request may carry


class HostServer(ThreadingHTTPServer):
    """Listens for one host; `host` is that host's ref in the simulator's database."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, sim: Simulator, host: str, bind: str, port: int,
                 tls: ssl.SSLContext | None) -> None:
        self.sim = sim
        self.host = host
        self.tls = tls
        super().__init__((bind, port), _Handler)
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.server_address[0]}:{self.port}"

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

    def start(self) -> None:
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=f"sim-host-{self.port}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop listening and cut every open connection, as a host that dies would."""
        self.shutdown()
        self.server_close()
        for sock in list(_Handler.open_sockets.get(self, ())):
            _close(sock)

    def handle_error(self, request, client_address) -> None:  # noqa: ARG002
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xapi/25.0"
    sys_version = ""
    server: HostServer
    open_sockets: dict[HostServer, set[socket.socket]] = {}

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()
        self.open_sockets.setdefault(self.server, set()).add(self.request)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.open_sockets.get(self.server, set()).discard(self.request)

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
        return self.rfile.read(length)

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

    def _xmlrpc(self, body: bytes) -> None:
        try:
            method, params = xmlrpc.decode_call(body)
        except xmlrpc.ParseError as exc:
            self._plain(500, f"Internal Server Error: {exc}", html=True)
            return
        try:
            answer = xmlrpc.success(self._call(method, params))
        except Failure as failure:
            answer = xmlrpc.failure(failure.description)
        except ConnectionError:
            self.close_connection = True
            return
        except Exception as exc:
            log.exception("%s failed", method)
            answer = xmlrpc.failure(["INTERNAL_ERROR", repr(exc)])
        self._send_rpc(answer, "text/xml", method)

    def _jsonrpc(self, body: bytes) -> None:
        try:
            call = jsonrpc.decode_call(body)
        except jsonrpc.ParseError as exc:
            self._plain(500, f"Internal Server Error: {exc}", html=True)
            return
        try:
            answer = jsonrpc.success(call, self._call(call.method, call.params))
        except Failure as failure:
            answer = jsonrpc.failure(call, failure.description)
        except ConnectionError:
            self.close_connection = True
            return
        except Exception as exc:
            log.exception("%s failed", call.method)
            answer = jsonrpc.failure(call, ["INTERNAL_ERROR", repr(exc)])
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
        body = (f"<html><body><h1>HTTP {status}</h1>{text}</body></html>" if html else text).encode()
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
