"""Turn one parsed plan into rows of the five tables (plans, tasks, measures, agencies,
source_lines), with stable ids and the text accounting.

Ids depend only on the plan's own metadata and order, so adding another plan never
changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zwgk.ingest.converters import count_chars
from zwgk.ingest.manifest import ManifestEntry
from zwgk.parse.agencies import AgencyMention, parse_agency_cell
from zwgk.parse.dispatch import PlanSource
from zwgk.parse.measures import split_measures
from zwgk.parse.parsed import ParsedTask, SourceLine
from zwgk.parse.time_expressions import find_deadlines, find_frequencies
from zwgk.schema import ACCOUNTING_GROUPS, LEAD_ROLES, RESPONSIBLE_ROLES
from zwgk.settings import ParserSettings, get_default_settings


@dataclass
class PlanRows:
    """The rows one plan contributes to each table, and its warnings."""

    plans: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    source_lines: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unmapped_agencies: list[str] = field(default_factory=list)


def make_task_id(plan_id: str, seq: int) -> str:
    """Return the id of the ``seq``-th task of a plan."""
    return f"{plan_id}-t{seq:03d}"


def make_measure_id(task_id: str, seq: int) -> str:
    """Return the id of the ``seq``-th measure of a task."""
    return f"{task_id}-m{seq:02d}"


def _group_pieces(lines: list[SourceLine]) -> list[list[SourceLine]]:
    """Group the pieces of each raw line (a line crawled without breaks is split into several)."""
    groups: list[list[SourceLine]] = []
    for line in lines:
        if groups and groups[-1][0].line_no == line.line_no:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _accounting(lines: list[SourceLine], converter_dropped: dict[str, int] | None = None) -> dict[str, int]:
    """The plans table's chars_* columns; what a converter left out (``converter_dropped``) is in the total and dropped."""
    counts = {name: 0 for name in ("chars_total", *ACCOUNTING_GROUPS)}
    left_out = sum((converter_dropped or {}).values())
    counts["chars_total"] += left_out
    counts["chars_dropped"] += left_out
    for line in lines:
        raw_chars = count_chars(line.raw)
        counts["chars_total"] += raw_chars
        counts["chars_dropped"] += line.artefact_chars
        kept = raw_chars - line.artefact_chars
        for name, categories in ACCOUNTING_GROUPS.items():
            if line.category in categories:
                counts[name] += kept
    return counts


def _task_agencies(task: ParsedTask, settings: ParserSettings) -> list[tuple[AgencyMention, bool]]:
    mentions = []
    for cell in task.agency_cells:
        mentions.extend((mention, cell.is_inherited) for mention in parse_agency_cell(cell.text, cell.role, settings.agencies))
    return mentions


def _section_columns(task: ParsedTask) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for level in (1, 2, 3):
        section = task.sections[level - 1] if len(task.sections) >= level else None
        out[f"section_{level}_number"] = section.number if section else None
        out[f"section_{level}_title"] = section.title if section else None
    out["section_path"] = " > ".join(section.label for section in task.sections)
    return out


