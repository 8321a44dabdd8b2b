"""RPC transports over an HttpChannel: JSON-RPC (`/jsonrpc`, orjson) and XML-RPC, and a pool."""

from __future__ import annotations

import itertools
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from xapiman.xapi import wire_json, wire_xml
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import HttpError, TransportError, UnexpectedContentType
from xapiman.xapi.http import DEFAULT_MAX_ANSWER, HttpAnswer, HttpChannel
from xapiman.xapi.slicing import parse_event_answer
from xapiman.xapi.trust import CertificateTrust

JSONRPC = "jsonrpc"
XMLRPC = "xmlrpc"
AUTO = "auto"


class Transport(ABC):
    """Calls `method(params)` on one host and returns the parsed result.

    Attributes:
        name: "jsonrpc" or "xmlrpc".
        channel: the HTTP connection the calls go over.
    """

    name: ClassVar[str]

    def __init__(self, channel: HttpChannel) -> None:
        self.channel = channel

    @property
    def endpoint(self) -> Endpoint:
        return self.channel.endpoint

    def call(self, method: str, params: Sequence[object], timeout: float | None = None) -> object:
        """The result of `method(params)`.

        Raises:
            XapiError: the server answered Failure. TransportError: the exchange failed.
        """
        return self.decode(self.exchange(method, params, timeout))

    @abstractmethod
    def exchange(self, method: str, params: Sequence[object],
                 timeout: float | None = None) -> Exchange:
        """Send the call and read the whole answer, without parsing it yet."""

    @abstractmethod
    def decode(self, exchange: Exchange) -> object:
        """The result carried by an answer (XapiError for a Failure)."""

    def close(self) -> None:
        self.channel.close()

    def abort(self) -> None:
        self.channel.abort()

    def _check_status(self, answer: HttpAnswer) -> None:
        if answer.status != 200:
            text = answer.body[:300].decode("utf-8", "replace")
            raise HttpError(answer.status, answer.reason, self.endpoint.address, text)


@dataclass(frozen=True)
class Exchange:
    """An answer read but not parsed yet (big answers are parsed where the caller wants).

    Attributes:
        answer: the HTTP answer; call_id: the JSON-RPC id sent (0 for XML-RPC).
    """

    answer: HttpAnswer
    call_id: int = 0

    @property
    def size(self) -> int:
        return len(self.answer.body)


class JsonRpcTransport(Transport):
    """JSON-RPC 2.0 on `POST /jsonrpc`; answers parsed with orjson (ints come as numbers)."""

    name = JSONRPC
    path = "/jsonrpc"
    _ids = itertools.count(1)

    def exchange(self, method: str, params: Sequence[object],
                 timeout: float | None = None) -> Exchange:
        call_id = next(self._ids)
        body = wire_json.encode_call(method, params, call_id)
        answer = self.channel.post(self.path, body, "application/json", timeout)
        self._check_status(answer)
        if answer.content_type != "application/json":
            raise UnexpectedContentType(answer.content_type, "application/json",
                                        self.endpoint.address)
        return Exchange(answer, call_id)

    def decode(self, exchange: Exchange) -> object:
        return wire_json.decode_answer(exchange.answer.body, exchange.call_id,
                                       self.endpoint.address)

    def decode_events(self, exchange: Exchange) -> object:
        """An event.from answer, parsed in slices that leave other threads time to run."""
        return parse_event_answer(
            exchange.answer.body,
            lambda body: wire_json.decode_answer(body, exchange.call_id, self.endpoint.address))


class XmlRpcTransport(Transport):
    """XML-RPC on `POST /` (or the URL's path); ints in records come as strings."""

    name = XMLRPC

    def exchange(self, method: str, params: Sequence[object],
                 timeout: float | None = None) -> Exchange:
        body = wire_xml.encode_call(method, params)
        answer = self.channel.post(self.endpoint.xmlrpc_path, body, "text/xml", timeout)
        self._check_status(answer)
        return Exchange(answer)

    def decode(self, exchange: Exchange) -> object:
        return wire_xml.decode_answer(exchange.answer.body, self.endpoint.address)


TRANSPORTS: dict[str, type[Transport]] = {JSONRPC: JsonRpcTransport, XMLRPC: XmlRpcTransport}


def no_jsonrpc_here(error: TransportError) -> bool:
    """Whether an error on `/jsonrpc` means the server has no JSON-RPC (use XML-RPC)."""
    if isinstance(error, UnexpectedContentType):
        return True
    return isinstance(error, HttpError) and error.status in (404, 405, 501)


def open_transport(kind: str, endpoint: Endpoint, trust: CertificateTrust | None, *,
                   connect_timeout: float, read_timeout: float,
                   max_answer: int = DEFAULT_MAX_ANSWER) -> Transport:
    """A new transport of `kind` ("jsonrpc" / "xmlrpc") on its own HTTP connection."""
    channel = HttpChannel(endpoint, trust, connect_timeout=connect_timeout,
                          read_timeout=read_timeout, max_answer=max_answer)
    return TRANSPORTS[kind](channel)


class TransportPool:
    """Idle transports to the current coordinator, so that concurrent calls each get one.

    `reset()` (after a failover or a change of coordinator) closes the idle ones; busy ones
    are closed when they come back.

    Attributes:
        factory: makes a new transport to the current coordinator.
        keep: how many idle transports to keep.
    """

    def __init__(self, factory: Callable[[], Transport], keep: int = 4) -> None:
        self.factory = factory
        self.keep = keep
        self._idle: list[Transport] = []
        self._generation = 0
        self._lock = threading.Lock()

    def acquire(self) -> tuple[Transport, int]:
        with self._lock:
            generation = self._generation
            if self._idle:
                return self._idle.pop(), generation
        return self.factory(), generation

    def release(self, transport: Transport, generation: int, healthy: bool) -> None:
        with self._lock:
            if healthy and generation == self._generation and len(self._idle) < self.keep:
                self._idle.append(transport)
                return
        transport.close()

    def add(self, transport: Transport) -> None:
        """Keep an already open transport (the one a login went over)."""
        with self._lock:
            self._idle.append(transport)

    def reset(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for transport in idle:
            transport.close()
