"""zwgk: turn Chinese local governments' 政务公开工作要点 into tidy, traceable tables.

Public API::

    import zwgk
    tasks = zwgk.load_tasks()        # one row per task, every row traceable to its lines
    zwgk.build_dataset(force=True)   # rebuild data/processed from data/raw
"""

from zwgk.build import BuildError, build_dataset
from zwgk.dataset import load_agencies, load_measures, load_plans, load_source_lines, load_tasks
from zwgk.errors import DatasetValidationError, ManifestError, PlanParseError, ZwgkError
from zwgk.parsing import parse_plan_file

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "DatasetValidationError",
    "ManifestError",
    "PlanParseError",
    "ZwgkError",
    "build_dataset",
    "load_agencies",
    "load_measures",
    "load_plans",
    "load_source_lines",
    "load_tasks",
    "parse_plan_file",
]
