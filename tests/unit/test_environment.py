"""environment.yml (conda-forge) and pyproject.toml declare the same dependencies."""

import re
import tomllib

import yaml

from zwgk.paths import REPO_DIR

# conda-forge names that differ from PyPI's.
CONDA_TO_PYPI = {"python-kaleido": "kaleido"}


def _normalise(requirement: str) -> tuple[str, str]:
    name, _, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement.strip()).group(1, 0, 2)
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_and_pyproject_agree() -> None:
    pyproject = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["dev"]
    from_pyproject = dict(_normalise(r) for r in declared)
    environment = yaml.safe_load((REPO_DIR / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in environment["dependencies"] if isinstance(d, str) and _normalise(d)[0] not in ("python", "pip")]
    # packages that conda-forge lacks come from PyPI through the pip: block (the project itself aside)
    pip_block = next((d["pip"] for d in environment["dependencies"] if isinstance(d, dict) and "pip" in d), [])
    conda += [r.split("#")[0].strip() for r in pip_block if not r.startswith("-")]
    from_conda = {CONDA_TO_PYPI.get(name, name): spec for name, spec in (_normalise(r) for r in conda)}
    assert from_conda == from_pyproject
    assert "conda-forge" in environment["channels"]
    python = next(d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.replace("python", "") == pyproject["project"]["requires-python"]
