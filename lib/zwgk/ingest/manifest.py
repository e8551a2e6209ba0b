"""The manifest ``data/raw/plans.csv``: one row per raw file with its metadata and sha256.

Raw files are never edited; the manifest records what each is and where it came from.
The build checks every file against its recorded sha256 and refuses duplicates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zwgk.errors import ManifestError
from zwgk.ingest.decoding import compute_sha256
from zwgk.schema import FIELDS, PLAN_METADATA

# parent_plan_id is optional: empty (or absent) lets the build find the parent plans from the
# place columns (`zwgk.processed.parents`); a plan id there overrides that.
MANIFEST_COLUMNS = ("file", *PLAN_METADATA, "sha256", "source", "parent_plan_id")
_OPTIONAL = ("parent_plan_id",)
_REQUIRED = ("file", "jurisdiction", "jurisdiction_en", "jurisdiction_type", "level", "province", "province_en", "year", "sha256", "source")


@dataclass(frozen=True)
class ManifestEntry:
    """One raw file and what the manifest says about it (1-based CSV line for errors)."""

    line: int
    file: str
    plan_id: str
    metadata: dict[str, object]
    sha256: str
    source: str
    parent_plan_id: str | None = None


def make_slug(text: str) -> str:
    """Return ``text`` as a lowercase ASCII slug (Xi'an -> xian, Haizhu District -> haizhu-district)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def make_plan_id(metadata: dict[str, object]) -> str:
    """Return the stable plan id: province, parent (if any), jurisdiction, year; national-YEAR for the nation's plans.

    A province's (or municipality's) own plan names the province once: jiangsu-2018, beijing-2018.
    """
    if metadata.get("level") == "national":
        return f"national-{metadata['year']}"
    parts = [make_slug(str(metadata["province_en"])), make_slug(str(metadata.get("parent_jurisdiction_en") or ""))]
    jurisdiction = make_slug(str(metadata["jurisdiction_en"]))
    parts += [jurisdiction if jurisdiction not in parts else "", str(metadata["year"])]  # a province's own plan: jiangsu-2018
    return "-".join(part for part in parts if part)


def read_manifest(path: Path) -> list[ManifestEntry]:
    """Read and check the manifest; raise `ManifestError` naming the line of any problem."""
    if not path.exists():
        raise ManifestError(path, "the manifest is missing: list every raw file in it")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in MANIFEST_COLUMNS if column not in frame.columns and column not in _OPTIONAL]
    if missing:
        raise ManifestError(path, f"missing columns: {', '.join(missing)}", 1)
    entries = [_read_row(path, index + 2, row) for index, row in enumerate(frame.to_dict("records"))]
    _check_unique(path, entries)
    return entries


def _read_row(path: Path, line: int, row: dict[str, str]) -> ManifestEntry:
    for column in _REQUIRED:
        if not row[column].strip():
            raise ManifestError(path, f"column {column} is empty", line)
    for column in ("level", "jurisdiction_type"):
        allowed = FIELDS[column].allowed or ()
        if row[column] not in allowed:
            raise ManifestError(path, f"{column} {row[column]!r} is not one of {', '.join(allowed)}", line)
    if not re.fullmatch(r"(19|20)\d{2}", row["year"]):
        raise ManifestError(path, f"year {row['year']!r} is not a year", line)
    metadata: dict[str, object] = {column: (row[column].strip() or None) for column in PLAN_METADATA}
    metadata["year"] = int(row["year"])
    parent = (row.get("parent_plan_id") or "").strip() or None
    if parent is not None and not re.fullmatch(FIELDS["plan_id"].pattern or "", parent):
        raise ManifestError(path, f"parent_plan_id {parent!r} is not a plan id (lowercase pinyin and digits joined by '-')", line)
    plan_id = make_plan_id(metadata)
    return ManifestEntry(line, row["file"], plan_id, metadata, row["sha256"].strip().lower(), row["source"], parent)


def _check_unique(path: Path, entries: list[ManifestEntry]) -> None:
    seen: dict[tuple[str, object], ManifestEntry] = {}
    for entry in entries:
        for key in (("file", entry.file), ("sha256", entry.sha256), ("plan_id", entry.plan_id)):
            if key in seen:
                other = seen[key]
                what = {"file": "the same file", "sha256": "the same content (sha256)", "plan_id": "the same jurisdiction and year"}[key[0]]
                raise ManifestError(path, f"{entry.file} and {other.file} (line {other.line}) are {what}: the same plan twice", entry.line)
            seen[key] = entry


def check_raw_file(entry: ManifestEntry, raw_dir: Path, manifest: Path) -> bytes:
    """Return the bytes of ``entry``'s file after checking it exists and matches its sha256."""
    file = raw_dir / entry.file
    if not file.is_file():
        raise ManifestError(manifest, f"{entry.file} is listed but not in {raw_dir}", entry.line)
    data = file.read_bytes()
    actual = compute_sha256(data)
    if actual != entry.sha256:
        raise ManifestError(
            manifest,
            f"{entry.file} has sha256 {actual}, not the recorded {entry.sha256}: raw files are never edited; "
            "if this is a new version, record it as a new file",
            entry.line,
        )
    return data


def find_unlisted_files(entries: list[ManifestEntry], raw_dir: Path, manifest: Path) -> list[str]:
    """Return raw files that the manifest does not list (they are not built)."""
    listed = {entry.file for entry in entries} | {manifest.name}
    return sorted(p.name for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith(".") and p.name not in listed)
