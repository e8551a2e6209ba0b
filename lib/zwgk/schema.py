"""The field dictionary: every column of every table and every enumeration, defined once.

`FIELDS` defines each column (dtype, meaning, allowed values, example); `TABLES` lists
each table's columns and primary key. The pandera schemas and the data dictionary in
``data/README.md`` are both generated from here, so the docs cannot drift from the data.
The enumerations (agency roles, layouts, levels, line categories, table column roles, the
theme sentinel) are defined here and nowhere else; every stage imports them from here.
pandas and pandera load only when a table is validated, so the parser stays light.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zwgk.errors import DatasetValidationError

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

LIST = "list[str]"


@dataclass(frozen=True)
class Field:
    """One column: pandas dtype (or ``list[str]``), meaning, example, constraints."""

    dtype: str
    description: str
    example: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None


# ---- enumerations -------------------------------------------------------------------------
# What a task asks of an agency. lead_and_responsible: one cell spans both columns, or a
# 牵头及责任单位 column with no marker; it counts as lead and as responsible.
ROLES = ("lead", "responsible", "lead_and_responsible", "cooperating")
LEAD_ROLES = ("lead", "lead_and_responsible")
RESPONSIBLE_ROLES = ("responsible", "lead_and_responsible")
# What a column of a task table holds (header cells map to these in config/layout.yaml).
COLUMN_ROLES = ("seq", "section", "section_content", "title", "content", *ROLES, "deadline", "note")
# What an empty (merged) cell of a column means: nothing; the heading above until a new one
# (deeper levels reset); the cell above within the same section.
FILL_DOWN_RULES = ("none", "outline", "section")
LAYOUTS = ("table_tab", "numbered_prose")
LEVELS = ("national", "provincial", "prefectural", "county")
# Kinds of jurisdiction, by level: the nation; provincial units; prefectural units; county
# units; and special_zone for a 新区/开发区/综合实验区… run by a management committee, which
# the administrative-division gazetteer does not list (config/places.yaml).
JURISDICTION_TYPES = (
    "nation",
    "province", "municipality", "autonomous_region", "sar",
    "prefecture_city", "autonomous_prefecture", "region", "league",
    "county_city", "county", "district", "banner", "autonomous_county", "autonomous_banner", "forestry_district", "special_district",
    "special_zone",
)  # fmt: skip
# Where a source line ended up. Placed categories keep the plan's text; dropped ones are
# reported with a reason in the accounting (nothing is dropped silently).
PLACED_LINE_CATEGORIES = ("title", "notice", "preamble", "heading", "table_header", "task", "closing")
DROPPED_LINE_CATEGORIES = ("navigation", "footer", "unplaced")
LINE_CATEGORIES = (*PLACED_LINE_CATEGORIES, *DROPPED_LINE_CATEGORIES, "blank")
# The text accounting of a plan (the plans table's chars_* columns): which line categories each counts.
ACCOUNTING_GROUPS = {
    "chars_task": ("task",),
    "chars_heading": ("heading", "table_header"),
    "chars_front": ("title", "notice", "preamble"),
    "chars_closing": ("closing",),
    "chars_dropped": DROPPED_LINE_CATEGORIES,
}
# Characters, defined once: the white space lines and cells are stripped of (full-width and
# no-break spaces, a byte-order mark), the marks that end a sentence, and those that end a clause.
SPACE_CHARS = " \t\u3000\xa0\ufeff"
SENTENCE_END_CHARS = "。！？"
CLAUSE_END_CHARS = "。；;！？"
# What the self-check after every parse (zwgk/parse/selfcheck.py) can find wrong with a parse.
CHECK_FINDING_KINDS = (
    "few_agencies",  # a table with an agency column, but most tasks got no agency
    "section_agency_list",  # a section title that is a list of agencies
    "section_sentence",  # a section title that is a sentence (task text read as a heading)
    "task_numbered",  # a task text that still starts with a number
    "agency_run_together",  # two agencies read as one name
    "numbering_gap",  # sibling numbers skip or restart (（一）（二）（四）; 1. 2. 1.)
    "low_task_share",  # most of the plan's characters are outside tasks
    "duplicated_lines",  # lines that repeat the line before them (a crawl artefact: the text saved twice)
    "duplicated_tasks",  # tasks with the same text under the same section
)
# How a local measure relates to its best match in the plan above it (`zwgk.analyses.alignment`):
# copied nearly word for word, the same task reworded or localised, or the plan's own addition.
ALIGNMENT_CLASSES = ("verbatim", "adapted", "local")
# How a measure of one of two compared plans relates to its best match in the other
# (`zwgk.analyses.comparison`): a copy, the same task reworded, or no counterpart.
COMPARISON_CLASSES = ("same", "reworded", "only_in_a", "only_in_b")
# Where search_plans looks (the fields of a task a reader scans) and how it orders its hits:
# by source (plan, line), or by the left or right context of the hit, as concordancers sort.
SEARCH_FIELDS = ("task_title", "section_path", "measure")
SEARCH_SORT_ORDERS = ("source", "left", "right")
# How a measure got its persisted cluster (`zwgk.analyses.similar.assignments`): by a full
# clustering of the whole dataset, or by the incremental update when its plan was added.
CLUSTER_ASSIGNMENT_KINDS = ("full", "incremental")
# Parts of the hand-made same-task groups (tests/data/same_task_groups.yaml): ``dev`` chooses the
# clustering's parameters (by cross-validation), ``sealed`` only reports them.
TASK_GROUP_SPLITS = ("dev", "sealed")
# The theme of a measure no codebook rule matches.
UNCLASSIFIED = "unclassified"
# The codebook's required catch-all theme (openness work no theme describes).
OTHER_THEME = "other"
# Residual themes: what no theme describes. Never ranked as a plan's gap (a plan lacking "other" lacks nothing).
RESIDUAL_THEMES = (OTHER_THEME, UNCLASSIFIED)
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

FIELDS: dict[str, Field] = {
    # identifiers
    "plan_id": Field(
        "string",
        "Stable id of a plan: province, parent jurisdiction (county level), jurisdiction and year in pinyin (the province once for its own plan, national-YEAR for the "
        "State Council's plans); unchanged when other plans are added.",
        "jiangsu-wuxi-2018",
        pattern=_ID,
    ),
    "task_id": Field(
        "string", "Stable id of a task: plan_id, 't' and the task's order in the plan.", "jiangsu-wuxi-2018-t001", pattern=_ID
    ),
    "measure_id": Field(
        "string",
        "Stable id of a measure: task_id, 'm' and the measure's order in the task.",
        "jiangsu-wuxi-2018-t001-m01",
        pattern=_ID,
    ),
    # plans: who and when
    "jurisdiction": Field(
        "string", "Jurisdiction that issued the plan, in Chinese, as in the manifest (全国 for the State Council's plans).", "无锡市"
    ),
    "jurisdiction_en": Field("string", "Jurisdiction in English (pinyin).", "Wuxi"),
    "jurisdiction_type": Field(
        "string",
        "Kind of jurisdiction: nation; province, municipality (直辖市), autonomous_region, sar; prefecture_city, autonomous_prefecture, "
        "region (地区), league (盟); county_city, county, district, banner, autonomous_county, autonomous_banner, forestry_district, "
        "special_district (特区); special_zone (新区, 开发区 and other zones run by a management committee).",
        "prefecture_city",
        allowed=JURISDICTION_TYPES,
    ),
    "level": Field(
        "string",
        "Administrative tier, for choosing peers: national (the State Council's own plans), provincial, prefectural (地级) "
        "or county (县级: counties, county-level cities, districts, and special zones at that tier).",
        "prefectural",
        allowed=LEVELS,
    ),
    "parent_jurisdiction": Field(
        "string", "Prefecture above a county-level jurisdiction, in Chinese; empty for prefectures.", "扬州市", nullable=True
    ),
    "parent_jurisdiction_en": Field("string", "Parent jurisdiction in English.", "Yangzhou", nullable=True),
    "parent_plan_id": Field(
        "string",
        "The nearest plan above this one in the dataset: same year, next level up its administrative chain (prefecture, "
        "province, nation) that has a plan; the manifest's parent_plan_id overrides it. Empty when none is in the dataset.",
        "national-2018",
        nullable=True,
        pattern=_ID,
    ),
    "parent_plan_ids": Field(
        LIST,
        "All plans above this one in the dataset, nearest first (parent_plan_id, then its parents).",
        "['jiangsu-2018', 'national-2018']",
    ),
    "province": Field("string", "Province, in Chinese (全国 for national plans).", "江苏省"),
    "province_en": Field("string", "Province in English (China for national plans).", "Jiangsu"),
    "year": Field("Int64", "Year the plan is for (as in its title).", "2018"),
    # plans: document
    "plan_title": Field(
        "string",
        "The plan's own title line (not the notice's), as printed.",
        "无锡市2018年政务公开工作要点实施方案",
        nullable=True,
    ),
    "notice_title": Field(
        "string",
        "Title of the issuing notice (关于印发…的通知), if the file includes it.",
        "无锡市人民政府办公室关于印发《无锡市2021年政务公开工作要点》的通知",
        nullable=True,
    ),
    "doc_number": Field("string", "Document number (发文字号) of the issuing notice.", "太政办〔2019〕112号", nullable=True),
    "issuer": Field("string", "Issuing office as signed under the notice.", "昆山市人民政府办公室", nullable=True),
    "issue_date": Field("string", "Date the notice was signed, as written.", "2019年8月16日", nullable=True),
    "publish_date": Field("string", "Date the web page says it was published (YYYY-MM-DD as written).", "2021-07-09", nullable=True),
    "addressees": Field(
        "string", "Addressees (主送) of the issuing notice.", "各辖市、区人民政府,无锡经开区管委会,市各有关部门和单位", nullable=True
    ),
    "layout": Field(
        "string",
        "Layout the parser recognised: a tab-flattened task table or numbered prose.",
        "table_tab",
        allowed=LAYOUTS,
    ),
    "preamble": Field("string", "Text between the title and the first task.", "2021年是“十四五”开局之年。…"),
    "closing": Field("string", "Text after the last task.", "各地、各部门要将本要点落实情况纳入…"),
    "source_file": Field("string", "File name in data/raw.", "jiangsu-wuxi-2018.txt"),
    "sha256": Field("string", "sha256 of the raw file, as recorded in the manifest.", "025e5cb3…", pattern=r"^[0-9a-f]{64}$"),
    "source": Field("string", "Where the raw file came from.", "shared/seeds/000_2f459b428c20bf78.txt: …"),
    "encoding": Field("string", "Text encoding the raw file was decoded from.", "utf-8"),
    "n_tasks": Field("Int64", "Number of tasks in the plan.", "37"),
    "n_measures": Field("Int64", "Number of measures (in a plan, or in a task).", "52"),
    "n_warnings": Field("Int64", "Number of parser warnings for the plan (see the build log).", "1"),
    "check_findings": Field(
        LIST,
        "What the self-check after parsing found wrong with the plan's parse, as '<kind>, line N: <message>'; "
        f"kinds: {', '.join(CHECK_FINDING_KINDS)}. Empty when the parse looks right.",
        "['numbering_gap, line 40: （四） follows （二） under 一、推进公开: a number is missing or a heading was not recognised']",
    ),
    "n_check_findings": Field("Int64", "Number of self-check findings (check_findings); 0 when the parse looks right.", "0"),
    "chars_total": Field(
        "Int64", "Non-whitespace characters in the raw file (as converted text, plus what the converter left out).", "11234"
    ),
    "chars_task": Field("Int64", "Of chars_total, characters on lines placed in tasks.", "9876"),
    "chars_heading": Field("Int64", "Of chars_total, characters of section headings and table header rows.", "650"),
    "chars_front": Field("Int64", "Of chars_total, characters of the title, issuing notice and preamble.", "300"),
    "chars_closing": Field("Int64", "Of chars_total, characters of the closing text.", "40"),
    "chars_dropped": Field(
        "Int64",
        "Of chars_total, characters dropped: navigation, footers, word-processor artefacts, unplaced lines, and text a converter left out (Word page headers and footnotes, web page scripts and navigation; a warning names each).",
        "120",
    ),
    # tasks
    "task_seq": Field("Int64", "Order of the task in its plan, from 1.", "1"),
    "section_1_number": Field(
        "string",
        "Number of the level-1 section above the task, as written (may be empty for unnumbered table sections).",
        "一、",
        nullable=True,
    ),
    "section_1_title": Field("string", "Title of the level-1 section above the task.", "高质量推进政务发布解读回应工作", nullable=True),
    "section_2_number": Field("string", "Number of the level-2 section.", "（一）", nullable=True),
    "section_2_title": Field("string", "Title of the level-2 section.", "及时发布各项重大政策", nullable=True),
    "section_3_number": Field("string", "Number of the level-3 section.", "1.", nullable=True),
    "section_3_title": Field("string", "Title of the level-3 section.", "加强统计信息公开", nullable=True),
    "section_path": Field(
        "string", "All sections above the task, joined with ' > '.", "一、高质量推进政务发布解读回应工作 > （一）及时发布各项重大政策"
    ),
    "task_number": Field("string", "The task's own number: the 序号 of a table row, or the number of a prose item.", "1.", nullable=True),
    "task_title": Field(
        "string",
        "The task's short name: its opening title sentence (without 。), or the cell of a task-name column beside the requirement.",
        "提升政策解读质量",
        nullable=True,
    ),
    "task_text": Field(
        "string",
        "The task's whole text, wrapped lines joined; its own number, agency tags and agency lines left out.",
        "以公开为常态、不公开为例外，…",
    ),
    "text": Field("string", "Text of the measure: one sentence or numbered clause of its task's text.", "以公开为常态、不公开为例外，…。"),
    "lead_agencies": Field(
        LIST, "Canonical names of the task's lead agencies (role lead or lead_and_responsible).", "['市政府办公室', '各辖市、区人民政府']"
    ),
    "responsible_agencies": Field(
        LIST, "Canonical names of the task's responsible agencies (role responsible or lead_and_responsible).", "['市各有关部门']"
    ),
    "cooperating_agencies": Field(LIST, "Canonical names of cooperating agencies (配合).", "['区档案局']"),
    "deadlines": Field(LIST, "Deadline expressions in the text (and a deadline column), as written.", "['6月底前']"),
    "frequencies": Field(LIST, "Frequency expressions in the text, as written.", "['每季度']"),
    "note": Field("string", "Text of a remarks (备注) column, if the table has one.", ""),
    "line_start": Field("Int64", "First line of the raw file the row comes from (1-based).", "11"),
    "line_end": Field("Int64", "Last line of the raw file the row comes from.", "14"),
    "is_text_missing": Field("boolean", "The task's text was lost in extraction; its row and agencies are kept.", "False"),
    "is_agency_inherited": Field("boolean", "Some agencies were taken from the row above (a vertically merged cell).", "True"),
    # measures
    "measure_seq": Field("Int64", "Order of the measure in its task, from 1.", "1"),
    "char_start": Field("Int64", "Offset of the measure's first character in the task text.", "0"),
    "char_end": Field("Int64", "Offset just past the measure's last character in the task text.", "57"),
    # agencies
    "agency_seq": Field("Int64", "Order of the agency in its task's agency cells, from 1.", "1"),
    "agency_name": Field("string", "Canonical agency name: role marker and 等 removed, shared prefix expanded.", "市国土局"),
    "agency_name_raw": Field("string", "The agency as written in the cell.", "国土局"),
    "role": Field(
        "string",
        "What the task asks of the agency: lead (牵头), responsible (负责/责任单位), cooperating (配合), or lead_and_responsible (one cell spans both columns, or a 牵头及责任单位 column with no marker).",
        "lead",
        allowed=ROLES,
    ),
    "agency_kind_id": Field(
        "string",
        "Canonical kind of agency, comparable across jurisdictions (config/agency_kinds.csv); 'other' when nothing maps.",
        "natural_resources",
    ),
    "agency_kind_zh": Field("string", "Kind of agency in Chinese.", "自然资源/规划"),
    "agency_kind_en": Field("string", "Kind of agency in English.", "Natural resources and planning"),
    "is_collective": Field("boolean", "The name stands for many agencies (各镇（街、区）, 市各有关部门).", "False"),
    "is_prefix_expanded": Field("boolean", "The jurisdiction prefix was taken from the agency before it (国土局 -> 市国土局).", "True"),
    "is_inherited": Field("boolean", "The agency comes from the row above (a vertically merged cell).", "False"),
    # source lines
    "line_no": Field("Int64", "Line number in the raw file (1-based).", "12"),
    "line_text": Field("string", "The raw line as in the file (tabs kept).", "\t市政府办公室，各辖市、区人民政府"),
    "category": Field(
        "string", "Where the line went: a placed part of the plan, a dropped kind, or blank.", "task", allowed=LINE_CATEGORIES
    ),
    "reason": Field("string", "Why a line was dropped or how it was judged.", "web page footer", nullable=True),
    "artefact_chars": Field("Int64", "Characters of word-processor artefacts removed from the line ([bookmark: …]).", "21"),
}

PLAN_METADATA = (
    "jurisdiction",
    "jurisdiction_en",
    "jurisdiction_type",
    "level",
    "parent_jurisdiction",
    "parent_jurisdiction_en",
    "province",
    "province_en",
    "year",
)


@dataclass(frozen=True)
class Table:
    """A table: its columns in order, its primary key and what one row is."""

    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    row: str


TABLES: dict[str, Table] = {
    "plans": Table(
        (
            "plan_id",
            *PLAN_METADATA,
            "parent_plan_id",
            "parent_plan_ids",
            "plan_title",
            "notice_title",
            "doc_number",
            "issuer",
            "issue_date",
            "publish_date",
            "addressees",
            "layout",
            "preamble",
            "closing",
            "source_file",
            "sha256",
            "source",
            "encoding",
            "n_tasks",
            "n_measures",
            "n_warnings",
            "check_findings",
            "n_check_findings",
            "chars_total",
            "chars_task",
            "chars_heading",
            "chars_front",
            "chars_closing",
            "chars_dropped",
        ),
        ("plan_id",),
        "one plan (one raw file)",
    ),
    "tasks": Table(
        (
            "plan_id",
            "task_id",
            "task_seq",
            "section_1_number",
            "section_1_title",
            "section_2_number",
            "section_2_title",
            "section_3_number",
            "section_3_title",
            "section_path",
            "task_number",
            "task_title",
            "task_text",
            "lead_agencies",
            "responsible_agencies",
            "cooperating_agencies",
            "deadlines",
            "frequencies",
            "note",
            "n_measures",
            "line_start",
            "line_end",
            "is_text_missing",
            "is_agency_inherited",
        ),
        ("task_id",),
        "one task: a table row with content, or a lowest-level numbered prose item",
    ),
    "measures": Table(
        ("plan_id", "task_id", "measure_id", "measure_seq", "text", "char_start", "char_end", "deadlines", "frequencies"),
        ("measure_id",),
        "one sentence-level measure of a task",
    ),
    "agencies": Table(
        (
            "plan_id",
            "task_id",
            "agency_seq",
            "agency_name",
            "agency_name_raw",
            "role",
            "agency_kind_id",
            "agency_kind_zh",
            "agency_kind_en",
            "is_collective",
            "is_prefix_expanded",
            "is_inherited",
        ),
        ("task_id", "agency_seq"),
        "one agency named for one task, with its role",
    ),
    "source_lines": Table(
        ("plan_id", "line_no", "line_text", "category", "task_id", "reason", "artefact_chars"),
        ("plan_id", "line_no"),
        "one line of a raw file and where the parser put it (the text accounting)",
    ),
}

# ---- analysis outputs ---------------------------------------------------------------------
# The columns that notebooks and chart functions rely on, per analysis function (tidy tables
# in, tidy tables out). A test runs each function on the seed plans and checks that it
# returns at least these columns: adding a column is free, dropping one breaks the notebooks.
ANALYSIS_OUTPUTS: dict[str, tuple[str, ...]] = {
    "compare_plans": (
        *("side", "plan_id", "measure_id", "task_id", "text", "line_start", "line_end"),
        *("other_plan_id", "other_measure_id", "other_task_id", "other_text", "other_line_start", "other_line_end"),
        *("score", "ratio", "comparison_class"),
    ),
    "summarise_comparison": (
        *("theme_id", "theme_zh", "theme_en", "n_a", "n_b", "n_a_same", "n_a_reworded", "n_a_only_in_a"),
        *("n_b_same", "n_b_reworded", "n_b_only_in_b", "share_a", "share_b", "share_difference"),
        *("difference_low", "difference_high", "is_clear_difference"),
    ),
    "align_with_parent": (
        *("plan_id", "measure_id", "task_id", "text", "line_start", "line_end"),
        *("parent_plan_id", "parent_measure_id", "parent_task_id", "parent_text", "parent_line_start", "parent_line_end"),
        *("score", "ratio", "alignment_class"),
    ),
    "find_parent_coverage": (
        *("plan_id", "parent_plan_id", "parent_measure_id", "parent_task_id", "parent_text", "parent_line_start", "parent_line_end"),
        *("is_carried", "carried_by", "best_measure_id", "best_text", "best_score"),
    ),
    "summarise_alignment": (
        *("plan_id", "parent_plan_id", "jurisdiction", "jurisdiction_en", "level", "year", "n_measures"),
        *("share_verbatim", "share_adapted", "share_local", "n_parent_measures", "n_parent_carried", "share_parent_carried"),
        *("issued", "parent_issued", "days_after_parent"),
    ),
    "summarise_alignment_by_theme": (
        *("plan_id", "theme_id", "n_verbatim", "n_adapted", "n_local", "n_parent_measures", "n_parent_carried"),
        "share_parent_carried",
    ),
    "find_dropped_parent_measures": (
        *("parent_plan_id", "parent_measure_id", "parent_task_id", "parent_text", "n_plans", "n_carrying", "n_dropping"),
        *("share_dropping", "dropped_by"),
    ),
    "code_measures": ("measure_id", "theme_id", "theme_zh", "theme_en", "secondary_theme_ids", "theme_score", "is_classified"),
    "build_theme_panel": (
        *("plan_id", "jurisdiction", "jurisdiction_en", "level", "province", "province_en", "year"),
        *("theme_id", "theme_zh", "theme_en", "n_measures", "share_measures", "share_low", "share_high", "share_chars"),
    ),
    "summarise_themes_by_year": (
        *("year", "theme_id", "theme_zh", "theme_en", "n_plans", "n_jurisdictions", "n_measures"),
        *("mean_plan_share", "share_measures", "share_low", "share_high"),
    ),
    "compute_year_changes": ("year", "theme_id", "mean_plan_share", "previous_year", "previous_share", "change"),
    "find_emerging_fading": (
        "theme_id",
        "theme_zh",
        "theme_en",
        "first_year",
        "last_year",
        "first_share",
        "last_share",
        "change",
        "change_low",
        "change_high",
        "status",
    ),
    "find_theme_gaps": ("plan_id", "theme_id", "theme_zh", "theme_en", "peer_share", "n_peers_covering", "n_peers", "peer_sources"),
    "summarise_accountability": (
        *("plan_id", "jurisdiction", "year", "layout", "n_tasks", "share_with_agency", "share_with_lead"),
        *("share_with_deadline_or_frequency", "share_with_quantified_target", "names_agencies", "is_lead_distinguished"),
    ),
    "summarise_agency_kinds": ("plan_id", "agency_kind_id", "agency_kind_zh", "agency_kind_en", "n_tasks", "share_of_tasks"),
    "cluster_measures": ("measure_id", "plan_id", "cluster_id", "cluster_size", "n_plans"),
    "summarise_clusters": (
        *("cluster_id", "n_measures", "n_plans", "n_jurisdictions", "label"),
        *("representative_measure_id", "representative_text", "is_common_task", "name_zh", "name_en"),
    ),
    "find_text_reuse": ("measure_id", "plan_id", "other_measure_id", "other_plan_id", "similarity", "ratio", "aligned_spans"),
    "summarise_text_reuse": ("plan_id", "other_plan_id", "n_measures", "n_copied", "share_copied"),
    "similar_to": ("rank", "measure_id", "plan_id", "text", "score"),
    "compute_correspondence": (
        *("point_type", "point_id", "label_zh", "label_en", "jurisdiction", "jurisdiction_en", "year", "mass", "dim1", "dim2"),
        *("quality", "contribution", "inertia_dim1", "inertia_dim2", "total_inertia"),
    ),
    "compute_cooccurrence": ("word", "other_word", "n_measures", "jaccard", "frequency", "other_frequency", "n_plans"),
    "find_cooccurrence_communities": ("word", "frequency", "degree", "weighted_degree", "community"),
    "search_kwic": ("plan_id", "task_id", "measure_id", "left", "keyword", "right", "section_path", "line_start", "line_end"),
    "search_plans": (
        *("plan_id", "jurisdiction", "year", "task_id", "measure_id", "field", "term", "match", "left", "right", "start"),
        *("section_path", "line_start", "line_end"),
    ),
}

# Columns that may be empty only in some tables.
_NULLABLE_IN = {("source_lines", "task_id")}


def _is_list_of_str(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _column(table: str, name: str) -> pa.Column:
    import pandera.pandas as pa

    spec = FIELDS[name]
    checks = []
    if spec.allowed:
        checks.append(pa.Check.isin(list(spec.allowed)))
    if spec.pattern:
        checks.append(pa.Check.str_matches(spec.pattern))
    if spec.dtype == LIST:
        checks.append(pa.Check(lambda s: s.map(_is_list_of_str), element_wise=False, error="must be a list of str"))
        return pa.Column(object, checks=checks, nullable=False)
    nullable = spec.nullable or (table, name) in _NULLABLE_IN
    return pa.Column(spec.dtype, checks=checks, nullable=nullable)


def get_schema(table: str) -> pa.DataFrameSchema:
    """Return the pandera schema of ``table`` built from the field dictionary."""
    import pandera.pandas as pa

    spec = TABLES[table]
    return pa.DataFrameSchema(
        {name: _column(table, name) for name in spec.columns},
        unique=list(spec.primary_key),
        strict=True,
        ordered=True,
        name=table,
    )


def coerce_dtypes(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with the dictionary's columns, in order, with their dtypes."""
    out = frame.loc[:, list(TABLES[table].columns)].copy()
    for name in out.columns:
        dtype = FIELDS[name].dtype
        if dtype == LIST:
            out[name] = out[name].map(list)
        else:
            out[name] = out[name].astype(dtype)
    return out


def validate_table(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate ``frame`` against the dictionary; raise `DatasetValidationError` if it breaks it."""
    import pandera.pandas as pa

    try:
        return get_schema(table).validate(frame, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise DatasetValidationError(f"table {table} breaks the field dictionary:\n{exc}") from exc


def render_data_dictionary() -> str:
    """Return the Markdown data dictionary (the generated part of ``data/README.md``)."""
    out = []
    for table, spec in TABLES.items():
        out.append(f"### `{table}`: {spec.row}\n")
        out.append(f"Primary key: {', '.join(f'`{c}`' for c in spec.primary_key)}. Load with `zwgk.load_{table}()`.\n")
        out.append("| column | type | meaning | allowed | example |")
        out.append("|---|---|---|---|---|")
        for name in spec.columns:
            field = FIELDS[name]
            allowed = ", ".join(field.allowed) if field.allowed else (f"`{field.pattern}`" if field.pattern else "")
            nullable = " (may be empty)" if field.nullable or (table, name) in _NULLABLE_IN else ""
            example = field.example.replace("\t", "\\t").replace("|", "\\|")
            out.append(f"| `{name}` | {field.dtype}{nullable} | {field.description} | {allowed} | {example} |")
        out.append("")
    return "\n".join(out)
