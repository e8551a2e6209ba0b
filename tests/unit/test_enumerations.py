"""Every enumeration has one definition, in zwgk.schema; no other module spells one out again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zwgk import schema
from zwgk.paths import PACKAGE_DIR

ENUMERATIONS = {
    name: set(value)
    for name, value in vars(schema).items()
    if name.isupper() and isinstance(value, tuple) and len(value) >= 2 and all(isinstance(item, str) for item in value)
}
MODULES = sorted(path for path in PACKAGE_DIR.rglob("*.py") if path.name != "schema.py")


def _literal_string_groups(path: Path) -> list[tuple[int, set[str]]]:
    groups = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = [item.value for item in node.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)]
            if len(values) >= 2 and len(values) == len(node.elts):
                groups.append((node.lineno, set(values)))
    return groups


def test_the_enumerations_are_found() -> None:
    for name in ("ROLES", "LAYOUTS", "LEVELS", "LINE_CATEGORIES", "COLUMN_ROLES", "JURISDICTION_TYPES", "CHECK_FINDING_KINDS"):
        assert name in ENUMERATIONS
    assert schema.UNCLASSIFIED == "unclassified"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_module_spells_out_an_enumeration_again(path: Path) -> None:
    repeated = [
        f"line {line}: {sorted(values)} repeats schema.{name}"
        for line, values in _literal_string_groups(path)
        for name, members in ENUMERATIONS.items()
        if values <= members and len(values) >= max(2, 0.75 * len(members))  # the enumeration, or most of it
    ]
    assert not repeated, "import the enumeration from zwgk.schema instead:\n" + "\n".join(repeated)


def test_the_theme_sentinel_is_never_spelled_out() -> None:
    spelled = [str(path) for path in MODULES if '"unclassified"' in path.read_text(encoding="utf-8")]
    assert not spelled
