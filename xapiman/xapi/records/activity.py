"""Typed views of what happens in the pool: tasks and messages (alerts)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from xapiman.xapi.errors import MalformedResponse, XapiError, error_from_description
from xapiman.xapi.records.base import Record, as_text, register
from xapiman.xapi.wire_xml import parse_value

if TYPE_CHECKING:
    from xapiman.xapi.records.host import Host

PENDING = "pending"
FINISHED_STATES = frozenset({"success", "failure", "cancelled"})


@register
class Task(Record):
    """task: an asynchronous operation's progress and outcome."""

    __slots__ = ()
    xapi_class = "task"

    @property
    def status(self) -> str:
        """"pending", "success", "failure", "cancelling" or "cancelled"."""
        return self._str("status")

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATES

    @property
    def progress(self) -> float:
        """0.0 to 1.0."""
        return self._float("progress")

    @property
    def result_text(self) -> str:
        """The result as xapi stores it: an XML-RPC `<value>` string."""
        return self._str("result")

    @property
    def result(self) -> object:
        """The parsed result: a ref, a list of refs, "" for none (or the raw text when it is
        not a `<value>`)."""
        text = self.result_text
        try:
            return parse_value(text)
        except MalformedResponse:
            return text

    @property
    def error_info(self) -> list[str]:
        info = self.raw.get("error_info")
        return [as_text(e) for e in info] if isinstance(info, list | tuple) else []

    @property
    def error(self) -> XapiError | None:
        """The failure as an exception (status failure or cancelled), else None."""
        if self.status not in ("failure", "cancelled"):
            return None
        info = self.error_info
        return error_from_description(info or ["TASK_CANCELLED", self.ref])

    @property
    def created(self) -> datetime.datetime | None:
        return self._time("created")

    @property
    def finished_at(self) -> datetime.datetime | None:
        return self._time("finished")

    @property
    def resident_on(self) -> Host | None:
        return self._one("host", "resident_on")

    @property
    def subtask_of(self) -> Task | None:
        return self._one("task", "subtask_of")

    @property
    def subtasks(self) -> list[Task]:
        return self._referrers("task", "subtask_of")


@register
class Message(Record):
    """message: an alert about an object (identified by class and uuid)."""

    __slots__ = ()
    xapi_class = "message"

    @property
    def name(self) -> str:
        """The alert's code, e.g. "HA_POOL_OVERCOMMITTED"."""
        return self._str("name")

    @property
    def priority(self) -> int:
        """1 (most urgent) to 5."""
        return self._int("priority")

    @property
    def obj_class(self) -> str:
        """The class of the object it is about ("VM", "Host", "SR", "Pool" ...)."""
        return self._str("cls")

    @property
    def obj_uuid(self) -> str:
        return self._str("obj_uuid")

    @property
    def timestamp(self) -> datetime.datetime | None:
        return self._time("timestamp")

    @property
    def body(self) -> str:
        return self._str("body")

    @property
    def subject(self) -> Record | None:
        """The object the message is about, when it is in the cache."""
        ref = self.cache.ref_of_uuid(self.obj_class, self.obj_uuid)
        return self.cache.view(ref) if ref is not None else None
