"""About xapiman (version, licence, the servers' versions) and the keyboard shortcuts."""

from __future__ import annotations

import platform
from importlib import metadata

from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR, Qt
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.icons import app_icon
from xapiman.gui.shell_menus import documentation_path
from xapiman.i18n import translate

LICENCE = "GPL-3.0-or-later"
NATIVE = QKeySequence.SequenceFormat.NativeText  # key names in the user's language


def app_version() -> str:
    try:
        return metadata.version("xapiman")
    except metadata.PackageNotFoundError:
        return translate("About", "unknown (not installed)")


def server_versions(manager) -> list[tuple[str, str]]:
    """(pool, "XCP-ng 8.3.0 (xapi 24.19)") for every connected pool, from its coordinator."""
    out = []
    for name in manager.names():
        conn = manager.get(name)
        if conn is None or not conn.cache.loaded:
            continue
        pool = next(iter(conn.cache.records("pool").values()), None) or {}
        coordinator = conn.cache.record("host", pool.get("master", "")) or {}
        version = coordinator.get("software_version", {}) or {}
        product = " ".join(v for v in (version.get("product_brand", ""),
                                       version.get("product_version", "")) if v)
        product = product or version.get("platform_name", "") or translate("About", "unknown")
        if version.get("xapi"):
            product = translate("About", "{product} (XAPI {xapi})").format(
                product=product, xapi=version["xapi"])
        title = pool.get("name_label") or coordinator.get("name_label") or name
        out.append((title, product))
    return out


class AboutDialog(QDialog):
    """Name, version, licence, the libraries and each connected pool's server version."""

    def __init__(self, manager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(translate("About", "About xapiman"))
        box = QVBoxLayout(self)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(logo)
        title = QLabel(translate("About", "xapiman {version}").format(version=app_version()))
        title.setObjectName("about_title")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(title)
        lines = [
            translate("About", "Manages XenServer and XCP-ng pools."),
            translate("About", "Licence: {licence}. This program comes with ABSOLUTELY NO "
                               "WARRANTY; you may share and change it under its terms.")
            .format(licence=LICENCE),
            translate("About", "Python {python}, Qt {qt}, PyQt {pyqt}").format(
                python=platform.python_version(), qt=QT_VERSION_STR, pyqt=PYQT_VERSION_STR),
        ]
        docs = documentation_path()
        if docs is not None:
            lines.append(translate("About", "Documentation: {path}").format(path=docs))
        for text in lines:
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            box.addWidget(label)
        self.servers = QTreeWidget()
        self.servers.setObjectName("about_servers")
        self.servers.setHeaderLabels([translate("About", "Pool"),
                                      translate("About", "Server version")])
        self.servers.setRootIsDecorated(False)
        versions = server_versions(manager)
        for pool, version in versions:
            QTreeWidgetItem(self.servers, [pool, version])
        self.servers.resizeColumnToContents(0)
        self.servers.setVisible(bool(versions))
        self.servers.setMaximumHeight(140)
        box.addWidget(self.servers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.setMinimumWidth(460)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window's menus, with what it does."""

    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(translate("About", "Keyboard Shortcuts"))
        box = QVBoxLayout(self)
        self.table = QTreeWidget()
        self.table.setObjectName("shortcuts")
        self.table.setHeaderLabels([translate("About", "Keys"),
                                    translate("About", "Command")])
        self.table.setRootIsDecorated(False)
        seen = set()
        rows = [(translate("About", "F6 / Shift+F6"),
                 translate("About", "Move between search, tree, pages and tasks")),
                (translate("About", "Menu key / Shift+F10"),
                 translate("About", "The selected object's context menu")),
                (QKeySequence("Ctrl+F").toString(NATIVE), translate("About", "Search the tree"))]
        for action in window.findChildren(type(window.toolbar.actions()[0])):
            keys = action.shortcut().toString(NATIVE)  # in the user's language: Ctrl+Maj+A
            text = action.text().replace("&", "")
            if keys and (keys, text) not in seen:
                seen.add((keys, text))
                rows.append((keys, text))
        for keys, text in sorted(rows, key=lambda r: r[1].casefold()):
            QTreeWidgetItem(self.table, [keys, text])
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        box.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        wanted = self.table.columnWidth(0) + self.table.columnWidth(1) + 60
        self.resize(min(max(560, wanted), 960), 460)  # every command readable in full
