"""What an action may ask the user, independent of how it is asked (dialog or terminal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Choice:
    """One option of a choice: greyed out with the reason when it cannot be taken."""

    label: str
    value: Any
    enabled: bool = True
    reason: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Field:
    """One input of a form.

    Attributes:
        key: the name of the answer in the returned dict.
        kind: "text", "password" (text not shown), "bool", "choice" (one of `choices`) or
            "multi" (any of `choices`).
        default: initial value (text, bool, a choice value, or a list of values for "multi").
        required: a text that may not be empty.
    """

    key: str
    label: str
    kind: str = "text"
    default: Any = None
    choices: tuple[Choice, ...] = ()
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class Form:
    title: str
    text: str = ""
    fields: tuple[Field, ...] = ()
    ok_label: str = "OK"
    destroys: tuple[str, ...] = field(default_factory=tuple)
    danger: bool = False


class Prompter(Protocol):
    """Asks the user; the desktop app shows dialogs, the command line reads its options."""

    async def confirm(self, title: str, text: str, *, destroys: tuple[str, ...] = (),
                      ok_label: str = "OK", danger: bool = False, remember: str = "") -> bool:
        """Yes or no. `destroys` names everything that will be lost; `danger` marks it red.

        `remember`: a question the user may turn off ("do not ask me again"), kept under
        this key; a prompter that cannot remember asks (the desktop app) or goes ahead as it
        does for any question that is not dangerous (the command line)."""
        ...

    async def ask(self, form: Form) -> dict[str, Any] | None:
        """Fill a form; None when the user cancels."""
        ...

    async def edit(self, draft: Any, target: Any) -> Any | None:
        """Let the user shape a whole plan (a `NewVmPlan`, `ExportPlan` ...) about `target`
        (an `actions.base.Target`): a wizard or dialog in the app; the command line fills the
        plan from its options instead. The plan as changed; None when the user cancels."""
        ...
