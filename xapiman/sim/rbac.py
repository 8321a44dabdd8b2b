"""xapi's built-in roles and permissions (its rbac_static), and the permission a call needs.

Every message of the datamodel is a permission (its wire name in lower case, `vm.start`),
allowed to the roles the datamodel lists for it; HTTP handlers (`http/get_export` ...), a few
protected map keys (`vm.add_to_other_config/key:folder` ...) and `task.destroy/any` are
permissions too. Roles and permissions are `role` objects that live outside the database, as
in xapi: a role's subroles are its permissions; a permission has none and is internal. Their
refs are "OpaqueRef:" followed by a uuid made from the MD5 digest of the name (pool-admin has a
fixed one), so they are the same in every pool.
"""

from __future__ import annotations

import functools
import hashlib
import uuid as uuidlib
from dataclasses import dataclass

from xapiman.sim.model.spec import MODEL

POOL_ADMIN_UUID = "0165f154-ba3e-034e-6b27-5d271af109ba"
# In decreasing order of privilege (client-cert is internal: for client certificate logins).
ROLE_ORDER = ("pool-admin", "pool-operator", "vm-power-admin", "vm-admin", "vm-operator",
              "client-cert", "read-only")
ROLE_DESCRIPTIONS = {
    "pool-admin": "The Pool Administrator role has full access to all features and settings, "
                  "including accessing Dom0 and managing subjects, roles and external "
                  "authentication",
    "pool-operator": "The Pool Operator role manages host- and pool-wide resources, including "
                     "setting up storage, creating resource pools and managing patches, high "
                     "availability (HA) and workload balancing (WLB)",
    "vm-power-admin": "The VM Power Administrator role has full access to VM and template "
                      "management and can choose where to start VMs and use the dynamic memory "
                      "control and VM snapshot features",
    "vm-admin": "The VM Administrator role can manage VMs and templates",
    "vm-operator": "The VM Operator role can use VMs and interact with VM consoles",
    "client-cert": "The Client Certificate role has access to functionality granted to those "
                   "who authenticate using a client certificate",
    "read-only": "The Read-Only role can log in with basic read-only access",
}
PERMISSION_DESCRIPTION = "A basic permission"
# The roles assignable to subjects (the internal client-cert role is not).
USER_ROLES = tuple(r for r in ROLE_ORDER if r != "client-cert")


def at_least(role: str) -> tuple[str, ...]:
    """The roles with at least the privileges of `role` (xapi's roles_gte; no client-cert)."""
    return tuple(r for r in USER_ROLES[: USER_ROLES.index(role) + 1])


# HTTP handlers: (permission after "http/", the least role allowed, sub-actions for pool admins)
HTTP_ACTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("get_services", "read-only", ()), ("put_import", "vm-admin", ()),
    ("put_import_metadata", "vm-admin", ()), ("put_import_raw_vdi", "vm-admin", ()),
    ("get_export", "vm-admin", ()), ("get_export_metadata", "vm-admin", ()),
    ("get_export_raw_vdi", "vm-admin", ()), ("connect_console", "vm-operator", ("host_console",)),
    ("connect_console_ws", "vm-operator", ("host_console_ws",)), ("get_root", "read-only", ()),
    ("post_cli", "read-only", ()), ("get_host_backup", "pool-admin", ()),
    ("put_host_restore", "pool-admin", ()), ("get_host_logs_download", "pool-operator", ()),
    ("put_pool_patch_upload", "pool-operator", ()),
    ("get_vncsnapshot", "vm-operator", ("host_console",)),
    ("get_system_status", "pool-operator", ()), ("vm_rrd", "read-only", ()),
    ("get_vm_rrds", "read-only", ()), ("host_rrd", "read-only", ()),
    ("get_host_rrds", "read-only", ()), ("sr_rrd", "read-only", ()),
    ("rrd_updates", "read-only", ()), ("get_blob", "read-only", ()),
    ("put_blob", "vm-power-admin", ()),
)
_XENCENTER_KEYS = (("folder", "vm-operator"), ("XenCenter.CustomFields.*", "vm-operator"))
# Map keys a lesser role may edit with add_to_other_config / remove_from_other_config:
# class -> ((key, least role), ...); a key ending in * covers every key it starts.
PROTECTED_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "VM": (("hvm_serial", "pool-admin"), ("pci", "pool-admin"), *_XENCENTER_KEYS),
    "task": (("applies_to", "vm-operator"), ("XenCenterUUID", "vm-operator"),
             ("XenCenterMeddlingActionTitle", "vm-operator")),
    "network": (*_XENCENTER_KEYS, ("XenCenterCreateInProgress", "vm-operator")),
    "SR": _XENCENTER_KEYS,
    "VDI": _XENCENTER_KEYS,
    "host": _XENCENTER_KEYS,
    "pool": (*_XENCENTER_KEYS, ("EMPTY_FOLDERS", "vm-operator")),
}
KEYED_MESSAGES = ("add_to_other_config", "remove_from_other_config")
EXTRA_PERMISSIONS = (("task.destroy/any", "pool-operator"),)


