"""Every notebook executes headless on the seeds and the State Council's plans (notebook 05 compares each
seed with its parent); the exported figures and the gallery work; `zwgk report` takes any parameter."""

import hashlib
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import nbformat
import pytest

import zwgk
import zwgk.figures.export as export_module
import zwgk.figures.notebooks as notebooks_module
from zwgk.commands.cli import main
from zwgk.figures.notebooks import choose_figures_dir, list_notebooks, parse_parameter, run_notebooks, select_notebooks
from zwgk.paths import FIGURES_DIR


@pytest.fixture(scope="module")
def report(reference_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    figures = tmp_path_factory.mktemp("figures")
    executed = tmp_path_factory.mktemp("executed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZWGK_DATA_DIR", str(reference_data_dir))
        outputs = run_notebooks({"lang": "both"}, executed_dir=executed, figures_dir=figures)
    return outputs, figures


def test_every_notebook_executes_without_errors(report: tuple[list[Path], Path]) -> None:
    outputs, _ = report
    assert [p.name for p in outputs] == [p.name for p in list_notebooks()]
    for path in outputs:
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code if c.source.strip())
        assert not [o for c in code for o in c.outputs if o.output_type == "error"]


def test_exported_pngs_svgs_and_html_are_real(report: tuple[list[Path], Path]) -> None:
    _, figures = report
    names = sorted(p.stem for p in figures.glob("*.json"))
    assert len(names) >= 12
    for name in names:
        png = (figures / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert width >= 2000 and height >= 900, f"{name}: scale 2 at brief width"  # 1100+ px wide at scale 2
        assert len(png) > 40_000
        assert "<svg" in (figures / f"{name}.svg").read_text(encoding="utf-8")[:500]
        page = (figures / f"{name}.html").read_text(encoding="utf-8")
        assert f'id="zwgk-{name}"' in page and 'src="plotly.min.js"' in page
        assert json.loads((figures / f"{name}.json").read_text(encoding="utf-8"))["caption"]
    assert (figures / "plotly.min.js").stat().st_size > 1_000_000


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by `make test` as root")
def test_gallery_renders_in_headless_chromium_without_console_errors(report: tuple[list[Path], Path], tmp_path: Path) -> None:
    _, figures = report
    index = figures / "index.html"
    result = subprocess.run(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom", index.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("<figure>") == len(list(figures.glob("*.json")))
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
    page = subprocess.run(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         f"--user-data-dir={tmp_path / 'profile2'}", "--virtual-time-budget=8000", "--dump-dom", (figures / "gaps_theme_heatmap.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "main-svg" in page.stdout  # plotly drew the interactive chart from the local plotly.min.js
    assert not [line for line in page.stderr.splitlines() if "Uncaught" in line]


def test_exports_are_byte_identical_on_rerun(tmp_path: Path, seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import plotly.graph_objects as go

    from zwgk.figures.export import export_figure

    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
    fig = go.Figure(go.Bar(x=["常州市 2018", "新会区 2018"], y=[37, 67]))
    first = {p.name: p.read_bytes() for p in export_figure(fig, "demo", "caption", out_dir=tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in export_figure(fig, "demo", "caption", out_dir=tmp_path / "b")}
    assert first == second
    assert (tmp_path / "a" / "index.html").read_bytes() == (tmp_path / "b" / "index.html").read_bytes()


def _gallery_names(index: Path) -> list[str]:
    return re.findall(r'<figure><a href="([^"]+)\.html">', index.read_text(encoding="utf-8"))


def test_gallery_is_ordered_by_notebook_then_figure_and_names_its_data(report: tuple[list[Path], Path], reference_data_dir: Path) -> None:
    _, figures = report
    names = _gallery_names(figures / "index.html")
    metas = {name: json.loads((figures / f"{name}.json").read_text(encoding="utf-8")) for name in names}
    notebooks = [metas[name]["notebook"] for name in names]
    assert notebooks == sorted(notebooks) and notebooks[0] == "01_corpus" and "06_compare_plans" in notebooks
    assert metas["gaps_theme_heatmap"]["notebook"] == "04_jurisdiction_gaps"
    gaps = [name for name in names if metas[name]["notebook"] == "04_jurisdiction_gaps"]
    assert gaps == ["gaps_theme_heatmap", "gaps_focal_ranking", "gaps_accountability", "gaps_agency_kinds"]  # as the notebook exports them
    sha = hashlib.sha256((reference_data_dir / "raw" / "plans.csv").read_bytes()).hexdigest()[:12]
    page = (figures / "index.html").read_text(encoding="utf-8")
    assert f"sha256 {sha}" in page and "2017–2022" in page
    assert "07_explore" not in notebooks  # the explore view exports only when asked


def test_explore_notebook_draws_its_widget_view(report: tuple[list[Path], Path]) -> None:
    outputs, _ = report
    notebook = nbformat.read(next(p for p in outputs if p.stem == "07_explore"), as_version=4)
    views = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(views) == 1
    charts = [
        o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if "application/vnd.plotly.v1+json" in o.get("data", {})
    ]
    assert len(charts) == 2  # the view of the parameters, drawn outside the widget (no redraw runs while headless)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("top_n=15", 15), ("min_peer_share=0.25", 0.25), ("include_national=false", False), ("export_figures=True", True),
     ("jurisdiction=None", None), ("focal_plan_id=jiangsu-changzhou-2021", "jiangsu-changzhou-2021"), ("query=yes", "yes"),
     ("kwic_keyword=12345", 12345), ("query=规范: 流程", "规范: 流程"), ("year_from=2021-01-01", "2021-01-01")],
)  # fmt: skip
def test_parameters_are_read_as_yaml_scalars(text: str, expected: object) -> None:
    name, value = parse_parameter(text)
    assert name == text.split("=")[0] and value == expected and type(value) is type(expected)


def test_report_rejects_unknown_parameters_and_notebooks_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "-p", "focal_plan=jiangsu-changzhou-2021", "--notebook", "04"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "unknown notebook parameter focal_plan;" in error
    assert "focal_plan_id, include_national, lang, min_peer_share, peer_level, year_window" in error
    assert main(["report", "--notebook", "99"]) == 1
    assert "no notebook '99'; the notebooks are 01_corpus" in capsys.readouterr().err
    assert main(["report", "-p", "top_n"]) == 1
    assert "write it as NAME=VALUE" in capsys.readouterr().err


def test_each_parameter_set_gets_its_own_folder() -> None:
    notebooks = list_notebooks()
    assert choose_figures_dir({"lang": "both", "focal_plan_id": "jiangsu-changzhou-2018"}, notebooks) == FIGURES_DIR  # the defaults
    folder = choose_figures_dir({"lang": "en", "focal_plan_id": "jiangsu-changzhou-2021", "year_window": 3}, notebooks)
    assert folder == FIGURES_DIR / "runs" / "focal_plan_id-jiangsu-changzhou-2021--lang-en"
    assert choose_figures_dir({"focal_plan_id": "jiangsu-changzhou-2021", "lang": "en"}, notebooks) == folder
    assert select_notebooks(["04", "01_corpus", "upper_level_alignment"]) == [notebooks[0], notebooks[3], notebooks[4]]


def test_report_with_parameters_exports_to_its_own_folder_with_a_gallery(
    reference_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZWGK_DATA_DIR", str(reference_data_dir))
    monkeypatch.setattr(notebooks_module, "FIGURES_DIR", tmp_path / "figures")
    monkeypatch.setattr(notebooks_module, "RUNS_DIR", tmp_path / "figures" / "runs")
    monkeypatch.setattr(notebooks_module, "EXECUTED_DIR", tmp_path / "executed")
    argv = ["report", "-p", "focal_plan_id=jiangsu-changzhou-2021", "-p", "lang=en", "-p", "year_window=2", "--notebook", "04"]
    assert main(argv) == 0, capsys.readouterr().err
    folder = tmp_path / "figures" / "runs" / "focal_plan_id-jiangsu-changzhou-2021--lang-en--year_window-2"
    assert f"figures and their gallery: {folder / 'index.html'}" in capsys.readouterr().out
    assert _gallery_names(folder / "index.html") == ["gaps_theme_heatmap", "gaps_focal_ranking", "gaps_accountability", "gaps_agency_kinds"]
    caption = json.loads((folder / "gaps_focal_ranking.json").read_text(encoding="utf-8"))["caption"]
    assert caption.startswith("Changzhou 2021")
    executed = nbformat.read(tmp_path / "executed" / "04_jurisdiction_gaps.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'lang = "en"' in injected.source and "year_window = 2" in injected.source
    assert not (tmp_path / "figures" / "index.html").exists()  # the default folder is left alone


def test_figures_of_a_notebook_run_by_hand_go_to_the_scratch_folder(
    seed_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plotly.graph_objects as go

    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/researcher/zwgk/notebooks/04_jurisdiction_gaps.ipynb")  # what JupyterLab tells its kernel
    monkeypatch.setattr(export_module, "SCRATCH_DIR", tmp_path / "scratch")
    written = export_module.export_figure(go.Figure(go.Bar(x=["a"], y=[1])), "demo", "说明 / caption", formats=("html",))
    assert [p.parent for p in written] == [tmp_path / "scratch"]
    assert json.loads((tmp_path / "scratch" / "demo.json").read_text(encoding="utf-8"))["notebook"] == "04_jurisdiction_gaps"
    page = (tmp_path / "scratch" / "index.html").read_text(encoding="utf-8")
    assert "说明 / caption" in page and "Data: 5 plans, 2017–2021" in page


def test_explore_view_draws_the_gap_charts_for_the_chosen_plan_peers_years_and_language(
    seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zwgk.figures.explore import draw_gap_view, list_focal_plans, load_gap_tables

    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
    tables = load_gap_tables()
    assert list_focal_plans(tables) == [
        "shandong-taian-2017", "guangdong-jiangmen-xinhui-2018", "jiangsu-changzhou-2018", "jiangsu-suzhou-taicang-2019", "jiangsu-changzhou-2021",
    ]  # fmt: skip
    ranking, heatmap = draw_gap_view(tables, "jiangsu-changzhou-2018", year_window=3, peer_level="any", lang="both")
    shares = [share for trace in ranking.data for share in trace.x]
    assert shares and min(shares) >= 0.5  # every gap covered by half the peers or more
    assert all(" of " in text and text.endswith("peers") for trace in ranking.data for text in trace.text)  # "k of n peers"
    assert "常州市 2018" in ranking.layout.title.text
    assert len(heatmap.data[0].x[1]) == 5  # every seed plan in the heatmap
    marked = [t for t in heatmap.data if getattr(t, "mode", None) == "text" or getattr(t, "text", None) is not None]
    assert marked  # the gaps marked ×

    ranking_en, _ = draw_gap_view(tables, "jiangsu-changzhou-2018", year_window=3, peer_level="any", lang="en")
    assert sorted(x for trace in ranking_en.data for x in trace.x) == sorted(shares)
    assert not any(re.search(r"[\u4e00-\u9fff]", y) for trace in ranking_en.data for y in trace.y)
    no_peers, _ = draw_gap_view(tables, "jiangsu-changzhou-2018", year_window=0, peer_level="same")
    assert not no_peers.data and "No gaps" in no_peers.layout.annotations[0].text  # no other prefectural plan of 2018: no peers
    _, recent = draw_gap_view(tables, "jiangsu-changzhou-2021", years=(2020, 2022), lang="zh")
    assert list(recent.data[0].x[1]) == ["常州市 2021"]  # only the plans of the years chosen
    with pytest.raises(zwgk.UnknownPlanError, match="unknown plan id 'nowhere-2020'"):
        draw_gap_view(tables, "nowhere-2020")
