"""Add a newly released plan in one command, never by a code change, never damaging data.

``add_plan`` reads and parses the file first (so a bad file fails before anything is
touched), infers what it can from the title and notice (jurisdiction, parent, year, level,
English names via pinyin), asks for the rest by error message, copies the file into
``data/raw/`` under its plan id, records it in the manifest and rebuilds. If anything fails,
``data/raw/``, the manifest and ``data/processed/`` are put back exactly as they were.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zwgk.errors import ZwgkError
from zwgk.ingest.decoding import compute_sha256
from zwgk.ingest.gazetteer import Unit, filter_units, find_in_text, find_jurisdictions, load_gazetteer
from zwgk.ingest.manifest import MANIFEST_COLUMNS, make_plan_id, read_manifest
from zwgk.parse.dispatch import PlanSource, parse_plan_bytes
from zwgk.parse.frontmatter import infer_plan_identity
from zwgk.paths import get_manifest_path, get_raw_dir, resolve_data_dir
from zwgk.processed.build import BuildError, build_dataset
from zwgk.processed.transaction import change_raw_files, hold_data_lock, mark_step, remove_file, write_file_atomic
from zwgk.schema import ALIGNMENT_CLASSES
from zwgk.settings import SpecialJurisdiction, get_default_settings, get_input_limits, get_place_settings

_UNIT = r"[\u4e00-\u9fff]{1,12}?(?:自治州|地区|盟|[省市州区县旗])"
_PLACE_END = re.compile(r"(自治州|地区|盟|[省市州区县旗])$")
_LIST_SEPARATORS = re.compile(r"[，,、；;]")


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


@dataclass(frozen=True)
class Place:
    """The issuing jurisdiction of a plan, as the manifest records it."""

    jurisdiction: str
    jurisdiction_type: str
    level: str
    parent: str | None
    province: str | None
    english: str | None = None  # the nation's English name; others are made from pinyin


def _infer_type_and_level(name: str, parent: str | None, given_level: str | None) -> tuple[str, str]:
    """Type and level of a place the gazetteer does not know, from the end of its name."""
    if name in get_default_settings().municipalities:
        return "municipality", "provincial"
    by_suffix = next(((k.jurisdiction_type, k.level) for k in get_place_settings().name_suffixes if name.endswith(k.suffix)), None)
    if by_suffix:
        return by_suffix
    if name.endswith("市") and parent:
        return "county_city", "county"
    if given_level in ("prefectural", "county"):
        return ("prefecture_city" if given_level == "prefectural" else "county_city"), given_level
    raise AddError(f"{name} may be a prefecture-level or a county-level city: pass --level prefectural or --level county")


def _find_national(name: str, given: dict[str, object]) -> Place | None:
    """The nation, if ``name`` is one of its names (国务院, 全国 …; config/places.yaml)."""
    national = get_place_settings().national
    if name not in national.names:
        return None
    if given.get("level") and given["level"] != "national":
        raise AddError(f"{name} is the nation (level national), not {given['level']}: pass --level national or leave --level out")
    return Place(national.jurisdiction, "nation", "national", None, national.jurisdiction, national.english)


def _find_special(name: str) -> SpecialJurisdiction | None:
    """The kind of zone ``name`` ends with (新区, 开发区 …; config/places.yaml), longest suffix first."""
    kinds = sorted(get_place_settings().special_jurisdictions, key=lambda k: -len(k.suffix))
    return next((k for k in kinds if name.endswith(k.suffix) and len(name) > len(k.suffix)), None)


def _describe_candidate(unit: Unit) -> str:
    where = f"{unit.parent} ({unit.province})" if unit.parent else unit.province
    return where if unit.level == "county" else f"{unit.name}, {unit.jurisdiction_type.replace('_', ' ')} in {unit.province}"


def _choose_unit(name: str, units: list[Unit], year: int, given: dict[str, object]) -> Unit:
    """The one unit ``name`` is in ``year``; raise with the real candidates when it may be several."""
    gazetteer = load_gazetteer()
    if given.get("level"):
        units = [u for u in units if u.level == given["level"]] or units
    units = [u for u in units if u.is_valid_in(year, gazetteer.last_year)] or units
    distinct = {(u.level, u.name, u.province, u.parent): u for u in gazetteer.rank_units(units, year)}
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    listed = ", ".join(_describe_candidate(u) for u in distinct.values())
    raise AddError(
        f"{name} is in {len(distinct)} places in {year}: {listed}: pass --parent-jurisdiction (the prefecture) "
        "or --province to say which issued the plan"
    )


def _place_of_unit(unit: Unit) -> Place:
    province = unit.name if unit.level == "provincial" else unit.province
    return Place(unit.name, unit.jurisdiction_type, unit.level, unit.parent, province)


def _find_real(name: str, year: int, given: dict[str, object]) -> tuple[list[Unit], str]:
    """The gazetteer's units for ``name`` (a name, or a chain 苏州市昆山市) and the part of it they cover."""
    parent, province = (str(given[k]) if given.get(k) else None for k in ("parent_jurisdiction", "province"))
    units = find_jurisdictions(name, parent, province, year)
    if units:
        return units, name
    chain = find_in_text(name, year)
    return (filter_units(chain, parent, province), chain[0].span or "") if chain else ([], "")


