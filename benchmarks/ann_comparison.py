"""Compare established approximate-nearest-neighbour libraries with zwgk's own inverted file.

Run: .venv/bin/python benchmarks/ann_comparison.py [--plans 1000] [--threads 2] [--sample 2000] [--corpus DIR]
(the libraries come with the optional extra: pip install -e '.[dev,ann]'; a library that is not
installed is skipped with a line saying so).

Issue 17 asks whether FAISS (IVF or HNSW), hnswlib or pynndescent should replace the hand-written
inverted file of `zwgk.analyses.similar.neighbours`. Every method works on the same vectors: a
synthetic corpus of N plans (benchmarks/national_corpus.py's generator, fixed seed), its
similarity index, and the SVD-reduced unit rows that zwgk's cells are built on (fitted once,
outside the timings). Every measure is a query (as the clustering asks, k = 20, own plan
excluded). Each library fetches more candidates than kept, own-plan rows are dropped (queries
left short are asked again for twice as many), the best ``4 k`` remain, as many as zwgk keeps,
and all are re-scored with zwgk's exact sparse cosine (`rescore_candidates`): only the way
candidates are generated differs.

Per method it prints build and query time, peak resident memory added during build and query
(sampled from /proc every 20 ms), recall against the exact search on a fixed sample of
queries (a found neighbour counts when its exact score reaches the exact k-th score less
1e-6, so ties are not penalised), the share of those queries whose top-3 scores are all within
0.02 of the exact ones (the README's agreement), and whether a second build and query give the
same neighbours. Figures, not a timed test.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import gc
import importlib.metadata
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))
sys.path.insert(0, str(REPO / "benchmarks"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import zwgk  # noqa: E402
from zwgk.analyses.similar import SimilarityIndex, find_neighbours  # noqa: E402
from zwgk.analyses.similar.neighbours import (  # noqa: E402
    CELL_SIZE,
    KMEANS_SAMPLE_PER_CELL,
    PROBES,
    SEED,
    CellIndex,
    fit_cells,
    reduce_matrix,
    rescore_candidates,
)

K = 20  # neighbours per measure, as the clustering asks (clusters.py)
TOLERANCE = 1e-6  # a found neighbour scoring this close to the exact k-th score is one of the exact top k
MARGIN = 0.02  # the README's agreement: top-3 scores within this of the exact ones
HNSW_M = 32  # graph degree of both HNSW libraries
HNSW_EF_CONSTRUCTION = 100
NNDESCENT_NEIGHBOURS = 30
QUERY_BATCH = 25_000  # queries per library call, so the candidate arrays stay small


def count_candidates(k: int) -> int:
    """Return how many candidates per query are re-scored: as many as `search_approximate` keeps."""
    return max(20, 4 * k)


def read_rss() -> int:
    """Return this process's resident memory in bytes (the baseline of a method's added peak)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def select_candidates(
    query_rows: np.ndarray, ids: np.ndarray, plans: np.ndarray, n_candidates: int, keep_short: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep each query's first ``n_candidates`` ids (best first) outside its own plan: (rows, columns), and which queries are short.

    ``ids`` holds one row of library answers per query, -1 where the library found nothing.
    Returns the kept (query row, indexed row) pairs of the queries that have enough (of all
    queries with ``keep_short``), and a mask of queries that do not.
    """
    valid = ids >= 0
    keep = valid & (plans[np.where(valid, ids, 0)] != plans[query_rows][:, None])
    short = keep.sum(axis=1) < n_candidates
    chosen = keep & (np.cumsum(keep, axis=1) <= n_candidates)
    if not keep_short:
        chosen[short] = False
    found, position = np.nonzero(chosen)
    return query_rows[found], ids[found, position], short


def gather_candidates(
    fetch: Callable[[np.ndarray, int], np.ndarray], plans: np.ndarray, n_candidates: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each query's best ``n_candidates`` rows in other plans, asking ``fetch(queries, width)`` for ever wider answers.

    A query whose widest answer still holds too few rows of other plans (the library found no
    more, or the width reached the collection) keeps what it has.
    """
    n = len(plans)
    pending, width = np.arange(n), min(n, 2 * n_candidates)
    rows, columns = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    while len(pending):
        batches = [fetch(pending[s : s + QUERY_BATCH], width) for s in range(0, len(pending), QUERY_BATCH)]
        ids = np.concatenate(batches).astype(np.int64)
        done_rows, done_columns, short = select_candidates(pending, ids, plans, n_candidates)
        exhausted = short & ((width >= n) | ((ids >= 0).sum(axis=1) < width))
        if exhausted.any():  # take what there is
            last_rows, last_columns, _ = select_candidates(pending[exhausted], ids[exhausted], plans, n_candidates, keep_short=True)
            done_rows, done_columns = np.concatenate([done_rows, last_rows]), np.concatenate([done_columns, last_columns])
        rows.append(done_rows)
        columns.append(done_columns)
        pending, width = pending[short & ~exhausted], min(n, 2 * width)
    return np.concatenate(rows), np.concatenate(columns)


def score_against_exact(found: pd.DataFrame, exact: pd.DataFrame, k: int = K) -> tuple[float, float]:
    """Recall of the exact top k (ties within ``TOLERANCE`` count) and the top-3 agreement, over the queries of ``exact``.

    Both frames are edges (query_row, neighbour_row, score) with exact scores, best first per
    query; queries without an exact neighbour are left out, as in national_corpus's agreement.
    """
    found_scores = found.groupby("query_row")["score"].apply(lambda s: np.sort(s.to_numpy())[::-1][:k])
    hits, total, agree = 0, 0, []
    for query, group in exact.groupby("query_row"):
        wanted = np.sort(group["score"].to_numpy())[::-1][:k]
        got = found_scores.get(query, np.empty(0))
        hits += min(len(wanted), int(np.sum(got >= wanted[-1] - TOLERANCE)))
        total += len(wanted)
        agree.append(len(got[:3]) == len(wanted[:3]) and bool(np.all(got[:3] >= wanted[:3] - MARGIN)))
    return hits / max(total, 1), float(np.mean(agree)) if agree else 1.0


@dataclasses.dataclass
class Library:
    """One candidate generator: how to build it on the reduced rows and ask it for ``width`` ids per query."""

    name: str
    build: Callable[[np.ndarray], object]
    fetch: Callable[[object, np.ndarray, np.ndarray, int], np.ndarray]  # (built, reduced, query rows, width) -> ids


def _faiss_ivf(threads: int) -> Library:
    """FAISS IndexIVFFlat on inner products, with zwgk's number of cells and probes, trained on as large a sample."""
    import faiss

    faiss.omp_set_num_threads(threads)

    def build(reduced: np.ndarray) -> object:
        n_cells = max(1, len(reduced) // CELL_SIZE)
        sample = np.sort(
            np.random.default_rng(SEED).choice(len(reduced), min(len(reduced), n_cells * KMEANS_SAMPLE_PER_CELL), replace=False)
        )
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(reduced.shape[1]), reduced.shape[1], n_cells, faiss.METRIC_INNER_PRODUCT)
        index.train(np.ascontiguousarray(reduced[sample]))
        index.add(reduced)
        index.nprobe = PROBES
        return index

    def fetch(index: object, reduced: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
        return index.search(np.ascontiguousarray(reduced[rows]), width)[1]

    return Library(f"faiss-ivf {faiss.__version__}", build, fetch)


def _faiss_hnsw(threads: int) -> Library:
    """FAISS IndexHNSWFlat on inner products; the search beam is the width asked."""
    import faiss

    faiss.omp_set_num_threads(threads)

    def build(reduced: np.ndarray) -> object:
        index = faiss.IndexHNSWFlat(reduced.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.add(reduced)
        return index

    def fetch(index: object, reduced: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
        index.hnsw.efSearch = max(width, 16)
        return index.search(np.ascontiguousarray(reduced[rows]), width)[1]

    return Library(f"faiss-hnsw {faiss.__version__}", build, fetch)


def _hnswlib(threads: int) -> Library:
    """hnswlib on inner products, seeded; the search beam is the width asked."""
    import hnswlib

    def build(reduced: np.ndarray) -> object:
        index = hnswlib.Index(space="ip", dim=reduced.shape[1])
        index.init_index(max_elements=len(reduced), ef_construction=HNSW_EF_CONSTRUCTION, M=HNSW_M, random_seed=SEED)
        index.set_num_threads(threads)
        index.add_items(reduced, np.arange(len(reduced)))
        return index

    def fetch(index: object, reduced: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
        index.set_ef(max(width, 16))
        return query_hnswlib(index, reduced[rows], width)

    return Library(f"hnswlib {importlib.metadata.version('hnswlib')}", build, fetch)


def query_hnswlib(index: object, vectors: np.ndarray, width: int) -> np.ndarray:
    """hnswlib's ``width`` nearest ids of each vector, -1 past the last it can reach.

    hnswlib refuses a whole batch when one query reaches fewer than ``width`` rows (it does
    among many identical vectors); the batch is halved until the refusing rows are alone,
    and each of those is asked for the most rows it answers (a binary search).
    """
    try:
        return index.knn_query(vectors, k=width)[0].astype(np.int64)
    except RuntimeError:
        if len(vectors) > 1:
            half = len(vectors) // 2
            return np.concatenate([query_hnswlib(index, vectors[:half], width), query_hnswlib(index, vectors[half:], width)])
    ids = np.full((1, width), -1, np.int64)
    answered, refused = 0, width
    while refused - answered > 1:
        middle = (answered + refused) // 2
        try:
            ids[0, :middle] = index.knn_query(vectors, k=middle)[0]
            answered = middle
        except RuntimeError:
            refused = middle
    ids[0, answered:] = -1
    return ids


def _pynndescent(threads: int) -> Library:
    """pynndescent's nearest-neighbour-descent graph on cosine, seeded, queried through its search graph."""
    import numba
    import pynndescent

    numba.set_num_threads(threads)

    def build(reduced: np.ndarray) -> object:
        index = pynndescent.NNDescent(reduced, metric="cosine", n_neighbors=NNDESCENT_NEIGHBOURS, random_state=SEED, n_jobs=threads)
        index.prepare()
        return index

    def fetch(index: object, reduced: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
        return index.query(reduced[rows], k=width)[0]

    return Library(f"pynndescent {importlib.metadata.version('pynndescent')}", build, fetch)


def load_libraries(threads: int) -> list[Library]:
    """The libraries that are installed; each missing one is reported and skipped."""
    libraries = []
    for name, make in (("faiss-cpu", _faiss_ivf), ("faiss-cpu", _faiss_hnsw), ("hnswlib", _hnswlib), ("pynndescent", _pynndescent)):
        try:
            libraries.append(make(threads))
        except ImportError as error:
            print(f"  skipped {make.__name__.strip('_')}: {name} is not installed ({error})", flush=True)
    return libraries


@dataclasses.dataclass
class Run:
    """One build and query of one method: its edges (all measures as queries) and costs."""

    edges: pd.DataFrame
    build_seconds: float
    query_seconds: float
    cpu_seconds: float  # build and query, all threads: less sensitive than wall time to other work on a shared machine
    peak_added: int  # during build and query, above the resident memory before the build
    index_added: int  # resident memory the built structure holds (measured after the build)


def measure(step: Callable[[], object]) -> tuple[object, float, int]:
    """Run ``step``: its value, wall seconds and peak resident memory (absolute, in bytes)."""
    from national_corpus import PeakMemory

    with PeakMemory() as memory:
        start = time.perf_counter()
        value = step()
        seconds = time.perf_counter() - start
    return value, seconds, memory.peak


def run_zwgk(index: SimilarityIndex, reduction: CellIndex, rng: np.random.Generator, k: int = K) -> Run:
    """zwgk's own inverted file: cells fitted on the shared reduction, then `find_neighbours(method="approximate")`."""

    def build() -> CellIndex:
        return fit_cells(dataclasses.replace(reduction), copy.deepcopy(rng))

    gc.collect()
    baseline = read_rss()
    cpu = time.process_time()
    cells, build_seconds, build_peak = measure(build)
    held = read_rss() - baseline
    index._cells = cells
    edges, query_seconds, query_peak = measure(lambda: find_neighbours(index, k=k, method="approximate"))
    index._cells = None
    cpu = time.process_time() - cpu
    return Run(edges, build_seconds, query_seconds, cpu, max(0, build_peak - baseline, query_peak - baseline), held)


def run_library(library: Library, index: SimilarityIndex, reduction: CellIndex, k: int = K) -> Run:
    """A library's candidates, re-scored exactly as zwgk's are."""
    plans = pd.factorize(index.measures["plan_id"])[0]
    reduced = reduction.reduced

    def query(built: object) -> pd.DataFrame:
        rows, columns = gather_candidates(lambda q, width: library.fetch(built, reduced, q, width), plans, count_candidates(k))
        return rescore_candidates(reduction.vectors, None, rows, columns, k)

    gc.collect()
    baseline = read_rss()
    cpu = time.process_time()
    built, build_seconds, build_peak = measure(lambda: library.build(reduced))
    held = read_rss() - baseline
    edges, query_seconds, query_peak = measure(lambda: query(built))
    cpu = time.process_time() - cpu
    return Run(edges, build_seconds, query_seconds, cpu, max(0, build_peak - baseline, query_peak - baseline), held)


def describe_determinism(first: pd.DataFrame, second: pd.DataFrame) -> str:
    """'yes' when two runs found the same neighbours of every query, else the share of queries that differ."""
    columns = ["query_row", "neighbour_row"]
    if first[columns].reset_index(drop=True).equals(second[columns].reset_index(drop=True)):
        return "yes"
    a = first.groupby("query_row")["neighbour_row"].apply(tuple)
    b = second.groupby("query_row")["neighbour_row"].apply(tuple)
    joined = pd.concat([a.rename("a"), b.rename("b")], axis=1)
    return f"no ({np.mean(joined['a'] != joined['b']):.1%} of queries differ)"


def prepare_corpus(n_plans: int, data_dir: Path) -> pd.DataFrame:
    """Generate ``n_plans`` synthetic plans in ``data_dir`` unless it holds a corpus already; build it; return its measures."""
    from national_corpus import Sampler, generate_corpus

    from zwgk.processed.build import build_dataset

    if not (data_dir / "raw" / "plans.csv").exists():
        generate_corpus(n_plans, data_dir, Sampler())
    build_dataset(data_dir, log=lambda *_: None)
    return zwgk.load_measures(data_dir)


def compute_exact_sample(index: SimilarityIndex, n_sample: int, k: int = K) -> pd.DataFrame:
    """The exact top k of a fixed sample of measures, as edges keyed by the indexed row."""
    n = len(index.measures)
    rows = np.sort(np.random.default_rng(SEED).choice(n, min(n, n_sample), replace=False))
    plans = index.measures["plan_id"].to_numpy()
    exact = find_neighbours(index, k=k, queries=index.matrix[rows], query_plans=plans[rows], method="exact")
    return exact.assign(query_row=rows[exact["query_row"].to_numpy()])


def compare_methods(index: SimilarityIndex, n_sample: int, threads: int) -> list[tuple[str, Run, Run, float, float]]:
    """Run every method twice on ``index``; return (name, first run, second run, recall, agreement) per method."""
    baseline = read_rss()
    (reduction, rng), seconds, peak = measure(lambda: _reduce(index))
    print(
        f"  shared SVD reduction to {reduction.reduced.shape[1]} dims: {seconds:.1f} s, {(peak - baseline) / 2**30:.2f} GB"
        " added (in no method's figures)"
    )
    exact, seconds, _ = measure(lambda: compute_exact_sample(index, n_sample))
    print(f"  exact search of {exact['query_row'].nunique()} sampled queries: {seconds:.1f} s", flush=True)
    runners: list[tuple[str, Callable[[], Run]]] = [("zwgk-ivf", lambda: run_zwgk(index, reduction, rng))]
    runners += [(library.name, lambda library=library: run_library(library, index, reduction)) for library in load_libraries(threads)]
    results = []
    for name, runner in runners:
        first, second = runner(), runner()
        recall, agreement = score_against_exact(first.edges, exact)
        results.append((name, first, second, recall, agreement))
        print(f"  {name}: done ({first.build_seconds:.1f} + {first.query_seconds:.1f} s)", flush=True)
    return results


def _reduce(index: SimilarityIndex) -> tuple[CellIndex, np.random.Generator]:
    """The SVD reduction every method shares, and the generator state `fit_cells` continues from (as `build_cell_index`)."""
    rng = np.random.default_rng(SEED)
    return reduce_matrix(index.matrix, rng), rng


def print_table(results: list[tuple[str, Run, Run, float, float]]) -> None:
    """One line per method."""
    print(
        f"  {'method':<20} {'build s':>8} {'query s':>8} {'CPU s':>7} {'peak GB':>8} {'index GB':>8} {'recall':>7} {'top-3':>6}  "
        f"{'rerun build/query/CPU s':>23}  deterministic"
    )
    for name, first, second, recall, agreement in results:
        rerun = f"{second.build_seconds:.1f}/{second.query_seconds:.1f}/{second.cpu_seconds:.0f}"
        print(
            f"  {name:<20} {first.build_seconds:8.1f} {first.query_seconds:8.1f} {first.cpu_seconds:7.0f} "
            f"{first.peak_added / 2**30:8.2f} {first.index_added / 2**30:8.2f} "
            f"{recall:7.3f} {agreement:6.3f}  {rerun:>23}  {describe_determinism(first.edges, second.edges)}",
            flush=True,
        )


def main() -> None:
    """Build the corpus and index, compare the methods and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=1000, help="synthetic plans to generate (default 1000)")
    parser.add_argument("--threads", type=int, default=2, help="threads for BLAS and every library (default 2)")
    parser.add_argument("--sample", type=int, default=2000, help="queries checked against the exact search (default 2000)")
    parser.add_argument("--corpus", type=Path, help="folder to generate the corpus in, or to reuse it from (default: a temporary one)")
    args = parser.parse_args()
    with threadpool_limits(args.threads), tempfile.TemporaryDirectory(prefix="zwgk-ann-") as folder:
        data_dir = args.corpus or Path(folder)
        measures = prepare_corpus(args.plans, data_dir)
        index = zwgk.build_similarity_index(measures, cache_dir=data_dir / "cache")
        n_plans = measures["plan_id"].nunique()
        print(f"N = {n_plans} plans, {len(measures)} measures, k = {K}, {args.threads} threads", flush=True)
        print_table(compare_methods(index, args.sample, args.threads))
        print(f"  (load average over the last 15 minutes: {os.getloadavg()[2]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
