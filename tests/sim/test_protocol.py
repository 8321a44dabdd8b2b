"""The simulator speaks XAPI's wire protocol: envelopes, encodings, dispatch order, errors."""

from __future__ import annotations

import re
import xmlrpc.client

import pytest
import XenAPI

from tests.sim import rpc


def login_json(url: str, user: str, password: str) -> str:
    status, answer = rpc.jsonrpc(url, "session.login_with_password", [user, password])
    assert status == 200
    return answer["result"]


def a_running_vm(session) -> str:
    for ref, vm in session.xenapi.VM.get_all_records().items():
        if vm["power_state"] == "Running" and not vm["is_control_domain"]:
            return ref
    raise AssertionError("no running VM")


# -- envelopes and encodings ----------------------------------------------------------------


def test_xmlrpc_success_envelope_is_xapis_one_line_struct(pool):
    body = rpc.xmlrpc_raw(
        pool.url, "session.login_with_password",
        f"<param><value>{pool.user}</value></param><param><value>{pool.password}</value></param>",
    ).decode()
    assert body.startswith('<?xml version="1.0"?><methodResponse><params><param><value><struct>'
                           "<member><name>Status</name><value>Success</value></member>"
                           "<member><name>Value</name><value>OpaqueRef:")
    assert "\n" not in body and "<fault>" not in body


def test_ints_are_untyped_values_and_floats_use_16g(pool, session):
    vm = a_running_vm(session)
    sref = session._session
    body = rpc.xmlrpc_raw(pool.url, "VM.get_memory_static_max",
                          f"<param><value>{sref}</value></param><param><value>{vm}</value></param>")
    mem = pool.db.get(vm)["memory_static_max"]
    assert f"<member><name>Value</name><value>{mem}</value></member>" in body.decode()
    metrics = session.xenapi.VM.get_metrics(vm)
    record = rpc.xmlrpc_raw(pool.url, "VM.get_record",
                            f"<param><value>{sref}</value></param><param><value>{vm}</value></param>")
    assert "<member><name>HVM_shadow_multiplier</name><value><double>1</double></value>" in record.decode()
    assert "<member><name>is_a_template</name><value><boolean>0</boolean></value>" in record.decode()
    assert re.search(rb"<dateTime.iso8601>\d{8}T\d\d:\d\d:\d\dZ</dateTime.iso8601>",
                     rpc.xmlrpc_raw(pool.url, "VM_metrics.get_start_time",
                                    f"<param><value>{sref}</value></param>"
                                    f"<param><value>{metrics}</value></param>"))
    assert session.xenapi.VM.get_memory_static_max(vm) == str(mem)  # a string to Python


def test_ints_accepted_as_i4_int_i8_and_digit_strings(pool, session):
    vm = next(r for r, v in session.xenapi.VM.get_all_records().items()
              if v["power_state"] == "Halted" and not v["is_a_template"])
    sref = session._session
    for tag in ("i4", "int", "i8", None):
        value = f"<{tag}>3</{tag}>" if tag else "3"
        rpc.xmlrpc_raw(pool.url, "VM.set_user_version",
                       f"<param><value>{sref}</value></param><param><value>{vm}</value></param>"
                       f"<param><value>{value}</value></param>")
        assert pool.db.get(vm)["user_version"] == 3
        pool.db.update(vm, user_version=1)


def test_void_result_is_an_empty_value(pool, session):
    vm = a_running_vm(session)
    assert session.xenapi.VM.set_name_description(vm, "x") == ""


def test_enums_are_case_insensitive_on_input_and_exact_on_output(pool, session):
    vm = a_running_vm(session)
    session.xenapi.VM.set_actions_after_shutdown(vm, "RESTART")
    assert pool.db.get(vm)["actions_after_shutdown"] == "restart"
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VM.set_actions_after_shutdown(vm, "explode")
    assert err.value.details[0] == "INVALID_VALUE"


def test_bool_only_accepts_boolean(pool, session):
    vm = a_running_vm(session)
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VM.set_is_a_template(vm, "true")
    assert err.value.details[0] == "INTERNAL_ERROR"
    assert pool.db.get(vm)["is_a_template"] is False


def test_any_unmatched_post_path_is_xmlrpc(pool):
    for path in ("/", "/RPC2", "/xmlrpc", "/json"):
        body = rpc.xmlrpc_raw(pool.url, "session.login_with_password",
                              f"<param><value>{pool.user}</value></param>"
                              f"<param><value>{pool.password}</value></param>", path=path)
        assert b"<value>Success</value>" in body


def test_malformed_xml_gets_http_500(pool):
    status, _h, body = rpc.post(pool.url, "/", b"<methodCall><methodName>x</methodName>")
    assert status == 500 and b"Parse_error" in body
    status, _h, _b = rpc.post(pool.url, "/", b"\x00\xff garbage")
    assert status == 500


