"""A loopback TCP proxy that cuts chosen connections part-way (a network that drops a transfer).

Each accepted connection is forwarded to the target. A connection whose first bytes start with
one of `cut_prefixes` (e.g. b"GET /export") is cut, both ways, once `cut_after` bytes went
through it in either direction. Plain HTTP only: the proxy reads the request line.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttingProxy:
    def __init__(self, target: tuple[str, int], cut_prefixes: tuple[bytes, ...],
                 cut_after: int) -> None:
        self.target = target
        self.cut_prefixes = cut_prefixes
        self.cut_after = cut_after
        self.cuts = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="cutting proxy")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._stop.set()
            sockets, self._sockets = self._sockets, []
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way
        with contextlib.suppress(OSError):
            self._server.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()
        self._thread.join(2)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:  # the target is gone: so is this connection
                client.close()
                continue
            with self._lock:
                if self._stop.is_set():  # __exit__ ran meanwhile: it will not close these
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            link = _Link(self, client, upstream)
            threading.Thread(target=link.pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=link.pump, args=(upstream, client, False),
                             daemon=True).start()


class _Link:
    def __init__(self, proxy: CuttingProxy, client: socket.socket,
                 upstream: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.cutting: bool | None = None  # decided on the first bytes of the request
        self.moved = 0
        self.was_cut = False
        self.lock = threading.Lock()

    def cut(self) -> None:
        """Cut both ways (once per connection; called with `lock` held)."""
        if self.was_cut:
            return
        self.was_cut = True
        self.proxy.cuts += 1
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                with contextlib.suppress(OSError):
                    sink.shutdown(socket.SHUT_WR)
                return
            with self.lock:
                if self.cutting is None and from_client:
                    self.cutting = data.startswith(self.proxy.cut_prefixes)
                if self.cutting:
                    room = self.proxy.cut_after - self.moved
                    if room <= 0:
                        self.cut()
                        return
                    data = data[:room]
                    self.moved += len(data)
            try:
                sink.sendall(data)
            except OSError:
                return
