"""The Alerts tab: the messages xapi keeps about the shown object (all of them for a pool)."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import ListPage
from xapiman.gui.tabs.lists import Row
from xapiman.xapi import alerts
from xapiman.xapi.records import Message


def alert_details(body: str) -> str:
    """A message body as one readable line (performance alarms name their variable)."""
    return alerts.details(body)


@page
class AlertsPage(ListPage):
    title = "Alerts"
    kinds = frozenset({"vm", "host", "sr", "connection"})
    order = 80
    columns = ["Time", "Priority", "Alert", "About", "Details"]
    list_name = "alerts"

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.list.sortByColumn(0, Qt.SortOrder.DescendingOrder)

    def rows(self, record: dict) -> list[Row]:
        whole_pool = self.kind == "connection"
        uuid = record.get("uuid", "")
        if whole_pool:
            self.watch.any_of("message")
        else:
            self.watch.link("message", "obj_uuid", uuid)
        self.list.setColumnHidden(3, not whole_pool)
        out = []
        for ref, raw in self.cache.records("message").items():
            if not whole_pool and raw.get("obj_uuid") != uuid:
                continue
            message = Message(self.cache, ref, raw)
            self.watch.add("message", ref)
            moment = message.timestamp
            subject = message.subject if whole_pool else None
            about = subject.name if subject is not None else message.obj_class
            out.append(Row(ref, (
                fmt.local_time(moment),
                fmt.priority(message.priority),
                fmt.alert_title(message.name),
                about,
                alert_details(message.body),
            ), sort=(moment.timestamp() if moment else 0.0, message.priority),
                tooltip=message.body or message.name))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        if not rows:
            return "No alerts."
        count = len(rows)
        return f"{count} alert{'s' if count != 1 else ''}."
