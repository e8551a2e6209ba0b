"""A researcher's decisions on common tasks: ``data/codebook/common_tasks.yaml``.

Clustering is automatic and sometimes wrong or unreadable; a researcher can RENAME a task
(the cluster holding an anchor measure), MERGE tasks (the clusters holding the listed
measures become one) or SPLIT one (the listed measures leave their cluster and form a new
one). Decisions are keyed by measure ids, never by cluster ids, so they survive a full
recluster and the incremental update when plans are added. A decision whose measure no longer
exists is skipped with a warning naming the entry: data change, a stale entry must not crash.

Order: merges first, then splits (a split can take measures out of a merged task), then names.
The file's ``settings`` also hold the thresholds of the automatic names (`names`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from zwgk.analyses.glossary import gloss_text, has_cjk
from zwgk.errors import ZwgkError
from zwgk.paths import COMMON_TASKS_PATH

_SECTIONS = {"settings", "rename", "merge", "split"}
_KEYS = {
    "rename": {"anchor", "name_zh", "name_en", "note"},
    "merge": {"measures", "note"},
    "split": {"measures", "name_zh", "name_en", "note"},
}
_SETTING_KEYS = {
    "max_name_chars": int,
    "min_title_chars": int,
    "generic_titles": list,
    "context_openers": list,
    "context_frames": list,
    "action_words": list,
}


class CurationError(ZwgkError):
    """The curated common-tasks file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Decision:
    """One curated decision: its kind (rename, merge, split), measures, optional names, and where it is written."""

    kind: str
    measure_ids: tuple[str, ...]
    name_zh: str = ""
    name_en: str = ""
    where: str = ""


@dataclass(frozen=True)
class NameSettings:
    """How automatic names are made (`zwgk.analyses.similar.names`)."""

    max_name_chars: int = 20
    min_title_chars: int = 4
    generic_titles: tuple[str, ...] = ()
    context_openers: tuple[str, ...] = ()  # regular expressions of a clause's start that sets the scene unless it acts (围绕…)
    context_frames: tuple[str, ...] = ()  # regular expressions of a whole clause that sets the scene (在…过程中)
    action_words: tuple[str, ...] = ()  # words that make a clause with an opener act (及时, 开展)


@dataclass(frozen=True)
class Curation:
    """Every decision of the file, in file order within each kind, and the naming settings."""

    decisions: tuple[Decision, ...] = ()
    settings: NameSettings = field(default_factory=NameSettings)
    path: Path | None = None

    def of_kind(self, kind: str) -> list[Decision]:
        """The decisions of one kind (rename, merge, split)."""
        return [decision for decision in self.decisions if decision.kind == kind]


def _fail(path: Path, where: str, message: str) -> CurationError:
    return CurationError(f"{path}, {where}: {message}")


def _read_settings(path: Path, raw: object) -> NameSettings:
    """Check the settings block: known keys with the right types."""
    if raw is None:
        return NameSettings()
    if not isinstance(raw, dict) or set(raw) - set(_SETTING_KEYS):
        raise _fail(path, "settings", f"expected a mapping with keys among {sorted(_SETTING_KEYS)}")
    for key, kind in _SETTING_KEYS.items():
        if key in raw and (not isinstance(raw[key], kind) or isinstance(raw[key], bool)):
            raise _fail(path, f"settings.{key}", f"must be a {kind.__name__}, not {raw[key]!r}")
    patterns = {key: _read_patterns(path, key, raw.get(key, ())) for key in ("context_openers", "context_frames")}
    values = {
        **raw,
        "generic_titles": tuple(str(title) for title in raw.get("generic_titles", ())),
        **patterns,
        "action_words": tuple(str(word) for word in raw.get("action_words", ())),
    }
    return NameSettings(**values)


def _read_patterns(path: Path, key: str, values: list) -> tuple[str, ...]:
    """Check a list of regular expressions of the settings; a bad one names its place."""
    for i, value in enumerate(values):
        try:
            re.compile(str(value))
        except re.error as error:
            raise _fail(path, f"settings.{key}[{i}]", f"not a valid regular expression ({error}): {value!r}") from error
    return tuple(str(value) for value in values)


