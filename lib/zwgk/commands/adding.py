"""Add a newly released plan in one command, never by a code change, never damaging data.

``add_plan`` reads and parses the file first (so a bad file fails before anything is
touched), infers what it can from the title and notice (jurisdiction, parent, year, level,
English names via pinyin), asks for the rest by error message, copies the file into
``data/raw/`` under its plan id, records it in the manifest and rebuilds. If anything fails,
``data/raw/``, the manifest and ``data/processed/`` are put back exactly as they were.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zwgk.errors import ZwgkError
from zwgk.ingest.decoding import compute_sha256
from zwgk.ingest.manifest import MANIFEST_COLUMNS, make_plan_id, read_manifest
from zwgk.parse.dispatch import PlanSource, parse_plan_bytes
from zwgk.parse.frontmatter import infer_jurisdiction_year
from zwgk.paths import get_data_dir, get_manifest_path, get_raw_dir
from zwgk.processed.build import build_dataset
from zwgk.settings import get_default_settings

_SUFFIX_TYPES = {"省": ("province", "provincial"), "区": ("district", "county"), "县": ("county", "county"), "旗": ("banner", "county")}
_UNIT = r"[\u4e00-\u9fff]{1,12}?(?:自治州|地区|盟|[省市州区县旗])"
SAME_RATIO, REWORDED_RATIO = 0.9, 0.5


class AddError(ZwgkError):
    """A plan cannot be added; the message says what to pass or fix."""


@dataclass
class AddResult:
    """What ``add_plan`` did and the summary it printed."""

    plan_id: str | None
    status: str  # added, replaced, unchanged
    lines: list[str] = field(default_factory=list)


def make_pinyin(name: str) -> str:
    """English (pinyin) name of a place: 无锡市 -> Wuxi, 西安市 -> Xi'an, 江苏省 -> Jiangsu."""
    from pypinyin import lazy_pinyin

    core = re.sub(r"(自治区|自治州|特别行政区|地区|[省市区县旗盟州])$", "", name) or name
    syllables = lazy_pinyin(core)
    word = syllables[0] + "".join(("'" if s[0] in "aoe" else "") + s for s in syllables[1:])
    return word.capitalize()


def _split_jurisdiction(name: str) -> tuple[str, str | None]:
    """佛山市南海区 -> (南海区, 佛山市); 无锡市 -> (无锡市, None)."""
    found = re.fullmatch(rf"(?P<parent>{_UNIT})(?P<own>{_UNIT})", name)
    if found and not found.group("parent").endswith("省"):
        return found.group("own"), found.group("parent")
    return name, None


def _infer_type_and_level(name: str, parent: str | None, given_level: str | None) -> tuple[str, str]:
    if name in get_default_settings().municipalities:
        return "municipality", "provincial"
    if name[-1] in _SUFFIX_TYPES:
        return _SUFFIX_TYPES[name[-1]]
    if name.endswith("市") and parent:
        return "county_city", "county"
    if given_level in ("prefectural", "county"):
        return ("prefecture_city" if given_level == "prefectural" else "county_city"), given_level
    raise AddError(f"{name} may be a prefecture-level or a county-level city: pass --level prefectural or --level county")


def infer_metadata(source: PlanSource, given: dict[str, object]) -> dict[str, object]:
    """Combine what the plan's title says with what was passed; raise listing what is missing."""
    inferred = infer_jurisdiction_year(source.parsed.front, get_default_settings().frontmatter)
    title_name, title_year = inferred if inferred else (None, None)
    name = str(given.get("jurisdiction") or "") or (title_name and _split_jurisdiction(title_name)[0])
    parent = given.get("parent_jurisdiction") or (title_name and _split_jurisdiction(title_name)[1])
    year = given.get("year") or title_year
    missing = [flag for flag, value in (("--jurisdiction 无锡市", name), ("--year 2024", year)) if not value]
    if missing:
        raise AddError(f"{source.decoded.path}: the title does not state the jurisdiction and year; pass {' '.join(missing)}")
    if title_year and int(year) != int(title_year):
        raise AddError(f"{source.decoded.path}: --year {year} contradicts the title's {title_year}")
    problems = []
    try:
        jurisdiction_type, level = (
            (str(given["jurisdiction_type"]), str(given["level"]))
            if given.get("jurisdiction_type") and given.get("level")
            else _infer_type_and_level(str(name), parent and str(parent), given.get("level"))  # type: ignore[arg-type]
        )
    except AddError as error:
        problems.append(str(error))
        jurisdiction_type, level = "", ""
    province = given.get("province") or (name if jurisdiction_type in ("province", "municipality") else None)
    if not province:
        problems.append(f"which province is {name} in? pass --province 江苏省")
    if problems:
        raise AddError(f"{source.decoded.path}: " + "; ".join(problems))
    return {
        "jurisdiction": name,
        "jurisdiction_en": given.get("jurisdiction_en") or make_pinyin(str(name)),
        "jurisdiction_type": jurisdiction_type,
        "level": level,
        "parent_jurisdiction": parent,
        "parent_jurisdiction_en": given.get("parent_jurisdiction_en") or (make_pinyin(str(parent)) if parent else None),
        "province": province,
        "province_en": given.get("province_en") or make_pinyin(str(province)),
        "year": int(year),
    }


