"""search_plans on a small set of tasks and measures written for the test, checked by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from zwgk.analyses.search import SearchQueryError, read_terms, search_plans


@pytest.fixture
def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    plans = pd.DataFrame({"plan_id": ["p-2020", "q-2021"], "jurisdiction": ["甲市", "乙县"], "year": [2020, 2021]})
    tasks = pd.DataFrame(
        {
            "plan_id": ["p-2020", "p-2020", "q-2021"],
            "task_id": ["p-2020-t001", "p-2020-t002", "q-2021-t001"],
            "task_title": ["推进水利工程信息公开", "做好热线工作", pd.NA],
            "section_path": ["一、重点领域", "二、平台建设", "一、平台建设 > （一）整合政务热线"],
            "line_start": [3, 8, 5],
            "line_end": [6, 9, 7],
        }
    )
    measures = pd.DataFrame(
        {
            "task_id": ["p-2020-t001", "p-2020-t001", "p-2020-t002", "q-2021-t001"],
            "measure_id": ["p-2020-t001-m01", "p-2020-t001-m02", "p-2020-t002-m01", "q-2021-t001-m01"],
            "measure_seq": [1, 2, 1, 1],
            "text": ["公开水利工程审批结果。", "制定工作方案。", "整合12345热线和12315热线。", "建好政务热线，答复群众来电。"],
        }
    )
    return measures, tasks, plans


def test_a_literal_string_is_found_in_titles_and_measures(frames) -> None:
    hits = search_plans("水利工程", *frames)
    assert hits[["task_id", "field"]].values.tolist() == [["p-2020-t001", "task_title"], ["p-2020-t001", "measure"]]
    assert hits["measure_id"].isna().tolist() == [True, False]
    title, measure = hits.iloc[0], hits.iloc[1]
    assert (title["left"], title["match"], title["right"], title["start"]) == ("推进", "水利工程", "信息公开", 2)
    assert (measure["left"], measure["right"], measure["measure_id"]) == ("公开", "审批结果。", "p-2020-t001-m01")
    assert (title["jurisdiction"], title["year"], title["line_start"], title["line_end"]) == ("甲市", 2020, 3, 6)


def test_fields_limit_the_search_and_section_paths_are_searched(frames) -> None:
    hits = search_plans("平台建设", *frames)
    assert hits[["task_id", "field"]].values.tolist() == [["p-2020-t002", "section_path"], ["q-2021-t001", "section_path"]]
    assert search_plans("水利工程", *frames, fields=("measure",))["field"].tolist() == ["measure"]
    assert search_plans("平台建设", *frames, fields=["task_title", "measure"]).empty
    with pytest.raises(SearchQueryError, match="title"):
        search_plans("平台", *frames, fields=("title",))


def test_a_regular_expression_finds_every_hotline(frames) -> None:
    hits = search_plans(r"\d{5}热线", *frames, regex=True)
    assert hits["match"].tolist() == ["12345热线", "12315热线"]
    assert hits["start"].tolist() == [2, 10]
    assert search_plans(r"\d{5}热线", *frames).empty  # without regex=True the pattern is literal


def test_a_bad_regular_expression_names_the_pattern(frames) -> None:
    with pytest.raises(SearchQueryError, match=r"bad regular expression '\(热线'"):
        search_plans("(热线", *frames, regex=True)
    assert search_plans("(热线", *frames).empty  # a literal parenthesis is fine
    with pytest.raises(SearchQueryError, match="empty string"):
        search_plans("热?", *frames, regex=True)


def test_any_of_several_terms_names_the_term_that_matched(frames) -> None:
    hits = search_plans(["热线", "政务热线", "水利"], *frames)
    by_place = hits[["task_id", "field", "term", "match"]].values.tolist()
    assert by_place == [
        ["p-2020-t001", "task_title", "水利", "水利"],
        ["p-2020-t001", "measure", "水利", "水利"],
        ["p-2020-t002", "task_title", "热线", "热线"],
        ["p-2020-t002", "measure", "热线", "热线"],
        ["p-2020-t002", "measure", "热线", "热线"],
        ["q-2021-t001", "section_path", "政务热线", "政务热线"],  # the longer term wins where both start
        ["q-2021-t001", "measure", "政务热线", "政务热线"],
    ]
    regex_hits = search_plans([r"\d+热线", "方案"], *frames, regex=True)
    assert regex_hits[["term", "match"]].values.tolist() == [["方案", "方案"], [r"\d+热线", "12345热线"], [r"\d+热线", "12315热线"]]


def test_a_term_list_file_is_an_or_of_its_lines(frames, tmp_path: Path) -> None:
    terms = tmp_path / "hotlines.txt"
    terms.write_text("# hotlines\n12345热线\n\n12315热线  # market supervision\n", encoding="utf-8")
    assert read_terms(terms) == ["12345热线", "12315热线"]
    assert search_plans(terms, *frames)["match"].tolist() == ["12345热线", "12315热线"]
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(SearchQueryError, match=r"empty\.txt"):
        search_plans(empty, *frames)


def test_hits_sort_by_left_or_right_context(frames) -> None:
    # 热线 hits with 4 characters each side (left | right), in source order: the title 做好|工作,
    # the measure's 2345|和123 and 2315|。, then q-2021's section 整合政务| and measure 建好政务|，答复群.
    hits = search_plans("热线", *frames, window=4)
    assert hits["left"].tolist() == ["做好", "2345", "2315", "整合政务", "建好政务"]
    by_right = search_plans("热线", *frames, window=4, sort_by="right")
    assert by_right["right"].tolist() == ["", "。", "和123", "工作", "，答复群"]
    # Left contexts read backwards from the hit: 5132 < 5432 < 务政合整 < 务政好建 < 好做; sorted
    # forwards, 建好政务 would come before 整合政务.
    by_left = search_plans("热线", *frames, window=4, sort_by="left")
    assert by_left["left"].tolist() == ["2315", "2345", "整合政务", "建好政务", "做好"]
    assert sorted(by_left["left"]) != by_left["left"].tolist()
    with pytest.raises(SearchQueryError, match="sort_by"):
        search_plans("热线", *frames, sort_by="middle")


def test_without_plans_the_places_are_empty(frames) -> None:
    measures, tasks, _ = frames
    hits = search_plans("方案", measures, tasks)
    assert hits["jurisdiction"].isna().all() and hits["task_id"].tolist() == ["p-2020-t001"]
