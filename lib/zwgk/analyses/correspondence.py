"""Views that place plans relative to each other: a correspondence analysis (CA) of plans x
themes, and the co-occurrence network of the words in a selection of plans' measures.

CA (as in KH Coder and quanteda's ``textmodel_ca``) puts plans that give their measures to
the same themes near each other and near those themes; it reads the counts of measures, so
a long plan weighs more (its mass) but is placed by its profile, not its length. The
co-occurrence network (KH Coder's signature view) links the words that tend to appear in the
same measure, which shows the phrases a set of plans is built from.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from zwgk.analyses.tokens import tokenize_measures
from zwgk.schema import UNCLASSIFIED

N_DIMS = 2
# The SVD's last bits vary with the BLAS threads between runs; rounding keeps exported maps byte-stable.
COORDINATE_DECIMALS = 12


def _tabulate(panel: pd.DataFrame, include_unclassified: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Plans x themes counts (empty rows and columns dropped), with the plans' and themes' names."""
    frame = panel if include_unclassified else panel[panel["theme_id"] != UNCLASSIFIED]
    counts = frame.pivot_table(index="plan_id", columns="theme_id", values="n_measures", aggfunc="sum", fill_value=0, sort=True)
    counts = counts.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        raise ValueError(f"correspondence analysis needs at least two plans and two themes with measures, not {counts.shape}")
    plans = frame.drop_duplicates("plan_id").set_index("plan_id").loc[counts.index, ["jurisdiction", "jurisdiction_en", "year"]]
    themes = frame.drop_duplicates("theme_id").set_index("theme_id").loc[counts.columns, ["theme_zh", "theme_en"]]
    return counts, plans, themes


def _orient(vectors: np.ndarray) -> np.ndarray:
    """Flip each singular vector so that its largest entry is positive (SVD signs are arbitrary)."""
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(vectors.shape[1])])
    return vectors * np.where(signs == 0, 1.0, signs)


