"""The benchmark's synthetic gold: which seed texts count as one task, and which seed tasks a plan may not hold together."""

import pandas as pd

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
