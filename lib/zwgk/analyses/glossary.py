"""English for Chinese terms: the bilingual glossary ``data/codebook/glossary.yaml``.

English charts must carry no Chinese, yet their labels come from Chinese data: common-task
labels and names, keyness terms, measure texts. `gloss_text` writes such a text term by term
in English, cut into glossary terms so that the fewest characters are left over (then into the
fewest terms, longer first); characters no term covers become pinyin in italics,
so nothing is silently lost and a reader sees what is untranslated. `find_missing_terms`
lists those pieces so a researcher can extend the file; the glossary is data, not code.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from zwgk.errors import ZwgkError
from zwgk.paths import GLOSSARY_PATH

# Chinese characters and CJK punctuation/full-width forms: none may remain in an English text.
CJK_PATTERN = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Chinese punctuation written the English way (anything else full-width is folded by NFKC-like mapping below).
_PUNCTUATION = {
    "，": ", ", "。": ". ", "、": ", ", "；": "; ", "：": ": ", "！": "! ", "？": "? ", "（": " (", "）": ") ",
    "“": ' "', "”": '" ', "‘": " '", "’": "' ", "《": " '", "》": "' ", "【": " [", "】": "] ", "—": "-", "…": "...",
    "｜": " | ", "〔": " (", "〕": ") ", "　": " ", "·": " ",
}  # fmt: skip


class GlossaryError(ZwgkError):
    """The glossary file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class Glossary:
    """Chinese term -> English gloss, with the longest term's length for matching."""

    terms: dict[str, str]
    path: Path

    @functools.cached_property
    def max_length(self) -> int:
        """Length of the longest term (the widest window the cut needs to try)."""
        return max((len(term) for term in self.terms), default=0)


def _fail(path: Path, node: yaml.Node, message: str) -> GlossaryError:
    return GlossaryError(f"{path}, line {node.start_mark.line + 1}: {message}")


def _read_terms(path: Path, root: yaml.Node | None) -> dict[str, str]:
    """Check the composed YAML tree (so every error can name its line) and return its terms."""
    if not isinstance(root, yaml.MappingNode):
        raise GlossaryError(f"{path}: expected a mapping with the key `terms`")
    top = {key.value: value for key, value in root.value}
    if set(top) != {"terms"} or not isinstance(top["terms"], yaml.MappingNode):
        raise _fail(path, root, "expected one key, `terms`, holding `中文词: English gloss` entries")
    terms: dict[str, str] = {}
    for key, value in top["terms"].value:
        if not isinstance(key, yaml.ScalarNode) or not _HAN.search(str(key.value)):
            raise _fail(path, key, f"the term {key.value!r} has no Chinese character")
        if not isinstance(value, yaml.ScalarNode) or (value.tag.endswith(("bool", "null", "int", "float")) and value.style is None):
            raise _fail(path, value, f'the gloss of {key.value} must be text (quote it: {key.value}: "{value.value}")')
        if CJK_PATTERN.search(value.value):
            raise _fail(path, value, f"the gloss of {key.value} ({value.value!r}) contains Chinese")
        if key.value in terms:
            raise _fail(path, key, f"the term {key.value} appears twice")
        terms[key.value] = value.value.strip()
    return terms


def load_glossary(path: Path | None = None) -> Glossary:
    """Read and validate the glossary (default ``data/codebook/glossary.yaml``); raise GlossaryError naming the line."""
    path = Path(path or GLOSSARY_PATH)
    return _load_glossary(path, path.stat().st_mtime_ns if path.exists() else 0)


@functools.lru_cache(maxsize=4)
def _load_glossary(path: Path, _mtime: int) -> Glossary:
    """Cached by path and modification time: an edited file is read again."""
    if not path.exists():
        raise GlossaryError(f"{path}: the glossary file does not exist")
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise GlossaryError(f"{path}: not valid YAML: {error}") from error
    return Glossary(_read_terms(path, root), path)


def _to_pinyin(run: str) -> str:
    """Pinyin of a run of characters no term covers, in italics, so a reader sees it is untranslated."""
    from pypinyin import lazy_pinyin

    return "<i>" + "".join(lazy_pinyin(run)) + "</i>"


