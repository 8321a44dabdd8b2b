"""XML-RPC as xapi speaks it: requests, Status/Value answers, and bare `<value>` strings."""

from __future__ import annotations

import sys
import xmlrpc.client
from collections.abc import Sequence
from xml.parsers import expat

from xapiman.xapi.errors import MalformedResponse, error_from_description

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class _Unmarshaller(xmlrpc.client.Unmarshaller):
    """xmlrpc.client's unmarshaller with xapi's needs: datetimes stay the strings xapi sent
    (as JSON-RPC gives them) and struct member names are interned (records share keys)."""

    dispatch = dict(xmlrpc.client.Unmarshaller.dispatch)

    def end_datetime_text(self, data: str) -> None:
        self.append(data)
        self._value = 0

    def end_name(self, data: str) -> None:
        self.append(sys.intern(data))
        self._value = 0

    dispatch["dateTime.iso8601"] = end_datetime_text
    dispatch["name"] = end_name


def _loads(document: bytes | str) -> tuple[object, ...]:
    unmarshaller = _Unmarshaller()
    parser = xmlrpc.client.ExpatParser(unmarshaller)
    parser.feed(document)
    parser.close()
    return unmarshaller.close()


def to_wire(value: object) -> object:
    """`value` as xapi accepts it over XML-RPC: 64-bit ints as decimal strings, str map keys.

    Raises:
        ValueError: None (no XAPI type accepts it).
    """
    t = type(value)
    if t is int:
        return value if INT32_MIN <= value <= INT32_MAX else str(value)  # type: ignore[operator]
    if value is None:
        raise ValueError("None cannot be sent to xapi")
    if t is dict:
        return {str(k): to_wire(v) for k, v in value.items()}  # type: ignore[attr-defined]
    if t in (list, tuple, set, frozenset):
        return [to_wire(v) for v in value]  # type: ignore[attr-defined]
    return value


def encode_call(method: str, params: Sequence[object]) -> bytes:
    """The `<methodCall>` document for `method(params)`."""
    body = xmlrpc.client.dumps(tuple(to_wire(p) for p in params), methodname=method,
                               encoding="utf-8", allow_none=False)
    return body.encode("utf-8")


def decode_answer(body: bytes, address: str = "") -> object:
    """The Value of a Status/Value answer.

    Raises:
        XapiError: the answer is a Failure.
        MalformedResponse: anything else.
    """
    try:
        params = _loads(body)
    except xmlrpc.client.Fault as fault:
        raise MalformedResponse(f"the server sent an XML-RPC fault: {fault.faultString}",
                                address) from fault
    except (expat.ExpatError, ValueError, TypeError, IndexError,
            xmlrpc.client.ResponseError) as exc:
        raise MalformedResponse(f"the answer is not XML-RPC ({exc})", address) from exc
    if len(params) != 1 or not isinstance(params[0], dict):
        raise MalformedResponse("the answer is not a Status struct", address)
    answer = params[0]
    status = answer.get("Status")
    if status == "Success" and "Value" in answer:
        return answer["Value"]
    if status == "Failure" and isinstance(answer.get("ErrorDescription"), list):
        raise error_from_description(answer["ErrorDescription"])
    raise MalformedResponse(f"the answer has no Value or ErrorDescription (Status={status!r})",
                            address)


def parse_value(text: str) -> object:
    """A bare XML-RPC `<value>...</value>` string, as xapi stores task results.

    Returns "" for an empty text or `<value></value>`.

    Raises:
        MalformedResponse: not a `<value>` element.
    """
    text = text.strip()
    if not text:
        return ""
    document = f"<methodResponse><params><param>{text}</param></params></methodResponse>"
    try:
        params = _loads(document)
    except (expat.ExpatError, ValueError, TypeError, IndexError,
            xmlrpc.client.ResponseError) as exc:
        raise MalformedResponse(f"not an XML-RPC value: {text[:80]!r} ({exc})") from exc
    if len(params) != 1:
        raise MalformedResponse(f"not one XML-RPC value: {text[:80]!r}")
    return params[0]
