"""Readable names for common tasks, in Chinese and English.

A c-TF-IDF label (初步 / 依申请公开 / 互补) says which words set a cluster apart, not what the
task is. A name does: the task title of the cluster's most central measure (its medoid) when
that title is short and specific, else the medoid's first clause, trimmed at a word boundary.
The English name is the glossary's gloss of the Chinese one (`zwgk.analyses.glossary`). The
thresholds and the titles too generic to name a task live in the settings of
``data/codebook/common_tasks.yaml``, where a researcher can also rename any task by hand.
"""

from __future__ import annotations

import re

import pandas as pd

from zwgk.analyses.glossary import gloss_text
from zwgk.analyses.similar.curation import NameSettings

_CLAUSE_END = re.compile(r"[，。；：！？,;:!?]")  # not 、: a name cut there ends inside a list (按照谁起草 of 按照谁起草、谁解读的原则)
_BRACKETS = {"（": "）", "(": ")", "【": "】", "〔": "〕"}
_SEPARATORS = "，。；：！？、,;:!? "
_QUOTES = re.compile(r"[“”‘’《》「」『』\"]")  # names drop quote marks: a cut name would leave one unbalanced
_LATIN_SPACE = re.compile(r"(?<=[A-Za-z0-9])\s+(?=[A-Za-z0-9])")  # kept as one space (Internet Plus); other white space goes
_LEADING = re.compile(r"^[\s（(]*[一二三四五六七八九十\d]+[、.．)）]\s*")  # a list number left on a clause


def _trim_at_word(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars`` characters at a word boundary (jieba's words), marking the cut with ….

    The cut backs off before a bracket it would leave open and drops a separator it would end on
    (建立医疗卫生、资源开发、… reads 建立医疗卫生、资源开发…).
    """
    if len(text) <= max_chars:
        return text
    import jieba

    out = ""
    for word in jieba.lcut(text):
        if len(out) + len(word) > max_chars - 1:
            break
        out += word
    while _is_open(out):
        out = out[: max(out.rfind(left) for left in _BRACKETS)]
    return (out.rstrip(_SEPARATORS) or text[: max_chars - 1]) + "…"


def make_task_name(title: str | None, text: str, settings: NameSettings | None = None, title_is_specific: bool = True) -> str:
    """Return a short Chinese name for a task from its central measure's task title and text.

    The title when it is between ``min_title_chars`` and ``max_name_chars`` long and not a
    generic title; else the text's first clause that does more than set the scene (`_skip_context`),
    joined with the next while shorter than the minimum, trimmed at a word boundary.
    ``title_is_specific`` False (the title heads several tasks' clusters) also falls back to the
    text. Quote marks are dropped.
    """
    settings = settings or NameSettings()
    title = "" if title is None or pd.isna(title) else _clean(title).strip("。；;，,")
    if title_is_specific and settings.min_title_chars <= len(title) <= settings.max_name_chars and title not in settings.generic_titles:
        return title
    name = ""
    for clause in _skip_context(_split_clauses(_clean(text)), settings):
        name += clause  # a short first clause keeps its separator and takes the next
        if len(name.rstrip(_SEPARATORS)) >= settings.min_title_chars:
            break
    return _trim_at_word(name.rstrip(_SEPARATORS) or _clean(text), settings.max_name_chars)


def _split_clauses(text: str) -> list[str]:
    """The clauses of ``text``, each with its closing separator; one inside brackets ends none (各省（区，市）…)."""
    clauses, current = [], ""
    for piece in re.split(f"(?<={_CLAUSE_END.pattern})", text):
        current += piece
        if not _is_open(current):
            clauses.append(current)
            current = ""
    return [clause for clause in [*clauses, current] if clause.strip(_SEPARATORS)]  # no clause of punctuation alone


def _skip_context(clauses: list[str], settings: NameSettings) -> list[str]:
    """The clauses from the first that does more than set the scene (围绕…，在…中，以…为载体，): that one names the task.

    A clause sets the scene when it ends in a comma and either matches a context frame whole
    (``settings.context_frames``: 在…过程中, 以…为载体) or starts with a context opener
    (``settings.context_openers``: 围绕…, 按照…) and holds none of ``settings.action_words``
    (按照规定及时公开… starts like a frame but acts: 及时). If every clause sets the scene,
    nothing is skipped.
    """
    frames = [re.compile(frame) for frame in settings.context_frames]
    openers = [re.compile(opener) for opener in settings.context_openers]

    def sets_scene(clause: str) -> bool:
        bare = clause.rstrip(_SEPARATORS)
        acts = any(word in bare for word in settings.action_words)
        return clause.endswith(("，", ",")) and (
            any(f.fullmatch(bare) for f in frames) or (not acts and any(o.match(bare) for o in openers))
        )

    for i, clause in enumerate(clauses):
        if not sets_scene(clause):
            return clauses[i:]
    return clauses


def _clean(text: str) -> str:
    """The text without quote marks, a leading list number or white space (a line break inside a cell: 全面公开\nPPP…)."""
    text = _LATIN_SPACE.sub("\x00", _QUOTES.sub("", _LEADING.sub("", str(text))))
    return re.sub(r"\s+", "", text).replace("\x00", " ").lstrip(_SEPARATORS)


def _is_open(text: str) -> bool:
    """Whether a bracket of ``text`` is still open (各省（区 cut at its comma): the name goes on to the clause that closes it."""
    return any(text.count(left) > text.count(right) for left, right in _BRACKETS.items())


def name_clusters(summary: pd.DataFrame, titles: pd.Series | None = None, settings: NameSettings | None = None) -> pd.DataFrame:
    """Add name_zh and name_en to a cluster summary (from its representative measure; ``titles``: measure_id -> task title).

    A title that several clusters' representatives share is not specific to one: those take their text's first clause.
    """
    titles = titles if titles is not None else pd.Series(dtype=object)
    out = summary.copy()
    title = out["representative_measure_id"].map(titles)
    specific = ~title.duplicated(keep=False) | title.isna()
    out["name_zh"] = [
        make_task_name(t, text, settings, bool(s)) for t, text, s in zip(title, out["representative_text"], specific, strict=True)
    ]
    out["name_en"] = out["name_zh"].map(gloss_text)
    return out
