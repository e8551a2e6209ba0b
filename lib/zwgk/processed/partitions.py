"""The processed tables on disk: plans in one file, the per-plan tables split by province.

At national scale (30,000 plans, three million measures) a researcher who studies one
province should not read the other thirty, and adding one plan should rewrite one
province's files, not the corpus. So every table with rows per plan (tasks, measures,
agencies, source lines) is written as a hive-style partitioned parquet dataset, which
pyarrow datasets, DuckDB (``read_parquet('tasks/*/*.parquet', hive_partitioning = true)``),
Polars and Spark read as they are::

    processed/plans.parquet
    processed/tasks/province_en=Jiangsu/part-0.parquet
    processed/tasks/province_en=China/part-0.parquet      (national plans)

The folder value is the plan's ``province_en``, percent-encoded if it holds anything but
letters, digits, ``_`` or ``-``. Every part of one table has the same arrow schema, so
they read as one table; rows inside a part are in primary-key order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, unquote

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zwgk.schema import FIELDS, LIST, TABLES, coerce_dtypes

PARTITION_FIELD = "province_en"
PART_FILE = "part-0.parquet"
MISSING_VALUE = "unknown"
PARTITIONED_TABLES = tuple(name for name in TABLES if name != "plans")


def make_partition_value(province_en: object) -> str:
    """Return the folder value of a province: its English name, percent-encoded where a path needs it."""
    text = "" if province_en is None or pd.isna(province_en) else str(province_en).strip()
    return quote(text or MISSING_VALUE, safe="")


def get_partition_dir(table_dir: Path, value: str) -> Path:
    """Return the folder of one province's part of a table."""
    return table_dir / f"{PARTITION_FIELD}={value}"


def list_partition_values(table_dir: Path) -> list[str]:
    """Return the partition values present under a table's folder, sorted."""
    prefix = f"{PARTITION_FIELD}="
    if not table_dir.is_dir():
        return []
    return sorted(path.name[len(prefix) :] for path in table_dir.iterdir() if path.name.startswith(prefix) and (path / PART_FILE).is_file())


def decode_partition_value(value: str) -> str:
    """Return the province_en a folder value stands for."""
    return unquote(value)


def get_arrow_schema(table: str) -> pa.Schema:
    """The arrow schema every part of ``table`` is written with, from the field dictionary.

    Parts are written one province at a time, so a schema inferred from each part's rows
    would differ where a province has only empty lists (typed null): every part gets this one.
    """
    schema = pa.Schema.from_pandas(coerce_dtypes(table, pd.DataFrame(columns=list(TABLES[table].columns))), preserve_index=False)
    for position, name in enumerate(schema.names):
        if FIELDS[name].dtype == LIST:
            schema = schema.set(position, pa.field(name, pa.list_(pa.string())))
    return schema


def write_partition(frame: pd.DataFrame, table_dir: Path, value: str) -> None:
    """Write one province's rows of a table (in primary-key order, possibly none) as its part under ``table_dir``."""
    folder = get_partition_dir(table_dir, value)
    folder.mkdir(parents=True, exist_ok=True)
    schema = get_arrow_schema(table_dir.name)
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), folder / PART_FILE)


def link_partitions(source_dir: Path, target_dir: Path, values: Iterable[str]) -> None:
    """Hard-link unchanged parts of the last build into the new one (no copy, no rewrite)."""
    for value in values:
        folder = get_partition_dir(target_dir, value)
        folder.mkdir(parents=True, exist_ok=True)
        os.link(get_partition_dir(source_dir, value) / PART_FILE, folder / PART_FILE)


def read_partitions(table_dir: Path, values: Iterable[str] | None = None, columns: list[str] | None = None) -> pa.Table:
    """Read the parts ``values`` (default all) of a table as one arrow table in primary-key order."""
    name = table_dir.name
    chosen = list_partition_values(table_dir) if values is None else sorted(set(values))
    files = [get_partition_dir(table_dir, value) / PART_FILE for value in chosen]
    files = [file for file in files if file.is_file()]
    if not files:  # a dataset of no plans, or provinces it does not hold
        empty = pa.Table.from_pandas(coerce_dtypes(name, pd.DataFrame(columns=list(TABLES[name].columns))), preserve_index=False)
        return empty.select(columns or list(TABLES[name].columns))
    table = pa.concat_tables([pq.read_table(file, columns=columns) for file in files], promote_options="permissive")
    key = [column for column in TABLES[name].primary_key if columns is None or column in columns]
    return table.sort_by([(column, "ascending") for column in key]) if len(files) > 1 and key else table
