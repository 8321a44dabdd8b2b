"""The dialog that asks for a new server's address and login."""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.dialogs.confirm import DANGER_COLOUR, TEXT_WIDTH, ok_cancel_buttons, text_label
from xapiman.i18n import translate
from xapiman.pools.profiles import DEFAULT_USER, ProfileError, parse_address
from xapiman.xapi.endpoints import Address

# An address is wrong while it is being typed ("https:/"): say so only after a pause.
ERROR_DELAY_MS = 600
PLAIN_HTTP_WARNING = ("Without encryption, your password and everything you do on this server "
                      "can be read by anyone on the network. Use this only on a network you trust.")


@dataclass(frozen=True)
class ServerDetails:
    """What the user entered to add a server.

    Attributes:
        address: as typed (host, host:port or URL), without surrounding spaces.
        endpoint: the address split into scheme, host and port.
        user, password: the login.
        remember_password: keep the password in the system keyring.
        use_tls: False when the user chose plain HTTP.
    """

    address: str
    endpoint: Address
    user: str
    password: str
    remember_password: bool
    use_tls: bool


class AddServerDialog(QDialog):
    """Asks for a server address, user name and password; checks the address as it is typed.

    Attributes:
        address_edit, user_edit, password_edit: the inputs.
        remember_check: "Remember password", disabled when there is no keyring.
        plain_http_check: "Connect using plain HTTP (not encrypted)", off by default.
        address_error: the inline message that says what is wrong with the address.
    """

    def __init__(self, *, keyring_available: bool = True, keyring_reason: str = "",
                 address: str = "", user: str = DEFAULT_USER,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add_server_dialog")
        self.setWindowTitle(translate("AddServer", "Add a server"))
        outer = QVBoxLayout(self)
        outer.setSpacing(12)
        intro = text_label(translate(
            "AddServer", "Enter the address of a XenServer or XCP-ng host. To manage a pool, "
            "use the address of its coordinator (pool master)."), "intro")
        intro.setMinimumWidth(TEXT_WIDTH)
        outer.addWidget(intro)
        rows = QFormLayout()
        rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.address_edit = self._line_edit("address_edit", address)
        self.address_edit.setPlaceholderText(
            translate("AddServer", "host name, IP address, host:port or https:// URL"))
        self.address_error = text_label("", "address_error")
        _paint_red(self.address_error)
        self.address_error.hide()
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.setInterval(ERROR_DELAY_MS)
        self._error_timer.timeout.connect(self._show_problem)
        self.address_edit.editingFinished.connect(self._show_problem)
        self.user_edit = self._line_edit("user_edit", user)
        self.password_edit = self._line_edit("password_edit", "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        address_cell = QWidget(self)
        address_column = QVBoxLayout(address_cell)
        address_column.setContentsMargins(0, 0, 0, 0)
        address_column.setSpacing(2)
        address_column.addWidget(self.address_edit)
        address_column.addWidget(self.address_error)
        address_cell.setFocusProxy(self.address_edit)  # the label's Alt+S lands in the field
        rows.addRow(translate("AddServer", "&Server:"), address_cell)
        rows.addRow(translate("AddServer", "&User name:"), self.user_edit)
        rows.addRow(translate("AddServer", "&Password:"), self.password_edit)
        outer.addLayout(rows)
        outer.addLayout(self._options(keyring_available, keyring_reason))
        outer.addStretch(1)
        self.buttons = ok_cancel_buttons(self, translate("AddServer", "Connect"), danger=False)
        outer.addWidget(self.buttons)
        self._check()
        self.address_edit.setFocus()

    @property
    def ok_button(self) -> QPushButton:
        """The Connect button."""
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def result_values(self) -> ServerDetails:
        """What the user entered; only meaningful once the dialog was accepted.

        Raises:
            ProfileError: the address is not valid (Connect is disabled while it is not).
        """
        address = self.address_edit.text().strip()
        return ServerDetails(
            address=address,
            endpoint=parse_address(address),
            user=self.user_edit.text().strip(),
            password=self.password_edit.text(),
            remember_password=self.remember_check.isEnabled() and self.remember_check.isChecked(),
            use_tls=not self.plain_http_check.isChecked(),
        )

    def _line_edit(self, name: str, text: str) -> QLineEdit:
        edit = QLineEdit(text, self)
        edit.setObjectName(name)
        edit.setMinimumWidth(280)
        edit.textChanged.connect(self._check)
        return edit

    def _options(self, keyring_available: bool, keyring_reason: str) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(4)
        self.remember_check = QCheckBox(translate("AddServer", "&Remember password"), self)
        self.remember_check.setObjectName("remember_password_check")
        column.addWidget(self.remember_check)
        if keyring_available:
            self.remember_check.setToolTip(translate(
                "AddServer", "Keep the password in the system keyring, so that xapiman can "
                "reconnect without asking."))
        else:
            reason = keyring_reason or translate("AddServer",
                                                 "No system keyring is available to keep it.")
            self.remember_check.setEnabled(False)
            self.remember_check.setToolTip(reason)
            note = text_label(reason, "remember_password_reason", muted=True)
            note.setIndent(_indicator_indent(self.remember_check))
            column.addWidget(note)
        self.plain_http_check = QCheckBox(translate("AddServer", "Connect using plain &HTTP (not encrypted)"),
                                          self)
        self.plain_http_check.setObjectName("plain_http_check")
        self.plain_http_check.toggled.connect(self._on_plain_http_toggled)
        column.addSpacing(4)
        column.addWidget(self.plain_http_check)
        self.plain_http_warning = text_label(PLAIN_HTTP_WARNING, "plain_http_warning")
        _paint_red(self.plain_http_warning)
        self.plain_http_warning.setIndent(_indicator_indent(self.plain_http_check))
        self.plain_http_warning.hide()
        column.addWidget(self.plain_http_warning)
        return column

    def _address_problem(self) -> str:
        text = self.address_edit.text().strip()
        if not text:
            return ""
        try:
            endpoint = parse_address(text)
        except ProfileError as exc:
            # The field shows the address already: drop the "(got '...')" that repeats it.
            return _sentence(exc.reason.removesuffix(f" (got {text!r})"))
        plain = self.plain_http_check.isChecked()
        if endpoint.scheme == "https" and plain:
            return ("The address starts with https://, which is encrypted. Remove "
                    "\"https://\" or untick \"Connect using plain HTTP\".")
        if endpoint.scheme == "http" and not plain:
            return ("The address starts with http://, which is not encrypted. Use https:// "
                    "instead, or tick \"Connect using plain HTTP\" if you really mean it.")
        return ""

    def _fit_height(self) -> None:
        """Grow (never shrink) the open dialog so that a message just shown is not cut off."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        width = self.width()
        needed = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if needed > self.height():
            self.resize(width, needed)

    def _on_plain_http_toggled(self) -> None:
        self._check()
        self._show_problem()

    def _show_problem(self) -> None:
        problem = self._address_problem()
        self.address_error.setText(problem)
        self.address_error.setVisible(bool(problem))
        self._fit_height()

    def _check(self) -> None:
        problem = self._address_problem()
        if not problem or not self.address_error.isHidden():
            self._show_problem()  # clear at once, or update an error already shown
        else:
            self._error_timer.start()
        self.plain_http_warning.setVisible(self.plain_http_check.isChecked())
        self._fit_height()
        complete = bool(self.address_edit.text().strip() and self.user_edit.text().strip())
        self.ok_button.setEnabled(complete and not problem)


def _paint_red(label: QWidget) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(DANGER_COLOUR))
    label.setPalette(palette)


def _sentence(reason: str) -> str:
    """A ProfileError reason as a sentence for the dialog."""
    text = reason[:1].upper() + reason[1:]
    return text if text.endswith(".") else f"{text}."


def _indicator_indent(box: QCheckBox) -> int:
    """How far a note under a check box is indented to line up with the box's text."""
    style = box.style()
    return (style.pixelMetric(style.PixelMetric.PM_IndicatorWidth)
            + style.pixelMetric(style.PixelMetric.PM_CheckBoxLabelSpacing))
