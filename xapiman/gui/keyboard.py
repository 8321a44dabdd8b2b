"""Keyboard use of the main window: F6 / Shift+F6 move between its areas (search box, tree,
the selected object's pages, the task list), Ctrl+F searches, Shift+F10 or the Menu key opens
the selected object's context menu; and the names screen readers give each area."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import QWidget

from xapiman.i18n import translate


def areas(window) -> list[QWidget]:
    """The window's areas in F6 order (the hidden ones left out)."""
    out = [window.search, window.tree]
    page = window.tabs.currentWidget()
    out.append(page if page is not None else window.tabs)
    out.append(window.task_panel)
    return [w for w in out if w.isVisible() and w.isEnabled()]


def cycle(window, step: int) -> QWidget | None:
    """Focus the next (step 1) or previous (-1) area; returns it."""
    order = areas(window)
    if not order:
        return None
    focus = window.focusWidget()
    current = next((i for i, w in enumerate(order)
                    if focus is not None and (focus is w or w.isAncestorOf(focus))), -1)
    target = order[(current + step) % len(order)] if current >= 0 else order[0]
    if target is window.tabs.currentWidget():
        chain = target.focusWidget() or _first_focusable(target)
        (chain or window.tabs.tabBar()).setFocus(Qt.FocusReason.TabFocusReason)
    else:
        target.setFocus(Qt.FocusReason.TabFocusReason)
    return target


def _first_focusable(widget: QWidget) -> QWidget | None:
    for child in widget.findChildren(QWidget):
        if child.isVisible() and child.isEnabled() and \
                child.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return child
    return None


def install(window) -> None:
    """The shortcuts and accessible names of the main window."""
    for keys, step in (("F6", 1), ("Shift+F6", -1)):
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.activated.connect(lambda s=step: cycle(window, s))
    find = QShortcut(QKeySequence.StandardKey.Find, window)
    find.activated.connect(lambda: (window.search.setFocus(Qt.FocusReason.ShortcutFocusReason),
                                    window.search.selectAll()))
    menu = QShortcut(QKeySequence("Shift+F10"), window.tree)
    menu.setContext(Qt.ShortcutContext.WidgetShortcut)
    menu.activated.connect(lambda: _menu_at_current(window))
    names = {
        window.tree: (translate("Accessible", "Resource tree"),
                      translate("Accessible", "Pools, servers, storage, networks and VMs; "
                                              "the selected object's pages are on the right")),
        window.search: (translate("Accessible", "Search"),
                        translate("Accessible", "Filter the tree by name, uuid, tag or IP "
                                                "address")),
        window.view_box: (translate("Accessible", "Tree view"),
                          translate("Accessible", "Infrastructure, Objects, Folders or Tags")),
        window.tabs: (translate("Accessible", "Pages of the selected object"), ""),
        window.task_panel: (translate("Accessible", "Tasks"),
                            translate("Accessible", "Operations in progress and finished")),
    }
    for widget, (name, description) in names.items():
        widget.setAccessibleName(name)
        if description:
            widget.setAccessibleDescription(description)


def _menu_at_current(window) -> None:
    rect = window.tree.visualRect(window.tree.currentIndex())
    point = rect.center() if rect.isValid() else window.tree.viewport().rect().center()
    window.tree.customContextMenuRequested.emit(point)
