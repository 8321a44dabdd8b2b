"""task.*: client-made tasks (for HTTP transfers), cancel, destroy and the setters."""

from __future__ import annotations

from xapiman.sim.call import Call
from xapiman.sim.handlers.registry import handler


@handler("task", "create")
def create(call: Call, label: str, description: str) -> str:
    return call.sim.tasks.create(label, description, host=call.sim.coordinator,
                                 session=call.session)


@handler("task", "cancel")
def cancel(call: Call, task: str) -> None:
    call.sim.tasks.request_cancel(task)


@handler("task", "destroy")
def destroy(call: Call, task: str) -> None:
    with call.db.lock:
        call.db.get(task, "task")
        call.db.destroy(task)


@handler("task", "set_status")
def set_status(call: Call, task: str, value: str) -> None:
    call.db.get(task, "task")
    call.db.update(task, status=value)


@handler("task", "set_progress")
def set_progress(call: Call, task: str, value: float) -> None:
    call.db.get(task, "task")
    call.db.update(task, progress=value)


@handler("task", "set_result")
def set_result(call: Call, task: str, value: str) -> None:
    call.db.get(task, "task")
    call.db.update(task, result=value)


@handler("task", "set_error_info")
def set_error_info(call: Call, task: str, value: list[str]) -> None:
    call.db.get(task, "task")
    call.db.update(task, error_info=value)