def _read_decision(path: Path, kind: str, i: int, entry: object) -> Decision:
    """Check one entry of rename, merge or split and return it as a Decision."""
    where = f"{kind}[{i}]" + (f" (line {entry.get('__line__')})" if isinstance(entry, dict) and "__line__" in entry else "")
    if not isinstance(entry, dict):
        raise _fail(path, where, "each entry is a mapping")
    entry = {key: value for key, value in entry.items() if key != "__line__"}
    if unknown := set(entry) - _KEYS[kind]:
        raise _fail(path, where, f"unknown keys {sorted(unknown)}; expected {sorted(_KEYS[kind])}")
    ids = [entry["anchor"]] if kind == "rename" and "anchor" in entry else entry.get("measures")
    if not isinstance(ids, list) or not ids or not all(isinstance(value, str) and value for value in ids):
        raise _fail(path, where, "needs " + ("`anchor`: one measure id" if kind == "rename" else "`measures`: a list of measure ids"))
    if kind == "merge" and len(set(ids)) < 2:
        raise _fail(path, where, "a merge needs at least two measure ids")
    name_zh, name_en = str(entry.get("name_zh") or ""), str(entry.get("name_en") or "")
    if kind == "rename" and not (name_zh or name_en):
        raise _fail(path, where, "a rename needs name_zh, name_en or both")
    if has_cjk(name_en):
        raise _fail(path, where, f"name_en has Chinese: {name_en!r}")
    return Decision(kind, tuple(ids), name_zh, name_en, where)


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records each mapping's line, so errors name the entry's line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_curation(path: Path | None = None) -> Curation:
    """Read and validate the curated file (default ``data/codebook/common_tasks.yaml``); no file means no decisions."""
    path = Path(path or COMMON_TASKS_PATH)
    return _load_curation(path, path.stat().st_mtime_ns if path.exists() else 0)


@functools.lru_cache(maxsize=8)
def _load_curation(path: Path, _mtime: int) -> Curation:
    """Cached by path and modification time: an edited file is read again."""
    if not path.exists():
        return Curation(path=path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise CurationError(f"{path}: not valid YAML: {error}") from error
    raw.pop("__line__", None)
    if not isinstance(raw, dict) or set(raw) - _SECTIONS:
        raise CurationError(f"{path}: expected top-level keys among {sorted(_SECTIONS)}")
    settings = raw.get("settings")
    settings = _read_settings(path, {k: v for k, v in settings.items() if k != "__line__"} if isinstance(settings, dict) else settings)
    decisions = []
    for kind in ("rename", "merge", "split"):
        entries = raw.get(kind) or []
        if not isinstance(entries, list):
            raise _fail(path, kind, "expected a list of entries")
        decisions += [_read_decision(path, kind, i, entry) for i, entry in enumerate(entries)]
    return Curation(tuple(decisions), settings, path)


def _present(decision: Decision, known: set[str], path: Path | None) -> list[str]:
    """The decision's measure ids that exist; warn, naming the entry, about those that do not."""
    missing = [measure_id for measure_id in decision.measure_ids if measure_id not in known]
    if missing:
        warnings.warn(f"{path}, {decision.where}: measure ids no longer in the data, skipped: {', '.join(missing)}", stacklevel=3)
    return [measure_id for measure_id in decision.measure_ids if measure_id in known]


def make_split_id(measure_ids: list[str]) -> str:
    """Name a split-off task after its members (prefixed so it never takes the id of the task it left)."""
    return "c-" + hashlib.sha1(("split:" + "|".join(sorted(measure_ids))).encode()).hexdigest()[:10]


def apply_curation(clusters: pd.DataFrame, curation: Curation | None = None) -> pd.DataFrame:
    """Apply the curated merges and splits to a `cluster_measures` table; return it with sizes recomputed.

    A merged task keeps the smallest of its clusters' ids (an existing name); a split-off task
    gets `make_split_id`. Renames change names only (`curate_names`).
    """
    from zwgk.analyses.similar.clusters import add_cluster_sizes

    curation = curation or load_curation()
    if not curation.of_kind("merge") and not curation.of_kind("split"):
        return clusters
    out = clusters.copy()
    by_measure = pd.Series(out["cluster_id"].to_numpy(), index=out["measure_id"].to_numpy())
    known = set(by_measure.index)
    for decision in curation.of_kind("merge"):
        ids = sorted(set(by_measure[_present(decision, known, curation.path)]))
        if len(ids) > 1:
            by_measure[by_measure.isin(ids)] = ids[0]
    for decision in curation.of_kind("split"):
        present = _present(decision, known, curation.path)
        if present:
            by_measure[present] = make_split_id(present)
    out["cluster_id"] = by_measure.reindex(out["measure_id"]).to_numpy()
    return add_cluster_sizes(out)


def curate_names(summary: pd.DataFrame, clusters: pd.DataFrame, curation: Curation | None = None) -> pd.DataFrame:
    """Put the curated names (renames, named splits) on a cluster summary's name_zh and name_en; later entries win."""
    curation = curation or load_curation()
    named = [decision for decision in curation.decisions if decision.kind in ("rename", "split") and (decision.name_zh or decision.name_en)]
    if not named:
        return summary
    by_measure = pd.Series(clusters["cluster_id"].to_numpy(), index=clusters["measure_id"].to_numpy())
    out = summary.copy()
    known = set(by_measure.index)  # once: rebuilding it per decision was a second at 140,000 measures
    for decision in named:
        present = _present(decision, known, curation.path)
        if not present:
            continue
        rows = out["cluster_id"] == by_measure[present[0]]
        if decision.name_zh:
            out.loc[rows, "name_zh"] = decision.name_zh
        if decision.name_en or decision.name_zh:  # a new Chinese name alone gets its gloss
            out.loc[rows, "name_en"] = decision.name_en or gloss_text(decision.name_zh)
    return out
