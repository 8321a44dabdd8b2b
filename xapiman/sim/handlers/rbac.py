"""RBAC: the built-in roles (role.*), subjects, external authentication (pool / host
enable_external_auth, auth.*) against the simulated directory (xapiman/sim/directory.py)."""

from __future__ import annotations

from xapiman.sim import directory, rbac
from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.implicit import constructor_values
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF

AUTH_TYPES = ("AD",)


# -- roles: built in, not in the database -------------------------------------------------------


def _role(ref: str) -> dict:
    rec = rbac.roles().records.get(ref)
    if rec is None:
        raise Failure("HANDLE_INVALID", "role", ref)
    return rec


@handler("role", "get_all")
def role_get_all(call: Call) -> list[str]:
    return list(rbac.roles().records)


@handler("role", "get_all_records")
def role_get_all_records(call: Call) -> dict[str, dict]:
    return dict(rbac.roles().records)


@handler("role", "get_all_records_where")
def role_get_all_records_where(call: Call, expr: str) -> dict[str, dict]:
    """xapi answers the roles for `subroles<>[]`, the permissions for `subroles=[]`, and every
    role and permission for anything else."""
    records = rbac.roles().records
    compact = expr.replace(" ", "")
    if compact == "subroles<>[]":
        return {ref: rec for ref, rec in records.items() if rec["subroles"]}
    if compact == "subroles=[]":
        return {ref: rec for ref, rec in records.items() if not rec["subroles"]}
    return dict(records)


@handler("role", "get_record")
def role_get_record(call: Call, ref: str) -> dict:
    return _role(ref)


@handler("role", "get_by_uuid")
def role_get_by_uuid(call: Call, uuid: str) -> str:
    ref = rbac.roles().by_uuid.get(uuid)
    if ref is None:
        raise Failure("UUID_INVALID", "role", uuid)
    return ref


@handler("role", "get_by_name_label")
def role_get_by_name_label(call: Call, label: str) -> list[str]:
    ref = rbac.roles().by_name.get(label)
    return [ref] if ref else []


def _role_getter(field: str):
    def getter(call: Call, ref: str) -> object:
        return _role(ref)[field]

    return getter


for _field in ("uuid", "name_label", "name_description", "subroles", "is_internal"):
    handler("role", f"get_{_field}")(_role_getter(_field))


def _permissions(ref: str) -> list[str]:
    rec = _role(ref)
    return list(rec["subroles"]) or [ref]


@handler("role", "get_permissions")
def get_permissions(call: Call, ref: str) -> list[str]:
    return _permissions(ref)


@handler("role", "get_permissions_name_label")
def get_permissions_name_label(call: Call, ref: str) -> list[str]:
    return sorted(rbac.roles().permissions[ref]) if ref in rbac.roles().permissions \
        else [_role(ref)["name_label"]]


def _holders(permission: str) -> list[str]:
    """The roles (not permissions) whose permissions include `permission` (a name)."""
    table = rbac.roles()
    return [ref for ref, rec in table.records.items()
            if rec["subroles"] and permission in table.permissions[ref]]


@handler("role", "get_by_permission")
def get_by_permission(call: Call, permission: str) -> list[str]:
    rec = rbac.roles().records.get(permission)
    return _holders(rec["name_label"]) if rec is not None else []


@handler("role", "get_by_permission_name_label")
def get_by_permission_name_label(call: Call, label: str) -> list[str]:
    return _holders(label)


# -- external authentication --------------------------------------------------------------------


def auth_domain(call: Call) -> str:
    """The domain the pool (its coordinator) joined; AUTH_IS_DISABLED when none."""
    host = call.db.get(call.sim.coordinator, "host")
    if host["external_auth_type"] != "AD":
        raise Failure("AUTH_IS_DISABLED")
    return host["external_auth_service_name"]


def _assert_auth_type(auth_type: str) -> None:
    if auth_type not in AUTH_TYPES:
        raise Failure("AUTH_UNKNOWN_TYPE", auth_type)


def _join(call: Call, host: str, config: dict[str, str], service_name: str,
          auth_type: str) -> None:
    rec = call.db.get(host, "host")
    if rec["external_auth_type"]:
        raise Failure("AUTH_ALREADY_ENABLED", rec["external_auth_type"],
                      rec["external_auth_service_name"])
    kept = {k: v for k, v in config.items() if k != "pass"}  # the join password is not kept
    call.db.update(host, external_auth_type=auth_type, external_auth_service_name=service_name,
                   external_auth_configuration=kept)


def _leave(call: Call, host: str) -> None:
    call.db.update(host, external_auth_type="", external_auth_service_name="",
                   external_auth_configuration={})


@handler("pool", "enable_external_auth")
def pool_enable_external_auth(call: Call, pool: str, config: dict[str, str], service_name: str,
                              auth_type: str) -> None:
    db = call.db
    with db.lock:
        db.get(pool, "pool")
        _assert_auth_type(auth_type)
        for host, rec in db.all("host").items():
            if rec["external_auth_type"]:
                raise Failure("POOL_AUTH_ALREADY_ENABLED", host)
        for host in list(db.all("host")):
            _join(call, host, config, service_name, auth_type)


@handler("pool", "disable_external_auth")
def pool_disable_external_auth(call: Call, pool: str, config: dict[str, str] | None = None) -> None:
    db = call.db
    with db.lock:
        db.get(pool, "pool")
        for host in list(db.all("host")):
            _leave(call, host)


