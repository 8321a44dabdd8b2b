"""Pieces every action module uses: the one-call VM operation and the errors actions raise."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions import reasons
from xapiman.actions.base import Action, ActionContext, Availability, Started, Target
from xapiman.actions.prompts import Choice
from xapiman.i18n import translate


class ActionError(Exception):
    """The user's input or the selection does not allow the action (shown as it is)."""


class VmCall(Action):
    """A VM operation that is one Async call with fixed extra arguments (start, suspend ...).

    Attributes:
        op: the vm_operations value that allowed_operations must contain.
        method: the XAPI message, e.g. "VM.clean_shutdown".
        args: the arguments after the VM ref.
        confirm: a question asked once before running (None: no question).
        ask_first: a question the user may turn off ("do not ask me again"), as XenCenter
            asks before a clean shut down, reboot or suspend.
    """

    classes = frozenset({"vm"})

    def __init__(self, id: str, label: str, op: str, method: str, *args: object,
                 shortcut: str | None = None, confirm: str | None = None,
                 destructive: bool = False, needs_tools: bool = False, icon: str = "",
                 ask_first: str | None = None, forced: str = "") -> None:
        self.id = id
        self.label = label
        self.op = op
        self.method = method
        self.args = args
        self.shortcut = shortcut
        self.confirm = confirm
        self.ask_first = ask_first
        self.destructive = destructive
        self.needs_tools = needs_tools
        self.forced = forced  # the action that does it without the guest's help
        self.icon = icon

    def check(self, target: Target) -> Availability:
        record = target.record()
        result = reasons.vm_operation(record, self.op, cache=target.conn.cache)
        if self.needs_tools:
            result = reasons.with_tools_hint(result, record, target.conn.cache,
                                             self.forced)
        return result

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        chosen = runnable_or_raise(self, targets)
        question = self.confirm or self.ask_first
        if question:
            text = translate("Actions", question).format(names=names_of(chosen),
                                                         count=len(chosen))
            name = translate("Actions", self.label)
            if not await ctx.prompter.confirm(
                    name, text, ok_label=name, danger=self.destructive,
                    remember="" if self.confirm else self.id):
                return []
        out = []
        for target in chosen:
            title = translate("Actions", "{action} '{name}'").format(
                action=translate("Actions", self.label), name=target.name())
            out.append(await ctx.start(title, target, self.method, target.ref, *self.args))
        return out


def runnable_or_raise(action: Action, targets: Sequence[Target]) -> list[Target]:
    """The targets `action` can run on; ActionError with the reason when there are none
    (the selection may have changed since the menu was enabled)."""
    chosen = action.runnable(targets)
    if not chosen:
        raise ActionError(action.can_run(targets).reason or f"{action.label}: nothing to do.")
    return chosen


def first_runnable(action: Action, targets: Sequence[Target]) -> Target:
    """The first target `action` can run on (ActionError as `runnable_or_raise`)."""
    return runnable_or_raise(action, targets)[0]


def picked(choices: Sequence[Choice], wanted: object, what: str) -> Choice:
    """The choice the user (or a command-line option) named, by value or label; ActionError
    when there is none by that name or it is greyed out."""
    choice = next((c for c in choices if wanted in (c.value, c.label)), None)
    if choice is None:
        raise ActionError(f"There is no {what} named {wanted!r}.")
    if not choice.enabled:
        raise ActionError(f"'{choice.label}' cannot be chosen: {choice.reason}")
    return choice


def names_of(targets: Sequence[Target]) -> str:
    return ", ".join(f"'{t.name()}'" for t in targets)