def _decompose(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row and column masses, principal coordinates (all dimensions) and eigenvalues of the CA."""
    p = counts / counts.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    residuals = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u, sigma, vt = np.linalg.svd(residuals, full_matrices=False)
    keep = min(counts.shape) - 1  # the last singular value is the trivial one (zero)
    u, sigma, v = u[:, :keep], sigma[:keep], vt.T[:, :keep]
    v = _orient(v)
    u = residuals @ v / np.where(sigma > 0, sigma, 1.0)  # rows follow the columns' orientation
    rows = u / np.sqrt(r)[:, None] * sigma
    columns = v / np.sqrt(c)[:, None] * sigma
    return r, c, rows, columns, sigma**2


def _describe(coords: np.ndarray, mass: np.ndarray, eigenvalues: np.ndarray) -> pd.DataFrame:
    """First two dimensions of each point, its quality (cos² on them) and contribution to them."""
    padded = np.zeros((coords.shape[0], max(N_DIMS, coords.shape[1])))
    padded[:, : coords.shape[1]] = coords
    distance = (padded**2).sum(axis=1)
    shown = (padded[:, :N_DIMS] ** 2).sum(axis=1)
    inertia_shown = eigenvalues[:N_DIMS].sum()
    return pd.DataFrame(
        {
            "mass": mass,
            "dim1": np.round(padded[:, 0], COORDINATE_DECIMALS),
            "dim2": np.round(padded[:, 1], COORDINATE_DECIMALS),
            "quality": np.divide(shown, distance, out=np.zeros_like(shown), where=distance > 0),
            "contribution": mass * shown / inertia_shown if inertia_shown > 0 else 0.0,
        }
    )


def compute_correspondence(panel: pd.DataFrame, include_unclassified: bool = False) -> pd.DataFrame:
    """Return the plans and themes on the first two CA dimensions, one row per point.

    ``panel`` is `build_theme_panel` output; its ``n_measures`` make the plans x themes table
    (unclassified measures left out unless asked: they are what the codebook did not place,
    not a theme). Plans and themes without measures have no profile and are left out.
    Standard CA: SVD of the standardised residuals; both plans and themes in principal
    coordinates (the symmetric map), so distances between plans, and between themes, are
    chi-square distances. Columns: point_type (plan or theme), point_id, label_zh, label_en,
    jurisdiction, jurisdiction_en, year (plans only), mass, dim1, dim2, quality (share of the
    point's inertia the map shows), contribution (share of dims 1-2's inertia from the point),
    inertia_dim1, inertia_dim2 (each dimension's share of the total inertia) and total_inertia
    (chi² / n). ``attrs["inertia_shares"]`` holds every dimension's share (they sum to 1).
    """
    counts, plans, themes = _tabulate(panel, include_unclassified)
    r, c, rows, columns, eigenvalues = _decompose(counts.to_numpy(dtype=float))
    total = eigenvalues.sum()
    shares = eigenvalues / total if total > 0 else np.zeros_like(eigenvalues)
    plan_points = _describe(rows, r, eigenvalues).assign(
        point_type="plan", point_id=counts.index, label_zh=(plans["jurisdiction"] + " " + plans["year"].astype(str)).to_numpy(),
        label_en=(plans["jurisdiction_en"] + " " + plans["year"].astype(str)).to_numpy(), jurisdiction=plans["jurisdiction"].to_numpy(),
        jurisdiction_en=plans["jurisdiction_en"].to_numpy(), year=pd.array(plans["year"].to_numpy(), dtype="Int64"),
    )  # fmt: skip
    theme_points = _describe(columns, c, eigenvalues).assign(
        point_type="theme", point_id=counts.columns, label_zh=themes["theme_zh"].to_numpy(), label_en=themes["theme_en"].to_numpy(),
        jurisdiction=None, jurisdiction_en=None, year=pd.array([pd.NA] * len(themes), dtype="Int64"),
    )  # fmt: skip
    frame = pd.concat([plan_points, theme_points], ignore_index=True)
    padded = np.zeros(N_DIMS)
    padded[: min(N_DIMS, len(shares))] = shares[:N_DIMS]
    frame = frame.assign(inertia_dim1=padded[0], inertia_dim2=padded[1], total_inertia=total)
    columns_order = ["point_type", "point_id", "label_zh", "label_en", "jurisdiction", "jurisdiction_en", "year", "mass", "dim1", "dim2"]
    frame = frame[[*columns_order, "quality", "contribution", "inertia_dim1", "inertia_dim2", "total_inertia"]]
    frame.attrs["inertia_shares"] = shares.tolist()
    return frame


def _count_pairs(token_sets: list[frozenset[str]], vocabulary: set[str]) -> Counter:
    pairs: Counter = Counter()
    for tokens in token_sets:
        pairs.update(combinations(sorted(tokens & vocabulary), 2))
    return pairs


def compute_cooccurrence(
    measures: pd.DataFrame,
    plan_ids: list[str] | None = None,
    min_count: int = 3,
    top_n: int = 60,
    max_edges: int = 90,
    tokens: pd.Series | None = None,
    cache_dir: Path | None = None,
) -> pd.DataFrame:
    """Return the word pairs that appear in the same measure, strongest (Jaccard) first.

    Words are `tokenize_measures` tokens (stopwords removed; pass ``tokens``, aligned with
    ``measures``, to reuse them; ``cache_dir`` is the token cache's folder). A word counts once per measure. The ``top_n`` words found
    in the most measures (at least ``min_count``) are kept, then the pairs of them that share
    at least ``min_count`` measures, and of those the ``max_edges`` with the highest Jaccard
    (shared measures / measures with either word), as KH Coder draws its network.
    Columns: word, other_word (word < other_word), n_measures (shared), jaccard, frequency,
    other_frequency (measures with each word), n_plans (plans the shared measures come from).
    """
    frame = measures if plan_ids is None else measures[measures["plan_id"].isin(plan_ids)]
    token_lists = tokens.loc[frame.index] if tokens is not None else tokenize_measures(frame, cache_dir)
    token_sets = [frozenset(words) for words in token_lists]
    frequency = Counter(word for words in token_sets for word in words)
    ranked = sorted((word for word, n in frequency.items() if n >= min_count), key=lambda word: (-frequency[word], word))
    vocabulary = set(ranked[:top_n])
    pairs = _count_pairs(token_sets, vocabulary)
    plans_of: dict[tuple[str, str], set[str]] = {}
    for plan_id, words in zip(frame["plan_id"], token_sets, strict=True):
        for pair in combinations(sorted(words & vocabulary), 2):
            plans_of.setdefault(pair, set()).add(plan_id)
    rows = [
        (a, b, n, n / (frequency[a] + frequency[b] - n), frequency[a], frequency[b], len(plans_of[(a, b)]))
        for (a, b), n in pairs.items()
        if n >= min_count
    ]
    columns = ["word", "other_word", "n_measures", "jaccard", "frequency", "other_frequency", "n_plans"]
    edges = pd.DataFrame(rows, columns=columns).astype({"n_measures": int, "frequency": int, "other_frequency": int, "n_plans": int})
    edges = edges.sort_values(["jaccard", "n_measures", "word", "other_word"], ascending=[False, False, True, True])
    return edges.head(max_edges).reset_index(drop=True)


def _merge_gain(weights: np.ndarray, labels: np.ndarray) -> tuple[float, int, int]:
    """Best modularity gain from merging two linked communities (ties: the lowest labels)."""
    ids = np.unique(labels)
    member = (labels[:, None] == ids[None, :]).astype(float)
    between = member.T @ weights @ member / weights.sum()
    degree = between.sum(axis=1)
    gain = 2 * (between - np.outer(degree, degree))
    linked = (between > 0) & ~np.eye(len(ids), dtype=bool)
    gain = np.where(linked, gain, -np.inf)
    i, j = np.unravel_index(np.argmax(gain), gain.shape)  # argmax returns the first maximum: deterministic
    return float(gain[i, j]), int(ids[min(i, j)]), int(ids[max(i, j)])


def _detect_communities(weights: np.ndarray) -> np.ndarray:
    """Greedy modularity agglomeration (Clauset-Newman-Moore), deterministic, on a small graph."""
    labels = np.arange(len(weights))
    while len(np.unique(labels)) > 1:
        gain, keep, merge = _merge_gain(weights, labels)
        if gain <= 0:
            break
        labels[labels == merge] = keep
    return labels


def find_cooccurrence_communities(edges: pd.DataFrame) -> pd.DataFrame:
    """Return one row per word of the network: its frequency, degree and community.

    Communities come from greedy modularity on the Jaccard-weighted edges, numbered from 1 by
    size (then by their most frequent word), so the same edges give the same numbers.
    Columns: word, frequency (measures with it), degree (edges), weighted_degree (sum of
    Jaccard), community.
    """
    columns = ["word", "frequency", "degree", "weighted_degree", "community"]
    if edges.empty:
        return pd.DataFrame(columns=columns)
    other_ends = edges[["other_word", "other_frequency", "jaccard"]].set_axis(["word", "frequency", "jaccard"], axis=1)
    ends = pd.concat([edges[["word", "frequency", "jaccard"]], other_ends])
    nodes = ends.groupby("word").agg(frequency=("frequency", "first"), degree=("jaccard", "size"), weighted_degree=("jaccard", "sum"))
    nodes = nodes.sort_values(["frequency", "word"], ascending=[False, True]).reset_index()
    position = {word: i for i, word in enumerate(nodes["word"])}
    weights = np.zeros((len(nodes), len(nodes)))
    for a, b, w in zip(edges["word"], edges["other_word"], edges["jaccard"], strict=True):
        weights[position[a], position[b]] = weights[position[b], position[a]] = w
    labels = _detect_communities(weights)
    sizes = Counter(labels.tolist())
    order = sorted(sizes, key=lambda label: (-sizes[label], label))  # label = index of its most frequent word
    nodes["community"] = [order.index(label) + 1 for label in labels]
    return nodes[columns]
