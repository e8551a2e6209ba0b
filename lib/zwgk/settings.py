"""The parser's data files (``zwgk/config``) loaded into typed, validated settings.

Header synonyms and column rules, numbering styles, noise patterns, agency role markers,
agency kinds and time expressions vary between plans; they live in data files so that a
new plan needs an edited file, never a new ``if``. Each file is checked when it is loaded:
an unknown or missing key, a value of the wrong type or a regular expression that does not
compile is a `SettingsError` naming the file and the key. The parser takes a
`ParserSettings` explicitly (`load_parser_settings` reads a folder of such files, e.g. an
edited copy in a test); `get_default_settings` gives the shipped files, loaded once.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from zwgk.errors import ZwgkError
from zwgk.paths import CONFIG_DIR
from zwgk.schema import COLUMN_ROLES, FILL_DOWN_RULES, JURISDICTION_TYPES, LEVELS, ROLES


class SettingsError(ZwgkError):
    """A data file under ``config/`` is malformed; the message names the file and key."""

    def __init__(self, file: Path, key: str, message: str) -> None:
        self.file = str(file)
        self.key = key
        super().__init__(f"{file}: key {key!r}: {message}")


# ---- value readers: each checks one value and returns it in its typed form ------------------


def _pattern(value: Any) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise TypeError("must be a regular expression (a string)")
    try:
        return re.compile(value)
    except re.error as exc:
        raise TypeError(f"is not a valid regular expression: {exc}") from exc


def _pattern_with(*groups: str) -> Callable[[Any], re.Pattern[str]]:
    """A reader of a regular expression that must capture the named ``groups``."""

    def read(value: Any) -> re.Pattern[str]:
        pattern = _pattern(value)
        missing = [g for g in groups if g not in pattern.groupindex]
        if missing:
            raise TypeError(f"needs the group(s) {', '.join(f'(?P<{g}>…)' for g in missing)}")
        return pattern

    return read


def _patterns(value: Any) -> tuple[re.Pattern[str], ...]:
    if not isinstance(value, list) or not value:
        raise TypeError("must be a non-empty list of regular expressions")
    return tuple(_pattern(item) for item in value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("must be a string")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("must be a list of strings")
    return tuple(value)


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("must be a whole number ≥ 0")
    return value


def _share(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise TypeError("must be a number between 0 and 1")
    return float(value)


def _role(value: Any) -> str:
    if value not in ROLES:
        raise TypeError(f"must be one of {', '.join(ROLES)}")
    return value


def _records(reader: Callable[[dict[str, Any]], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def read(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise TypeError("must be a list of mappings")
        return tuple(reader(item) for item in value)

    return read


def _exact_keys(item: dict[str, Any], required: set[str], optional: frozenset[str] = frozenset()) -> None:
    missing, unknown = required - set(item), set(item) - required - optional
    if missing or unknown:
        raise TypeError(f"entry {item!r}: " + "; ".join(filter(None, [_listed("missing", missing), _listed("unknown", unknown)])))


def _listed(what: str, keys: set[str]) -> str:
    return f"{what} key(s) {', '.join(sorted(keys))}" if keys else ""


# ---- the settings of each file ----------------------------------------------------------------


@dataclass(frozen=True)
class NumberingStyle:
    """One numbering style (一、 / （一） / 1. …); its pattern has a group ``number``."""

    style_id: str
    pattern: re.Pattern[str]


def _numbering_style(item: dict[str, Any]) -> NumberingStyle:
    _exact_keys(item, {"id", "pattern"})
    pattern = _pattern(item["pattern"])
    if "number" not in pattern.groupindex:
        raise TypeError(f"numbering style {item['id']}: the pattern needs a group (?P<number>…)")
    return NumberingStyle(_text(item["id"]), pattern)


@dataclass(frozen=True)
class MeasureSplit:
    """Inside a task's text, a numbered clause in ``style`` starts a new measure when it follows one of ``after``."""

    style: str
    after: str


