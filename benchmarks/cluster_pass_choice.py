"""Choose the cluster-level pass's settings on a synthetic draw the benchmark does not report (issue 15).

The second pass of the clustering (`zwgk.analyses.similar.clusters.link_clusters`) joins clusters
whose mean cosine over all their pairs reaches ``CLUSTER_THRESHOLD``, allowing a share
``CLUSTER_PLAN_OVERLAP`` of plans in common. The hand-made groups are too small to tell its
settings apart, so they are chosen against the generator's gold, on a draw of 1,000 plans made
with another seed than the benchmark's (`national_corpus.py` reports its own draw): the setting
with the highest pair recall among those with pair precision of at least 0.9 (issue 15's target).

    .venv/bin/python benchmarks/cluster_pass_choice.py [--out DIR] [--seed 7] [--plans 1000]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import national_corpus

from zwgk.analyses.similar import build_similarity_index
from zwgk.analyses.similar.clusters import DEFAULT_K, DEFAULT_THRESHOLD, find_linkage_edges, link_average, link_clusters
from zwgk.processed.dataset import load_measures

THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7)
OVERLAPS = (0.0, 0.1, 0.2)
MIN_PRECISION = 0.9  # issue 15's target at 1,000 plans: recall >= 0.8 at precision >= 0.9


def build_draw(out: Path, seed: int, n_plans: int) -> None:
    """Generate and build a synthetic corpus with the generator's sampler reseeded (kept in ``out`` for reruns)."""
    if (out / "processed").exists():
        return
    out.mkdir(parents=True, exist_ok=True)
    sampler = national_corpus.Sampler()
    sampler.rng = random.Random(seed)
    national_corpus.generate_corpus(n_plans, out, sampler)
    national_corpus.build_dataset(out, force=True)


def choose_setting(scores: dict[tuple[float, float], dict[str, float]]) -> tuple[float, float]:
    """The (threshold, overlap) of highest recall among those with precision >= ``MIN_PRECISION``.

    Issue 15 sets the target as a floor on precision and asks for recall above it; when no setting
    reaches the floor, the highest recall of all. Ties go to the higher threshold, then the smaller overlap.
    """
    eligible = [key for key, score in scores.items() if score["precision"] >= MIN_PRECISION] or list(scores)
    return max(eligible, key=lambda key: (scores[key]["recall"], key[0], -key[1]))


def main() -> None:
    """Print pair precision and recall against the gold for every setting of the grid, and the one chosen."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/zwgk-cluster-pass-draw"), help="where the draw is built")
    parser.add_argument("--seed", type=int, default=7, help="the sampler's seed (the benchmark's is national_corpus.SEED)")
    parser.add_argument("--plans", type=int, default=1000)
    args = parser.parse_args()
    build_draw(args.out, args.seed, args.plans)
    index = build_similarity_index(load_measures(args.out), cache_dir=args.out / "cache")
    gold = national_corpus.label_gold_measures(args.out, national_corpus.Sampler())
    plans = index.measures["plan_id"].to_numpy()
    first = link_average(index.matrix.shape[0], find_linkage_edges(index, DEFAULT_K), DEFAULT_THRESHOLD, plans=plans)
    scores = {}
    for threshold in THRESHOLDS:
        for overlap in OVERLAPS:
            labels = link_clusters(index.matrix, first, threshold, DEFAULT_K, plans=plans, overlap=overlap)
            clusters = index.measures[["measure_id", "plan_id"]].assign(cluster_id=labels.astype(str))
            scores[threshold, overlap] = national_corpus.score_against_gold(clusters, gold)
            print(f"threshold {threshold}, overlap {overlap}: pair precision {scores[threshold, overlap]['precision']:.3f}, "
                  f"recall {scores[threshold, overlap]['recall']:.3f}", flush=True)  # fmt: skip
    chosen = choose_setting(scores)
    print(f"chosen: threshold {chosen[0]}, overlap {chosen[1]} (highest recall at precision >= 0.9)")


if __name__ == "__main__":
    main()
