"""A kill or a full disk at any step of add, remove or build leaves the previous dataset or the new one.

Each command is run in a forked process with ``ZWGK_FAULT_STEP=N`` (see `zwgk.processed.transaction`)
for every step N it takes, killed there (``os._exit``) or failing with ``ENOSPC``; after each,
the dataset loads, the manifest, raw files and tables agree, and the same command run again
completes. Concurrent adds run as real ``python -m zwgk`` processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import zwgk
from tests.helpers.datadir import make_data_dir
from zwgk.commands.adding import add_plan, remove_plan
from zwgk.commands.cli import main
from zwgk.ingest.manifest import read_manifest
from zwgk.processed import transaction
from zwgk.processed.transaction import FAULT_EXIT_STATUS, JOURNAL_FILE

PYTHON = sys.executable
LIB = Path(zwgk.__file__).resolve().parent.parent
FLAGS = ["--parent-jurisdiction", "样例市", "--province", "江苏省"]


def _plan(place: str, year: int = 2020) -> str:
    return f"""{place}{year}年政务公开工作要点
一、深化重点领域公开
（一）公开财政预决算。按时公开部门预算和决算，细化到功能分类项级科目。
（二）公开重大项目。及时发布项目审批和实施信息。
二、完善制度机制
（一）规范依申请公开。严格按照法定时限答复申请人。
"""


def _hash_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _start_forked(args: list[str], data_dir: Path, env: dict[str, str]) -> int:
    """Start the command line in a child process (forked: no second start-up of Python); return its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.environ.update({"ZWGK_DATA_DIR": str(data_dir), **env})
            transaction._STEPS[0] = 0
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                code = main(args)
        except BaseException:  # an injected ENOSPC ends as a traceback today (the error messages are another change)
            code = 1
        finally:
            os._exit(code)
    return pid


