"""Actions run end to end: a real Connection to the simulator, a scripted prompter, and the
server's database checked after each run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.client.conftest import FAST_TIMEOUTS, wait_until
from tests.gui.scripted_prompter import Question, ScriptedPrompter
from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.base import Started
from xapiman.actions.common import ActionError
from xapiman.actions.migrate_plan import MigratePlan
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi.connection import Connection
from xapiman.xapi.errors import XapiError

NULL = "OpaqueRef:NULL"
MiB = 1024**2
GiB = 1024**3


@dataclass
class Env:
    p: RunningPool
    conn: Connection

    @property
    def db(self):
        return self.p.db

    def vm(self, predicate: Callable[[dict], bool]) -> str:
        """The first (by name) real VM of the server matching `predicate`."""
        for ref, rec in sorted(self.db.all("VM").items(), key=lambda kv: kv[1]["name_label"]):
            if rec["is_a_template"] or rec["is_control_domain"]:
                continue
            if predicate(rec):
                return ref
        raise AssertionError("no VM of the simulated pool matches")

    def snapshot(self, predicate: Callable[[dict], bool] = lambda rec: True) -> str:
        for ref, rec in sorted(self.db.all("VM").items(), key=lambda kv: kv[1]["name_label"]):
            if rec["is_a_snapshot"] and predicate(rec):
                return ref
        raise AssertionError("no snapshot of the simulated pool matches")

    def disks(self, vm: str) -> list[str]:
        """VDI refs of the VM's disks, as the server has them."""
        out = []
        for vbd in self.db.get(vm, "VM")["VBDs"]:
            rec = self.db.get(vbd, "VBD")
            if rec["type"] == "Disk":
                out.append(rec["VDI"])
        return out

    def synced(self, ref: str, **fields: object) -> None:
        """Wait until the client's cache shows the server's record of `ref` with `fields`."""
        def ok() -> bool:
            rec = self.conn.cache.get(ref)
            return rec is not None and all(rec.get(k) == v for k, v in fields.items())

        wait_until(ok, timeout=5)

    def gone(self, ref: str) -> None:
        wait_until(lambda: self.conn.cache.get(ref) is None, timeout=5)


@pytest.fixture
def env() -> Iterator[Env]:
    with running_pool(hosts=2, vms=20) as p:
        conn = Connection(p.url, p.user, p.password, timeouts=FAST_TIMEOUTS)
        try:
            conn.connect(10)
            yield Env(p, conn)
        finally:
            conn.close()


@dataclass
class Ran:
    started: list[Started]
    prompter: ScriptedPrompter
    results: list[object]

    @property
    def asked(self) -> list[Question]:
        return self.prompter.asked


def run(env: Env, action_id: str, refs: list[str] | str, *answers: object,
        given: dict | None = None, cls: str = "vm") -> Ran:
    """Run an action on `refs` with scripted answers; wait for the tasks it started."""
    prompter = ScriptedPrompter.with_answers(*answers)  # type: ignore[arg-type]
    targets = [Target(env.conn, cls, r) for r in ([refs] if isinstance(refs, str) else refs)]
    ctx = ActionContext(prompter, answers=given or {})
    started = asyncio.run(asyncio.wait_for(REGISTRY[action_id].run(ctx, targets), 10))
    assert started == ctx.started
    results = [s.handle.wait(10) for s in started]
    assert not prompter.answers, "a scripted answer was not used"
    return Ran(started, prompter, results)


def choice_field(question: Question, key: str):
    assert question.form is not None
    return next(f for f in question.form.fields if f.key == key)


# -- power ------------------------------------------------------------------------------------