def role_ref(name: str) -> str:
    """The ref of the built-in role or permission `name` (spelt as xapi generates it)."""
    return f"OpaqueRef:{role_uuid(name)}"


def role_uuid(name: str) -> str:
    if name == "pool-admin":
        return POOL_ADMIN_UUID
    return str(uuidlib.UUID(bytes=hashlib.md5(name.encode()).digest()))


@dataclass(frozen=True)
class Roles:
    """The built-in roles and permissions.

    Attributes:
        records: ref -> role record (permissions first, then the roles).
        by_uuid, by_name: uuid / name_label -> ref.
        permissions: role ref -> the names of its permissions (a permission: itself).
        holders: permission name -> the names of the roles that hold it.
    """

    records: dict[str, dict]
    by_uuid: dict[str, str]
    by_name: dict[str, str]
    permissions: dict[str, frozenset[str]]
    holders: dict[str, tuple[str, ...]]

    def role_names_with(self, permission: str) -> str:
        """The roles holding `permission`, as xapi lists them in RBAC_PERMISSION_DENIED."""
        return ", ".join(self.holders.get(permission, ()))


def _permission_table() -> dict[str, tuple[str, ...]]:
    """Permission (as generated, before lower-casing) -> the roles allowed."""
    table: dict[str, tuple[str, ...]] = {}
    for cls, spec in MODEL.items():
        for msg in spec.messages.values():
            table.setdefault(msg.wire_name, msg.roles)
        for key, role in PROTECTED_KEYS.get(cls, ()):
            for name in KEYED_MESSAGES:
                table[f"{cls}.{name}/key:{key}"] = at_least(role)
    for name, role, subs in HTTP_ACTIONS:
        table[f"http/{name}"] = at_least(role)
        for sub in subs:
            table[f"http/{name}/{sub}"] = at_least("pool-admin")
    for name, role in EXTRA_PERMISSIONS:
        table[name] = at_least(role)
    return table


@functools.cache
def roles() -> Roles:
    """Built once, on first use."""
    records: dict[str, dict] = {}
    members: dict[str, list[str]] = {r: [] for r in ROLE_ORDER}
    permissions: dict[str, frozenset[str]] = {}
    holders: dict[str, tuple[str, ...]] = {}
    for name, allowed in _permission_table().items():
        ref = role_ref(name)
        label = name.lower()
        records[ref] = {"uuid": role_uuid(name), "name_label": label,
                        "name_description": PERMISSION_DESCRIPTION, "subroles": [],
                        "is_internal": True}
        permissions[ref] = frozenset((label,))
        holders[label] = tuple(r for r in ROLE_ORDER if r in allowed)
        for role in allowed:
            members[role].append(ref)
    for role in ROLE_ORDER:
        ref = role_ref(role)
        records[ref] = {"uuid": role_uuid(role), "name_label": role,
                        "name_description": ROLE_DESCRIPTIONS[role], "subroles": members[role],
                        "is_internal": role == "client-cert"}
        permissions[ref] = frozenset(records[p]["name_label"] for p in members[role])
    by_uuid = {rec["uuid"]: ref for ref, rec in records.items()}
    by_name = {rec["name_label"]: ref for ref, rec in records.items()}
    return Roles(records, by_uuid, by_name, permissions, holders)


def is_user_role(ref: str) -> bool:
    """Whether `ref` is a role a subject may hold (not a permission)."""
    rec = roles().records.get(ref)
    return rec is not None and bool(rec["subroles"])


def permission_of_call(cls: str, name: str, args: list[object]) -> str:
    """The permission a call needs: its wire name in lower case, or the protected-key
    permission when it edits a protected key of other_config."""
    wire = f"{cls}.{name}".lower()
    if name in KEYED_MESSAGES and len(args) > 1 and isinstance(args[1], str):
        key = args[1]
        for protected, _role in PROTECTED_KEYS.get(cls, ()):
            if protected.endswith("*") and key.startswith(protected[:-1]) or protected == key:
                return f"{wire}/key:{protected.lower()}"
    return wire