# -- JSON-RPC -------------------------------------------------------------------------------


def test_jsonrpc_v2_and_v1_shapes(pool):
    sref = login_json(pool.url, pool.user, pool.password)
    status, answer = rpc.jsonrpc(pool.url, "pool.get_all", [sref], id="abc")
    assert answer["jsonrpc"] == "2.0" and answer["id"] == "abc" and len(answer["result"]) == 1
    status, answer = rpc.jsonrpc(pool.url, "VM.start", [sref], id=7)
    assert answer == {"jsonrpc": "2.0", "id": 7, "error": {
        "code": 1, "message": "MESSAGE_PARAMETER_COUNT_MISMATCH", "data": ["VM.start", "3", "0"]}}
    status, answer = rpc.jsonrpc(pool.url, "pool.get_all", [sref], version=None, id=3)
    assert set(answer) == {"result", "error", "id"} and answer["error"] is None
    status, answer = rpc.jsonrpc(pool.url, "VM.get_by_uuid", [sref, "nope"], version=None)
    assert answer["result"] is None and answer["error"] == ["UUID_INVALID", "VM", "nope"]


def test_jsonrpc_ints_are_numbers(pool):
    sref = login_json(pool.url, pool.user, pool.password)
    _s, answer = rpc.jsonrpc(pool.url, "VM.get_all_records", [sref])
    vm = next(v for v in answer["result"].values() if v["is_control_domain"])
    assert isinstance(vm["memory_static_max"], int) and vm["domid"] == 0


def test_malformed_jsonrpc_gets_http_500(pool):
    for body in (b"{not json", b'{"method": "x", "params": []}',
                 b'{"jsonrpc": "3.0", "method": "x", "params": [], "id": 1}',
                 b'{"jsonrpc": "2.0", "method": "x", "params": [], "id": null}', b"[1,2]"):
        status, _h, _b = rpc.post(pool.url, "/jsonrpc", body, "application/json")
        assert status == 500, body


def test_session_refs_work_across_protocols(pool):
    sref = login_json(pool.url, pool.user, pool.password)
    s = XenAPI.Session(pool.url)
    s._session = sref
    assert len(s.xenapi.pool.get_all()) == 1


# -- dispatch order and the generic errors --------------------------------------------------


def test_unknown_method(pool, session):
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VM.frobnicate("x")
    assert err.value.details == ["MESSAGE_METHOD_UNKNOWN", "VM.frobnicate"]


def test_unknown_method_checks_the_session_first(pool):
    _s, answer = rpc.jsonrpc(pool.url, "VM.frobnicate", ["OpaqueRef:bad"])
    assert answer["error"]["message"] == "SESSION_INVALID"
    _s, answer = rpc.jsonrpc(pool.url, "VM.frobnicate", [])
    assert answer["error"]["message"] == "MESSAGE_METHOD_UNKNOWN"


def test_count_mismatch_comes_before_the_session_check(pool):
    _s, answer = rpc.jsonrpc(pool.url, "VM.start", ["OpaqueRef:bad", "OpaqueRef:vm"])
    assert answer["error"] == {"code": 1, "message": "MESSAGE_PARAMETER_COUNT_MISMATCH",
                               "data": ["VM.start", "3", "1"]}


def test_optional_parameters_allow_any_count_from_the_required_one(pool, session):
    _s, answer = rpc.jsonrpc(pool.url, "session.login_with_password",
                             [pool.user, pool.password, "1.0", "me", "extra"])
    assert answer["result"].startswith("OpaqueRef:")
    _s, answer = rpc.jsonrpc(pool.url, "session.login_with_password", [pool.user])
    assert answer["error"]["data"] == ["session.login_with_password", "2", "1"]


def test_invalid_session(pool):
    s = XenAPI.Session(pool.url)
    s._session = "OpaqueRef:00000000-0000-0000-0000-000000000000"
    _st, answer = rpc.jsonrpc(pool.url, "pool.get_all", [s._session])
    assert answer["error"]["data"] == ["OpaqueRef:00000000-0000-0000-0000-000000000000"]


def test_wrong_password(pool):
    s = XenAPI.Session(pool.url)
    with pytest.raises(XenAPI.Failure) as err:
        s.xenapi.login_with_password(pool.user, "wrong")
    assert err.value.details == ["SESSION_AUTHENTICATION_FAILED", pool.user,
                                 "Authentication failure"]


def test_logout_invalidates_the_session(pool):
    sref = login_json(pool.url, pool.user, pool.password)
    _s, answer = rpc.jsonrpc(pool.url, "session.logout", [sref])
    assert answer["result"] == ""
    _s, answer = rpc.jsonrpc(pool.url, "pool.get_all", [sref])
    assert answer["error"] == {"code": 1, "message": "SESSION_INVALID", "data": [sref]}


