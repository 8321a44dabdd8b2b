"""Tasks: the record xapi keeps for every asynchronous call, its progress, result and cancel."""

from __future__ import annotations

from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.model.values import NEVER, DateTime, now
from xapiman.sim.wire import xmlrpc


class Tasks:
    """Creates, advances and ends task objects in the database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.cancel_requested: set[str] = set()

    def create(
        self, label: str, description: str = "", *, host: str, session: str | None = None,
        cancellable: bool = True,
    ) -> str:
        return self.db.create(
            "task",
            {
                "name_label": label,
                "name_description": description,
                "allowed_operations": ["cancel"] if cancellable else [],
                "created": now(),
                "finished": DateTime(NEVER),
                "status": "pending",
                "resident_on": host,
                "progress": 0.0,
                "type": "<none/>",
                "other_config": {},
            },
        )

    def progress(self, task: str, fraction: float) -> None:
        with self.db.lock:
            rec = self.db.find(task, "task")
            if rec is not None and rec["status"] == "pending":
                self.db.update(task, progress=round(min(max(fraction, 0.0), 1.0), 4))

    def check_cancel(self, task: str) -> None:
        if task in self.cancel_requested:
            raise Failure("TASK_CANCELLED", task)

    def request_cancel(self, task: str) -> None:
        with self.db.lock:
            rec = self.db.get(task, "task")
            if rec["status"] != "pending":
                raise Failure("OPERATION_NOT_ALLOWED", "task is not pending")
            if "cancel" not in rec["allowed_operations"]:
                raise Failure("OPERATION_NOT_ALLOWED", "task cannot be cancelled")
            self.cancel_requested.add(task)
            ops = dict(rec["current_operations"])
            ops[task] = "cancel"
            self.db.update(task, current_operations=ops)

    def succeed(self, task: str, result: object) -> None:
        rtype = "<none/>"
        if isinstance(result, str) and result.startswith("OpaqueRef:"):
            rtype = self.db.cls_of(result) or "<none/>"
        self._end(task, status="success", result=xmlrpc.encode(result), type=rtype)

    def fail(self, task: str, failure: Failure) -> None:
        if failure.code == "TASK_CANCELLED":
            self._end(task, status="cancelled", error_info=failure.description)
        else:
            self._end(task, status="failure", error_info=failure.description)

    def _end(self, task: str, **fields: object) -> None:
        self.cancel_requested.discard(task)
        with self.db.lock:
            if self.db.find(task, "task") is None:
                return  # destroyed by the client while it ran
            self.db.update(
                task,
                progress=1.0,
                finished=now(),
                allowed_operations=[],
                current_operations={},
                **fields,
            )