def _read_rows(manifest: Path) -> list[dict[str, str]]:
    with open(manifest, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_rows(manifest: Path, rows: list[dict[str, object]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(MANIFEST_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in MANIFEST_COLUMNS})
    manifest.write_text(buffer.getvalue(), encoding="utf-8")


class _RawTransaction:
    """Snapshot the manifest and the raw files a change touches; put them back on failure."""

    def __init__(self, raw_dir: Path, files: list[str]) -> None:
        self.raw_dir = raw_dir
        self.saved = {name: (raw_dir / name).read_bytes() if (raw_dir / name).exists() else None for name in ["plans.csv", *files]}

    def rollback(self) -> None:
        for name, data in self.saved.items():
            path = self.raw_dir / name
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)


def _commit_change(data_dir: Path, files: list[str], change: Callable[[], None], log: Callable[[str], None]) -> None:
    """Apply ``change`` to data/raw, rebuild, and restore data/raw if anything fails."""
    transaction = _RawTransaction(get_raw_dir(data_dir), files)
    try:
        change()
        build_dataset(data_dir, log=log)
    except BaseException:
        transaction.rollback()
        raise


def format_check_block(file: str, findings: list[str]) -> list[str]:
    """Return the self-check findings as a block that stands out from the summary (empty if none).

    A wrong parse looks plausible in the tables, so whoever adds a plan must see at once
    that the parser doubts it, and which lines to open.
    """
    if not findings:
        return []
    rule = "!" * 72
    return [
        rule,
        f"SELF-CHECK: {len(findings)} problem(s) in {file}: the parse may be wrong; open these lines before using the plan",
        *(f"  ! {finding}" for finding in findings),
        rule,
    ]


def add_plan(
    path: str | Path, given: dict[str, object] | None = None, replace: bool = False, data_dir: Path | None = None,
    log: Callable[[str], None] = print, strict: bool = False,
) -> AddResult:  # fmt: skip
    """Add one plan file to the dataset (see the module docstring).

    With ``strict``, a plan the self-check finds anything wrong with is refused before
    anything is touched; otherwise it is added and the findings are printed prominently.
    """
    path, data_dir = Path(path), data_dir or get_data_dir()
    raw_dir, manifest = get_raw_dir(data_dir), get_manifest_path(data_dir)
    data = path.read_bytes()
    source = parse_plan_bytes(data, path)
    if strict and source.parsed.findings:
        for line in format_check_block(path.name, [finding.summary for finding in source.parsed.findings]):
            log(line)
        raise AddError(f"{path}: --strict: the self-check found {len(source.parsed.findings)} problem(s); the plan was not added")
    sha = compute_sha256(data)
    entries = read_manifest(manifest)
    same = next((e for e in entries if e.sha256 == sha), None)
    if same is not None:
        message = f"{path.name} is already in the dataset as {same.file} ({same.plan_id}): nothing to do"
        log(message)
        return AddResult(same.plan_id, "unchanged", [message])
    metadata = infer_metadata(source, given or {})
    plan_id = make_plan_id(metadata)
    existing = [e for e in entries if e.plan_id == plan_id]
    if existing and not replace:
        raise AddError(f"{plan_id} already has a plan ({existing[0].file}); pass --replace to replace it with {path.name}")
    file_name = f"{plan_id}{path.suffix.lower() or '.txt'}"
    source_note = str((given or {}).get("source") or f"added with zwgk add from {path.name}")
    new_row = {"file": file_name, **metadata, "sha256": sha, "source": source_note}
    rows = [row for row in _read_rows(manifest) if row["file"] not in {e.file for e in existing}]

    def change() -> None:
        for entry in existing:
            (raw_dir / entry.file).unlink(missing_ok=True)
        shutil.copyfile(path, raw_dir / file_name)
        _write_rows(manifest, [*rows, new_row])

    _commit_change(data_dir, [file_name, *(e.file for e in existing)], change, log)
    lines = summarise_plan(plan_id, data_dir) + compare_with_previous(plan_id, data_dir)
    lines += format_check_block(file_name, [finding.summary for finding in source.parsed.findings])
    for line in lines:
        log(line)
    return AddResult(plan_id, "replaced" if existing else "added", lines)


def remove_plan(plan_id: str, data_dir: Path | None = None, log: Callable[[str], None] = print) -> None:
    """Remove a plan's file and manifest row, and rebuild (all restored if the rebuild fails)."""
    data_dir = data_dir or get_data_dir()
    entries = [e for e in read_manifest(get_manifest_path(data_dir)) if e.plan_id == plan_id]
    if not entries:
        raise AddError(f"no plan {plan_id} in the manifest; `zwgk list` shows the plans")
    file_name = entries[0].file
    rows = [row for row in _read_rows(get_manifest_path(data_dir)) if row["file"] != file_name]

    def change() -> None:
        (get_raw_dir(data_dir) / file_name).unlink()
        _write_rows(get_manifest_path(data_dir), rows)

    _commit_change(data_dir, [file_name], change, log)
    log(f"removed {plan_id} ({file_name})")


def list_plans(data_dir: Path | None = None) -> pd.DataFrame:
    """The plans in the manifest, with their task counts when the dataset is built."""
    from zwgk.processed.dataset import load_plans

    plans = load_plans(data_dir)
    return plans[["plan_id", "jurisdiction", "level", "province", "year", "layout", "n_tasks", "n_measures", "source_file"]]


def summarise_plan(plan_id: str, data_dir: Path) -> list[str]:
    """One paragraph about a built plan: counts, accounting, warnings."""
    from zwgk.processed.build import format_accounting, read_build_info
    from zwgk.processed.dataset import load_agencies, load_plans

    plans = load_plans(data_dir)
    plan = plans[plans["plan_id"] == plan_id]
    row = plan.iloc[0]
    n_agencies = load_agencies(data_dir).query("plan_id == @plan_id")["agency_name"].nunique()
    located = [finding.split(", ", 1)[1] for finding in row["check_findings"]]  # "line N: message": shown in the self-check block
    warnings = [
        w
        for w in (read_build_info(data_dir) or {}).get("warnings", [])
        if row["source_file"] in w and not any(w.endswith(text) for text in located)
    ]
    title = row["title"] if pd.notna(row["title"]) else row["source_file"]
    doc_number = row["doc_number"] if pd.notna(row["doc_number"]) else "-"
    lines = [
        f"added {plan_id}: {title} ({row['layout']}, read as {row['encoding']})",
        f"  {row['n_tasks']} tasks, {row['n_measures']} measures, {n_agencies} agencies; doc number {doc_number}",
        *("  " + line for line in format_accounting(plan)),
    ]
    return lines + [f"  warning: {w}" for w in warnings]


def compare_with_previous(plan_id: str, data_dir: Path) -> list[str]:
    """What changed since the jurisdiction's closest earlier plan: new, dropped, reworded tasks; new agencies."""
    from zwgk.processed.dataset import load_agencies, load_plans, load_tasks

    plans = load_plans(data_dir).set_index("plan_id")
    plan = plans.loc[plan_id]
    earlier = plans[
        (plans["jurisdiction"] == plan["jurisdiction"]) & (plans["province"] == plan["province"]) & (plans["year"] < plan["year"])
    ]
    if earlier.empty:
        return []
    previous_id = earlier["year"].idxmax()
    tasks = load_tasks(data_dir)
    new_texts = tasks.loc[tasks["plan_id"] == plan_id, "text"].tolist()
    old_texts = tasks.loc[tasks["plan_id"] == previous_id, "text"].tolist()
    best_new = [max((difflib.SequenceMatcher(None, t, o, autojunk=False).ratio() for o in old_texts), default=0.0) for t in new_texts]
    best_old = [max((difflib.SequenceMatcher(None, o, t, autojunk=False).ratio() for t in new_texts), default=0.0) for o in old_texts]
    agencies = load_agencies(data_dir)
    new_agencies = sorted(
        set(agencies.loc[agencies["plan_id"] == plan_id, "agency_name"])
        - set(agencies.loc[agencies["plan_id"] == previous_id, "agency_name"])
    )
    return [
        f"compared with {previous_id} (tasks aligned by text):",
        f"  {sum(r < REWORDED_RATIO for r in best_new)} new, {sum(REWORDED_RATIO <= r < SAME_RATIO for r in best_new)} reworded, "
        f"{sum(r >= SAME_RATIO for r in best_new)} kept; {sum(r < REWORDED_RATIO for r in best_old)} dropped",
        f"  new agencies: {'、'.join(new_agencies) if new_agencies else 'none'}",
    ]
