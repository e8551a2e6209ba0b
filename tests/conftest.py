"""Shared fixtures: data folders built in temporary directories, never in the repo's data/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers.datadir import REPO_RAW, make_data_dir
from zwgk.processed.build import build_dataset

# CI runs the same generated examples every time (deterministic); locally they vary and the
# example database remembers failures.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a copy of the repository's raw seeds, built once per session."""
    data_dir = tmp_path_factory.mktemp("seed-data")
    shutil.copytree(REPO_RAW, data_dir / "raw")
    build_dataset(data_dir, force=True)
    return data_dir


@pytest.fixture
def new_data_dir(tmp_path: Path):
    """Factory: a fresh data folder with the given raw files (name -> bytes) and a manifest."""

    def factory(files: dict[str, bytes], **metadata: object) -> Path:
        return make_data_dir(tmp_path / "data", files, **metadata)

    return factory
