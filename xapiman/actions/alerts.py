"""Dismissing alerts: `message.destroy` for each chosen alert, after asking."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import runnable_or_raise
from xapiman.i18n import translate
from xapiman.xapi.errors import HandleInvalid


class DismissAlerts(Action):
    """Removes alerts from their pool, for every user of it (xapi keeps one list per pool).

    An alert that is already gone (another client dismissed it) counts as dismissed.
    """

    id = "alert.dismiss"
    label = translate("Actions", "Dismiss")
    classes = frozenset({"message"})
    destructive = True

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        count = len(chosen)
        question = (translate("Actions", "Dismiss this alert?") if count == 1 else
                    translate("Actions", "Dismiss these {count} alerts?").format(count=count))
        if not await ctx.prompter.confirm(
                self.label, question,
                destroys=(translate("Actions", "the alerts, for every user of the pool"),),
                ok_label=self.label, danger=True):
            return []
        for target in chosen:
            try:
                await ctx.call(target, "message.destroy", target.ref)
            except HandleInvalid:
                pass  # dismissed meanwhile elsewhere: what the user wanted
        return []


DISMISS_ALERTS = register(DismissAlerts())