def _wait(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _run_forked(args: list[str], data_dir: Path, env: dict[str, str]) -> int:
    """Run the command line in a child process; return its exit status."""
    return _wait(_start_forked(args, data_dir, env))


def _assert_consistent(data_dir: Path) -> set[str]:
    """The dataset loads; manifest, raw files and tables agree; nothing is left over. Returns the plan ids."""
    plans = set(zwgk.load_plans(data_dir)["plan_id"])
    raw = data_dir / "raw"
    entries = read_manifest(raw / "plans.csv")
    for entry in entries:
        assert hashlib.sha256((raw / entry.file).read_bytes()).hexdigest() == entry.sha256
    assert plans == {entry.plan_id for entry in entries}
    assert sorted(p.name for p in raw.iterdir()) == sorted(["plans.csv", *(entry.file for entry in entries)])
    assert not [p.name for p in data_dir.iterdir() if p.name.startswith((".processed-", ".zwgk-backup", JOURNAL_FILE))]
    assert not list((data_dir / "cache" / "plans").glob("*.tmp"))
    return plans


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built data folder with two plans, copied for every run."""
    folder = make_data_dir(tmp_path_factory.mktemp("txn") / "data", {"jia.txt": _plan("测试甲市").encode()})
    add_plan(
        _write(folder.parent / "yi.txt", "测试乙县"),
        {"parent_jurisdiction": "样例市", "province": "江苏省"},
        data_dir=folder,
        log=lambda _: None,
    )
    return folder


def _write(path: Path, place: str) -> Path:
    path.write_text(_plan(place), encoding="utf-8")
    return path


def _copy(template: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(template, target)
    return target


def _each_step(command: list[str], template: Path, tmp_path: Path, mode: str, batch: int = min(4, os.cpu_count() or 1)):
    """Yield (step, data folder, exit status) for every step of ``command`` until it completes unharmed.

    The faulted runs of a batch of steps run side by side (each on its own copy), which keeps the suite fast.
    """
    for first in range(1, 200, batch):
        runs = []
        for step in range(first, first + batch):
            data_dir = _copy(template, tmp_path, f"{mode}-{step}")
            runs.append((step, data_dir, _start_forked(command, data_dir, {"ZWGK_FAULT_STEP": str(step), "ZWGK_FAULT": mode})))
        statuses = [(step, data_dir, _wait(pid)) for step, data_dir, pid in runs]
        for step, data_dir, status in statuses:
            yield step, data_dir, status
            if status == 0:
                return
    raise AssertionError("the command never completed")


@pytest.mark.parametrize("mode", ["kill", "enospc"])
def test_an_add_stopped_at_any_step_is_rolled_back_and_runs_again(template: Path, tmp_path: Path, mode: str) -> None:
    plan = _write(tmp_path / "bing.txt", "测试丙县")
    before = _hash_tree(template / "raw")
    steps = 0
    for step, data_dir, status in _each_step(["add", str(plan), *FLAGS], template, tmp_path, mode):
        steps = step
        if status == 0:
            assert len(_assert_consistent(data_dir)) == 3
            break
        assert status == (FAULT_EXIT_STATUS if mode == "kill" else 1), step
        assert _hash_tree(data_dir / "raw") == before or (data_dir / JOURNAL_FILE).exists(), step
        assert len(_assert_consistent(data_dir)) == 2, step  # loading recovered the previous dataset
        assert _hash_tree(data_dir / "raw") == before, step
        result = add_plan(plan, {"parent_jurisdiction": "样例市", "province": "江苏省"}, data_dir=data_dir, log=lambda _: None)
        assert result.status == "added", step
        assert len(_assert_consistent(data_dir)) == 3, step
    assert steps >= 10  # manifest read, backup, journal, raw file, manifest, cache, tables, swap, commit


@pytest.mark.parametrize("mode", ["kill", "enospc"])
def test_a_remove_stopped_at_any_step_is_rolled_back_and_runs_again(template: Path, tmp_path: Path, mode: str) -> None:
    plan_id = "jiangsu-yangli-ceshi0-2020"
    for step, data_dir, status in _each_step(["remove", plan_id], template, tmp_path, mode):
        if status == 0:
            assert plan_id not in _assert_consistent(data_dir)
            break
        assert plan_id in _assert_consistent(data_dir), step
        remove_plan(plan_id, data_dir=data_dir, log=lambda _: None)
        assert plan_id not in _assert_consistent(data_dir), step


@pytest.mark.parametrize("mode", ["kill", "enospc"])
def test_a_build_stopped_at_any_step_leaves_a_dataset_that_loads(template: Path, tmp_path: Path, mode: str) -> None:
    for step, data_dir, status in _each_step(["build", "--force"], template, tmp_path, mode):
        assert len(_assert_consistent(data_dir)) == 2, step
        if status:
            assert main_in(data_dir, ["build", "--force"]) == 0, step


def main_in(data_dir: Path, args: list[str]) -> int:
    """Run the command line without faults on ``data_dir``."""
    return _run_forked(args, data_dir, {})


def test_the_next_command_says_what_it_recovered(template: Path, tmp_path: Path) -> None:
    plan = _write(tmp_path / "bing.txt", "测试丙县")
    data_dir = _copy(template, tmp_path, "data")
    before = _hash_tree(data_dir / "raw")
    assert _run_forked(["add", str(plan), *FLAGS], data_dir, {"ZWGK_FAULT_STEP": "7"}) == FAULT_EXIT_STATUS
    assert (data_dir / JOURNAL_FILE).exists() and _hash_tree(data_dir / "raw") != before  # the kill fell mid-change
    messages: list[str] = []
    zwgk.build_dataset(data_dir, log=messages.append)
    assert messages[0].startswith("recovered from an interrupted add of bing.txt as ")
    assert messages[0].endswith(": restored the previous manifest and raw files")
    assert _hash_tree(data_dir / "raw") == before


def _start_add(plan: Path, data_dir: Path, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(LIB), "ZWGK_DATA_DIR": str(data_dir), **env}
    command = [PYTHON, "-m", "zwgk", "add", str(plan), *FLAGS]
    return subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_concurrent_adds_in_separate_processes_both_land(template: Path, tmp_path: Path) -> None:
    data_dir = _copy(template, tmp_path, "data")
    places = ["测试丙县", "测试丁县", "测试戊县"]
    plans = [_write(tmp_path / f"{index}.txt", place) for index, place in enumerate(places)]
    # The first pauses right after reading the manifest (its first step), the others start meanwhile.
    first = _start_add(plans[0], data_dir, ZWGK_FAULT_STEP="1", ZWGK_FAULT="pause", ZWGK_FAULT_SECONDS="4")
    time.sleep(2)
    others = [_start_add(plan, data_dir) for plan in plans[1:]]
    for process in [first, *others]:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "added " in out
    assert len(_assert_consistent(data_dir)) == 2 + len(places)


def test_a_real_kill_of_the_command_line_is_recovered_by_the_next_load(template: Path, tmp_path: Path) -> None:
    data_dir = _copy(template, tmp_path, "data")
    plan = _write(tmp_path / "bing.txt", "测试丙县")
    process = _start_add(plan, data_dir, ZWGK_FAULT_STEP="9")
    process.communicate(timeout=120)
    assert process.returncode == FAULT_EXIT_STATUS
    assert len(_assert_consistent(data_dir)) == 2
    rerun = _start_add(plan, data_dir)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0 and "added " in out, err
    assert len(_assert_consistent(data_dir)) == 3


def test_replace_says_replaced_and_names_are_stripped(template: Path, tmp_path: Path) -> None:
    data_dir = _copy(template, tmp_path, "data")
    revised = tmp_path / "revised.txt"
    revised.write_text(_plan("测试乙县").replace("细化到功能分类项级科目", "细化到经济分类款级科目"), encoding="utf-8")
    given = {"parent_jurisdiction": "样例市 ", "province": " 江苏省"}
    result = add_plan(revised, given, replace=True, data_dir=data_dir, log=lambda _: None)
    assert result.status == "replaced" and result.lines[0].startswith("replaced ")
    manifest = (data_dir / "raw" / "plans.csv").read_text(encoding="utf-8")
    assert ",样例市," in manifest and " 江苏省" not in manifest and "样例市 " not in manifest
    assert len(_assert_consistent(data_dir)) == 2
