"""event.*: event.from, the legacy register / next, inject, get_current_id."""

from __future__ import annotations

from xapiman.sim import events
from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler


@handler("event", "from")
def event_from(call: Call, classes: list[str], token: str, timeout: float) -> events.EventBatch:
    sim = call.sim
    sim.faults.before_event_from(call)
    return events.event_from(
        sim.db,
        classes,
        token,
        timeout,
        delay=sim.config.event_delay,
        alive=sim.sessions.alive_check(call.session),
        cache=sim.snapshot_cache,
    )


@handler("event", "register")
def register(call: Call, classes: list[str]) -> None:
    sessions = call.sim.sessions
    reg = sessions.registrations.get(call.session)
    if reg is None:
        reg = sessions.registrations[call.session] = events.Registration(since=call.db.generation)
    reg.names.update(classes)


@handler("event", "unregister")
def unregister(call: Call, classes: list[str]) -> None:
    reg = call.sim.sessions.registrations.get(call.session)
    if reg is not None:
        reg.names.difference_update(classes)


@handler("event", "next")
def event_next(call: Call) -> list[dict]:
    sim = call.sim
    reg = sim.sessions.registrations.get(call.session)
    if reg is None or not reg.names:
        raise Failure("SESSION_NOT_REGISTERED", call.session)
    return events.event_next(
        sim.db, reg, lost_limit=sim.config.events_lost_limit,
        alive=sim.sessions.alive_check(call.session),
    )


@handler("event", "get_current_id")
def get_current_id(call: Call) -> int:
    return call.db.generation


@handler("event", "inject")
def inject(call: Call, cls: str, ref: str) -> str:
    db = call.db
    with db.lock:
        if db.cls_of(ref) is None:
            raise Failure("HANDLE_INVALID", cls, ref)
        db.touch(ref)
        return events.make_token(db)
