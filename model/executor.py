"""The one place that creates executors for independent solves (DESIGN.md §6).

Local worker processes by default (spawned, so each has its own HiGHS), the calling process alone
for one worker, or a Dask cluster with ``--scheduler ADDRESS``: ``distributed`` implements the
``concurrent.futures`` interface, so every parallel verb has one code path for all three. Every
executor made here says how many jobs it runs at once (:func:`executor_slots`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager

from . import interrupt
from .case.issues import CaseError


WAIT_FOR_A_WORKER_S = 10.0


class InlineExecutor(Executor):
    """Runs jobs in this process, at submit (one worker, or cases too small to pay for a process)."""

    slots = 1

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
def executor_for(workers: int, scheduler: str | None = None, in_this_process_when_one: bool = True):
    """An executor for independent jobs: a Dask client's executor with ``scheduler``, else
    ``workers`` spawned local processes, else (``workers`` <= 1) this process. A caller that keeps
    solving in this process while the pool works (the frontier) asks for a real process even for
    one worker: ``in_this_process_when_one=False``."""
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
            if not client.nthreads():
                try:
                    client.wait_for_workers(1, timeout=WAIT_FOR_A_WORKER_S)
                except TimeoutError:
                    raise CaseError(f"--scheduler {scheduler}: the scheduler has no workers; start one "
                                    f"with: dask worker {scheduler}")
            ex = client.get_executor()
            ex.slots = sum(client.nthreads().values())  # one job per worker thread
            yield ex
        finally:
            client.close()
    elif workers > 1 or (workers == 1 and not in_this_process_when_one):
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=interrupt.install_in_worker)
        pids = lambda: list(getattr(pool, "_processes", None) or {})  # noqa: E731 - the live workers' pids
        pool.slots = workers
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


def executor_slots(executor) -> int:
    """How many jobs an executor from :func:`executor_for` runs at once (a cluster: its threads)."""
    return max(1, int(getattr(executor, "slots", 1)))


class WorkerCache:
    """One object per worker (a built model, say), kept between the jobs it runs.

    Keyed by a token of the run and by thread: a Dask worker may run two jobs at once on threads,
    and two jobs must never share one persistent model. A new token drops the old objects (a job
    still running on one keeps its own reference). The table is locked, since threads share it;
    ``make`` runs outside the lock, so two threads build their models at the same time."""

    def __init__(self):
        self._items: dict[tuple[str, int], object] = {}
        self._lock = threading.Lock()
        self.made = 0  # objects made so far, and jobs that asked (what a test of reuse counts)
        self.gets = 0

    def get(self, token: str, make):
        key = (token, threading.get_ident())
        with self._lock:
            self.gets += 1
            item = self._items.get(key)
            if item is not None:
                return item
            for k in [k for k in self._items if k[0] != token]:
                del self._items[k]
        item = make()
        with self._lock:
            self._items[key] = item
            self.made += 1
        return item
