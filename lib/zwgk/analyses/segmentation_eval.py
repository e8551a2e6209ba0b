"""Measure segmentation against a hand-segmented sample (word-boundary precision/recall/F1).

Used to decide whether jieba's HMM helps on this corpus, and printed by ``zwgk evaluate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from zwgk.analyses.tokens import load_lexicon, segment

_DROP = re.compile(r"[^\w\u4e00-\u9fff+]")


@dataclass(frozen=True)
class SegmentationScore:
    """Word-level agreement with the hand segmentation (a word counts if both its ends match)."""

    precision: float
    recall: float
    f1: float
    n_words: int


def read_segmented_sample(path: Path) -> list[list[str]]:
    """Return the hand-segmented sentences (comment lines start with #)."""
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def _spans(words: list[str]) -> set[tuple[int, int]]:
    spans, start = set(), 0
    for word in words:
        spans.add((start, start + len(word)))
        start += len(word)
    return spans


def score_segmentation(sample: list[list[str]], hmm: bool) -> SegmentationScore:
    """Score jieba with the project lexicon (HMM on or off) against the hand segmentation."""
    lexicon = load_lexicon()
    matched = predicted = gold = 0
    for words in sample:
        text = "".join(words)
        guess = [_DROP.sub("", word) for word in segment(text, lexicon=lexicon, hmm=hmm)]
        gold_spans, guess_spans = _spans(words), _spans([w for w in guess if w])
        matched += len(gold_spans & guess_spans)
        predicted += len(guess_spans)
        gold += len(gold_spans)
    precision, recall = matched / predicted, matched / gold
    return SegmentationScore(precision, recall, 2 * precision * recall / (precision + recall), gold)
