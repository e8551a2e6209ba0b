"""Code every measure with a theme from the codebook ``data/codebook/themes.yaml``.

The codebook follows the Comparative Agendas Project: one primary theme per measure,
mutually exclusive at that level and exhaustive with an explicit ``other``; measures no rule
matches are ``unclassified``. Rules are phrase lists (any/all/not, with weights) that a
researcher edits in the YAML file; rerunning recodes without any code change.

A measure is read with its task's title: a short measure ("制定工作方案。") often says its
subject only in the title above it. Given the tasks, the title's theme scores are added to
each of its measures' scores with the weight ``settings.title_weight`` of the codebook.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from zwgk.errors import ZwgkError
from zwgk.parse.numbering import fold_fullwidth
from zwgk.paths import CODEBOOK_PATH
from zwgk.schema import UNCLASSIFIED

_RULE_KEYS = {"any", "all", "not"}
_SETTING_KEYS = {"title_weight"}
SCORE_CHUNK = 50_000  # texts scored at once (`score_texts`): bounds the phrase counts held in memory


class CodebookError(ZwgkError):
    """The codebook file is malformed; the message names the theme."""


@dataclass(frozen=True)
class RuleSet:
    """Phrases with weights (any), phrases all required (all), phrases excluded (not)."""

    any: tuple[tuple[str, float], ...]
    all: tuple[str, ...]
    not_: tuple[str, ...]

    def score(self, text: str) -> float:
        """Return the weighted count of ``any`` phrases in ``text`` if the set applies, else 0."""
        if any(phrase in text for phrase in self.not_) or not all(phrase in text for phrase in self.all):
            return 0.0
        return sum(weight * text.count(phrase) for phrase, weight in self.any) if self.any else float(bool(self.all))


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook."""

    theme_id: str
    name_zh: str
    name_en: str
    description: str
    examples: tuple[str, ...]
    rules: tuple[RuleSet, ...]

    def score(self, text: str) -> float:
        """Return the theme's score for ``text``: the best of its rule sets."""
        return max((rule.score(text) for rule in self.rules), default=0.0)


def _read_rule(theme_id: str, raw: dict) -> RuleSet:
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise CodebookError(f"theme {theme_id}: unknown rule keys {sorted(unknown)} (use any/all/not)")
    phrases = raw.get("any") or {}
    if isinstance(phrases, list):
        phrases = dict.fromkeys(phrases, 1)
    return RuleSet(
        tuple((fold_fullwidth(str(p)), float(w)) for p, w in phrases.items()),
        tuple(fold_fullwidth(str(p)) for p in raw.get("all") or ()),
        tuple(fold_fullwidth(str(p)) for p in raw.get("not") or ()),
    )


def _read_theme(raw: dict) -> Theme:
    missing = {"id", "name_zh", "name_en", "description"} - set(raw)
    if missing:
        raise CodebookError(f"theme {raw.get('id', '?')}: missing {sorted(missing)}")
    return Theme(
        raw["id"],
        raw["name_zh"],
        raw["name_en"],
        raw["description"],
        tuple(raw.get("examples") or ()),
        tuple(_read_rule(raw["id"], rule) for rule in raw.get("rules") or ()),
    )


@dataclass(frozen=True)
class CodebookSettings:
    """How texts are scored beyond the themes' rules.

    title_weight: weight of the task title's theme scores added to each of its measures'
    scores (0 codes the measure text alone).
    """

    title_weight: float = 0.0


@functools.cache
def load_codebook_settings(path: Path = CODEBOOK_PATH) -> CodebookSettings:
    """Read and check the codebook's optional ``settings`` mapping (known keys, weights ≥ 0)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")).get("settings") or {}
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: settings must be a mapping, not {type(raw).__name__}")
    unknown = set(raw) - _SETTING_KEYS
    if unknown:
        raise CodebookError(f"{path}: unknown settings {sorted(unknown)} (known: {sorted(_SETTING_KEYS)})")
    weight = raw.get("title_weight", 0.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        raise CodebookError(f"{path}: settings.title_weight must be a number ≥ 0, not {weight!r}")
    return CodebookSettings(title_weight=float(weight))


@functools.cache
def load_codebook(path: Path = CODEBOOK_PATH) -> tuple[Theme, ...]:
    """Read and check the codebook (unique ids, an ``other`` theme, known rule keys)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    themes = tuple(_read_theme(theme) for theme in raw["themes"])
    ids = [theme.theme_id for theme in themes]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise CodebookError(f"{path}: duplicated theme ids {duplicated}")
    if "other" not in ids or UNCLASSIFIED in ids:
        raise CodebookError(f"{path}: the codebook needs an 'other' theme and may not define '{UNCLASSIFIED}'")
    return themes


def codebook_table(path: Path = CODEBOOK_PATH) -> pd.DataFrame:
    """Return the themes as a table (id, names, description), in codebook order."""
    return pd.DataFrame(
        [(t.theme_id, t.name_zh, t.name_en, t.description) for t in load_codebook(path)],
        columns=["theme_id", "theme_zh", "theme_en", "description"],
    )


def classify_text(text: str, path: Path = CODEBOOK_PATH) -> tuple[str, list[str], dict[str, float]]:
    """Return (primary theme, secondary themes, scores) for one text.

    The primary theme has the highest score; ties go to the theme listed first.
    """
    folded = fold_fullwidth(text)
    scores = {theme.theme_id: theme.score(folded) for theme in load_codebook(path)}
    matched = [theme_id for theme_id, score in scores.items() if score > 0]
    if not matched:
        return UNCLASSIFIED, [], scores
    ranked = sorted(matched, key=lambda theme_id: -scores[theme_id])  # stable: codebook order breaks ties
    return ranked[0], ranked[1:], scores


