"""JSON-RPC 2.0 as xapi's `/jsonrpc` speaks it, encoded and parsed with orjson."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from xapiman.xapi.errors import MalformedResponse, XapiError, error_from_description


def _default(value: object) -> object:
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot send {type(value).__name__} to xapi")


def encode_call(method: str, params: Sequence[object], call_id: int) -> bytes:
    """The JSON-RPC 2.0 request for `method(params)`."""
    if any(p is None for p in params):
        raise ValueError("None cannot be sent to xapi")
    return orjson.dumps({"jsonrpc": "2.0", "method": method, "params": list(params),
                         "id": call_id}, default=_default)


def decode_answer(body: bytes, call_id: int, address: str = "") -> object:
    """The result of a JSON-RPC (2.0 or 1.0) answer.

    Raises:
        XapiError: the answer carries an error.
        MalformedResponse: anything else.
    """
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedResponse(f"the answer is not JSON ({exc})", address) from exc
    if not isinstance(doc, dict):
        raise MalformedResponse("the answer is not a JSON-RPC object", address)
    if doc.get("id") != call_id:
        raise MalformedResponse(f"the answer is for call {doc.get('id')!r}, not {call_id}",
                                address)
    error = doc.get("error")
    if error is not None:
        raise _error(error, address)
    if "result" not in doc:
        raise MalformedResponse("the answer has neither result nor error", address)
    return doc["result"]


def _error(error: object, address: str) -> XapiError | MalformedResponse:
    if isinstance(error, dict):  # 2.0: {code: 1, message: CODE, data: [args]}
        data = error.get("data")
        params = data if isinstance(data, list) else ([] if data is None else [data])
        return error_from_description([error.get("message", "INTERNAL_ERROR"), *params])
    if isinstance(error, list):  # 1.0: [CODE, args...]
        return error_from_description(error)
    return MalformedResponse(f"unreadable JSON-RPC error: {error!r}", address)
