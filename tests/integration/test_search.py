"""search_plans on the seed plans: a task is found by its title where its measures never say the term."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import zwgk


def test_the_search_finds_a_task_by_its_title(seed_data_dir: Path) -> None:
    plans, tasks, measures = zwgk.load_plans(seed_data_dir), zwgk.load_tasks(seed_data_dir), zwgk.load_measures(seed_data_dir)
    hits = zwgk.search_plans("重大建设项目", measures, tasks, plans)
    taicang = hits[(hits["jurisdiction"] == "太仓市") & (hits["year"] == 2019)]
    assert len(taicang) == 1
    hit = taicang.iloc[0]
    assert hit["field"] == "task_title" and pd.isna(hit["measure_id"])
    assert (hit["left"], hit["match"], hit["right"]) == ("深化", "重大建设项目", "批准与实施领域政府信息公开")
    task = tasks.set_index("task_id").loc[hit["task_id"]]
    assert (hit["line_start"], hit["line_end"]) == (task["line_start"], task["line_end"])
    source = zwgk.load_source_lines(seed_data_dir)
    line = source[(source["plan_id"] == hit["plan_id"]) & (source["line_no"] == hit["line_start"])]["line_text"].item()
    assert "重大建设项目" in line
    # the measures-only search misses it: the measure lists nine kinds of information, not the projects
    assert hit["task_id"] not in set(zwgk.search_kwic(measures, "重大建设项目")["task_id"])
    # every hit names its place and its lines; a measure hit's task is the task it belongs to
    assert hits[["plan_id", "jurisdiction", "year", "task_id", "line_start", "line_end"]].notna().all().all()
    measure_hits = hits[hits["field"] == "measure"]
    assert (measure_hits["measure_id"].str.rsplit("-m", n=1).str[0] == measure_hits["task_id"]).all()
