"""Spreading work over the machine's cores, in order, with a serial fallback.

jieba tokenization and plan parsing are pure Python (one core each); sparse products in
SciPy release the GIL. Results always come back in input order, so nothing downstream
depends on how many cores there were.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def count_workers() -> int:
    """Return the number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_processes(function: Callable[[T], R], items: Sequence[T], parallel: bool = True) -> list[R]:
    """``map`` over forked worker processes (or in this process when ``parallel`` is false).

    Workers are forked rather than spawned: they start at once with what the parent has
    loaded (jieba's dictionary), and a researcher's script needs no ``if __name__ ==
    "__main__"`` guard (spawned workers re-run it). Where fork is unavailable, or there is
    one core, the work is done here.
    """
    workers = count_workers()
    if not parallel or workers < 2 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(function, items, chunksize=max(1, len(items) // (workers * 8))))


def iterate_processes(function: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """Like `map_processes`, but yield each result in input order as soon as it is ready.

    The caller can write out what is done while later items are still being worked on, so
    it never needs every result in memory at once (the build writes a province at a time).
    Leaving the loop early cancels the items not yet started.
    """
    workers = count_workers()
    if workers < 2 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (function(item) for item in items)
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(function, items, chunksize=max(1, min(8, len(items) // (workers * 8))))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def map_threads(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``map`` over threads, for work that releases the GIL; results in input order."""
    if len(items) < 2:
        return [function(item) for item in items]
    with ThreadPoolExecutor(min(count_workers(), len(items))) as pool:
        return list(pool.map(function, items))
