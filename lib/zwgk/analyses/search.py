"""Search the plans the way researchers ask: in task titles, section paths and measures, for a
literal string, a regular expression or any of a list of terms, each hit in context.

A measure alone often does not name its subject ("制定具体工作方案"): the task title or the
section heading above it does. Searching measures only misses those tasks, so every field a
reader would scan is searched, and every hit says where it is (field, task, source lines).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from zwgk.errors import ZwgkError
from zwgk.schema import SEARCH_FIELDS, SEARCH_SORT_ORDERS

_READING_ORDER = {"section_path": 0, "task_title": 1, "measure": 2}  # as a reader meets them in a task
_COLUMNS = [
    *("plan_id", "jurisdiction", "year", "task_id", "measure_id", "field", "term", "match", "left", "right", "start"),
    *("section_path", "line_start", "line_end"),
]


class SearchQueryError(ZwgkError):
    """A search query cannot be used: a bad regular expression, an empty term list, a bad option."""


def read_terms(path: Path) -> list[str]:
    """Return the terms of a term-list file: one per line, ``#`` starts a comment, blank lines skipped.

    Researchers keep their synonym lists in files so a search can be rerun and cited.
    """
    terms = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    if not terms:
        raise SearchQueryError(f"{path}: the term list holds no term (one term per line, # starts a comment)")
    return terms


def _list_terms(query: str | Path | Sequence[str]) -> list[str]:
    if isinstance(query, Path):
        return read_terms(query)
    terms = [query] if isinstance(query, str) else list(query)
    if not terms or any(not isinstance(term, str) or not term for term in terms):
        raise SearchQueryError(f"search needs non-empty strings to look for, not {query!r}")
    return terms


def compile_query(query: str | Path | Sequence[str], regex: bool = False) -> tuple[re.Pattern, list[tuple[str, re.Pattern]]]:
    """Return the pattern matching any of the query's terms, and each term with its own pattern.

    Literal terms are escaped and tried longest first, so "重大建设项目" wins over "建设" at the
    same place. A bad regular expression is a ``SearchQueryError`` naming the pattern.
    """
    terms = _list_terms(query)
    if not regex:
        terms = sorted(dict.fromkeys(terms), key=lambda term: (-len(term), term))
    singles = []
    for term in terms:
        try:
            singles.append((term, re.compile(term if regex else re.escape(term))))
        except re.error as error:
            raise SearchQueryError(f"bad regular expression {term!r}: {error}") from error
    empty = [term for term, pattern in singles if pattern.fullmatch("")]
    if empty:
        raise SearchQueryError(f"search terms may not match the empty string: {empty!r}")
    sources = [pattern.pattern for _, pattern in singles]
    joined = sources[0] if len(sources) == 1 else "|".join(f"(?:{source})" for source in sources)
    try:
        combined = re.compile(joined)
    except re.error as error:  # numbered back-references shift when several patterns are joined
        raise SearchQueryError(f"the patterns {terms!r} cannot be joined into one ({error}); use named groups") from error
    return combined, singles


def _name_term(text: str, singles: list[tuple[str, re.Pattern]]) -> str:
    """The first term whose own pattern matches the whole hit (the hit's term)."""
    return next((term for term, pattern in singles if pattern.fullmatch(text)), singles[0][0])


def _field_texts(measures: pd.DataFrame, tasks: pd.DataFrame, fields: Sequence[str]) -> pd.DataFrame:
    """One row per searched text: task_id, measure_id (NA for task fields), field, text, order keys."""
    parts = []
    for field in fields:
        order = _READING_ORDER[field]
        if field == "measure":
            frame = measures[["task_id", "measure_id", "text"]].assign(seq=measures.get("measure_seq", 0))
        else:
            frame = tasks[["task_id", field]].rename(columns={field: "text"}).assign(measure_id=pd.NA, seq=0)
        parts.append(frame.assign(field=field, field_order=order).dropna(subset=["text"]))
    return pd.concat(parts, ignore_index=True)


def _sort_hits(hits: pd.DataFrame, sort_by: str) -> pd.DataFrame:
    source = ["plan_id", "line_start", "task_id", "field_order", "seq", "measure_id", "start"]
    if sort_by == "source":
        keys = source
    else:  # left context read backwards from the hit, as concordancers sort
        hits["sort_key"] = hits["left"].map(lambda text: text[::-1]) if sort_by == "left" else hits["right"]
        keys = ["sort_key", "match", *source]
    return hits.sort_values(keys, ignore_index=True, kind="stable", na_position="first")


def search_plans(
    query: str | Path | Sequence[str],
    measures: pd.DataFrame,
    tasks: pd.DataFrame,
    plans: pd.DataFrame | None = None,
    *,
    fields: Sequence[str] = SEARCH_FIELDS,
    regex: bool = False,
    window: int = 15,
    sort_by: str = "source",
) -> pd.DataFrame:
    """Every hit of ``query`` in task titles, section paths and measures, with context and sources.

    ``query`` is a literal string, a regular expression (``regex=True``), a list of terms (any
    of them; each a regular expression with ``regex=True``) or a ``Path`` to a term-list file
    (``read_terms``). One row per hit: plan_id, jurisdiction and year (from ``plans``; NA
    without it), task_id, measure_id (NA for a title or section hit), field, term, match,
    left and right context (``window`` characters), start (offset in the field's text),
    section_path and the task's source lines. A section path is searched once per task under
    it. ``sort_by`` is "source" (plan, line, field, measure), "left" (left context reversed)
    or "right".
    """
    fields = tuple(dict.fromkeys([fields] if isinstance(fields, str) else fields))
    unknown = sorted(set(fields) - set(SEARCH_FIELDS))
    if unknown or not fields:
        raise SearchQueryError(f"unknown search fields {unknown or list(fields)}; choose from {list(SEARCH_FIELDS)}")
    if sort_by not in SEARCH_SORT_ORDERS:
        raise SearchQueryError(f"sort_by must be one of {list(SEARCH_SORT_ORDERS)}, not {sort_by!r}")
    combined, singles = compile_query(query, regex)
    texts = _field_texts(measures, tasks, fields)
    rows = []
    for item in texts.itertuples(index=False):
        for found in combined.finditer(item.text):
            start, end = found.span()
            left, right = item.text[max(0, start - window) : start], item.text[end : end + window]
            term = _name_term(found.group(), singles)
            rows.append((item.task_id, item.measure_id, item.field, item.field_order, item.seq, term, found.group(), left, right, start))
    hits = pd.DataFrame(rows, columns=["task_id", "measure_id", "field", "field_order", "seq", "term", "match", "left", "right", "start"])
    hits = hits.merge(tasks[["task_id", "plan_id", "section_path", "line_start", "line_end"]], on="task_id", how="left", validate="m:1")
    about = plans[["plan_id", "jurisdiction", "year"]] if plans is not None else pd.DataFrame(columns=["plan_id", "jurisdiction", "year"])
    hits = hits.merge(about.astype({"plan_id": "string"}), on="plan_id", how="left", validate="m:1")
    hits = _sort_hits(hits, sort_by)
    out = hits[_COLUMNS].astype({"task_id": "string", "measure_id": "string", "field": "string", "term": "string", "match": "string"})
    return out.astype({"left": "string", "right": "string", "start": "int64"})
