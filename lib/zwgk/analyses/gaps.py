"""Where a plan has gaps compared with its peers: themes and common tasks that most peers
cover and the plan does not, with the peer share and the peers' source lines.

Peers are plans of other jurisdictions at the same administrative level (configurable)
within a year window, never a national plan: the State Council's plan is what local plans
carry out (see `zwgk.analyses.alignment`), not a peer to compare with; peers from another year than the plan's are flagged, because a
difference of year must not pass for a difference of place.
"""

from __future__ import annotations

import pandas as pd

from zwgk.errors import check_plan_ids
from zwgk.schema import RESIDUAL_THEMES

GAP_COLUMNS = ["peer_share", "n_peers_covering", "n_peers", "peers_covering", "peer_plans_covering", "peer_plan_ids",
               "includes_other_year_peers", "peer_sources", "peer_measure_ids", "peer_texts"]  # fmt: skip


def select_peers(plans: pd.DataFrame, plan_id: str, year_window: int = 1, same_level: bool = True) -> pd.DataFrame:
    """Return the peer plans of ``plan_id`` with ``is_other_year`` and ``year_gap`` columns.

    Raises `UnknownPlanError` (listing the valid ids) when ``plan_id`` is not in ``plans``;
    no peers is an empty table, not an error.
    """
    check_plan_ids(plan_id, plans["plan_id"])
    focal = plans.set_index("plan_id").loc[plan_id]
    peers = plans[
        (plans["jurisdiction"] != focal["jurisdiction"])
        & ((plans["year"] - focal["year"]).abs() <= year_window)
        & (plans["level"] != "national")
    ]
    if same_level:
        peers = peers[peers["level"] == focal["level"]]
    peers = peers.copy()
    peers["year_gap"] = peers["year"] - focal["year"]
    peers["is_other_year"] = peers["year_gap"] != 0
    return peers.reset_index(drop=True)


def _peer_sources(units: pd.DataFrame, peers: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    sources = units.merge(tasks[["task_id", "line_start", "line_end"]], on="task_id").merge(
        peers[["plan_id", "jurisdiction", "year", "is_other_year"]], on="plan_id"
    )
    sources["source"] = (
        sources["jurisdiction"]
        + sources["year"].astype(str)
        + " L"
        + sources["line_start"].astype(str)
        + "-"
        + sources["line_end"].astype(str)
    )
    return sources


def _gap_rows(units: pd.DataFrame, key: str, plan_id: str, peers: pd.DataFrame, tasks: pd.DataFrame, min_peer_share: float) -> pd.DataFrame:
    """Units (theme or cluster per measure) most peers cover and the focal plan does not.

    ``peer_plan_ids`` lists every peer (the denominator of ``peer_share``), ``peer_plans_covering``
    the peers that cover the unit: a chart names exactly these plans, never plans of the same name.
    """
    focal_keys = set(units.loc[units["plan_id"] == plan_id, key])
    peer_units = units[units["plan_id"].isin(peers["plan_id"])]
    sources = _peer_sources(peer_units, peers, tasks)
    sources["peer_text"] = sources["source"] + ": " + sources["text"]
    rows = []
    for value, group in sources.groupby(key, sort=True):
        covering = group["plan_id"].unique()
        share = len(covering) / len(peers)
        if value in focal_keys or share < min_peer_share:
            continue
        rows.append({key: value, "peer_share": share, "n_peers_covering": len(covering), "n_peers": len(peers),
                     "peers_covering": sorted(group["jurisdiction"].unique()),
                     "peer_plans_covering": sorted(covering), "peer_plan_ids": sorted(peers["plan_id"]),
                     "includes_other_year_peers": bool(group["is_other_year"].any()),
                     "peer_sources": sorted(group["source"].unique()), "peer_measure_ids": sorted(group["measure_id"]),
                     "peer_texts": sorted(group["peer_text"])})  # fmt: skip
    return pd.DataFrame(rows, columns=[key, *GAP_COLUMNS]).sort_values(["peer_share", key], ascending=[False, True], ignore_index=True)


def find_theme_gaps(
    coded: pd.DataFrame, measures: pd.DataFrame, tasks: pd.DataFrame, plans: pd.DataFrame, plan_id: str,
    year_window: int = 1, same_level: bool = True, min_peer_share: float = 0.5,
) -> pd.DataFrame:  # fmt: skip
    """Themes at least ``min_peer_share`` of the peers cover and ``plan_id`` does not.

    The residual themes (schema.RESIDUAL_THEMES: other, unclassified) are never gaps: they name
    no subject a plan could be missing.
    """
    peers = select_peers(plans, plan_id, year_window, same_level)
    if peers.empty:
        return pd.DataFrame(columns=["theme_id", *GAP_COLUMNS, "theme_zh", "theme_en", "plan_id"])  # no peers: no gaps, same columns
    units = measures[["measure_id", "plan_id", "task_id", "text"]].merge(
        coded[["measure_id", "theme_id", "theme_zh", "theme_en"]], on="measure_id"
    )
    units = units[~units["theme_id"].isin(RESIDUAL_THEMES)]  # "other" and unclassified describe no theme: never a gap
    gaps = _gap_rows(units, "theme_id", plan_id, peers, tasks, min_peer_share)
    names = units.drop_duplicates("theme_id").set_index("theme_id")[["theme_zh", "theme_en"]]
    return gaps.join(names, on="theme_id").assign(plan_id=plan_id)


def find_task_gaps(
    clusters: pd.DataFrame, summary: pd.DataFrame, measures: pd.DataFrame, tasks: pd.DataFrame, plans: pd.DataFrame, plan_id: str,
    year_window: int = 1, same_level: bool = True, min_peer_share: float = 0.5,
) -> pd.DataFrame:  # fmt: skip
    """Common tasks (clusters across jurisdictions) most peers include and ``plan_id`` does not.

    ``peer_texts`` holds the covering peers' own measures with their sources: the text shown for
    a gap is what a peer wrote, never the cluster's representative, which may come from a plan
    that is not a peer.
    """
    names = [column for column in ("name_zh", "name_en") if column in summary]  # readable names, where the summary has them
    peers = select_peers(plans, plan_id, year_window, same_level)
    if peers.empty:
        return pd.DataFrame(columns=["cluster_id", *GAP_COLUMNS, "label", *names, "plan_id"])  # no peers: no gaps, same columns
    common = summary.loc[summary["is_common_task"], ["cluster_id", "label", *names]]
    units = measures[["measure_id", "plan_id", "task_id", "text"]].merge(clusters[["measure_id", "cluster_id"]], on="measure_id")
    units = units[units["cluster_id"].isin(common["cluster_id"])]
    gaps = _gap_rows(units, "cluster_id", plan_id, peers, tasks, min_peer_share)
    return gaps.merge(common, on="cluster_id", how="left").assign(plan_id=plan_id)
