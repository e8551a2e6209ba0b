"""Load the parser's data files (YAML/CSV in ``zwgk/config``), once per process.

Header synonyms, numbering styles, noise patterns, agency role markers and canonical
agency kinds vary between plans; they live in these files so that a new plan needs an
edited data file, never a new ``if``.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from zwgk.paths import CONFIG_DIR


@functools.cache
def load_yaml(name: str) -> dict[str, Any]:
    """Return the parsed YAML file ``config/<name>.yaml``."""
    with open(CONFIG_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@functools.cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile and cache a pattern taken from a data file."""
    return re.compile(pattern)


@dataclass(frozen=True)
class AgencyKind:
    """A canonical kind of agency, so agencies compare across jurisdictions."""

    kind_id: str
    kind_zh: str
    kind_en: str
    pattern: re.Pattern[str]


@functools.cache
def load_agency_kinds() -> tuple[AgencyKind, ...]:
    """Return the agency kinds in file order (first match wins)."""
    with open(CONFIG_DIR / "agency_kinds.csv", encoding="utf-8", newline="") as handle:
        return tuple(
            AgencyKind(row["kind_id"], row["kind_zh"], row["kind_en"], re.compile(row["pattern"])) for row in csv.DictReader(handle)
        )


def hash_config_files() -> str:
    """Return one sha256 over every data file, part of the build fingerprint."""
    digest = hashlib.sha256()
    for path in sorted(CONFIG_DIR.iterdir()):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
