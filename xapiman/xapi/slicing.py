"""Parse a big event.from answer in slices, so other threads (the GUI) keep running.

orjson parses a 50 MB answer in a few hundred milliseconds without ever releasing the
interpreter lock, and the GUI thread, which needs that lock for every repaint, freezes for as
long. The events of the answer are cut at their `{"id":` boundaries and parsed a slice at a
time, with a short pause between slices. Anything unexpected (another layout, a boundary
found inside a string, a count that does not add up) falls back to parsing the whole answer.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

import orjson

log = logging.getLogger("xapiman.xapi.events")

_BOUNDARY = re.compile(rb'\{"id":')
_EVENTS = b'"events":['
SLICE_BYTES = 1 << 20  # about 10 ms of parsing per slice


def parse_event_answer(body: bytes, full: Callable[[bytes], object],
                       pause: float = 0.002) -> object:
    """The JSON-RPC result of an event.from answer, parsed slice by slice when possible.

    `full(body)` parses the whole answer the ordinary way (used as the fallback); it returns
    the result or raises the answer's error.
    """
    sliced = _try_slices(body, pause)
    if sliced is None:
        return full(body)
    head, events = sliced
    result = full(head)
    if not isinstance(result, dict) or result.get("events") != []:
        return full(body)
    result["events"] = events
    return result


def _try_slices(body: bytes, pause: float) -> tuple[bytes, list] | None:
    start = body.find(_EVENTS)
    if start < 0:
        return None
    first = start + len(_EVENTS)
    bounds = [m.start() for m in _BOUNDARY.finditer(body, first)]
    if not bounds or bounds[0] != first:
        return None
    end = _array_end(body, bounds[-1])
    if end is None:
        return None
    events: list = []
    chunk_start = 0
    try:
        while chunk_start < len(bounds):
            chunk_end = chunk_start + 1
            limit = bounds[chunk_start] + SLICE_BYTES
            while chunk_end < len(bounds) and bounds[chunk_end] < limit:
                chunk_end += 1
            stop = bounds[chunk_end] - 1 if chunk_end < len(bounds) else end  # drop the comma
            piece = orjson.loads(b"[" + body[bounds[chunk_start]:stop] + b"]")
            if len(piece) != chunk_end - chunk_start:
                return None
            events.extend(piece)
            chunk_start = chunk_end
            if pause:
                time.sleep(pause)  # let the other threads have the interpreter
    except orjson.JSONDecodeError:
        log.debug("could not cut the event answer into slices; parsing it whole")
        return None
    head = body[:first] + body[end:]
    return head, events


def _array_end(body: bytes, last: int) -> int | None:
    """The index of the `]` that closes the events array, after the last event's start."""
    for marker in (b'],"valid_ref_counts"', b'],"token"', b"]}"):
        at = body.find(marker, last)
        if at >= 0:
            return at
    return None
