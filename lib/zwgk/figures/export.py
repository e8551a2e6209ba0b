"""Export figures for policy briefs (interactive HTML, PNG at scale 2, SVG) and the gallery
``index.html`` of every folder exported to. PNG and SVG use kaleido with Debian's chromium;
fonts-noto-cjk renders the Chinese. A caption file beside each figure feeds the gallery.

Where figures go: ``zwgk report`` passes its folder (``figures/`` for the default run); a
notebook run by hand in JupyterLab passes none and writes to ``figures/_scratch/`` (git-ignored),
so trying things out never overwrites the tracked figures."""

from __future__ import annotations

import atexit
import csv
import hashlib
import html
import json
import os
import re
import warnings
from pathlib import Path

import plotly.graph_objects as go

from zwgk.paths import FIGURES_DIR, get_manifest_path, get_processed_dir

PNG_SCALE = 2
FORMATS = ("html", "png", "svg")
SCRATCH_DIR = FIGURES_DIR / "_scratch"  # interactive runs export here (git-ignored)
# Set by ``run_notebooks`` for each kernel it starts: the notebook exporting, for the gallery's order.
NOTEBOOK_VARIABLE = "ZWGK_NOTEBOOK"
_EXPORTED: dict[str, int] = {}  # figures exported by this process, per notebook: their order in the gallery


_SERVER = {"running": False}


def _ensure_export_server() -> None:
    """Start one headless browser for this process on first use (0.2 s a figure instead of 2-3 s)."""
    if _SERVER["running"]:
        return
    import kaleido

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kaleido.start_sync_server(silence_warnings=True)
    _SERVER["running"] = True
    atexit.register(_stop_export_server)


def _stop_export_server() -> None:
    if _SERVER["running"]:
        import kaleido

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kaleido.stop_sync_server(silence_warnings=True)
        _SERVER["running"] = False


