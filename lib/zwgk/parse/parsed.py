"""The parsers' output before it becomes tables: plans, sections, tasks and source lines.

Both layout parsers fill the same `ParsedPlan`, so everything downstream (agencies, time
expressions, measures, tables, accounting) is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceLine:
    """One line of the raw file (or one piece of a long raw line) and where the parser put it.

    A crawler that breaks lines at inline markup leaves fragments (``2018``, a lone ``。``);
    they are rejoined before parsing into the line they continue: that head line keeps them
    in ``joined`` and its ``text`` is the joined text, so the parsers see one sentence while
    every raw line is still placed (`place` places the joined lines too) and accounted.
    A raw line crawled without line breaks is split into pieces that share its ``line_no``
    (``pieces`` says into how many).
    """

    line_no: int
    raw: str
    text: str
    artefact_chars: int = 0
    category: str = "unplaced"
    task_seq: int | None = None
    reason: str | None = None
    joined: list[SourceLine] = field(default_factory=list)
    pieces: int = 1

    def place(self, category: str, task_seq: int | None = None, reason: str | None = None) -> None:
        """Record where this line and the lines joined into it went (``reason`` explains judgement calls)."""
        self.category = category
        self.task_seq = task_seq
        self.reason = reason
        for line in self.joined:
            line.category = category
            line.task_seq = task_seq
            line.reason = reason or f"joined to line {self.line_no} (a fragment of its sentence)"

    @property
    def last_line_no(self) -> int:
        """Return the number of the last raw line this line covers (itself or a joined one)."""
        return max([self.line_no, *(line.line_no for line in self.joined)])


@dataclass(frozen=True)
class Section:
    """A heading above tasks: its number as written (may be empty) and title."""

    number: str
    title: str

    @property
    def label(self) -> str:
        """Return number and title as one string, as the plan prints them."""
        return f"{self.number}{self.title}"


@dataclass
class AgencyCell:
    """Text of one agency column of a table row, with the role its column implies."""

    role: str
    text: str
    is_inherited: bool = False


@dataclass
class ParsedTask:
    """One task: a table row with content, or a lowest-level numbered prose item."""

    seq: int
    sections: tuple[Section, ...]
    number: str | None
    title: str | None
    text: str
    line_start: int
    line_end: int
    body_start: int = 0
    agency_cells: list[AgencyCell] = field(default_factory=list)
    deadline_text: str = ""
    note: str = ""
    is_text_missing: bool = False


@dataclass
class PlanFrontMatter:
    """What the lines around the plan say about it (issuing notice, title, web page)."""

    title: str | None = None
    title_line: int | None = None
    notice_title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issue_date: str | None = None
    publish_date: str | None = None
    addressees: str | None = None


@dataclass(frozen=True)
class Finding:
    """Something the self-check found wrong with a parse: its kind (`zwgk.schema.CHECK_FINDING_KINDS`), where, and why."""

    kind: str
    file: str
    line: int
    message: str

    @property
    def warning(self) -> str:
        """Return the finding as a build warning: ``<file>, line N: <message>``."""
        return f"{self.file}, line {self.line}: {self.message}"

    @property
    def summary(self) -> str:
        """Return the finding as the plans table keeps it: ``<kind>, line N: <message>``."""
        return f"{self.kind}, line {self.line}: {self.message}"


@dataclass
class ParsedPlan:
    """Everything one parser read from one file."""

    layout: str
    lines: list[SourceLine]
    front: PlanFrontMatter
    tasks: list[ParsedTask]
    preamble: str = ""
    closing: str = ""
    warnings: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
