"""The ``zwgk`` command line: add, list, remove, build, cluster, report, evaluate, docs."""

from __future__ import annotations

import argparse
import errno
import os
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
    _update_persisted_clusters()


def _run_list(args: argparse.Namespace) -> None:
    print(list_plans().to_string(index=False))


def _run_remove(args: argparse.Namespace) -> None:
    remove_plan(args.plan_id)
    _update_persisted_clusters()


def _update_persisted_clusters() -> None:
    """Once a dataset has persisted clusters (`zwgk cluster`), adding or removing a plan keeps them current."""
    from zwgk.analyses.similar.assignments import read_assignments, update_clusters

    if read_assignments() is not None:
        print(update_clusters().describe())


def _run_cluster(args: argparse.Namespace) -> None:
    from zwgk.analyses.similar.assignments import recluster, update_clusters

    print((recluster() if args.full else update_clusters()).describe())


def _run_report(args: argparse.Namespace) -> None:
    from zwgk.figures.notebooks import check_parameters, choose_figures_dir, parse_parameter, run_notebooks, select_notebooks

    notebooks = select_notebooks(args.notebook)
    parameters = dict(parse_parameter(text) for text in args.parameter)
    if args.lang:
        parameters["lang"] = args.lang
    given_dir = args.figures_dir or parameters.pop("figures_dir", None)
    check_parameters(parameters, notebooks)  # before the build: a typo fails at once
    figures_dir = Path(given_dir) if given_dir else choose_figures_dir(parameters, notebooks)
    build_dataset(log=print)
    for path in run_notebooks(parameters, notebooks=notebooks, figures_dir=figures_dir):
        print(f"executed {path}")
    print(f"figures and their gallery: {figures_dir / 'index.html'}")


def _run_evaluate(args: argparse.Namespace) -> None:
    from zwgk.analyses.evaluation import run_evaluation

    for line in run_evaluation():
        print(line)


def _run_glossary(args: argparse.Namespace) -> None:
    from zwgk.analyses.glossary import find_dataset_missing_terms, load_glossary

    missing = find_dataset_missing_terms()
    print(f"{len(missing)} Chinese terms of the data are not in {load_glossary().path} (English charts write them in pinyin):")
    for row in missing.head(args.top).itertuples(index=False):
        print(f"{row.term}\t{row.count}\t{row.pinyin}")


def _run_docs(args: argparse.Namespace) -> None:
    write_data_readme()


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "add": _run_add, "list": _run_list, "remove": _run_remove, "build": _run_build, "cluster": _run_cluster,
    "report": _run_report, "evaluate": _run_evaluate, "docs": _run_docs, "glossary": _run_glossary,
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
    cluster = commands.add_parser("cluster", help="update the persisted common-task clusters in data/clusters (new plans only)")
    cluster.add_argument("--full", action="store_true", help="recluster every measure from scratch (cluster ids may change)")
    report = commands.add_parser("report", help="execute the notebooks headless and refresh a figures folder and its gallery")
    report.add_argument("--lang", choices=["zh", "en", "both"], help="label language of the charts (same as -p lang=…)")
    report.add_argument(
        "-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
        help="a notebook parameter (repeatable), e.g. -p focal_plan_id=jiangsu-changzhou-2021; values read as YAML scalars",
    )  # fmt: skip
    report.add_argument("--notebook", action="append", metavar="NN", help="run only this notebook (repeatable): 04 or 04_jurisdiction_gaps")
    report.add_argument(
        "--figures-dir", type=Path,
        help="export here (default: figures/ at the notebooks' defaults, else figures/runs/<the parameters that differ>)",
    )  # fmt: skip
    commands.add_parser("evaluate", help="print the evaluation figures (themes, segmentation, clustering, stability)")
    commands.add_parser("docs", help="regenerate the field dictionary in data/README.md")
    glossary = commands.add_parser(
        "glossary", help="list the data's Chinese terms the glossary lacks (English charts write them in pinyin)"
    )
    glossary.add_argument("--top", type=int, default=50, help="how many terms to list, most frequent first")
    return parser


# What to do about an OSError, by errno: the message a user reads instead of a traceback.
_OS_ADVICE = {
    errno.ENOENT: "check the path (it does not exist)",
    errno.EISDIR: "pass a plan file, not a folder",
    errno.ENOTDIR: "check the path (a part of it is a file, not a folder)",
    errno.EACCES: "check its permissions (zwgk may not read or write it)",
    errno.EPERM: "check its permissions (zwgk may not read or write it)",
    errno.EROFS: "it is on a read-only file system: make the data folder writable",
    errno.ENOSPC: "the disk is full: free some space and rerun the command",
    errno.EDQUOT: "the disk quota is used up: free some space and rerun the command",
}
TRACEBACK_VARIABLE = "ZWGK_TRACEBACK"  # set to 1 to see the traceback of an unexpected error


def format_os_error(error: OSError) -> str:
    """Return one line naming the file an OSError is about, what happened and what to do.

    Users of the command line see this line, never a traceback, for every failure of the
    file system (missing, folder, unreadable, read-only, disk full).
    """
    names = [str(name) for name in (error.filename, error.filename2) if name is not None]
    where = " -> ".join(names) if names else "a file"
    what = error.strerror or str(error) or type(error).__name__
    advice = _OS_ADVICE.get(error.errno or 0, "check the file and the folder it is in, then rerun the command")
    return f"error: {where}: {what}; {advice}"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Every expected failure (a zwgk error, a file system error) ends in one ``error:`` line on
    stderr and exit status 1; an unexpected one too, with the traceback only on request.
    """
    args = make_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except ZwgkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(format_os_error(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; rerun the command (the dataset is left as it was before it)", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get(TRACEBACK_VARIABLE):
            raise
        print(
            f"error: unexpected {type(error).__name__}: {error}; this is a bug in zwgk: rerun with {TRACEBACK_VARIABLE}=1 "
            "and report the traceback with the file",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
