"""XML-RPC as xapi speaks it: untyped ints, `%.16g` doubles, one-line responses, no faults."""

from __future__ import annotations

import re
import xmlrpc.client

from xapiman.sim.model.values import DateTime, Int32

_NEEDS_ESCAPE = re.compile(r'[&<>"\x00-\x08\x0b\x0c\x0e-\x1f]')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape(text: str) -> str:
    """Escape like xapi: `& < > "` as entities; control characters other than TAB/LF/CR dropped."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    text = _CONTROL.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def encode(value: object) -> str:
    """One `<value>` element for a Python value kept as in xapiman.sim.model.values."""
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts)


def _encode(value: object, out) -> None:  # noqa: C901 - one branch per type, kept flat for speed
    t = type(value)
    if t is str:
        out("<value>")
        out(escape(value))  # type: ignore[arg-type]
        out("</value>")
    elif t is dict:
        out("<value><struct>")
        for k, v in value.items():  # type: ignore[attr-defined]
            out("<member><name>")
            out(escape(str(k)))
            out("</name>")
            _encode(v, out)
            out("</member>")
        out("</struct></value>")
    elif t is list or t is tuple:
        out("<value><array><data>")
        for v in value:  # type: ignore[attr-defined]
            _encode(v, out)
        out("</data></array></value>")
    elif t is bool:
        out("<value><boolean>1</boolean></value>" if value else "<value><boolean>0</boolean></value>")
    elif t is int:
        out(f"<value>{value}</value>")
    elif t is float:
        out(f"<value><double>{value:.16g}</double></value>")
    elif t is DateTime:
        out(f"<value><dateTime.iso8601>{value}</dateTime.iso8601></value>")
    elif t is Int32:
        out(f"<value><i4>{int(value)}</i4></value>")  # type: ignore[call-overload]
    elif value is None:
        out("<value></value>")
    elif hasattr(value, "__xmlrpc__"):
        out(value.__xmlrpc__())
    elif isinstance(value, str):
        out("<value>")
        out(escape(value))
        out("</value>")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as XAPI XML-RPC")


_HEAD = '<?xml version="1.0"?><methodResponse><params><param><value><struct>'
_TAIL = "</struct></value></param></params></methodResponse>"


def success(value: object) -> bytes:
    body = (
        _HEAD
        + "<member><name>Status</name><value>Success</value></member><member><name>Value</name>"
        + encode(value)
        + "</member>"
        + _TAIL
    )
    return body.encode("utf-8")


def failure(description: list[str]) -> bytes:
    body = (
        _HEAD
        + "<member><name>Status</name><value>Failure</value></member>"
        + "<member><name>ErrorDescription</name>"
        + encode(list(description))
        + "</member>"
        + _TAIL
    )
    return body.encode("utf-8")


class ParseError(ValueError):
    """The request body is not an XML-RPC method call."""


def decode_call(body: bytes) -> tuple[str, list[object]]:
    """The method name and parameters of an XML-RPC request (ints may arrive as i4/int/i8)."""
    try:
        params, method = xmlrpc.client.loads(body, use_datetime=False, use_builtin_types=False)
    except Exception as exc:  # expat errors, ResponseError, ValueError on bad scalars
        raise ParseError(f"Xmlrpc.Parse_error({exc})") from exc
    if not method:
        raise ParseError("Xmlrpc.Parse_error(no methodName)")
    return method, [_plain(p) for p in params]


def _plain(value: object) -> object:
    if isinstance(value, xmlrpc.client.DateTime):
        return DateTime(value.value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
