"""Near-verbatim reuse: measure pairs from different plans whose texts align character by character."""

from __future__ import annotations

import difflib

import pandas as pd

from zwgk.analyses.similar.index import SimilarityIndex, find_neighbours


def align_texts(a: str, b: str, min_block: int = 4) -> tuple[float, list[tuple[int, int, int]]]:
    """Return the difflib similarity ratio and the aligned spans (start in a, start in b, length)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    spans = [(m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size >= min_block]
    return matcher.ratio(), spans


def find_text_reuse(index: SimilarityIndex, min_ratio: float = 0.8, k: int = 5, min_score: float = 0.3) -> pd.DataFrame:
    """Return near-verbatim copies: measure pairs from different plans whose texts align.

    Candidates come from the nearest-neighbour search; each is aligned character by
    character (difflib), and kept when the ratio reaches ``min_ratio``.
    """
    edges = find_neighbours(index, k=k, min_score=min_score)
    texts = index.measures["text"].to_numpy()
    rows = []
    for query, neighbour, score in edges.itertuples(index=False):
        ratio, spans = align_texts(texts[query], texts[neighbour])
        if ratio >= min_ratio:
            rows.append((query, neighbour, score, ratio, spans))
    out = pd.DataFrame(rows, columns=["query_row", "neighbour_row", "similarity", "ratio", "aligned_spans"])
    ids, plans = index.measures["measure_id"].to_numpy(), index.measures["plan_id"].to_numpy()
    result = pd.DataFrame(
        {
            "measure_id": ids[out["query_row"]] if len(out) else [],
            "plan_id": plans[out["query_row"]] if len(out) else [],
            "other_measure_id": ids[out["neighbour_row"]] if len(out) else [],
            "other_plan_id": plans[out["neighbour_row"]] if len(out) else [],
            "similarity": out["similarity"].to_numpy(),
            "ratio": out["ratio"].to_numpy(),
            "aligned_spans": out["aligned_spans"].tolist(),
        }
    )
    return result.sort_values(["measure_id", "other_measure_id"], ignore_index=True)


def summarise_text_reuse(index: SimilarityIndex, reuse: pd.DataFrame) -> pd.DataFrame:
    """For each ordered pair of plans, the share of the first plan's measures copied in the second."""
    counts = index.measures.groupby("plan_id").size()
    copied = reuse.groupby(["plan_id", "other_plan_id"])["measure_id"].nunique().rename("n_copied")
    pairs = pd.MultiIndex.from_tuples([(a, b) for a in counts.index for b in counts.index if a != b], names=["plan_id", "other_plan_id"])
    out = copied.reindex(pairs, fill_value=0).reset_index()
    out["n_measures"] = out["plan_id"].map(counts)
    out["share_copied"] = out["n_copied"] / out["n_measures"]
    return out[["plan_id", "other_plan_id", "n_measures", "n_copied", "share_copied"]]
