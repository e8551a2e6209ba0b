"""No crash on empty inputs or unknown ids: every chart says why it is empty, every analysis names a wrong plan id
and lists the valid ones, and the notebooks run to the end on a plan without peers or a dataset of one plan."""

from __future__ import annotations

import inspect
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from tests.helpers.datadir import copy_repository_plans
from zwgk.analyses.comparison import compare_plans, diff_years, find_plan_of
from zwgk.analyses.gaps import find_theme_gaps, select_peers
from zwgk.errors import UnknownPlanError, ZwgkError, check_plan_ids
from zwgk.figures import charts, maps
from zwgk.figures.export import export_figure
from zwgk.figures.notebooks import run_notebooks
from zwgk.figures.style import EMPTY_REASON
from zwgk.processed.build import build_dataset
from zwgk.schema import ANALYSIS_OUTPUTS, get_schema

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# The table each chart parameter takes, by the analysis that makes it (schema.ANALYSIS_OUTPUTS) or its own columns.
OUTPUT_OF = {
    "panel": "build_theme_panel",
    "gaps": "find_theme_gaps",
    "by_year": "summarise_themes_by_year",
    "national": "summarise_themes_by_year",
    "trends": "find_emerging_fading",
    "reuse_summary": "summarise_text_reuse",
    "accountability": "summarise_accountability",
    "kinds": "summarise_agency_kinds",
    "dropped": "find_dropped_parent_measures",
    "by_theme": "summarise_alignment_by_theme",
    "comparison": "compare_plans",
    "coords": "compute_correspondence",
    "nodes": "find_cooccurrence_communities",
    "edges": "compute_cooccurrence",
    "themes": "code_measures",
    ("plot_alignment_shares", "summary"): "summarise_alignment",
    ("plot_alignment_timing", "summary"): "summarise_alignment",
    ("plot_comparison_by_theme", "summary"): "summarise_comparison",
}
OWN_COLUMNS = {
    "plans": tuple(get_schema("plans").columns),
    "keyness": ("term", "count_target", "count_rest", "per_10k_target", "per_10k_rest", "log_ratio", "g2", "p_value", "direction"),
    "points": ("measure_id", "plan_id", "x", "y", "text", "section_path", "line_start", "line_end", "theme_label"),
    "presence": ("cluster_id", "label", "plan_id", "n_measures"),
}
CHART_FUNCTIONS = sorted(
    (f"{module.__name__.rsplit('.', 1)[1]}.{name}", function)
    for module in (charts, maps)
    for name, function in inspect.getmembers(module, inspect.isfunction)
    if name.startswith("plot_") and function.__module__ == module.__name__
)


def make_empty_arguments(name: str, function: object) -> dict[str, object]:
    """Empty tables of the columns each DataFrame parameter expects; a plan id for a str, nothing for a list."""
    arguments: dict[str, object] = {}
    for parameter in inspect.signature(function).parameters.values():
        annotation = str(parameter.annotation)
        if "DataFrame" in annotation and parameter.default is inspect.Parameter.empty:
            output = OUTPUT_OF.get((name, parameter.name), OUTPUT_OF.get(parameter.name))
            columns = ANALYSIS_OUTPUTS[output] if output else OWN_COLUMNS.get(parameter.name)
            assert columns is not None, f"{name}: say which table its parameter {parameter.name!r} takes (OUTPUT_OF or OWN_COLUMNS)"
            arguments[parameter.name] = pd.DataFrame(columns=list(columns))
        elif parameter.default is inspect.Parameter.empty:
            arguments[parameter.name] = [] if "list" in annotation else "jiangsu-changzhou-2018"
    return arguments


def test_every_chart_function_is_found() -> None:
    names = [name for name, _ in CHART_FUNCTIONS]
    assert len(names) >= 20 and "charts.plot_gap_ranking" in names and "maps.plot_cooccurrence_network" in names


