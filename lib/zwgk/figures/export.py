"""Export figures for policy briefs (interactive HTML, PNG at scale 2, SVG) and the gallery
``figures/index.html``. PNG and SVG use kaleido with Debian's chromium; fonts-noto-cjk renders
the Chinese. A caption file beside each figure feeds the gallery."""

from __future__ import annotations

import atexit
import hashlib
import html
import json
import re
import warnings
from pathlib import Path

import plotly.graph_objects as go

from zwgk.paths import FIGURES_DIR

PNG_SCALE = 2
FORMATS = ("html", "png", "svg")


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
    """Write ``fig`` as ``name``.html/.png/.svg with its caption; return the paths written.

    The HTML loads plotly.js from a file beside it (no network needed) and has a fixed div
    id, so rerunning on the same data rewrites the same bytes.
    """
    out_dir = out_dir or FIGURES_DIR
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
    (out_dir / f"{name}.json").write_text(
        json.dumps({"name": name, "caption": caption}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return written


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
</style>
</head>
<body>
<h1>zwgk figures</h1>
<p>Click a figure for its interactive version; PNG and SVG files sit beside it.</p>
<div class="grid">
{items}
</div>
</body>
</html>
"""


def write_gallery(out_dir: Path | None = None) -> Path:
    """Write ``index.html``: every exported figure with its caption, linking to the HTML version."""
    out_dir = out_dir or FIGURES_DIR
    items = []
    for meta_path in sorted(out_dir.glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        name, caption = html.escape(meta["name"]), html.escape(meta["caption"])
        items.append(
            f'<figure><a href="{name}.html"><img src="{name}.png" alt="{caption}"></a>'
            f'<figcaption>{caption} (<a href="{name}.svg">SVG</a>)</figcaption></figure>'
        )
    path = out_dir / "index.html"
    path.write_text(_PAGE.format(items="\n".join(items)), encoding="utf-8")
    return path