@handler("host", "enable_external_auth")
def host_enable_external_auth(call: Call, host: str, config: dict[str, str], service_name: str,
                              auth_type: str) -> None:
    with call.db.lock:
        _assert_auth_type(auth_type)
        _join(call, host, config, service_name, auth_type)


@handler("host", "disable_external_auth")
def host_disable_external_auth(call: Call, host: str, config: dict[str, str] | None = None,
                               force: bool = False) -> None:  # noqa: ARG001
    with call.db.lock:
        call.db.get(host, "host")
        _leave(call, host)


def _resolve_sid(call: Call, sid: str) -> directory.Entry:
    auth_domain(call)
    entry = directory.by_sid(sid)
    if entry is None:
        raise Failure("SUBJECT_CANNOT_BE_RESOLVED")
    return entry


@handler("auth", "get_subject_identifier")
def get_subject_identifier(call: Call, subject_name: str) -> str:
    entry = directory.find(auth_domain(call), subject_name)
    if entry is None:
        raise Failure("SUBJECT_CANNOT_BE_RESOLVED")
    return entry.sid


@handler("auth", "get_subject_information_from_identifier")
def get_subject_information(call: Call, subject_identifier: str) -> dict[str, str]:
    entry = _resolve_sid(call, subject_identifier)
    return directory.subject_information(auth_domain(call), entry)


@handler("auth", "get_group_membership")
def get_group_membership(call: Call, subject_identifier: str) -> list[str]:
    return directory.group_sids(_resolve_sid(call, subject_identifier))


# -- subjects -----------------------------------------------------------------------------------


@handler("subject", "create")
def subject_create(call: Call, args: dict) -> str:
    """A user or group of the directory gets access to the pool, with no role yet."""
    values = constructor_values("subject", args)
    sid = values.get("subject_identifier", "")
    db = call.db
    with db.lock:
        if any(rec["subject_identifier"] == sid for rec in db.all("subject").values()):
            raise Failure("SUBJECT_ALREADY_EXISTS")
        entry = _resolve_sid(call, sid)
        info = directory.subject_information(auth_domain(call), entry)
        return db.create("subject", {"subject_identifier": sid, "other_config": info,
                                     "roles": []})


@handler("subject", "destroy")
def subject_destroy(call: Call, subject: str) -> None:
    db = call.db
    with db.lock:
        db.get(subject, "subject")
        db.destroy(subject)


@handler("subject", "add_to_roles")
def add_to_roles(call: Call, subject: str, role: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(subject, "subject")
        if not rbac.is_user_role(role):
            raise Failure("ROLE_NOT_FOUND")
        if role in rec["roles"]:
            raise Failure("ROLE_ALREADY_EXISTS")
        db.update(subject, roles=[*rec["roles"], role])


@handler("subject", "remove_from_roles")
def remove_from_roles(call: Call, subject: str, role: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(subject, "subject")
        if role not in rec["roles"]:
            raise Failure("ROLE_NOT_FOUND")
        db.update(subject, roles=[r for r in rec["roles"] if r != role])


def subject_permissions(roles: list[str]) -> set[str]:
    table = rbac.roles()
    out: set[str] = set()
    for role in roles:
        out |= table.permissions.get(role, frozenset())
    return out


@handler("subject", "get_permissions_name_label")
def subject_get_permissions_name_label(call: Call, subject: str) -> list[str]:
    return sorted(subject_permissions(call.db.get(subject, "subject")["roles"]))


@handler("session", "logout_subject_identifier")
def logout_subject_identifier(call: Call, subject_identifier: str) -> None:
    sessions = call.sim.sessions
    for ref, rec in list(call.db.all("session").items()):
        if rec["auth_user_sid"] == subject_identifier and ref != call.session:
            sessions.logout(ref)


def login_subject(call: Call, uname: str) -> dict[str, object]:
    """The session fields of a directory user allowed in the pool by a subject (the user or
    one of its groups): SESSION_AUTHENTICATION_FAILED for a user the directory does not know,
    SESSION_AUTHORIZATION_FAILED when no subject lets them in, RBAC_PERMISSION_DENIED when
    their subjects hold no role."""
    db = call.db
    host = db.get(call.sim.coordinator, "host")
    domain = host["external_auth_service_name"]
    entry = directory.find(domain, uname) if host["external_auth_type"] == "AD" else None
    if entry is None or entry.is_group:
        raise Failure("SESSION_AUTHENTICATION_FAILED", uname, "Authentication failure")
    sids = {entry.sid, *directory.group_sids(entry)}
    subjects = [(ref, rec) for ref, rec in db.all("subject").items()
                if rec["subject_identifier"] in sids]
    if not subjects:
        raise Failure("SESSION_AUTHORIZATION_FAILED", uname,
                      f"Subject {uname} (identifier {entry.sid}) is not present in this pool")
    permissions = set()
    for _ref, rec in subjects:
        permissions |= subject_permissions(rec["roles"])
    if not permissions:
        raise Failure("RBAC_PERMISSION_DENIED", uname,
                      f"Subject {uname} (identifier {entry.sid}) has no roles in this pool")
    return {"subject": subjects[0][0] if subjects else NULL_REF, "auth_user_sid": entry.sid,
            "auth_user_name": directory.subject_information(domain, entry)["subject-name"],
            "is_local_superuser": False, "rbac_permissions": sorted(permissions)}
