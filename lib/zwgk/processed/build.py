"""Build ``data/processed`` from ``data/raw``: parse every plan in the manifest, validate
the tables against the field dictionary and write them as parquet, atomically.

A build is identified by a fingerprint over the manifest, the raw files, the parser's code
and its data files; `load_*` rebuild only when it changes. Any error leaves the previous
dataset exactly as it was: tables are written to a temporary folder and swapped in last.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zwgk.errors import DatasetValidationError, PlanParseError, ZwgkError
from zwgk.ingest.manifest import ManifestEntry, check_raw_file, find_unlisted_files, read_manifest
from zwgk.parallel import iterate_processes
from zwgk.parse.dispatch import PlanSource, parse_plan_bytes
from zwgk.parse.frontmatter import infer_jurisdiction_year
from zwgk.paths import CONFIG_DIR, PACKAGE_DIR, get_manifest_path, get_processed_dir, get_raw_dir, resolve_data_dir
from zwgk.processed.parents import assign_parent_plans
from zwgk.processed.partitions import (
    PART_FILE,
    PARTITION_FIELD,
    PARTITIONED_TABLES,
    get_partition_dir,
    link_partitions,
    make_partition_value,
    read_partitions,
    write_partition,
)
from zwgk.processed.rows import PlanRows, build_plan_rows
from zwgk.processed.transaction import RETIRED_PREFIX, STAGING_PREFIX, hold_data_lock, mark_step, sync_folder
from zwgk.schema import TABLES, coerce_dtypes, validate_table
from zwgk.settings import get_default_settings, hash_config_files

BUILD_INFO = "build.json"
PARALLEL_MIN_PLANS = 16  # fewer plans parse faster in one process than workers start
_SHARE_COLUMNS = ("chars_task", "chars_heading", "chars_front", "chars_closing", "chars_dropped")


class BuildError(ZwgkError):
    """One or more plans could not be built; the previous dataset is untouched."""

    def __init__(self, errors: list[ZwgkError]) -> None:
        self.errors = errors
        listed = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"{len(errors)} plan(s) could not be built; data/processed was left as it was:\n{listed}")


@dataclass
class BuildReport:
    """What a build did: its fingerprint, the plans table, which provinces it rewrote and every warning.

    The other tables are read with ``load_*``: an incremental build rewrites only the
    provinces whose plans changed and never holds the rest in memory.
    """

    fingerprint: str
    plans: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    rebuilt: bool = True
    written_partitions: list[str] = field(default_factory=list)
    linked_partitions: list[str] = field(default_factory=list)


# What can change the parsed rows: the first three stages, the modules they share, their data files.
# Analyses and figures are left out, so editing a chart never reparses the corpus.
_BUILD_STAGES = ("ingest", "parse", "processed")
_BUILD_MODULES = ("errors.py", "parallel.py", "paths.py", "schema.py", "settings.py")


def list_build_code() -> list[Path]:
    """Return the source files whose content is part of the build fingerprint, in a stable order."""
    stages = [path for stage in _BUILD_STAGES for path in (PACKAGE_DIR / stage).rglob("*.py")]
    return sorted([*stages, *(PACKAGE_DIR / name for name in _BUILD_MODULES)])


def _hash_code() -> str:
    digest = hashlib.sha256()
    for path in list_build_code():
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _input_files(data_dir: Path) -> list[Path]:
    raw_dir = get_raw_dir(data_dir)
    raw = sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith(".")) if raw_dir.is_dir() else []
    return [*raw, *list_build_code(), *sorted(p for p in CONFIG_DIR.iterdir() if p.is_file())]


_FINGERPRINTS: dict[tuple, str] = {}


def compute_fingerprint(data_dir: Path) -> str:
    """Return the fingerprint of what a build from ``data_dir`` would read.

    Hashing every raw file on each ``load_*`` call would read the whole corpus each time,
    so the result is kept per process for as long as no input file's size or mtime changes.
    """
    signature = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in _input_files(data_dir))
    if signature in _FINGERPRINTS:
        return _FINGERPRINTS[signature]
    digest = hashlib.sha256()
    raw_dir = get_raw_dir(data_dir)
    for path in sorted(raw_dir.iterdir()) if raw_dir.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            digest.update(path.name.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(_hash_code().encode())
    digest.update(hash_config_files().encode())
    _FINGERPRINTS[signature] = digest.hexdigest()
    return _FINGERPRINTS[signature]


def read_build_info(data_dir: Path) -> dict | None:
    """Return what the last build recorded, or None if there is no dataset."""
    path = get_processed_dir(data_dir) / BUILD_INFO
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def is_dataset_current(data_dir: Path) -> bool:
    """Whether ``data/processed`` was built from exactly the current inputs and code."""
    info = read_build_info(data_dir)
    return info is not None and info.get("fingerprint") == compute_fingerprint(data_dir)


def check_title_against_manifest(entry: ManifestEntry, source: PlanSource) -> None:
    """Raise if the plan's title states another jurisdiction or year than the manifest."""
    inferred = infer_jurisdiction_year(source.parsed.front, get_default_settings().frontmatter)
    if inferred is None:
        return
    jurisdiction, year = inferred
    listed = str(entry.metadata["jurisdiction"])
    # The title names the place exactly, alone or after its province and parent (苏州市昆山市): 锡市 is not 无锡市.
    uppers = [str(entry.metadata.get(k) or "") for k in ("province", "parent_jurisdiction")]
    written = {listed, uppers[1] + listed, uppers[0] + listed, uppers[0] + uppers[1] + listed}
    if year != entry.metadata["year"] or jurisdiction not in written:
        raise PlanParseError(
            source.decoded.path,
            f"the title says {jurisdiction} {year} but the manifest says {listed} {entry.metadata['year']}",
            source.parsed.front.title_line,
        )


