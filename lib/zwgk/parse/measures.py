"""Split a task into sentence-level measures, each with character offsets into the task.

A prose paragraph holds several measures while a table row usually holds one; the
analyses compare measures, so that plans written in different layouts weigh alike.
Measures end at 。；！？ and before numbered clauses (（1）, ①, 2.) inside the text
(``layout.yaml``: ``measure_ends``, ``measure_splits``, in the numbering styles defined there).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from zwgk.schema import SPACE_CHARS
from zwgk.settings import LayoutSettings

_STRIP = SPACE_CHARS + "\n"
_HAS_WORD = re.compile(r"[\w\u4e00-\u9fff]")


@dataclass(frozen=True)
class MeasureSpan:
    """One measure: its text and its [start, end) offsets in the task text."""

    text: str
    char_start: int
    char_end: int


def split_measures(text: str, layout: LayoutSettings, body_start: int = 0) -> list[MeasureSpan]:
    """Return the measures of ``text[body_start:]`` (the task body, after any title).

    A task whose body is empty (a title only) is one measure: its whole text.
    """
    if not text[body_start:].strip(_STRIP):
        body_start = 0
    spans = []
    cuts = sorted({body_start, len(text), *(m.start() for m in layout.measure_boundary.finditer(text, body_start))})
    for start, end in itertools.pairwise(cuts):
        piece = text[start:end]
        left = len(piece) - len(piece.lstrip(_STRIP))
        right = len(piece.rstrip(_STRIP))
        if right > left and _HAS_WORD.search(piece):
            spans.append(MeasureSpan(piece[left:right], start + left, start + right))
    return spans