def export_figure(fig: go.Figure, name: str, caption: str, out_dir: Path | None = None, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write ``fig`` as ``name``.html/.png/.svg with its caption, refresh the folder's gallery; return the paths written.

    The HTML loads plotly.js from a file beside it (no network needed) and has a fixed div
    id, so rerunning on the same data rewrites the same bytes. Without ``out_dir`` (a notebook
    run by hand) the figures go to ``figures/_scratch/``, never over the tracked ``figures/``.
    """
    out_dir = Path(out_dir) if out_dir else SCRATCH_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = _fix_trace_ids(fig, name)
    written = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "html" in formats:
            path = out_dir / f"{name}.html"
            fig.write_html(path, include_plotlyjs="directory", full_html=True, div_id=f"zwgk-{name}", config={"displaylogo": False})
            written.append(path)
        if any(f != "html" for f in formats):
            _ensure_export_server()
        for fmt in (f for f in formats if f != "html"):
            path = out_dir / f"{name}.{fmt}"
            fig.write_image(path, format=fmt, scale=PNG_SCALE if fmt == "png" else 1)
            if fmt == "svg":
                _fix_svg_ids(path, name)
            written.append(path)
    notebook = find_exporting_notebook()
    order = _EXPORTED.setdefault(f"{notebook}:{name}", len(_EXPORTED))
    meta = {"name": name, "caption": caption, "notebook": notebook, "order": order}
    (out_dir / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_gallery(out_dir)
    return written


def find_exporting_notebook() -> str:
    """Return the name of the notebook exporting (``04_jurisdiction_gaps``), or "" outside one.

    ``zwgk report`` names it for each kernel it starts; JupyterLab tells its kernels their
    notebook's path in ``JPY_SESSION_NAME``. The gallery orders figures by it.
    """
    named = os.environ.get(NOTEBOOK_VARIABLE) or os.environ.get("JPY_SESSION_NAME") or ""
    return Path(named).stem if named else ""


def _fix_trace_ids(fig: go.Figure, name: str) -> go.Figure:
    """A copy of ``fig`` whose traces have ids derived from ``name``: plotly draws a random one into the SVG otherwise."""
    fig = go.Figure(fig)
    for i, trace in enumerate(fig.data):
        if trace.uid is None:
            trace.uid = hashlib.sha1(f"{name}:trace:{i}".encode()).hexdigest()[:6]
    return fig


def _fix_svg_ids(path: Path, name: str) -> None:
    """Replace plotly's random 6-hex ids in an SVG (figure and legend ids) with ones derived from ``name``."""
    text = path.read_text(encoding="utf-8")
    random_ids = sorted(set(re.findall(r'id="(?:defs-|legend)([0-9a-f]{6})"', text)), key=text.index)
    for i, random_id in enumerate(random_ids):
        stable = hashlib.sha1(f"{name}:{i}".encode()).hexdigest()[:6]
        text = re.sub(rf"(?<![0-9.]){random_id}(?![0-9.])", stable, text)  # not inside a number
    path.write_text(text, encoding="utf-8")


_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>zwgk figures</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem; color: #222; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1.5rem; }}
figure {{ margin: 0; border: 1px solid #ddd; padding: 0.75rem; }}
img {{ width: 100%; height: auto; }}
figcaption {{ font-size: 0.95rem; margin-top: 0.5rem; }}
.notebook {{ color: #666; font-size: 0.85rem; }}
footer {{ margin-top: 2rem; color: #555; font-size: 0.9rem; }}
</style>
</head>
<body>
<h1>zwgk figures</h1>
<p>Click a figure for its interactive version; PNG and SVG files sit beside it.</p>
<div class="grid">
{items}
</div>
<footer><p>{footer}</p></footer>
</body>
</html>
"""


def write_gallery(out_dir: Path | None = None) -> Path:
    """Write ``index.html``: every figure of ``out_dir`` with its caption, linking to the HTML version.

    Figures are ordered by notebook, then as each notebook exports them; the footer names the
    data they were drawn from (see ``describe_data``), so a gallery says which data it shows.
    """
    out_dir = Path(out_dir) if out_dir else SCRATCH_DIR
    metas = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(out_dir.glob("*.json"))]
    metas.sort(key=lambda m: (m.get("notebook") or "~", m.get("order", 0), m["name"]))  # figures of no notebook last
    items = []
    for meta in metas:
        name, caption = html.escape(meta["name"]), html.escape(meta["caption"])
        notebook = html.escape(meta.get("notebook") or "")
        items.append(
            f'<figure><a href="{name}.html"><img src="{name}.png" alt="{caption}"></a>'
            f'<figcaption>{caption} (<a href="{name}.svg">SVG</a>)'
            + (f' <span class="notebook">{notebook}</span>' if notebook else "")
            + "</figcaption></figure>"
        )
    path = out_dir / "index.html"
    path.write_text(_PAGE.format(items="\n".join(items), footer=html.escape(describe_data())), encoding="utf-8")
    return path


_ISSUE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def describe_data(manifest: Path | None = None) -> str:
    """Return one line naming the data the figures show: plans, years and the raw manifest's sha256.

    Taken from ``data/raw/plans.csv`` (of ``ZWGK_DATA_DIR``), not from the build: rebuilding the
    same raw data gives the same line, so the gallery is the same bytes.
    """
    manifest = manifest or get_manifest_path()
    if not manifest.is_file():
        return f"Data: unknown (no manifest at {manifest})."
    content = manifest.read_bytes()
    rows = list(csv.DictReader(content.decode("utf-8-sig").splitlines()))
    years = sorted(int(row["year"]) for row in rows if (row.get("year") or "").strip().isdigit())
    span = f", {years[0]}–{years[-1]}" if years else ""
    digest = hashlib.sha256(content).hexdigest()[:12]
    newest = find_newest_issue_date(manifest.parent.parent)
    issued = f"; newest plan issued {newest}" if newest else ""
    same = "(the same on every rebuild of the same raw data)"
    return f"Data: {len(rows)} plans{span}{issued}; raw manifest plans.csv sha256 {digest} {same}."


def find_newest_issue_date(data_dir: Path) -> str | None:
    """The latest issue date (YYYY-MM-DD) among the built plans of ``data_dir``: the date of the data, or None before a build."""
    path = get_processed_dir(data_dir) / "plans.parquet"
    if not path.is_file():
        return None
    import pyarrow.parquet as pq

    dates = [_ISSUE_DATE.search(text or "") for text in pq.read_table(path, columns=["issue_date"]).column(0).to_pylist()]
    found = sorted((int(m[1]), int(m[2]), int(m[3])) for m in dates if m)
    return "{:04d}-{:02d}-{:02d}".format(*found[-1]) if found else None