@pytest.mark.parametrize("lang", ["both", "en"])
@pytest.mark.parametrize(("name", "function"), CHART_FUNCTIONS, ids=[name for name, _ in CHART_FUNCTIONS])
def test_chart_of_empty_tables_says_why(name: str, function: object, lang: str) -> None:
    fig = function(**make_empty_arguments(name.split(".")[1], function), lang=lang)
    reasons = [a.text for a in fig.layout.annotations if a.name == EMPTY_REASON]
    assert len(fig.data) == 0 and len(reasons) == 1, f"{name} drew an empty chart without saying why"
    assert len(reasons[0]) > 10 and fig.layout.title.text
    if lang == "both":
        assert any("\u4e00" <= c <= "\u9fff" for c in reasons[0]) and " / " in reasons[0]
    else:
        assert reasons[0].isascii()


def test_empty_gap_chart_exports(tmp_path: Path) -> None:
    gaps = pd.DataFrame(columns=list(ANALYSIS_OUTPUTS["find_theme_gaps"]))
    fig = charts.plot_gap_ranking(gaps, pd.DataFrame(columns=list(get_schema("plans").columns)), "常州市 2021", lang="both")
    export_figure(fig, "empty_gaps", "nothing to show", out_dir=tmp_path)
    assert {p.suffix for p in tmp_path.glob("empty_gaps.*")} == {".png", ".svg", ".html", ".json"}
    assert (tmp_path / "empty_gaps.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "No gaps" in (tmp_path / "empty_gaps.svg").read_text(encoding="utf-8")


def test_typo_in_a_plan_id_lists_the_right_suggestion_first(seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
    plans = pd.read_parquet(seed_data_dir / "processed" / "plans.parquet")
    with pytest.raises(UnknownPlanError) as caught:
        select_peers(plans, "changzhou-2018")
    message = str(caught.value)
    assert message.startswith("unknown plan id 'changzhou-2018'; did you mean: jiangsu-changzhou-2018, ")
    assert caught.value.suggestions[0] == "jiangsu-changzhou-2018" and set(caught.value.suggestions) == set(plans["plan_id"])
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ZwgkError)
    with pytest.raises(UnknownPlanError, match="jiangsu-changzhou-2021"):
        find_theme_gaps(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), plans, "jiangsu-changzhou-2012")


def test_unknown_ids_in_comparisons_and_alignment(seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zwgk

    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
    matcher = zwgk.load_matcher()
    with pytest.raises(UnknownPlanError, match=r"unknown plan id 'jiangsu-changzou-2021'; did you mean: jiangsu-changzhou-2021"):
        compare_plans("jiangsu-changzhou-2018", "jiangsu-changzou-2021", matcher)
    with pytest.raises(UnknownPlanError, match=r"'taicang-2019'; did you mean: jiangsu-suzhou-taicang-2019"):
        zwgk.align_with_parent("taicang-2019", matcher=matcher)
    with pytest.raises(UnknownPlanError, match=r"'常州市 2019'; did you mean: jiangsu-changzhou-2018, jiangsu-changzhou-2021$"):
        diff_years("常州市", 2018, 2019, matcher)
    assert find_plan_of(matcher.plans, "Changzhou", 2021) == "jiangsu-changzhou-2021"


def test_a_check_of_many_ids_names_the_first_unknown_one() -> None:
    with pytest.raises(UnknownPlanError, match="unknown plan id 'b'"):
        check_plan_ids(["a", "b"], ["a", "c"])
    with pytest.raises(UnknownPlanError, match="the dataset has no plans"):
        check_plan_ids("a", [])
    long = [f"place-{i:02d}-2020" for i in range(30)]
    with pytest.raises(UnknownPlanError, match=r"\(and 10 more\)$"):
        check_plan_ids("place-07-2002", long)


def read_outputs(path: Path) -> tuple[str, list[str]]:
    """All text the executed notebook printed or displayed, and the empty-chart reasons of its figures."""
    notebook = nbformat.read(path, as_version=4)
    text, reasons = [], []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name}: {output.get('ename')}: {output.get('evalue')}"
            text.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
            figure = output.get("data", {}).get("application/vnd.plotly.v1+json")
            if figure:
                reasons += [a["text"] for a in figure["layout"].get("annotations", []) if a.get("name") == EMPTY_REASON]
    return "\n".join(text), reasons


