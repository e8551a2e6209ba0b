"""Load the dataset: ``load_plans()``, ``load_tasks()``, ``load_measures()``,
``load_agencies()`` and ``load_source_lines()``.

Each call checks the build fingerprint: if a raw file, the manifest, the parser's code or
its data files changed, the dataset is rebuilt first; otherwise the parquet is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zwgk.paths import get_processed_dir, resolve_data_dir
from zwgk.processed.build import build_dataset, is_dataset_current
from zwgk.processed.partitions import PARTITION_FIELD, make_partition_value, read_partitions
from zwgk.processed.transaction import needs_recovery
from zwgk.schema import FIELDS, LIST, TABLES


def ensure_dataset(data_dir: Path | None = None) -> Path:
    """Rebuild the dataset if it is missing or stale; return the processed folder."""
    data_dir = resolve_data_dir(data_dir)
    if needs_recovery(data_dir) or not is_dataset_current(data_dir):
        build_dataset(data_dir, log=print)  # recovers an interrupted command and rechecks, under the lock
    return get_processed_dir(data_dir)


def _read_lists(column: pa.ChunkedArray) -> list[list]:
    """A parquet list column as Python lists, sliced from its flat values (3x faster than
    converting pandas' per-row arrays; this was most of ``load_tasks()`` at 5,000 plans)."""
    array = column.combine_chunks()
    values = array.flatten().to_pylist()
    offsets = array.offsets.to_numpy()
    return [values[start:end] for start, end in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]


def _choose_partitions(processed: Path, provinces: str | Iterable[str] | None) -> list[str] | None:
    """The partition values of ``provinces`` (Chinese or English names), or None for all."""
    if provinces is None:
        return None
    wanted = {provinces} if isinstance(provinces, str) else set(provinces)
    plans = pq.read_table(processed / "plans.parquet", columns=["province", "province_en"]).to_pandas().drop_duplicates()
    known = set(plans["province"]) | set(plans["province_en"])
    unknown = sorted(wanted - known)
    if unknown:
        names = "、".join(sorted(plans["province"].dropna().unique()))
        raise ValueError(f"no plans of province {'、'.join(unknown)} in the dataset; it has plans of: {names}")
    chosen = plans[plans["province"].isin(wanted) | plans["province_en"].isin(wanted)]["province_en"]
    return sorted({make_partition_value(value) for value in chosen})


def _to_frame(name: str, table: pa.Table) -> pd.DataFrame:
    lists = [column for column in TABLES[name].columns if FIELDS[column].dtype == LIST]
    frame = table.drop_columns(lists).to_pandas()
    for column in TABLES[name].columns:
        if column in lists:
            frame[column] = _read_lists(table.column(column))
        else:
            frame[column] = frame[column].astype(FIELDS[column].dtype)
    return frame[list(TABLES[name].columns)]


def load_table(name: str, data_dir: Path | None = None, provinces: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Return table ``name`` with the field dictionary's dtypes (list columns as lists), in primary-key order.

    ``provinces`` (a name or names, Chinese or English: "江苏省", "Jiangsu", "全国") reads only
    those provinces' parts of the dataset and their plans.
    """
    processed = ensure_dataset(data_dir)
    values = _choose_partitions(processed, provinces)
    if name != "plans":
        return _to_frame(name, read_partitions(processed / name, values))
    plans = _to_frame(name, pq.read_table(processed / "plans.parquet"))
    if values is None:
        return plans
    return plans[plans[PARTITION_FIELD].map(make_partition_value).isin(values)].reset_index(drop=True)


def load_plans(data_dir: Path | None = None, provinces: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Return one row per plan: jurisdiction, level, province, year, notice, accounting."""
    return load_table("plans", data_dir, provinces)


def load_tasks(data_dir: Path | None = None, provinces: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Return one row per task, with its sections, agencies, time expressions and source lines."""
    return load_table("tasks", data_dir, provinces)


def load_measures(data_dir: Path | None = None, provinces: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Return one row per sentence-level measure, with offsets into its task's text."""
    return load_table("measures", data_dir, provinces)


def load_agencies(data_dir: Path | None = None, provinces: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Return one row per agency named for a task, with role and canonical kind."""
    return load_table("agencies", data_dir, provinces)


def load_source_lines(data_dir: Path | None = None, provinces: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Return one row per raw line and where it went (the text accounting)."""
    return load_table("source_lines", data_dir, provinces)


def load_measure_sources(data_dir: Path | None = None, provinces: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Measures with where they come from: jurisdiction, year, section and source lines."""
    plans = load_plans(data_dir, provinces)[["plan_id", "jurisdiction", "jurisdiction_en", "year"]]
    tasks = load_tasks(data_dir, provinces)[["task_id", "section_path", "line_start", "line_end"]]
    measures = load_measures(data_dir, provinces)[["measure_id", "plan_id", "task_id", "text"]]
    return measures.merge(plans, on="plan_id").merge(tasks, on="task_id")
