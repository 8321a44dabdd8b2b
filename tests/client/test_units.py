"""Pieces without a server: errors, wire codecs, endpoints, field parsing, cache batches."""

from __future__ import annotations

import datetime
import pickle
import subprocess
import sys

import pytest

import xapiman.xapi as xapi
from xapiman.xapi import ObjectCache
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    HandleInvalid,
    HostIsSlave,
    MalformedResponse,
    SessionInvalid,
    XapiError,
    error_from_description,
)
from xapiman.xapi.errortext import explain
from xapiman.xapi.records import VM, as_int, as_time
from xapiman.xapi.wire_xml import decode_answer, encode_call, parse_value


@pytest.mark.parametrize(("description", "words"), [
    (["VM_BAD_POWER_STATE", "OpaqueRef:1", "halted", "running"], ["running", "halted"]),
    (["HOST_NOT_ENOUGH_FREE_MEMORY", "8589934592", "1073741824"], ["8 GiB", "1 GiB"]),
    (["NO_HOSTS_AVAILABLE"], ["No server"]),
    (["SESSION_AUTHENTICATION_FAILED", "root", "Authentication failure"], ["password"]),
    (["HANDLE_INVALID", "VM", "OpaqueRef:x"], ["VM object no longer exists"]),
    (["OPERATION_BLOCKED", "OpaqueRef:1", "backup"], ["blocked", "backup"]),
    (["OTHER_OPERATION_IN_PROGRESS", "VM", "OpaqueRef:1", "clean_shutdown", "OpaqueRef:t"],
     ["clean_shutdown", "Wait"]),
    (["SR_FULL", "10737418240", "5368709120"], ["10 GiB", "5 GiB"]),
    (["VM_LACKS_FEATURE", "OpaqueRef:1"], ["guest tools"]),
    (["VM_IS_TEMPLATE", "OpaqueRef:1", "start"], ["template"]),
    (["TASK_CANCELLED", "OpaqueRef:t"], ["cancelled"]),
    (["MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.start", "3", "1"], ["3", "VM.start", "1"]),
    (["SR_BACKEND_FAILURE_44", "", "There is insufficient space", ""], ["insufficient space"]),
    (["SOMETHING_NEW", "a"], ["SOMETHING_NEW"]),
    (["HOST_IS_SLAVE"], ["not the pool coordinator"]),  # fewer arguments than declared
])
def test_error_sentences(description: list[str], words: list[str]) -> None:
    error = error_from_description(description)
    assert error.code == description[0] and list(error.params) == description[1:]
    for word in words:
        assert word in error.sentence
    assert description[0] in str(error)  # the raw code stays visible


def test_error_classes_and_details() -> None:
    assert isinstance(error_from_description(["SESSION_INVALID", "x"]), SessionInvalid)
    slave = error_from_description(["HOST_IS_SLAVE", "10.0.0.1"])
    assert isinstance(slave, HostIsSlave) and slave.coordinator_address == "10.0.0.1"
    error = XapiError("VM_BAD_POWER_STATE", ["OpaqueRef:1", "halted", "running", "extra"])
    assert error.details == {"vm": "OpaqueRef:1", "expected": "halted", "actual": "running",
                             "arg4": "extra"}
    copy = pickle.loads(pickle.dumps(slave))
    assert isinstance(copy, HostIsSlave) and copy.params == slave.params
    assert explain("Fault", ["No async mode"]).endswith("No async mode.")


def test_xmlrpc_codec_as_xapi_speaks_it() -> None:
    body = encode_call("VM.set_memory", ["OpaqueRef:s", 8 * 2**30, {"k": 1}])
    assert b"<string>8589934592</string>" in body and b"<int>1</int>" in body
    answer = (b"<?xml version='1.0'?><methodResponse><params><param><value><struct>"
              b"<member><name>Status</name><value>Success</value></member><member><name>Value"
              b"</name><value><struct><member><name>memory</name><value>4294967296</value>"
              b"</member><member><name>when</name><value><dateTime.iso8601>20250319T04:16:24Z"
              b"</dateTime.iso8601></value></member></struct></value></member></struct></value>"
              b"</param></params></methodResponse>")
    assert decode_answer(answer) == {"memory": "4294967296", "when": "20250319T04:16:24Z"}
    failure = (b"<methodResponse><params><param><value><struct><member><name>Status</name>"
               b"<value>Failure</value></member><member><name>ErrorDescription</name><value>"
               b"<array><data><value>HANDLE_INVALID</value><value>VM</value><value>OpaqueRef:x"
               b"</value></data></array></value></member></struct></value></param></params>"
               b"</methodResponse>")
    with pytest.raises(HandleInvalid) as info:
        decode_answer(failure)
    assert info.value.params == ("VM", "OpaqueRef:x")
    with pytest.raises(MalformedResponse):
        decode_answer(b"<html>not xml-rpc")
    assert parse_value("<value>OpaqueRef:1</value>") == "OpaqueRef:1"
    assert parse_value("<value></value>") == "" and parse_value("") == ""


