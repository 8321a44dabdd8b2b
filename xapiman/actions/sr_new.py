"""New SR: make a storage repository, or attach the one found at a location (its disks kept).

The app shapes a `NewSrPlan` in the New SR wizard (the prompter's `edit`); the command line
builds it from its options and passes it in the context's answers under "plan". Both are
checked by `sr_plan.review`. Running it is one task with steps:

- make: `SR.create` on the chosen server (the coordinator for shared SRs), which plugs the SR on
  every server of the pool; a server that cannot reach the storage keeps its PBD unplugged, and
  the task says which (Repair connects it later). Before a new SR is made on a LUN or a local
  disk, the location is probed again: an SR the user was not shown stops the task.
- attach: `SR.introduce` with the found SR's uuid, a PBD per server (`PBD.create`) and
  `PBD.plug` on each; when no server can plug it, the SR is forgotten again.
"""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable
from xapiman.actions.sr_plan import NewSrPlan, erases, kind_label, review
from xapiman.actions.sr_probe import Prober
from xapiman.actions.steps import StepError, StepRunner, StepTask, announce, reason_of
from xapiman.actions.task_errors import step_failure
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError, XapiError
from xapiman.xapi.refs import NULL_REF


def pool_hosts(cache, first: str) -> list[str]:
    """Every host of the pool, `first` first, then by name."""
    others = sorted((ref for ref in cache.records("host") if ref != first),
                    key=lambda r: str((cache.record("host", r) or {}).get("name_label", "")))
    return [first, *others] if cache.record("host", first) is not None else others


def host_name(cache, ref: str) -> str:
    return str((cache.record("host", ref) or {}).get("name_label", ref))


class NewSr(Action):
    id = "sr.new"
    label = "New SR…"
    icon = "sr"
    classes = frozenset({"pool", "host", "sr"})
    multi = True  # whatever is selected, the first object's pool is the one

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        return YES

    def draft(self, target: Target) -> NewSrPlan:
        return NewSrPlan(host=target.ref if target.cls == "host" else NULL_REF)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        plan = ctx.answers.get("plan")
        if not isinstance(plan, NewSrPlan):
            edited = await ctx.prompter.edit(self.draft(target), target)
            if edited is None:
                return []
            plan = edited
        cache = target.conn.cache
        problems = review(cache, plan).errors()
        if problems:
            raise ActionError(" ".join(problems))
        if erases(plan) and not await ctx.prompter.confirm(
                translate("NewSr", "New SR"),
                translate("NewSr", "An SR is on {where} already. Make a new SR there anyway?")
                .format(where=plan.location()),
                destroys=tuple(translate("NewSr", "the SR {uuid} and every disk on it").format(
                    uuid=uuid) for uuid in plan.found),
                ok_label=translate("NewSr", "Erase and Make"), danger=True):
            return []
        plan = plan.copy()
        host = plan.probe_host(cache)
        body = (lambda run: attach_sr(run, plan, host)) if plan.attach else \
            (lambda run: make_sr(run, plan, host))
        task = StepTask(target.conn, "SR.introduce" if plan.attach else "SR.create", body,
                        reveal=True)
        title = (translate("NewSr", "Attach SR '{name}'") if plan.attach else
                 translate("NewSr", "New SR '{name}'")).format(name=plan.name.strip())
        started = announce(ctx, title, target, task)
        task.start()
        return [started]


def _unplugged(run: StepRunner, sr: str) -> list[str]:
    """Names of the servers on which the SR's PBD is not plugged."""
    cache = run.conn.cache
    out = []
    for pbd in run.call("SR.get_PBDs", sr):
        rec = run.call("PBD.get_record", pbd)
        if not rec["currently_attached"]:
            out.append(host_name(cache, rec["host"]))
    return sorted(out)