class _PhraseCounter:
    """Counts of each phrase in every text, found in one string holding all the texts.

    Coding 100,000 measures one text at a time in Python took 10 s, and Arrow's
    ``count_substring`` was no faster; one regex scan per phrase over the texts joined by
    NUL (which no phrase contains) takes about a second for the whole codebook, and its
    non-overlapping matches count exactly as ``str.count`` does.
    """

    def __init__(self, texts: list[str]) -> None:
        lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
        self.starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) if len(texts) else np.empty(0, np.int64)
        self.lengths = lengths
        self.joined = "\0".join(texts)
        self.counts: dict[str, np.ndarray] = {}

    def __call__(self, phrase: str) -> np.ndarray:
        if phrase not in self.counts:
            if not phrase:  # as str.count: an empty phrase occurs len + 1 times
                self.counts[phrase] = (self.lengths + 1).astype(np.float64)
            else:
                hits = np.fromiter((match.start() for match in re.finditer(re.escape(phrase), self.joined)), dtype=np.int64)
                owners = np.searchsorted(self.starts, hits, side="right") - 1
                self.counts[phrase] = np.bincount(owners, minlength=len(self.starts)).astype(np.float64)
        return self.counts[phrase]


def _score_rule(rule: RuleSet, count: _PhraseCounter, n: int) -> np.ndarray:
    """``RuleSet.score`` for every text at once."""
    applies = np.ones(n, dtype=bool)
    for phrase in rule.not_:
        applies &= count(phrase) == 0
    for phrase in rule.all:
        applies &= count(phrase) > 0
    score = sum((weight * count(phrase) for phrase, weight in rule.any), np.zeros(n)) if rule.any else np.ones(n)
    return np.where(applies, score, 0.0)


def score_texts(texts: list[str], path: Path = CODEBOOK_PATH) -> np.ndarray:
    """Return every theme's score for every text (rows: texts, columns: codebook order).

    Texts are scored ``SCORE_CHUNK`` at a time: the phrase counts of one chunk are a float
    array per codebook phrase, which for all of 700,000 measures at once held 3 GB.
    """
    themes = load_codebook(path)
    scores = np.zeros((len(texts), len(themes)))
    for start in range(0, len(texts), SCORE_CHUNK):
        chunk = texts[start : start + SCORE_CHUNK]
        count = _PhraseCounter([fold_fullwidth(text) for text in chunk])
        part = scores[start : start + len(chunk)]
        for column, theme in enumerate(themes):
            for rule in theme.rules:
                part[:, column] = np.maximum(part[:, column], _score_rule(rule, count, len(chunk)))
    return scores


def score_titles(measures: pd.DataFrame, tasks: pd.DataFrame, path: Path = CODEBOOK_PATH) -> np.ndarray:
    """Return the theme scores of each measure's task title times ``settings.title_weight``.

    Tasks without a title (their heading is in the section path) add nothing.
    """
    weight = load_codebook_settings(path).title_weight
    if weight == 0 or measures.empty:
        return np.zeros((len(measures), len(load_codebook(path))))
    title_of = tasks.drop_duplicates("task_id").set_index("task_id")["task_title"]
    titles = measures["task_id"].map(title_of).fillna("").astype(str).tolist()
    return weight * score_texts(titles, path)


def code_measures(measures: pd.DataFrame, path: Path = CODEBOOK_PATH, tasks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per measure: its primary theme, names, secondary themes and score.

    Same decisions as ``classify_text`` (highest score; ties to the theme listed first).
    With ``tasks``, each measure is read with its task's title (``score_titles``); without,
    the measure text alone is coded.
    """
    themes = load_codebook(path)
    ids = np.array([t.theme_id for t in themes] + [UNCLASSIFIED], dtype=object)
    names = {t.theme_id: (t.name_zh, t.name_en) for t in themes} | {UNCLASSIFIED: ("未分类", "Unclassified")}
    scores = score_texts(measures["text"].tolist(), path)
    if tasks is not None:
        scores = scores + score_titles(measures, tasks, path)
    ranked = np.argsort(-scores, axis=1, kind="stable")
    ranked_scores = np.take_along_axis(scores, ranked, axis=1)
    is_classified = ranked_scores[:, 0] > 0  # the codebook has at least the 'other' theme
    primary = np.where(is_classified, ranked[:, 0], len(themes))
    secondary = [ids[row[1:][row_scores[1:] > 0]].tolist() for row, row_scores in zip(ranked, ranked_scores, strict=True)]
    theme_ids = ids[primary]
    coded = pd.DataFrame(
        {
            "measure_id": measures["measure_id"].to_numpy(),
            "theme_id": theme_ids,
            "theme_zh": [names[t][0] for t in theme_ids],
            "theme_en": [names[t][1] for t in theme_ids],
            "secondary_theme_ids": secondary,
            "theme_score": np.where(is_classified, ranked_scores[:, 0], 0.0),
        }
    )
    coded["is_classified"] = coded["theme_id"] != UNCLASSIFIED
    return coded


def summarise_coverage(coded: pd.DataFrame) -> float:
    """Return the share of measures with a theme (target: at least 0.95)."""
    return float(coded["is_classified"].mean()) if len(coded) else float("nan")