def test_session_expiry(pool):
    pool.sim.config.session_timeout = 0.2
    sref = login_json(pool.url, pool.user, pool.password)
    import time

    time.sleep(0.4)
    _s, answer = rpc.jsonrpc(pool.url, "pool.get_all", [sref])
    assert answer["error"]["message"] == "SESSION_INVALID"


def test_underscore_alias_and_list_methods(pool, session):
    assert session.xenapi.VM_get_all() == session.xenapi.VM.get_all()
    methods = session.xenapi.system.listMethods()
    assert {"VM.start", "event.from", "VM.get_record", "host.evacuate"} <= set(methods)


def test_handle_invalid_and_uuid_invalid(pool, session):
    host = session.xenapi.host.get_all()[0]
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VM.get_record(host)
    assert err.value.details == ["HANDLE_INVALID", "VM", host]
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.SR.get_by_uuid("00000000-1111-2222-3333-444444444444")
    assert err.value.details == ["UUID_INVALID", "SR", "00000000-1111-2222-3333-444444444444"]
    assert session.xenapi.VM.get_by_name_label("no such vm") == []


def test_map_duplicate_key(pool, session):
    vm = a_running_vm(session)
    session.xenapi.VM.add_to_other_config(vm, "k", "v")
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VM.add_to_other_config(vm, "k", "w")
    uuid = session.xenapi.VM.get_uuid(vm)
    assert err.value.details == ["MAP_DUPLICATE_KEY", "VM", "other_config", uuid, "k"]
    session.xenapi.VM.remove_from_other_config(vm, "k")
    session.xenapi.VM.remove_from_other_config(vm, "k")  # removing a missing key is a no-op
    session.xenapi.VM.add_tags(vm, "blue")
    session.xenapi.VM.add_tags(vm, "blue")
    assert pool.db.get(vm)["tags"].count("blue") == 1


def test_async_without_async_form_is_a_fault(pool, session):
    vm = a_running_vm(session)
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.Async.VM.set_VCPUs_max(vm, "4")
    assert err.value.details == ["Fault", "No async mode for this operation (rpc: VM.set_VCPUs_max)"]


def test_async_call_returns_a_task_with_an_xmlrpc_result(pool, session):
    task = session.xenapi.Async.network.create({"name_label": "n1", "other_config": {}})
    import time

    deadline = time.monotonic() + 5
    while session.xenapi.task.get_status(task) == "pending" and time.monotonic() < deadline:
        time.sleep(0.02)
    record = session.xenapi.task.get_record(task)
    assert record["status"] == "success" and record["progress"] == 1.0
    assert record["name_label"] == "Async.network.create"
    ref = re.fullmatch(r"<value>(OpaqueRef:[0-9a-f-]+)</value>", record["result"]).group(1)
    assert session.xenapi.network.get_name_label(ref) == "n1"
    assert record["type"] == "network"
    session.xenapi.task.destroy(task)
    assert task not in session.xenapi.task.get_all()


def test_constructor_needs_its_mandatory_fields(pool, session):
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VBD.create({"VM": "OpaqueRef:NULL"})
    assert err.value.details[0] == "INTERNAL_ERROR"
    assert "Dispatcher_FieldNotFound" in err.value.details[1]


def test_get_all_records_where(pool, session):
    halted = session.xenapi.VM.get_all_records_where(
        'field "power_state" = "Halted" and not field "is_a_template" = "true"')
    expected = {r for r, v in pool.db.all("VM").items()
                if v["power_state"] == "Halted" and not v["is_a_template"]}
    assert set(halted) == expected and expected
    with pytest.raises(XenAPI.Failure) as err:
        session.xenapi.VM.get_all_records_where('field "power_state" =')
    assert err.value.details[0] == "INTERNAL_ERROR"


def test_supporter_answers_host_is_slave(pool):
    coordinator = pool.db.get(pool.sim.coordinator)["address"]
    for _name, url in pool.host_urls()[1:]:
        s = XenAPI.Session(url)
        with pytest.raises(XenAPI.Failure) as err:
            s.xenapi.login_with_password(pool.user, pool.password)
        assert err.value.details == ["HOST_IS_SLAVE", coordinator]


def test_python_xmlrpc_client_without_the_xenapi_package(pool):
    with xmlrpc.client.ServerProxy(pool.url) as proxy:
        answer = proxy.session.login_with_password(pool.user, pool.password)
        assert answer["Status"] == "Success"
        answer = proxy.VM.get_all(answer["Value"])
    assert answer["Status"] == "Success" and len(answer["Value"]) == len(pool.db.all("VM"))
