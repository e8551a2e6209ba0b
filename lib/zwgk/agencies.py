"""Split agency cells into single agencies with a role and a canonical kind.

Cells read like “区编办牵头，各镇（街、区），区政府各部门、各直属机构负责” or
“市发改委、国土局、城乡建设局”. We split on 、，, outside brackets and protected
collectives, let role markers (牵头 / 负责 / 配合 …) close clauses, expand a shared prefix
(国土局 after 市发改委 is 市国土局), and map each agency to a kind from
``config/agency_kinds.csv`` so agencies compare across jurisdictions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zwgk.config_files import compile_pattern, load_agency_kinds, load_yaml

ROLES = ("lead", "responsible", "lead_and_responsible", "cooperating")
OTHER_KIND = ("other", "其他", "Other")
_OPEN = "（([【"
_CLOSE = "）)]】"
_AGENCY_END = re.compile(
    r"(局|委|办|室|厅|中心|政府|部门|单位|机构|院|行|所|站|队|会|部|处|街道|镇|乡|区|县|市|组|公司|集团|协会|分局|支行)"
    r"([（(][^）)]*[）)])?$"
)
_MAX_AGENCY_CHARS = 30


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


def _cfg() -> dict:
    return load_yaml("agencies")


def split_agency_text(text: str) -> list[str]:
    """Split on separators outside brackets and outside protected collective phrases."""
    protected = [(m.start(), m.end()) for p in _cfg()["protected"] for m in compile_pattern(p).finditer(text)]
    separators = _cfg()["separators"]
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


def _strip_role_marker(segment: str) -> tuple[str, str | None]:
    for marker in _cfg()["role_markers"]:
        found = compile_pattern(f"(?:{marker['pattern']})$").search(segment)
        if found and found.start() > 0:
            return segment[: found.start()], marker["role"]
    return segment, None


def _assign_roles(segments: list[str], default_role: str) -> list[tuple[str, str, str]]:
    """Return (segment as written, name without marker, role); a marker closes a clause."""
    out: list[tuple[str, str, str]] = []
    open_clause: list[tuple[str, str]] = []
    for segment in segments:
        name, role = _strip_role_marker(segment)
        open_clause.append((segment, name))
        if role is not None:
            out.extend((raw, bare, role) for raw, bare in open_clause)
            open_clause = []
    out.extend((raw, bare, default_role) for raw, bare in open_clause)
    return out


def classify_agency_kind(name: str) -> tuple[str, str, str]:
    """Return (kind_id, kind_zh, kind_en) of an agency name; ``other`` if nothing maps."""
    for kind in load_agency_kinds():
        if kind.pattern.search(name):
            return kind.kind_id, kind.kind_zh, kind.kind_en
    return OTHER_KIND


def _is_bare(name: str) -> bool:
    """A name that needs the prefix of the agency before it (国土局 after 市发改委)."""
    cfg = _cfg()
    if name[0] in cfg["prefixes"] or compile_pattern(cfg["collective_start"]).search(name):
        return False
    if re.search(f"[{cfg['place_chars']}]", name[:-1]):
        return False  # names a place: 人行某某市中心支行, 各县（市、区）
    return any(kind.pattern.match(name) for kind in load_agency_kinds())


def parse_agency_cell(text: str, default_role: str) -> list[AgencyMention]:
    """Split one agency cell into mentions; roles from markers, else ``default_role``."""
    cfg = _cfg()
    mentions: list[AgencyMention] = []
    prefix = ""
    for raw, bare, role in _assign_roles(split_agency_text(text), default_role):
        name = compile_pattern(cfg["open_list_suffix"]).sub("", bare).strip()
        if not name:
            continue
        expanded = bool(prefix) and _is_bare(name)
        if expanded:
            name = prefix + name
        elif name[0] in cfg["prefixes"]:
            prefix = name[0]
        is_collective = bool(compile_pattern(cfg["collective"]).search(name))
        mentions.append(AgencyMention(raw, name, role, *classify_agency_kind(name), is_collective, expanded))
    return mentions


def looks_like_agency_list(text: str) -> bool:
    """Whether ``text`` is a list of agencies (for aligning table rows that lost cells)."""
    if not text or any(mark in text for mark in "。；;！？"):
        return False
    names = [_strip_role_marker(segment)[0] for segment in split_agency_text(text)]
    names = [compile_pattern(_cfg()["open_list_suffix"]).sub("", name) for name in names]
    return bool(names) and all(name and len(name) <= _MAX_AGENCY_CHARS and _AGENCY_END.search(name) for name in names)
