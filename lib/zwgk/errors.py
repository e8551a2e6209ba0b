"""The errors zwgk raises on bad input.

Every error names the file and, where it applies, the line, so a researcher can open the
source and see what the parser saw. Nothing else is meant to escape the parsers.
"""

from __future__ import annotations

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
