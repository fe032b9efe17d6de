"""The pure core never imports Qt: not directly, not through another module, not inside a function."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("snapshot", "collectors", "analysis", "exports")
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")


def core_modules() -> list[tuple[str, Path]]:
    out = []
    for package in CORE_PACKAGES:
        base = ROOT / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            out.append((".".join(parts), path))
    return out


def qt_imports_in(path: Path, base: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        for name in names:
            if name.split(".")[0] in QT_MODULES:
                found.append((node.lineno, f"{path.relative_to(base)}:{node.lineno} imports {name}"))
    return [text for _, text in sorted(found)]


def test_core_packages_exist() -> None:
    modules = [m for m, _ in core_modules()]
    assert "analysis.model.organizations" in modules
    assert "snapshot.reader" in modules


def test_no_core_source_mentions_a_qt_import() -> None:
    problems = [p for _, path in core_modules() for p in qt_imports_in(path)]
    assert problems == []


def test_ast_check_catches_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import json\n"
        "def f():\n    from PySide6.QtCore import QObject\n    return QObject\n"
        "import importlib\nqt = importlib.import_module('shiboken6')\n"
    )
    assert qt_imports_in(sample, base=tmp_path) == [
        "sample.py:3 imports PySide6.QtCore",
        "sample.py:6 imports shiboken6",
    ]


BLOCKER = """
import importlib, importlib.abc, json, sys
BLOCKED = {blocked!r}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("core module imported " + name)
        return None
sys.meta_path.insert(0, Blocker())
failures = {{}}
for module in {modules!r}:
    try:
        importlib.import_module(module)
    except Exception as exc:
        failures[module] = type(exc).__name__ + ": " + str(exc)
leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
print(json.dumps({{"failures": failures, "leaked": leaked}}))
"""


def run_blocked(modules: list[str]) -> dict[str, object]:
    code = BLOCKER.format(blocked=list(QT_MODULES), modules=modules)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_core_modules_import_without_qt() -> None:
    """Each core module imports in a fresh interpreter where any Qt import raises."""
    result = run_blocked([m for m, _ in core_modules()])
    assert result == {"failures": {}, "leaked": []}


def test_the_blocker_really_blocks() -> None:
    result = run_blocked(["ui.workers"])
    failures = result["failures"]
    assert isinstance(failures, dict)
    assert "core module imported PySide6" in failures["ui.workers"]
