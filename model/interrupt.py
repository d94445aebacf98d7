"""Ctrl-C (docs/cli.md): the first SIGINT asks the run to stop, the second stops it at once.

The first Ctrl-C sets a flag, cancels every HiGHS solve running in this process (HiGHS checks its
interrupt callbacks often, so a solve returns within about a second with status ``interrupted``)
and passes the signal on to the worker processes this process started. Solves that have not begun
return ``interrupted`` without running; the verb then writes the points finished so far, marks the
rest ``interrupted`` and exits 130. A second Ctrl-C kills the worker processes and raises
KeyboardInterrupt at once (every file is written to a temporary name and renamed, so nothing
half-written stays behind).
"""

from __future__ import annotations

import os
import signal
import threading

_requested = threading.Event()
_solving: set = set()  # highspy models solving now in this process
_children: list = []  # callables giving the pids of worker processes to pass the signal on to
_lock = threading.Lock()


def requested() -> bool:
    return _requested.is_set()


def request() -> None:
    """Ask the run to stop (what the first Ctrl-C does)."""
    _requested.set()
    with _lock:
        models = list(_solving)
        pid_sources = list(_children)
    for h in models:
        try:
            h.cancelSolve()
        except Exception:  # pragma: no cover - an older highspy: the solve runs to its limit
            pass
    for pids in pid_sources:
        for pid in pids():
            try:
                os.kill(pid, signal.SIGINT)
            except (OSError, ProcessLookupError):
                pass


def _kill_children() -> None:
    """The second Ctrl-C: the worker processes are stopped for good (SIGKILL), so that shutting
    the run down waits for none of them."""
    with _lock:
        pid_sources = list(_children)
    for pids in pid_sources:
        for pid in pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def _on_sigint(signum, frame) -> None:
    if _requested.is_set():
        _kill_children()
        raise KeyboardInterrupt
    request()


def _on_sigint_in_worker(signum, frame) -> None:
    request()  # a worker may get Ctrl-C twice (from the terminal and passed on): it only stops its solves


def install() -> None:
    """Take over SIGINT in the main process. Only the main thread can."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_sigint)


def install_in_worker() -> None:
    """A worker process's SIGINT: stop its solves, never raise (the main process decides)."""
    signal.signal(signal.SIGINT, _on_sigint_in_worker)


def reset() -> None:
    """Forget an earlier request (a new run in the same process, e.g. a test)."""
    _requested.clear()


class Solving:
    """Context of one HiGHS run: cancellable while it lasts."""

    def __init__(self, highs_model):
        self.h = highs_model

    def __enter__(self):
        with _lock:
            _solving.add(self.h)
        if _requested.is_set():  # asked to stop between the check and the start
            self.h.cancelSolve()
        return self

    def __exit__(self, *exc):
        with _lock:
            _solving.discard(self.h)
        return False


def watch_children(pids) -> None:
    """Pass a first Ctrl-C on to the processes ``pids()`` names (a worker pool's)."""
    with _lock:
        _children.append(pids)


def unwatch_children(pids) -> None:
    with _lock:
        if pids in _children:
            _children.remove(pids)

