"""The question asked about a server certificate: trust it on first use, or after it changed."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QFontDatabase, QPalette
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.dialogs.confirm import (
    DANGER_COLOUR,
    TEXT_WIDTH,
    icon_label,
    mark_danger,
    text_label,
)
from xapiman.i18n import translate

if TYPE_CHECKING:
    from xapiman.xapi.tls import CertificateInfo
    from xapiman.xapi.trust import CertificateQuestion

HTTPS_SUFFIX = ":443"
CHECK_COMMAND = "openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem"
FIRST_USE_TEXT = (
    "xapiman has not connected to this server before, so it cannot tell yet whether this is "
    "really the server's certificate. Compare the fingerprint below with the one the server "
    "shows; xapiman then remembers it and warns you if it ever changes.")
CHANGED_TEXT = (
    "The server showed a different certificate the last time xapiman connected. This happens "
    "when the server was reinstalled or its certificate was replaced. It can also mean that "
    "someone is intercepting the connection to read your password and everything you do.")
CHANGED_ADVICE = (
    "Trust the new certificate only if you know why it changed. If in doubt, disconnect and "
    "ask the server's administrator.")
SELF_SIGNED_NOTE = (
    "The certificate is self-signed: no certificate authority vouches for it. This is normal "
    "for XenServer and XCP-ng hosts, which is why the fingerprint matters.")


def format_fingerprint(fingerprint: str) -> str:
    """A SHA-256 fingerprint on two lines of 16 byte pairs, in groups of four pairs."""
    digits = "".join(c for c in fingerprint.upper() if c in "0123456789ABCDEF")
    if len(digits) != 64:
        return fingerprint.strip()
    pairs = [digits[i:i + 2] for i in range(0, 64, 2)]
    groups = [":".join(pairs[i:i + 4]) for i in range(0, 32, 4)]
    return "  ".join(groups[:4]) + "\n" + "  ".join(groups[4:])


def format_moment(moment: datetime.datetime) -> str:
    """A date and time in UTC, e.g. "2031-05-01 12:00 UTC" (a naive time counts as UTC)."""
    return f"{_utc(moment):%Y-%m-%d %H:%M} UTC"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def validity_problem(not_before: datetime.datetime, not_after: datetime.datetime,
                     now: datetime.datetime) -> str:
    """A sentence when the certificate is expired or not valid yet, else ""."""
    if _utc(now) > _utc(not_after):
        return (f"This certificate expired on {format_moment(not_after)}. Check the date and "
                "time of this computer and of the server.")
    if _utc(now) < _utc(not_before):
        return (f"This certificate is not valid until {format_moment(not_before)}. Check the "
                "date and time of this computer and of the server.")
    return ""


class CertificateDialog(QDialog):
    """Shows a server certificate and asks whether to trust it; accepted means "trust".

    With `previous_fingerprint`, the server's certificate changed since it was trusted: the
    dialog says so, shows both fingerprints, and Enter presses "Disconnect". `self_signed`
    defaults to subject == issuer; `now` (default: the current time) decides whether the
    certificate is shown as expired or not valid yet.

    Attributes:
        host: the server, as shown to the user.
        changed: whether this is the changed-certificate variant.
        trust_button, cancel_button: "Trust and connect" / "Cancel", or
            "Trust the new certificate" / "Disconnect".
    """

    def __init__(self, host: str, fingerprint: str, subject: str, issuer: str,
                 not_before: datetime.datetime, not_after: datetime.datetime,
                 previous_fingerprint: str | None = None, *, self_signed: bool | None = None,
                 now: datetime.datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.changed = previous_fingerprint is not None
        self.setObjectName("certificate_dialog")
        if self.changed:
            self.setWindowTitle(translate("Certificate", "Certificate of {host} has changed")
                                .format(host=host))
            heading_text = translate("Certificate", "Warning: the certificate of {host} has "
                                                    "CHANGED").format(host=host)
        else:
            self.setWindowTitle(translate("Certificate", "Trust the certificate of {host}?")
                                .format(host=host))
            heading_text = translate("Certificate", "The certificate of {host} is not yet "
                                                    "trusted").format(host=host)
        outer = QVBoxLayout(self)
        outer.setSpacing(12)
        top = QHBoxLayout()
        top.setSpacing(16)
        pixmap = (QStyle.StandardPixmap.SP_MessageBoxWarning if self.changed
                  else QStyle.StandardPixmap.SP_MessageBoxQuestion)
        top.addWidget(icon_label(pixmap, self, "certificate_icon"), 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(10)
        heading = text_label(heading_text, "certificate_heading", bold=True)
        heading.setMinimumWidth(TEXT_WIDTH + 80)
        if self.changed:
            _paint(heading, DANGER_COLOUR)
        column.addWidget(heading)
        column.addWidget(text_label(CHANGED_TEXT if self.changed else FIRST_USE_TEXT,
                                    "certificate_explanation"))
        if self.changed:
            column.addWidget(text_label(CHANGED_ADVICE, "certificate_advice", bold=True))
        details = QGridLayout()
        details.setHorizontalSpacing(12)
        details.setVerticalSpacing(6)
        details.setColumnStretch(1, 1)
        if previous_fingerprint is not None:
            self._row(details, "Previously trusted:", _fingerprint_label(
                previous_fingerprint, "previous_fingerprint"))
            self._row(details, "Now presented:", _fingerprint_label(fingerprint, "fingerprint"))
        else:
            self._row(details, "SHA-256 fingerprint:", _fingerprint_label(
                fingerprint, "fingerprint"))
        self._row(details, "Subject:", text_label(subject, "subject"))
        self._row(details, "Issued by:", text_label(issuer, "issuer"))
        self._row(details, "Valid from:", text_label(format_moment(not_before), "not_before"))
        self._row(details, "Valid until:", text_label(format_moment(not_after), "not_after"))
        column.addLayout(details)
        problem = validity_problem(not_before, not_after,
                                   now or datetime.datetime.now(datetime.UTC))
        self.validity_warning = text_label(problem, "validity_warning", bold=True)
        _paint(self.validity_warning, DANGER_COLOUR)
        self.validity_warning.setVisible(bool(problem))
        column.addWidget(self.validity_warning)
        if subject == issuer if self_signed is None else self_signed:
            column.addWidget(text_label(SELF_SIGNED_NOTE, "self_signed_note", muted=True))
        column.addWidget(text_label(translate(
            "Certificate", "To see the fingerprint on the server, run this in its console:"),
            "check_hint", muted=True))
        command = text_label(CHECK_COMMAND, "check_command")
        command.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        column.addWidget(command)
        top.addLayout(column, 1)
        outer.addLayout(top)
        outer.addStretch(1)
        outer.addWidget(self._buttons())

    @classmethod
    def from_certificate(cls, host: str, certificate: CertificateInfo,
                         previous_fingerprint: str | None = None, *,
                         now: datetime.datetime | None = None,
                         parent: QWidget | None = None) -> CertificateDialog:
        """The dialog for a certificate read by `xapiman.xapi.tls`."""
        return cls(host, certificate.fingerprint, certificate.subject, certificate.issuer,
                   certificate.not_before, certificate.not_after, previous_fingerprint,
                   self_signed=certificate.self_signed, now=now, parent=parent)

    @classmethod
    def from_question(cls, question: CertificateQuestion, *,
                      now: datetime.datetime | None = None,
                      parent: QWidget | None = None) -> CertificateDialog:
        """The dialog for the question `xapiman.xapi.trust.CertificateTrust` asks."""
        host = question.address.removesuffix(HTTPS_SUFFIX)
        return cls.from_certificate(host, question.certificate, question.previous,
                                    now=now, parent=parent)

    @property
    def trusted(self) -> bool:
        """Whether the user chose to trust the certificate."""
        return self.result() == QDialog.DialogCode.Accepted

    def _row(self, grid: QGridLayout, label: str, value: QLabel) -> None:
        row = grid.rowCount()
        name = QLabel(label, self)
        grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(value, row, 1)

    def _buttons(self) -> QDialogButtonBox:
        box = QDialogButtonBox(self)
        box.setObjectName("buttons")
        trust_text = "Trust the new certificate" if self.changed else "Trust and connect"
        cancel_text = "Disconnect" if self.changed else "Cancel"
        self.trust_button = QPushButton(trust_text, self)
        self.trust_button.setObjectName("trust_button")
        self.cancel_button = QPushButton(cancel_text, self)
        self.cancel_button.setObjectName("cancel_button")
        box.addButton(self.trust_button, QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        if self.changed:
            mark_danger(self.trust_button)
            self.cancel_button.setDefault(True)
            self.cancel_button.setFocus()
        else:
            self.trust_button.setDefault(True)
        return box


def _fingerprint_label(fingerprint: str, name: str) -> QLabel:
    label = text_label(format_fingerprint(fingerprint), name)
    label.setWordWrap(False)
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setToolTip(fingerprint)
    return label


def _paint(label: QLabel, colour: str) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    label.setPalette(palette)
