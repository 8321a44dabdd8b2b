"""event.from and the legacy event.register / event.next: what changed since a token."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from xapiman.sim.db import NO_EVENTS, Database
from xapiman.sim.errors import Failure
from xapiman.sim.model.values import Int32
from xapiman.sim.wire import xmlrpc

# (generation, lower-case class, operation, ref, record or None for "del")
Event = tuple[int, str, str, str, dict | None]


def parse_token(token: str) -> int | None:
    """The database generation of an event.from token; None for "" (everything)."""
    if token == "":
        return None
    first, comma, second = token.partition(",")
    try:
        gen = int(first)
        if comma:
            int(second)
    except ValueError:
        raise Failure("EVENT_FROM_TOKEN_PARSE_FAILURE", token) from None
    return gen


def make_token(db: Database) -> str:
    return f"{db.generation:020d},{db.message_generation:020d}"


@dataclass(frozen=True)
class Subscription:
    """What a client asked to hear about: classes (lower case) and single objects."""

    everything: bool = False
    classes: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, names: list[str]) -> Subscription:
        everything = False
        classes: set[str] = set()
        objects: set[str] = set()
        for name in names:
            if name == "*":
                everything = True
            elif "/" in name:
                klass, _, ref = name.partition("/")
                objects.add(ref)
            else:
                classes.add(name.lower())
        return cls(everything, frozenset(classes), frozenset(objects))

    def wants(self, cls_lower: str, ref: str) -> bool:
        return self.everything or cls_lower in self.classes or ref in self.objects


def collect(db: Database, sub: Subscription, since: int | None) -> list[Event]:
    """Coalesced events after generation `since` (every object as "add" when None).

    Call with the database lock held; records are immutable, so the list stays valid after.
    """
    out: list[Event] = []
    if since is None:
        for name, table in db.tables.items():
            if name in NO_EVENTS:
                continue
            lower = name.lower()
            for ref, rec in table.items():
                if sub.wants(lower, ref):
                    out.append((db.stamps[ref].mtime, lower, "add", ref, rec))
        return out
    stamps = db.stamps
    for ref, gen in reversed(db.recent.items()):
        if gen <= since:
            break
        stamp = stamps[ref]
        if stamp.cls in NO_EVENTS:
            continue
        lower = stamp.cls.lower()
        if sub.wants(lower, ref):
            op = "add" if stamp.ctime > since else "mod"
            out.append((gen, lower, op, ref, db.tables[stamp.cls][ref]))
    for ref, (cls, ctime, gen, _record) in reversed(db.tombstones.items()):
        if gen <= since:
            break
        lower = cls.lower()
        if ctime <= since and sub.wants(lower, ref):
            out.append((gen, lower, "del", ref, None))
    out.reverse()
    return out


class EventBatch:
    """The answer of event.from: {events, valid_ref_counts, token}, encoded lazily and fast."""

    def __init__(self, events: list[Event], counts: dict[str, int], token: str, cache: dict):
        self.events = events
        self.counts = counts
        self.token = token
        self._cache = cache  # ref -> (record, encoded snapshot) shared by all calls

    def snapshot_xml(self, ref: str, record: dict) -> str:
        hit = self._cache.get(ref)
        if hit is not None and hit[0] is record:
            return hit[1]
        xml = xmlrpc.encode(record)
        self._cache[ref] = (record, xml)
        return xml

    def __xmlrpc__(self) -> str:
        parts = ["<value><struct><member><name>events</name><value><array><data>"]
        append = parts.append
        for gen, cls, op, ref, record in self.events:
            append(
                f"<value><struct><member><name>id</name><value>{gen}</value></member>"
                f"<member><name>timestamp</name><value>0.0</value></member>"
                f"<member><name>class</name><value>{cls}</value></member>"
                f"<member><name>operation</name><value>{op}</value></member>"
                f"<member><name>ref</name><value>{xmlrpc.escape(ref)}</value></member>"
            )
            if record is not None:
                append("<member><name>snapshot</name>")
                append(self.snapshot_xml(ref, record))
                append("</member>")
            append("</struct></value>")
        append("</data></array></value></member><member><name>valid_ref_counts</name>")
        append(xmlrpc.encode({k: Int32(v) for k, v in self.counts.items()}))
        append(f"</member><member><name>token</name><value>{self.token}</value></member>")
        append("</struct></value>")
        return "".join(parts)

    def __json__(self) -> dict:
        events = []
        for gen, cls, op, ref, record in self.events:
            event = {"id": str(gen), "timestamp": "0.0", "class": cls, "operation": op, "ref": ref}
            if record is not None:
                event["snapshot"] = record
            events.append(event)
        return {"events": events, "valid_ref_counts": self.counts, "token": self.token}


def event_from(
    db: Database,
    names: list[str],
    token: str,
    timeout: float,
    *,
    delay: float,
    alive,
    cache: dict,
) -> EventBatch:
    """Block until something the subscription wants changed after `token`, or `timeout`."""
    since = parse_token(token)
    sub = Subscription.parse(names)
    deadline = time.monotonic() + max(0.0, timeout)
    while True:
        with db.lock:
            alive()
            if since is None:
                return EventBatch(collect(db, sub, None), db.counts(), make_token(db), cache)
            if db.generation <= since:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return EventBatch([], db.counts(), make_token(db), cache)
                db.changed.wait(min(remaining, 1.0))
                continue
        if delay > 0:
            time.sleep(delay)  # xapi gathers changes for about 50 ms before answering
        with db.lock:
            events = collect(db, sub, since)
            if events:
                return EventBatch(events, db.counts(), make_token(db), cache)
            since = db.generation  # only unsubscribed classes changed


@dataclass
class Registration:
    """A session's legacy event.register subscription and its read position."""

    names: set[str] = field(default_factory=set)
    since: int = 0
    next_id: int = 0


def event_next(
    db: Database, reg: Registration, *, lost_limit: int, alive, poll: float = 1.0
) -> list[dict]:
    """The legacy event.next: block until events, EVENTS_LOST when the client fell behind."""
    while True:
        with db.lock:
            alive()
            if db.generation > reg.since:
                events = collect(db, Subscription.parse(sorted(reg.names)), reg.since)
                reg.since = db.generation
                if len(events) > lost_limit:
                    raise Failure("EVENTS_LOST")
                if events:
                    out = []
                    for _gen, cls, op, ref, record in events:
                        reg.next_id += 1
                        event = {
                            "id": reg.next_id,
                            "timestamp": f"{time.time():.0f}.",
                            "class": cls,
                            "operation": op,
                            "ref": ref,
                        }
                        if record is not None:
                            event["snapshot"] = record
                        out.append(event)
                    return out
            db.changed.wait(poll)
