"""The dialogs, driven like a person would: typing, clicking, Enter, and how they look."""

from __future__ import annotations

import datetime

import pytest
from PyQt6.QtCore import QPoint, QSize, Qt
from PyQt6.QtGui import QFontInfo, QPalette
from PyQt6.QtWidgets import QCheckBox, QDialog, QLabel, QScrollArea, QWidget

from xapiman.actions.prompts import Choice, Field, Form
from xapiman.gui.dialogs import AddServerDialog, CertificateDialog, ConfirmDialog, FormDialog
from xapiman.gui.dialogs.certificate import format_fingerprint
from xapiman.gui.screenshot import save_screenshot
from xapiman.xapi import tls, trust

pytestmark = pytest.mark.gui

UTC = datetime.UTC
NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
FP_NEW = ":".join(f"{(i * 37 + 5) % 256:02X}" for i in range(32))
FP_OLD = ":".join(f"{(i * 11 + 200) % 256:02X}" for i in range(32))
SCREEN = QSize(1366, 768)
NO_KEYRING = ("No secure system keyring was found, so passwords are not remembered. Run a "
              "keyring such as GNOME Keyring or KWallet in your desktop session.")

MIGRATE = Form("Migrate web-01", "Choose the host web-01 should run on.", (
    Field("host", "Destination", kind="choice", default="h3", choices=(
        Choice("xcp-host-01", "h1", False, "web-01 already runs here"),
        Choice("xcp-host-02", "h2", detail="12 GB of memory free"),
        Choice("xcp-host-03", "h3", False, "not enough memory (needs 8 GB, 2 GB free)"),
        Choice("xcp-host-04", "h4", detail="30 GB of memory free"))),
    Field("disks", "Copy disks", kind="multi", default=["root", "data"], required=True,
          choices=(Choice("root (20 GB)", "root"),
                   Choice("data (200 GB)", "data", False, "already on shared storage"),
                   Choice("swap (2 GB)", "swap", detail="can be recreated on the new host"))),
    Field("live", "Keep the VM running while it moves", kind="bool", default=True),
    Field("note", "Reason", help="Kept in the pool's log."),
), ok_label="Migrate")


def shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fits(dialog: QDialog) -> None:
    assert dialog.width() <= SCREEN.width() and dialog.height() <= SCREEN.height()
    assert dialog.sizeHint().height() <= SCREEN.height()


def child(dialog: QWidget, name: str) -> QWidget:
    widget = dialog.findChild(QWidget, name)
    assert widget is not None, name
    return widget


