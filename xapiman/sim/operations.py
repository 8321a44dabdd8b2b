"""allowed_operations / current_operations of any object: check an operation, list it while it
runs under the call's task, recompute what is allowed (xapi's with_*_operation helpers)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from xapiman.sim.db import Database
from xapiman.sim.errors import Failure

if TYPE_CHECKING:
    from xapiman.sim.call import Call

# (db, ref) -> each operation of the object's class -> the error it would meet (None: allowed)
OperationErrors = Callable[[Database, str], dict[str, Failure | None]]


def _record(db: Database, ref: str) -> dict | None:
    cls = db.cls_of(ref)
    return db.find(ref, cls) if cls else None


def refresh_allowed(db: Database, ref: str, errors_of: OperationErrors) -> None:
    """Set allowed_operations of `ref` to the operations without an error (if it changed)."""
    with db.lock:
        record = _record(db, ref)
        if record is None:
            return
        allowed = [op for op, error in errors_of(db, ref).items() if error is None]
        if allowed != record["allowed_operations"]:
            db.update(ref, allowed_operations=allowed)


@contextlib.contextmanager
def running_operation(call: Call, ref: str, op: str, errors_of: OperationErrors) -> Iterator[str]:
    """Raise the error `op` meets on `ref`, else list {task: op} in its current_operations
    while the block runs (allowed_operations follow). Yields the task ref."""
    db = call.db
    task = call.task_ref()
    with db.lock:
        error = errors_of(db, ref)[op]
        if error is not None:
            raise error
        current = db.get(ref)["current_operations"]
        db.update(ref, current_operations={**current, task: op})
        refresh_allowed(db, ref, errors_of)
    try:
        yield task
    finally:
        with db.lock:
            record = _record(db, ref)
            if record is not None:
                current = {t: o for t, o in record["current_operations"].items() if t != task}
                db.update(ref, current_operations=current)
                refresh_allowed(db, ref, errors_of)
