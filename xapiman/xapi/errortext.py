"""Readable sentences for XAPI error codes: what failed, why, and what to do."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.xapi import sm_errors
from xapiman.xapi.errorparams import param_names

# code -> template; {name} fields are the declared parameter names (errorparams.py).
TEMPLATES: dict[str, str] = {
    "VM_BAD_POWER_STATE": (
        "The VM is {actual}, but this operation needs it {expected}. "
        "Change its power state first, then try again."),
    "HOST_NOT_ENOUGH_FREE_MEMORY": (
        "The server does not have enough free memory: {needed} are needed, {available} are "
        "free. Stop or move other VMs, or reduce this VM's memory."),
    "NO_HOSTS_AVAILABLE": (
        "No server in the pool can run this VM now (memory, storage or network it needs is "
        "missing everywhere). Free some memory or make its disks and networks reachable."),
    "SESSION_AUTHENTICATION_FAILED": (
        "The server did not accept the user name or password. Check them and try again."),
    "SESSION_INVALID": (
        "The session has expired or was logged out. Log in again."),
    "HANDLE_INVALID": (
        "The {class} object no longer exists: someone removed it meanwhile. Refresh and try "
        "again."),
    "UUID_INVALID": "No {type} object has the UUID {uuid}. Check the UUID.",
    "OPERATION_BLOCKED": (
        "This operation is blocked on the object (blocked_operations, code {code}), usually on "
        "purpose by an administrator or a product. Remove the block if you are sure."),
    "OTHER_OPERATION_IN_PROGRESS": (
        "Another operation ({operation_type}) is running on this {class}. Wait until it "
        "finishes, then try again."),
    "OPERATION_NOT_ALLOWED": "The operation is not allowed now: {reason}.",
    "SR_FULL": (
        "The storage repository is full: {requested} are needed, at most {maximum} can be "
        "allocated. Free space on it or choose another one."),
    "VM_LACKS_FEATURE": (
        "The VM's guest does not support this operation (its guest tools are missing or too "
        "old). Install or update the guest tools, or use the forced variant."),
    "VM_MISSING_PV_DRIVERS": (
        "The VM has no guest tools running, which this operation needs. Install the guest "
        "tools in the VM."),
    "VM_IS_TEMPLATE": (
        "This is a template, which cannot run or be changed this way. Create a VM from it "
        "first."),
    "TASK_CANCELLED": "The operation was cancelled before it finished.",
    "MESSAGE_PARAMETER_COUNT_MISMATCH": (
        "The server expected {expected} parameters for {method} but got {received}: this "
        "client and the server disagree on the API. Update the client or check the server "
        "version."),
    "MESSAGE_METHOD_UNKNOWN": (
        "The server does not know the call {method}: it is older or newer than this client "
        "expects."),
    "MESSAGE_REMOVED": "The server no longer supports this call.",
    "HOST_IS_SLAVE": (
        "This server is not the pool coordinator; connect to {Master IP address} instead."),
    "EVENTS_LOST": "Too many changes happened at once; everything is being read again.",
    "RBAC_PERMISSION_DENIED": (
        "Your account lacks the permission {permission}: {message}. Ask a pool administrator "
        "for a role that has it."),
    "PERMISSION_DENIED": "Permission denied: {message}.",
    "INTERNAL_ERROR": "The server hit an internal error: {message}.",
    "NOT_IMPLEMENTED": "The server does not implement {function}.",
    "INVALID_VALUE": "The value {value!r} is not valid for {field}.",
    "VALUE_NOT_SUPPORTED": "The value {value!r} is not supported for {field}: {reason}.",
    "MAP_DUPLICATE_KEY": "The key {key!r} is already set in {param_name}.",
    "VM_REQUIRES_SR": (
        "The VM needs a storage repository that this server cannot reach. Choose a server "
        "that sees all of the VM's storage, or move its disks."),
    "VM_REQUIRES_NETWORK": (
        "The VM needs a network that this server is not connected to. Choose another server "
        "or connect the network."),
    "SR_HAS_NO_PBDS": (
        "The storage repository is not connected to any server. Repair (plug) it first."),
    "SR_NOT_EMPTY": "The storage repository still holds disks. Delete or move them first.",
    "SR_OPERATION_NOT_SUPPORTED": "This storage repository's type does not support the operation.",
    "VDI_IN_USE": "The disk is in use ({operation}). Detach it or wait, then try again.",
    "VDI_MISSING": "The disk is missing from its storage repository. Rescan the repository.",
    "VDI_READ_ONLY": "The disk is read-only.",
    "HOST_OFFLINE": "The server is offline. Power it on or choose another server.",
    "HOST_NOT_LIVE": "The server is not live (it stopped answering the pool). Check it.",
    "HOST_DISABLED": (
        "The server is disabled (maintenance mode). Enable it or choose another server."),
    "HOST_IN_EMERGENCY_MODE": (
        "The server is in emergency mode: it cannot reach its pool coordinator."),
    "HOST_CANNOT_ATTACH_NETWORK": (
        "The server cannot attach a network the VM needs. Check its physical interfaces."),
    "VM_NO_SUSPEND_SR": (
        "There is no storage repository for the suspend image. Set the pool's or the VM's "
        "suspend SR."),
    "VM_NO_CRASHDUMP_SR": "There is no storage repository for crash dumps.",
    "VM_SHUTDOWN_TIMEOUT": (
        "The VM did not shut down within {timeout} seconds. Try again or force the shutdown."),
    "VM_HAS_PCI_ATTACHED": (
        "The VM has PCI devices passed through, which prevents this operation. Detach them "
        "first."),
    "VM_TOO_MANY_VCPUS": "The VM has more vCPUs than this server supports.",
    "VM_MEMORY_SIZE_TOO_LOW": "The VM's memory is below what its guest needs.",
    "MEMORY_CONSTRAINT_VIOLATION": (
        "The memory settings are inconsistent ({constraint}): they must satisfy static "
        "minimum <= dynamic minimum <= dynamic maximum <= static maximum."),
    "VM_MIGRATE_FAILED": "Moving the VM failed: {msg}.",
    "VM_HOST_INCOMPATIBLE_VERSION": (
        "The destination server runs an older version than the VM needs. Update it first."),
    "VM_REVERT_FAILED": "Reverting the VM to the snapshot failed.",
    "LICENCE_RESTRICTION": "The pool's licence does not allow this ({feature}).",
    "TOO_MANY_PENDING_TASKS": (
        "The server has too many operations pending. Wait for some to finish."),
    "Fault": "The server cannot run this call asynchronously: {arg1}.",
    "IMPORT_ERROR": "The server could not import the file: {msg}.",
    "IMPORT_ERROR_PREMATURE_EOF": (
        "The export data ended before the VM was complete: the file is cut short, or the "
        "connection broke during the upload. Nothing was imported."),
    "IMPORT_ERROR_SOME_CHECKSUMS_FAILED": (
        "Some disk data in the file is damaged (its checksums do not match). Nothing was "
        "imported."),
    "IMPORT_ERROR_UNEXPECTED_FILE": (
        "The file is not a VM export the server can read: it expected {filename_expected}, "
        "found {filename_found}."),
    "IMPORT_ERROR_FAILED_TO_FIND_OBJECT": (
        "The export refers to an object it does not contain ({id}): the file is damaged."),
    "IMPORT_ERROR_CANNOT_HANDLE_CHUNKED": "The server cannot take an upload of unknown length.",
    "IMPORT_INCOMPATIBLE_VERSION": "The export was made by a newer version than this server.",
    "DEFAULT_SR_NOT_FOUND": "The pool has no default SR: choose the SR to import into.",
    # moving VMs
    "VM_HOST_INCOMPATIBLE_VERSION_MIGRATE": (
        "The destination server runs an older version than the VM's server, and a VM only "
        "moves to the same version or a newer one. Update the destination first."),
    "NOT_SUPPORTED_DURING_UPGRADE": (
        "Not possible while the pool's servers run different versions (an upgrade is under "
        "way). Finish the upgrade first."),
    "SR_DOES_NOT_SUPPORT_MIGRATION": (
        "The storage repository cannot take part in moving a disk while it is in use (it lacks "
        "{capabilities}). Choose another SR."),
    "VDI_NOT_IN_MAP": "A disk of the VM has no destination SR. Choose one for every disk.",
    "VIF_NOT_IN_MAP": (
        "A network interface of the VM has no destination network. Choose one for every "
        "interface."),
    "TOO_MANY_STORAGE_MIGRATES": (
        "The server is already moving {number} VMs with their disks, as many as it can. Wait "
        "for one to finish, then try again."),
    "CANNOT_CONTACT_HOST": (
        "The server {host} cannot be reached from the pool. Check its network and that it "
        "runs."),
    "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED": (
        "The destination pool did not answer while the VM moved. Check the network between "
        "the pools."),
    # high availability
    "HA_IS_ENABLED": (
        "High availability is on in the pool, which prevents this. Turn it off first, then "
        "on again afterwards."),
    "HA_NOT_ENABLED": "High availability is not on in this pool.",
    "HA_ENABLE_IN_PROGRESS": "High availability is being turned on. Wait until it is done.",
    "HA_DISABLE_IN_PROGRESS": "High availability is being turned off. Wait until it is done.",
    "HA_NO_PLAN": (
        "No failover plan exists: the pool lacks the free memory to restart the protected VMs "
        "if a server fails."),
    "HA_TOO_FEW_HOSTS": "High availability needs more servers in the pool.",
    "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN": (
        "This would leave the pool unable to restart its protected VMs after the number of "
        "server failures it is set to tolerate. Lower that number, protect fewer VMs, or "
        "allow overcommitment."),
    "HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED": (
        "The VM has a disk on storage that not every server sees, so it cannot be restarted "
        "elsewhere. Move its disks to shared storage to protect it."),
    "HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED": (
        "The VM is on a network that not every server is connected to, so it cannot be "
        "restarted elsewhere."),
    "CANNOT_CREATE_STATE_FILE": (
        "No storage repository can hold the high availability heartbeat: it needs shared "
        "storage that every server sees."),
    "SR_SOURCE_SPACE_INSUFFICIENT": (
        "The storage repository has not enough free space for the high availability "
        "heartbeat and metadata disks."),
    # pool membership
    "JOINING_HOST_CANNOT_BE_MASTER_OF_OTHER_HOSTS": (
        "The server is the coordinator of a pool with other servers; only a standalone "
        "server can join another pool."),
    "JOINING_HOST_CANNOT_HAVE_RUNNING_VMS": (
        "The server still runs VMs. Shut them down (or move them) before it joins the pool."),
    "JOINING_HOST_CANNOT_HAVE_RUNNING_OR_SUSPENDED_VMS": (
        "The server still has running or suspended VMs. Shut them down before it joins the "
        "pool."),
    "JOINING_HOST_CANNOT_HAVE_VMS_WITH_CURRENT_OPERATIONS": (
        "Operations are still running on the server's VMs. Wait for them to finish."),
    "JOINING_HOST_CANNOT_CONTAIN_SHARED_SRS": (
        "The server has shared storage attached. Detach (forget) its shared SRs before it "
        "joins the pool."),
    "JOINING_HOST_CONNECTION_FAILED": (
        "The server could not reach the pool coordinator. Check the address and the network "
        "between them."),
    "JOINING_HOST_SERVICE_FAILED": (
        "The pool coordinator did not answer as a XenServer / XCP-ng server at that address."),
    "POOL_JOINING_EXTERNAL_AUTH_MISMATCH": (
        "The server and the pool use different external authentication (Active Directory). "
        "Make them the same before it joins."),
    "POOL_JOINING_HOST_MUST_HAVE_SAME_API_VERSION": (
        "The server runs another API version ({host_api_version}) than the pool "
        "({master_api_version}). Update one of them."),
    "POOL_JOINING_HOST_MUST_HAVE_SAME_PRODUCT_VERSION": (
        "The server runs another product version than the pool. Update one of them."),
    "POOL_JOINING_HOST_HAS_NON_MANAGEMENT_VLANS": (
        "The server has VLANs besides its management interface. Remove them before it joins "
        "the pool."),
    "POOL_JOINING_HOST_HAS_BONDS": (
        "The server has bonded interfaces. Remove the bonds before it joins the pool."),
    "HOSTS_NOT_HOMOGENEOUS": "The server differs from the pool's servers: {reason}.",
    "HOSTS_NOT_COMPATIBLE": "The server is not compatible with the pool's servers.",
    "HOST_CANNOT_DESTROY_SELF": "A server cannot remove itself from the pool.",
}

SIZE_CODES = {"HOST_NOT_ENOUGH_FREE_MEMORY", "SR_FULL"}


def human_size(value: str) -> str:
    """Bytes as a short readable size ("2 GiB", "512 MiB"); the text itself when not a number."""
    try:
        n = float(value)
    except ValueError:
        return value
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "bytes" or n == int(n) else f"{n:.1f} {unit}"
        n /= 1024
    return value  # pragma: no cover - the loop always returns


def _fields(code: str, params: Sequence[str]) -> dict[str, str]:
    names = param_names(code)
    fields = {f"arg{i + 1}": p for i, p in enumerate(params)}
    for name, value in zip(names, params, strict=False):
        fields[name] = human_size(value) if code in SIZE_CODES else value
    return fields


def explain(code: str, params: Sequence[str] = ()) -> str:
    """A sentence for the error `code` with `params`; a generic one for unknown codes."""
    if code.startswith(sm_errors.PREFIX):
        return sm_errors.explain(code, params)
    template = TEMPLATES.get(code)
    if template is None:
        return f"The server refused the operation ({code})."
    try:
        return template.format_map(_fields(code, params))
    except (KeyError, IndexError, ValueError):
        # fewer arguments than declared: keep the sentence, drop the details
        return template.split("{", 1)[0].rstrip(" :(") + f" ({code})."
