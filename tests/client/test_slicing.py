"""Big event.from answers parsed in slices give exactly what one parse gives."""

from __future__ import annotations

import orjson

from xapiman.xapi import slicing


def answer(events, tail=None) -> bytes:
    result = {"events": events, "valid_ref_counts": {"vm": len(events)}, "token": "1,2"}
    return orjson.dumps({"jsonrpc": "2.0", "result": result, "id": 7})


def full(body: bytes) -> object:
    return orjson.loads(body)["result"]


def events(n: int) -> list[dict]:
    return [{"id": str(i), "timestamp": "0.0", "class": "vm", "operation": "mod",
             "ref": f"OpaqueRef:{i}", "snapshot": {"uuid": str(i), "name_label": "x" * 500,
                                                    "other_config": {"k": str(i)}}}
            for i in range(n)]


def test_slices_equal_one_parse(monkeypatch):
    monkeypatch.setattr(slicing, "SLICE_BYTES", 10_000)
    body = answer(events(2000))
    assert slicing.parse_event_answer(body, full, pause=0) == full(body)


def test_a_nested_map_starting_with_id_falls_back_to_one_parse(monkeypatch):
    monkeypatch.setattr(slicing, "SLICE_BYTES", 10_000)
    tricky = events(300)
    tricky[10]["snapshot"]["other_config"] = {"id": "3", "more": "x"}
    tricky[11]["snapshot"]["name_description"] = 'a string with {"id": 4} in it'
    body = answer(tricky)
    assert b'{"id":"3"' in body  # a false boundary the slicer must survive
    assert slicing.parse_event_answer(body, full, pause=0) == full(body)


def test_other_layouts_and_empty_batches():
    for body in (answer([]), orjson.dumps({"result": {"token": "1", "events": []}, "id": 7}),
                 b'{"jsonrpc":"2.0","result":{"valid_ref_counts":{},"events":[{"id":"1"}],'
                 b'"token":"3"},"id":7}'):
        assert slicing.parse_event_answer(body, full, pause=0) == full(body)
