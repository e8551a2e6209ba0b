"""Code every measure with a theme from the codebook ``data/codebook/themes.yaml``.

The codebook follows the Comparative Agendas Project: one primary theme per measure,
mutually exclusive at that level and exhaustive with an explicit ``other``; measures no rule
matches are ``unclassified``. Rules are phrase lists (any/all/not, with weights) that a
researcher edits in the YAML file; rerunning recodes without any code change.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from zwgk.errors import ZwgkError
from zwgk.numbering import fold_fullwidth
from zwgk.paths import CODEBOOK_PATH

UNCLASSIFIED = "unclassified"
_RULE_KEYS = {"any", "all", "not"}


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


def code_measures(measures: pd.DataFrame, path: Path = CODEBOOK_PATH) -> pd.DataFrame:
    """Return one row per measure: its primary theme, names, secondary themes and score."""
    names = {t.theme_id: (t.name_zh, t.name_en) for t in load_codebook(path)} | {UNCLASSIFIED: ("未分类", "Unclassified")}
    rows = []
    for measure_id, text in zip(measures["measure_id"], measures["text"], strict=True):
        primary, secondary, scores = classify_text(text, path)
        rows.append((measure_id, primary, *names[primary], secondary, scores.get(primary, 0.0)))
    coded = pd.DataFrame(rows, columns=["measure_id", "theme_id", "theme_zh", "theme_en", "secondary_theme_ids", "theme_score"])
    coded["is_classified"] = coded["theme_id"] != UNCLASSIFIED
    return coded


def summarise_coverage(coded: pd.DataFrame) -> float:
    """Return the share of measures with a theme (target: at least 0.95)."""
    return float(coded["is_classified"].mean()) if len(coded) else float("nan")