def click_box(qtbot, box: QCheckBox) -> None:
    """Click a check box on its box (a click in the empty space right of its text is a miss)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def is_red(widget: QWidget) -> bool:
    colour = widget.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Button)
    return colour.red() > 150 and colour.green() < 80


# Confirm

def test_confirm_ok_goes_ahead_and_is_the_default(qtbot) -> None:
    dialog = shown(qtbot, ConfirmDialog("Start web-01?", "The VM starts on its home host.",
                                        ok_label="Start"))
    assert dialog.ok_button.text() == "Start" and dialog.ok_button.isDefault()
    assert not is_red(dialog.ok_button)
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)


def test_danger_confirm_lists_what_it_destroys_and_enter_cancels(qtbot, artifacts_dir) -> None:
    destroys = ("VM web-01", "Disk web-01-root (20 GB) on Local storage",
                "Disk web-01-data (200 GB) on NFS storage", "3 snapshots of web-01")
    dialog = shown(qtbot, ConfirmDialog(
        "Delete web-01?", "The VM web-01, its disks and its snapshots will be deleted. "
        "This cannot be undone.", destroys, "Delete", danger=True))
    items = [child(dialog, f"destroys_item_{i}").text() for i in range(len(destroys))]
    assert items == list(destroys)
    assert child(dialog, "destroys_heading").text() == "This will permanently delete:"
    assert dialog.ok_button.text() == "Delete" and is_red(dialog.ok_button)
    assert dialog.cancel_button.isDefault() and not dialog.ok_button.isDefault()
    fits(dialog)
    save_screenshot(dialog, artifacts_dir / "dialog-confirm-danger.png")
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_long_destroys_list_scrolls_so_the_dialog_fits(qtbot) -> None:
    destroys = tuple(f"Disk data-{n:02} (100 GB) on NFS storage" for n in range(60))
    dialog = shown(qtbot, ConfirmDialog("Delete 60 disks?", "", destroys, "Delete", True))
    assert dialog.findChild(QScrollArea, "destroys_scroll") is not None
    assert "these 60 items" in child(dialog, "destroys_heading").text()
    fits(dialog)


# Form

def test_form_required_text_enables_ok_and_values_come_back(qtbot) -> None:
    form = Form("New network", fields=(Field("name", "Name", required=True),
                                       Field("mtu", "MTU", default="1500")))
    dialog = shown(qtbot, FormDialog(form))
    assert not dialog.ok_button.isEnabled()
    assert "Name" in dialog.ok_button.toolTip()
    qtbot.keyClicks(dialog.inputs["name"], "  Storage network ")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.values() == {"name": "Storage network", "mtu": "1500"}


def test_form_disabled_choices_say_why_and_cannot_be_picked(qtbot, artifacts_dir) -> None:
    dialog = shown(qtbot, FormDialog(MIGRATE))
    combo = dialog.inputs["host"]
    assert combo.currentText() == "xcp-host-02"  # the default h3 cannot be taken
    assert combo.itemText(0) == "xcp-host-01 — web-01 already runs here"
    assert combo.itemData(2, Qt.ItemDataRole.ToolTipRole).startswith("not enough memory")
    assert not combo.model().item(0).isEnabled() and not combo.model().item(2).isEnabled()
    assert child(dialog, "field_host_detail").text() == "12 GB of memory free"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # skips xcp-host-03
    assert combo.currentText() == "xcp-host-04"
    assert child(dialog, "field_host_detail").text() == "30 GB of memory free"
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert combo.currentText() == "xcp-host-02"
    fits(dialog)
    save_screenshot(dialog, artifacts_dir / "dialog-form-disabled-choice.png")
    combo.showPopup()
    qtbot.waitUntil(combo.view().isVisible, timeout=1000)
    save_screenshot(combo.view().window(), artifacts_dir / "dialog-form-choice-list.png")
    combo.hidePopup()
    assert dialog.values() == {"host": "h2", "disks": ["root"], "live": True, "note": ""}


def test_form_check_list_greys_out_options_with_the_reason(qtbot) -> None:
    dialog = shown(qtbot, FormDialog(MIGRATE))
    root, data, swap = dialog.inputs["disks"].boxes
    assert not data.isEnabled() and not data.isChecked()  # a default that cannot be taken
    assert data.toolTip() == "already on shared storage"
    assert child(dialog, "field_disks_1_note").text() == "already on shared storage"
    assert child(dialog, "field_disks_2_note").text() == "can be recreated on the new host"
    click_box(qtbot, data)
    assert not data.isChecked()
    click_box(qtbot, root)  # nothing ticked: required -> no OK
    assert not dialog.ok_button.isEnabled()
    click_box(qtbot, swap)
    assert dialog.ok_button.isEnabled()
    assert dialog.values()["disks"] == ["swap"]


def test_form_with_a_long_check_list_scrolls_so_it_fits(qtbot) -> None:
    disks = tuple(Choice(f"disk-{n:02} (50 GB)", n, n % 5 != 0, "attached elsewhere")
                  for n in range(40))
    dialog = shown(qtbot, FormDialog(Form("Export", fields=(
        Field("disks", "Disks", kind="multi", choices=disks, default=[0, 1, 2]),))))
    assert dialog.findChild(QScrollArea, "field_disks_scroll") is not None
    assert dialog.values() == {"disks": [1, 2]}
    fits(dialog)


def test_form_with_no_choice_that_can_be_taken_cannot_be_accepted(qtbot) -> None:
    form = Form("Move disk", fields=(Field("sr", "Storage", kind="choice", choices=(
        Choice("Local", "sr1", False, "full"),)),))
    dialog = shown(qtbot, FormDialog(form))
    assert dialog.values() == {"sr": None}
    assert not dialog.ok_button.isEnabled()


def test_danger_form_shows_what_it_destroys_and_enter_cancels(qtbot) -> None:
    form = Form("Destroy SR", "Type the name to confirm.", (Field("name", "Name"),),
                ok_label="Destroy", destroys=("SR NFS-01", "14 disks on it"), danger=True)
    dialog = shown(qtbot, FormDialog(form))
    assert dialog.ok_button.text() == "Destroy" and is_red(dialog.ok_button)
    assert child(dialog, "destroys_icon").pixmap() is not None
    assert child(dialog, "destroys_item_1").text() == "14 disks on it"
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return)


# Add server

def test_add_server_needs_address_and_user_and_returns_details(qtbot, artifacts_dir) -> None:
    dialog = shown(qtbot, AddServerDialog(keyring_available=True))
    assert dialog.user_edit.text() == "root"
    assert not dialog.ok_button.isEnabled()
    assert not dialog.plain_http_check.isChecked()
    qtbot.keyClicks(dialog.address_edit, "xcp-pool.example.com:8443")
    qtbot.keyClicks(dialog.password_edit, "s3cret")
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    assert dialog.ok_button.isEnabled() and dialog.remember_check.isEnabled()
    click_box(qtbot, dialog.remember_check)
    dialog.user_edit.clear()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.user_edit, "admin")
    fits(dialog)
    save_screenshot(dialog, artifacts_dir / "dialog-add-server.png")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    details = dialog.result_values()
    assert (details.address, details.user, details.password) == (
        "xcp-pool.example.com:8443", "admin", "s3cret")
    assert details.remember_password and details.use_tls
    assert (details.endpoint.host, details.endpoint.port) == ("xcp-pool.example.com", 8443)


def test_add_server_shows_what_is_wrong_with_the_address(qtbot) -> None:
    dialog = shown(qtbot, AddServerDialog())
    qtbot.keyClicks(dialog.address_edit, "https://pool.example.com/xapi")
    assert not dialog.ok_button.isEnabled()
    qtbot.waitUntil(dialog.address_error.isVisible, timeout=2000)
    assert dialog.address_error.text() == "The address must not have a path, query or fragment."
    dialog.address_edit.setText("https://pool.example.com")
    assert dialog.address_error.isHidden() and dialog.ok_button.isEnabled()
    click_box(qtbot, dialog.plain_http_check)
    assert "https://" in dialog.address_error.text() and not dialog.ok_button.isEnabled()
    assert dialog.plain_http_warning.isVisible()
    dialog.address_edit.setText("http://pool.example.com")
    assert dialog.ok_button.isEnabled()
    assert dialog.result_values().use_tls is False


def test_add_server_remember_password_is_off_without_a_keyring(qtbot) -> None:
    dialog = shown(qtbot, AddServerDialog(keyring_available=False, keyring_reason=NO_KEYRING))
    assert not dialog.remember_check.isEnabled()
    assert dialog.remember_check.toolTip() == NO_KEYRING
    assert child(dialog, "remember_password_reason").text() == NO_KEYRING
    dialog.address_edit.setText("10.0.0.5")
    assert dialog.result_values().remember_password is False


# Certificate

def certificate_dialog(previous: str | None = None, *, until: int = 2034) -> CertificateDialog:
    return CertificateDialog(
        "xcp-host-01.example.com", FP_NEW, "CN=xcp-host-01.example.com",
        "CN=xcp-host-01.example.com", datetime.datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        datetime.datetime(until, 3, 1, 9, 30, tzinfo=UTC), previous, now=NOW)


def test_certificate_first_use_shows_the_fingerprint_to_compare(qtbot, artifacts_dir) -> None:
    dialog = shown(qtbot, certificate_dialog())
    heading = child(dialog, "certificate_heading").text()
    assert heading == "The certificate of xcp-host-01.example.com is not yet trusted"
    label = child(dialog, "fingerprint")
    assert label.text() == format_fingerprint(FP_NEW) and label.text().count("\n") == 1
    assert FP_NEW.replace(":", "") == label.text().replace(":", "").replace(" ", "").replace(
        "\n", "")
    assert QFontInfo(label.font()).fixedPitch()
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert child(dialog, "not_after").text() == "2034-03-01 09:30 UTC"
    assert dialog.validity_warning.isHidden()
    assert dialog.findChild(QLabel, "self_signed_note") is not None
    assert dialog.trust_button.text() == "Trust and connect" and dialog.trust_button.isDefault()
    assert dialog.cancel_button.text() == "Cancel"
    fits(dialog)
    save_screenshot(dialog, artifacts_dir / "dialog-certificate-first-use.png")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert dialog.trusted


def test_certificate_warns_when_expired(qtbot) -> None:
    dialog = shown(qtbot, certificate_dialog(until=2025))
    assert dialog.validity_warning.isVisible()
    assert "expired on 2025-03-01 09:30 UTC" in dialog.validity_warning.text()


def test_changed_certificate_warns_and_enter_disconnects(qtbot, artifacts_dir) -> None:
    dialog = shown(qtbot, certificate_dialog(FP_OLD))
    assert "has CHANGED" in child(dialog, "certificate_heading").text()
    assert "intercepting" in child(dialog, "certificate_explanation").text()
    assert child(dialog, "previous_fingerprint").text() == format_fingerprint(FP_OLD)
    assert child(dialog, "fingerprint").text() == format_fingerprint(FP_NEW)
    assert dialog.trust_button.text() == "Trust the new certificate"
    assert dialog.cancel_button.text() == "Disconnect" and dialog.cancel_button.isDefault()
    assert not dialog.trust_button.isDefault() and is_red(dialog.trust_button)
    fits(dialog)
    save_screenshot(dialog, artifacts_dir / "dialog-certificate-changed.png")
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.trusted


def test_certificate_dialog_from_the_client_core(qtbot) -> None:
    info = tls.CertificateInfo.from_der(_self_signed_der("xcp-host-02"))
    question = trust.CertificateQuestion("xcp-host-02:443", info, FP_OLD)
    dialog = shown(qtbot, CertificateDialog.from_question(question, now=NOW))
    assert dialog.changed and dialog.host == "xcp-host-02"
    assert child(dialog, "fingerprint").text() == format_fingerprint(info.fingerprint)
    assert child(dialog, "subject").text() == "CN=xcp-host-02"
    first = shown(qtbot, CertificateDialog.from_certificate("xcp-host-02:8443", info, now=NOW))
    assert not first.changed and first.findChild(QLabel, "self_signed_note") is not None


def _self_signed_der(name: str) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2024, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime.datetime(2034, 1, 1, tzinfo=UTC))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)
