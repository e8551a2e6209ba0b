"""Print how long building and loading the seed dataset take (figures, not a timed test).

Run: .venv/bin/python benchmarks/load_seeds.py
Target (issue: dataset): loading current parquet well under 1 s on the seeds.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import zwgk
from zwgk.paths import REPO_DIR
from zwgk.processed.build import build_dataset


def _time(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Build the seeds into a temporary folder, then time a forced build and each load."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        shutil.copytree(REPO_DIR / "data" / "raw", data_dir / "raw")
        build_times = _time(lambda: build_dataset(data_dir, force=True), repeat=3)
        print(f"build (5 plans, forced): median {statistics.median(build_times):.3f} s over {len(build_times)} runs")
        for name in ("load_plans", "load_tasks", "load_measures", "load_agencies"):
            load = getattr(zwgk, name)
            times = _time(lambda load=load: load(data_dir), repeat=10)
            print(f"{name + '()':<18} median {1000 * statistics.median(times):6.1f} ms, max {1000 * max(times):6.1f} ms")


if __name__ == "__main__":
    main()
