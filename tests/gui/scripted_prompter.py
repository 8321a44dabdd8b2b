"""A Prompter for tests: answers from a queue of prepared answers and records every question."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from xapiman.actions.prompts import Form, Prompter

Answer = bool | dict[str, Any] | None | Callable[["Question"], Any]


@dataclass(frozen=True)
class Question:
    """One thing the code under test asked.

    Attributes:
        kind: "confirm", "ask" or "edit".
        title: the question's title (the form's title for "ask").
        text: the question's text.
        destroys, ok_label, danger: as passed to `confirm` (or taken from the form).
        form: the form, for "ask".
    """

    kind: str
    title: str
    text: str = ""
    destroys: tuple[str, ...] = ()
    ok_label: str = "OK"
    danger: bool = False
    form: Form | None = None


@dataclass
class ScriptedPrompter(Prompter):
    """Answers questions in order from `answers`, and keeps them in `asked`.

    An answer is a bool (for confirm), a dict or None (for ask), or a callable that gets the
    Question and returns the answer. Asking with no answer left fails the test, naming the
    question, so an unexpected prompt never passes silently.
    """

    answers: deque[Answer] = field(default_factory=deque)
    asked: list[Question] = field(default_factory=list)

    @classmethod
    def with_answers(cls, *answers: Answer) -> ScriptedPrompter:
        return cls(deque(answers))

    def add(self, answers: Iterable[Answer]) -> None:
        """Queue more answers."""
        self.answers.extend(answers)

    async def confirm(self, title: str, text: str, *, destroys: tuple[str, ...] = (),
                      ok_label: str = "OK", danger: bool = False, remember: str = "") -> bool:
        question = Question("confirm", title, text, tuple(destroys), ok_label, danger)
        answer = self._next(question)
        if not isinstance(answer, bool):
            raise AssertionError(f"the answer to confirm {title!r} must be True or False, "
                                 f"got {answer!r}")
        return answer

    async def ask(self, form: Form) -> dict[str, Any] | None:
        question = Question("ask", form.title, form.text, form.destroys, form.ok_label,
                            form.danger, form)
        answer = self._next(question)
        if answer is not None and not isinstance(answer, dict):
            raise AssertionError(f"the answer to the form {form.title!r} must be a dict or "
                                 f"None, got {answer!r}")
        if answer is not None:
            unknown = set(answer) - {f.key for f in form.fields}
            if unknown:
                raise AssertionError(f"the answer to the form {form.title!r} has keys the form "
                                     f"does not ask for: {sorted(unknown)}")
        return answer

    async def edit(self, draft: Any, target: Any) -> Any | None:
        """An "edit" question: the answer is the plan to return (or None), or a callable that
        gets the Question (whose `form` is None and `text` the draft's type) and the draft."""
        question = Question("edit", type(draft).__name__, type(draft).__name__)
        self.asked.append(question)
        if not self.answers:
            raise AssertionError(f"unexpected question (edit): {question.title!r}")
        answer = self.answers.popleft()
        return answer(question, draft) if callable(answer) else answer

    def _next(self, question: Question) -> Any:
        self.asked.append(question)
        if not self.answers:
            raise AssertionError(f"unexpected question ({question.kind}): {question.title!r}")
        answer = self.answers.popleft()
        return answer(question) if callable(answer) else answer
