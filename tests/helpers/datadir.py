"""Build data folders for tests: raw files plus a manifest, like a researcher's data/."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from zwgk.ingest.manifest import MANIFEST_COLUMNS
from zwgk.paths import REPO_DIR

REPO_RAW = REPO_DIR / "data" / "raw"
# The manifest rows of the repository's own plans (the five seeds and the State Council's plans) as
# committed: tests read these rows and the raw files they name (checked against their sha256),
# never the working manifest, so adding, replacing or removing a plan does not change any test.
REPOSITORY_PLANS = REPO_DIR / "tests" / "data" / "repository_plans.csv"
SEED_FILES = {
    "jiangsu-changzhou-2018": "jiangsu-changzhou-2018.txt",
    "guangdong-jiangmen-xinhui-2018": "guangdong-jiangmen-xinhui-2018.txt",
    "jiangsu-changzhou-2021": "jiangsu-changzhou-2021.txt",
    "jiangsu-suzhou-taicang-2019": "jiangsu-suzhou-taicang-2019.txt",
    "shandong-taian-2017": "shandong-taian-2017.txt",
}


def default_metadata(index: int, year: int = 2020) -> dict[str, object]:
    """Metadata for a made-up county-level city, distinct for each ``index``."""
    return {
        "jurisdiction": f"测试{'甲乙丙丁戊己庚辛'[index % 8]}市",
        "jurisdiction_en": f"Ceshi{index}",
        "jurisdiction_type": "county_city",
        "level": "county",
        "parent_jurisdiction": "样例市",
        "parent_jurisdiction_en": "Yangli",
        "province": "江苏省",
        "province_en": "Jiangsu",
        "year": year,
        "source": "built in a test",
    }


def manifest_row(file: str, data: bytes, metadata: dict[str, object]) -> dict[str, object]:
    """Return one manifest row for ``file`` holding ``data``."""
    return {"file": file, **metadata, "sha256": hashlib.sha256(data).hexdigest()}


def write_manifest(path: Path, rows: list[dict[str, object]]) -> None:
    """Write a manifest with the columns zwgk expects."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(MANIFEST_COLUMNS))
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" if row.get(column) is None else row.get(column) for column in MANIFEST_COLUMNS})
    path.write_text(buffer.getvalue(), encoding="utf-8")


def make_data_dir(data_dir: Path, files: dict[str, bytes], **metadata: object) -> Path:
    """Create ``data_dir/raw`` with ``files`` and a manifest (one made-up place per file)."""
    raw = data_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for index, (name, data) in enumerate(files.items()):
        (raw / name).write_bytes(data)
        rows.append(manifest_row(name, data, {**default_metadata(index), **metadata}))
    write_manifest(raw / "plans.csv", rows)
    return data_dir


def read_repository_rows(plan_files: list[str] | None = None) -> list[dict[str, str]]:
    """The committed manifest rows of the repository's plans (all, or those of ``plan_files``)."""
    with open(REPOSITORY_PLANS, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if plan_files is None or row["file"] in plan_files]
    if plan_files is not None:
        assert sorted(row["file"] for row in rows) == sorted(plan_files), f"a plan file is not in {REPOSITORY_PLANS}"
    return rows


def read_repository_plan(file: str, sha256: str) -> bytes:
    """The bytes of one of the repository's raw plans, checked against the sha256 the tests were written for."""
    data = (REPO_RAW / file).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise AssertionError(f"{REPO_RAW / file} is not the file the tests were written for; restore it with `git checkout -- data/raw`")
    return data


def copy_repository_plans(data_dir: Path, plan_files: list[str]) -> Path:
    """Create ``data_dir/raw`` with the repository's ``plan_files`` and their committed manifest rows."""
    raw = data_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rows = read_repository_rows(plan_files)
    for row in rows:
        (raw / row["file"]).write_bytes(read_repository_plan(row["file"], row["sha256"]))
    write_manifest(raw / "plans.csv", rows)
    return data_dir


def list_national_files() -> list[str]:
    """The State Council's plans among the repository's plans (level national)."""
    return sorted(row["file"] for row in read_repository_rows() if row["level"] == "national")
