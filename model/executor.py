"""The one place that creates executors for independent solves (DESIGN.md §6).

Local worker processes by default (spawned, so each has its own HiGHS), the calling process alone
for one worker, or a Dask cluster with ``--scheduler ADDRESS``: ``distributed`` implements the
``concurrent.futures`` interface, so every parallel verb has one code path for all three.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager

from . import interrupt
from .case.issues import CaseError


class InlineExecutor(Executor):
    """Runs jobs in this process, at submit (one worker, or cases too small to pay for a process)."""

    def submit(self, fn, *args, **kwargs):
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            fut.set_exception(exc)
        return fut


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


@contextmanager
def executor_for(workers: int, scheduler: str | None = None):
    """An executor for independent jobs: a Dask client's executor with ``scheduler``, else
    ``workers`` spawned local processes, else (``workers`` <= 1) this process."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise CaseError("--scheduler needs the 'distributed' package: pip install -e '.[cluster]'") from exc
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise CaseError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc}); "
                            "expected the address a running 'dask scheduler' prints, e.g. tcp://127.0.0.1:8786")
        try:
            yield client.get_executor()
        finally:
            client.close()
    elif workers > 1:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=interrupt.install_in_worker)
        pids = lambda: list(getattr(pool, "_processes", None) or {})  # noqa: E731 - the live workers' pids
        interrupt.watch_children(pids)
        try:
            yield pool
        except BaseException:
            _abandon(pool)
            raise
        else:
            if interrupt.requested():
                _abandon(pool)
            else:
                pool.shutdown(wait=True)
        finally:
            interrupt.unwatch_children(pids)
    else:
        yield InlineExecutor()


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: queued jobs are dropped and the workers terminated (Ctrl-C, an error)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()


class WorkerCache:
    """One object per worker (a built model, say), kept between the jobs it runs.

    Keyed by a token of the run and by thread: a Dask worker may run two jobs at once on threads,
    and two jobs must never share one persistent model. A new token drops the old objects."""

    def __init__(self):
        self._items: dict[tuple[str, int], object] = {}

    def get(self, token: str, make):
        key = (token, threading.get_ident())
        item = self._items.get(key)
        if item is None:
            for k in [k for k in self._items if k[0] != token]:
                del self._items[k]
            item = self._items[key] = make()
        return item
