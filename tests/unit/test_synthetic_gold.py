"""The benchmark's synthetic gold: which seed texts count as one task, and which seed tasks a plan may not hold together."""

import numpy as np
import pandas as pd
import pytest

from tests.helpers.benchmarks import import_benchmark

national_corpus = import_benchmark("national_corpus")

SEEDS = pd.DataFrame(
    {
        "task_id": ["a", "a", "b", "c", "c"],
        "measure_id": ["a-m1", "a-m2", "b-m1", "c-m1", "title:c"],
        "text": [
            "按照谁起草谁解读的原则，做到政策性文件与解读材料同步组织、同步审签、同步部署。",
            "及时公布流通领域商品质量抽检结果。",
            "各地区要按照谁起草谁解读的原则，做到政策性文件与解读材料同步组织、同步审签、同步部署。",
            "推进公共资源配置领域政府信息公开。",
            "加强公开平台建设",
        ],
    }
)


def test_near_copies_of_a_seed_text_are_one_task_and_others_are_not() -> None:
    labels = national_corpus.label_seed_measures(SEEDS)
    assert labels[0] == labels[2] == "a-m1"  # the local wording of the same sentence
    assert len(set(labels)) == 4


def test_seed_tasks_that_copy_each_other_form_one_group() -> None:
    groups = national_corpus.group_seed_tasks(SEEDS, ["a", "b", "c"])
    assert groups[0] == groups[1] and groups[2] != groups[0]


def test_a_gold_on_sampled_measures_takes_cluster_sizes_from_every_measure() -> None:
    # At 30,000 plans only a sample of the measures is labelled: a measure of a cluster of three
    # is not alone because its two partners were not drawn, and the gold's singletons are unknown.
    clusters = pd.DataFrame({"measure_id": ["m1", "m2", "m3", "m4", "m5", "m6"], "cluster_id": ["c1", "c1", "c1", "c2", "c3", "c3"]})
    gold = pd.Series({"m1": "A", "m4": "B", "m5": "A"})
    score = national_corpus.score_against_gold(clusters, gold, sampled=True)
    assert score["singletons"] == pytest.approx(1 / 3)  # m4 only
    assert score["recall"] == 0.0  # m1 and m5 share a label, not a cluster
    assert np.isnan(score["gold_singletons"])
    whole = national_corpus.score_against_gold(clusters, pd.Series({"m1": "A", "m2": "A", "m3": "A", "m4": "B", "m5": "C", "m6": "C"}))
    assert (whole["precision"], whole["recall"], whole["singletons"], whole["gold_singletons"]) == (1.0, 1.0, 1 / 6, 1 / 6)
