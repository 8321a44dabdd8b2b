"""A small misbehaving HTTP server on loopback, for faults the simulator does not play: silent,
trickling, oversized or endless answers. Each connection runs `handle(sock, request)`."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

Handler = Callable[[socket.socket, bytes], None]


def read_request(sock: socket.socket) -> bytes:
    """Headers and body of one HTTP request (b"" when the client went away)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def json_answer(result: object, call_id: object) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", "result": result, "id": call_id}).encode()
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


def call_of(request: bytes) -> tuple[str, list, object]:
    """(method, params, id) of a JSON-RPC request."""
    doc = json.loads(request.partition(b"\r\n\r\n")[2] or b"{}")
    return doc.get("method", ""), doc.get("params", []), doc.get("id")


class FakeServer:
    """Listens on 127.0.0.1; `url` is where; `connections` counts accepted connections."""

    def __init__(self, handle: Handler) -> None:
        self.handle = handle
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        self.stopping = threading.Event()
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                if self.stopping.is_set():  # stop() ran meanwhile: it will not close this one
                    sock.close()
                    return
                self.connections += 1
                self._socks.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while not self.stopping.is_set():
                request = read_request(sock)
                if not request:
                    return
                self.handle(sock, request)

    def stop(self) -> None:
        with self._lock:
            self.stopping.set()
            socks, self._socks = self._socks, []
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way
        with contextlib.suppress(OSError):
            self.listener.close()
        self._thread.join(2.0)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@contextlib.contextmanager
def fake_server(handle: Handler) -> Iterator[FakeServer]:
    server = FakeServer(handle)
    try:
        yield server
    finally:
        server.stop()


def silent(server_stopping: threading.Event) -> Handler:
    """Reads the request and never answers."""

    def handle(sock: socket.socket, request: bytes) -> None:
        server_stopping.wait()

    return handle


def trickle(stopping: threading.Event, every: float = 0.2) -> Handler:
    """Starts an answer, then sends one byte every `every` seconds, without end."""

    def handle(sock: socket.socket, request: bytes) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000000\r\n\r\n")
        while not stopping.wait(every):
            sock.sendall(b" ")

    return handle


def wait_finished(fn: Callable[[], object], limit: float) -> tuple[float, BaseException | None]:
    """Run `fn` on a thread; (seconds it took, what it raised); fails when it runs past
    `limit` (the thread is left behind, as a daemon)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            fn()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        raise AssertionError(f"still waiting after {limit} s")
    return time.monotonic() - started, outcome[0]
