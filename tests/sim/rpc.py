"""Raw XML-RPC and JSON-RPC calls for tests that look at the bytes xapi would send."""

from __future__ import annotations

import http.client
import json
import xmlrpc.client
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


class Failed(Exception):
    """A XAPI failure answered to a `Wire` call; `description` is [code, params...]."""

    def __init__(self, description: list) -> None:
        super().__init__(*description)
        self.description = description


class Wire:
    """One keep-alive connection speaking XML-RPC (`protocol="xml"`) or JSON-RPC 2.0
    (`protocol="json"`) to a simulator; `call` answers the value or raises Failed."""

    def __init__(self, url: str, protocol: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.protocol = protocol
        self.session = ""
        self._id = 0

    def login(self, user: str, password: str) -> str:
        self.session = self.call_raw("session.login_with_password", [user, password, "2.21", "walk"])
        return self.session

    def close(self) -> None:
        self.conn.close()

    def call(self, method: str, *params: object) -> object:
        """`method` with the session first."""
        return self.call_raw(method, [self.session, *params])

    def call_raw(self, method: str, params: list) -> object:
        if self.protocol == "xml":
            body = xmlrpc.client.dumps(tuple(params), method, allow_none=False).encode()
            answer = xmlrpc.client.loads(self._post("/", body, "text/xml"))[0][0]
            if answer["Status"] == "Success":
                return answer["Value"]
            raise Failed(answer["ErrorDescription"])
        self._id += 1
        doc = {"jsonrpc": "2.0", "method": method, "params": params, "id": self._id}
        answer = json.loads(self._post("/jsonrpc", json.dumps(doc).encode(), "application/json"))
        if "error" in answer:
            raise Failed([answer["error"]["message"], *answer["error"]["data"]])
        return answer["result"]

    def _post(self, path: str, body: bytes, content_type: str) -> bytes:
        self.conn.request("POST", path, body=body, headers={"Content-Type": content_type})
        resp = self.conn.getresponse()
        data = resp.read()
        assert resp.status == 200, data[:300]
        return data
