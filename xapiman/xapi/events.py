"""The event watcher: one thread per connection looping on event.from into the cache."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence

from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.deadline import Deadline, within
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    AnswerTooLarge,
    EventsLost,
    HostIsSlave,
    MalformedResponse,
    NotConnected,
    RedirectLoop,
    SessionAuthenticationFailed,
    SessionInvalid,
    TransportError,
    XapiClientError,
    XapiError,
)
from xapiman.xapi.gcpause import gc_paused
from xapiman.xapi.session import PoolSession
from xapiman.xapi.transport import Transport

log = logging.getLogger("xapiman.xapi.events")

BIG_ANSWER = 1 << 20  # bytes: parse and apply answers above this with the collector paused
SLICED_ANSWER = 1 << 18  # bytes: parse answers above this in slices (slicing.py)


class EventWatcher(threading.Thread):
    """Reads the pool with `event.from(classes, token, timeout)` on its own HTTP connection.

    The first call (token "") loads the whole pool into the cache; later calls apply what
    changed. A full re-read (token "") happens after EVENTS_LOST, after a change of
    coordinator, and when `valid_ref_counts` disagree with the cache; the cache then
    publishes one notification with the difference. Parsing and applying happen on this
    thread, never on the caller's.

    Attributes:
        session: who to ask; cache: where batches go.
        classes: the event.from subscription (["*"] by default).
        on_synced: called after each batch that leaves the cache current (after a
            (re)connection: the first one).
        recover: called with the error when the stream is lost; True when a coordinator
            answers again (the loop goes on), False to stop (given up or closing).
        on_fatal: called with an error the loop cannot get past (it stops).
        load_deadline: the first read of the pool must end by then (the connection's
            overall deadline); passing it is fatal.
    """

    def __init__(self, session: PoolSession, cache: ObjectCache, *,
                 classes: Sequence[str], on_synced: Callable[[], None],
                 recover: Callable[[XapiClientError], bool],
                 on_fatal: Callable[[XapiClientError], None],
                 slice_answers: bool = False, load_deadline: Deadline | None = None) -> None:
        super().__init__(name=f"xapi-events {session.url.address}", daemon=True)
        self.slice_answers = slice_answers
        self.session = session
        self.cache = cache
        self._epoch = cache.epoch  # batches read for a cache cleared since are dropped
        self.classes = list(classes)
        self.on_synced = on_synced
        self.recover = recover
        self.on_fatal = on_fatal
        self._stopping = threading.Event()
        self._transport: Transport | None = None
        self._source: Endpoint | None = None  # the coordinator the token comes from
        self._token = ""
        self._catching_up = True  # the next call must not wait (report "synced" at once)
        self._count_exceptions: set[str] = set()
        self._load_deadline = load_deadline  # the first read of the pool ends by then

    # -- control (any thread) ---------------------------------------------------------------

    def stop(self) -> None:
        """Stop the loop; unblocks a pending event.from at once."""
        self._stopping.set()
        self.poke()

    def poke(self) -> None:
        """Cut the current event.from: the loop checks the coordinator and carries on."""
        transport = self._transport
        if transport is not None:
            transport.abort()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    with within(self._load_deadline):
                        self._step()
                except AnswerTooLarge as exc:  # reading the pool again would be as large
                    self._drop_transport()
                    self.on_fatal(exc)
                    break
                except (TransportError, RedirectLoop) as exc:
                    self._drop_transport()
                    if self._stopping.is_set():
                        break
                    deadline = self._load_deadline
                    if deadline is not None and deadline.expired:
                        self.on_fatal(deadline.error(self.session.coordinator.address))
                        break
                    log.info("event stream lost: %s", exc)
                    self._catching_up = True
                    if not self.recover(exc):
                        break
                except SessionAuthenticationFailed as exc:
                    self.on_fatal(exc)
                    break
                except NotConnected:  # logged out under way: the connection is closing
                    break
                except XapiError as exc:
                    if self._token:
                        log.warning("event.from failed (%s); reading everything again", exc)
                        self._token = ""
                        continue
                    self.on_fatal(exc)
                    break
                except Exception as exc:  # a bug: say so instead of dying silently
                    log.exception("the event thread failed")
                    self.on_fatal(XapiClientError(f"the event thread failed: {exc!r}"))
                    break
        finally:
            self._drop_transport()

    def _step(self) -> None:
        transport = self._current_transport()
        session_ref = self.session.ref
        if session_ref is None:  # logged out: closing
            self._stopping.set()
            return
        timeout = 0.0 if self._catching_up or not self._token else \
            self.session.timeouts.event_poll
        try:
            exchange = transport.exchange("event.from", [session_ref, self.classes,
                                                         self._token, timeout])
            big = exchange.size >= BIG_ANSWER
            decode = getattr(transport, "decode_events", transport.decode) \
                if self.slice_answers and exchange.size >= SLICED_ANSWER else transport.decode
            with gc_paused() if big else contextlib.nullcontext():
                self._token = self._apply(decode(exchange))
        except SessionInvalid:
            self.session.relogin(session_ref)
            return
        except HostIsSlave as exc:
            self.session.relogin(session_ref, exc.coordinator_address)
            return
        except EventsLost:
            log.warning("EVENTS_LOST: reading everything again")
            self._token = ""
            return
        if self._token:
            self._catching_up = False
            self._load_deadline = None
            self.on_synced()

    def _current_transport(self) -> Transport:
        coordinator = self.session.coordinator
        transport = self._transport
        if transport is not None and transport.endpoint.same_host(coordinator) \
                and not transport.channel.aborted:
            return transport
        self._drop_transport()
        if self._token and self._source is not None and not self._source.same_host(coordinator):
            # tokens are one coordinator's database generations: start from nothing
            log.info("the coordinator changed to %s: reading everything again", coordinator)
            self._token = ""
        transport = self.session.open_transport(coordinator,
                                                read_timeout=self.session.timeouts.event_read)
        self._transport = transport
        self._source = coordinator
        if self._stopping.is_set():
            transport.abort()
        return transport

    def _drop_transport(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    def _apply(self, batch: object) -> str:
        """Apply one batch; returns the next token ("" to read everything again)."""
        if not isinstance(batch, Mapping) or not isinstance(batch.get("events"), list) \
                or not isinstance(batch.get("token"), str):
            raise MalformedResponse("event.from answered something that is not an event batch")
        events = batch["events"]
        counts = batch.get("valid_ref_counts") or {}
        if not self._token:
            change = self.cache.load(events, epoch=self._epoch)
            log.info("read the pool: %d objects (%r)", len(events), change)
            # classes the server counts differently from what it sends events for
            self._count_exceptions = set(self.cache.mismatched_counts(counts))
            return batch["token"]
        self.cache.apply(events, epoch=self._epoch)
        mismatch = self.cache.mismatched_counts(counts, ignore=self._count_exceptions)
        if mismatch:
            log.warning("object counts differ from the server's (class: server, cache) %s: "
                        "reading everything again", mismatch)
            return ""
        return batch["token"]
