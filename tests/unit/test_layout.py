"""The package is laid out as its stages, and data flows one way through them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zwgk.paths import PACKAGE_DIR
from zwgk.processed.build import compute_fingerprint

# Earlier stages never import later ones. The shared modules import no stage.
STAGES = ("ingest", "parse", "processed", "analyses", "figures", "commands")
SHARED = ("errors", "paths", "schema", "settings", "parallel")


def _stage_of(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "zwgk":
        raise ValueError(module)
    if len(parts) == 1 or parts[1] in ("__init__", "__main__"):
        return len(STAGES) + 1  # the public API sits on top of everything
    if parts[1] in SHARED:
        return 0
    return STAGES.index(parts[1]) + 1


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zwgk"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("zwgk")]
    return found


MODULES = sorted(PACKAGE_DIR.rglob("*.py"))


def test_every_module_sits_in_a_stage_or_is_shared() -> None:
    top_level = sorted(p.stem for p in PACKAGE_DIR.glob("*.py"))
    assert top_level == sorted(["__init__", "__main__", *SHARED])
    folders = sorted(p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == sorted(STAGES)
    for stage in STAGES:
        assert ast.get_docstring(ast.parse((PACKAGE_DIR / stage / "__init__.py").read_text(encoding="utf-8"))), stage


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_module_imports_from_a_later_stage(path: Path) -> None:
    own = _stage_of(_module_name(path))
    later = [f"line {line}: {module}" for line, module in _imports(path) if _stage_of(module) > own]
    assert not later, f"{path.name} imports from a later stage: {later}"


def test_the_walker_sees_a_backward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from zwgk.figures.charts import plot_plan_sizes\n", encoding="utf-8")
    assert _imports(bad) == [(2, "zwgk.figures.charts")]
    assert _stage_of("zwgk.figures.charts") > _stage_of("zwgk.parse.table")


def test_parse_uses_neither_pandas_nor_the_disk() -> None:
    for path in (PACKAGE_DIR / "parse").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import pandas" not in text and "open(" not in text and "read_bytes" not in text, path.name


def _touch(path: Path) -> bytes:
    original = path.read_bytes()
    path.write_bytes(original + b"\n# edited by a test\n")
    return original


def test_the_build_fingerprint_covers_parser_code_and_not_charts(seed_data_dir: Path) -> None:
    from zwgk.processed import build

    before = compute_fingerprint(seed_data_dir)
    for relative, changes in (("parse/measures.py", True), ("figures/charts.py", False), ("analyses/themes.py", False)):
        path = PACKAGE_DIR / relative
        original = _touch(path)
        try:
            build._FINGERPRINTS.clear()
            assert (compute_fingerprint(seed_data_dir) != before) is changes, relative
        finally:
            path.write_bytes(original)
            build._FINGERPRINTS.clear()
    assert compute_fingerprint(seed_data_dir) == before