def _find_province_named(texts: list[str], year: int) -> str | None:
    """The one province whose name or prefectures' names open pieces of ``texts`` (issuer, addressees), if exactly one.

    Only provincial and prefectural names count: a county-level name as short as 新区 is
    also a common word (新区各街道).
    """
    pieces = [piece for text in texts for piece in _LIST_SEPARATORS.split(text) if piece]
    provinces = {u.province for piece in pieces for u in find_in_text(piece, year) if u.level != "county"}
    return provinces.pop() if len(provinces) == 1 else None


def _resolve_special(name: str, year: int, given: dict[str, object], around: list[str]) -> Place | None:
    """A zone the gazetteer does not list (青峰综合实验区, 江苏省苏州工业园区): kind from its suffix, province from its context."""
    units, span = _find_real(name, year, {})
    own = name[len(span) :] if span and name.startswith(span) and span != name else name
    kind = _find_special(own)
    if kind is None:
        return None
    upper = _choose_unit(span, units, year, {}) if units else None
    parent = upper.name if upper and upper.level == "prefectural" else None
    province = given.get("province") or (upper and _place_of_unit(upper).province) or _find_province_named(around, year)
    if not province:
        raise AddError(
            f"which province is {own} in? It is a {kind.suffix} ({kind.jurisdiction_type.replace('_', ' ')}), which the gazetteer of "
            "administrative divisions does not list, and neither the names the plan gives it nor the notice's issuer or addressees "
            "name a province: pass --province with the province it is in (and --parent-jurisdiction if a prefecture runs it)"
        )
    return Place(own, kind.jurisdiction_type, kind.level, str(given.get("parent_jurisdiction") or parent or "") or None, str(province))


def _resolve_name(name: str, year: int, given: dict[str, object], around: list[str]) -> Place | None:
    """The place ``name`` is: the nation, a unit of the gazetteer, or a special zone; None if none of these."""
    national = _find_national(name, given)
    if national:
        return national
    units, span = _find_real(name, year, given)
    if units and span == name:
        return _place_of_unit(_choose_unit(name, units, year, given))
    return _resolve_special(name, year, given, around)


def _resolve_unlisted(name: str, year: int, given: dict[str, object]) -> Place:
    """A place that is in no list (a made-up or misspelt name): kind from its suffix, the rest from the flags."""
    own, parent = _split_jurisdiction(name)
    parent = str(given.get("parent_jurisdiction") or parent or "") or None
    problems = []
    try:
        if given.get("jurisdiction_type") and given.get("level"):
            jurisdiction_type, level = str(given["jurisdiction_type"]), str(given["level"])
        else:
            jurisdiction_type, level = _infer_type_and_level(own, parent, given.get("level"))  # type: ignore[arg-type]
    except AddError as error:
        problems.append(str(error))
        jurisdiction_type, level = "", ""
    province = given.get("province") or (own if jurisdiction_type in ("province", "municipality") else None)
    if not province:
        problems.append(
            f"which province is {own} in? The gazetteer of administrative divisions has no {own} in {year}: "
            "check the name, or pass --province with its province"
        )
    if problems:
        raise AddError("; ".join(problems))
    return Place(own, jurisdiction_type, level, parent, str(province))


def _read_year(source: PlanSource, given: dict[str, object], stated: int | None) -> int | None:
    year = given.get("year") or stated
    if stated and year and int(year) != int(stated):  # type: ignore[call-overload]
        raise AddError(f"{source.decoded.path}: --year {year} contradicts the title's {stated}")
    return int(year) if year else None  # type: ignore[call-overload]


