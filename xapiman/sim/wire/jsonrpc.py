"""JSON-RPC 1.0 and 2.0 as xapi's `/jsonrpc` speaks it."""

from __future__ import annotations

from dataclasses import dataclass

import orjson


class ParseError(ValueError):
    """The body is not a JSON-RPC call xapi would accept (xapi answers HTTP 500)."""


@dataclass(frozen=True)
class Call:
    method: str
    params: list[object]
    id: object
    v2: bool


def decode_call(body: bytes) -> Call:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"Jsonrpc.Malformed_method_request({exc})") from exc
    if not isinstance(doc, dict):
        raise ParseError("Jsonrpc.Malformed_method_request(not an object)")
    version = doc.get("jsonrpc")
    if version is not None and version != "2.0":
        raise ParseError(f"Jsonrpc.Malformed_method_request(jsonrpc={version!r})")
    v2 = version == "2.0"
    method = doc.get("method")
    if not isinstance(method, str):
        raise ParseError("Jsonrpc.Malformed_method_request(method)")
    if "id" not in doc or doc["id"] is None or not isinstance(doc["id"], int | str):
        raise ParseError("Jsonrpc.Malformed_method_request(id)")
    params = doc.get("params")
    if params is None:
        if not v2:
            raise ParseError("Jsonrpc.Malformed_method_request(params)")
        params = []
    elif isinstance(params, dict) and v2:
        params = [params]
    elif not isinstance(params, list):
        raise ParseError("Jsonrpc.Malformed_method_request(params)")
    return Call(method, params, doc["id"], v2)


def _default(value: object) -> object:
    to_json = getattr(value, "__json__", None)
    if to_json is None:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")
    return to_json()


def success(call: Call, value: object) -> bytes:
    """The answer to `call`: objects with `__json__()` (event batches) encode themselves."""
    if value is None:
        value = ""
    if call.v2:
        return orjson.dumps({"jsonrpc": "2.0", "result": value, "id": call.id}, default=_default)
    return orjson.dumps({"result": value, "error": None, "id": call.id}, default=_default)


def failure(call: Call, description: list[str]) -> bytes:
    if call.v2:
        error = {"code": 1, "message": description[0], "data": description[1:]}
        return orjson.dumps({"jsonrpc": "2.0", "error": error, "id": call.id})
    return orjson.dumps({"result": None, "error": description, "id": call.id})
