"""Every failure of the command line ends in one line naming the user's file, never a traceback."""

from __future__ import annotations

import dataclasses
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import zwgk
from zwgk.commands import adding
from zwgk.commands.cli import main
from zwgk.errors import PlanParseError
from zwgk.paths import REPO_DIR
from zwgk.settings import get_input_limits

PLAN = """测试甲市2020年政务公开工作要点
一、推进决策公开
（一）深化预公开。进一步推进重大决策预公开，广泛听取公众意见。
（二）做好解读。每季度开展一次政策解读活动。
二、加强平台建设
（一）办好政府网站。加强内容建设，提升服务水平。
"""
NEXT = PLAN.replace("2020", "2021").replace("每季度", "每月")
COUNTY = ["--level", "county", "--parent-jurisdiction", "样例市", "--province", "江苏省"]


@pytest.fixture
def data_dir(new_data_dir, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = new_data_dir({"base.txt": PLAN.encode()})
    zwgk.build_dataset(folder)
    monkeypatch.setenv("ZWGK_DATA_DIR", str(folder))
    return folder


def _one_error_line(capsys: pytest.CaptureFixture) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def test_a_missing_file_a_folder_and_an_unreadable_file_each_end_in_one_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-plan.txt"
    assert main(["add", str(missing)]) == 1
    assert _one_error_line(capsys) == f"error: {missing}: No such file or directory; check the path (it does not exist)"
    assert main(["add", str(tmp_path)]) == 1
    assert _one_error_line(capsys) == f"error: {tmp_path}: Is a directory; pass a plan file, not a folder"
    unreadable = tmp_path / "locked.txt"
    unreadable.write_text(PLAN, encoding="utf-8")
    real_read = Path.read_bytes

    def deny(path: Path) -> bytes:  # tests run as root, which chmod cannot lock out
        if path == unreadable:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", deny)
    assert main(["add", str(unreadable)]) == 1
    line = _one_error_line(capsys)
    assert line.startswith(f"error: {unreadable}: Permission denied; check its permissions")


@pytest.mark.parametrize(
    ("code", "advice"),
    [(errno.ENOSPC, "the disk is full: free some space and rerun the command"), (errno.EROFS, "make the data folder writable")],
)
def test_a_full_disk_or_a_read_only_raw_folder_ends_in_one_line_and_changes_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, code: int, advice: str
) -> None:
    plan = tmp_path / "2021.txt"
    plan.write_text(NEXT, encoding="utf-8")
    manifest = (data_dir / "raw" / "plans.csv").read_bytes()

    def fail(target: Path, data: bytes) -> None:
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(adding, "write_file_atomic", fail)  # every raw and manifest write goes through it
    assert main(["add", str(plan), *COUNTY]) == 1
    line = _one_error_line(capsys)
    assert str(data_dir / "raw") in line and line.endswith(advice)
    assert (data_dir / "raw" / "plans.csv").read_bytes() == manifest
    assert sorted(p.name for p in (data_dir / "raw").iterdir()) == ["base.txt", "plans.csv"]


def test_remove_after_the_raw_file_was_deleted_by_hand(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    plan = tmp_path / "2021.txt"
    plan.write_text(NEXT, encoding="utf-8")
    assert main(["add", str(plan), *COUNTY]) == 0
    plan_id = "jiangsu-yangli-ceshijia-2021"
    (data_dir / "raw" / f"{plan_id}.txt").unlink()
    capsys.readouterr()
    assert main(["remove", plan_id]) == 0
    out = capsys.readouterr().out
    assert "was already deleted" in out and f"removed {plan_id}" in out
    assert list(zwgk.load_plans(data_dir)["plan_id"]) == ["jiangsu-yangli-ceshi0-2020"]


def test_an_error_found_during_the_build_names_the_users_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "2021.txt"
    plan.write_text(NEXT, encoding="utf-8")

    def refuse(entry, source) -> None:
        raise PlanParseError(source.decoded.path, "refused by the build", 1)

    monkeypatch.setattr("zwgk.processed.build.check_title_against_manifest", refuse)
    assert main(["add", str(plan), *COUNTY]) == 1
    assert _one_error_line(capsys) == f"error: {plan}, line 1: refused by the build"


def test_an_unexpected_error_is_one_line_unless_the_traceback_is_asked_for(
    data_dir: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data_dir=None):
        raise RuntimeError("boom")

    monkeypatch.setattr("zwgk.commands.cli.list_plans", broken)
    assert main(["list"]) == 1
    assert _one_error_line(capsys).startswith("error: unexpected RuntimeError: boom; this is a bug in zwgk")
    monkeypatch.setenv("ZWGK_TRACEBACK", "1")
    with pytest.raises(RuntimeError):
        main(["list"])


def test_the_installed_command_prints_one_line_and_exits_1(data_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ZWGK_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO_DIR / "lib")}
    env.pop("ZWGK_TRACEBACK", None)
    done = subprocess.run(
        [sys.executable, "-m", "zwgk", "add", str(tmp_path)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 1
    assert done.stderr == f"error: {tmp_path}: Is a directory; pass a plan file, not a folder\n"


def test_the_comparison_with_the_previous_plan_is_skipped_past_its_limit(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "2021.txt"
    plan.write_text(NEXT, encoding="utf-8")
    small = dataclasses.replace(get_input_limits(), compare_max_measures=2)
    monkeypatch.setattr(adding, "get_input_limits", lambda: small)
    assert main(["add", str(plan), *COUNTY]) == 0
    out = capsys.readouterr().out
    assert "compared with jiangsu-yangli-ceshi0-2020: skipped (3 and 3 measures; at most 2 measures a plan, config/limits.yaml)" in out


def test_a_plan_with_every_line_duplicated_is_warned_about_and_refused_with_strict(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    plan = tmp_path / "2021.txt"
    plan.write_text("".join(f"{line}\n{line}\n" for line in NEXT.splitlines()), encoding="utf-8")
    assert main(["add", str(plan), *COUNTY, "--strict"]) == 1
    captured = capsys.readouterr()
    assert "duplicated_lines, line 2: 6 lines repeat the line before them" in captured.out
    assert captured.err.startswith(f"error: {plan}: --strict: the self-check found")
    assert main(["add", str(plan), *COUNTY]) == 0
    assert "SELF-CHECK" in capsys.readouterr().out
