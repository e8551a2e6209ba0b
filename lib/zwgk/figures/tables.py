"""Tables as a reader sees them in a notebook: every text in full and wrapped, spans as text.

pandas cuts cells at 50 characters and prints lists of tuples as they are; a measure cut
mid-sentence or a span printed as (12, 30, 18) cannot be read as policy text.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler


def show_table(frame: pd.DataFrame, width_em: int = 36) -> Styler:
    """Return ``frame`` styled for reading: full texts wrapped at about ``width_em`` characters, lists joined, no index."""
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].map(lambda v: isinstance(v, list | tuple)).any():
            shown[column] = shown[column].map(lambda v: "、".join(map(str, v)) if isinstance(v, list | tuple) else v)
    styles = {"white-space": "pre-wrap", "max-width": f"{width_em}em", "text-align": "left", "vertical-align": "top"}
    return shown.style.hide(axis="index").set_properties(**styles).format(precision=3, na_rep="")


def mark_aligned_spans(text: str, spans: list) -> str:
    """Return ``text`` with its spans (start, other start, length) copied from the other measure set in 【】."""
    out, position = [], 0
    for start, _, length in sorted((int(s[0]), int(s[1]), int(s[2])) for s in spans):
        if start < position:
            continue
        out += [text[position:start], "【", text[start : start + length], "】"]
        position = start + length
    return "".join([*out, text[position:]])