def test_notebook_04_runs_to_the_end_for_a_plan_without_peers(seed_data_dir: Path, tmp_path: Path) -> None:
    parameters = {"focal_plan_id": "jiangsu-changzhou-2021", "year_window": 1, "peer_level": "same", "lang": "both"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
        [output] = run_notebooks(parameters, [NOTEBOOKS / "04_jurisdiction_gaps.ipynb"], tmp_path / "executed", tmp_path / "figures")
    text, reasons = read_outputs(output)
    assert "jiangsu-changzhou-2021 has no peers" in text
    assert any("No gaps" in reason for reason in reasons)
    assert (tmp_path / "figures" / "gaps_focal_ranking.png").exists() and (tmp_path / "figures" / "gaps_theme_heatmap.svg").exists()


@pytest.fixture(scope="module")
def one_plan_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset of one local plan (常州 2018), nothing else."""
    data_dir = copy_repository_plans(tmp_path_factory.mktemp("one-plan"), ["jiangsu-changzhou-2018.txt"])
    build_dataset(data_dir, force=True)
    return data_dir


def test_notebooks_02_and_03_run_on_one_plan(one_plan_data_dir: Path, tmp_path: Path) -> None:
    notebooks = [NOTEBOOKS / "02_similar_tasks.ipynb", NOTEBOOKS / "03_themes_over_time.ipynb"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZWGK_DATA_DIR", str(one_plan_data_dir))
        similar, themes = run_notebooks({"lang": "both"}, notebooks, tmp_path / "executed", tmp_path / "figures")
    text, reasons = read_outputs(similar)
    assert "No common tasks" in text and any("one plan only" in reason for reason in reasons)
    text, reasons = read_outputs(themes)
    assert "No jurisdiction has plans of two or more years" in text
    assert any("No jurisdiction has plans of two years" in reason for reason in reasons)
    assert any("No distinctive terms" in reason for reason in reasons)
    assert len(list((tmp_path / "figures").glob("*.png"))) >= 6


def test_notebook_05_runs_to_the_end_without_parent_plans(seed_data_dir: Path, tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))  # local plans only: their parents are not in the dataset
        [output] = run_notebooks(
            {"lang": "en"}, [NOTEBOOKS / "05_upper_level_alignment.ipynb"], tmp_path / "executed", tmp_path / "figures"
        )
    text, reasons = read_outputs(output)
    assert "No plan has its parent plan in the dataset" in text and "jiangsu-changzhou-2018 has no parent plan" in text
    assert len(reasons) == 4 and all(reason.isascii() for reason in reasons)
    assert reasons.count("No plan has a parent plan in the dataset") == 2


def test_notebook_06_names_the_plans_of_a_place_for_a_year_without_one(seed_data_dir: Path, tmp_path: Path) -> None:
    from papermill.exceptions import PapermillExecutionError

    parameters = {"jurisdiction": "常州市", "year_from": 2018, "year_to": 2019}
    with pytest.MonkeyPatch.context() as patch, pytest.raises(PapermillExecutionError) as caught:
        patch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
        run_notebooks(parameters, [NOTEBOOKS / "06_compare_plans.ipynb"], tmp_path / "executed", tmp_path / "figures")
    assert caught.value.ename == "UnknownPlanError"
    assert (
        "unknown plan of place and year '常州市 2019'; did you mean: jiangsu-changzhou-2018, jiangsu-changzhou-2021" in caught.value.evalue
    )
