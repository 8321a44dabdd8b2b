"""Migrate: move VMs to another host of their pool or to another open pool, with their disks
and interfaces, live when they run.

The plan (`migrate_plan.MigratePlan`) comes from the Migrate wizard (the prompter's `edit`) or,
on the command line, from the context's answers under "plan". Each VM then moves as its own
`StepTask`: first the servers are asked whether it can move as planned
(`host.migrate_receive` on the destination, then `VM.assert_can_migrate`), so a refusal is
known, in words, before anything moves; then `VM.pool_migrate` (it runs and only its host
changes) or `VM.migrate_send` with its disk and interface maps, the task's progress following
the server's. A VM that moved to another pool has a new reference there, which the task gives
back (the app selects it in that pool's tree). Storage migrations run at most three at a time
per pool, as xapi allows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from weakref import WeakKeyDictionary

from xapiman.actions import peers, placement, reasons
from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, runnable_or_raise
from xapiman.actions.migrate_plan import (
    LIVE,
    MigratePlan,
    assert_can_migrate,
    explain_refusal,
    host_label,
    options,
    receive,
    refusal,
    review,
)
from xapiman.actions.steps import Cancelled, StepError, StepRunner, StepTask, announce
from xapiman.i18n import translate
from xapiman.xapi.errors import TaskCancelled, XapiClientError, XapiError
from xapiman.xapi.refs import NULL_REF

STORAGE_MIGRATIONS = 3  # at once per source pool (xapi refuses a fourth)
ARRIVAL_WAIT = 15.0  # seconds to wait for a moved VM to show in the destination's cache

_gates: WeakKeyDictionary[object, threading.Semaphore] = WeakKeyDictionary()
_gates_lock = threading.Lock()


def storage_gate(conn: object) -> threading.Semaphore:
    with _gates_lock:
        gate = _gates.get(conn)
        if gate is None:
            gate = _gates[conn] = threading.Semaphore(STORAGE_MIGRATIONS)
        return gate


def can_move(record: dict | None, cache) -> Availability:
    """Whether the VM's state lets it move at all (running, suspended or shut down)."""
    allowed = reasons.vm_operation(record, "migrate_send", cache=cache)
    if allowed or record is None:
        return allowed
    live = reasons.vm_operation(record, "pool_migrate", cache=cache)
    return live if live else allowed


def somewhere_to_go(target: Target) -> Availability:
    """Another host of the pool could take the VM (its disks may move), or another pool is
    open; else why not."""
    if peers.others(target.conn):
        return YES
    cache = target.conn.cache
    record = target.record() or {}
    live = record.get("power_state") in LIVE
    needs = placement.VmNeeds(placement.vm_memory(record, cache) if live else 0,
                              max(int(record.get("VCPUs_at_startup") or 1), 1),
                              frozenset(), frozenset(placement.vm_networks(record, cache)),
                              str(record.get("resident_on") or NULL_REF))
    ratings = placement.rank_hosts(cache, needs, exclude_current=live)
    if any(r.suitable for r in ratings):
        return YES
    others = [r for r in ratings if "current" not in r.kinds]
    if not others:
        return Availability(False, translate(
            "Migrate", "There is no other server to move it to: connect another pool to move "
            "it there."))
    why = "; ".join(f"{r.name}: {r.reason}" for r in others[:3])
    return Availability(False, translate("Migrate", "No other server can take it ({why}).")
                        .format(why=why))


class Migrate(Action):
    id = "vm.migrate"
    label = translate("Actions", "Migrate VM")
    classes = frozenset({"vm"})
    icon = "migrate"

    def check(self, target: Target) -> Availability:
        allowed = can_move(target.record(), target.conn.cache)
        if not allowed:
            return allowed
        return somewhere_to_go(target)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        first = chosen[0]
        chosen = [t for t in chosen if t.conn is first.conn]
        plan = ctx.answers.get("plan")
        if plan is None:
            draft = MigratePlan.for_vms(first.conn, [t.ref for t in chosen])
            plan = await ctx.prompter.edit(draft, first)
            if plan is None:
                return []
        if not isinstance(plan, MigratePlan):
            raise ActionError(translate("Migrate", "Nothing to migrate."))
        problems = review(plan).errors()
        if problems:
            raise ActionError(" ".join(problems))
        out = []
        for vm in plan.vms:
            target = Target(plan.source, "vm", vm)
            task = migration_task(plan, vm, reveal=len(plan.vms) == 1)
            title = translate("Migrate", "Migrate '{vm}' to {host}").format(
                vm=plan.vm_name(vm), host=host_label(plan.dest_cache, plan.host))
            out.append(announce(ctx, title, target, task))
            task.start()
        return out


