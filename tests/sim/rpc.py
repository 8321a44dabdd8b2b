"""Raw XML-RPC and JSON-RPC calls for tests that look at the bytes xapi would send."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


def post(url: str, path: str, body: bytes, content_type: str = "text/xml",
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("POST", path, body=body,
                     headers={"Content-Type": content_type, **(headers or {})})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def jsonrpc(url: str, method: str, params: list, *, version: str | None = "2.0",
            id: object = 1) -> tuple[int, object]:
    doc: dict = {"method": method, "params": params, "id": id}
    if version is not None:
        doc["jsonrpc"] = version
    status, _headers, body = post(url, "/jsonrpc", json.dumps(doc).encode(), "application/json")
    return status, (json.loads(body) if status == 200 else body)


def xmlrpc_raw(url: str, method: str, params_xml: str = "", path: str = "/") -> bytes:
    body = (f"<?xml version='1.0'?><methodCall><methodName>{method}</methodName>"
            f"<params>{params_xml}</params></methodCall>").encode()
    status, _h, data = post(url, path, body)
    assert status == 200, data
    return data
