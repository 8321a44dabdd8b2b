"""Every user-visible string of the desktop app's shell goes through `translate()`.

The check reads the source (no Qt): a literal string (or f-string) handed straight to a call
that shows text (Qt's setText, setToolTip, QLabel ..., and the app's own helpers such as
`text_label` and the window's `status`) is a string the translation tools never see. Values
computed elsewhere cannot be checked this way; the labels of actions and the titles of tab
pages are checked against their marked lists instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from xapiman.actions import REGISTRY
from xapiman.actions.labels import LABELS

GUI = Path(__file__).resolve().parents[2] / "xapiman" / "gui"
# the New VM wizard and the other wizards are left to a check of their own
UNCHECKED = ("wizards/",)

ALL = None  # every positional argument is text
# call name -> the positions of its arguments that are text shown to the user
TEXT_ARGS: dict[str, tuple[int, ...] | None] = {
    **{name: (0,) for name in (
        "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "setStatusTip",
        "setLabelText", "setAccessibleName", "setAccessibleDescription", "showMessage",
        "setWhatsThis", "setInformativeText", "setDetailedText", "setHeaderLabels",
        "setHorizontalHeaderLabels", "setSpecialValueText", "QLabel", "QPushButton",
        "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QMenu", "QToolButton",
        "QCommandLinkButton", "QDockWidget", "addRow", "addMenu", "status", "notify",
        "text_label")},
    "addAction": (0,), "addTab": (1,), "insertTab": (2,), "setTabText": (1,),
    "setItemText": (1,), "setTitle": (0,), "ok_cancel_buttons": (1,), "Row": ALL,
    "Field": (1,), "Form": (0, 1), "Column": (1,), "Availability": (1,),
}
TEXT_KEYWORDS = {"text", "title", "label", "help", "tooltip", "ok_label", "placeholder"}
WORD = re.compile(r"[A-Za-z]{2}")
NAMES = {"xapiman", "root"}  # the app's and the local administrator's names
EXAMPLE = re.compile(r"^[\w.:/@-]+$")  # a host name, a path or a URL given as an example


def is_text(node: ast.AST, call: str) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value
        if not WORD.search(value) or value in NAMES:
            return False
        return not (call == "setPlaceholderText" and EXAMPLE.match(value) and
                    any(c in value for c in "./:@"))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and WORD.search(str(v.value))
                   for v in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return any(is_text(e, call) for e in node.elts)
    return False


def unwrapped(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else ""
        if name not in TEXT_ARGS:
            continue
        positions = TEXT_ARGS[name]
        args = [a for i, a in enumerate(node.args) if positions is None or i in positions]
        args += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        for arg in args:
            if is_text(arg, name):
                found.append(f"{path.relative_to(GUI.parent.parent)}:{node.lineno}: "
                             f"{name}({ast.unparse(arg)[:60]})")
    return found


def test_the_check_finds_an_unwrapped_string(tmp_path: Path) -> None:
    sample = GUI / "zz_sample_for_the_check.py"
    try:
        sample.write_text('label = QLabel("Hello")\nbox.setToolTip(f"{n} VMs")\n'
                          'edit.setPlaceholderText("nas.example.com")\n'
                          'ok = QLabel(translate("X", "Hello"))\n', encoding="utf-8")
        assert [line.split(": ", 1)[1] for line in unwrapped(sample)] == [
            "QLabel('Hello')", "setToolTip(f'{n} VMs')"]
    finally:
        sample.unlink()


def test_the_shell_wraps_every_string_it_shows() -> None:
    found = []
    for path in sorted(GUI.rglob("*.py")):
        relative = path.relative_to(GUI).as_posix()
        if not relative.startswith(UNCHECKED):
            found += unwrapped(path)
    assert found == []


def test_the_labels_of_the_menus_actions_are_marked() -> None:
    from xapiman.gui.menus import ORDER, TOOLBAR

    shown = {aid for ids in (*ORDER.values(), TOOLBAR) for aid in ids if aid in REGISTRY}
    assert sorted(REGISTRY[aid].label for aid in shown
                  if REGISTRY[aid].label not in LABELS) == []


def test_the_titles_of_the_tab_pages_are_marked() -> None:
    import xapiman.gui.tabs  # noqa: F401  (registers every page)
    from xapiman.gui.tabs.base import PAGES, TITLES

    assert sorted({p.title for p in PAGES} - set(TITLES)) == []
