"""The Tools, Window and Help menus of the main window."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QUrl
from PyQt6.QtGui import QAction, QDesktopServices, QKeySequence
from PyQt6.QtWidgets import QApplication, QMenu, QWidget

from xapiman.i18n import translate


def documentation_path() -> Path | None:
    """The user documentation beside the installed package (a source checkout), if any."""
    import xapiman

    candidate = Path(xapiman.__file__).resolve().parent.parent / "README.md"
    return candidate if candidate.is_file() else None


def build_tools_menu(window, menu: QMenu) -> None:
    options = QAction(translate("Menu", "&Options…"), window)
    options.setObjectName("action:options")
    options.setShortcut(QKeySequence.StandardKey.Preferences)
    options.triggered.connect(lambda: show_options(window))
    menu.addAction(options)


def show_options(window) -> QWidget:
    from xapiman.gui.dialogs.options import OptionsDialog

    dialog = OptionsDialog(window.settings, window)
    dialog.open()
    return dialog


def build_window_menu(window, menu: QMenu) -> None:
    """Lists the app's open windows (undocked consoles, the dashboard ...) when opened."""
    menu.aboutToShow.connect(lambda: _fill_window_menu(window, menu))
    _fill_window_menu(window, menu)


def open_windows(main: QWidget) -> list[QWidget]:
    """The app's visible top-level windows other than the main one and dialogs."""
    from PyQt6.QtWidgets import QDialog

    return [w for w in QApplication.topLevelWidgets()
            if w is not main and w.isVisible() and w.isWindow() and w.windowTitle()
            and not isinstance(w, (QDialog, QMenu))]


def _fill_window_menu(window, menu: QMenu) -> None:
    menu.clear()
    main = QAction(translate("Menu", "&Main Window"), menu)
    main.setObjectName("action:main_window")
    main.triggered.connect(lambda: _activate(window))
    menu.addAction(main)
    minimize = QAction(translate("Menu", "Mi&nimize"), menu)
    minimize.setShortcut(QKeySequence("Ctrl+M"))
    minimize.triggered.connect(window.showMinimized)
    menu.addAction(minimize)
    full = QAction(translate("Menu", "&Full Screen"), menu)
    full.setCheckable(True)
    full.setChecked(window.isFullScreen())
    full.setShortcut(QKeySequence.StandardKey.FullScreen)
    full.triggered.connect(lambda on: window.showFullScreen() if on else window.showNormal())
    menu.addAction(full)
    others = open_windows(window)
    if others:
        menu.addSeparator()
    for other in others:
        item = QAction(other.windowTitle(), menu)
        item.triggered.connect(lambda _c=False, w=other: _activate(w))
        menu.addAction(item)


def _activate(widget: QWidget) -> None:
    if widget.isMinimized():
        widget.showNormal()
    widget.raise_()
    widget.activateWindow()


def build_help_menu(window, menu: QMenu) -> None:
    docs = QAction(translate("Menu", "&Documentation"), window)
    docs.setObjectName("action:documentation")
    docs.setShortcut(QKeySequence.StandardKey.HelpContents)
    path = documentation_path()
    if path is None:
        docs.setEnabled(False)
        docs.setToolTip(translate("Menu", "The documentation is not installed with this copy."))
    else:
        docs.setToolTip(str(path))
        docs.triggered.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
    menu.addAction(docs)
    keys = QAction(translate("Menu", "&Keyboard Shortcuts"), window)
    keys.setObjectName("action:shortcuts")
    keys.triggered.connect(lambda: show_shortcuts(window))
    menu.addAction(keys)
    menu.addSeparator()
    about = QAction(translate("Menu", "&About xapiman"), window)
    about.setObjectName("action:about")
    about.triggered.connect(lambda: show_about(window))
    menu.addAction(about)


def show_about(window) -> QWidget:
    from xapiman.gui.dialogs.about import AboutDialog

    dialog = AboutDialog(window.manager, window)
    dialog.open()
    return dialog


def show_shortcuts(window) -> QWidget:
    from xapiman.gui.dialogs.about import ShortcutsDialog

    dialog = ShortcutsDialog(window, window)
    dialog.open()
    return dialog
