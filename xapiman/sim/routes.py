"""HTTP side channels of a simulated host (console, metrics, import/export), by method and path.

A route function gets a `Request`; it writes its own answer through `request.handler`
(a `http.server.BaseHTTPRequestHandler`). Modules register with `@route("GET", "/rrd_updates")`.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from xapiman.sim.errors import Failure

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler

    from xapiman.sim.simulator import Simulator

ROUTES: dict[tuple[str, str], Callable[[Request], None]] = {}

# Modules that register routes; imported when a server starts.
ROUTE_MODULES: list[str] = [
    "xapiman.sim.routes_rrd",
    "xapiman.sim.routes_console",
    "xapiman.sim.routes_xva",
    "xapiman.sim.routes_raw_vdi",
]


def route(method: str, path: str) -> Callable[[Callable[[Request], None]], Callable[[Request], None]]:
    def register(fn: Callable[[Request], None]) -> Callable[[Request], None]:
        ROUTES[(method, path)] = fn
        return fn

    return register


def load_routes() -> None:
    for name in ROUTE_MODULES:
        importlib.import_module(name)


@dataclass
class Request:
    """One side-channel request.

    Attributes:
        handler: the HTTP handler (rfile, wfile, headers, connection, send_response ...).
        sim: the simulator; host: the ref of the host that received the request.
        path: the path without the query; query: each parameter's values.
    """

    handler: BaseHTTPRequestHandler
    sim: Simulator
    host: str
    path: str
    query: dict[str, list[str]]

    @classmethod
    def parse(cls, handler: BaseHTTPRequestHandler, sim: Simulator, host: str) -> Request:
        path, _, qs = handler.path.partition("?")
        return cls(handler, sim, host, path, parse_qs(qs, keep_blank_values=True))

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def session(self) -> tuple[str, bool]:
        """The session: from the cookie, the query, or HTTP Basic auth (a temporary session).

        Returns (session ref, temporary). Raises Failure when none is valid (answer 401).
        """
        cookie_header = self.handler.headers.get("Cookie")
        if cookie_header:
            cookie = SimpleCookie()
            cookie.load(cookie_header)
            if "session_id" in cookie:
                ref = cookie["session_id"].value
                self.sim.sessions.check(ref)
                return ref, False
        ref = self.arg("session_id")
        if ref:
            self.sim.sessions.check(ref)
            return ref, False
        auth = self.handler.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                user, _, pwd = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError as exc:
                raise Failure("SESSION_AUTHENTICATION_FAILED", "", "bad Basic header") from exc
            coordinator = self.sim.coordinator
            return self.sim.sessions.login(user, pwd, "http", coordinator), True
        raise Failure("SESSION_INVALID", "")

    @contextlib.contextmanager
    def authenticated(self) -> Iterator[str]:
        """The session for the length of the request; a temporary one is logged out after."""
        ref, temporary = self.session()
        try:
            yield ref
        finally:
            if temporary:
                self.sim.sessions.logout(ref)

    def reply(self, status: int, body: bytes = b"", content_type: str = "text/plain",
              headers: dict[str, str] | None = None) -> None:
        h = self.handler
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        if body:
            h.wfile.write(body)