def _measure_split(item: dict[str, Any]) -> MeasureSplit:
    _exact_keys(item, {"style", "after"})
    return MeasureSplit(_text(item["style"]), _text(item["after"]))


@dataclass(frozen=True)
class HeaderSynonym:
    """Header cells matching ``pattern`` (whitespace removed) hold a column of ``role``."""

    role: str
    pattern: re.Pattern[str]


def _role_pattern(kind: Callable[[str, re.Pattern[str]], Any], roles: tuple[str, ...], suffix: str = "") -> Callable[[Any], Any]:
    """A reader of ``{role, pattern}`` records (a header synonym, an agency label, a role marker).

    ``suffix`` is appended to the pattern (``$``: a role marker counts only at the end of a clause).
    """

    def read(item: dict[str, Any]) -> Any:
        _exact_keys(item, {"role", "pattern"})
        if item["role"] not in roles:
            raise TypeError(f"role {item['role']!r} is not one of {', '.join(roles)}")
        pattern = _pattern(item["pattern"])
        return kind(item["role"], re.compile(f"(?:{pattern.pattern}){suffix}") if suffix else pattern)

    return read


def _fill_down_rules(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != set(COLUMN_ROLES):
        raise TypeError(f"must give a rule for each column role: {', '.join(COLUMN_ROLES)}")
    wrong = {role: rule for role, rule in value.items() if rule not in FILL_DOWN_RULES}
    if wrong:
        raise TypeError(f"rules {wrong} are not among {', '.join(FILL_DOWN_RULES)}")
    return dict(value)


@dataclass(frozen=True)
class LineSettings:
    """``layout.yaml`` key ``lines``: repairing crawled lines (rejoining fragments, splitting one-line pages)."""

    split_min_chars: int
    min_inline_items: int
    boundary_before: str
    row_number: re.Pattern[str]
    row_number_start: re.Pattern[str]
    paragraph_indent: re.Pattern[str]
    blank_every_line_share: float
    opening: str
    closing: str
    cannot_start: str
    sentence_end: str
    continuing: str
    stub_max_chars: int
    heading_max_chars: int


def _line_settings(value: Any) -> LineSettings:
    if not isinstance(value, dict):
        raise TypeError("must be a mapping")
    readers = _READERS[LineSettings]
    _exact_keys(value, set(readers))
    try:
        return LineSettings(**{key: reader(value[key]) for key, reader in readers.items()})
    except TypeError as exc:
        raise TypeError(f"{exc} (in lines)") from exc


@dataclass(frozen=True)
class AgencyLabel:
    """A label naming the agencies of a prose item (责任单位：…) and the role it gives them."""

    role: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class LayoutSettings:
    """``layout.yaml``: numbering styles, table headers, what makes a cell content, crawled lines, agencies in prose."""

    numbering: tuple[NumberingStyle, ...]
    measure_ends: str
    measure_splits: tuple[MeasureSplit, ...]
    title_sentence_max_chars: int
    header_roles: tuple[HeaderSynonym, ...]
    header_groups: re.Pattern[str]
    column_fill_down: dict[str, str]
    title_column_min_share: float
    table_min_tab_line_share: float
    prose_min_numbered_lines: int
    content_markers: str
    content_min_chars: int
    lines: LineSettings
    agency_labels: tuple[AgencyLabel, ...]
    agency_tag: re.Pattern[str]
    agency_tag_default_role: str

    @functools.cached_property
    def measure_boundary(self) -> re.Pattern[str]:
        """Where measures split: after a measure end, before a numbered clause (styles from ``numbering``)."""
        styles = {style.style_id: style.pattern.pattern.lstrip("^").replace("(?P<number>", "(?:") for style in self.numbering}
        parts = [f"(?<=[{re.escape(self.measure_ends)}])"]
        for split in self.measure_splits:
            if split.style not in styles:
                raise TypeError(f"names no numbering style {split.style!r}")
            parts.append((f"(?<=[{re.escape(split.after)}])" if split.after else "") + f"(?={styles[split.style]})")
        return re.compile("|".join(parts))


@dataclass(frozen=True)
class FrontMatterSettings:
    """``frontmatter.yaml``: the lines around the plan and the metadata they state."""

    artefacts: tuple[re.Pattern[str], ...]
    navigation: tuple[re.Pattern[str], ...]
    footer: tuple[re.Pattern[str], ...]
    doc_number: re.Pattern[str]
    publish_date: re.Pattern[str]
    date_line: re.Pattern[str]
    notice_title: re.Pattern[str]
    notice_title_end: re.Pattern[str]
    addressee: re.Pattern[str]
    issuer: re.Pattern[str]
    plan_title: re.Pattern[str]
    plan_title_max_chars: int
    title_jurisdiction_year: tuple[re.Pattern[str], ...]
    closing_start: tuple[re.Pattern[str], ...]
    issuer_jurisdiction: re.Pattern[str]
    notice_year: re.Pattern[str]


@dataclass(frozen=True)
class RoleMarker:
    """A marker closing a clause of agencies (X牵头 / Y配合) and the role it gives them."""

    role: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class AgencyKind:
    """A canonical kind of agency, so agencies compare across jurisdictions."""

    kind_id: str
    kind_zh: str
    kind_en: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class AgencySettings:
    """``agencies.yaml`` and ``agency_kinds.csv``: splitting agency cells, roles, kinds."""

    separators: str
    protected: tuple[re.Pattern[str], ...]
    role_markers: tuple[RoleMarker, ...]
    open_list_suffix: re.Pattern[str]
    prefixes: str
    place_chars: str
    collective_start: re.Pattern[str]
    collective: re.Pattern[str]
    agency_end: re.Pattern[str]
    max_agency_chars: int
    kinds: tuple[AgencyKind, ...] = ()


@dataclass(frozen=True)
class TimeSettings:
    """``time_expressions.yaml``: deadlines, frequencies and quantified targets."""

    deadlines: tuple[re.Pattern[str], ...]
    frequencies: tuple[re.Pattern[str], ...]
    quantities: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class SpecialJurisdiction:
    """A kind of place known by the end of its name (…新区, …开发区; …自治州 where the gazetteer has no entry)."""

    suffix: str
    level: str
    jurisdiction_type: str


def _special_jurisdiction(item: dict[str, Any]) -> SpecialJurisdiction:
    _exact_keys(item, {"suffix", "level", "type"})
    if item["level"] not in LEVELS:
        raise TypeError(f"level {item['level']!r} is not one of {', '.join(LEVELS)}")
    if item["type"] not in JURISDICTION_TYPES:
        raise TypeError(f"type {item['type']!r} is not one of {', '.join(JURISDICTION_TYPES)}")
    return SpecialJurisdiction(_text(item["suffix"]), item["level"], item["type"])


@dataclass(frozen=True)
class NationalNames:
    """Names that mean the State Council (国务院, 全国 …) and the jurisdiction they give a plan."""

    names: tuple[str, ...]
    jurisdiction: str
    english: str


def _national(value: Any) -> NationalNames:
    if not isinstance(value, dict):
        raise TypeError("must be a mapping with names, jurisdiction, english")
    _exact_keys(value, {"names", "jurisdiction", "english"})
    return NationalNames(_texts(value["names"]), _text(value["jurisdiction"]), _text(value["english"]))


@dataclass(frozen=True)
class PlaceSettings:
    """``places.yaml``: the places the gazetteer cannot tell about (municipalities, the nation, zones)."""

    municipalities: tuple[str, ...]
    national: NationalNames
    name_suffixes: tuple[SpecialJurisdiction, ...]
    special_jurisdictions: tuple[SpecialJurisdiction, ...]


@dataclass(frozen=True)
class SelfCheckSettings:
    """``selfcheck.yaml``: thresholds and patterns of the self-check run after every parse."""

    agency_column_header: re.Pattern[str]
    min_agency_task_share: float
    section_title_max_chars: int
    section_title_sentence_marks: str
    agency_joint_end: re.Pattern[str]
    agency_joint_min_part_chars: int
    min_task_char_share: float
    duplicate_line_min_chars: int
    duplicated_lines_min: int


@dataclass(frozen=True)
class InputLimits:
    """``limits.yaml``: the largest input a plan may be, so that cost stays bounded (see the file)."""

    max_file_bytes: int
    max_line_chars: int
    max_lines: int
    max_tasks: int
    compare_max_measures: int


@dataclass(frozen=True)
class ParserSettings:
    """Everything the parser reads from data files, passed to it explicitly."""

    layout: LayoutSettings
    frontmatter: FrontMatterSettings
    agencies: AgencySettings
    time: TimeSettings
    radicals: dict[str, str]
    municipalities: tuple[str, ...]
    selfcheck: SelfCheckSettings


_READERS: dict[type, dict[str, Callable[[Any], Any]]] = {
    LayoutSettings: {
        "numbering": _records(_numbering_style),
        "measure_ends": _text,
        "measure_splits": _records(_measure_split),
        "title_sentence_max_chars": _integer,
        "header_roles": _records(_role_pattern(HeaderSynonym, COLUMN_ROLES)),
        "header_groups": _pattern,
        "column_fill_down": _fill_down_rules,
        "title_column_min_share": _share,
        "table_min_tab_line_share": _share,
        "prose_min_numbered_lines": _integer,
        "content_markers": _text,
        "content_min_chars": _integer,
        "lines": _line_settings,
        "agency_labels": _records(_role_pattern(AgencyLabel, ROLES)),
        "agency_tag": _pattern_with("agencies"),
        "agency_tag_default_role": _role,
    },
    LineSettings: {
        **dict.fromkeys(("split_min_chars", "min_inline_items", "stub_max_chars", "heading_max_chars"), _integer),
        **dict.fromkeys(("boundary_before", "opening", "closing", "cannot_start", "sentence_end", "continuing"), _text),
        "row_number": _pattern,
        "row_number_start": _pattern,
        "paragraph_indent": _pattern,
        "blank_every_line_share": _share,
    },
    FrontMatterSettings: {
        **dict.fromkeys(("artefacts", "navigation", "footer", "title_jurisdiction_year", "closing_start"), _patterns),
        **dict.fromkeys(("publish_date", "date_line", "notice_title", "notice_title_end", "addressee", "issuer"), _pattern),
        "doc_number": _pattern_with("doc_number"),
        "plan_title": _pattern,
        "plan_title_max_chars": _integer,
        "issuer_jurisdiction": _pattern_with("jurisdiction"),
        "notice_year": _pattern_with("year"),
    },
    AgencySettings: {
        "separators": _text,
        "protected": _patterns,
        "role_markers": _records(_role_pattern(RoleMarker, ROLES, suffix="$")),
        **dict.fromkeys(("open_list_suffix", "collective_start", "collective", "agency_end"), _pattern),
        "prefixes": _text,
        "place_chars": _text,
        "max_agency_chars": _integer,
    },
    TimeSettings: dict.fromkeys(("deadlines", "frequencies", "quantities"), _patterns),
    PlaceSettings: {
        "municipalities": _texts,
        "national": _national,
        "name_suffixes": _records(_special_jurisdiction),
        "special_jurisdictions": _records(_special_jurisdiction),
    },
    InputLimits: dict.fromkeys(
        ("max_file_bytes", "max_line_chars", "max_lines", "max_tasks", "compare_max_measures"),
        _integer,
    ),
    SelfCheckSettings: {
        "agency_column_header": _pattern,
        "min_agency_task_share": _share,
        "section_title_max_chars": _integer,
        "section_title_sentence_marks": _text,
        "agency_joint_end": _pattern,
        "agency_joint_min_part_chars": _integer,
        "min_task_char_share": _share,
        "duplicate_line_min_chars": _integer,
        "duplicated_lines_min": _integer,
    },
}


def _read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise SettingsError(path, "-", "the file is missing") from exc
    except yaml.YAMLError as exc:
        raise SettingsError(path, "-", f"not valid YAML: {exc}") from exc


def _read_mapping(path: Path, kind: type) -> Any:
    """Read ``path`` into ``kind``: exactly the keys its reader table names, each checked."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise SettingsError(path, "-", "must be a mapping of keys to values")
    readers = _READERS[kind]
    for key in sorted(set(data) - set(readers)):
        raise SettingsError(path, key, f"unknown key (known: {', '.join(readers)})")
    for key in readers:
        if key not in data:
            raise SettingsError(path, key, "missing")
    values = {}
    for key, reader in readers.items():
        try:
            values[key] = reader(data[key])
        except TypeError as exc:
            raise SettingsError(path, key, str(exc)) from exc
    return kind(**values)


def _read_agency_kinds(path: Path) -> tuple[AgencyKind, ...]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError as exc:
        raise SettingsError(path, "-", "the file is missing") from exc
    expected = [f.name for f in fields(AgencyKind)]
    kinds = []
    for line, row in enumerate(rows, start=2):
        if sorted(row) != sorted(expected) or not all(row.values()):
            raise SettingsError(path, f"line {line}", f"needs the columns {', '.join(expected)}, all filled")
        try:
            kinds.append(AgencyKind(row["kind_id"], row["kind_zh"], row["kind_en"], _pattern(row["pattern"])))
        except TypeError as exc:
            raise SettingsError(path, f"line {line}", f"pattern {exc}") from exc
    return tuple(kinds)


def _read_lookup(path: Path, key: str) -> Any:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise SettingsError(path, key, "must map single characters to characters")
    return data


def load_parser_settings(config_dir: Path = CONFIG_DIR) -> ParserSettings:
    """Read and check every data file of ``config_dir``; raise `SettingsError` on the first problem."""
    agencies = _read_mapping(config_dir / "agencies.yaml", AgencySettings)
    municipalities = load_place_settings(config_dir).municipalities
    layout = _read_mapping(config_dir / "layout.yaml", LayoutSettings)
    try:
        layout.measure_boundary  # noqa: B018 - built now, so that a bad style id fails on load
    except TypeError as exc:
        raise SettingsError(config_dir / "layout.yaml", "measure_splits", str(exc)) from exc
    return ParserSettings(
        layout=layout,
        frontmatter=_read_mapping(config_dir / "frontmatter.yaml", FrontMatterSettings),
        agencies=AgencySettings(**{**agencies.__dict__, "kinds": _read_agency_kinds(config_dir / "agency_kinds.csv")}),
        time=_read_mapping(config_dir / "time_expressions.yaml", TimeSettings),
        radicals=_read_lookup(config_dir / "radicals.yaml", "radicals"),
        municipalities=municipalities,
        selfcheck=_read_mapping(config_dir / "selfcheck.yaml", SelfCheckSettings),
    )


def load_place_settings(config_dir: Path = CONFIG_DIR) -> PlaceSettings:
    """Read and check ``places.yaml`` (used when a plan is added, not by the parser)."""
    return _read_mapping(config_dir / "places.yaml", PlaceSettings)


@functools.cache
def get_place_settings() -> PlaceSettings:
    """Return the shipped ``places.yaml``, loaded and checked once per process."""
    return load_place_settings(CONFIG_DIR)


def load_input_limits(config_dir: Path = CONFIG_DIR) -> InputLimits:
    """Read and check ``limits.yaml`` (the size limits of one input plan)."""
    return _read_mapping(config_dir / "limits.yaml", InputLimits)


@functools.cache
def get_input_limits() -> InputLimits:
    """Return the shipped ``limits.yaml``, loaded and checked once per process."""
    return load_input_limits(CONFIG_DIR)


@functools.cache
def get_default_settings() -> ParserSettings:
    """Return the settings of the shipped data files, loaded and checked once per process."""
    return load_parser_settings(CONFIG_DIR)


def hash_config_files(config_dir: Path = CONFIG_DIR) -> str:
    """Return one sha256 over every data file, part of the build fingerprint."""
    digest = hashlib.sha256()
    for path in sorted(config_dir.iterdir()):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