def make_sr(run: StepRunner, plan: NewSrPlan, host: str) -> str:
    cache = run.conn.cache
    name = plan.name.strip()
    what = translate("NewSr", "Making the SR '{name}'").format(name=name)
    try:
        if plan.kind in ("iscsi", "ext", "lvm"):
            run.step(translate("NewSr", "Checking what is on {where}").format(
                where=plan.location()), 0.05)
            found = Prober(run.conn, host).srs(plan.sr_type, plan.device_config()).uuids
            unseen = [uuid for uuid in found if uuid not in plan.found]
            if unseen:
                raise StepError(translate(
                    "NewSr", "An SR ({uuid}) is on {where}, which was not there when it was "
                             "checked; nothing was changed. Check again and attach it, or "
                             "make the new SR knowing it erases it.").format(
                    uuid=unseen[0], where=plan.location()), code="SR_FOUND")
        run.step(translate("NewSr", "Making a {kind} SR on {host}").format(
            kind=kind_label(plan.kind), host=host_name(cache, host)), 0.1)
        sr = str(run.run("SR.create", host, plan.device_config(), "0", name,
                         plan.description.strip(), plan.sr_type, plan.content_type,
                         plan.shared, plan.sm_config()))
        run.wait_cached("SR", [sr])
        missing = _unplugged(run, sr)
    except (XapiClientError, StepError) as exc:
        raise step_failure(what, exc, run.task.detail) from exc
    if missing:
        run.task._set(detail=translate(
            "NewSr", "Made '{name}'; it is not connected on {hosts}: repair it once they can "
                     "reach the storage.").format(name=name, hosts=", ".join(missing)))
    else:
        run.task._set(detail=translate("NewSr", "Made '{name}'.").format(name=name))
    return sr


def attach_sr(run: StepRunner, plan: NewSrPlan, host: str) -> str:
    cache = run.conn.cache
    name = plan.name.strip()
    what = translate("NewSr", "Attaching the SR '{name}'").format(name=name)
    hosts = pool_hosts(cache, host) if plan.shared else [host]
    sr = ""
    try:
        run.step(translate("NewSr", "Introducing the SR {uuid}").format(uuid=plan.attach), 0.05)
        sr = str(run.call("SR.introduce", plan.attach, name, plan.description.strip(),
                          plan.sr_type, plan.content_type, plan.shared, plan.sm_config()))
        pbds = []
        for h in hosts:
            pbds.append(str(run.call("PBD.create", {"host": h, "SR": sr, "other_config": {},
                                                    "device_config": plan.device_config()})))
        failures: list[str] = []
        for n, (h, pbd) in enumerate(zip(hosts, pbds, strict=True)):
            run.step(translate("NewSr", "Connecting {host}").format(host=host_name(cache, h)),
                     0.1 + 0.85 * n / len(hosts))
            try:
                run.run("PBD.plug", pbd)
            except XapiError as exc:
                failures.append(f"{host_name(cache, h)}: {reason_of(exc)}")
        if len(failures) == len(hosts):
            _forget_again(run, sr)
            raise StepError(translate("NewSr", "{what} failed: no server could connect it. "
                                      "{why}").format(what=what, why=" ".join(failures)),
                            code="SR_NOT_ATTACHED")
    except (XapiClientError, StepError) as exc:
        if sr and not isinstance(exc, StepError):
            _forget_again(run, sr)
        raise step_failure(what, exc, run.task.detail) from exc
    run.wait_cached("SR", [sr])
    if failures:
        run.task._set(detail=translate("NewSr", "Attached '{name}'; not connected on: "
                                       "{failures}").format(name=name,
                                                            failures="; ".join(failures)))
    else:
        run.task._set(detail=translate("NewSr", "Attached '{name}'.").format(name=name))
    return sr


def _forget_again(run: StepRunner, sr: str) -> None:
    """Take an SR that could not be attached out of the pool again (its data stays)."""
    try:
        for pbd in run.call("SR.get_PBDs", sr):
            if run.call("PBD.get_currently_attached", pbd):
                run.call("PBD.unplug", pbd)
        run.call("SR.forget", sr)
    except XapiClientError:
        pass


NEW_SR = register(NewSr())
