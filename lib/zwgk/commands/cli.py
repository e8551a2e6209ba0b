"""The ``zwgk`` command line: add, list, remove, build, report, evaluate, docs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from zwgk.commands.adding import add_plan, list_plans, remove_plan
from zwgk.commands.docs import write_data_readme
from zwgk.errors import ZwgkError
from zwgk.processed.build import build_dataset

ADD_FLAGS = {
    "jurisdiction": "jurisdiction in Chinese, as the plan writes it (default: from the title or notice)",
    "jurisdiction-en": "jurisdiction in pinyin (default: from the Chinese name)",
    "parent-jurisdiction": "prefecture above a county-level jurisdiction (default: from the gazetteer; chooses among places of one name)",
    "parent-jurisdiction-en": "parent in pinyin",
    "level": "national, provincial, prefectural or county (default: from the gazetteer)",
    "jurisdiction-type": "kind of jurisdiction, one of the schema's (default: from the gazetteer or the name's ending)",
    "province": "province in Chinese (default: from the gazetteer; needed for places it does not list)",
    "province-en": "province in English (default: pinyin)",
    "source": "where the file came from (URL or description)",
}


def _run_build(args: argparse.Namespace) -> None:
    report = build_dataset(force=args.force, log=print)
    if not report.rebuilt:
        print(f"data/processed is current (fingerprint {report.fingerprint[:12]}); use --force to rebuild")


def _run_add(args: argparse.Namespace) -> None:
    names = [flag.replace("-", "_") for flag in ADD_FLAGS] + ["year"]
    given = {name: getattr(args, name) for name in names if getattr(args, name)}
    for path in args.files:
        add_plan(path, given, replace=args.replace, strict=args.strict)


def _run_list(args: argparse.Namespace) -> None:
    print(list_plans().to_string(index=False))


def _run_remove(args: argparse.Namespace) -> None:
    remove_plan(args.plan_id)


def _run_report(args: argparse.Namespace) -> None:
    from zwgk.figures.notebooks import run_notebooks

    build_dataset(log=print)
    for path in run_notebooks({"lang": args.lang}):
        print(f"executed {path}")


def _run_evaluate(args: argparse.Namespace) -> None:
    from zwgk.analyses.evaluation import run_evaluation

    for line in run_evaluation():
        print(line)


def _run_docs(args: argparse.Namespace) -> None:
    write_data_readme()


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "add": _run_add, "list": _run_list, "remove": _run_remove, "build": _run_build,
    "report": _run_report, "evaluate": _run_evaluate, "docs": _run_docs,
}  # fmt: skip


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(prog="zwgk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add newly released plan files (.txt, .docx, .html, .pdf) and rebuild")
    add.add_argument("files", nargs="+", type=Path)
    for flag, help_text in ADD_FLAGS.items():
        add.add_argument(f"--{flag}", help=help_text)
    add.add_argument("--year", type=int, help="year the plan is for (default: from its title)")
    add.add_argument("--replace", action="store_true", help="replace the plan of the same jurisdiction and year")
    add.add_argument("--strict", action="store_true", help="refuse a plan the self-check after parsing finds anything wrong with")
    commands.add_parser("list", help="list the plans in the dataset")
    commands.add_parser("remove", help="remove a plan (its file and manifest row) and rebuild").add_argument("plan_id")
    build = commands.add_parser("build", help="build data/processed from data/raw (skipped when current)")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    report = commands.add_parser("report", help="execute every notebook headless and refresh figures/ and its gallery")
    report.add_argument("--lang", choices=["zh", "en", "both"], default="both", help="label language of the charts")
    commands.add_parser("evaluate", help="print the evaluation figures (themes, segmentation, clustering, stability)")
    commands.add_parser("docs", help="regenerate the field dictionary in data/README.md")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = make_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except ZwgkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
