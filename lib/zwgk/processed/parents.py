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


def _find_plan(plans: pd.DataFrame, jurisdiction: object, province: object, year: int, below_rank: int) -> str | None:
    """The plan of ``jurisdiction`` (in ``province``) for ``year`` at a level above ``below_rank``, if any."""
    if not isinstance(jurisdiction, str) or not jurisdiction:
        return None
    found = plans[
        (plans["jurisdiction"] == jurisdiction)
        & (plans["year"] == year)
        & (plans["rank"] < below_rank)
        & ((plans["province"] == province) | (plans["jurisdiction"] == province))
    ]
    return str(found["plan_id"].iloc[0]) if len(found) else None


def _find_chain(plans: pd.DataFrame, plan: pd.Series) -> list[str]:
    """Plans above ``plan`` in the same year, nearest first: prefecture, province, nation."""
    rank = int(plan["rank"])
    national = plans[(plans["level"] == "national") & (plans["year"] == plan["year"]) & (plans["rank"] < rank)]
    found = [
        _find_plan(plans, plan["parent_jurisdiction"], plan["province"], int(plan["year"]), rank),
        _find_plan(plans, plan["province"], plan["province"], int(plan["year"]), rank),
        str(national["plan_id"].iloc[0]) if len(national) else None,
    ]
    return list(dict.fromkeys(plan_id for plan_id in found if plan_id and plan_id != plan["plan_id"]))


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
    chains = {str(plan["plan_id"]): _find_chain(ranked, plan) for _, plan in ranked.iterrows()}
    overrides = {entry.plan_id: entry.parent_plan_id for entry in entries if entry.parent_plan_id}
    lines = {entry.plan_id: entry.line for entry in entries}
    resolved = {plan_id: _follow_override(plan_id, overrides, chains, manifest, lines) for plan_id in chains}
    out = plans.copy()
    out["parent_plan_ids"] = [resolved[plan_id] for plan_id in out["plan_id"]]
    out["parent_plan_id"] = [chain[0] if chain else None for chain in out["parent_plan_ids"]]
    return out