def infer_metadata(source: PlanSource, given: dict[str, object]) -> dict[str, object]:
    """Combine what the title and notice say, the gazetteer and what was passed; raise naming what is missing.

    The jurisdiction is the first name the plan states (title, notice title, signature) that is
    the nation, a real place of that year or a special zone; flags narrow or override it.
    """
    front = source.parsed.front
    identity = infer_plan_identity(front, get_default_settings().frontmatter)
    names = (
        [str(given["jurisdiction"])]
        if given.get("jurisdiction")
        else [n for n in identity.places if _PLACE_END.search(n) or _find_national(n, {}) or _find_special(n)]
    )
    year = _read_year(source, given, identity.year)
    missing = [flag for flag, value in (("--jurisdiction NAME", names), ("--year YEAR", year)) if not value]
    if missing:
        raise AddError(f"{source.decoded.path}: the title and notice do not state the jurisdiction and year; pass {' '.join(missing)}")
    around = [text for text in (*names, front.issuer, front.addressees) if text]  # where a zone's province may be named
    try:
        place = next((p for p in (_resolve_name(n, int(year), given, around) for n in names) if p), None)  # type: ignore[arg-type]
        place = place or _resolve_unlisted(names[0], int(year), given)  # type: ignore[arg-type]
    except AddError as error:
        raise AddError(f"{source.decoded.path}: {error}") from None
    return _make_metadata(place, given, int(year))  # type: ignore[arg-type]


def _make_metadata(place: Place, given: dict[str, object], year: int) -> dict[str, object]:
    """The manifest's columns for ``place``: flags win, English names from pinyin unless given."""
    name, parent = place.jurisdiction, given.get("parent_jurisdiction") or place.parent
    province = str(given.get("province") or place.province)
    return {
        "jurisdiction": name,
        "jurisdiction_en": given.get("jurisdiction_en") or place.english or make_pinyin(name),
        "jurisdiction_type": given.get("jurisdiction_type") or place.jurisdiction_type,
        "level": given.get("level") or place.level,
        "parent_jurisdiction": parent,
        "parent_jurisdiction_en": given.get("parent_jurisdiction_en") or (make_pinyin(str(parent)) if parent else None),
        "province": province,
        "province_en": given.get("province_en") or (place.english if place.level == "national" else make_pinyin(province)),
        "year": year,
    }


