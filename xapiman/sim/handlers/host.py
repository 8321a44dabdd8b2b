"""host.*: enable/disable, allowed and current operations, memory, time, logs, certificate,
hostname, management interface, plugins. Evacuation and power are in host_power.py."""

from __future__ import annotations

import contextlib
import re
import time
import weakref
from dataclasses import dataclass, field

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure, internal_error
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.spec import ENUMS
from xapiman.sim.model.values import DateTime, now
from xapiman.sim.operations import refresh_allowed, running_operation
from xapiman.sim.placement import host_free_memory, host_is_live

HOST_OPERATIONS: tuple[str, ...] = ENUMS["host_allowed_operations"]
# Operations that bring VMs to a host, and those that take them away (xapi_host_helpers.ml).
CREATING = ("provision", "vm_resume", "vm_migrate")
REMOVING = ("evacuate", "reboot", "shutdown")
# An operation in progress -> the operations it excludes.
EXCLUDES = {"reboot": ("shutdown", "apply_updates"), "shutdown": ("reboot", "apply_updates"),
            "apply_updates": ("reboot", "shutdown", "enable"), "provision": ("provision",)}
NEEDS_DISABLED = ("reboot", "shutdown", "apply_updates")
_HOSTNAME = re.compile(r"[A-Za-z0-9.-]*\Z")


@dataclass
class HostState:
    """What a host keeps outside the database (xapi's local database flags).

    Attributes:
        no_auto_enable: hosts disabled with auto_enable=false (they stay disabled on boot).
        disabled_until_reboot: hosts that are shutting down or rebooting.
    """

    no_auto_enable: set[str] = field(default_factory=set)
    disabled_until_reboot: set[str] = field(default_factory=set)


_STATES: weakref.WeakKeyDictionary[Database, HostState] = weakref.WeakKeyDictionary()


def host_state(db: Database) -> HostState:
    with db.lock:
        found = _STATES.get(db)
        if found is None:
            found = _STATES[db] = HostState()
        return found


# -- allowed and current operations -----------------------------------------------------------

def operation_errors(db: Database, host: str) -> dict[str, Failure | None]:
    """For each host operation, the error it would meet now (None: allowed)."""
    rec = db.get(host, "host")
    current = list(rec["current_operations"].items())
    errors: dict[str, Failure | None] = dict.fromkeys(HOST_OPERATIONS)

    def block(ops: tuple[str, ...], failure: Failure) -> None:
        for op in ops:
            if errors[op] is None:
                errors[op] = failure

    def busy(task: str, op: str) -> Failure:
        return Failure("OTHER_OPERATION_IN_PROGRESS", "host", host, op, task)

    creating = next(((t, op) for t, op in current if op in CREATING), None)
    removing = next(((t, op) for t, op in current if op in REMOVING), None)
    for op in HOST_OPERATIONS:
        if op in CREATING and removing:
            block((op,), busy(*removing))
        elif op in REMOVING and creating:
            block((op,), busy(*creating))
    for running, excluded in EXCLUDES.items():
        task = next((t for t, op in current if op == running), None)
        if task is not None:
            block(excluded, busy(task, running))
    if rec["enabled"]:
        block(NEEDS_DISABLED, Failure("HOST_NOT_DISABLED"))
    if host_is_live(db, host):
        block(("power_on",), Failure("HOST_IS_LIVE", host))
    if rec["power_on_mode"] == "":
        block(("power_on",), Failure("HOST_POWER_ON_MODE_DISABLED"))
    return errors


def refresh_allowed_operations(db: Database, host: str) -> None:
    refresh_allowed(db, host, operation_errors)


def host_operation(call: Call, host: str, op: str) -> contextlib.AbstractContextManager[str]:
    """Check `op` on `host` and list it in current_operations while the block runs."""
    return running_operation(call, host, op, operation_errors)


def assert_live(call: Call, host: str) -> None:
    """HOST_OFFLINE [host] for a supporter that is down (xapi cannot forward to it)."""
    if host != call.sim.coordinator and not host_is_live(call.db, host):
        raise Failure("HOST_OFFLINE", host)


# -- enable / disable -------------------------------------------------------------------------

@handler("host", "disable")
def disable(call: Call, host: str, auto_enable: bool = True) -> None:
    db = call.db
    db.get(host, "host")
    assert_live(call, host)
    with db.lock:
        if db.get(host, "host")["enabled"]:
            db.update(host, enabled=False)
            kept = host_state(db).no_auto_enable
            if not auto_enable and host not in kept:
                kept.add(host)
                db.on_undo(lambda: kept.discard(host))
        refresh_allowed_operations(db, host)


@handler("host", "enable")
def enable(call: Call, host: str) -> None:
    db = call.db
    db.get(host, "host")
    with host_operation(call, host, "enable"):
        assert_live(call, host)
        with db.lock:
            if not db.get(host, "host")["enabled"]:
                state = host_state(db)
                if host in state.disabled_until_reboot:
                    raise Failure("HOST_DISABLED_UNTIL_REBOOT", host)
                state.no_auto_enable.discard(host)
                db.update(host, enabled=True)
    refresh_allowed_operations(db, host)


@handler("host", "set_power_on_mode")
def set_power_on_mode(call: Call, self: str, power_on_mode: str,
                      power_on_config: dict[str, str]) -> None:
    with call.db.lock:
        call.db.get(self, "host")
        call.db.update(self, power_on_mode=power_on_mode, power_on_config=power_on_config)
        refresh_allowed_operations(call.db, self)


# -- memory -----------------------------------------------------------------------------------

