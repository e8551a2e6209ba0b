"""Find deadlines (年底前, 6月底前, 30个工作日内, 5小时内) and frequencies (每季度, 按月,
定期) in task text, so accountability can be compared across plans.

Patterns are in ``config/time_expressions.yaml``; matches are kept as written, in order.
"""

from __future__ import annotations

import re

from zwgk.settings import TimeSettings


def _find(text: str, patterns: tuple[re.Pattern[str], ...]) -> list[str]:
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        for found in pattern.finditer(text):
            spans.append((found.start(), found.end()))
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))  # the longest match at each place, no overlaps
    return [text[start:end] for start, end in kept]


def find_deadlines(text: str, time: TimeSettings) -> list[str]:
    """Return the deadline expressions in ``text`` in reading order."""
    return _find(text, time.deadlines)


def find_frequencies(text: str, time: TimeSettings) -> list[str]:
    """Return the frequency expressions in ``text`` in reading order."""
    return _find(text, time.frequencies)


def has_quantity(text: str, time: TimeSettings) -> bool:
    """Whether ``text`` states a quantified target (a number with a unit, a percentage)."""
    return any(pattern.search(text) for pattern in time.quantities)
