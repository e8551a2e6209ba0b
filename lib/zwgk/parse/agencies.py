"""Split agency cells into single agencies with a role and a canonical kind.

Cells read like “区编办牵头，各镇（街、区），区政府各部门、各直属机构负责” or
“市发改委、国土局、城乡建设局”. We split on 、，, outside brackets and protected
collectives, let role markers (牵头 / 负责 / 配合 …) close clauses, expand a shared prefix
(国土局 after 市发改委 is 市国土局), and map each agency to a kind from
``config/agency_kinds.csv`` so agencies compare across jurisdictions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from zwgk.schema import CLAUSE_END_CHARS
from zwgk.settings import AgencySettings

OTHER_KIND = ("other", "其他", "Other")
AGENCY_CELL_CACHE = 100_000  # distinct agency cells each process remembers (`parse_agency_cell`)
_OPEN = "（([【"
_CLOSE = "）)]】"


@dataclass(frozen=True)
class AgencyMention:
    """One agency named for one task, as written and as understood."""

    name_raw: str
    name: str
    role: str
    kind_id: str
    kind_zh: str
    kind_en: str
    is_collective: bool
    is_prefix_expanded: bool


def split_agency_text(text: str, cfg: AgencySettings) -> list[str]:
    """Split on separators outside brackets and outside protected collective phrases."""
    protected = [(m.start(), m.end()) for p in cfg.protected for m in p.finditer(text)]
    separators = cfg.separators
    pieces: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        depth += (char in _OPEN) - (char in _CLOSE)
        inside = depth > 0 or any(a <= index < b for a, b in protected)
        if char in separators and not inside:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _strip_role_marker(segment: str, cfg: AgencySettings) -> tuple[str, str | None]:
    for marker in cfg.role_markers:
        found = marker.pattern.search(segment)
        if found and found.start() > 0:
            return segment[: found.start()], marker.role
    return segment, None


def _assign_roles(segments: list[str], default_role: str, cfg: AgencySettings) -> list[tuple[str, str, str]]:
    """Return (segment as written, name without marker, role); a marker closes a clause."""
    out: list[tuple[str, str, str]] = []
    open_clause: list[tuple[str, str]] = []
    for segment in segments:
        name, role = _strip_role_marker(segment, cfg)
        open_clause.append((segment, name))
        if role is not None:
            out.extend((raw, bare, role) for raw, bare in open_clause)
            open_clause = []
    out.extend((raw, bare, default_role) for raw, bare in open_clause)
    return out


def classify_agency_kind(name: str, cfg: AgencySettings) -> tuple[str, str, str]:
    """Return (kind_id, kind_zh, kind_en) of an agency name; ``other`` if nothing maps."""
    for kind in cfg.kinds:
        if kind.pattern.search(name):
            return kind.kind_id, kind.kind_zh, kind.kind_en
    return OTHER_KIND


def _is_bare(name: str, cfg: AgencySettings) -> bool:
    """A name that needs the prefix of the agency before it (国土局 after 市发改委)."""
    if name[0] in cfg.prefixes or cfg.collective_start.search(name):
        return False
    if any(char in cfg.place_chars for char in name[:-1]):
        return False  # names a place: 人行某某市中心支行, 各县（市、区）
    return any(kind.pattern.match(name) for kind in cfg.kinds)


def parse_agency_cell(text: str, default_role: str, cfg: AgencySettings) -> list[AgencyMention]:
    """Split one agency cell into mentions; roles from markers, else ``default_role``.

    A plan repeats its agency cells row after row, and plans of one province repeat each
    other's, so each distinct cell is parsed once per process (mentions are immutable).
    """
    held = _CELL_PARSERS.get(id(cfg))
    if held is None or held[0] is not cfg:  # keyed by identity: hashing the settings on every cell cost as much as parsing it
        parse = functools.lru_cache(maxsize=AGENCY_CELL_CACHE)(functools.partial(_parse_agency_cell, cfg=cfg))
        held = _CELL_PARSERS[id(cfg)] = (cfg, parse)
    return list(held[1](text, default_role))


_CELL_PARSERS: dict[int, tuple[AgencySettings, Callable[[str, str], tuple[AgencyMention, ...]]]] = {}


def _parse_agency_cell(text: str, default_role: str, cfg: AgencySettings) -> tuple[AgencyMention, ...]:
    mentions: list[AgencyMention] = []
    prefix = ""
    for raw, bare, role in _assign_roles(split_agency_text(text, cfg), default_role, cfg):
        name = cfg.open_list_suffix.sub("", bare).strip()
        if not name:
            continue
        expanded = bool(prefix) and _is_bare(name, cfg)
        if expanded:
            name = prefix + name
        elif name[0] in cfg.prefixes:
            prefix = name[0]
        is_collective = bool(cfg.collective.search(name))
        mentions.append(AgencyMention(raw, name, role, *classify_agency_kind(name, cfg), is_collective, expanded))
    return tuple(mentions)


def looks_like_agency_list(text: str, cfg: AgencySettings) -> bool:
    """Whether ``text`` is a list of agencies (for aligning table rows that lost cells)."""
    if not text or any(mark in text for mark in CLAUSE_END_CHARS):
        return False
    names = [_strip_role_marker(segment, cfg)[0] for segment in split_agency_text(text, cfg)]
    names = [cfg.open_list_suffix.sub("", name) for name in names]
    return bool(names) and all(name and len(name) <= cfg.max_agency_chars and cfg.agency_end.search(name) for name in names)