def test_start_runs_a_halted_vm(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    ran = run(env, "vm.start", vm)
    assert ran.asked == []
    assert [s.title for s in ran.started] == [f"Start '{env.db.get(vm, 'VM')['name_label']}'"]
    rec = env.db.get(vm, "VM")
    assert rec["power_state"] == "Running"
    assert rec["resident_on"] in env.db.all("host")


def test_force_shutdown_asks_with_danger_and_no_does_nothing(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Running")
    name = env.db.get(vm, "VM")["name_label"]
    ran = run(env, "vm.force_shutdown", vm, False)
    assert ran.started == []
    [question] = ran.asked
    assert question.kind == "confirm" and question.danger
    assert question.title == "Force Shut Down" and name in question.text
    assert env.db.get(vm, "VM")["power_state"] == "Running"

    ran = run(env, "vm.force_shutdown", vm, True)
    assert len(ran.asked) == 1 and len(ran.started) == 1
    assert env.db.get(vm, "VM")["power_state"] == "Halted"


def test_force_shutdown_of_two_vms_asks_once(env: Env) -> None:
    running = [r for r, rec in env.db.all("VM").items()
               if rec["power_state"] == "Running" and not rec["is_control_domain"]][:2]
    ran = run(env, "vm.force_shutdown", running, True)
    assert len(ran.asked) == 1 and len(ran.started) == 2
    assert all(env.db.get(vm, "VM")["power_state"] == "Halted" for vm in running)


# -- snapshots, clone, copy -------------------------------------------------------------------


def test_snapshot_with_memory_is_a_checkpoint(env: Env) -> None:
    vm = env.vm(lambda r: "checkpoint" in r["allowed_operations"]
                and r["power_state"] == "Running")
    seen: list[set[str]] = []

    def answer(question: Question) -> dict:
        seen.append({f.key for f in question.form.fields})
        return {"name": "with memory", "memory": True}

    ran = run(env, "vm.snapshot", vm, answer)
    assert seen == [{"name", "memory"}]
    assert ran.started[0].handle.method == "VM.checkpoint"
    snap = env.db.get(ran.results[0], "VM")
    assert snap["is_a_snapshot"] and snap["snapshot_of"] == vm
    assert snap["name_label"] == "with memory"
    assert snap["power_state"] == "Suspended" and snap["suspend_VDI"] != NULL
    assert env.db.get(vm, "VM")["power_state"] == "Running"


def test_snapshot_of_a_halted_vm_offers_no_memory(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    seen: list[set[str]] = []

    def answer(question: Question) -> dict:
        seen.append({f.key for f in question.form.fields})
        return {"name": "plain"}

    ran = run(env, "vm.snapshot", vm, answer)
    assert seen == [{"name"}]
    snap = env.db.get(ran.results[0], "VM")
    assert snap["is_a_snapshot"] and snap["power_state"] == "Halted"
    assert len(env.disks(ran.results[0])) == len(env.disks(vm))


def test_snapshot_with_memory_given_for_a_halted_vm_is_refused(env: Env) -> None:
    """The command line's --memory on a halted VM: refused, not a plain snapshot instead."""
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    before = set(env.db.all("VM"))
    with pytest.raises(ActionError, match="needs a running VM"):
        run(env, "vm.snapshot", vm, given={"name": "x", "memory": True})
    assert set(env.db.all("VM")) == before


def test_revert_asks_and_restores_the_snapshot(env: Env) -> None:
    snap = env.snapshot(lambda r: r["power_state"] == "Halted"
                        and env.db.get(r["snapshot_of"], "VM")["power_state"] == "Running")
    vm = env.db.get(snap, "VM")["snapshot_of"]
    vm_name = env.db.get(vm, "VM")["name_label"]
    ran = run(env, "snapshot.revert", snap, False)
    [question] = ran.asked
    assert question.danger and vm_name in question.text
    assert any("current state" in d for d in question.destroys)
    assert ran.started == [] and env.db.get(vm, "VM")["power_state"] == "Running"

    ran = run(env, "snapshot.revert", snap, True)
    assert len(ran.asked) == 1
    rec = env.db.get(vm, "VM")
    assert rec["power_state"] == "Halted" and rec["parent"] == snap
    assert env.db.find(snap, "VM") is not None


def test_delete_snapshot_removes_it_and_its_disk_snapshots(env: Env) -> None:
    snap = env.snapshot(lambda r: r["power_state"] == "Halted")
    disks = env.disks(snap)
    name = env.db.get(snap, "VM")["name_label"]
    assert disks and all(env.db.get(d, "VDI")["is_a_snapshot"] for d in disks)
    ran = run(env, "snapshot.delete", snap, True)
    [question] = ran.asked
    assert question.danger
    assert question.destroys == (f"snapshot '{name}' and its 1 disk snapshot",)
    assert [s.handle.method for s in ran.started] == ["VM.destroy", "VDI.destroy"]
    assert env.db.find(snap, "VM") is None
    assert all(env.db.find(d, "VDI") is None for d in disks)


def test_delete_snapshot_answered_no_keeps_it(env: Env) -> None:
    snap = env.snapshot()
    ran = run(env, "snapshot.delete", snap, False)
    assert ran.started == [] and env.db.find(snap, "VM") is not None


def test_clone(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    ran = run(env, "vm.clone", vm, {"name": "the clone"})
    [question] = ran.asked
    assert choice_field(question, "name").default == \
        f"Copy of {env.db.get(vm, 'VM')['name_label']}"
    clone = env.db.get(ran.results[0], "VM")
    assert clone["name_label"] == "the clone" and not clone["is_a_snapshot"]
    assert clone["power_state"] == "Halted"
    assert len(env.disks(ran.results[0])) == len(env.disks(vm))


def test_copy_offers_disk_srs_and_greys_a_full_one(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    srs = env.db.all("SR")
    full = next(r for r, s in srs.items() if s["name_label"] == "iSCSI virtual disk storage")
    nfs = next(r for r, s in srs.items() if s["name_label"] == "NFS virtual disk storage")
    size = env.db.get(full, "SR")["physical_size"]
    env.db.update(full, physical_utilisation=size)
    env.synced(full, physical_utilisation=size)
    need = sum(env.db.get(d, "VDI")["virtual_size"] for d in env.disks(vm))
    offered: dict[str, object] = {}

    def answer(question: Question) -> dict:
        field = choice_field(question, "sr")
        offered.update({c.value: c for c in field.choices})
        assert field.default != full and offered[field.default].enabled
        return {"name": "full copy", "sr": nfs}

    ran = run(env, "vm.copy", vm, answer)
    for ref, sr in srs.items():
        disk_sr = sr["content_type"] != "iso" and sr["type"] not in ("iso", "udev")
        assert (ref in offered) == disk_sr, sr["name_label"]
    assert not offered[full].enabled
    assert offered[full].reason == f"Not enough space: needs {need / GiB:.1f} GiB."
    assert offered[nfs].enabled
    copy = ran.results[0]
    assert env.db.get(copy, "VM")["name_label"] == "full copy"
    assert [env.db.get(d, "VDI")["SR"] for d in env.disks(copy)] == [nfs]


def test_copy_to_a_greyed_sr_fails_on_the_server(env: Env) -> None:
    """The form's greyed choice is only advice: a CLI answer reaches the server, which refuses
    it with a readable error."""
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    full = next(r for r, s in env.db.all("SR").items()
                if s["name_label"] == "iSCSI virtual disk storage")
    size = env.db.get(full, "SR")["physical_size"]
    env.db.update(full, physical_utilisation=size)
    with pytest.raises(XapiError) as info:
        run(env, "vm.copy", vm, given={"name": "too big", "sr": full})
    assert info.value.code == "SR_FULL"
    assert str(info.value).startswith("The storage repository is full")


# -- placement ---------------------------------------------------------------------------------


def on_shared_storage(env: Env, vm: str) -> bool:
    return all(env.db.get(env.db.get(d, "VDI")["SR"], "SR")["shared"] for d in env.disks(vm))


def test_migrate_offers_the_plan_with_the_other_host(env: Env) -> None:
    vm = next(r for r, rec in sorted(env.db.all("VM").items())
              if "pool_migrate" in rec["allowed_operations"] and on_shared_storage(env, r))
    here = env.db.get(vm, "VM")["resident_on"]
    there = next(h for h in env.db.all("host") if h != here)
    seen = []

    def answer(question: Question, plan: object) -> object:
        seen.append(plan)
        assert isinstance(plan, MigratePlan) and plan.host == there
        assert plan.method(vm) == "VM.pool_migrate" and not any(d.moves for d in plan.disks)
        [rating] = [r for r in plan.host_ratings() if r.ref == here]
        assert not rating.suitable and rating.reason == "The VM is already on this server."
        return plan

    ran = run(env, "vm.migrate", vm, answer)
    assert len(seen) == 1
    assert env.db.get(vm, "VM")["resident_on"] == there
    assert ran.started[0].title.endswith(f"to {env.db.get(there, 'host')['name_label']}")
    assert ran.started[0].handle.method == "VM.pool_migrate"


def test_migrate_to_its_own_host_is_refused_before_the_server(env: Env) -> None:
    vm = next(r for r, rec in sorted(env.db.all("VM").items())
              if "pool_migrate" in rec["allowed_operations"] and on_shared_storage(env, r))
    here = env.db.get(vm, "VM")["resident_on"]
    plan = MigratePlan.for_vms(env.conn, [vm], host=here)
    with pytest.raises(ActionError, match="already on this server"):
        run(env, "vm.migrate", vm, given={"plan": plan})
    assert env.db.get(vm, "VM")["resident_on"] == here


def test_start_on_a_chosen_host(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    host = sorted(env.db.all("host"))[-1]
    run(env, "vm.start_on", vm, {"host": host})
    rec = env.db.get(vm, "VM")
    assert rec["power_state"] == "Running" and rec["resident_on"] == host


# -- delete ------------------------------------------------------------------------------------


def add_disk(env: Env, vm: str, name: str) -> str:
    """A second disk for `vm`, made through the API; its VDI ref."""
    sr = env.db.get(env.disks(vm)[0], "VDI")["SR"]
    vdi = env.conn.call("VDI.create", {
        "name_label": name, "name_description": "", "SR": sr, "virtual_size": str(GiB),
        "type": "user", "sharable": False, "read_only": False, "other_config": {}})
    env.conn.call("VBD.create", {
        "VM": vm, "VDI": vdi, "userdevice": "autodetect", "bootable": False, "mode": "RW",
        "type": "Disk", "unpluggable": True, "empty": False, "other_config": {},
        "qos_algorithm_type": "", "qos_algorithm_params": {}})
    wait_until(lambda: len([1 for _r, v in env.conn.cache.records("VBD").items()
                            if v["VDI"] == vdi]) == 1)
    return vdi


def test_delete_vm_keeps_the_unticked_disk(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    kept = env.disks(vm)[0]
    deleted = add_disk(env, vm, "scratch")
    wait_until(lambda: len(env.conn.cache.record("VM", vm)["VBDs"]) == 3)

    def answer(question: Question) -> dict:
        assert question.danger and question.ok_label == "Delete"
        field = choice_field(question, "disks")
        assert field.kind == "multi"
        assert {c.value for c in field.choices} == {kept, deleted}
        assert sorted(field.default) == sorted([kept, deleted])
        return {"disks": [deleted]}

    ran = run(env, "vm.delete", vm, answer)
    assert len(ran.asked) == 1
    assert [s.handle.method for s in ran.started] == ["VM.destroy", "VDI.destroy"]
    assert env.db.find(vm, "VM") is None
    assert env.db.find(kept, "VDI") is not None
    assert env.db.get(kept, "VDI")["VBDs"] == []
    assert env.db.find(deleted, "VDI") is None


def test_delete_vm_cancelled_keeps_everything(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    ran = run(env, "vm.delete", vm, None)
    assert ran.started == [] and env.db.find(vm, "VM") is not None


# -- settings ----------------------------------------------------------------------------------


def test_rename(env: Env) -> None:
    vm = env.vm(lambda r: True)
    run(env, "object.rename", vm, {"name": "  renamed  ", "description": "what it does"})
    rec = env.db.get(vm, "VM")
    assert rec["name_label"] == "renamed" and rec["name_description"] == "what it does"


def test_rename_a_host_and_an_sr(env: Env) -> None:
    host = next(iter(env.db.all("host")))
    sr = next(iter(env.db.all("SR")))
    run(env, "object.rename", host, given={"name": "rack-3", "description": "top"}, cls="host")
    run(env, "object.rename", sr, given={"name": "fast", "description": ""}, cls="sr")
    assert env.db.get(host, "host")["name_label"] == "rack-3"
    assert env.db.get(sr, "SR")["name_label"] == "fast"


def test_rename_to_blank_is_refused(env: Env) -> None:
    vm = env.vm(lambda r: True)
    name = env.db.get(vm, "VM")["name_label"]
    with pytest.raises(ActionError, match="may not be empty"):
        run(env, "object.rename", vm, {"name": "   ", "description": ""})
    assert env.db.get(vm, "VM")["name_label"] == name


def test_set_vcpus_up_and_down(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted" and r["VCPUs_max"] == 2)
    run(env, "vm.set_vcpus", vm, {"vcpus": "4"})
    rec = env.db.get(vm, "VM")
    assert (rec["VCPUs_max"], rec["VCPUs_at_startup"]) == (4, 4)
    env.synced(vm, VCPUs_max=4)
    run(env, "vm.set_vcpus", vm, {"vcpus": "1"})
    rec = env.db.get(vm, "VM")
    assert (rec["VCPUs_max"], rec["VCPUs_at_startup"]) == (1, 1)


@pytest.mark.parametrize("value", ["0", "many"])
def test_set_vcpus_refuses_bad_numbers(env: Env, value: str) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    before = env.db.get(vm, "VM")["VCPUs_max"]
    with pytest.raises(ActionError, match="number of vCPUs"):
        run(env, "vm.set_vcpus", vm, {"vcpus": value})
    assert env.db.get(vm, "VM")["VCPUs_max"] == before


def test_set_memory_of_a_halted_vm(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted" and r["memory_static_max"] == 2 * GiB)
    run(env, "vm.set_memory", vm, {"memory_mib": "3072"})
    rec = env.db.get(vm, "VM")
    assert rec["memory_static_max"] == rec["memory_dynamic_max"] == 3072 * MiB
    assert rec["memory_dynamic_min"] == 3072 * MiB
    env.synced(vm, memory_static_max=3072 * MiB)
    run(env, "vm.set_memory", vm, {"memory_mib": "512"})
    rec = env.db.get(vm, "VM")
    assert rec["memory_static_max"] == rec["memory_dynamic_min"] == 512 * MiB
    assert rec["memory_static_min"] <= 512 * MiB


def test_set_memory_of_a_running_vm(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Running"
                and "changing_dynamic_range" in r["allowed_operations"]
                and r["memory_static_max"] >= 2 * GiB and r["memory_static_min"] <= GiB)
    static_max = env.db.get(vm, "VM")["memory_static_max"]
    run(env, "vm.set_memory", vm, {"memory_mib": "1024"})
    rec = env.db.get(vm, "VM")
    assert rec["memory_dynamic_min"] == rec["memory_dynamic_max"] == GiB
    assert rec["memory_static_max"] == static_max
    with pytest.raises(ActionError, match="shut it down first"):
        run(env, "vm.set_memory", vm, {"memory_mib": str(static_max // MiB + 1)})


def test_tags_set_and_clear(env: Env) -> None:
    vm = env.vm(lambda r: True)
    run(env, "object.tags", vm, {"tags": " web, critical,web ,, "})
    assert env.db.get(vm, "VM")["tags"] == ["critical", "web"]
    env.synced(vm, tags=["critical", "web"])
    ran = run(env, "object.tags", vm, {"tags": ""})
    assert choice_field(ran.asked[0], "tags").default == "critical, web"
    assert env.db.get(vm, "VM")["tags"] == []


def test_folder_set_normalised_and_cleared(env: Env) -> None:
    vm = env.vm(lambda r: "folder" not in r["other_config"])
    others = dict(env.db.get(vm, "VM")["other_config"])
    run(env, "object.folder", vm, {"folder": " a//b/ "})
    assert env.db.get(vm, "VM")["other_config"] == {**others, "folder": "/a/b"}
    env.synced(vm)
    wait_until(lambda: env.conn.cache.record("VM", vm)["other_config"].get("folder") == "/a/b")
    ran = run(env, "object.folder", vm, {"folder": ""})
    assert choice_field(ran.asked[0], "folder").default == "/a/b"
    assert env.db.get(vm, "VM")["other_config"] == others


def test_folder_of_two_objects_at_once(env: Env) -> None:
    vms = [r for r, rec in sorted(env.db.all("VM").items())
           if not rec["is_a_template"] and not rec["is_control_domain"]][:2]
    ran = run(env, "object.folder", vms, {"folder": "/Moved"})
    assert len(ran.asked) == 1
    assert all(env.db.get(vm, "VM")["other_config"]["folder"] == "/Moved" for vm in vms)


# -- DVD ---------------------------------------------------------------------------------------


def cd_of(env: Env, vm: str) -> dict:
    return next(env.db.get(v, "VBD") for v in env.db.get(vm, "VM")["VBDs"]
                if env.db.get(v, "VBD")["type"] == "CD")


def test_dvd_insert_and_eject(env: Env) -> None:
    vm = next(r for r, rec in sorted(env.db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
              if rec["power_state"] == "Running" and not rec["is_control_domain"]
              and cd_of(env, r)["empty"])
    iso = next(ref for ref, v in env.db.all("VDI").items()
               if env.db.get(v["SR"], "SR")["name_label"] == "ISO library")
    ran = run(env, "vm.cd_insert", vm, {"iso": iso})
    assert ran.asked[0].form.fields[0].kind == "choice"
    assert cd_of(env, vm)["VDI"] == iso and not cd_of(env, vm)["empty"]
    wait_until(lambda: REGISTRY["vm.cd_eject"].can_run([Target(env.conn, "vm", vm)]))
    ran = run(env, "vm.cd_eject", vm)
    assert ran.asked == []
    assert cd_of(env, vm)["empty"] and cd_of(env, vm)["VDI"] == NULL


# -- failures ----------------------------------------------------------------------------------


def test_a_task_failing_on_the_server_raises_its_readable_error(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    for host in env.db.all("host"):
        env.db.update(host, enabled=False)
    for host in env.db.all("host"):
        env.synced(host, enabled=False)
    prompter = ScriptedPrompter()
    ctx = ActionContext(prompter)
    target = Target(env.conn, "vm", vm)

    async def go() -> None:
        [started] = await REGISTRY["vm.start"].run(ctx, [target])
        await ctx.finish(started, timeout=10)

    with pytest.raises(XapiError) as info:
        asyncio.run(go())
    assert info.value.code == "NO_HOSTS_AVAILABLE"
    assert str(info.value).startswith("No server in the pool can run this VM now")
    assert prompter.asked == []
    assert env.db.get(vm, "VM")["power_state"] == "Halted"


def test_a_host_disabled_while_the_user_chooses_fails_once(env: Env) -> None:
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    host = sorted(env.db.all("host"))[0]
    asked: list[Question] = []

    def answer(question: Question) -> dict:
        asked.append(question)
        env.db.update(host, enabled=False)  # meanwhile, someone puts it in maintenance
        return {"host": host}

    with pytest.raises(XapiError) as info:
        run(env, "vm.start_on", vm, answer)
    assert len(asked) == 1
    assert info.value.code == "HOST_DISABLED"
    assert env.db.get(vm, "VM")["power_state"] == "Halted"
    assert str(info.value).startswith("The server is disabled (maintenance mode).")


def test_a_delete_failing_on_the_server_keeps_the_disks(env: Env) -> None:
    """VM.destroy fails (the VM was started meanwhile): the action raises the server's error,
    asks nothing more and deletes no disk."""
    vm = env.vm(lambda r: r["power_state"] == "Halted")
    disks = env.disks(vm)
    prompter = ScriptedPrompter()

    def answer(question: Question) -> dict:
        env.conn.call("VM.start", vm, False, False)
        return {"disks": disks}

    prompter.add([answer])
    ctx = ActionContext(prompter)
    with pytest.raises(XapiError) as info:
        asyncio.run(REGISTRY["vm.delete"].run(ctx, [Target(env.conn, "vm", vm)]))
    assert info.value.code == "VM_BAD_POWER_STATE"
    assert str(info.value).startswith("The VM is running, but this operation needs it halted")
    assert len(prompter.asked) == 1
    assert [s.handle.method for s in ctx.started] == ["VM.destroy"]
    assert env.db.find(vm, "VM") is not None
    assert all(env.db.find(d, "VDI") is not None for d in disks)


@pytest.mark.parametrize("action_id", [
    "vm.clone", "vm.copy", "vm.snapshot", "snapshot.revert", "vm.migrate", "vm.start_on",
    "vm.delete", "vm.set_vcpus", "vm.set_memory", "vm.start", "snapshot.delete",
])
def test_running_on_a_target_that_cannot_run_raises_its_reason(env: Env, action_id: str) -> None:
    """The selection changed between the menu and the run: a readable ActionError, no
    question, nothing started."""
    vm = env.vm(lambda r: r["power_state"] == "Paused")
    if action_id == "vm.snapshot":
        vm = env.snapshot()
    action = REGISTRY[action_id]
    reason = action.can_run([Target(env.conn, "vm", vm)]).reason
    assert reason
    prompter = ScriptedPrompter()
    ctx = ActionContext(prompter)
    with pytest.raises(ActionError) as info:
        asyncio.run(action.run(ctx, [Target(env.conn, "vm", vm)]))
    assert str(info.value) == reason
    assert prompter.asked == [] and ctx.started == []


def test_waiting_for_many_long_tasks_leaves_the_threads_free(env: Env) -> None:
    """finish() learns of a task's end from the event stream: awaiting more tasks than the
    executor has threads still leaves every thread free for other work."""
    from concurrent.futures import ThreadPoolExecutor

    tasks = [env.db.create("task", {"name_label": f"Async.VM.export {i}", "status": "pending"})
             for i in range(8)]
    wait_until(lambda: all(env.conn.cache.record("task", t) for t in tasks), timeout=5)
    ctx = ActionContext(ScriptedPrompter.with_answers())
    target = Target(env.conn, "vm", env.vm(lambda rec: True))
    started = [Started(f"export {i}", target, env.conn.tasks.follow(t))
               for i, t in enumerate(tasks)]

    async def scenario() -> list[object]:
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(4))
        waiting = [asyncio.ensure_future(ctx.finish(s, timeout=30)) for s in started]
        await asyncio.sleep(0.05)  # every finish() is waiting now
        assert await asyncio.wait_for(asyncio.to_thread(lambda: "a free thread"), 3) == \
            "a free thread"
        assert not any(w.done() for w in waiting)
        for i, task in enumerate(tasks):
            env.db.update(task, status="success", progress=1.0,
                          result=f"<value>OpaqueRef:export-{i}</value>")
        return await asyncio.wait_for(asyncio.gather(*waiting), 10)

    results = asyncio.run(scenario())
    assert results == [f"OpaqueRef:export-{i}" for i in range(8)]
