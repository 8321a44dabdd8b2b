"""RBAC: xapi's built-in roles, subjects from an external directory, and calls refused to a
session whose roles lack the permission."""

from __future__ import annotations

import pytest
import XenAPI

from xapiman.sim import rbac

OPERATOR_DENIED = "No permission in user session. (Roles with this permission: pool-admin, " \
    "pool-operator, vm-power-admin, vm-admin)"


def login(pool, user: str, password: str | None = None) -> XenAPI.Session:
    s = XenAPI.Session(pool.url)
    s.xenapi.login_with_password(user, password or pool.password, "2.21", "rbac-test")
    return s


def failure(fn, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        fn(*args)
    return info.value.details


def test_built_in_roles(session):
    x = session.xenapi
    roles = x.role.get_all_records_where("subroles<>[]")
    assert sorted(r["name_label"] for r in roles.values()) == sorted(rbac.ROLE_ORDER)
    admin = x.role.get_by_name_label("pool-admin")
    assert admin == ["OpaqueRef:0165f154-ba3e-034e-6b27-5d271af109ba"]
    operator = x.role.get_by_name_label("vm-operator")[0]
    record = x.role.get_record(operator)
    assert record["is_internal"] is False and record["subroles"]
    names = x.role.get_permissions_name_label(operator)
    assert {"vm.start", "vm.clean_shutdown", "http/connect_console",
            "vm.add_to_other_config/key:folder"} <= set(names)
    assert "vm.destroy" not in names and "vm.add_to_other_config" not in names
    holders = x.role.get_by_permission_name_label("vm.destroy")
    assert [x.role.get_name_label(r) for r in holders] == \
        ["pool-admin", "pool-operator", "vm-power-admin", "vm-admin"]
    permission = x.role.get_by_name_label("vm.destroy")[0]
    assert x.role.get_record(permission) == {
        "uuid": x.role.get_uuid(permission), "name_label": "vm.destroy",
        "name_description": "A basic permission", "subroles": [], "is_internal": True}
    assert x.role.get_permissions(permission) == [permission]
    assert sorted(x.role.get_by_permission(permission)) == sorted(holders)
    everything = x.role.get_all()
    assert len(everything) == len(x.role.get_all_records()) > 2000
    assert failure(x.role.get_record, "OpaqueRef:nope") == ["HANDLE_INVALID", "role", "OpaqueRef:nope"]
    assert failure(x.role.get_by_uuid, "nope") == ["UUID_INVALID", "role", "nope"]


def test_subjects_need_external_authentication(session):
    x = session.xenapi
    x.pool.disable_external_auth(x.pool.get_all()[0], {})
    assert failure(x.subject.create, {"subject_identifier": "S-1-5-21-1"}) == ["AUTH_IS_DISABLED"]
    assert failure(x.auth.get_subject_identifier, "CORP\\bob") == ["AUTH_IS_DISABLED"]


def join(session) -> None:
    """The pool joins the directory afresh, with no subject yet."""
    x = session.xenapi
    pool = x.pool.get_all()[0]
    x.pool.disable_external_auth(pool, {})
    for subject in x.subject.get_all():
        x.subject.destroy(subject)
    x.pool.enable_external_auth(pool, {"user": "Administrator", "pass": "secret"},
                                "corp.example.com", "AD")


def test_the_synthetic_pool_lets_its_directory_users_in(pool, session):
    x = session.xenapi
    subjects = x.subject.get_all_records()
    names = {r["other_config"]["subject-name"]: [x.role.get_name_label(role) for role in r["roles"]]
             for r in subjects.values()}
    assert names["CORP\\bob"] == ["vm-operator"] and names["CORP\\Domain Admins"] == ["pool-admin"]
    alice = login(pool, "alice@corp.example.com")  # through the Domain Admins group
    assert "pool.enable_ha" in alice.xenapi.session.get_rbac_permissions(alice._session)
    bob = login(pool, "CORP\\bob")
    vm = x.VM.get_by_name_label("prod-web-01")[0]
    assert failure(bob.xenapi.VM.destroy, vm)[:2] == ["RBAC_PERMISSION_DENIED", "vm.destroy"]


def test_external_authentication_joins_every_host(session):
    x = session.xenapi
    pool = x.pool.get_all()[0]
    x.pool.disable_external_auth(pool, {})
    assert failure(x.pool.enable_external_auth, pool, {}, "corp.example.com", "LDAP") == \
        ["AUTH_UNKNOWN_TYPE", "LDAP"]
    x.pool.enable_external_auth(pool, {"user": "Administrator", "pass": "secret"},
                                "corp.example.com", "AD")
    hosts = x.host.get_all_records()
    assert {h["external_auth_type"] for h in hosts.values()} == {"AD"}
    assert all(h["external_auth_configuration"] == {"user": "Administrator"} for h in hosts.values())
    details = failure(x.pool.enable_external_auth, pool, {}, "corp.example.com", "AD")
    assert details[0] == "POOL_AUTH_ALREADY_ENABLED" and details[1] in hosts
    sid = x.auth.get_subject_identifier("bob@corp.example.com")
    assert x.auth.get_subject_identifier("CORP\\Bob") == sid
    info = x.auth.get_subject_information_from_identifier(sid)
    assert info["subject-name"] == "CORP\\bob" and info["subject-is-group"] == "false"
    assert len(x.auth.get_group_membership(sid)) == 1
    assert failure(x.auth.get_subject_identifier, "OTHER\\bob") == ["SUBJECT_CANNOT_BE_RESOLVED"]
    x.pool.disable_external_auth(pool, {})
    assert {h["external_auth_type"] for h in x.host.get_all_records().values()} == {""}


def test_a_subject_logs_in_with_the_permissions_of_its_roles(pool, session):
    x = session.xenapi
    join(session)
    bob_sid = x.auth.get_subject_identifier("CORP\\bob")
    bob = x.subject.create({"subject_identifier": bob_sid, "other_config": {}})
    record = x.subject.get_record(bob)
    assert record["roles"] == [] and record["other_config"]["subject-upn"] == "bob@corp.example.com"
    assert failure(x.subject.create, {"subject_identifier": bob_sid}) == ["SUBJECT_ALREADY_EXISTS"]
    assert failure(x.subject.create, {"subject_identifier": "S-1-5-21-9-9-9-9"}) == \
        ["SUBJECT_CANNOT_BE_RESOLVED"]
    denied = failure(login, pool, "CORP\\bob")
    assert denied[0] == "RBAC_PERMISSION_DENIED" and "has no roles in this pool" in denied[2]
    operator = x.role.get_by_name_label("vm-operator")[0]
    assert failure(x.subject.add_to_roles, bob, x.role.get_by_name_label("vm.start")[0]) == \
        ["ROLE_NOT_FOUND"]
    x.subject.add_to_roles(bob, operator)
    assert failure(x.subject.add_to_roles, bob, operator) == ["ROLE_ALREADY_EXISTS"]
    assert "vm.start" in x.subject.get_permissions_name_label(bob)

    s = login(pool, "bob@corp.example.com")
    b = s.xenapi
    me = b.session.get_record(s._session)
    assert me["is_local_superuser"] is False and me["subject"] == bob
    assert me["auth_user_name"] == "CORP\\bob" and me["auth_user_sid"] == bob_sid
    assert "vm.clean_shutdown" in me["rbac_permissions"]
    vm = b.VM.get_by_name_label("prod-web-01")[0]
    assert b.VM.get_power_state(vm) == "Running"  # reading is allowed to every role
    assert failure(b.VM.destroy, vm) == ["RBAC_PERMISSION_DENIED", "vm.destroy", OPERATOR_DENIED]
    assert failure(b.Async.VM.destroy, vm)[:2] == ["RBAC_PERMISSION_DENIED", "vm.destroy"]
    b.VM.remove_from_other_config(vm, "folder")  # a key vm-operators may edit
    b.VM.add_to_other_config(vm, "folder", "/Ops")
    assert failure(b.VM.add_to_other_config, vm, "owner", "bob")[:2] == \
        ["RBAC_PERMISSION_DENIED", "vm.add_to_other_config"]
    assert failure(b.subject.add_to_roles, bob, x.role.get_by_name_label("pool-admin")[0])[:2] == \
        ["RBAC_PERMISSION_DENIED", "subject.add_to_roles"]
    assert b.session.get_all_subject_identifiers() == [bob_sid]

    x.session.logout_subject_identifier(bob_sid)
    assert failure(x.session.get_record, s._session)[0] == "HANDLE_INVALID"
    assert x.session.get_all_subject_identifiers() == []
    x.subject.remove_from_roles(bob, operator)
    assert failure(x.subject.remove_from_roles, bob, operator) == ["ROLE_NOT_FOUND"]
    x.subject.destroy(bob)
    assert failure(login, pool, "CORP\\bob")[0] == "SESSION_AUTHORIZATION_FAILED"


def test_a_group_subject_lets_its_members_in(pool, session):
    x = session.xenapi
    join(session)
    group_sid = x.auth.get_subject_identifier("CORP\\XenServer Operators")
    group = x.subject.create({"subject_identifier": group_sid})
    assert x.subject.get_other_config(group)["subject-is-group"] == "true"
    x.subject.add_to_roles(group, x.role.get_by_name_label("read-only")[0])
    erin = login(pool, "erin")
    assert erin.xenapi.session.get_subject(erin._session) == group
    assert failure(erin.xenapi.VM.start, x.VM.get_by_name_label("prod-db-01")[0], False, False)[:2] \
        == ["RBAC_PERMISSION_DENIED", "vm.start"]
    assert failure(login, pool, "carol")[0] == "SESSION_AUTHORIZATION_FAILED"
    assert failure(login, pool, "erin", "wrong")[0] == "SESSION_AUTHENTICATION_FAILED"
    assert failure(login, pool, "mallory")[0] == "SESSION_AUTHENTICATION_FAILED"
