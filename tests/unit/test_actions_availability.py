"""Whether each registered action is enabled, and why not, from records in a real ObjectCache;
and which hosts a VM may go to (placement choices)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from xapiman.actions import REGISTRY, Target
from xapiman.actions.placement import host_choices
from xapiman.xapi.cache import ObjectCache

NULL = "OpaqueRef:NULL"
GiB = 1024**3

HALTED_OPS = ("changing_dynamic_range", "changing_static_range", "clone", "copy", "destroy",
              "export", "snapshot", "start", "start_on")
RUNNING_OPS = ("changing_VCPUs_live", "changing_dynamic_range", "checkpoint", "clean_reboot",
               "clean_shutdown", "hard_reboot", "hard_shutdown", "pause", "pool_migrate",
               "snapshot", "suspend")
RUNNING_NO_TOOLS_OPS = ("changing_dynamic_range", "hard_reboot", "hard_shutdown", "pause",
                        "snapshot")
SUSPENDED_OPS = ("checkpoint", "destroy", "export", "hard_shutdown", "resume", "resume_on",
                 "snapshot")
PAUSED_OPS = ("checkpoint", "hard_reboot", "hard_shutdown", "snapshot", "unpause")
SNAPSHOT_OPS = ("clone", "copy", "destroy", "export", "revert")
TEMPLATE_OPS = ("clone", "copy", "destroy", "export", "changing_static_range",
                "changing_dynamic_range")
DOM0_OPS = ("changing_dynamic_range", "changing_static_range", "metadata_export")

_refs = itertools.count(1)


def new_ref(kind: str) -> str:
    return f"OpaqueRef:{kind}-{next(_refs):04d}"


@dataclass
class Conn:
    """What `check` needs of a connection: its cache (no calls are made)."""

    cache: ObjectCache


@dataclass
class Pool:
    """Records of a small pool, loaded into an ObjectCache as a full event.from batch."""

    records: dict[str, tuple[str, dict]] = field(default_factory=dict)

    def add(self, cls: str, ref: str | None = None, **fields: object) -> str:
        ref = ref or new_ref(cls)
        self.records[ref] = (cls, {"uuid": ref.split(":")[1], **fields})
        return ref

    def conn(self) -> Conn:
        cache = ObjectCache()
        cache.load({"class": cls, "operation": "add", "ref": ref, "snapshot": rec}
                   for ref, (cls, rec) in self.records.items())
        return Conn(cache)

    # -- realistic records -------------------------------------------------------------------

    def host(self, name: str, *, enabled: bool = True, live: bool = True,
             memory_total: int = 64 * GiB, overhead: int = GiB) -> str:
        metrics = self.add("host_metrics", memory_total=memory_total, memory_free=0,
                           live=live)
        return self.add("host", name_label=name, enabled=enabled, metrics=metrics,
                        memory_overhead=overhead, resident_VMs=[], address="10.0.0.1",
                        PBDs=[], allowed_operations=[], current_operations={})

    def sr(self, name: str, *, shared: bool = True, content_type: str = "user",
           sr_type: str = "nfs", size: int = 1024 * GiB, used: int = 0,
           hosts: dict[str, bool] | None = None) -> str:
        ref = new_ref("SR")
        pbds = [self.add("PBD", SR=ref, host=h, currently_attached=attached)
                for h, attached in (hosts or {}).items()]
        return self.add("SR", ref, name_label=name, shared=shared, content_type=content_type,
                        type=sr_type, physical_size=size, physical_utilisation=used,
                        PBDs=pbds, VDIs=[])

    def vm(self, name: str = "web-01", power: str = "Halted", ops: tuple[str, ...] = (), *,
           current: dict[str, str] | None = None, blocked: dict[str, str] | None = None,
           template: bool = False, snapshot: bool = False, dom0: bool = False,
           tools: bool = False, host: str = NULL, memory: int = 2 * GiB,
           actual: int | None = None, snapshot_of: str = NULL, **extra: object) -> str:
        metrics = self.add("VM_metrics", memory_actual=actual if actual is not None else
                           (memory if power in ("Running", "Paused") else 0))
        guest = self.add("VM_guest_metrics", PV_drivers_detected=True) if tools else NULL
        return self.add("VM", name_label=name, name_description="", power_state=power,
                        allowed_operations=list(ops), current_operations=current or {},
                        blocked_operations=blocked or {}, is_a_template=template or snapshot,
                        is_a_snapshot=snapshot, is_control_domain=dom0, snapshot_of=snapshot_of,
                        guest_metrics=guest, metrics=metrics, resident_on=host,
                        memory_static_max=memory, memory_static_min=memory // 2,
                        memory_dynamic_max=memory, memory_dynamic_min=memory,
                        VCPUs_max=2, VCPUs_at_startup=2, VBDs=[], VIFs=[], tags=[],
                        other_config={}, **extra)

    def disk(self, vm: str, sr: str, name: str = "disk 0", size: int = 10 * GiB) -> str:
        vdi = self.add("VDI", name_label=name, SR=sr, virtual_size=size, VBDs=[],
                       is_a_snapshot=False, type="user")
        vbd = self.add("VBD", VM=vm, VDI=vdi, type="Disk", userdevice="0", empty=False,
                       allowed_operations=[], current_operations={})
        self.records[vm][1]["VBDs"].append(vbd)
        self.records[vdi][1]["VBDs"].append(vbd)
        return vdi

    def dvd(self, vm: str, ops: tuple[str, ...] = ("attach", "insert"), *, disc: str = "",
            position: str = "3", current: dict[str, str] | None = None) -> str:
        vdi = NULL
        if disc:
            vdi = self.add("VDI", name_label=disc, SR=NULL, virtual_size=GiB, VBDs=[],
                           is_a_snapshot=False, type="user")
        vbd = self.add("VBD", VM=vm, VDI=vdi, type="CD", userdevice=position,
                       empty=not disc, allowed_operations=list(ops),
                       current_operations=current or {})
        self.records[vm][1]["VBDs"].append(vbd)
        return vbd

    def resident(self, vm: str, host: str) -> None:
        self.records[vm][1]["resident_on"] = host
        self.records[host][1]["resident_VMs"].append(vm)


def available(action_id: str, pool: Pool, *refs_and_classes: tuple[str, str]) -> str:
    """"" when the action can run on these targets, else its reason."""
    conn = pool.conn()
    targets = [Target(conn, cls, ref) for cls, ref in refs_and_classes]
    result = REGISTRY[action_id].can_run(targets)
    assert bool(result) != bool(result.reason), result
    return result.reason


OK = ""
# the power state is the reason only when the operation needs another one
RUNNING = "Not possible while the VM is running."
HALTED = "Not possible while the VM is shut down."
SUSPENDED = "Not possible while the VM is suspended."
PAUSED = "Not possible while the VM is paused."
ON_SNAPSHOT = "Not possible on a snapshot."
ON_TEMPLATE = "Not possible on a template."
ON_DOM0 = "Not possible on a control domain."
NO_TOOLS = ("The VM has no guest tools running, so it cannot be shut down cleanly; use Force "
            "Shut Down.")
NO_TOOLS_REBOOT = ("The VM has no guest tools running, so it cannot be rebooted cleanly; use "
                   "Force Reboot.")

# (action, the VM: keyword arguments of Pool.vm, the expected reason or OK)
VM_CASES: list[tuple[str, dict, str]] = [
    # start: the states, and what beats the power state
    ("vm.start", dict(ops=HALTED_OPS), OK),
    ("vm.start", dict(power="Running", ops=RUNNING_OPS, tools=True), RUNNING),
    ("vm.start", dict(power="Suspended", ops=SUSPENDED_OPS), SUSPENDED),
    ("vm.start", dict(power="Paused", ops=PAUSED_OPS), PAUSED),
    ("vm.start", dict(blocked={"start": "locked by the admin"}), "This operation is blocked "
     "on this VM."),
    # allowed and blocked at once (a block set since allowed_operations was computed):
    # blocked wins, as in xapi
    ("vm.start", dict(ops=("start",), blocked={"start": "x"}), "This operation is blocked "
     "on this VM."),
    ("vm.start", dict(current={"OpaqueRef:t1": "clone", "OpaqueRef:t2": "pool_migrate"}),
     "Busy: clone, pool migrate in progress."),
    ("vm.start", dict(blocked={"start": "x"}, current={"OpaqueRef:t1": "clone"}),
     "This operation is blocked on this VM."),
    ("vm.start", dict(template=True, ops=TEMPLATE_OPS), ON_TEMPLATE),
    ("vm.start", dict(snapshot=True, ops=SNAPSHOT_OPS), ON_SNAPSHOT),
    ("vm.start", dict(power="Running", dom0=True, ops=DOM0_OPS), ON_DOM0),
    ("vm.start", dict(power=""), "The server does not allow this now."),
    # clean shutdown and reboot need the guest tools
    ("vm.shutdown", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.shutdown", dict(power="Running", ops=RUNNING_NO_TOOLS_OPS), NO_TOOLS),
    ("vm.shutdown", dict(power="Running", ops=RUNNING_OPS), OK),  # the server decides
    ("vm.shutdown", dict(power="Running", tools=True, current={"OpaqueRef:t": "snapshot"}),
     "Busy: snapshot in progress."),
    ("vm.shutdown", dict(ops=HALTED_OPS), HALTED),
    ("vm.shutdown", dict(power="Paused", ops=PAUSED_OPS), PAUSED),
    ("vm.reboot", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.reboot", dict(power="Running", ops=RUNNING_NO_TOOLS_OPS), NO_TOOLS_REBOOT),
    ("vm.reboot", dict(power="Suspended", ops=SUSPENDED_OPS), SUSPENDED),
    ("vm.force_shutdown", dict(power="Running", ops=RUNNING_NO_TOOLS_OPS), OK),
    ("vm.force_shutdown", dict(power="Suspended", ops=SUSPENDED_OPS), OK),
    ("vm.force_shutdown", dict(ops=HALTED_OPS), HALTED),
    ("vm.force_reboot", dict(power="Paused", ops=PAUSED_OPS), OK),
    ("vm.force_reboot", dict(power="Suspended", ops=SUSPENDED_OPS), SUSPENDED),
    ("vm.suspend", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.suspend", dict(power="Running", ops=RUNNING_NO_TOOLS_OPS),
     "The VM has no guest tools running, so it cannot be suspended; install them in the "
     "guest."),
    ("vm.suspend", dict(power="Running", ops=RUNNING_NO_TOOLS_OPS, tools=True),
     "The VM's guest does not support suspending, so it cannot be suspended."),
    ("vm.suspend", dict(ops=HALTED_OPS), HALTED),
    ("vm.resume", dict(power="Suspended", ops=SUSPENDED_OPS), OK),
    ("vm.resume", dict(ops=HALTED_OPS), HALTED),
    ("vm.pause", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.pause", dict(power="Paused", ops=PAUSED_OPS), PAUSED),
    ("vm.unpause", dict(power="Paused", ops=PAUSED_OPS), OK),
    ("vm.unpause", dict(power="Running", ops=RUNNING_OPS, tools=True), RUNNING),
    ("vm.suspend_or_resume", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.suspend_or_resume", dict(power="Suspended", ops=SUSPENDED_OPS), OK),
    ("vm.suspend_or_resume", dict(ops=HALTED_OPS), HALTED),
    ("vm.suspend_or_resume", dict(power="Paused", ops=PAUSED_OPS), PAUSED),
    # clone and copy: templates too, not snapshots
    ("vm.clone", dict(ops=HALTED_OPS), OK),
    ("vm.clone", dict(template=True, ops=TEMPLATE_OPS), OK),
    ("vm.clone", dict(power="Running", ops=RUNNING_OPS, tools=True), RUNNING),
    ("vm.clone", dict(snapshot=True, ops=SNAPSHOT_OPS), ON_SNAPSHOT),
    ("vm.copy", dict(template=True, ops=TEMPLATE_OPS), OK),
    ("vm.copy", dict(power="Suspended", ops=SUSPENDED_OPS), SUSPENDED),
    ("vm.copy", dict(power="Running", dom0=True, ops=DOM0_OPS), ON_DOM0),
    # snapshots
    ("vm.snapshot", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.snapshot", dict(power="Paused", ops=PAUSED_OPS), OK),
    ("vm.snapshot", dict(template=True, ops=TEMPLATE_OPS), ON_TEMPLATE),
    ("vm.snapshot", dict(snapshot=True, ops=SNAPSHOT_OPS), ON_SNAPSHOT),
    ("vm.snapshot", dict(power="Running", tools=True, current={"OpaqueRef:t": "checkpoint"}),
     "Busy: checkpoint in progress."),
    ("snapshot.revert", dict(snapshot=True, ops=SNAPSHOT_OPS), OK),
    ("snapshot.revert", dict(snapshot=True, power="Suspended", ops=SNAPSHOT_OPS), OK),
    ("snapshot.revert", dict(ops=HALTED_OPS), "Select a snapshot to revert to."),
    ("snapshot.revert", dict(snapshot=True, current={"OpaqueRef:t": "destroy"}),
     "Busy: destroy in progress."),
    ("snapshot.delete", dict(snapshot=True, ops=SNAPSHOT_OPS), OK),
    ("snapshot.delete", dict(power="Running", ops=RUNNING_OPS, tools=True), "Select a snapshot."),
    ("snapshot.delete", dict(snapshot=True, blocked={"destroy": "kept"}),
     "This operation is blocked on this VM."),
    # placement operations
    ("vm.start_on", dict(ops=HALTED_OPS), OK),
    ("vm.start_on", dict(power="Suspended", ops=SUSPENDED_OPS), SUSPENDED),
    ("vm.set_ha", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.set_ha", dict(ops=HALTED_OPS), OK),
    ("vm.set_ha", dict(snapshot=True), ON_SNAPSHOT),
    ("vm.migrate", dict(power="Running", ops=RUNNING_OPS, tools=True),
     "There is no other server to move it to: connect another pool to move it there."),
    ("vm.migrate", dict(power="Running", ops=RUNNING_NO_TOOLS_OPS),
     "The VM has no guest tools running, so it cannot move while it runs; install them in "
     "the guest."),
    ("vm.migrate", dict(ops=HALTED_OPS),
     "The server does not allow this on the VM now (it is shut down)."),
    ("vm.migrate", dict(power="Paused", ops=PAUSED_OPS), PAUSED),
    # delete
    ("vm.delete", dict(ops=HALTED_OPS), OK),
    ("vm.delete", dict(template=True, ops=TEMPLATE_OPS), OK),
    ("vm.delete", dict(power="Suspended", ops=SUSPENDED_OPS), OK),
    ("vm.delete", dict(power="Running", ops=RUNNING_OPS, tools=True), RUNNING),
    ("vm.delete", dict(snapshot=True, ops=SNAPSHOT_OPS), ON_SNAPSHOT),
    ("vm.delete", dict(power="Running", dom0=True, ops=DOM0_OPS), ON_DOM0),
    # settings
    ("object.rename", dict(power="Running", ops=RUNNING_OPS), OK),
    ("object.rename", dict(snapshot=True), OK),
    ("object.rename", dict(power="Running", dom0=True, ops=DOM0_OPS), ON_DOM0),
    ("vm.set_vcpus", dict(ops=HALTED_OPS), OK),
    ("vm.set_vcpus", dict(template=True, ops=TEMPLATE_OPS), OK),
    ("vm.set_vcpus", dict(power="Running", ops=RUNNING_OPS, tools=True),
     "Shut the VM down to change its vCPUs."),
    ("vm.set_vcpus", dict(power="Suspended", ops=SUSPENDED_OPS),
     "Shut the VM down to change its vCPUs."),
    ("vm.set_vcpus", dict(current={"OpaqueRef:t": "start"}), "Busy: start in progress."),
    ("vm.set_vcpus", dict(snapshot=True, ops=SNAPSHOT_OPS), ON_SNAPSHOT),
    ("vm.set_vcpus", dict(snapshot=True, power="Suspended", ops=SNAPSHOT_OPS), ON_SNAPSHOT),
    ("vm.set_vcpus", dict(power="Running", dom0=True, ops=DOM0_OPS), ON_DOM0),
    ("vm.set_memory", dict(ops=HALTED_OPS), OK),
    ("vm.set_memory", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vm.set_memory", dict(power="Paused", ops=PAUSED_OPS), PAUSED),
    ("vm.set_memory", dict(power="Suspended", ops=SUSPENDED_OPS), SUSPENDED),
    ("vm.set_memory", dict(power="Running", dom0=True, ops=DOM0_OPS), ON_DOM0),
    ("vm.set_memory", dict(template=True, ops=TEMPLATE_OPS), OK),
    ("object.tags", dict(power="Running", dom0=True), OK),
    ("object.tags", dict(snapshot=True), OK),
    ("object.folder", dict(template=True), OK),
    ("object.folder", dict(power="Paused"), OK),
    # export: halted or suspended VMs, templates and snapshots; import: from anything
    ("vm.export", dict(ops=HALTED_OPS), OK),
    ("vm.export", dict(power="Suspended", ops=SUSPENDED_OPS), OK),
    ("vm.export", dict(template=True, ops=TEMPLATE_OPS), OK),
    ("vm.export", dict(snapshot=True, ops=SNAPSHOT_OPS), OK),
    ("vm.export", dict(power="Running", ops=RUNNING_OPS, tools=True), RUNNING),
    ("vm.export", dict(power="Running", dom0=True, ops=DOM0_OPS), ON_DOM0),
    ("vm.import", dict(power="Running", ops=RUNNING_OPS), OK),
    # disks and interfaces of a VM: not of snapshots or the control domain
    ("vdi.new", dict(ops=HALTED_OPS), OK),
    ("vdi.new", dict(snapshot=True, ops=SNAPSHOT_OPS), "Not possible on this VM."),
    ("vdi.attach", dict(power="Running", ops=RUNNING_OPS), OK),
    ("vdi.attach", dict(power="Running", dom0=True, ops=DOM0_OPS), "Not possible on this VM."),
    ("vif.add", dict(power="Running", ops=RUNNING_OPS, tools=True), OK),
    ("vif.add", dict(snapshot=True, ops=SNAPSHOT_OPS), "Not possible on this VM."),
    # new VM: from any VM of a pool that has templates
    ("vm.new", dict(template=True, ops=TEMPLATE_OPS), OK),
    ("vm.new", dict(power="Running", ops=RUNNING_OPS), "The pool has no templates."),
]


@pytest.mark.parametrize(("action_id", "vm", "expected"), VM_CASES,
                         ids=[f"{a}-{i}" for i, (a, _v, _e) in enumerate(VM_CASES)])
def test_vm_actions(action_id: str, vm: dict, expected: str) -> None:
    pool = Pool()
    ref = pool.vm(**vm)
    assert available(action_id, pool, ("vm", ref)) == expected
    assert REGISTRY[action_id].check(Target(pool.conn(), "vm", ref)).reason == expected


def test_every_registered_action_is_in_a_table() -> None:
    covered = {a for a, _v, _e in VM_CASES} | {a for a, *_rest in CD_CASES}
    assert set(REGISTRY) <= covered | {a for a, _c in OTHER_CLASS_CASES}
    assert {a for a in REGISTRY if "vm" in REGISTRY[a].classes} <= covered


@pytest.mark.parametrize("action_id", sorted(REGISTRY))
def test_a_vanished_object_is_refused(action_id: str) -> None:
    action = REGISTRY[action_id]
    cls = "vm" if "vm" in action.classes else sorted(action.classes)[0]
    result = action.can_run([Target(Pool().conn(), cls, "OpaqueRef:gone")])
    assert not result
    assert result.reason in ("The object no longer exists.", "The object is gone.")


# -- DVD drives --------------------------------------------------------------------------------

# (action, VM keyword arguments, drive keyword arguments or None for no drive, reason)
CD_CASES: list[tuple[str, dict, dict | None, str]] = [
    ("vm.cd_insert", dict(power="Running", tools=True), dict(ops=("attach", "insert")), OK),
    ("vm.cd_insert", dict(), dict(ops=("attach", "insert")), OK),
    ("vm.cd_insert", dict(), None, "The VM has no DVD drive."),
    ("vm.cd_insert", dict(), dict(ops=("attach", "eject"), disc="debian-12.iso"),
     "'debian-12.iso' is in the DVD drive; eject it first."),
    ("vm.cd_insert", dict(power="Suspended"), dict(ops=("attach",)), SUSPENDED),
    ("vm.cd_insert", dict(power="Running"), dict(ops=(), current={"OpaqueRef:t": "insert"}),
     "Busy: insert in progress."),
    ("vm.cd_insert", dict(power="Running", current={"OpaqueRef:t": "pool_migrate"}),
     dict(ops=()), "Busy: pool migrate in progress."),
    ("vm.cd_insert", dict(snapshot=True), dict(), ON_SNAPSHOT),
    ("vm.cd_insert", dict(power="Running", dom0=True), dict(), ON_DOM0),
    ("vm.cd_eject", dict(power="Running"), dict(ops=("attach", "eject"), disc="tools.iso"), OK),
    ("vm.cd_eject", dict(), dict(ops=("attach", "insert")), "The DVD drive is empty."),
    ("vm.cd_eject", dict(), None, "The VM has no DVD drive."),
    ("vm.cd_eject", dict(power="Suspended"), dict(ops=("attach",), disc="tools.iso"), SUSPENDED),
]


@pytest.mark.parametrize(("action_id", "vm", "drive", "expected"), CD_CASES,
                         ids=[f"{a}-{i}" for i, (a, *_r) in enumerate(CD_CASES)])
def test_dvd_actions(action_id: str, vm: dict, drive: dict | None, expected: str) -> None:
    pool = Pool()
    ref = pool.vm(**vm)
    if drive is not None:
        pool.dvd(ref, **drive)
    assert available(action_id, pool, ("vm", ref)) == expected


def test_the_first_dvd_drive_decides() -> None:
    pool = Pool()
    vm = pool.vm()
    pool.dvd(vm, ("attach", "eject"), disc="second.iso", position="10")
    pool.dvd(vm, ("attach", "insert"), position="3")
    assert available("vm.cd_insert", pool, ("vm", vm)) == OK
    assert available("vm.cd_eject", pool, ("vm", vm)) == "The DVD drive is empty."


# -- selections --------------------------------------------------------------------------------


def test_nothing_selected() -> None:
    for action in REGISTRY.values():
        assert action.can_run([]).reason == "Nothing is selected."


def test_any_passing_target_enables_and_the_first_reason_explains() -> None:
    pool = Pool()
    halted = pool.vm("a", ops=HALTED_OPS)
    running = pool.vm("b", "Running", RUNNING_OPS, tools=True)
    paused = pool.vm("c", "Paused", PAUSED_OPS)
    assert available("vm.start", pool, ("vm", running), ("vm", halted)) == OK
    assert available("vm.start", pool, ("vm", running), ("vm", paused)) == RUNNING
    assert available("vm.start", pool, ("vm", paused), ("vm", running)) == PAUSED
    conn = pool.conn()
    targets = [Target(conn, "vm", r) for r in (running, halted, paused)]
    assert REGISTRY["vm.start"].runnable(targets) == [targets[1]]
    assert REGISTRY["vm.force_shutdown"].runnable(targets) == [targets[0], targets[2]]


SINGLE = sorted(a for a, action in REGISTRY.items() if not action.multi)


@pytest.mark.parametrize("action_id", SINGLE)
def test_single_object_actions_refuse_two(action_id: str) -> None:
    action = REGISTRY[action_id]
    pool = Pool()
    first = pool.vm("a", ops=HALTED_OPS)
    second = pool.vm("b", ops=HALTED_OPS)
    cls = "vm" if "vm" in action.classes else sorted(action.classes)[0]
    assert available(action_id, pool, (cls, first), (cls, second)) == \
        f"{action.label} works on one object at a time."


def test_single_object_actions_are_the_expected_ones() -> None:
    assert set(SINGLE) == {
        "vm.clone", "vm.copy", "vm.snapshot", "snapshot.revert", "vm.start_on",
        "vm.delete", "object.rename", "vm.set_vcpus", "vm.set_memory", "object.tags",
        "vm.cd_insert", "vm.cd_eject", "vm.export", "subject.add", "pool.ha_enable",
        "pool.ha_disable", "pool.ha_configure", "pool.join", "host.eject", "host.designate",
        # storage and networks: each asks about one object (its SR, VM, disk or interface)
        "network.delete", "pif.configure_ip", "pool.set_default_sr", "sr.destroy", "sr.detach",
        "sr.forget", "sr.repair", "vdi.attach", "vdi.detach", "vdi.export", "vdi.import",
        "vdi.move", "vdi.new", "vdi.resize", "vif.add", "vif.properties", "vif.remove"}


@pytest.mark.parametrize("action_id", sorted(a for a, x in REGISTRY.items()
                                             if "host" not in x.classes))
def test_vm_actions_do_not_apply_to_hosts(action_id: str) -> None:
    pool = Pool()
    host = pool.host("alpha")
    label = REGISTRY[action_id].label
    assert available(action_id, pool, ("host", host)) == f"{label} does not apply to this object."


def test_mixed_classes_pick_the_targets_that_fit() -> None:
    pool = Pool()
    host = pool.host("alpha")
    halted = pool.vm(ops=HALTED_OPS)
    running = pool.vm("b", "Running", RUNNING_OPS, tools=True)
    assert available("vm.start", pool, ("host", host), ("vm", halted)) == OK
    assert available("vm.start", pool, ("host", host), ("vm", running)) == \
        "Start does not apply to this object."
    assert available("vm.start", pool, ("vm", running), ("host", host)) == RUNNING
    conn = pool.conn()
    assert REGISTRY["vm.start"].runnable([Target(conn, "host", host),
                                          Target(conn, "vm", halted)]) == \
        [Target(conn, "vm", halted)]


# (action, class) of the actions that apply to other objects than VMs
OTHER_CLASS_CASES = [(a, cls) for a, x in sorted(REGISTRY.items())
                     for cls in sorted(x.classes - {"vm"})]


# what a record needs for the action to apply (a server leaves maintenance only when in it)
OTHER_CLASS_STATE = {"host.maintenance_exit": {"enabled": False},
                     "pool.ha_disable": {"ha_enabled": True},
                     "pool.ha_configure": {"ha_enabled": True}}


# actions that need more of the pool than the selected object
POOL_NEEDS = {
    "vm.new": lambda pool: pool.vm("Debian 12", template=True),
    # users and groups come from a directory the pool joined
    "subject.add": lambda pool: pool.add("pool", master=pool.add(
        "host", external_auth_type="AD", external_auth_service_name="corp.example.com")),
}


def _sr(pool: Pool, attached: bool = True, **fields: object) -> str:
    """An SR connected (or not) on a host, with these fields."""
    sr = pool.sr("storage", hosts={pool.host("h1"): attached})
    pool.records[sr][1].update(fields)
    return sr


def _disk(pool: Pool, *ops: str) -> str:
    vdi = pool.add("VDI", name_label="disk", SR=_sr(pool), virtual_size=GiB, VBDs=[],
                   is_a_snapshot=False, type="user", allowed_operations=list(ops),
                   current_operations={})
    return vdi


def _attached_disk(pool: Pool) -> str:
    vdi = _disk(pool)
    pool.disk(pool.vm(), pool.records[vdi][1]["SR"])
    return next(ref for ref, (cls, rec) in pool.records.items() if cls == "VDI" and rec["VBDs"])


# objects in the state an action needs: (action, class) -> builder of the target
TARGET_SETUP = {
    ("pool.set_default_sr", "sr"): lambda pool: _sr(pool),
    ("sr.destroy", "sr"): lambda pool: _sr(pool),
    ("sr.detach", "sr"): lambda pool: _sr(pool),
    ("sr.repair", "sr"): lambda pool: _sr(pool, attached=False),
    ("sr.rescan", "sr"): lambda pool: _sr(pool, allowed_operations=["scan"]),
    ("vdi.import", "sr"): lambda pool: _sr(pool),
    ("vdi.new", "sr"): lambda pool: _sr(pool, allowed_operations=["vdi_create"]),
    ("vdi.delete", "vdi"): lambda pool: _disk(pool, "destroy"),
    ("vdi.export", "vdi"): lambda pool: _disk(pool),
    ("vdi.move", "vdi"): lambda pool: _disk(pool, "copy", "destroy"),
    ("vdi.resize", "vdi"): lambda pool: _disk(pool, "resize"),
    ("vdi.detach", "vdi"): _attached_disk,
    ("vdi.detach", "vbd"): lambda pool: pool.records[_attached_disk(pool)][1]["VBDs"][0],
}


@pytest.mark.parametrize(("action_id", "cls"), OTHER_CLASS_CASES)
def test_other_classes(action_id: str, cls: str) -> None:
    pool = Pool()
    POOL_NEEDS.get(action_id, lambda pool: None)(pool)
    setup = TARGET_SETUP.get((action_id, cls))
    ref = setup(pool) if setup is not None else pool.add(
        {"sr": "SR", "vdi": "VDI"}.get(cls, cls), name_label="thing", tags=[], other_config={},
        **OTHER_CLASS_STATE.get(action_id, {}))
    assert available(action_id, pool, (cls, ref)) == OK


def test_rename_refuses_a_gone_host() -> None:
    assert available("object.rename", Pool(), ("host", "OpaqueRef:gone")) == \
        "The object no longer exists."


# -- placement ---------------------------------------------------------------------------------


def placement_pool() -> tuple[Pool, dict[str, str], str]:
    """Six hosts, each with one reason (or none) not to take a 4 GiB VM running on alpha."""
    pool = Pool()
    hosts = {
        "alpha": pool.host("alpha"),
        "bravo": pool.host("bravo", enabled=False),
        "charlie": pool.host("charlie", memory_total=8 * GiB, overhead=GiB),
        "delta": pool.host("delta"),
        "echo": pool.host("echo", live=False),
        "foxtrot": pool.host("foxtrot", memory_total=16 * GiB, overhead=GiB),
    }
    sr = pool.sr("shared NFS", hosts={h: name != "delta" for name, h in hosts.items()})
    vm = pool.vm("db-01", "Running", RUNNING_OPS, tools=True, memory=4 * GiB)
    pool.disk(vm, sr)
    pool.resident(vm, hosts["alpha"])
    big = pool.vm("big", "Running", RUNNING_OPS, tools=True, memory=5 * GiB)
    pool.resident(big, hosts["charlie"])
    small = pool.vm("small", "Running", RUNNING_OPS, tools=True, memory=4 * GiB,
                    actual=3 * GiB)
    pool.resident(small, hosts["foxtrot"])
    return pool, hosts, vm


def test_host_choices_grey_out_with_the_reason() -> None:
    pool, hosts, vm = placement_pool()
    conn = pool.conn()
    choices = host_choices(conn.cache.record("VM", vm), conn.cache, exclude_current=True)
    # the suitable host first, then the others by name
    assert [c.label for c in choices] == ["foxtrot", "alpha", "bravo", "charlie", "delta",
                                          "echo"]
    by_name = {c.label: c for c in choices}
    assert {name: c.reason for name, c in by_name.items()} == {
        "alpha": "The VM is already on this server.",
        "bravo": "The server is in maintenance mode.",
        "charlie": "Not enough free memory: the VM needs 4.0 GiB, 2.0 GiB free.",
        "delta": "The server cannot reach the storage 'shared NFS'.",
        "echo": "The server is not reachable.",
        "foxtrot": "",
    }
    assert [c.label for c in choices if c.enabled] == ["foxtrot"]
    assert all(c.value == hosts[c.label] for c in choices)
    # free memory: total, less the host's overhead and what its VMs use (memory_actual)
    assert by_name["foxtrot"].detail.startswith("12.0 GiB free · Recommended: 8.0 GiB of "
                                                "memory left after this VM")
    assert by_name["charlie"].detail == "2.0 GiB free"


def test_host_choices_without_excluding_the_current_host() -> None:
    pool, hosts, vm = placement_pool()
    conn = pool.conn()
    choices = host_choices(conn.cache.record("VM", vm), conn.cache, exclude_current=False)
    alpha = next(c for c in choices if c.label == "alpha")
    assert alpha.enabled and alpha.reason == ""


def test_a_halted_vm_needs_its_static_maximum() -> None:
    pool = Pool()
    small = pool.host("small", memory_total=4 * GiB, overhead=GiB)
    roomy = pool.host("roomy", memory_total=8 * GiB, overhead=GiB)
    sr = pool.sr("shared", hosts={small: True, roomy: True})
    vm = pool.vm("app", ops=HALTED_OPS, memory=6 * GiB, actual=GiB)
    pool.disk(vm, sr)
    conn = pool.conn()
    choices = {c.label: c for c in host_choices(conn.cache.record("VM", vm), conn.cache,
                                                exclude_current=False)}
    assert choices["small"].reason == \
        "Not enough free memory: the VM needs 6.0 GiB, 3.0 GiB free."
    assert choices["roomy"].enabled


def test_an_overcommitted_host_shows_no_negative_memory() -> None:
    pool = Pool()
    host = pool.host("full", memory_total=4 * GiB, overhead=GiB)
    other = pool.vm("hog", "Running", RUNNING_OPS, memory=8 * GiB)
    pool.resident(other, host)
    vm = pool.vm("app", ops=HALTED_OPS, memory=GiB)
    conn = pool.conn()
    [choice] = host_choices(conn.cache.record("VM", vm), conn.cache, exclude_current=False)
    assert choice.reason == "Not enough free memory: the VM needs 1.0 GiB, 0.0 GiB free."
    assert choice.detail == "0.0 GiB free"


def test_the_reasons_come_in_order() -> None:
    """Not reachable beats maintenance mode, which beats memory, which beats storage."""
    pool = Pool()
    down = pool.host("a-down", enabled=False, live=False, memory_total=0)
    maintenance = pool.host("b-maintenance", enabled=False, memory_total=0)
    short = pool.host("c-short", memory_total=0)
    unplugged = pool.host("d-unplugged")
    plugged = pool.host("e-plugged")
    sr = pool.sr("local", shared=False, hosts={h: h == plugged for h in
                                               (down, maintenance, short, unplugged, plugged)})
    vm = pool.vm("app", ops=HALTED_OPS)
    pool.disk(vm, sr)
    conn = pool.conn()
    reasons = [c.reason for c in sorted(host_choices(conn.cache.record("VM", vm), conn.cache,
                                                     exclude_current=False),
                                        key=lambda c: c.label)]
    assert reasons == ["The server is not reachable.", "The server is in maintenance mode.",
                       "Not enough free memory: the VM needs 2.0 GiB, 0.0 GiB free.",
                       "The server cannot reach the storage 'local'.", ""]


def test_cd_drives_do_not_count_as_storage() -> None:
    pool = Pool()
    host = pool.host("alpha")
    vm = pool.vm("app", ops=HALTED_OPS)
    pool.dvd(vm, disc="tools.iso")
    conn = pool.conn()
    [choice] = host_choices(conn.cache.record("VM", vm), conn.cache, exclude_current=False)
    assert choice.enabled and choice.value == host


def test_memory_figures_never_read_alike() -> None:
    from xapiman.actions.placement import need_and_free

    assert need_and_free(4 * GiB, 2 * GiB) == ("4.0 GiB", "2.0 GiB")
    # 1.02 GiB needed, 0.98 GiB free: not "1.0 GiB, 1.0 GiB"
    assert need_and_free(102 * GiB // 100, 98 * GiB // 100 + 1) == ("1.02 GiB", "0.98 GiB")
    # a need just above what is free reads above it
    assert need_and_free(GiB + 1, GiB) == ("1.01 GiB", "1.00 GiB")
    assert need_and_free(int(1.004 * GiB), int(1.001 * GiB)) == ("1.01 GiB", "1.00 GiB")


def migrate_pool(free_on_other: int) -> tuple[Pool, str]:
    pool = Pool()
    here = pool.host("here", memory_total=16 * GiB, overhead=GiB)
    there = pool.host("there", memory_total=free_on_other + GiB, overhead=GiB)
    sr = pool.sr("shared", hosts={here: True, there: True})
    vm = pool.vm("app", "Running", RUNNING_OPS, tools=True, memory=4 * GiB, host=here)
    pool.disk(vm, sr)
    pool.resident(vm, here)
    return pool, vm


def test_migrate_is_offered_only_when_another_server_can_take_the_vm() -> None:
    pool, vm = migrate_pool(free_on_other=8 * GiB)
    assert available("vm.migrate", pool, ("vm", vm)) == OK
    pool, vm = migrate_pool(free_on_other=3 * GiB)
    assert available("vm.migrate", pool, ("vm", vm)) == (
        "No other server can take it (there: Not enough free memory: the VM needs 4.0 GiB, "
        "3.0 GiB free.).")


def test_the_record_view_and_the_actions_agree_that_a_block_wins() -> None:
    from xapiman.xapi.records import VM

    pool = Pool()
    blocked = pool.vm(ops=("start", "clone"), blocked={"start": "maintenance window"})
    conn = pool.conn()
    view = conn.cache.find(VM, blocked)
    assert not view.can("start") and view.can("clone")
    assert available("vm.start", pool, ("vm", blocked)) == "This operation is blocked on this VM."
    assert available("vm.clone", pool, ("vm", blocked)) == OK
