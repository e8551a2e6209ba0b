"""Tokenize Chinese plan text with jieba, a domain lexicon and a boilerplate stopword list.

jieba's default dictionary splits the field's vocabulary (依申请公开 -> 依/申请/公开), so the
editable files in ``data/lexicon/`` add it back: ``user_dict.txt`` (domain words, kept whole
even when they contain punctuation, like 双随机、一公开), ``stopwords.txt`` (plan boilerplate
such as 进一步/加强/推进) and ``settings.yaml`` (HMM on or off, minimum token length).
Tokens are cached per text by content hash, so a rebuild only tokenizes what changed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba
import pandas as pd
import yaml

from zwgk.parallel import count_workers, map_processes
from zwgk.paths import LEXICON_DIR, get_cache_dir

_WORD_CHARS = re.compile(r"[\w\u4e00-\u9fff+]")
_NUMBER = re.compile(r"^\d+(\.\d+)?%?$")
# Punctuation and white space, where jieba's runs of Han characters, letters and digits end anyway.
_CLAUSE_BREAK = re.compile(r"[，。；：！？、,;:!?（）《》“”\s]+")
CLAUSE_CACHE = 500_000  # clauses whose words each process remembers (`_clause_cutter`)
# Below this many new characters one process is quicker than starting workers (about 1 s each
# to load jieba's dictionary); above it, jieba's ~0.5 M characters/s per core is the hot spot.
PARALLEL_MIN_CHARS = 1_000_000
jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class Lexicon:
    """The domain words, phrase rewrites, stopwords and settings, with a content hash."""

    words: tuple[tuple[str, int | None, str | None], ...]
    rewrites: tuple[tuple[str, str], ...]
    stopwords: frozenset[str]
    hmm: bool
    min_token_chars: int
    digest: str


def _read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def load_lexicon(folder: Path = LEXICON_DIR) -> Lexicon:
    """Read ``data/lexicon``; words with punctuation become rewrites to their bare form."""
    words = []
    rewrites = []
    for line in _read_lines(folder / "user_dict.txt"):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 else None
        tag = parts[2] if len(parts) > 2 else None
        bare = "".join(_WORD_CHARS.findall(word))
        if bare != word:
            rewrites.append((word, bare))
        words.append((bare, freq, tag))
    settings = yaml.safe_load((folder / "settings.yaml").read_text(encoding="utf-8"))
    digest = hashlib.sha256(b"".join((folder / name).read_bytes() for name in ("user_dict.txt", "stopwords.txt", "settings.yaml")))
    return Lexicon(
        tuple(words),
        tuple(sorted(rewrites, key=lambda pair: -len(pair[0]))),
        frozenset(_read_lines(folder / "stopwords.txt")),
        bool(settings["hmm"]),
        int(settings["min_token_chars"]),
        digest.hexdigest()[:16],
    )


@functools.cache
def _tokenizer(lexicon: Lexicon | None) -> jieba.Tokenizer:
    """A jieba tokenizer of its own (no global state), with the domain words if given."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in lexicon.words if lexicon else ():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def segment(text: str, *, lexicon: Lexicon | None = None, hmm: bool | None = None, use_lexicon: bool = True) -> list[str]:
    """Return jieba's words for ``text`` (all of them, punctuation aside), for inspection.

    ``use_lexicon=False`` shows what jieba's default dictionary does on its own.
    """
    lexicon = lexicon or load_lexicon()
    active = lexicon if use_lexicon else None
    for phrase, bare in active.rewrites if active else ():
        text = text.replace(phrase, bare)
    cut = _clause_cutter(active, lexicon.hmm if hmm is None else hmm)
    return [word for clause in _CLAUSE_BREAK.split(text) if clause for word in cut(clause) if _WORD_CHARS.search(word)]


@functools.cache
def _clause_cutter(lexicon: Lexicon | None, hmm: bool) -> Callable[[str], tuple[str, ...]]:
    """jieba's cut of one clause, remembered: plans repeat clauses far more often than whole measures.

    jieba segments each run of Han characters, letters and digits on its own, so cutting a
    text at punctuation (``_CLAUSE_BREAK``, none of which such a run holds) and joining the
    clauses' words gives the same words as cutting the whole text.
    """
    tokenizer = _tokenizer(lexicon)

    @functools.lru_cache(maxsize=CLAUSE_CACHE)
    def cut(clause: str) -> tuple[str, ...]:
        return tuple(tokenizer.cut(clause, HMM=hmm))

    return cut


def tokenize(text: str, lexicon: Lexicon | None = None) -> list[str]:
    """Return the tokens used for comparison: words without stopwords, numbers or short tokens."""
    lexicon = lexicon or load_lexicon()
    domain = {word for word, _, _ in lexicon.words}
    return [
        word
        for word in segment(text, lexicon=lexicon)
        if word not in lexicon.stopwords and (word in domain or (len(word) >= lexicon.min_token_chars and not _NUMBER.match(word)))
    ]


def hash_text(text: str) -> str:
    """Return the content hash that keys the token cache."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    return [tokenize(text) for text in texts]


def _tokenize_all(texts: list[str], workers: int | None = None) -> list[list[str]]:
    """Tokenize in order, over every core when there is enough text to pay for the workers.

    The dictionary is loaded here first, so forked workers inherit it and start at once.
    ``workers=1`` forces one process. The result does not depend on the number of workers.
    """
    if workers == 1 or sum(map(len, texts)) < PARALLEL_MIN_CHARS:
        return _tokenize_chunk(texts)
    _tokenizer(load_lexicon())
    size = -(-len(texts) // (count_workers() * 4))
    chunks = [texts[start : start + size] for start in range(0, len(texts), size)]
    return [tokens for chunk in map_processes(_tokenize_chunk, chunks) for tokens in chunk]


def tokenize_texts(texts: Iterable[str], cache_dir: Path | str | None = None, workers: int | None = None) -> list[list[str]]:
    """Tokenize many texts, reusing the cache (keyed by text hash and lexicon) where it can.

    New texts are tokenized over every core when they are long enough together
    (``PARALLEL_MIN_CHARS``) to be worth it; ``workers=1`` keeps to one process.
    """
    texts = list(texts)
    lexicon = load_lexicon()
    path = Path(cache_dir or get_cache_dir()) / f"tokens-{lexicon.digest}.parquet"  # a folder given as a string too
    cached: dict[str, list[str]] = {}
    if path.is_file():
        frame = pd.read_parquet(path)
        cached = dict(zip(frame["text_hash"], frame["tokens"].map(list), strict=True))
    hashes = [hash_text(text) for text in texts]
    missing = {h: text for h, text in zip(hashes, texts, strict=True) if h not in cached}
    if missing:
        cached.update(zip(missing, _tokenize_all(list(missing.values()), workers), strict=True))
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame({"text_hash": list(cached), "tokens": list(cached.values())})
        tmp = path.with_suffix(".tmp")
        frame.to_parquet(tmp, index=False)
        tmp.replace(path)
    return [cached[h] for h in hashes]


def tokenize_measures(measures: pd.DataFrame, cache_dir: Path | None = None) -> pd.Series:
    """Return the tokens of each measure (index aligned with ``measures``)."""
    return pd.Series(tokenize_texts(measures["text"], cache_dir), index=measures.index, name="tokens")