def build_plan_rows(entry: ManifestEntry, source: PlanSource, settings: ParserSettings | None = None) -> PlanRows:
    """Return the table rows of one parsed plan (``settings``: the parser's, default the shipped ones)."""
    settings = settings or get_default_settings()
    parsed = source.parsed
    plan_id = entry.plan_id
    rows = PlanRows(warnings=list(parsed.warnings))
    for task in parsed.tasks:
        _add_task_rows(rows, plan_id, task, settings)
    task_ids = {task.seq: make_task_id(plan_id, task.seq) for task in parsed.tasks}
    for pieces in _group_pieces(parsed.lines):
        main = max(pieces, key=lambda piece: count_chars(piece.raw))
        reason = main.reason
        if len(pieces) > 1:
            categories = ", ".join(sorted({piece.category for piece in pieces}))
            reason = f"split into {len(pieces)} pieces at inline numbering ({categories}); category of the longest" + (
                f"; {reason}" if reason else ""
            )
        rows.source_lines.append(
            {
                "plan_id": plan_id,
                "line_no": main.line_no,
                "line_text": "".join(piece.raw for piece in pieces),
                "category": main.category,
                "task_id": task_ids.get(main.task_seq) if main.task_seq else None,
                "reason": reason,
                "artefact_chars": sum(piece.artefact_chars for piece in pieces),
            }
        )
    front = parsed.front
    rows.plans.append(
        {
            "plan_id": plan_id,
            **entry.metadata,
            "parent_plan_id": None,  # set for the whole dataset by `zwgk.processed.parents`
            "parent_plan_ids": [],
            "plan_title": front.title,
            "notice_title": front.notice_title,
            "doc_number": front.doc_number,
            "issuer": front.issuer,
            "issue_date": front.issue_date,
            "publish_date": front.publish_date,
            "addressees": front.addressees,
            "layout": parsed.layout,
            "preamble": parsed.preamble,
            "closing": parsed.closing,
            "source_file": entry.file,
            "sha256": entry.sha256,
            "source": entry.source,
            "encoding": source.decoded.encoding,
            "n_tasks": len(rows.tasks),
            "n_measures": len(rows.measures),
            "n_warnings": len(rows.warnings),
            "check_findings": [finding.summary for finding in parsed.findings],
            "n_check_findings": len(parsed.findings),
            **_accounting(parsed.lines, source.decoded.dropped),
        }
    )
    return rows


def _add_task_rows(rows: PlanRows, plan_id: str, task: ParsedTask, settings: ParserSettings) -> None:
    task_id = make_task_id(plan_id, task.seq)
    mentions = _task_agencies(task, settings)
    for seq, (mention, inherited) in enumerate(mentions, start=1):
        if mention.kind_id == "other":
            rows.unmapped_agencies.append(mention.name)
        rows.agencies.append(
            {
                "plan_id": plan_id,
                "task_id": task_id,
                "agency_seq": seq,
                "agency_name": mention.name,
                "agency_name_raw": mention.name_raw,
                "role": mention.role,
                "agency_kind_id": mention.kind_id,
                "agency_kind_zh": mention.kind_zh,
                "agency_kind_en": mention.kind_en,
                "is_collective": mention.is_collective,
                "is_prefix_expanded": mention.is_prefix_expanded,
                "is_inherited": inherited,
            }
        )
    measures = split_measures(task.text, settings.layout, task.body_start) if task.text else []
    for seq, span in enumerate(measures, start=1):
        rows.measures.append(
            {
                "plan_id": plan_id,
                "task_id": task_id,
                "measure_id": make_measure_id(task_id, seq),
                "measure_seq": seq,
                "text": span.text,
                "char_start": span.char_start,
                "char_end": span.char_end,
                "deadlines": find_deadlines(span.text, settings.time),
                "frequencies": find_frequencies(span.text, settings.time),
            }
        )
    timed_text = task.text + ("\n" + task.deadline_text if task.deadline_text else "")
    rows.tasks.append(
        {
            "plan_id": plan_id,
            "task_id": task_id,
            "task_seq": task.seq,
            **_section_columns(task),
            "task_number": task.number,
            "task_title": task.title,
            "task_text": task.text,
            "lead_agencies": [m.name for m, _ in mentions if m.role in LEAD_ROLES],
            "responsible_agencies": [m.name for m, _ in mentions if m.role in RESPONSIBLE_ROLES],
            "cooperating_agencies": [m.name for m, _ in mentions if m.role == "cooperating"],
            "deadlines": find_deadlines(timed_text, settings.time),
            "frequencies": find_frequencies(timed_text, settings.time),
            "note": task.note,
            "n_measures": len(measures),
            "line_start": task.line_start,
            "line_end": task.line_end,
            "is_text_missing": task.is_text_missing,
            "is_agency_inherited": any(inherited for _, inherited in mentions),
        }
    )
