"""One transaction for every command that changes the data folder (add, remove, build).

A kill or a full disk at any moment must leave the previous dataset or the new one, and
two commands started together must not lose each other's changes. So:

- one exclusive lock (``data/.zwgk.lock``, ``fcntl.flock``) is held from the manifest read
  to the processed write; it is re-entrant within a process, so the build an add runs
  does not wait for the add's own lock, while commands in other processes queue;
- files are never overwritten in place: each is written to a temporary file in the same
  folder, fsynced and renamed over the old one, and the folder is fsynced;
- before the first change a journal (``data/.zwgk-journal.json``, itself written that way)
  lists every raw file the change touches with a backup (a hard link to the old file,
  which a rename never alters) or none if the file is new. Deleting the journal is the
  commit point. Whoever takes the lock next and finds a journal puts the backups back
  and says so;
- leftovers of killed builds (``.processed-new-*``, ``.processed-old-*``, ``cache/plans/*.tmp``,
  temporary files in ``data/raw``) are cleaned when the lock is taken.

Fault injection (for the test suite): ``ZWGK_FAULT_STEP=N`` stops the process at its N-th
marked step (each write, rename and delete), by ``os._exit`` when ``ZWGK_FAULT=kill`` (the
default) or by raising ``OSError(ENOSPC)`` when ``ZWGK_FAULT=enospc``; ``ZWGK_FAULT=pause``
sleeps ``ZWGK_FAULT_SECONDS`` there instead (to start a concurrent command meanwhile).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from zwgk.errors import ZwgkError
from zwgk.paths import get_processed_dir, get_raw_dir

LOCK_FILE = ".zwgk.lock"
JOURNAL_FILE = ".zwgk-journal.json"
BACKUP_DIR = ".zwgk-backup"
STAGING_PREFIX, RETIRED_PREFIX = ".processed-new-", ".processed-old-"
FAULT_EXIT_STATUS = 75  # what a process stopped by ZWGK_FAULT=kill exits with

_HELD: dict[Path, list] = {}  # data folder -> [open lock file, depth]: the locks this process holds
_STEPS = [0]


class TransactionError(ZwgkError):
    """A journal left by an interrupted command cannot be read; the message says what to do."""


def mark_step(what: str) -> None:
    """Count one step of a change and stop here if ``ZWGK_FAULT_STEP`` says so (see the module docstring)."""
    wanted = os.environ.get("ZWGK_FAULT_STEP")
    if not wanted:
        return
    _STEPS[0] += 1
    if _STEPS[0] != int(wanted):
        return
    mode = os.environ.get("ZWGK_FAULT", "kill")
    if mode == "pause":
        time.sleep(float(os.environ.get("ZWGK_FAULT_SECONDS", "1")))
    elif mode == "enospc":
        raise OSError(errno.ENOSPC, f"No space left on device (injected at step {wanted}: {what})")
    else:
        os._exit(FAULT_EXIT_STATUS)


def sync_folder(folder: Path) -> None:
    """Make renames and deletions in ``folder`` durable (a rename is only safe once its folder is synced)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_file_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that a reader (or a crash) sees the old file or the new one, never a part."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        mark_step(f"write {staging.name}")
        with open(staging, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mark_step(f"rename {staging.name} to {path.name}")
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def remove_file(path: Path) -> None:
    """Delete ``path`` (a marked step) and make the deletion durable."""
    mark_step(f"delete {path.name}")
    path.unlink(missing_ok=True)
    sync_folder(path.parent)


def _report(log: Callable[[str], None] | None) -> Callable[[str], None]:
    return log or (lambda message: print(message, file=sys.stderr))


def _restore_retired(data_dir: Path, log: Callable[[str], None]) -> None:
    """A build killed between its two renames leaves no ``processed`` but the previous one retired: put it back."""
    processed = get_processed_dir(data_dir)
    retired = sorted(data_dir.glob(f"{RETIRED_PREFIX}*"), key=lambda p: p.stat().st_mtime_ns)
    if not processed.exists() and retired:
        os.replace(retired[-1], processed)
        sync_folder(data_dir)
        log(f"recovered from an interrupted build: restored the previous {processed}")


def clean_leftovers(data_dir: Path, log: Callable[[str], None] | None = None) -> None:
    """Remove what killed commands leave behind: staging and retired tables, temporary cache and raw files."""
    _restore_retired(data_dir, _report(log))
    raw_dir = get_raw_dir(data_dir)
    folders = [*data_dir.glob(f"{STAGING_PREFIX}*"), *data_dir.glob(f"{RETIRED_PREFIX}*")]
    files = [*(data_dir / "cache" / "plans").glob("*.tmp"), *raw_dir.glob(".*.tmp"), *data_dir.glob(".*.tmp")]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    for file in files:
        file.unlink(missing_ok=True)
    if JOURNAL_FILE not in {p.name for p in data_dir.iterdir()}:
        shutil.rmtree(data_dir / BACKUP_DIR, ignore_errors=True)  # backups of a committed change


def _read_journal(path: Path) -> dict:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(journal.get("files"), dict):
            raise ValueError("no files")
        return journal
    except (ValueError, AttributeError) as error:
        raise TransactionError(
            f"{path}: the journal of an interrupted command cannot be read ({error}); the backups of the files it changed "
            f"are in {path.parent / BACKUP_DIR}: put them back by hand, then delete the journal"
        ) from None


def _put_back(data_dir: Path, journal: dict) -> None:
    """Restore every file the journal lists; safe to repeat if this too is interrupted."""
    for name, backup in sorted(journal["files"].items()):
        target = data_dir / name
        if backup is None:
            target.unlink(missing_ok=True)
        elif (data_dir / backup).exists():
            os.replace(data_dir / backup, target)
    for folder in {(data_dir / name).parent for name in journal["files"]}:
        sync_folder(folder)


def recover_unfinished(data_dir: Path, log: Callable[[str], None] | None = None) -> bool:
    """Roll back the change an interrupted command left (its journal says what), then clean leftovers.

    Call with the lock held. Returns whether there was anything to roll back.
    """
    journal_path = data_dir / JOURNAL_FILE
    found = journal_path.is_file()
    if found:
        journal = _read_journal(journal_path)
        _put_back(data_dir, journal)
        journal_path.unlink()
        sync_folder(data_dir)
        _report(log)(
            f"recovered from an interrupted {journal.get('command', 'command')} of {journal.get('subject', '?')}: "
            "restored the previous manifest and raw files"
        )
    clean_leftovers(data_dir, log)
    return found


def needs_recovery(data_dir: Path) -> bool:
    """Whether an interrupted command left a journal or leftovers (the next command under the lock handles them).

    Cheap (a few folder listings), so every ``load_*`` can check it.
    """
    if not data_dir.is_dir():
        return False
    names = [p.name for p in data_dir.iterdir()]
    left = [n for n in names if n in (JOURNAL_FILE, BACKUP_DIR) or n.startswith((STAGING_PREFIX, RETIRED_PREFIX)) or n.endswith(".tmp")]
    if left:
        return True
    raw_dir = get_raw_dir(data_dir)
    return any(raw_dir.glob(".*.tmp")) or any((data_dir / "cache" / "plans").glob("*.tmp"))


@contextlib.contextmanager
def hold_data_lock(data_dir: Path, log: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the data folder's lock (commands in other processes queue); recover an interrupted command first.

    Re-entrant within a process: the build that an add runs under its lock does not wait for it.
    """
    key = data_dir.resolve()
    if key in _HELD:
        _HELD[key][1] += 1
        try:
            yield
        finally:
            _HELD[key][1] -= 1
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _HELD[key] = [handle, 1]
        try:
            recover_unfinished(data_dir, log)
            yield
        finally:
            del _HELD[key]
            fcntl.flock(handle, fcntl.LOCK_UN)


def _back_up(data_dir: Path, paths: list[Path]) -> dict[str, str | None]:
    """Hard-link (or copy) every existing file to the backup folder; map each to its backup (None: did not exist)."""
    backups = data_dir / BACKUP_DIR
    shutil.rmtree(backups, ignore_errors=True)
    backups.mkdir()
    files: dict[str, str | None] = {}
    for index, path in enumerate(paths):
        name = path.relative_to(data_dir).as_posix()
        if not path.exists():
            files[name] = None
            continue
        backup = backups / f"{index}-{path.name}"
        mark_step(f"back up {path.name}")
        try:
            os.link(path, backup)
        except OSError:
            shutil.copy2(path, backup)
        files[name] = backup.relative_to(data_dir).as_posix()
    sync_folder(backups)
    return files


@contextlib.contextmanager
def change_raw_files(
    data_dir: Path, command: str, subject: str, paths: list[Path], log: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Change ``paths`` (raw files and the manifest) and everything run inside, all or nothing.

    Call with `hold_data_lock` held. On any error the files are put back before it propagates;
    if the process dies instead, the journal lets the next command put them back.
    """
    if data_dir.resolve() not in _HELD:
        raise RuntimeError("change_raw_files needs hold_data_lock")
    journal_path = data_dir / JOURNAL_FILE
    files = _back_up(data_dir, paths)
    journal = {"command": command, "subject": subject, "pid": os.getpid(), "files": files}
    write_file_atomic(journal_path, (json.dumps(journal, ensure_ascii=False, indent=2) + "\n").encode())
    try:
        yield
        mark_step("commit")
        journal_path.unlink()  # the commit point
        sync_folder(data_dir)
    except BaseException:
        _put_back(data_dir, journal)
        journal_path.unlink(missing_ok=True)
        sync_folder(data_dir)
        raise
    finally:
        if not journal_path.exists():
            shutil.rmtree(data_dir / BACKUP_DIR, ignore_errors=True)