def test_endpoints() -> None:
    ep = Endpoint.parse("https://10.0.0.1")
    assert (ep.scheme, ep.host, ep.port, ep.address) == ("https", "10.0.0.1", 443, "10.0.0.1:443")
    assert Endpoint.parse("pool.example").url == "https://pool.example:443"
    plain = Endpoint.parse("http://127.0.0.1:8080/")
    assert plain.at("127.0.0.1:9090").url == "http://127.0.0.1:9090"  # simulator: IP:PORT
    assert plain.at("10.0.0.2").url == "http://10.0.0.2:8080"  # real xapi: bare IP, same port
    assert ep.at("fe80::1").url == "https://[fe80::1]:443"
    assert ep.at("[fe80::1]:8443").address == "[fe80::1]:8443"
    with pytest.raises(ValueError):
        Endpoint.parse("ftp://x")


def test_field_parsing() -> None:
    assert as_int("4294967296") == as_int(4294967296) == 4294967296
    assert as_int("-1") == -1 and as_int("junk", 7) == 7
    moment = as_time("20250319T04:16:24Z")
    assert moment == datetime.datetime(2025, 3, 19, 4, 16, 24, tzinfo=datetime.UTC)
    assert as_time("2025-03-19T04:16:24Z") == moment
    assert as_time("19700101T00:00:00Z") is None and as_time("") is None


def _event(op: str, cls: str, ref: str, **fields: object) -> dict:
    event: dict = {"operation": op, "class": cls, "ref": ref}
    if op != "del":
        event["snapshot"] = {"uuid": ref[-1], "name_label": ref, **fields}
    return event


def test_cache_batches_coalesce_per_object() -> None:
    cache = ObjectCache()
    first = cache.load([_event("add", "vm", "OpaqueRef:a", resident_on="OpaqueRef:h"),
                        _event("add", "host", "OpaqueRef:h")])
    assert first.added_in("VM") == {"OpaqueRef:a"} and not first.resync
    change = cache.apply([_event("add", "vm", "OpaqueRef:b"), _event("del", "vm", "OpaqueRef:b"),
                          _event("mod", "vm", "OpaqueRef:c"),
                          _event("mod", "vm", "OpaqueRef:a", resident_on="OpaqueRef:NULL")])
    assert change.added_in("vm") == {"OpaqueRef:c"}  # b came and went: nothing to tell
    assert change.changed_in("vm") == {"OpaqueRef:a"} and not change.removed
    assert cache.referrers("vm", "resident_on", "OpaqueRef:h") == ()
    assert cache.find(VM, "OpaqueRef:a").resident_on is None
    assert not cache.apply([_event("del", "vm", "OpaqueRef:zzz")])  # unknown: no notice
    again = cache.load([_event("add", "vm", "OpaqueRef:a", resident_on="OpaqueRef:NULL")])
    assert again.resync and again.removed_in("vm") == {"OpaqueRef:c"}
    assert again.removed_in("host") == {"OpaqueRef:h"} and not again.changed
    with pytest.raises(KeyError):
        cache.referrers("vm", "name_label", "x")


def test_public_names_and_no_qt() -> None:
    public = {name for name in vars(xapi) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(xapi, name)).__name__ == "module"}
    assert set(xapi.__all__) == public - modules - {"annotations"}
    code = ("import sys, xapiman.xapi, xapiman.xapi.records, xapiman.xapi.connection; "
            "print(any(m.startswith('PyQt') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=30)
    assert out.stdout.strip() == "False"
