"""The dialogs of the desktop app: they take plain values and return plain values."""

from __future__ import annotations

from xapiman.gui.dialogs.add_server import AddServerDialog, ServerDetails
from xapiman.gui.dialogs.certificate import CertificateDialog
from xapiman.gui.dialogs.confirm import ConfirmDialog
from xapiman.gui.dialogs.form import FormDialog

__all__ = ["AddServerDialog", "CertificateDialog", "ConfirmDialog", "FormDialog",
           "ServerDetails"]
