"""Shared fixtures: data folders built in temporary directories, never in the repo's data/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers.datadir import SEED_FILES, copy_repository_plans, list_national_files, make_data_dir
from zwgk.processed.build import build_dataset

# CI runs the same generated examples every time (deterministic); locally they vary and the
# example database remembers failures.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a copy of the repository's five seed plans (local plans only), built once per session."""
    data_dir = copy_repository_plans(tmp_path_factory.mktemp("seed-data"), list(SEED_FILES.values()))
    build_dataset(data_dir, force=True)
    return data_dir


@pytest.fixture(scope="session")
def reference_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and the State Council's plans of the repository (its whole data/raw), built once per session."""
    files = [*SEED_FILES.values(), *list_national_files()]
    data_dir = copy_repository_plans(tmp_path_factory.mktemp("reference-data"), files)
    build_dataset(data_dir, force=True)
    return data_dir


@pytest.fixture
def new_data_dir(tmp_path: Path):
    """Factory: a fresh data folder with the given raw files (name -> bytes) and a manifest."""

    def factory(files: dict[str, bytes], **metadata: object) -> Path:
        return make_data_dir(tmp_path / "data", files, **metadata)

    return factory