def _split_gloss(text: str, glossary: Glossary) -> list[tuple[str, str | None]]:
    """Pieces of ``text``: (glossary term, gloss), (uncovered Chinese, None) or (other text, same text).

    The text is cut into glossary terms so that the fewest Chinese characters stay uncovered,
    then with the fewest terms, ties going to the longer first term; other characters cost
    nothing unless a term holds them (互联网+政务服务). Taking the longest match from the left
    instead can strand a character the glossary knows in a longer word: 一次办事项清单 became
    一次 + 办事 + 项 + 清单, leaving 项 in pinyin, where 一次 + 办 + 事项清单 covers it all.
    """
    pieces: list[tuple[str, str | None]] = []
    merge = False  # whether the last piece is a run of uncovered Chinese or of other text, which grows character by character
    for piece, is_term in _segment(text, glossary):
        gloss = glossary.terms[piece] if is_term else (None if _HAN.match(piece) else piece)
        if merge and not is_term and (pieces[-1][1] is None) == (gloss is None):
            run = pieces[-1][0] + piece
            pieces[-1] = (run, None if gloss is None else run)
        else:
            pieces.append((piece, gloss))
        merge = not is_term
    return pieces


def _segment(text: str, glossary: Glossary) -> list[tuple[str, bool]]:
    """Cut ``text`` into glossary terms and single characters, each with whether it is a term (see `_split_gloss`).

    Dynamic programming from the end of the text: the best cut of each suffix, then the path.
    """
    n = len(text)
    cost: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (uncovered Chinese characters, terms) of the best cut of text[i:]
    step = [0] * (n + 1)  # length of the term starting there, 0 for a character alone
    for i in range(n - 1, -1, -1):
        best = (cost[i + 1][0] + 1, cost[i + 1][1]) if _HAN.match(text[i]) else cost[i + 1]  # the character alone
        for length in range(min(glossary.max_length, n - i), 0, -1):  # longest first: a tie keeps the longer term
            option = (cost[i + length][0], cost[i + length][1] + 1)
            if option < best and text[i : i + length] in glossary.terms:
                best, step[i] = option, length
        cost[i] = best
    out, i = [], 0
    while i < n:
        length = step[i] or 1
        out.append((text[i : i + length], step[i] > 0))
        i += length
    return out


def _write_punctuation(text: str) -> str:
    """Chinese punctuation and full-width forms as their ASCII counterparts."""
    out = "".join(_PUNCTUATION.get(ch, chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch) for ch in text)
    return CJK_PATTERN.sub(" ", out)


def gloss_text(text_zh: str, glossary: Glossary | None = None) -> str:
    """Write a Chinese text in English term by term (the cut leaving the fewest characters uncovered); those in italic pinyin.

    The result has no Chinese character. It is a gloss, a reading aid for a reader without
    Chinese, not a translation.
    """
    glossary = glossary or load_glossary()
    words = []
    for piece, gloss in _split_gloss(str(text_zh), glossary):
        if gloss is None:
            words.append(_to_pinyin(piece))
        elif _HAN.match(piece[0]):
            if gloss:
                words.append(gloss)
        else:
            words.append(_write_punctuation(piece))
    text = " ".join(word.strip() for word in words if word.strip())
    text = re.sub(r"\s+([,.;:!?)\]'\"]|\.\.\.)(?=\s|$)", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def find_missing_terms(texts: Iterable[str], glossary: Glossary | None = None) -> pd.DataFrame:
    """The runs of Chinese no glossary term covers in ``texts``, with how often each occurs (most frequent first).

    These are what English charts write in pinyin; add them to the glossary to translate them.
    """
    glossary = glossary or load_glossary()
    counts = Counter(piece for text in texts for piece, gloss in _split_gloss(str(text), glossary) if gloss is None)
    frame = pd.DataFrame(sorted(counts.items(), key=lambda item: (-item[1], item[0])), columns=["term", "count"])
    frame["pinyin"] = frame["term"].map(lambda term: _to_pinyin(term)[3:-4])
    return frame


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character or CJK punctuation (what an English chart must not show)."""
    return bool(CJK_PATTERN.search(str(text)))


def find_dataset_missing_terms(data_dir: Path | None = None, glossary: Glossary | None = None) -> pd.DataFrame:
    """The Chinese the dataset's English charts would write in pinyin: words of the measures and common-task names.

    Words are the tokens keyness and cluster labels are made of (counted by frequency); names
    are the automatic and curated names of the common tasks. Most frequent first: add the top
    of this list to the glossary (`zwgk glossary` prints it).
    """
    from zwgk.analyses.similar import build_similarity_index, cluster_measures, summarise_clusters
    from zwgk.analyses.tokens import tokenize_measures
    from zwgk.processed.dataset import load_measures, load_plans, load_tasks

    measures, plans = load_measures(data_dir), load_plans(data_dir)
    words = [word for row in tokenize_measures(measures) for word in row]
    index = build_similarity_index(measures)
    summary = summarise_clusters(
        index, cluster_measures(data_dir=data_dir), plans.set_index("plan_id")["jurisdiction"], tasks=load_tasks(data_dir)
    )
    return find_missing_terms([*words, *summary.loc[summary["is_common_task"], "name_zh"]], glossary)
