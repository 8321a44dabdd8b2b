"""Pool membership: a standalone server joins a pool (`pool.join`, asked of the joining
server), a server leaves its pool (`pool.eject`, named and confirmed: it restarts as a
standalone server and loses its local storage), and another server becomes the coordinator
(`pool.designate_new_master`)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from xapiman.actions import peers
from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable
from xapiman.actions.placement import host_live
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.actions.steps import StepError, StepRunner, StepTask, announce
from xapiman.i18n import translate
from xapiman.xapi.errors import NotConnected, TaskLost, TransportError

HANDOVER_TIMEOUT = 120.0  # seconds for the pool to answer from its new coordinator


def _gone() -> Availability:
    return Availability(False, translate("Actions", "The object no longer exists."))


def _pool(target: Target) -> dict:
    return next(iter(target.conn.cache.records("pool").values()), {})


def _user_vms_on(target: Target) -> list[str]:
    names = []
    for rec in target.conn.cache.records("VM").values():
        if (rec.get("resident_on") == target.ref and not rec.get("is_control_domain")
                and rec.get("power_state") in ("Running", "Paused", "Suspended")):
            names.append(rec.get("name_label", ""))
    return sorted(names)


def _supporter_state(target: Target) -> Availability:
    """Whether the server can leave or lead the pool at all (HA off, it answers)."""
    record = target.record()
    if record is None:
        return _gone()
    if _pool(target).get("ha_enabled"):
        return Availability(False, translate("Pool", "High availability is on; turn it off "
                                                     "first."))
    if not host_live(target.ref, target.conn.cache):
        return Availability(False, translate("Pool", "The server is not reachable."))
    return YES


def address_of(text: str) -> str:
    """ "https://10.0.0.1:443/" -> "10.0.0.1:443": pool.join wants the coordinator's address."""
    rest = text.strip().split("://", 1)[-1]
    return rest.split("/", 1)[0]


class EjectHost(Action):
    id = "host.eject"
    label = "Remove Server from Pool"
    classes = frozenset({"host"})
    multi = False
    destructive = True

    def check(self, target: Target) -> Availability:
        state = _supporter_state(target)
        if not state:
            return state
        if _pool(target).get("master") == target.ref:
            return Availability(False, translate(
                "Pool", "The coordinator cannot leave the pool; make another server the "
                        "coordinator first."))
        running = _user_vms_on(target)
        if running:
            return Availability(False, translate(
                "Pool", "VMs still run on it: {names}. Move or shut them down first.").format(
                    names=", ".join(running)))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        local = []
        for pbd in (target.record() or {}).get("PBDs", ()):
            sr = cache.record("SR", (cache.record("PBD", pbd) or {}).get("SR", ""))
            if sr and not sr.get("shared") and sr.get("content_type") != "iso":
                local.append(sr.get("name_label", ""))
        destroys = (translate("Pool", "the server's place in pool '{pool}'").format(
            pool=_pool(target).get("name_label", "")),
                    *(translate("Pool", "the local storage '{sr}' and every disk on it").format(
                        sr=name) for name in local))
        if not await ctx.prompter.confirm(
                self.label,
                translate("Pool", "Remove '{host}' from the pool? It restarts as a standalone "
                                  "server with a fresh configuration.").format(host=target.name()),
                destroys=destroys, ok_label=translate("Pool", "Remove"), danger=True):
            return []
        return [await ctx.start(translate("Pool", "Remove '{host}' from the pool").format(
            host=target.name()), target, "pool.eject", target.ref)]


