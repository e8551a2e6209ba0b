"""The scripts in benchmarks/ as modules, for tests of their logic (they are scripts, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from zwgk.paths import REPO_DIR

BENCHMARKS_DIR = REPO_DIR / "benchmarks"


def import_benchmark(name: str) -> ModuleType:
    """Load ``benchmarks/<name>.py`` once per process and return it."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module
