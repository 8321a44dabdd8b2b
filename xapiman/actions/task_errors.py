"""The error a StepTask ends with when a call of one of its steps failed: what was being done,
the server's sentence, and the XAPI code behind it (for the details)."""

from __future__ import annotations

from xapiman.actions.steps import StepError, reason_of
from xapiman.i18n import translate
from xapiman.xapi.errors import TaskCancelled, XapiError


def step_failure(what: str, exc: BaseException, step: str = "",
                 left: tuple[str, ...] = ()) -> StepError:
    """"<what> failed: <why>" (or "... was cancelled") as a StepError."""
    if isinstance(exc, StepError):
        return exc
    if isinstance(exc, TaskCancelled):
        return StepError(translate("Tasks", "{what} was cancelled.").format(what=what),
                         code="TASK_CANCELLED", step=step, left=left)
    code = exc.code if isinstance(exc, XapiError) else type(exc).__name__
    params = exc.params if isinstance(exc, XapiError) else ()
    return StepError(translate("Tasks", "{what} failed: {why}").format(
        what=what, why=reason_of(exc)), code=code, params=params, step=step, left=left)
