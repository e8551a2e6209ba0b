"""Each plan's parent plans: the plans of the same year above it on its administrative chain.

A local 政务公开工作要点 carries out the plan one level up (county ← prefecture ← province
← the State Council). The chain is read from the manifest's place columns, which `zwgk add`
fills from the gazetteer: a county's ``parent_jurisdiction`` (its prefecture), its
``province``, then the nation. Only plans in the dataset count, so when the prefecture has
no plan of that year the nearest higher plan that exists is the parent. The manifest's
optional ``parent_plan_id`` column overrides the first link (for a plan whose parent is not
where the gazetteer puts it, or of another year); the override's own chain follows it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zwgk.errors import ManifestError
from zwgk.ingest.manifest import ManifestEntry
from zwgk.schema import LEVELS

# (jurisdiction, year) → the plans of that place and year, in table order, as (rank, province, plan_id):
# one pass over the plans, so finding every chain costs time linear in the number of plans.
_Places = dict[tuple[str, int], list[tuple[int, str, str]]]


def _index_places(plans: pd.DataFrame) -> _Places:
    places: _Places = {}
    for row in plans[["jurisdiction", "year", "rank", "province", "plan_id"]].itertuples(index=False):
        places.setdefault((row.jurisdiction, int(row.year)), []).append((int(row.rank), row.province, row.plan_id))
    return places


def _find_plan(places: _Places, jurisdiction: object, province: object, year: int, below_rank: int) -> str | None:
    """The plan of ``jurisdiction`` (in ``province``) for ``year`` at a level above ``below_rank``, if any."""
    if not isinstance(jurisdiction, str) or not jurisdiction:
        return None
    for rank, plan_province, plan_id in places.get((jurisdiction, year), []):
        if rank < below_rank and (plan_province == province or jurisdiction == province):
            return str(plan_id)
    return None


def _find_chain(places: _Places, national: dict[int, str], plan: tuple) -> list[str]:
    """Plans above ``plan`` in the same year, nearest first: prefecture, province, nation."""
    year, rank = int(plan.year), int(plan.rank)
    found = [
        _find_plan(places, plan.parent_jurisdiction, plan.province, year, rank),
        _find_plan(places, plan.province, plan.province, year, rank),
        national.get(year) if rank > 0 else None,
    ]
    return list(dict.fromkeys(plan_id for plan_id in found if plan_id and plan_id != plan.plan_id))


def _follow_override(
    plan_id: str, overrides: dict[str, str], chains: dict[str, list[str]], manifest: Path, lines: dict[str, int]
) -> list[str]:
    """The chain of ``plan_id`` when the manifest names its parent: the parent, then the parent's chain."""
    chain: list[str] = []
    current = plan_id
    while current in overrides:
        parent = overrides[current]
        if parent not in chains:
            raise ManifestError(manifest, f"parent_plan_id {parent!r} of {current} is not a plan in the manifest", lines[current])
        if parent == plan_id or parent in chain:
            raise ManifestError(manifest, f"parent_plan_id {parent!r} of {current} makes a cycle of parents", lines[current])
        chain.append(parent)
        current = parent
    return list(dict.fromkeys(chain + chains[current]))


def assign_parent_plans(plans: pd.DataFrame, entries: list[ManifestEntry], manifest: Path) -> pd.DataFrame:
    """Return ``plans`` with ``parent_plan_id`` (nearest) and ``parent_plan_ids`` (the chain, nearest first).

    Raises `ManifestError` naming the manifest line when an override names no plan of the
    dataset or makes a cycle.
    """
    ranked = plans.assign(rank=plans["level"].map({level: rank for rank, level in enumerate(LEVELS)}))
    places = _index_places(ranked)
    national: dict[int, str] = {}
    for row in ranked[ranked["level"] == LEVELS[0]].itertuples(index=False):
        national.setdefault(int(row.year), str(row.plan_id))
    chains = {str(plan.plan_id): _find_chain(places, national, plan) for plan in ranked.itertuples(index=False)}
    overrides = {entry.plan_id: entry.parent_plan_id for entry in entries if entry.parent_plan_id}
    lines = {entry.plan_id: entry.line for entry in entries}
    resolved = {plan_id: _follow_override(plan_id, overrides, chains, manifest, lines) for plan_id in chains}
    out = plans.copy()
    out["parent_plan_ids"] = [resolved[plan_id] for plan_id in out["plan_id"]]
    out["parent_plan_id"] = [chain[0] if chain else None for chain in out["parent_plan_ids"]]
    return out
