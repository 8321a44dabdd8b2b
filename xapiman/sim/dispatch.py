"""Serve one XAPI call in xapi's order: name, arity, types, session, lifecycle, Async, handler."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from xapiman.sim.call import Call
from xapiman.sim.errors import Failure, internal_error
from xapiman.sim.handlers import HANDLERS
from xapiman.sim.handlers.implicit import run_implicit
from xapiman.sim.model.spec import MODEL, MessageSpec, lookup
from xapiman.sim.wire.coerce import coerce

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim")


def list_methods() -> list[str]:
    return sorted(m.wire_name for spec in MODEL.values() for m in spec.messages.values())


def accessor_rule(msg: MessageSpec) -> MessageSpec | None:
    """A custom message that only edits a field (VM.set_other_config ...) served by its rule."""
    fields = MODEL[msg.cls].fields
    for prefix in ("set_", "add_to_", "remove_from_", "add_", "remove_"):
        field = msg.name[len(prefix):]
        if msg.name.startswith(prefix) and field in fields:
            kind = prefix[:-1]
            shape = {"set": 2, "add_to": 3, "remove_from": 2, "add": 2, "remove": 2}[kind]
            if len(msg.params) == shape:
                return replace(msg, kind=kind, field=field)
    return None


class Dispatcher:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def dispatch(self, method: str, params: list[object], host: str) -> object:
        """The result of `method(params)` received by `host`, or a Failure."""
        is_async = method.startswith("Async.")
        name = method[len("Async."):] if is_async else method
        if name == "system.listMethods":
            return list_methods()
        if name.startswith("system.isAlive"):
            return params[0] if params else ""
        msg = lookup(name)
        if msg is None:
            if params and isinstance(params[0], str):
                self.sim.sessions.check(params[0])
            raise Failure("MESSAGE_METHOD_UNKNOWN", name)
        args = self._arguments(msg, params)
        session = ""
        if msg.session:
            session = params[0] if isinstance(params[0], str) else ""
            self.sim.sessions.check(session)
            self.sim.assert_coordinator(host)
            self.sim.sessions.assert_permitted(session, msg, args)
        if msg.lifecycle == "Removed_s":
            raise Failure("MESSAGE_REMOVED")
        if is_async and not msg.asynchronous:
            raise Failure("Fault", f"No async mode for this operation (rpc: {msg.wire_name})")
        fn = HANDLERS.get((msg.cls, msg.name))
        if fn is None and msg.kind == "custom":
            accessor = accessor_rule(msg)
            if accessor is None:
                raise Failure("NOT_IMPLEMENTED", msg.wire_name)
            msg = accessor
        if is_async:
            return self._start_async(msg, fn, session, host, args)
        call = Call(self.sim, session, host, msg.wire_name)
        try:
            return self._run(msg, fn, call, args)
        finally:
            if call.own_task and call.task is not None:
                self._drop_task(call.task)

    def _arguments(self, msg: MessageSpec, params: list[object]) -> list[object]:
        offset = 1 if msg.session else 0
        received = len(params) - offset  # -1 when even the session is missing, as xapi
        expected = msg.required_count
        if received < expected or (received > expected and not msg.has_optional):
            raise Failure("MESSAGE_PARAMETER_COUNT_MISMATCH", msg.wire_name, expected, received)
        if msg.session and not isinstance(params[0], str):
            raise internal_error(f'Rpc.Runtime_error("ref", {params[0]!r})')
        given = params[offset : offset + len(msg.params)]
        return [coerce(value, p.type) for value, p in zip(given, msg.params, strict=False)]

    def _run(self, msg: MessageSpec, fn, call: Call, args: list[object]) -> object:
        with call.transaction():
            if fn is not None:
                return fn(call, *args)
            return run_implicit(call, msg, args)

    def _start_async(self, msg, fn, session: str, host: str, args: list[object]) -> str:
        tasks = self.sim.tasks
        task = tasks.create(f"Async.{msg.wire_name}", host=self.sim.coordinator, session=session)
        call = Call(self.sim, session, host, msg.wire_name, task=task)

        def work() -> None:
            try:
                result = self._run(msg, fn, call, args)
            except Failure as failure:
                tasks.fail(task, failure)
            except Exception as exc:  # a simulator bug: report it as xapi reports its own
                log.exception("async %s failed", msg.wire_name)
                tasks.fail(task, internal_error(repr(exc)))
            else:
                tasks.succeed(task, result)

        threading.Thread(target=work, name=f"task {msg.wire_name}", daemon=True).start()
        return task

    def _drop_task(self, task: str) -> None:
        with self.sim.db.lock:
            if self.sim.db.find(task, "task") is not None:
                self.sim.db.destroy(task)
