"""The General tab: an object's main properties in a readable list."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from xapiman.gui.tabs.base import TabPage, page

GiB = 1024**3
NULL = "OpaqueRef:NULL"


def _size(value: object) -> str:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if number >= GiB:
        return f"{number / GiB:.1f} GiB"
    return f"{number / 1024**2:.0f} MiB"


@page
class GeneralPage(TabPage):
    title = "General"
    kinds = frozenset({"vm", "template", "snapshot", "host", "sr", "network", "connection"})
    order = 0

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        inner = QWidget()
        scroll.setWidget(inner)
        self.form = QFormLayout(inner)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def rows(self) -> list[tuple[str, str]]:
        record = self.record() or {}
        cache = self.cache
        common = [("Name", record.get("name_label", "")),
                  ("Description", record.get("name_description", "")),
                  ("UUID", record.get("uuid", "")),
                  ("Tags", ", ".join(record.get("tags", ())) or "none"),
                  ("Folder", record.get("other_config", {}).get("folder", "") or "none")]
        if self.kind in ("vm", "template", "snapshot"):
            host = cache.record("host", record.get("resident_on", NULL)) or {}
            return common + [
                ("Power state", record.get("power_state", "")),
                ("Server", host.get("name_label", "") or "none"),
                ("vCPUs", str(record.get("VCPUs_at_startup", ""))),
                ("Memory", _size(record.get("memory_static_max"))),
            ]
        if self.kind == "host":
            version = record.get("software_version", {})
            return common + [
                ("Address", record.get("address", "")),
                ("Version", f"{version.get('product_brand', '')} "
                            f"{version.get('product_version', '')}".strip()),
                ("Enabled", "yes" if record.get("enabled") else "no (maintenance mode)"),
            ]
        if self.kind == "sr":
            return common + [
                ("Type", record.get("type", "")),
                ("Size", f"{_size(record.get('physical_utilisation'))} used of "
                         f"{_size(record.get('physical_size'))}"),
                ("Shared", "yes" if record.get("shared") else "no"),
            ]
        return common

    def refresh(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in self.rows():
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setWordWrap(True)
            self.form.addRow(f"{label}:", text)
