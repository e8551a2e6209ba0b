"""Title sentences: the short phrase a task opens with (“提升政策解读质量。…”).

Plans in every layout name a task by a short first sentence before its body; the title is
kept apart so that measures count only the body.
"""

from __future__ import annotations

import re

from zwgk.schema import SENTENCE_END_CHARS

_SENTENCE_END = re.compile(f"[{SENTENCE_END_CHARS}]")
_CLAUSE_MARK = re.compile(r"[，,；;]")


def split_title_sentence(paragraphs: list[str], limit: int, needs_body: bool = False) -> tuple[str | None, int]:
    """Return the opening title sentence (without 。) and where the body starts in the first paragraph.

    A title is a first sentence of at most ``limit`` characters with no comma, followed by
    more text. Unless ``needs_body``, a heading with no full stop at all is a title by itself
    (a prose item that is only a heading).
    """
    text = paragraphs[0] if paragraphs else ""
    end = _SENTENCE_END.search(text)
    if end is None:
        if not needs_body and len(text) <= limit and not _CLAUSE_MARK.search(text):
            return text or None, len(text)
        return None, 0
    first = text[: end.start()]
    if first and len(first) <= limit and not _CLAUSE_MARK.search(first) and (end.end() < len(text) or len(paragraphs) > 1):
        return first, end.end()
    return None, 0
