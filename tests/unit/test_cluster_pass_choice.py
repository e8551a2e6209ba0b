"""benchmarks/cluster_pass_choice.py: the choice rule on hand-made scores, and --help (no corpus built)."""

import subprocess
import sys

from tests.helpers.benchmarks import import_benchmark
from zwgk.paths import REPO_DIR

SCRIPT = REPO_DIR / "benchmarks" / "cluster_pass_choice.py"


def test_the_choice_is_the_highest_recall_at_precision_0_9() -> None:
    choice = import_benchmark("cluster_pass_choice")
    scores = {
        (0.6, 0.1): {"precision": 0.897, "recall": 0.856},  # more recall, but under the precision floor
        (0.65, 0.1): {"precision": 0.906, "recall": 0.847},
        (0.7, 0.2): {"precision": 0.903, "recall": 0.846},
        (0.7, 0.0): {"precision": 0.930, "recall": 0.743},
    }
    assert choice.choose_setting(scores) == (0.65, 0.1)
    below = {key: {"precision": 0.8, "recall": score["recall"]} for key, score in scores.items()}
    assert choice.choose_setting(below) == (0.6, 0.1)  # none reaches the floor: the highest recall
    tied = {(0.6, 0.2): {"precision": 0.91, "recall": 0.85}, (0.65, 0.1): {"precision": 0.92, "recall": 0.85}}
    assert choice.choose_setting(tied) == (0.65, 0.1)


def test_the_script_explains_itself() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert "highest pair recall" in result.stdout and "--seed" in result.stdout