class DesignateCoordinator(Action):
    id = "host.designate"
    label = "Make Coordinator"
    classes = frozenset({"host"})
    multi = False

    def check(self, target: Target) -> Availability:
        state = _supporter_state(target)
        if not state:
            return state
        if _pool(target).get("master") == target.ref:
            return Availability(False, translate("Pool", "The server is the coordinator "
                                                         "already."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        if not await ctx.prompter.confirm(
                self.label,
                translate("Pool", "Make '{host}' the pool's coordinator? The pool is "
                                  "unreachable for a short while and every client logs in "
                                  "again.").format(host=target.name()),
                ok_label=self.label):
            return []
        title = translate("Pool", "Make '{host}' the coordinator").format(host=target.name())
        task = StepTask(target.conn, "pool.designate_new_master", Handover(target))
        started = announce(ctx, title, target, task)
        task.start()
        return [started]


class Handover:
    """The steps of a new coordinator: the call, during which the servers restart their
    toolstack and every session ends (the call's task may vanish with them), then the pool
    answering again with the new coordinator."""

    def __init__(self, target: Target, timeout: float = HANDOVER_TIMEOUT) -> None:
        self.target = target
        self.timeout = timeout

    def __call__(self, run: StepRunner) -> None:
        name = self.target.name()
        run.step(translate("Pool", "Handing the pool over to '{host}'").format(host=name), 0.1)
        try:
            run.run("pool.designate_new_master", self.target.ref, span=(0.1, 0.8))
        except (TaskLost, TransportError, NotConnected):
            pass  # the restart took the task (or the connection) with it: the pool tells
        run.step(translate("Pool", "Waiting for the pool to answer from '{host}'").format(
            host=name), 0.8)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if _pool(self.target).get("master") == self.target.ref:
                run.outcome(translate("Pool", "'{host}' is the coordinator").format(host=name))
                return
            run.check()
            time.sleep(0.1)
        raise StepError(translate("Pool", "The pool did not answer with '{host}' as its "
                                          "coordinator within {s} s. Check the servers.")
                        .format(host=name, s=int(self.timeout)))


class JoinPool(Action):
    id = "pool.join"
    label = "Add Server to a Pool"
    classes = frozenset({"pool", "host"})
    multi = False

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return _gone()
        hosts = target.conn.cache.count("host")
        if hosts > 1:
            return Availability(False, translate(
                "Pool", "Only a standalone server can join a pool; this pool has {n} "
                        "servers.").format(n=hosts))
        if _pool(target).get("ha_enabled"):
            return Availability(False, translate("Pool", "High availability is on; turn it "
                                                         "off first."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        pools = open_coordinators(target)
        address_field = Field("coordinator", translate("Pool", "Coordinator address"),
                              required=not pools)
        if pools:
            address_field = Field(
                "coordinator", translate("Pool", "Or the coordinator's address"),
                help=translate("Pool", "Another pool: its coordinator's address. Leave it "
                                       "empty to join the pool chosen above."))
        fields = (
            *((Field("pool", translate("Pool", "Pool"), "choice", default=pools[0].value,
                     choices=(*pools, Choice(translate("Pool", "Another pool, at the address "
                                                       "below"), ""))),) if pools else ()),
            address_field,
            Field("user", translate("Pool", "User"), default="root", required=True),
            Field("password", translate("Pool", "Password"), "password", required=True))
        answers = await ctx.ask(Form(
            self.label,
            translate("Pool", "The server joins the pool whose coordinator you choose or give. "
                              "It must run no VMs and have no shared storage; its halted VMs "
                              "are not kept, its local storage is."),
            fields, ok_label=translate("Pool", "Join")))
        if answers is None:
            return []
        address = address_of(str(answers.get("coordinator") or answers.get("pool") or ""))
        if not address:
            raise ActionError(translate("Pool", "Give the address of the pool's coordinator."))
        host = target.ref if target.cls == "host" else next(
            iter(target.conn.cache.records("host")), "")
        server = str((target.conn.cache.record("host", host) or {}).get("name_label", ""))
        dest = peers.pool_at(address)
        task = StepTask(target.conn, "pool.join", Joining(
            target, host, address, str(answers["user"]), str(answers["password"]), dest),
            reveal=True)
        if dest is not None:
            task.reveal_in = dest[0]
        started = announce(ctx, translate("Pool", "Add '{host}' to the pool at {address}")
                           .format(host=server, address=address), target, task)
        task.start()
        return [started]


def open_coordinators(target: Target) -> list[Choice]:
    """The pools open beside the server's own, as choices of their coordinator's address."""
    out = []
    for conn in peers.others(target.conn).values():
        cache = conn.cache
        pool: dict = next(iter(cache.records("pool").values()), {})
        master = cache.record("host", pool.get("master", "")) or {}
        address = str(master.get("address", ""))
        if address:
            out.append(Choice(translate("Pool", "{pool} (coordinator {host}, {address})").format(
                pool=peers.pool_title(conn), host=master.get("name_label", ""),
                address=address), address))
    return sorted(out, key=lambda choice: choice.label.casefold())


class Joining:
    """The steps of a server joining a pool: `pool.join` asked of the server (which then
    stops and comes back as a member of the pool). When that pool is open in the app, the
    server's own connection is closed for good (its saved server forgotten) and the pool
    lists it: the result is its ref there."""

    def __init__(self, target: Target, host: str, address: str, user: str, password: str,
                 dest: tuple[str, Any] | None, timeout: float = HANDOVER_TIMEOUT) -> None:
        self.target = target
        self.host = host
        self.address = address
        self.login = (user, password)
        self.dest = dest
        self.own_name = peers.name_of(target.conn)
        self.timeout = timeout

    def __call__(self, run: StepRunner) -> str | None:
        record = self.target.conn.cache.record("host", self.host) or {}
        name, uuid = str(record.get("name_label", "")), str(record.get("uuid", ""))
        run.step(translate("Pool", "Adding '{host}' to the pool at {address}").format(
            host=name, address=self.address), 0.05)
        try:
            run.run("pool.join", self.address, *self.login, span=(0.05, 0.7))
            joined = True
        except (TaskLost, TransportError, NotConnected):
            if self.dest is None:
                raise
            joined = False  # the server stopped to join and took the task along: the pool tells
        if self.dest is None:
            run.outcome(translate("Pool", "'{host}' joined the pool at {address}").format(
                host=name, address=self.address))
            return None
        dest_name, dest = self.dest
        if joined:
            peers.retire(self.own_name)
        pool = peers.pool_title(dest)
        run.step(translate("Pool", "Waiting for the pool '{pool}' to list '{host}'").format(
            pool=pool, host=name), 0.8)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            ref = dest.cache.ref_of_uuid("host", uuid) if uuid else None
            if ref:
                if not joined:
                    peers.retire(self.own_name)
                run.outcome(translate(
                    "Pool", "'{host}' is a server of the pool '{pool}'; its own connection "
                            "was closed and removed from the saved servers").format(
                                host=name, pool=pool))
                return str(ref)
            run.check()
            time.sleep(0.1)
        raise StepError(translate("Pool", "The pool '{pool}' did not list '{host}' within "
                                          "{s} s. Check the servers.").format(
                                              pool=pool, host=name, s=int(self.timeout)))


EJECT_HOST = register(EjectHost())
DESIGNATE_COORDINATOR = register(DesignateCoordinator())
JOIN_POOL = register(JoinPool())
