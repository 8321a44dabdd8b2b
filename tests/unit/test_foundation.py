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


def test_the_null_reference_is_spelled_in_one_place_per_side() -> None:
    """The client writes the null reference as `xapi.refs.NULL_REF`, the simulator as
    `sim.model.values.NULL_REF` (its datamodel tables, generated from xenapi.json, spell the
    defaults as the datamodel does); no module keeps a copy of its own."""
    allowed = {"xapiman/xapi/refs.py", "xapiman/sim/model/values.py",
               "xapiman/sim/model/tables.py"}
    offenders = sorted(
        str(path.relative_to(REPO)) for path in (REPO / "xapiman").rglob("*.py")
        if "OpaqueRef:NULL" in path.read_text()
        and str(path.relative_to(REPO)) not in allowed)
    assert offenders == []


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs: all of them but those under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_record_views_find_each_other_through_the_registry() -> None:
    """A record view reaches a related object's view by its XAPI class name
    (`records.base.view_class`), never by importing the other view module, at the top or
    inside a function: the views stay free of import cycles and of imports done per call."""
    offenders = []
    folder = REPO / "xapiman" / "xapi" / "records"
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in _runtime_imports(tree):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""])
            inside = node.col_offset > 0
            other_view = any(m.startswith("xapiman.xapi.records.")
                             and m != "xapiman.xapi.records.base" for m in modules)
            if inside or other_view:
                offenders.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == []
