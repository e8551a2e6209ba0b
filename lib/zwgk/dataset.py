"""Load the dataset: ``load_plans()``, ``load_tasks()``, ``load_measures()``,
``load_agencies()`` and ``load_source_lines()``.

Each call checks the build fingerprint: if a raw file, the manifest, the parser's code or
its data files changed, the dataset is rebuilt first; otherwise the parquet is read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zwgk.build import build_dataset, is_dataset_current
from zwgk.paths import get_data_dir
from zwgk.schema import FIELDS, LIST, TABLES


def ensure_dataset(data_dir: Path | None = None) -> Path:
    """Rebuild the dataset if it is missing or stale; return the processed folder."""
    data_dir = data_dir or get_data_dir()
    if not is_dataset_current(data_dir):
        build_dataset(data_dir, log=print)  # rechecks under the build lock
    return data_dir / "processed"


def load_table(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """Return table ``name`` with the field dictionary's dtypes (list columns as lists)."""
    frame = pd.read_parquet(ensure_dataset(data_dir) / f"{name}.parquet")
    for column in TABLES[name].columns:
        if FIELDS[column].dtype == LIST:
            frame[column] = frame[column].map(list)
        else:
            frame[column] = frame[column].astype(FIELDS[column].dtype)
    return frame


def load_plans(data_dir: Path | None = None) -> pd.DataFrame:
    """Return one row per plan: jurisdiction, level, province, year, notice, accounting."""
    return load_table("plans", data_dir)


def load_tasks(data_dir: Path | None = None) -> pd.DataFrame:
    """Return one row per task, with its sections, agencies, time expressions and source lines."""
    return load_table("tasks", data_dir)


def load_measures(data_dir: Path | None = None) -> pd.DataFrame:
    """Return one row per sentence-level measure, with offsets into its task's text."""
    return load_table("measures", data_dir)


def load_agencies(data_dir: Path | None = None) -> pd.DataFrame:
    """Return one row per agency named for a task, with role and canonical kind."""
    return load_table("agencies", data_dir)


def load_source_lines(data_dir: Path | None = None) -> pd.DataFrame:
    """Return one row per raw line and where it went (the text accounting)."""
    return load_table("source_lines", data_dir)
