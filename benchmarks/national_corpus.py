"""Benchmark zwgk on a synthetic national corpus: N plans recombined from the seed plans.

Run: make benchmark, or .venv/bin/python benchmarks/national_corpus.py [N ...]
(default: N = 1,000, 5,000 and 30,000, each in a process of its own; --skip-largest leaves out
30,000, which takes most of an hour; 1,000 and 5,000 take about 6 minutes on 2 cores); only the clustering's
quality and time: .venv/bin/python benchmarks/national_corpus.py --quality-only --plans 300,1000

Each synthetic plan takes tasks (with their agency cells) from the seed plans, perturbs
them (drops, swaps or borrows clauses, adds the place or a deadline), and writes them in one of the three seed layouts (tab table
with 目标/任务 columns, tab table with 序号, numbered prose) for a made-up county and a
year from 2015 to 2024; lengths follow a log-normal spread around 60 tasks. The seed is
fixed, so every run generates the same corpus.

For each N it prints, per stage, wall time, throughput and peak resident memory (sampled
from /proc every 20 ms): build (parse + validate + write), load_tasks() of all plans and of one
province, tokenization, theme coding, the similarity index, neighbours and clustering, cluster
summaries, panel and gaps, persisting the clusters (``zwgk cluster``), and adding one plan to
the built dataset (the rebuild, then the cluster update); how far the neighbour search is from
an exact one on sampled measures; and how well the clusters recover the synthetic gold.

Synthetic gold: the sampler records the seed task each synthetic task was copied from, and
``gold.csv`` beside the corpus keeps it (file, task_order, seed_row, seed_task_id). Each
synthetic measure's gold label is the seed measure or task title most like it (character bigram
Jaccard) among all seeds, if it holds half of the measure's bigrams, else its own text (an added
deadline or place); seed texts that copy each other (Jaccard >= 0.7) are one label, and a plan
takes at most one of a set of seed tasks that copy each other. The
clusters are scored on sampled pairs (fixed seed): recall on ``GOLD_PAIRS`` random pairs of
measures with one label, precision on as many random pairs of measures in one cluster; with
the share of measures left alone in a cluster, beside the share whose label no other measure
has. Above ``GOLD_MAX_MEASURES`` measures the persisted clusters are scored at the end, on
that many measures drawn with a fixed seed. Figures, not a timed test. Targets (issue 17, 2 cores / 24 GB): 1,000 plans end to
end <= 25 s; 5,000 <= 2 min and <= 4 GB; 30,000 <= 15 min and <= 12 GB; adding a plan to 30,000
(rebuild and cluster update) <= 5 s; load_tasks() at 30,000 <= 2 s, one province <= 0.5 s.
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import sparse  # noqa: E402
from scipy.sparse.csgraph import connected_components  # noqa: E402

import zwgk  # noqa: E402
from zwgk.analyses.similar import cluster_index, find_neighbours, summarise_clusters  # noqa: E402
from zwgk.analyses.similar.assignments import read_assignments, update_clusters  # noqa: E402
from zwgk.analyses.similar.neighbours import EXACT_MAX_ROWS  # noqa: E402
from zwgk.ingest.manifest import MANIFEST_COLUMNS  # noqa: E402
from zwgk.processed.build import build_dataset  # noqa: E402

# The repository's curated task names point at seed measures, which a synthetic corpus does not hold.
warnings.filterwarnings("ignore", message=".*measure ids no longer in the data")

SEED = 20261122
GOLD_OVERLAP = 0.5  # share of a synthetic measure's character bigrams its seed measure must hold to be its gold label
SEED_COPY = 0.7  # bigram Jaccard at which two seed measures are copies of one task in the gold
GOLD_MAX_MEASURES = 1_500_000  # above, a sample this size is labelled (all 4.3 million measures of 30,000 plans ran out of 24 GB)
GOLD_PAIRS = 200_000  # sampled pairs for the clustering's pair precision and recall against the gold
AGREEMENT_QUERIES = 2_000  # measures whose approximate neighbours are checked against the exact search
AGREEMENT_WORK = 1_500_000_000  # above this many (queries x measures) fewer queries are checked: each costs the whole corpus
CN = "甲乙丙丁戊己庚辛壬癸"
# the 31 provincial-level divisions of the mainland, so each province holds about 1/31 of the corpus as in the real one
PROVINCES = [
    ("江苏省", "Jiangsu"), ("山东省", "Shandong"), ("广东省", "Guangdong"), ("浙江省", "Zhejiang"), ("北京市", "Beijing"),
    ("天津市", "Tianjin"), ("河北省", "Hebei"), ("山西省", "Shanxi"), ("内蒙古自治区", "Neimenggu"), ("辽宁省", "Liaoning"),
    ("吉林省", "Jilin"), ("黑龙江省", "Heilongjiang"), ("上海市", "Shanghai"), ("安徽省", "Anhui"), ("福建省", "Fujian"),
    ("江西省", "Jiangxi"), ("河南省", "Henan"), ("湖北省", "Hubei"), ("湖南省", "Hunan"), ("广西壮族自治区", "Guangxi"),
    ("海南省", "Hainan"), ("重庆市", "Chongqing"), ("四川省", "Sichuan"), ("贵州省", "Guizhou"), ("云南省", "Yunnan"),
    ("西藏自治区", "Xizang"), ("陕西省", "Shaanxi"), ("甘肃省", "Gansu"), ("青海省", "Qinghai"), ("宁夏回族自治区", "Ningxia"),
    ("新疆维吾尔自治区", "Xinjiang"),
]  # fmt: skip
DEFAULT_SIZES = (1_000, 5_000, 30_000)
CN_NUMBERS = "一二三四五六七八九十"


def _cn(n: int) -> str:
    return CN_NUMBERS[n - 1] if n <= 10 else "十" + CN_NUMBERS[n - 11] if n < 20 else str(n)


class Sampler:
    """Tasks of the seed plans to recombine, and a fixed random generator."""

    def __init__(self) -> None:
        tasks = zwgk.load_tasks()
        tasks = tasks[tasks["task_text"] != ""]
        self.rows = list(zip(tasks["task_text"], tasks["lead_agencies"], tasks["responsible_agencies"], strict=True))
        self.task_ids = tasks["task_id"].tolist()
        titles = tasks.loc[tasks["task_title"] != "", ["task_id", "task_title"]]
        titles = titles.assign(measure_id="title:" + titles["task_id"]).rename(columns={"task_title": "text"})
        # a task's text may open with its title, a measure of its own once written into another layout
        self.seed_measures = pd.concat([zwgk.load_measures()[["task_id", "measure_id", "text"]], titles], ignore_index=True)
        self.rng = random.Random(SEED)
        self.last_row = -1  # the seed row the last task() was copied from
        self.task_groups = group_seed_tasks(self.seed_measures, self.task_ids)

    def task(self, place: str = "", year: int = 2020, row: int | None = None) -> tuple[str, str, str]:
        """Return a perturbed seed task (text, lead cell, responsible cell).

        Clauses are dropped, swapped, borrowed from another seed task and given local
        detail (the place, a deadline), so that most texts are new to the token cache, as
        real plans are, while the vocabulary stays the seeds'.
        """
        self.last_row = self.rng.randrange(len(self.rows)) if row is None else row
        text, lead, responsible = self.rows[self.last_row]
        clauses = [c for c in re.split(r"(?<=[，。；])", text) if c]
        if self.rng.random() < 0.4:
            other = [c for c in re.split(r"(?<=[，。；])", self.rng.choice(self.rows)[0]) if c]
            clauses.insert(self.rng.randrange(len(clauses) + 1), self.rng.choice(other).rstrip("。") + "，")
        if self.rng.random() < 0.5:
            clauses.insert(0, f"{place}要" if place and self.rng.random() < 0.5 else f"{year}年{self.rng.randint(3, 12)}月底前，")
        if len(clauses) > 2 and self.rng.random() < 0.5:
            clauses.pop(self.rng.randrange(len(clauses) - 1))
        if len(clauses) > 2 and self.rng.random() < 0.3:
            i = self.rng.randrange(len(clauses) - 2)
            clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
        body = "".join(clauses)
        text = body if body.endswith("。") else body.rstrip("，；") + "。"
        return text, "、".join(lead) or "县政府办公室", "、".join(responsible) or "各乡镇"

    def n_tasks(self) -> int:
        """Return a plan length: log-normal around 55 tasks, between 8 and 220."""
        return max(8, min(220, int(self.rng.lognormvariate(4.0, 0.5))))

    def choose_rows(self) -> list[int]:
        """Return the seed tasks of one plan: a plan length's worth, each task at most once (a plan states a task once).

        Seed tasks that are copies of one another (the national wording and a local plan's) are
        one task (`group_seed_tasks`): a plan takes one of them, as a real plan would.
        """
        wanted, rows, taken = self.n_tasks(), [], set()
        for row in self.rng.sample(range(len(self.rows)), len(self.rows)):
            if self.task_groups[row] not in taken:
                rows.append(row)
                taken.add(self.task_groups[row])
            if len(rows) == wanted:
                break
        return rows


def group_seed_tasks(seed_measures: pd.DataFrame, task_ids: list[str]) -> list[int]:
    """A group number per seed task (in ``task_ids`` order): tasks holding measures of one gold label (`label_seed_measures`) are one."""
    seeds = seed_measures.reset_index(drop=True)
    labels = pd.factorize(label_seed_measures(seeds))[0]
    tasks = pd.Categorical(seeds["task_id"], categories=task_ids).codes
    known = tasks >= 0
    graph = sparse.csr_matrix((np.ones(known.sum()), (tasks[known], labels[known])), shape=(len(task_ids), labels.max() + 1))
    _, group = connected_components(graph @ graph.T, directed=False)
    return group.tolist()


def _table(name: str, year: int, tasks: list[tuple[str, str, str]]) -> str:
    out = [f"{name}{year}年政务公开工作要点", "\t目标\n\t任务\n\t主要内容\n\t牵头单位\n\t责任单位", ""]
    for i, (text, lead, responsible) in enumerate(tasks):
        section = f"\t{_cn(i // 10 + 1)}、\n推进公开工作{i // 10 + 1}" if i % 10 == 0 else "\t"
        item = f"\t（{_cn(i // 3 % 20 + 1)}）做好第{i // 3 + 1}项" if i % 3 == 0 else "\t"
        out += [section, item, f"\t{text}", f"\t{lead}", f"\t{responsible}", ""]
    return "\n".join(out)


def _numbered_table(name: str, year: int, tasks: list[tuple[str, str, str]]) -> str:
    out = [f"{name}{year}年政务公开工作要点分工方案", "", "\t序号\n\t工作任务\n\t具体要求\n\t牵头及责任单位", ""]
    for i, (text, lead, responsible) in enumerate(tasks):
        first = "\t着力推进公开工作" if i % 8 == 0 else "\t"
        second = f"\t围绕重点领域推进第{i // 4 + 1}项" if i % 4 == 0 else "\t"
        out += [f"\t{i + 1}", first, second, f"\t{text}", f"\t{lead}牵头，{responsible}负责", ""]
    return "\n".join(out)


def _prose(name: str, year: int, tasks: list[tuple[str, str, str]]) -> str:
    out = [f"{name}{year}年政务公开工作要点", "今年全县政务公开工作的总体要求是：坚持以人民为中心。"]
    for i, (text, _, _) in enumerate(tasks):
        if i % 5 == 0:
            out.append(f"{_cn(i // 5 % 19 + 1)}、推进第{i // 5 + 1}方面工作")
        out.append(f"（{_cn(i % 5 + 1)}）做好第{i + 1}项工作。{text}")
    out.append("各乡镇、各部门要结合实际，抓好任务落实。")
    return "\n".join(out)


LAYOUTS = (_table, _numbered_table, _prose)


def generate_corpus(n_plans: int, data_dir: Path, sampler: Sampler) -> int:
    """Write ``n_plans`` synthetic plans, their manifest and their gold (``gold.csv``); return the number of characters."""
    raw = data_dir / "raw"
    raw.mkdir(parents=True)
    rows, chars, gold = [], 0, []
    for i in range(n_plans):
        place, year = i // 10, 2015 + i % 10
        name = f"合成{CN[place // 100 % 10]}{CN[place // 10 % 10]}{CN[place % 10]}县"
        province, province_en = PROVINCES[place % len(PROVINCES)]
        file = f"synthetic-{place:04d}-{year}.txt"
        tasks = []
        for order, row in enumerate(sampler.choose_rows()):
            tasks.append(sampler.task(name, year, row))
            gold.append(
                {"file": file, "task_order": order, "seed_row": sampler.last_row, "seed_task_id": sampler.task_ids[sampler.last_row]}
            )
        text = LAYOUTS[place % 3](name, year, tasks)
        (raw / file).write_text(text, encoding="utf-8")
        chars += len(text)
        rows.append({"file": file, "jurisdiction": name, "jurisdiction_en": f"Hecheng{place:04d}", "jurisdiction_type": "county",
                     "level": "county", "parent_jurisdiction": "合成市", "parent_jurisdiction_en": "Hecheng", "province": province,
                     "province_en": province_en, "year": year, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                     "source": "benchmarks/national_corpus.py"})  # fmt: skip
    with open(raw / "plans.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(MANIFEST_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    with open(data_dir / "gold.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "task_order", "seed_row", "seed_task_id"])
        writer.writeheader()
        writer.writerows(gold)
    return chars


def _bigram_matrix(texts: pd.Series, vocabulary: dict[str, int] | None = None) -> tuple[sparse.csr_matrix, np.ndarray, dict[str, int]]:
    """Binary matrix of the character bigrams of ``texts`` (over ``vocabulary`` when given), with each text's number of distinct bigrams."""
    grams = [{text[i : i + 2] for i in range(len(text) - 1)} for text in texts]
    vocabulary = vocabulary if vocabulary is not None else {g: i for i, g in enumerate(sorted(set().union(*grams)))}
    rows = [[vocabulary[g] for g in sorted(row) if g in vocabulary] for row in grams]
    indptr = np.cumsum([0] + [len(row) for row in rows])
    columns = np.fromiter(itertools.chain.from_iterable(rows), np.int64, indptr[-1])
    matrix = sparse.csr_matrix((np.ones(len(columns), np.float32), columns, indptr), shape=(len(rows), len(vocabulary)))
    return matrix, np.array([len(row) for row in grams]), vocabulary


def label_seed_measures(seeds: pd.DataFrame) -> np.ndarray:
    """One gold label per seed measure: seed measures sharing ``SEED_COPY`` of their bigrams (Jaccard) are one task.

    The seed plans copy each other and the national plans, with small edits; a synthetic copy
    of either is a copy of the same task. Labels are the lowest measure_id of each connected set.
    """
    matrix, size, _ = _bigram_matrix(seeds["text"])
    common = (matrix @ matrix.T).toarray()
    jaccard = common / np.maximum(size[:, None] + size[None, :] - common, 1)
    _, component = connected_components(sparse.csr_matrix(jaccard >= SEED_COPY), directed=False)
    ids = seeds["measure_id"].to_numpy()
    return pd.Series(ids).groupby(component).transform("min").to_numpy()


def label_gold_measures(data_dir: Path, sampler: Sampler, measure_ids: pd.Index | None = None) -> pd.Series:
    """Return the gold label of each synthetic measure (index measure_id): the seed task it was copied from.

    Tasks are matched by plan file and order (a plan that parsed into another number of tasks
    than were written is reported and left out). A measure's label is that of the seed measure
    (`label_seed_measures`) most like it (character bigram Jaccard), among all seed measures (a
    task may borrow a clause from another: the parser may make it a measure of its own), ties
    going to the seed task it was written from, if that seed measure holds at least
    ``GOLD_OVERLAP`` of its bigrams; else the measure is new text (the place or deadline the sampler
    added), labelled by its text, so identical fragments share a label. ``measure_ids`` labels
    only those measures (a corpus too large to label whole: `print_sampled_quality`).
    """
    gold = pd.read_csv(data_dir / "gold.csv")
    plans = zwgk.load_plans(data_dir)[["plan_id", "source_file"]].rename(columns={"source_file": "file"})
    tasks = zwgk.load_tasks(data_dir)[["plan_id", "task_id", "task_seq"]]
    written = gold.groupby("file").size()
    parsed = tasks.merge(plans, on="plan_id").groupby("file").size()
    bad = sorted(file for file, count in written.items() if parsed.get(file) != count)
    if bad:
        print(f"  ({len(bad)} plans parsed into another number of tasks than written; left out of the gold)", flush=True)
    gold = gold[~gold["file"].isin(bad)].merge(plans, on="file")
    gold["task_seq"] = gold["task_order"] + 1
    measures = zwgk.load_measures(data_dir)
    if measure_ids is not None:
        measures = measures[measures["measure_id"].isin(measure_ids)]
    measures = measures.merge(tasks, on=["plan_id", "task_id"]).merge(gold, on=["plan_id", "task_seq"])
    seeds = sampler.seed_measures.reset_index(drop=True)
    seed_labels = label_seed_measures(seeds)
    seed_matrix, seed_size, vocabulary = _bigram_matrix(seeds["text"])
    matrix, size, _ = _bigram_matrix(measures["text"], vocabulary)
    task_codes = pd.Categorical(measures["seed_task_id"], categories=sorted(set(seeds["task_id"])))
    seed_codes = pd.Categorical(seeds["task_id"], categories=task_codes.categories).codes
    best, overlap = np.empty(len(measures), np.int64), np.empty(len(measures))
    for start in range(0, len(measures), 20_000):
        part = slice(start, start + 20_000)
        common = (matrix[part] @ seed_matrix.T).toarray()
        jaccard = common / np.maximum(size[part, None] + seed_size[None, :] - common, 1)
        tie_break = 1e-6 * (task_codes.codes[part, None] == seed_codes[None, :])
        best[part] = np.argmax(jaccard + tie_break, axis=1)
        overlap[part] = common[np.arange(common.shape[0]), best[part]]
    copied = overlap >= GOLD_OVERLAP * np.maximum(size, 1)
    labels = np.where(copied, seed_labels[best], "text:" + measures["text"].to_numpy(object))
    return pd.Series(labels, index=measures["measure_id"].to_numpy(), name="gold")


def _sample_pairs(labels: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` pairs of distinct rows drawn uniformly among the pairs that share a label."""
    codes = np.unique(labels, return_inverse=True)[1]
    counts = np.bincount(codes)
    weights = counts * (counts - 1.0)
    if weights.sum() == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    chosen = rng.choice(len(counts), n, p=weights / weights.sum())
    first = rng.integers(0, counts[chosen])
    second = (first + rng.integers(1, counts[chosen])) % counts[chosen]
    return order[starts[chosen] + first], order[starts[chosen] + second]


def score_against_gold(clusters: pd.DataFrame, gold: pd.Series, seed: int = SEED, sampled: bool = False) -> dict[str, float]:
    """Pair precision and recall of ``clusters`` (measure_id, cluster_id) against the gold, on sampled pairs, and singleton shares.

    A ``sampled`` gold labels a uniform sample of the measures: pairs drawn among them are still
    uniform, and cluster sizes come from every measure, but the gold's own singletons are unknown (NaN).
    """
    frame = clusters.merge(gold.rename("gold"), left_on="measure_id", right_index=True)
    cluster, label = frame["cluster_id"].to_numpy(), frame["gold"].to_numpy()
    rng = np.random.default_rng(seed)
    a, b = _sample_pairs(label, GOLD_PAIRS, rng)
    recall = float(np.mean(cluster[a] == cluster[b]))
    a, b = _sample_pairs(cluster, GOLD_PAIRS, rng)
    precision = float(np.mean(label[a] == label[b])) if len(a) else 1.0
    sizes = clusters.groupby("cluster_id").size()  # over every measure, also when the gold holds a sample of them
    return {
        "precision": precision, "recall": recall,
        "singletons": float((frame["cluster_id"].map(sizes) == 1).mean()),
        "gold_singletons": float("nan") if sampled else float((frame.groupby("gold")["measure_id"].transform("size") == 1).mean()),
    }  # fmt: skip


def print_quality(clusters: pd.DataFrame, gold: pd.Series, seconds: float, sampled: bool = False) -> dict[str, float]:
    """Print the clustering's figures against the synthetic gold."""
    score = score_against_gold(clusters, gold, sampled=sampled)
    of = f" (on {len(gold):,} sampled measures)" if sampled else ""
    print(
        f"  clusters vs synthetic gold{of}: pair precision {score['precision']:.3f}, recall {score['recall']:.3f}; "
        f"singletons {score['singletons']:.3f} of measures (gold: {score['gold_singletons']:.3f}); clustering {seconds:.1f} s",
        flush=True,
    )
    return score


def print_sampled_quality(data_dir: Path, sampler: Sampler, seconds: float) -> None:
    """Score the persisted clusters of a corpus too large to label whole, on ``GOLD_MAX_MEASURES`` measures (fixed seed).

    Run last, when the index and the in-memory clusters are gone: the labelling holds the
    sampled measures' bigrams and reads the tasks and measures again. The persisted clusters are
    the full clustering's (`zwgk cluster`), with the added plan's measures (not in the gold) joined.
    """
    assignments = read_assignments(data_dir)[0][["measure_id", "cluster_id"]]
    ids = assignments["measure_id"].sample(GOLD_MAX_MEASURES, random_state=SEED)
    print_quality(assignments, label_gold_measures(data_dir, sampler, pd.Index(ids)), seconds, sampled=True)


def benchmark_quality(n_plans: int, sampler: Sampler) -> dict[str, float]:
    """Generate a corpus of ``n_plans``, build it and score only the clustering (``--quality-only``)."""
    with tempfile.TemporaryDirectory(prefix=f"zwgk-quality-{n_plans}-") as folder:
        data_dir = Path(folder)
        generate_corpus(n_plans, data_dir, sampler)
        build_dataset(data_dir, force=True, log=lambda *_: None)
        measures = zwgk.load_measures(data_dir)
        gold = label_gold_measures(data_dir, sampler)
        index = zwgk.build_similarity_index(measures, cache_dir=data_dir / "cache")
        start = time.perf_counter()
        clusters = cluster_index(index)
        seconds = time.perf_counter() - start
        print(f"N = {n_plans} plans, {len(measures)} measures", flush=True)
        return print_quality(clusters, gold, seconds)


class PeakMemory:
    """Sample this process's resident memory every 20 ms while a stage runs."""

    def __enter__(self) -> PeakMemory:
        self.peak, self.running = 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while self.running:
            with open("/proc/self/statm") as handle:
                self.peak = max(self.peak, int(handle.read().split()[1]) * page)
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()


def run_stage(name: str, function: Callable[[], object], n_plans: int, chars: int, results: list) -> object:
    """Run one stage, print its figures and keep them."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - start
    results.append((name, seconds, memory.peak))
    rate = f"{n_plans / seconds:9.1f} plans/s  {chars / seconds / 1e6:7.2f} M chars/s"
    print(
        f"  {name:<28} {seconds:8.2f} s  {rate}  peak {memory.peak / 2**30:5.2f} GB",
        flush=True,
    )
    return value


def print_agreement(index: zwgk.SimilarityIndex) -> None:
    """Compare the search the clustering uses with an exact search, on sampled measures.

    Above ``EXACT_MAX_ROWS`` the search is approximate; near-copies of one seed task tie or
    nearly tie, so the check is on scores: a query agrees when each of its top-3 scores is
    within 0.02 of the exact one (scores are exact cosines either way).
    """
    n = len(index.measures)
    n_queries = max(300, min(AGREEMENT_QUERIES, AGREEMENT_WORK // max(n, 1)))  # 2,000 up to 750,000 measures
    rows = np.sort(np.random.default_rng(SEED).choice(n, min(n, n_queries), replace=False))
    plans = index.measures["plan_id"].to_numpy()
    start = time.perf_counter()
    exact = find_neighbours(index, k=3, queries=index.matrix[rows], query_plans=plans[rows], method="exact")
    seconds = time.perf_counter() - start
    found = find_neighbours(index, k=3, queries=index.matrix[rows], query_plans=plans[rows]).groupby("query_row")["score"].apply(np.array)
    agree = [
        len(found.get(query, [])) == len(group) and bool(np.all(found[query] >= group["score"].to_numpy() - 0.02))
        for query, group in exact.groupby("query_row")
    ]
    method = "exact" if n <= EXACT_MAX_ROWS else "approximate"
    print(
        f"  ({method} search: {np.mean(agree):.3f} of {len(agree)} sampled measures have top-3 scores within 0.02 of the exact"
        f" search, which took {seconds / len(rows) * n:.0f} s extrapolated to all {n} measures)",
        flush=True,
    )


def benchmark(n_plans: int, sampler: Sampler) -> list:
    """Generate a corpus of ``n_plans`` and time every stage on it."""
    results: list = []
    with tempfile.TemporaryDirectory(prefix=f"zwgk-bench-{n_plans}-") as folder:
        data_dir = Path(folder)
        chars = generate_corpus(n_plans, data_dir, sampler)
        print(f"N = {n_plans} plans, {chars / 1e6:.1f} M characters", flush=True)
        run_stage("build (parse, validate, write)", lambda: build_dataset(data_dir, force=True), n_plans, chars, results)
        tasks = run_stage("load_tasks()", lambda: zwgk.load_tasks(data_dir), n_plans, chars, results)
        one = PROVINCES[0][0]
        province = run_stage("load_tasks(one province)", lambda: zwgk.load_tasks(data_dir, provinces=one), n_plans, chars, results)
        print(f"  ({province['plan_id'].nunique()} plans of {PROVINCES[0][0]}, {len(province)} tasks)", flush=True)
        measures = zwgk.load_measures(data_dir)
        plans = zwgk.load_plans(data_dir)
        print(f"  ({len(tasks)} tasks, {len(measures)} measures)", flush=True)
        tasks = province = None  # only the gaps need the tasks: read again for them (1.8 GB at 30,000 plans held meanwhile)
        run_stage(
            "tokenization (cold cache)", lambda: zwgk.tokenize_measures(measures, cache_dir=data_dir / "cache"), n_plans, chars, results
        )
        coded = run_stage("theme coding", lambda: zwgk.code_measures(measures), n_plans, chars, results)
        index = run_stage(
            "similarity index", lambda: zwgk.build_similarity_index(measures, cache_dir=data_dir / "cache"), n_plans, chars, results
        )
        clusters = run_stage("neighbours and clustering", lambda: cluster_index(index), n_plans, chars, results)
        clustering_seconds = results[-1][1]
        if len(measures) <= GOLD_MAX_MEASURES:
            print_quality(clusters, label_gold_measures(data_dir, sampler), clustering_seconds)
        else:
            print(f"  (clusters scored against the gold at the end, on {GOLD_MAX_MEASURES:,} sampled measures)", flush=True)
        jurisdictions = plans.set_index("plan_id")["jurisdiction"]
        run_stage("cluster summaries", lambda: summarise_clusters(index, clusters, jurisdictions), n_plans, chars, results)
        print_agreement(index)
        focal = plans["plan_id"].iloc[0]

        def panel_and_gaps() -> object:
            zwgk.build_theme_panel(plans, measures, coded)
            return zwgk.find_theme_gaps(coded, measures, tasks, plans, focal, 1, True)

        tasks = zwgk.load_tasks(data_dir)
        run_stage("panel and gaps", panel_and_gaps, n_plans, chars, results)
        index = clusters = coded = None  # `zwgk cluster` runs in a process of its own: it builds its own index
        gc.collect()
        run_stage("persist clusters (zwgk cluster)", lambda: update_clusters(data_dir), n_plans, chars, results)
        extra = data_dir / "raw" / "synthetic-extra.txt"
        extra.write_text(_prose("合成额外县", 2024, [sampler.task("合成额外县", 2024) for _ in range(60)]), encoding="utf-8")
        with open(data_dir / "raw" / "plans.csv", "a", encoding="utf-8", newline="") as handle:
            row = ["synthetic-extra.txt", "合成额外县", "Hechengextra", "county", "county", "合成市", "Hecheng", "江苏省", "Jiangsu", 2024]
            csv.writer(handle).writerow([*row, hashlib.sha256(extra.read_bytes()).hexdigest(), "benchmark"])
        report = run_stage("add one plan (rebuild)", lambda: build_dataset(data_dir), n_plans, chars, results)
        print(f"  (rewrote {', '.join(report.written_partitions)}; linked {len(report.linked_partitions)} other provinces)", flush=True)
        run_stage("add one plan (update clusters)", lambda: update_clusters(data_dir), n_plans, chars, results)
        if len(measures) > GOLD_MAX_MEASURES:
            print_sampled_quality(data_dir, sampler, clustering_seconds)
    total = sum(seconds for _, seconds, _ in results)
    print(f"  {'total':<28} {total:8.2f} s  peak {max(peak for *_, peak in results) / 2**30:5.2f} GB", flush=True)
    return results


def run_apart(n_plans: int) -> dict[str, float]:
    """Benchmark ``n_plans`` in a process of its own; return its stage times.

    Run one after another in one process, each size started with the memory the earlier ones
    left with the allocator (3.3 GB after 1,000 and 5,000 plans), so its peak was not its own.
    """
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        subprocess.run([sys.executable, __file__, str(n_plans), "--times-to", handle.name], check=True)
        return json.loads(Path(handle.name).read_text(encoding="utf-8"))


def main() -> None:
    """Benchmark each N given on the command line (each in a fresh process) and print the cost ratios between sizes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="numbers of plans (default 1000 5000 30000)")
    parser.add_argument("--plans", help="numbers of plans, comma-separated (instead of the positional sizes)")
    parser.add_argument("--quality-only", action="store_true", help="only the clustering's time and quality against the gold")
    parser.add_argument("--skip-largest", action="store_true", help="leave out the largest size (30,000 plans take most of the time)")
    parser.add_argument("--times-to", type=Path, help=argparse.SUPPRESS)  # one size, in this process; stage times to this file
    args = parser.parse_args()
    sizes = [int(n) for n in args.plans.split(",")] if args.plans else args.sizes or list(DEFAULT_SIZES)
    sizes = sorted(sizes)[:-1] if args.skip_largest and len(sizes) > 1 else sizes
    if args.quality_only:
        sampler = Sampler()
        for n in sizes:
            benchmark_quality(n, sampler)
        return
    if args.times_to:
        results = benchmark(sizes[0], Sampler())
        args.times_to.write_text(json.dumps({name: seconds for name, seconds, _ in results}), encoding="utf-8")
        return
    totals = {n: run_apart(n) for n in sizes}
    for small, large in itertools.pairwise(sizes):
        print(f"cost ratio {large}/{small} plans (size ratio {large / small:.0f}):")
        for name, seconds in totals[large].items():
            if name in totals[small]:
                print(f"  {name:<28} x{seconds / totals[small][name]:6.1f}")


if __name__ == "__main__":
    main()
