"""The simulator's datamodel as objects: classes, fields, messages (custom and implicit), enums.

Built once at import from the generated tables (`tables.py`). Implicit messages (getters,
setters, map/set add and remove, get_record, get_all, create, destroy, ...) get their parameters
and results from the fields by xapi's rules; `get_all_records_where`, which xapi serves for every
class but hides from the published datamodel, is added here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from xapiman.sim.model.tables import CLASSES, ENUMS, ROLE_SETS
from xapiman.sim.model.types import XType, parse_type
from xapiman.sim.model.values import parse_default, zero


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: XType
    qualifier: str  # "RW", "RO/constructor" or "RO/runtime"
    default: object  # the value a new object gets
    lifecycle: str

    @property
    def writable(self) -> bool:
        return self.qualifier == "RW"


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: XType
    required: bool


@dataclass(frozen=True)
class MessageSpec:
    """One message of one class.

    Attributes:
        kind: "custom", or for implicit messages the rule that made it: "get", "set",
            "add_to", "remove_from", "add", "remove", "get_record", "get_by_uuid", "get_all",
            "get_all_records", "get_all_records_where", "get_by_name_label", "create",
            "destroy".
        field: the field an implicit accessor works on.
        params: the parameters after the session.
        session: whether the first wire parameter is the session.
        asynchronous: whether `Async.<wire name>` exists.
    """

    cls: str
    name: str
    kind: str
    params: tuple[ParamSpec, ...]
    result: XType
    lifecycle: str
    session: bool = True
    asynchronous: bool = False
    field: str | None = None
    roles: tuple[str, ...] = ()

    @property
    def wire_name(self) -> str:
        return f"{self.cls}.{self.name}"

    @property
    def required_count(self) -> int:
        return sum(1 for p in self.params if p.required)

    @property
    def has_optional(self) -> bool:
        return any(not p.required for p in self.params)


@dataclass
class ClassSpec:
    """One class: its fields and messages; `constructor` lists the fields the generic `create`
    takes (name, mandatory); `in_database` whether xapi keeps its objects in the database
    (record-only classes such as data_source are not)."""

    name: str
    lifecycle: str = "Published_s"
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    messages: dict[str, MessageSpec] = field(default_factory=dict)
    constructor: tuple[tuple[str, bool], ...] = ()
    in_database: bool = True

    @property
    def removed(self) -> bool:
        return self.lifecycle == "Removed_s"

    def new_record(self) -> dict[str, object]:
        """A record with every field at its default."""
        return {name: copy.copy(f.default) for name, f in self.fields.items()}


# Custom messages xapi declares without an Async form (`~flags:[`Session]`), see
# ../shared/reference/xapi.md section 1.7. Every other custom message has one.
_NOT_ASYNC = {
    "session": "*",
    "task": {"create", "destroy", "set_status", "set_progress", "set_result", "set_error_info",
             "add_to_other_config", "remove_from_other_config", "set_other_config"},
    "event": {"next", "from", "get_current_id", "inject"},
    "message": "*",
    "blob": "*",
    "role": "*",
    "subject": {"add_to_roles", "remove_from_roles", "get_permissions_name_label"},
    "VM": {"set_VCPUs_max", "set_VCPUs_at_startup", "set_memory_static_min",
           "set_memory_static_max", "set_memory_dynamic_min", "set_memory_dynamic_max",
           "set_HVM_boot_policy", "set_HVM_shadow_multiplier", "set_domain_type", "set_platform",
           "add_to_platform", "remove_from_platform", "set_other_config", "add_to_other_config",
           "remove_from_other_config", "set_NVRAM", "add_to_NVRAM", "remove_from_NVRAM",
           "set_ha_restart_priority", "get_allowed_VBD_devices", "get_allowed_VIF_devices",
           "get_data_sources", "query_data_source", "record_data_source",
           "forget_data_source_archives", "set_blocked_operations", "add_to_blocked_operations",
           "remove_from_blocked_operations", "get_cooperative", "get_boot_record",
           "set_bios_strings", "set_has_vendor_device", "set_suspend_VDI", "set_order",
           "set_start_delay", "set_shutdown_delay", "set_appliance", "set_snapshot_schedule",
           "set_groups", "get_secureboot_readiness", "set_uefi_mode"},
    "host": {"get_servertime", "get_server_localtime", "set_hostname_live", "list_methods",
             "get_data_sources", "query_data_source", "record_data_source",
             "forget_data_source_archives", "has_extension", "call_extension",
             "enable_external_auth", "disable_external_auth", "get_server_certificate",
             "shutdown_agent", "compute_memory_overhead"},
    "pool": {"ha_compute_max_host_failures_to_tolerate", "ha_compute_hypothetical_max_host_failures_to_tolerate",
             "ha_compute_vm_failover_plan", "ha_failover_plan_exists", "enable_external_auth",
             "disable_external_auth", "get_license_state", "has_extension"},
    "SR": {"get_supported_types", "get_data_sources", "query_data_source", "record_data_source",
           "forget_data_source_archives", "set_name_label", "set_name_description"},
    "VDI": {"set_sharable", "set_read_only", "set_name_label", "set_name_description",
            "set_on_boot", "set_allow_caching", "set_missing", "set_managed",
            "set_virtual_size", "set_physical_utilisation", "set_is_a_snapshot",
            "set_snapshot_of", "set_snapshot_time", "set_metadata_of_pool", "get_nbd_info",
            "read_database_pool_uuid", "list_changed_blocks"},
    "VIF": {"set_locking_mode", "set_ipv4_allowed", "add_ipv4_allowed", "remove_ipv4_allowed",
            "set_ipv6_allowed", "add_ipv6_allowed", "remove_ipv6_allowed"},
    "network": {"add_purpose", "remove_purpose", "set_default_locking_mode"},
    "auth": "*",
    "data_source": "*",
    "VMPP": "*",
    "VMSS": {"snapshot_now", "set_retained_snapshots", "set_frequency", "set_schedule",
             "set_last_run_time", "add_to_schedule", "remove_from_schedule", "set_type"},
    "secret": {"introduce"},
}

# Classes whose objects xapi does not keep in its database (records returned by messages,
# or kept elsewhere as messages are): no table, no events, not in valid_ref_counts.
NOT_IN_DATABASE = frozenset({"auth", "event", "data_source", "sr_stat", "probe_result",
                             "vdi_nbd_server_info", "message"})


def _is_async(cls: str, name: str) -> bool:
    rule = _NOT_ASYNC.get(cls, ())
    return not (rule == "*" or name in rule)


_SESSION_FREE = {("session", "login_with_password"), ("session", "slave_local_login_with_password")}


def _custom(cls: str, item: tuple) -> MessageSpec:
    name, result, lifecycle, params, roles = item
    session = bool(params) and params[0][1] == "session_id" and params[0][0] == "session ref"
    plist = params[1:] if session else params
    return MessageSpec(
        cls=cls,
        name=name,
        kind="custom",
        params=tuple(ParamSpec(n, parse_type(t), r) for t, n, r in plist),
        result=parse_type(result),
        lifecycle=lifecycle,
        session=session and (cls, name) not in _SESSION_FREE,
        asynchronous=_is_async(cls, name),
        roles=ROLE_SETS[roles],
    )


_ACCESSOR_PREFIXES = ("get_", "set_", "add_to_", "remove_from_", "add_", "remove_")


def _implicit(cls: str, name: str, lifecycle: str, fields: dict[str, FieldSpec],
              roles: tuple[str, ...]) -> MessageSpec:
    self_p = ParamSpec("self", parse_type(f"{cls} ref"), True)
    string = parse_type("string")
    whole = {
        "get_record": ((self_p,), f"{cls} record"),
        "get_by_uuid": ((ParamSpec("uuid", string, True),), f"{cls} ref"),
        "get_all": ((), f"{cls} ref set"),
        "get_all_records": ((), f"({cls} ref -> {cls} record) map"),
        "get_all_records_where": ((ParamSpec("expr", string, True),), f"({cls} ref -> {cls} record) map"),
        "get_by_name_label": ((ParamSpec("label", string, True),), f"{cls} ref set"),
        "create": ((ParamSpec("args", parse_type(f"{cls} record"), True),), f"{cls} ref"),
        "destroy": ((self_p,), "void"),
    }
    if name in whole:
        params, result = whole[name]
        return MessageSpec(cls, name, name, params, parse_type(result), lifecycle,
                           asynchronous=name in ("create", "destroy"), roles=roles)
    for prefix in _ACCESSOR_PREFIXES:
        fname = name[len(prefix):]
        if name.startswith(prefix) and fname in fields:
            t = fields[fname].type
            kind = prefix[:-1]
            if kind == "get":
                params, result = (self_p,), t
            elif kind == "set":
                params, result = (self_p, ParamSpec("value", t, True)), None
            elif kind == "add_to":
                assert t.item and t.value
                params = (self_p, ParamSpec("key", t.item, True), ParamSpec("value", t.value, True))
                result = None
            elif kind in ("remove_from",):
                assert t.item
                params, result = (self_p, ParamSpec("key", t.item, True)), None
            else:
                assert t.item
                params, result = (self_p, ParamSpec("value", t.item, True)), None
            return MessageSpec(cls, name, kind, params, result or parse_type("void"), lifecycle,
                               field=fname, roles=roles)
    raise ValueError(f"cannot derive implicit message {cls}.{name}")


def _build() -> dict[str, ClassSpec]:
    model: dict[str, ClassSpec] = {}
    for cname, table in CLASSES.items():
        spec = ClassSpec(cname, lifecycle=table["lifecycle"], constructor=table["constructor"],
                         in_database=cname not in NOT_IN_DATABASE)
        for fname, ftype, qualifier, default, lifecycle in table["fields"]:
            t = parse_type(ftype)
            value = parse_default(default, t, ENUMS) if default is not None else zero(t, ENUMS)
            spec.fields[fname] = FieldSpec(fname, t, qualifier, value, lifecycle)
        for item in table["messages"]:
            msg = _custom(cname, item)
            spec.messages[msg.name] = msg
        for name, lifecycle, roles in table["implicit"]:
            spec.messages[name] = _implicit(cname, name, lifecycle, spec.fields, ROLE_SETS[roles])
        records = spec.messages.get("get_all_records")
        if records is not None and "get_all_records_where" not in spec.messages:
            spec.messages["get_all_records_where"] = _implicit(
                cname, "get_all_records_where", records.lifecycle, spec.fields, records.roles
            )
        model[cname] = spec
    return model


MODEL: dict[str, ClassSpec] = _build()
CLASS_BY_LOWER: dict[str, str] = {name.lower(): name for name in MODEL}


def lookup(wire_name: str) -> MessageSpec | None:
    """The message a wire name designates (`VM.start`, or xapi's alias `VM_start`)."""
    cls, dot, name = wire_name.partition(".")
    if dot:
        spec = MODEL.get(cls)
        return spec.messages.get(name) if spec else None
    # `Class_message`: class names may contain underscores (VM_metrics), so try each split.
    parts = wire_name.split("_")
    for i in range(1, len(parts)):
        spec = MODEL.get("_".join(parts[:i]))
        if spec:
            msg = spec.messages.get("_".join(parts[i:]))
            if msg:
                return msg
    return None


DATABASE_CLASSES: tuple[str, ...] = tuple(name for name, spec in MODEL.items() if spec.in_database)

__all__ = ["DATABASE_CLASSES", "ENUMS", "MODEL", "ClassSpec", "FieldSpec", "MessageSpec", "ParamSpec", "lookup"]
