"""The package layout and its entry points."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("xapiman", "--demo"),
        ("xapiman-sim", "--speed"),
        ("xapiman-cli", "--fingerprint"),
    ],
)
def test_entry_point_prints_help(command: str, expected: str) -> None:
    result = subprocess.run(
        [str(BIN / command), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert f"usage: {command}" in result.stdout
    assert expected in result.stdout


QT_MODULES = {"PyQt6", "qasync", "pyqtgraph"}


def _imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_qt_is_imported_only_in_gui() -> None:
    offenders = []
    for path in (REPO / "xapiman").rglob("*.py"):
        rel = path.relative_to(REPO)
        if rel.parts[1] == "gui":
            continue
        if _imported_top_modules(path) & QT_MODULES:
            offenders.append(str(rel))
    assert offenders == []


def test_non_gui_packages_import_without_qt() -> None:
    names = sorted(
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for path in (REPO / "xapiman").rglob("*.py")
        if "gui" not in path.relative_to(REPO).parts
    )
    code = (
        "import sys, importlib\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PyQt6', 'qasync')]\n"
        "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_simulator_does_not_depend_on_the_client() -> None:
    """xapiman-sim serves any XAPI client: it uses nothing of the client's profiles,
    passwords and connections (pools/), nor of its actions or its app."""
    offenders = []
    for path in (REPO / "xapiman" / "sim").rglob("*.py"):
        client = [name for name in _imported_modules(path)
                  if name.split(".")[:2] in (["xapiman", "pools"], ["xapiman", "actions"],
                                             ["xapiman", "gui"], ["xapiman", "scripting"])]
        if client:
            offenders.append(f"{path.relative_to(REPO)}: {', '.join(sorted(client))}")
    assert offenders == []
