"""Which dialog edits which plan: the prompter's `edit` opens the New VM wizard for a
`NewVmPlan`, the Migrate wizard for a `MigratePlan`, the export dialog for an `ExportPlan`,
the import dialog for an `ImportPlan`."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QDialog, QWidget

from xapiman.actions.migrate_plan import MigratePlan
from xapiman.actions.vm_plan import NewVmPlan
from xapiman.actions.vm_xva import ExportPlan, ImportPlan


def editor_for(draft: Any, target: Any, parent: QWidget | None) -> QDialog:
    """The dialog for `draft` about `target` (an actions Target); it has `result_plan()`.

    Raises:
        TypeError: nothing edits this kind of plan.
    """
    if isinstance(draft, NewVmPlan):
        from xapiman.gui.wizards.new_vm import NewVmWizard

        pool: dict = next(iter(target.conn.cache.records("pool").values()), {})
        return NewVmWizard(target.conn, draft, parent, pool.get("name_label", ""))
    if isinstance(draft, MigratePlan):
        from xapiman.gui.wizards.migrate import MigrateWizard

        return MigrateWizard(draft, parent)
    if isinstance(draft, ExportPlan):
        from xapiman.gui.dialogs.xva import ExportDialog

        return ExportDialog(draft, target.name(), parent)
    if isinstance(draft, ImportPlan):
        from xapiman.gui.dialogs.xva import ImportDialog

        return ImportDialog(draft, target.conn.cache, parent)
    raise TypeError(f"no dialog edits a {type(draft).__name__}")