def _read_rows(manifest: Path) -> list[dict[str, str]]:
    with open(manifest, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _format_rows(rows: list[dict[str, object]]) -> bytes:
    """The manifest's bytes (rows already in it are written back as they were)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(MANIFEST_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in MANIFEST_COLUMNS})
    return buffer.getvalue().encode("utf-8")


def _commit_change(data_dir: Path, command: str, subject: str, writes: dict[Path, bytes | None], log: Callable[[str], None]) -> None:
    """Write (bytes) or delete (None) raw files and the manifest, then rebuild: all or nothing (see `zwgk.processed.transaction`).

    The manifest is written last among the raw files, so a new raw file is never listed before it exists.
    """
    with change_raw_files(data_dir, command, subject, list(writes), log):
        for target, data in writes.items():
            if data is None:
                remove_file(target)
            else:
                write_file_atomic(target, data)
        build_dataset(data_dir, log=log)


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
    path, data_dir = Path(path), resolve_data_dir(data_dir)
    given = {key: value.strip() if isinstance(value, str) else value for key, value in (given or {}).items()}
    data = path.read_bytes()
    source = parse_plan_bytes(data, path)
    if strict and source.parsed.findings:
        for line in format_check_block(path.name, [finding.summary for finding in source.parsed.findings]):
            log(line)
        raise AddError(f"{path}: --strict: the self-check found {len(source.parsed.findings)} problem(s); the plan was not added")
    with hold_data_lock(data_dir, log):  # from the manifest read to the processed write: concurrent commands queue
        result = _add_locked(path, data, source, given, replace, data_dir, log)
    if result.status == "unchanged":
        return result
    verb = result.status
    lines = summarise_plan(str(result.plan_id), data_dir, verb) + compare_with_previous(str(result.plan_id), data_dir)
    lines += compare_with_parent(str(result.plan_id), data_dir)
    lines += format_check_block(str(result.lines[0]), [finding.summary for finding in source.parsed.findings])
    for line in lines:
        log(line)
    return AddResult(result.plan_id, verb, lines)


def _add_locked(
    path: Path, data: bytes, source: PlanSource, given: dict[str, object], replace: bool, data_dir: Path,
    log: Callable[[str], None],
) -> AddResult:  # fmt: skip
    """Record the plan in data/raw and rebuild, under the data lock; ``lines`` holds the raw file's name."""
    raw_dir, manifest = get_raw_dir(data_dir), get_manifest_path(data_dir)
    sha = compute_sha256(data)
    entries = read_manifest(manifest)
    mark_step("manifest read")
    same = next((e for e in entries if e.sha256 == sha), None)
    if same is not None:
        message = f"{path.name} is already in the dataset as {same.file} ({same.plan_id}): nothing to do"
        log(message)
        return AddResult(same.plan_id, "unchanged", [message])
    metadata = infer_metadata(source, given)
    plan_id = make_plan_id(metadata)
    existing = [e for e in entries if e.plan_id == plan_id]
    if existing and not replace:
        raise AddError(f"{plan_id} already has a plan ({existing[0].file}); pass --replace to replace it with {path.name}")
    file_name = f"{plan_id}{path.suffix.lower() or '.txt'}"
    source_note = str(given.get("source") or f"added with zwgk add from {path.name}")
    # A name ending in a space would be another name: the new row's values are stored stripped.
    new_row = {
        key: value.strip() if isinstance(value, str) else value
        for key, value in {"file": file_name, **metadata, "sha256": sha, "source": source_note}.items()
    }
    rows = [row for row in _read_rows(manifest) if row["file"] not in {e.file for e in existing}]
    writes: dict[Path, bytes | None] = {raw_dir / e.file: None for e in existing if e.file != file_name}
    writes |= {raw_dir / file_name: data, manifest: _format_rows([*rows, new_row])}
    try:
        _commit_change(data_dir, "add", f"{path.name} as {plan_id}", writes, log)
    except ZwgkError as error:  # the build names the copy in data/raw; the user knows the file they passed
        errors = error.errors if isinstance(error, BuildError) else [error]
        message = str(errors[0]) if len(errors) == 1 else str(error)
        raise AddError(message.replace(str(raw_dir / file_name), str(path))) from None
    return AddResult(plan_id, "replaced" if existing else "added", [file_name])


def remove_plan(plan_id: str, data_dir: Path | None = None, log: Callable[[str], None] = print) -> None:
    """Remove a plan's file and manifest row, and rebuild (all restored if the rebuild fails)."""
    data_dir = resolve_data_dir(data_dir)
    manifest = get_manifest_path(data_dir)
    with hold_data_lock(data_dir, log):  # from the manifest read to the processed write
        entries = [e for e in read_manifest(manifest) if e.plan_id == plan_id]
        mark_step("manifest read")
        if not entries:
            raise AddError(f"no plan {plan_id} in the manifest; `zwgk list` shows the plans")
        file_name = entries[0].file
        rows = [row for row in _read_rows(manifest) if row["file"] != file_name]
        raw_file = get_raw_dir(data_dir) / file_name
        if not raw_file.exists():
            log(f"note: {raw_file} was already deleted; removing its manifest row")
        writes: dict[Path, bytes | None] = {manifest: _format_rows(rows), raw_file: None}  # unlisted, then deleted
        _commit_change(data_dir, "remove", plan_id, writes, log)
    log(f"removed {plan_id} ({file_name})")


def list_plans(data_dir: Path | None = None) -> pd.DataFrame:
    """The plans in the manifest, with their task counts when the dataset is built."""
    from zwgk.processed.dataset import load_plans

    plans = load_plans(data_dir)
    return plans[["plan_id", "jurisdiction", "level", "province", "year", "layout", "n_tasks", "n_measures", "source_file"]]


def summarise_plan(plan_id: str, data_dir: Path, verb: str = "added") -> list[str]:
    """One paragraph about a built plan (``verb``: added or replaced): counts, accounting, warnings."""
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
    title = row["plan_title"] if pd.notna(row["plan_title"]) else row["source_file"]
    doc_number = row["doc_number"] if pd.notna(row["doc_number"]) else "-"
    lines = [
        f"{verb} {plan_id}: {title} ({row['layout']}, read as {row['encoding']})",
        f"  {row['n_tasks']} tasks, {row['n_measures']} measures, {n_agencies} agencies; doc number {doc_number}",
        *("  " + line for line in format_accounting(plan)),
    ]
    return lines + [f"  warning: {w}" for w in warnings]


SHOWN_CHILDREN = 20


def _format_alignment(plan_id: str, parent_id: str, plans: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    """Shares verbatim / adapted / local of ``plan_id`` against ``parent_id`` and the share of the parent carried."""
    from zwgk.analyses.alignment import align_with_parent, find_parent_coverage, summarise_alignment
    from zwgk.analyses.matching import MeasureMatcher

    sizes = plans.set_index("plan_id")["n_measures"]
    limit = get_input_limits().compare_max_measures
    if max(sizes[plan_id], sizes[parent_id]) > limit:
        sized = f"{sizes[plan_id]:,} and {sizes[parent_id]:,} measures"
        return [f"  {plan_id} against {parent_id}: skipped ({sized}; at most {limit:,} a plan, config/limits.yaml)"]
    matcher = MeasureMatcher(sources[sources["plan_id"].isin([plan_id, parent_id])], plans)
    alignment, coverage = align_with_parent(plan_id, parent_id, matcher), find_parent_coverage(plan_id, parent_id, matcher)
    row = summarise_alignment(alignment, coverage, plans.assign(parent_plan_id=parent_id)).iloc[0]
    counts = alignment["alignment_class"].value_counts()
    classes = ", ".join(f"{counts.get(name, 0)} {name} ({row[f'share_{name}']:.0%})" for name in ALIGNMENT_CLASSES)
    issued = f"; issued {row['days_after_parent']} days after it" if pd.notna(row["days_after_parent"]) else ""
    carried = f"{row['n_parent_carried']} of the parent's {row['n_parent_measures']} measures ({row['share_parent_carried']:.0%})"
    return [f"  {plan_id} against {parent_id}: {row['n_measures']} measures: {classes}", f"    carries {carried}{issued}"]


def compare_with_parent(plan_id: str, data_dir: Path) -> list[str]:
    """How the plan follows its parent plan, and how the plans it is now the parent of follow it (measures aligned by text).

    A national plan may become the parent of thousands: the first `SHOWN_CHILDREN` are aligned
    here, the rest counted (notebook 05 aligns them all).
    """
    from zwgk.processed.dataset import load_measure_sources, load_plans

    plans = load_plans(data_dir)
    plan = plans.set_index("plan_id").loc[plan_id]
    children = sorted(plans.loc[plans["parent_plan_id"] == plan_id, "plan_id"])
    if pd.isna(plan["parent_plan_id"]) and not children:
        return []
    pairs = ([(plan_id, str(plan["parent_plan_id"]))] if pd.notna(plan["parent_plan_id"]) else []) + [
        (child, plan_id) for child in children[:SHOWN_CHILDREN]
    ]
    sources = load_measure_sources(data_dir)
    sources = sources[sources["plan_id"].isin({p for pair in pairs for p in pair})]
    lines = ["aligned with the plan above (verbatim / adapted / local; see the README's alignment section):"]
    for child, parent in pairs:
        lines += _format_alignment(child, parent, plans, sources)
    if len(children) > SHOWN_CHILDREN:
        lines.append(f"  … and {len(children) - SHOWN_CHILDREN:,} more plans below {plan_id} (notebook 05 aligns them all)")
    return lines


def compare_with_previous(plan_id: str, data_dir: Path) -> list[str]:
    """What changed since the jurisdiction's closest earlier plan, measure by measure (as `zwgk.diff_years`), and its new agencies."""
    from zwgk.analyses.comparison import compare_plans
    from zwgk.analyses.matching import MeasureMatcher
    from zwgk.processed.dataset import load_agencies, load_measure_sources, load_plans

    plans = load_plans(data_dir)
    indexed = plans.set_index("plan_id")
    plan = indexed.loc[plan_id]
    same_place = (indexed["jurisdiction"] == plan["jurisdiction"]) & (indexed["province"] == plan["province"])
    earlier = indexed[same_place & (indexed["year"] < plan["year"])]
    if earlier.empty:
        return []
    previous_id = str(earlier["year"].idxmax())
    limit = get_input_limits().compare_max_measures
    if max(indexed.at[plan_id, "n_measures"], indexed.at[previous_id, "n_measures"]) > limit:
        sized = f"{indexed.at[previous_id, 'n_measures']:,} and {indexed.at[plan_id, 'n_measures']:,} measures"
        return [f"compared with {previous_id}: skipped ({sized}; at most {limit:,} measures a plan, config/limits.yaml)"]
    sources = load_measure_sources(data_dir)
    matcher = MeasureMatcher(sources[sources["plan_id"].isin([plan_id, previous_id])], plans)
    comparison = compare_plans(previous_id, plan_id, matcher)
    mine, theirs = (comparison.loc[comparison["side"] == side, "comparison_class"].value_counts() for side in ("b", "a"))
    agencies = load_agencies(data_dir)
    names = [set(agencies.loc[agencies["plan_id"] == p, "agency_name"]) for p in (plan_id, previous_id)]
    new_agencies = sorted(names[0] - names[1])
    return [
        f"compared with {previous_id} (measures matched by text, as zwgk.diff_years):",
        f"  of its {mine.sum()} measures {mine.get('only_in_b', 0)} new, {mine.get('same', 0)} kept, {mine.get('reworded', 0)} reworded; "
        f"of the previous plan's {theirs.sum()}, {theirs.get('only_in_a', 0)} dropped",
        f"  new agencies: {'、'.join(new_agencies) if new_agencies else 'none'}",
    ]
