"""The layout of tests/: one folder per app, support modules apart, no test module importing another."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_module_of_tests_imports_a_test_module_or_a_conftest():
    """Shared fixtures live in a conftest.py, shared helpers in a support module (tests/factories.py,
    tests/committee.py, tests/seances_world.py…): a test module is never imported by another module."""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        for name in sorted(_imported_modules(path)):
            last = name.rsplit(".", 1)[-1]
            if name.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                found.append(f"{path.relative_to(TESTS.parent)}: {name}")
    assert found == []


def test_every_folder_of_tests_is_a_package():
    """Test modules of different folders may share a name (tests/ami/test_states.py, tests/test_states.py)."""
    folders = {path.parent for path in TESTS.rglob("*.py")}
    assert sorted(str(f.relative_to(TESTS.parent)) for f in folders if not (f / "__init__.py").exists()) == []
