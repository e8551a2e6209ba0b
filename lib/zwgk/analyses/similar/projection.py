"""A 2-D map of measures (t-SNE on an SVD of their vectors) for exploring them visually."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from zwgk.analyses.similar.index import SimilarityIndex

MAP_MAX_POINTS = 5_000  # measures placed on the 2-D map (a fixed sample above this)


def project_measures(index: SimilarityIndex, seed: int = 0, max_points: int | None = MAP_MAX_POINTS) -> pd.DataFrame:
    """Place measures on a 2-D map (t-SNE on a 50-dimensional SVD of their vectors).

    Above ``max_points`` measures a fixed sample is placed: t-SNE on 100,000 points takes
    many minutes and a map of them is unreadable. The sample is chosen by a hash of the
    measure id, so it does not depend on input order and mostly survives adding a plan.
    Deterministic: rows are in measure_id order and both steps use ``seed``.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.manifold import TSNE

    ids = index.measures["measure_id"].to_numpy()
    rows = np.arange(len(ids))
    if max_points is not None and len(ids) > max_points:
        digests = np.array([hashlib.sha1(str(i).encode()).hexdigest() for i in ids])
        rows = np.sort(np.argsort(digests, kind="stable")[:max_points])
    matrix = index.matrix[rows]
    n = matrix.shape[0]
    components = max(2, min(50, matrix.shape[1] - 1, n - 1))
    reduced = TruncatedSVD(n_components=components, random_state=seed).fit_transform(matrix)
    perplexity = float(min(30, max(2, (n - 1) // 3)))
    coords = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(reduced)
    return pd.DataFrame({"measure_id": ids[rows], "x": coords[:, 0], "y": coords[:, 1]})