def migration_task(plan: MigratePlan, vm: str, *, reveal: bool = False) -> StepTask:
    """The StepTask that moves one VM of the plan (not started)."""
    method = plan.method(vm)
    gate = storage_gate(plan.source) if method == "VM.migrate_send" else None
    task = StepTask(plan.source, method, Mover(plan, vm), reveal=reveal, gate=gate,
                    waiting=translate("Migrate", "Waiting for other disk moves to finish"))
    if plan.cross_pool:
        task.reveal_in = plan.dest_name
    return task


class Mover:
    """The steps that move one VM (run in its StepTask's worker)."""

    def __init__(self, plan: MigratePlan, vm: str) -> None:
        self.plan = plan
        self.vm = vm
        self.name = plan.vm_name(vm)
        self.host = host_label(plan.dest_cache, plan.host)
        self.source_host = host_label(plan.source.cache,
                                      str(plan.vm_record(vm).get("resident_on") or NULL_REF))

    def __call__(self, run: StepRunner) -> object:
        plan, vm = self.plan, self.vm
        run.step(translate("Migrate", "Checking that '{vm}' can move to {host}").format(
            vm=self.name, host=self.host), 0.0)
        try:
            dest = receive(plan)
            assert_can_migrate(plan, vm, dest)
        except XapiError as exc:
            raise self._refused(exc, run) from exc
        except XapiClientError as exc:
            raise StepError(translate("Migrate", "'{vm}' was not moved: {why}").format(
                vm=self.name, why=exc), step=run.task.detail) from exc
        run.step(translate("Migrate", "Moving '{vm}' to {host}").format(
            vm=self.name, host=self.host), 0.05)
        try:
            if plan.method(vm) == "VM.pool_migrate":
                run.run("VM.pool_migrate", vm, plan.host, options(plan), span=(0.05, 1.0))
                result: object = vm
            else:
                result = run.run("VM.migrate_send", vm, dest,
                                 plan.live and plan.moving_live(vm), plan.vdi_map(vm),
                                 plan.vif_map(vm), options(plan), span=(0.05, 0.97))
        except (Cancelled, TaskCancelled) as exc:
            raise StepError(translate(
                "Migrate", "Cancelled: '{vm}' stays where it was.").format(vm=self.name),
                code="TASK_CANCELLED", step=run.task.detail) from exc
        except XapiError as exc:
            raise StepError(translate("Migrate", "'{vm}' was not moved: {why}").format(
                vm=self.name, why=explain_refusal(plan, vm, exc)), code=exc.code,
                params=exc.params, step=run.task.detail) from exc
        except XapiClientError as exc:
            raise StepError(translate(
                "Migrate", "The connection failed while '{vm}' moved: it may or may not have "
                "moved ({why}). Check where it is.").format(vm=self.name, why=exc),
                step=run.task.detail) from exc
        if plan.cross_pool and isinstance(result, str) and result.startswith("OpaqueRef:"):
            self._wait_arrival(result)
        run.outcome(translate("Migrate", "'{vm}' moved to {host}").format(
            vm=self.name, host=self.host))
        return result

    def _refused(self, exc: XapiError, run: StepRunner) -> StepError:
        text = refusal(self.plan, self.vm, exc).text
        return StepError(translate("Migrate", "{refusal} Nothing was moved.").format(
            refusal=text), code=exc.code, params=exc.params, step=run.task.detail)

    def _wait_arrival(self, ref: str) -> None:
        """The destination pool's tree shows the VM once its cache has it."""
        cache = self.plan.dest_cache
        deadline = time.monotonic() + ARRIVAL_WAIT
        while cache.record("VM", ref) is None and time.monotonic() < deadline:
            time.sleep(0.02)


MIGRATE = register(Migrate())
