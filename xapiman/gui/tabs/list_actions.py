"""Action buttons of a list page: some act on the shown object (Add…), the others on the
selected rows (Delete, Move…), each enabled from its action's availability with the reason as
its tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from xapiman.actions import Availability
from xapiman.gui.tabs.general import ListPage
from xapiman.i18n import translate

OBJECT, ROWS = "object", "rows"


@dataclass(frozen=True)
class Button:
    """One button: the action it runs, its text, and whether it acts on the shown object or
    on the selected rows."""

    action_id: str
    text: str
    on: str = ROWS


class ListActions:
    """Buttons in a list page's action row, kept enabled as the selection and the objects
    change.

    Attributes:
        refs_for: the action's target refs for the selected row keys (default: the keys).
    """

    def __init__(self, page: ListPage, buttons: Sequence[Button],
                 refs_for: Callable[[str, list[str]], list[str]] | None = None) -> None:
        self.page = page
        self.buttons = list(buttons)
        self.refs_for = refs_for or (lambda _action, keys: keys)
        for button in self.buttons:
            page.actions_row.add(button.action_id, button.text,
                                 partial(self._run, button))
        page.actions_row.show()
        page.list.itemSelectionChanged.connect(self.update)

    def _refs(self, button: Button) -> list[str]:
        if button.on == OBJECT:
            return [self.page.ref]
        return self.refs_for(button.action_id, self.page.list.selected_keys())

    def _run(self, button: Button) -> None:
        refs = self._refs(button)
        if refs:
            self.page.run_action(button.action_id, refs)

    def availability(self, button: Button) -> Availability:
        refs = self._refs(button)
        if not refs:
            return Availability(False, translate("Tabs", "Select a row first."))
        return self.page.available(button.action_id, refs)

    def update(self) -> None:
        if self.page.cache is None:
            return
        for button in self.buttons:
            available = self.availability(button)
            self.page.actions_row.set_available(button.action_id, bool(available),
                                                available.reason)