def _plan_cache_key(entry: ManifestEntry, raw_dir: Path, code_hash: str) -> str:
    """Key of a plan's parsed rows: its bytes, its manifest row, where it lives, the parser's code and data files."""
    row = [str(raw_dir), entry.file, entry.plan_id, entry.metadata, entry.sha256, entry.source]
    return hashlib.sha256((code_hash + json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)).encode()).hexdigest()


def _read_cached_rows(path: Path) -> PlanRows | None:
    try:
        return pickle.loads(path.read_bytes()) if path.is_file() else None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # a damaged or outdated cache entry is simply parsed again


def parse_plan_file(path: str | Path) -> PlanSource:
    """Read ``path`` and parse it (see `zwgk.parse.dispatch.parse_plan_bytes`)."""
    return parse_plan_bytes(Path(path).read_bytes(), path)


def _parse_entry(entry: ManifestEntry, data: bytes, raw_dir: Path) -> PlanRows:
    source = parse_plan_bytes(data, raw_dir / entry.file)
    check_title_against_manifest(entry, source)
    return build_plan_rows(entry, source)


def _parse_and_cache(job: tuple[ManifestEntry, bytes, Path, Path]) -> PlanRows:
    entry, data, raw_dir, path = job
    rows = _parse_entry(entry, data, raw_dir)
    staging = path.with_suffix(f".{os.getpid()}.tmp")
    mark_step(f"cache {path.name}")
    staging.write_bytes(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    staging.replace(path)
    return rows


def _parse_in_worker(job: tuple[ManifestEntry, bytes, Path, Path]) -> PlanRows | None:
    try:
        return _parse_and_cache(job)
    except ZwgkError:
        return None  # parsed again in the parent, which reports the error (these do not pickle)


def _check_entries(
    entries: list[ManifestEntry], raw_dir: Path, manifest: Path, cache_dir: Path, keys: dict[str, str], reused: set[str]
) -> tuple[list[tuple[ManifestEntry, bytes, Path, Path]], list[ZwgkError]]:  # fmt: skip
    """Check every raw file against its manifest hash (reused or not); return the plans to read from the cache or parse, in order.

    Cache entries no plan of the manifest uses any more are deleted.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    todo, errors = [], []
    for entry in entries:
        try:
            data = check_raw_file(entry, raw_dir, manifest)
        except ZwgkError as error:
            errors.append(error)
            continue
        if entry.plan_id not in reused:
            todo.append((entry, data, raw_dir, cache_dir / f"{keys[entry.plan_id]}.pkl"))
    used = {f"{key}.pkl" for key in keys.values()}
    for stale in cache_dir.glob("*.pkl"):
        if stale.name not in used:
            stale.unlink(missing_ok=True)
    return todo, errors


def _iterate_rows(todo: list[tuple[ManifestEntry, bytes, Path, Path]]) -> Iterator[tuple[str, PlanRows | ZwgkError]]:
    """Yield each plan's rows (or its error) in ``todo`` order: from the cache when it holds them, else parsed.

    Plans missing from the cache are parsed over every core when there are enough of them
    (about 50 plans/s per core), while the caller writes out the provinces already done.
    """
    jobs = [job for job in todo if not job[3].is_file()]
    to_parse = {job[0].plan_id for job in jobs}  # decided now: workers add cache files as they go
    parsed = iterate_processes(_parse_in_worker, jobs) if len(jobs) >= PARALLEL_MIN_PLANS else iter([None] * len(jobs))
    for job in todo:
        rows = next(parsed) if job[0].plan_id in to_parse else _read_cached_rows(job[3])
        try:
            yield job[0].plan_id, rows if rows is not None else _parse_and_cache(job)
        except ZwgkError as error:
            yield job[0].plan_id, error


def _find_reusable_notes(data_dir: Path, keys: dict[str, str]) -> dict[str, dict]:
    """Notes (warnings) of the last build's plans whose cache key is unchanged: their rows can be reused."""
    info = read_build_info(data_dir) or {}
    return {plan_id: note for plan_id, note in info.get("plan_notes", {}).items() if keys.get(plan_id) == note.get("key")}


def _group_by_partition(value_of_plan: dict[str, str]) -> dict[str, list[str]]:
    """The plan ids of each partition, sorted (as the build info records them)."""
    members: dict[str, list[str]] = {}
    for plan_id, value in sorted(value_of_plan.items()):
        members.setdefault(value, []).append(plan_id)
    return members


def _find_linkable(data_dir: Path, value_of_plan: dict[str, str], notes: dict[str, dict]) -> set[str]:
    """Provinces whose plans are exactly the last build's, all unchanged: their parts are linked, not rewritten."""
    previous = (read_build_info(data_dir) or {}).get("partitions", {})
    members = _group_by_partition(value_of_plan)
    processed = get_processed_dir(data_dir)
    return {
        value
        for value, plan_ids in members.items()
        if previous.get(value) == plan_ids
        and all(plan_id in notes for plan_id in plan_ids)
        and all((get_partition_dir(processed / name, value) / PART_FILE).is_file() for name in PARTITIONED_TABLES)
    }


class _DamagedDatasetError(Exception):
    """The last build's files cannot be read back: the build starts again from nothing."""


def _read_kept_plans(processed: Path, notes: dict[str, dict]) -> pd.DataFrame:
    """The plans-table rows of the reusable plans (validated by the last build)."""
    try:
        frame = pd.read_parquet(processed / "plans.parquet")
    except (OSError, ValueError) as error:
        raise _DamagedDatasetError from error
    return coerce_dtypes("plans", frame[frame["plan_id"].isin(list(notes))])


def _read_kept(processed: Path, value: str, kept_ids: list[str]) -> dict[str, pd.DataFrame]:
    """One province's rows of its reusable plans, read back from its parts of the last build (validated then).

    Adding a plan to a large dataset so parses, validates and merges only that plan's rows;
    its province's other plans are read back, and the other provinces are linked, not read.
    """
    if not kept_ids:
        return {}
    try:
        frames = {name: read_partitions(processed / name, [value]).to_pandas() for name in PARTITIONED_TABLES}
    except (OSError, ValueError) as error:
        raise _DamagedDatasetError from error
    return {name: coerce_dtypes(name, frame[frame["plan_id"].isin(kept_ids)]) for name, frame in frames.items()}


def _make_table(name: str, records: list[dict]) -> pd.DataFrame:
    """Build, coerce and validate one table from the rows of newly parsed plans."""
    frame = coerce_dtypes(name, pd.DataFrame.from_records(records, columns=list(TABLES[name].columns)))
    return validate_table(name, frame.sort_values(list(TABLES[name].primary_key), ignore_index=True))


@dataclass
class _Staged:
    """What the province-by-province pass leaves for the end of a build."""

    plan_rows: list[dict] = field(default_factory=list)
    notes: dict[str, dict] = field(default_factory=dict)
    errors: list[ZwgkError] = field(default_factory=list)


def _stage_province(value: str, fresh: list[tuple[str, PlanRows]], kept_ids: list[str], processed: Path, staging: Path) -> None:
    """Write one province's parts of the per-plan tables into ``staging``: its reusable rows and its newly parsed ones."""
    new = {name: _make_table(name, [row for _, rows in fresh for row in getattr(rows, name)]) for name in PARTITIONED_TABLES}
    tables = _combine(_read_kept(processed, value, kept_ids), new)
    for name in PARTITIONED_TABLES:
        mark_step(f"write {name}/{value}")
        write_partition(tables[name], staging / name, value)


def _stage_provinces(
    todo: list[tuple[ManifestEntry, bytes, Path, Path]], partitions: dict[str, list[str]], notes: dict[str, dict],
    linked: set[str], processed: Path, staging: Path, keys: dict[str, str], staged: _Staged,
) -> None:  # fmt: skip
    """Parse and write one province at a time, so a build never holds more than a province's tables.

    ``todo`` is in province order. Unchanged provinces (``linked``) are hard links to the last
    build's parts. Once a plan has failed nothing more is written, but every plan is still
    parsed, so the error lists them all.
    """
    stream = _iterate_rows(todo)
    value_of_plan = {plan_id: value for value, plan_ids in partitions.items() for plan_id in plan_ids}
    fresh_count = Counter(value_of_plan[job[0].plan_id] for job in todo)
    for value in sorted(partitions):
        if value in linked:
            for name in PARTITIONED_TABLES:
                link_partitions(processed / name, staging / name, [value])
            continue
        fresh = [next(stream) for _ in range(fresh_count[value])]
        staged.errors += [rows for _, rows in fresh if isinstance(rows, ZwgkError)]
        if staged.errors:
            continue
        _stage_province(value, fresh, [plan_id for plan_id in partitions[value] if plan_id in notes], processed, staging)
        staged.plan_rows += [row for _, rows in fresh for row in rows.plans]
        staged.notes.update({plan_id: _make_note(keys[plan_id], rows) for plan_id, rows in fresh})


def _write_plans_and_info(plans: pd.DataFrame, info: dict, staging: Path, processed: Path) -> None:
    """Write the plans table and the build info beside the staged parts, then swap the whole folder in."""
    mark_step("write plans.parquet")
    plans.to_parquet(staging / "plans.parquet", index=False)
    mark_step(f"write {BUILD_INFO}")
    (staging / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _swap_in(staging, processed)


def _combine(kept: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Merge reused (validated) rows with new (validated) rows; the primary keys must stay unique."""
    tables = {}
    for name, frame in new.items():
        key = list(TABLES[name].primary_key)
        merged = pd.concat([kept[name], frame], ignore_index=True) if name in kept and len(kept[name]) else frame
        merged = merged.sort_values(key, ignore_index=True)
        duplicated = merged[merged.duplicated(key, keep=False)]
        if len(duplicated):
            raise DatasetValidationError(f"table {name}: duplicated primary key {key}: {duplicated[key].head(5).to_dict('records')}")
        tables[name] = merged
    return tables


def _make_note(key: str, rows: PlanRows) -> dict:
    """What the build info keeps of a plan, so a later build can reuse its rows without parsing it."""
    return {"key": key, "warnings": rows.warnings, "unmapped_agencies": rows.unmapped_agencies}


def _collect_warnings(notes: list[dict]) -> list[str]:
    warnings = [warning for note in notes for warning in note["warnings"]]
    unmapped = Counter(name for note in notes for name in note["unmapped_agencies"])
    if unmapped:
        names = "、".join(f"{name} ({count})" for name, count in sorted(unmapped.items()))
        warnings.append(f"{len(unmapped)} agency name(s) map to no kind in config/agency_kinds.csv (kind 'other'): {names}")
    return warnings


def _swap_in(staging: Path, processed_dir: Path) -> None:
    """Rename the new tables in; a kill between the two renames is undone by `transaction.clean_leftovers`."""
    for path in sorted(staging.rglob("*"), reverse=True):  # files before the folders holding them
        if path.is_dir():
            sync_folder(path)
            continue
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    sync_folder(staging)
    mark_step("rename the new tables in")
    if not processed_dir.exists():
        os.replace(staging, processed_dir)
        sync_folder(processed_dir.parent)
        return
    retired = processed_dir.parent / f"{RETIRED_PREFIX}{os.getpid()}"
    os.replace(processed_dir, retired)
    try:
        mark_step("rename the new tables in (previous retired)")
        os.replace(staging, processed_dir)
    except BaseException:
        os.replace(retired, processed_dir)
        raise
    sync_folder(processed_dir.parent)
    shutil.rmtree(retired, ignore_errors=True)


def build_dataset(data_dir: Path | None = None, *, force: bool = False, log: Callable[[str], None] | None = None) -> BuildReport:
    """Build ``data/processed`` from ``data/raw`` unless it is already current.

    Raises `BuildError` (listing every plan that failed, with file and line) or
    `ManifestError`; on any error nothing is written.
    """
    data_dir = resolve_data_dir(data_dir)
    with hold_data_lock(data_dir, log):
        return _build_locked(data_dir, force, log or (lambda message: None))


def _finish_plans(kept: pd.DataFrame | None, rows: list[dict], entries: list[ManifestEntry], manifest: Path) -> pd.DataFrame:
    """The plans table: the reusable plans' rows and the new ones, with each plan's parent plan, validated."""
    plans = _combine({"plans": kept} if kept is not None else {}, {"plans": _make_table("plans", rows)})["plans"]
    return validate_table("plans", coerce_dtypes("plans", assign_parent_plans(plans, entries, manifest)))


def _list_unlisted(entries: list[ManifestEntry], raw_dir: Path, manifest: Path) -> list[str]:
    return [
        f"{raw_dir / name}: not in the manifest {manifest.name}, so not built" for name in find_unlisted_files(entries, raw_dir, manifest)
    ]


def _build_locked(data_dir: Path, force: bool, log: Callable[[str], None]) -> BuildReport:
    fingerprint = compute_fingerprint(data_dir)
    processed = get_processed_dir(data_dir)
    if not force and is_dataset_current(data_dir):
        info = read_build_info(data_dir) or {}
        return BuildReport(fingerprint, pd.read_parquet(processed / "plans.parquet"), info.get("warnings", []), rebuilt=False)
    try:
        return _build_staged(data_dir, fingerprint, force, log)
    except _DamagedDatasetError:
        return _build_staged(data_dir, fingerprint, True, log)  # the last build cannot be read back: build everything


def _build_staged(data_dir: Path, fingerprint: str, force: bool, log: Callable[[str], None]) -> BuildReport:
    """Build into a staging folder, province by province, and swap it in; nothing is written if any plan fails."""
    raw_dir, manifest, processed = get_raw_dir(data_dir), get_manifest_path(data_dir), get_processed_dir(data_dir)
    entries = read_manifest(manifest)
    code_hash = _hash_code() + hash_config_files()
    keys = {entry.plan_id: _plan_cache_key(entry, raw_dir, code_hash) for entry in entries}
    value_of_plan = {entry.plan_id: make_partition_value(entry.metadata.get(PARTITION_FIELD)) for entry in entries}
    notes = {} if force else _find_reusable_notes(data_dir, keys)
    linked = _find_linkable(data_dir, value_of_plan, notes) if notes else set()
    kept_plans = _read_kept_plans(processed, notes) if notes else None
    todo, errors = _check_entries(entries, raw_dir, manifest, data_dir / "cache" / "plans", keys, set(notes))
    todo.sort(key=lambda job: value_of_plan[job[0].plan_id])  # province order, manifest order within
    partitions = _group_by_partition(value_of_plan)
    processed.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=processed.parent))
    try:
        staged = _Staged(errors=errors)
        _stage_provinces(todo, partitions, notes, linked, processed, staging, keys, staged)
        if staged.errors:
            raise BuildError(staged.errors)
        notes = {entry.plan_id: (notes | staged.notes)[entry.plan_id] for entry in entries}  # manifest order
        plans = _finish_plans(kept_plans, staged.plan_rows, entries, manifest)
        warnings = _collect_warnings(list(notes.values())) + _list_unlisted(entries, raw_dir, manifest)
        info = {"fingerprint": fingerprint, "n_plans": len(entries), "warnings": warnings, "plan_notes": notes, "partitions": partitions}
        _write_plans_and_info(plans, info, staging, processed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for line in format_accounting(plans):
        log(line)
    for warning in warnings:
        log(f"warning: {warning}")
    written = sorted(set(partitions) - linked)
    return BuildReport(fingerprint, plans, warnings, written_partitions=written, linked_partitions=sorted(linked))


def format_accounting(plans: pd.DataFrame) -> list[str]:
    """Return the per-plan text accounting as printable lines (shares of characters)."""
    shares = " ".join(f"{name:>7}" for name in ("task", "heading", "front", "closing", "dropped"))
    header = f"{'plan_id':<34} {'layout':<15} {'tasks':>5} {'measures':>8} {shares}"
    lines = [header]
    for row in plans.itertuples(index=False):
        total = max(int(row.chars_total), 1)
        shares = [100 * int(getattr(row, column)) / total for column in _SHARE_COLUMNS]
        lines.append(
            f"{row.plan_id:<34} {row.layout:<15} {row.n_tasks:>5} {row.n_measures:>8} " + " ".join(f"{share:>6.1f}%" for share in shares)
        )
    return lines
