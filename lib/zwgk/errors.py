"""The errors zwgk raises on bad input.

Every error names the file and, where it applies, the line, so a researcher can open the
source and see what the parser saw. Nothing else is meant to escape the parsers.
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path


class ZwgkError(Exception):
    """Base class of every error zwgk raises on purpose."""


class PlanParseError(ZwgkError):
    """A raw plan file cannot be read or parsed.

    Attributes keep the pieces apart so that callers (the CLI, tests) can report them.
    """

    def __init__(self, file: str | Path, message: str, line: int | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.reason = message
        where = f"{self.file}, line {line}" if line is not None else self.file
        super().__init__(f"{where}: {message}")


class ManifestError(ZwgkError):
    """The manifest ``data/raw/plans.csv`` is missing, malformed or disagrees with a file."""

    def __init__(self, manifest: str | Path, message: str, line: int | None = None) -> None:
        self.file = str(manifest)
        self.line = line
        where = f"{self.file}, line {line}" if line is not None else self.file
        super().__init__(f"{where}: {message}")


class DatasetValidationError(ZwgkError):
    """A built table breaks the field dictionary; nothing was written."""


class UnknownPlanError(ZwgkError, KeyError):
    """A plan id (or a place and year) names no plan of the dataset.

    A typo in a notebook's parameter would otherwise end in a bare pandas ``KeyError``; this
    names the id and lists the valid ones, closest first, so the fix is one copy away.
    ``KeyError`` stays a base class, so callers that caught the old error still do.
    """

    def __init__(self, plan_id: object, valid_ids: list[str] | tuple[str, ...], what: str = "plan id", max_shown: int = 20) -> None:
        self.plan_id = plan_id
        self.valid_ids = sorted({str(v) for v in valid_ids})
        self.suggestions = suggest_plan_ids(str(plan_id), self.valid_ids, max_shown)
        if not self.valid_ids:
            hint = "the dataset has no plans"
        else:
            more = len(self.valid_ids) - len(self.suggestions)
            hint = "did you mean: " + ", ".join(self.suggestions) + (f" (and {more} more)" if more > 0 else "")
        self.message = f"unknown {what} {str(plan_id)!r}; {hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        """The message itself (``KeyError`` would quote it)."""
        return self.message


def suggest_plan_ids(plan_id: str, valid_ids: list[str], max_shown: int = 20) -> list[str]:
    """Up to ``max_shown`` valid ids, the closest to ``plan_id`` first (difflib), then the rest in order.

    Ids that contain the typed text (``changzhou-2018`` in ``jiangsu-changzhou-2018``) count as
    closest: a plan id is often typed without its province.
    """
    text = plan_id.casefold()
    containing = [v for v in valid_ids if text and (text in v.casefold() or v.casefold() in text)]
    close = get_close_matches(plan_id, valid_ids, n=max_shown, cutoff=0.4)
    ordered = list(dict.fromkeys([*containing, *close, *sorted(valid_ids)]))
    return ordered[:max_shown]


def check_plan_ids(plan_ids: object, valid_ids: object) -> None:
    """Raise `UnknownPlanError` for the first of ``plan_ids`` (one id or several) that is not in ``valid_ids``.

    The analyses call it first thing, so a wrong id fails with the list of valid ones, not
    deep inside pandas.
    """
    ids = [plan_ids] if isinstance(plan_ids, str) else list(plan_ids)
    valid = [str(v) for v in valid_ids]
    known = set(valid)
    for plan_id in ids:
        if plan_id not in known:
            raise UnknownPlanError(plan_id, valid)