@handler("host", "compute_free_memory")
def compute_free_memory(call: Call, host: str) -> int:
    call.db.get(host, "host")
    return host_free_memory(call.db, host)


@handler("host", "compute_memory_overhead")
def compute_memory_overhead(call: Call, host: str) -> int:
    return int(call.db.get(host, "host")["memory_overhead"])


# -- time, logs, certificate ------------------------------------------------------------------

@handler("host", "get_servertime")
def get_servertime(call: Call, host: str) -> DateTime:
    call.db.get(host, "host")
    assert_live(call, host)
    return now()


@handler("host", "get_server_localtime")
def get_server_localtime(call: Call, host: str) -> DateTime:
    call.db.get(host, "host")
    assert_live(call, host)
    return DateTime(time.strftime("%Y%m%dT%H:%M:%S", time.localtime()))


@handler("host", "list_methods")
def list_methods(call: Call) -> list[str]:
    raise Failure("NOT_IMPLEMENTED", "list_method")  # as xapi answers


@handler("host", "get_log")
def get_log(call: Call, host: str) -> str:
    call.db.get(host, "host")
    assert_live(call, host)
    raise Failure("NOT_IMPLEMENTED", "get_log")  # as xapi answers


@handler("host", "dmesg")
def dmesg(call: Call, host: str) -> str:
    rec = call.db.get(host, "host")
    assert_live(call, host)
    return xen_console_text(rec)


def xen_console_text(rec: dict) -> str:
    """Boot messages of the hypervisor, as `xl dmesg` prints them."""
    version = rec["software_version"]
    cpu = rec["cpu_info"]
    lines = [
        f" Xen {version.get('xen', '4.17')}",
        f"(XEN) Xen version {version.get('xen', '4.17')} (mockbuild@xcp-ng.org) "
        "(gcc (GCC) 11.2.1) debug=n",
        "(XEN) Bootloader: GRUB 2.06",
        f"(XEN) Command line: dom0_mem={4096}M,max:{4096}M watchdog ucode=scan "
        "dom0_max_vcpus=1-8 crashkernel=256M,below=4G console=vga vga=mode-0x0311",
        "(XEN) Xen-e820 RAM map:",
        "(XEN)  [0000000000000000, 000000000009ffff] (usable)",
        f"(XEN) CPU Vendor: {cpu.get('vendor', 'GenuineIntel')}, "
        f"Family {cpu.get('family', '6')}, Model {cpu.get('model', '85')}",
        f"(XEN) Brought up {cpu.get('cpu_count', '16')} CPUs",
        "(XEN) HVM: Hardware Assisted Paging (HAP) detected",
        "(XEN) Scheduling granularity: cpu, 1 CPU per sched-resource",
        "(XEN) Initial low memory virq threshold set at 0x4000 pages.",
        "(XEN) *** LOADING DOMAIN 0 ***",
        "(XEN) Freed 2048kB init memory",
    ]
    return "\n".join(lines) + "\n"


@handler("host", "get_server_certificate")
def get_server_certificate(call: Call, host: str) -> str:
    call.db.get(host, "host")
    cert = call.sim.cert
    if cert is None:
        return ""
    pem = cert.read_text()
    begin = pem.find("-----BEGIN CERTIFICATE-----")
    end_marker = "-----END CERTIFICATE-----"
    end = pem.find(end_marker, begin)
    return pem[begin : end + len(end_marker)] + "\n" if begin >= 0 and end >= 0 else ""


# -- names, interfaces, plugins ---------------------------------------------------------------

def hostname_problem(hostname: str) -> str | None:
    if hostname == "":
        return "hostname empty"
    if len(hostname) > 255:
        return "hostname is too long"
    if not _HOSTNAME.match(hostname) or hostname[0] == "-" or hostname[-1] == "-":
        return "hostname contains invalid characters"
    return None


@handler("host", "set_hostname_live")
def set_hostname_live(call: Call, host: str, hostname: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(host, "host")
        problem = hostname_problem(hostname)
        if problem is not None:
            raise Failure("HOST_NAME_INVALID", problem)
        db.update(host, hostname=hostname,
                  software_version={**rec["software_version"], "hostname": hostname})
        dom0 = db.find(rec["control_domain"], "VM")
        if dom0 is not None:
            db.update(rec["control_domain"], name_label=f"Control domain on host: {hostname}")


@handler("host", "get_management_interface")
def get_management_interface(call: Call, host: str) -> str:
    db = call.db
    db.get(host, "host")
    for ref, _rec in db.where("PIF", host=host, management=True):
        return ref
    raise internal_error("Not_found")


def echo_plugin(fn: str, args: dict[str, str]) -> str:
    if fn != "echo":
        raise Failure("XENAPI_PLUGIN_FAILURE", "fault", "1", f"unknown function {fn}")
    return args.get("message", "")


PLUGINS = {"echo": echo_plugin}


@handler("host", "call_plugin")
def call_plugin(call: Call, host: str, plugin: str, fn: str, args: dict[str, str]) -> str:
    call.db.get(host, "host")
    assert_live(call, host)
    run = PLUGINS.get(plugin)
    if run is None:
        raise Failure("XENAPI_MISSING_PLUGIN", plugin)
    return run(fn, args)


# -- the hosts of a freshly generated pool ------------------------------------------------------

def prepare_hosts(db: Database) -> None:
    """Give generated hosts xapi's computed allowed_operations and a power-on mode (Wake-on-LAN,
    so that host.power_on can bring a shut-down host back). Called by synth.generate_pool."""
    for host in list(db.all("host")):
        db.update(host, power_on_mode="wake-on-lan", power_on_config={})
        refresh_allowed_operations(db, host)
