"""The one place that creates executors for independent solves (docs/performance.md).

Local worker processes by default (spawned, so each has its own HiGHS), the calling process alone
for one worker, or a Dask cluster with ``--scheduler ADDRESS``: ``distributed`` implements the
``concurrent.futures`` interface, so every parallel verb has one code path for all three. Every
executor made here says how many jobs it runs at once (:func:`executor_slots`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Callable

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
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: an address dask cannot parse
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


@dataclass
class Job:
    """One independent solve for :class:`JobQueue`. ``fn(*args)`` runs it on a worker (it must be
    picklable); ``here()``, if given, runs it in this process instead (on a model this process
    already holds). ``weight``: how long it is expected to take, in any unit shared by the jobs
    of one queue; the heaviest waiting job is handed out first. ``tag``: the caller's.
    ``ready(job, finished)``, if given, is called as the job is handed out, with every
    ``(job, result)`` finished so far (in the order they came in, reported or not): it may set
    ``args`` and ``here`` from them (a frontier point starts from a neighbour solved meanwhile),
    or call :meth:`settle` with the job's result when those results make its solve unnecessary
    (a frontier point whose answer a looser point's optimal plan already is)."""
    fn: Callable | None
    args: tuple = ()
    weight: float = 0.0
    here: Callable[[], Any] | None = None
    tag: Any = None
    order: int = field(default=0, compare=False)
    ready: Callable[["Job", list], None] | None = None
    settled: Future | None = field(default=None, compare=False)  # done, once settled

    def settle(self, result: Any) -> None:
        """The job's result is known without running it: the queue reports it and runs nothing."""
        self.settled = Future()
        self.settled.set_result(result)


class JobQueue:
    """The one job runner of every verb that solves more than once (docs/performance.md): jobs are handed
    out one at a time as workers free up, the longest expected first, not split in advance.

    ``executor`` (from :func:`executor_for`, or None: every job here) runs as many jobs at once as
    it has slots; with ``this_process_solves`` this process takes a job whenever it is free too.
    This process's job runs on a thread of its own (HiGHS releases the GIL while it solves), so
    that a worker that frees up meanwhile gets the next job at once. ``on_result(job, result)`` is
    called on the calling thread, never while this process's own job runs (a solve's output capture
    would swallow what it prints): results that come in meanwhile wait for it, in order. It may
    :meth:`add` jobs that waited for a result. After Ctrl-C, jobs not yet handed out go to
    ``on_skip(job)`` if given (else they run, and their solves return ``interrupted`` at once)."""

    def __init__(self, executor=None, this_process_solves: bool = False, on_skip=None):
        self.executor = executor
        self.here = this_process_solves or executor is None
        self.on_skip = on_skip
        self._waiting: list[Job] = []
        self._order = count()
        self._finished: list[tuple[Job, Any]] = []  # every (job, result) come in, for Job.ready
        self._settled: list[tuple[Job, Future]] = []  # settled as handed out, not yet reported

    def add(self, job: Job) -> None:
        job.order = next(self._order)
        self._waiting.append(job)

    def __len__(self) -> int:
        return len(self._waiting)

    def _take(self, here: bool) -> Job | None:
        while True:
            able = [j for j in self._waiting if (j.here is not None if here else j.fn is not None)]
            if not able:
                return None
            job = max(able, key=lambda j: (j.weight, -j.order))
            self._waiting.remove(job)
            if job.ready is not None:
                job.ready(job, list(self._finished))
                if job.settled is not None:
                    self._finished.append((job, job.settled.result()))
                    self._settled.append((job, job.settled))
                    continue
            return job

    def _came_in(self, job: Job, fut) -> None:
        if not fut.cancelled() and fut.exception() is None:
            self._finished.append((job, fut.result()))

    def run(self, on_result: Callable[[Job, Any], None]) -> None:
        from . import interrupt
        slots = 0 if self.executor is None else executor_slots(self.executor)
        remote: dict = {}
        local: dict = {}  # this process's job: at most one, on the thread
        arrived: list = []  # results of the pool that came in while this process's job ran
        thread = ThreadPoolExecutor(1, thread_name_prefix="job") if self.here and slots else None

        def report(pairs) -> None:
            for job, fut in sorted(pairs, key=lambda p: p[0].order):
                on_result(job, fut.result())
        try:
            while self._waiting or remote or local:
                if self.on_skip is not None and interrupt.requested():
                    while self._waiting:
                        self.on_skip(self._waiting.pop(0))
                while len(remote) < slots:
                    job = self._take(here=False)
                    if job is None:
                        break
                    remote[self.executor.submit(job.fn, *job.args)] = job
                if self.here and not local:
                    job = self._take(here=True)
                    if thread is None:  # no pool: here, now (a settled job's result first)
                        report(self._settled)
                        self._settled.clear()
                        if job is not None:
                            result = job.here()
                            self._finished.append((job, result))
                            on_result(job, result)
                            continue
                    elif job is not None:
                        local[thread.submit(job.here)] = job
                arrived.extend(self._settled)
                self._settled.clear()
                if not remote and not local:
                    if self._waiting:
                        raise RuntimeError("a job that neither this process nor the executor can run")
                    report(arrived)
                    arrived.clear()
                    break
                finished, _ = wait(list(remote) + list(local), return_when=FIRST_COMPLETED)
                for f in finished:
                    self._came_in(remote.get(f) or local.get(f), f)
                arrived.extend((remote.pop(f), f) for f in finished if f in remote)
                mine = [(local.pop(f), f) for f in finished if f in local]
                if not local:  # this process is between jobs: everything that came in is reported
                    report(mine)
                    report(arrived)
                    arrived.clear()
        except BaseException:
            for fut in list(remote) + list(local):
                fut.cancel()
            raise
        finally:
            if thread is not None:
                thread.shutdown(wait=not interrupt.requested(), cancel_futures=True)


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
