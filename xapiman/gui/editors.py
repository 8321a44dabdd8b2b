"""Which dialog edits which plan: the prompter's `edit` opens the New VM wizard for a
`NewVmPlan`, the Migrate wizard for a `MigratePlan`, the export dialog for an `ExportPlan`,
the import dialog for an `ImportPlan`, the New SR and New Network wizards for their plans, the
disk image dialogs for theirs."""

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
    return _storage_editor(draft, target, parent)


def _storage_editor(draft: Any, target: Any, parent: QWidget | None) -> QDialog:
    """The New SR and New Network wizards, the disk image dialogs."""
    from xapiman.actions.network_plan import NewNetworkPlan
    from xapiman.actions.sr_plan import NewSrPlan
    from xapiman.actions.vdi_image import DiskExportPlan, DiskImportPlan

    pool: dict = next(iter(target.conn.cache.records("pool").values()), {})
    if isinstance(draft, NewSrPlan):
        from xapiman.gui.wizards.new_sr import NewSrWizard

        return NewSrWizard(target.conn, draft, parent, pool.get("name_label", ""))
    if isinstance(draft, NewNetworkPlan):
        from xapiman.gui.wizards.new_network import NewNetworkWizard

        return NewNetworkWizard(target.conn.cache, draft, parent, pool.get("name_label", ""))
    if isinstance(draft, DiskImportPlan):
        from xapiman.gui.dialogs.disk_image import DiskImportDialog

        return DiskImportDialog(draft, target.conn.cache, parent)
    if isinstance(draft, DiskExportPlan):
        from xapiman.gui.dialogs.disk_image import DiskExportDialog

        return DiskExportDialog(draft, target.name(), parent)
    raise TypeError(f"no dialog edits a {type(draft).__name__}")
