"""Every notebook executes headless on the seeds and the State Council's plans (notebook 05 compares each
seed with its parent); the exported figures and the gallery work."""

import json
import shutil
import struct
import subprocess
from pathlib import Path

import nbformat
import pytest

from zwgk.figures.notebooks import list_notebooks, run_notebooks


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


def test_exports_are_byte_identical_on_rerun(tmp_path: Path) -> None:
    import plotly.graph_objects as go

    from zwgk.figures.export import export_figure

    fig = go.Figure(go.Bar(x=["常州市 2018", "新会区 2018"], y=[37, 67]))
    first = {p.name: p.read_bytes() for p in export_figure(fig, "demo", "caption", out_dir=tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in export_figure(fig, "demo", "caption", out_dir=tmp_path / "b")}
    assert first == second
