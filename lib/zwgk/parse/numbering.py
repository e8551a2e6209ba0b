"""Recognise the numbering of headings and items (一、 / （一） / 1. / （1） / ①).

Styles come from ``config/layout.yaml`` (`LayoutSettings.numbering`). Their hierarchy is not fixed: it is read from the
order in which styles first appear in a document (`NumberingHierarchy`), because plans
skip levels (some have 一、 and （一） only) and tables start below the top level.
"""

from __future__ import annotations

from dataclasses import dataclass

from zwgk.schema import SPACE_CHARS
from zwgk.settings import NumberingStyle

_PREFIX_CHARS = 16  # numbers are short; only the start of a line is normalised


@dataclass(frozen=True)
class NumberMatch:
    """A number at the start of a text: its style, the number as written, the rest."""

    style: str
    number: str
    rest: str


def match_number(text: str, styles: tuple[NumberingStyle, ...]) -> NumberMatch | None:
    """Return the numbering at the start of ``text`` (after whitespace), or None.

    Full-width ASCII forms (（１）, １．) are folded for matching only, one character for
    one, so the number is returned exactly as written.
    """
    stripped = text.lstrip(SPACE_CHARS)
    folded = fold_fullwidth(stripped[:_PREFIX_CHARS])
    for style in styles:
        found = style.pattern.match(folded)
        if found:
            cut = found.end("number")
            return NumberMatch(style.style_id, stripped[:cut], stripped[cut:].lstrip(SPACE_CHARS))
    return None


def fold_fullwidth(text: str) -> str:
    """Map full-width ASCII (U+FF01-FF5E) to ASCII, leaving every other character alone."""
    return text.translate(_FULLWIDTH)


_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


class NumberingHierarchy:
    """Assign levels (1 = top) to numbering styles in order of first appearance.

    A style seen before returns to its level; a new style goes one level below the
    current one. This is how a reader infers the outline of a numbered document.
    """

    def __init__(self) -> None:
        self._levels: dict[str, int] = {}
        self._current = 0

    def assign_level(self, style: str) -> int:
        """Return the level of an item numbered in ``style`` and make it current."""
        if style not in self._levels:
            self._levels[style] = self._current + 1
        self._current = self._levels[style]
        return self._current
