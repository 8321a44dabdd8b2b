"""The actions' labels in the user's language.

An action's `label` is its English name, kept as data (the command line and the logs use it
as it is); the labels are marked here for the translation tools, and `label()` gives the one
to show. An action whose label is not listed here is shown in English.
"""

from __future__ import annotations

from xapiman.actions.base import Action
from xapiman.i18n import QT_TRANSLATE_NOOP, translate

LABELS = (
    QT_TRANSLATE_NOOP("Actions", "Dismiss"),
    QT_TRANSLATE_NOOP("Actions", "Enter Maintenance Mode"),
    QT_TRANSLATE_NOOP("Actions", "Exit Maintenance Mode"),
    QT_TRANSLATE_NOOP("Actions", "Reboot Server"),
    QT_TRANSLATE_NOOP("Actions", "Shut Down Server"),
    QT_TRANSLATE_NOOP("Actions", "Add User or Group…"),
    QT_TRANSLATE_NOOP("Actions", "Change Role…"),
    QT_TRANSLATE_NOOP("Actions", "Remove User or Group…"),
    QT_TRANSLATE_NOOP("Actions", "Insert ISO"),
    QT_TRANSLATE_NOOP("Actions", "Eject ISO"),
    QT_TRANSLATE_NOOP("Actions", "New VM…"),
    QT_TRANSLATE_NOOP("Actions", "Start"),
    QT_TRANSLATE_NOOP("Actions", "Shut Down"),
    QT_TRANSLATE_NOOP("Actions", "Force Shut Down"),
    QT_TRANSLATE_NOOP("Actions", "Reboot"),
    QT_TRANSLATE_NOOP("Actions", "Force Reboot"),
    QT_TRANSLATE_NOOP("Actions", "Suspend"),
    QT_TRANSLATE_NOOP("Actions", "Resume"),
    QT_TRANSLATE_NOOP("Actions", "Pause"),
    QT_TRANSLATE_NOOP("Actions", "Unpause"),
    QT_TRANSLATE_NOOP("Actions", "Clone (fast)"),
    QT_TRANSLATE_NOOP("Actions", "Copy (full)"),
    QT_TRANSLATE_NOOP("Actions", "Take Snapshot"),
    QT_TRANSLATE_NOOP("Actions", "Revert to Snapshot"),
    QT_TRANSLATE_NOOP("Actions", "Delete Snapshot"),
    QT_TRANSLATE_NOOP("Actions", "Start on Server"),
    QT_TRANSLATE_NOOP("Actions", "Migrate to Server"),
    QT_TRANSLATE_NOOP("Actions", "Migrate VM"),
    QT_TRANSLATE_NOOP("Actions", "Turn On High Availability"),
    QT_TRANSLATE_NOOP("Actions", "Change Server Failures to Tolerate"),
    QT_TRANSLATE_NOOP("Actions", "Turn Off High Availability"),
    QT_TRANSLATE_NOOP("Actions", "High Availability Restart"),
    QT_TRANSLATE_NOOP("Actions", "Add Server to a Pool"),
    QT_TRANSLATE_NOOP("Actions", "Remove Server from Pool"),
    QT_TRANSLATE_NOOP("Actions", "Make Coordinator"),
    QT_TRANSLATE_NOOP("Actions", "Suspend / Resume"),
    QT_TRANSLATE_NOOP("Actions", "Delete VM"),
    QT_TRANSLATE_NOOP("Actions", "Rename"),
    QT_TRANSLATE_NOOP("Actions", "Set vCPUs"),
    QT_TRANSLATE_NOOP("Actions", "Set Memory"),
    QT_TRANSLATE_NOOP("Actions", "Edit Tags"),
    QT_TRANSLATE_NOOP("Actions", "Move to Folder"),
    QT_TRANSLATE_NOOP("Actions", "Export…"),
    QT_TRANSLATE_NOOP("Actions", "Import…"),
    QT_TRANSLATE_NOOP("Actions", "Rescan"),
    QT_TRANSLATE_NOOP("Actions", "Repair"),
    QT_TRANSLATE_NOOP("Actions", "Set as Default SR"),
    QT_TRANSLATE_NOOP("Actions", "Detach"),
    QT_TRANSLATE_NOOP("Actions", "Forget"),
    QT_TRANSLATE_NOOP("Actions", "Destroy"),
    QT_TRANSLATE_NOOP("Actions", "New SR…"),
    QT_TRANSLATE_NOOP("Actions", "New Disk…"),
    QT_TRANSLATE_NOOP("Actions", "Resize…"),
    QT_TRANSLATE_NOOP("Actions", "Delete Disk"),
    QT_TRANSLATE_NOOP("Actions", "Attach Disk…"),
    QT_TRANSLATE_NOOP("Actions", "Detach Disk"),
    QT_TRANSLATE_NOOP("Actions", "Import Disk Image…"),
    QT_TRANSLATE_NOOP("Actions", "Export Disk Image…"),
    QT_TRANSLATE_NOOP("Actions", "Move Disk…"),
    QT_TRANSLATE_NOOP("Actions", "New Network…"),
    QT_TRANSLATE_NOOP("Actions", "Delete Network"),
    QT_TRANSLATE_NOOP("Actions", "Configure IP Address…"),
    QT_TRANSLATE_NOOP("Actions", "Add Network Interface…"),
    QT_TRANSLATE_NOOP("Actions", "Remove Network Interface"),
    QT_TRANSLATE_NOOP("Actions", "Interface Properties…"),
)


def label(action: Action) -> str:
    """The action's label in the user's language."""
    return translate("Actions", action.label)
