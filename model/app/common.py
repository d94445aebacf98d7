"""What every verb shares: the run's options, loading and checking the case, where results go,
provenance (input hash, versions), the run's status, and writing the report.

Nothing here solves; :mod:`model.app.runs` composes these steps per verb.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import time
import zipfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from .. import __version__
from ..case.case import Case
from ..case.issues import CaseError
from ..case.schema import RISK_MEASURES
from ..executor import default_workers
from ..results.report import Report
from ..solving.staged import SolveOptions

DEFAULT_CASE_NAME = "rare_earth_magnets.xlsx"
EXIT_OK, EXIT_BAD_INPUT, EXIT_NO_SOLUTION, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def default_case_path() -> Path:
    """The embedded default case, found as package data (an editable or a regular install)."""
    return Path(str(resources.files("model.inputs").joinpath(DEFAULT_CASE_NAME)))


def outputs_dir() -> Path:
    """Where results go by default: ``outputs/`` under the working directory."""
    return Path("outputs")


class Reporter:
    """How a run talks to its user: messages (``say``) and a progress bar per stage. This one is
    silent; the CLI passes one that writes to standard error."""

    def say(self, text: str) -> None:  # noqa: D401 - a no-op by default
        pass

    def progress(self, total: int, label: str):
        """A context manager yielding ``update(done, total, point)`` (or None for no progress)."""
        return nullcontext(None)


@dataclass
class RunOptions:
    """The options every solving verb takes (docs/cli.md), as the user gave them (None = the
    case's setting or the default)."""
    case: Path | None = None
    out: Path | None = None
    points: int | None = None
    risk_measure: str | None = None
    time_limit: float | None = None
    mip_gap: float | str | None = None  # a number, "auto", or None (the case's setting)
    threads: int | None = None
    workers: int | None = None
    scheduler: str | None = None
    solver_log: Path | None = None
    plot: bool = False
    force: bool = False
    write_mps: Path | None = None


@dataclass
class Loaded:
    """A case read and checked, with the options resolved against it."""
    path: Path
    case: Case
    read_s: float
    measure: str
    solve: SolveOptions
    target: Path
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunOutcome:
    """What a verb hands back to the CLI: the report (if any), the file written, the JSON
    document of docs/results.md, and the exit code."""
    document: dict
    report: Report | None = None
    written: Path | None = None
    exit_code: int = 0


def case_path(case: Path | None) -> Path:
    path = case or default_case_path()
    if not path.exists():
        raise CaseError(f"{path}: no such file, expected an .xlsx case workbook")
    return path


def load_case(case: Path | None, reporter: Reporter) -> tuple[Path, Case, float, list[str]]:
    from ..case.reader import check_workbook
    path = case_path(case)
    t0 = time.perf_counter()
    loaded, report = check_workbook(path)
    warnings = [str(w) for w in report.warnings]
    for w in report.summarised("warning"):
        reporter.say(f"warning: {w}")
    if loaded is None:
        raise CaseError(report)
    return path, loaded, time.perf_counter() - t0, warnings


def check_measure(measure: str | None) -> str | None:
    if measure is not None and measure not in RISK_MEASURES:
        raise CaseError(f"--risk-measure {measure}: expected one of {', '.join(RISK_MEASURES)}")
    return measure


def check_points(points: int | None) -> None:
    if points is not None and points < 2:
        raise CaseError(f"--points {points}: expected at least 2 (the two ends)")


# HiGHS threads per solve when a verb runs its solves side by side (--workers > 1, --scheduler), for
# every verb and every process of it: each solve's extra threads would only contend with the others'
# (the default frontier on 2 workers: 72 s with one thread each, 85 s with HiGHS's automatic count).
# A lone solve keeps HiGHS's own choice.
PARALLEL_SOLVE_THREADS = 1


def solve_options(case: Case, opts: RunOptions, workers: int | None = None) -> SolveOptions:
    if opts.time_limit is not None and not opts.time_limit > 0:  # NaN fails too
        raise CaseError(f"--time-limit {opts.time_limit}: expected a number of seconds > 0")
    gap = case.settings.mip_gap if opts.mip_gap is None else parse_gap(opts.mip_gap)
    if opts.workers is not None and opts.workers < 1:
        raise CaseError(f"--workers {opts.workers}: expected at least 1")
    if opts.threads is not None and opts.threads < 1:
        raise CaseError(f"--threads {opts.threads}: expected at least 1")
    if opts.solver_log is not None:
        writable_file(Path(opts.solver_log), "--solver-log")
    check_scheduler(opts.scheduler)
    workers = workers if workers is not None else (opts.workers or default_workers())
    threads = opts.threads
    if threads is None and (workers > 1 or opts.scheduler):
        threads = PARALLEL_SOLVE_THREADS
    return SolveOptions(time_limit_s=opts.time_limit or case.settings.time_limit_s,
                        mip_gap=gap,
                        threads=threads,
                        workers=workers,
                        solver_log=str(opts.solver_log) if opts.solver_log else None,
                        scheduler=opts.scheduler,
                        write_mps=str(opts.write_mps) if opts.write_mps else None)


SCHEDULER_ADDRESS = re.compile(r"^([a-z]+://)?[^\s/]+:\d+/?$")


def check_scheduler(address: str | None) -> None:
    """--scheduler: an address with a port (tcp://HOST:PORT or HOST:PORT), checked before anything
    is built; whether a scheduler answers there is found when the run connects."""
    if address is not None and not SCHEDULER_ADDRESS.match(address.strip()):
        raise CaseError(f"--scheduler {address}: not a scheduler address; expected tcp://HOST:PORT, the address "
                        "a running 'dask scheduler' prints, e.g. tcp://127.0.0.1:8786")


def check_log_path(path: Path | None, case_file: Path, out: Path, mps: Path | None = None) -> None:
    """--solver-log: HiGHS appends its log to the file, so it may not be the input case, --out,
    --write-mps (new files or not) or any other existing workbook (appending would silently spoil
    it, or the workbook written at the end would replace the log)."""
    if path is None:
        return
    others = [case_file.resolve(), out.resolve()] + ([mps.resolve()] if mps is not None else [])
    if path.resolve() in others:
        raise CaseError(f"--solver-log {path}: that is the input case, --out or --write-mps; expected a log "
                        "file name of its own, e.g. highs.log")
    if path.is_file() and zipfile.is_zipfile(path):
        raise CaseError(f"--solver-log {path}: the file exists and is a workbook (HiGHS would append its log to "
                        "it); expected a log file name, e.g. highs.log")


def check_mps_path(path: Path | None, case_file: Path, out: Path) -> None:
    """--write-mps: a new or overwritable .mps file in a writable folder, not the case or --out;
    checked before anything is solved (docs/cli.md)."""
    if path is None:
        return
    if path.suffix.lower() != ".mps":
        raise CaseError(f"--write-mps {path}: expected a file name ending in .mps")
    if path.is_dir():
        raise CaseError(f"--write-mps {path}: that is a folder; expected a file name ending in .mps")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CaseError(f"--write-mps {path}: the folder {folder} does not exist; expected an existing folder")
    if path.exists() and not os.access(path, os.W_OK):
        raise CaseError(f"--write-mps {path}: cannot write there; expected a file you may write")
    writable_file(path, "--write-mps")  # a file can really be made in its folder
    if path.exists() and path.resolve() in (case_file.resolve(), out.resolve()):
        raise CaseError(f"--write-mps {path}: that is the input case or --out; expected another file name")


def parse_gap(value) -> float | None:
    """--mip-gap: auto (None) or a relative gap in 0..1."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return None
    try:
        gap = float(value)
    except (TypeError, ValueError):
        gap = float("nan")
    if not 0 <= gap < 1:
        raise CaseError(f"--mip-gap {value}: expected auto or a number in 0..1")
    return gap


def writable_file(path: Path, option: str) -> None:
    """Bad input, before anything is solved, unless a file can be written at ``path``: not a
    directory, its folder existing or creatable, and a file creatable in it."""
    if path.is_dir():
        raise CaseError(f"{option} {path}: that is a folder; expected a file name")
    folder = path.parent if str(path.parent) else Path(".")
    for up in (folder, *folder.parents):
        if up.exists():
            if not up.is_dir():
                raise CaseError(f"{option} {path}: {up} is a file, so no folder can be made inside it; expected a "
                                "path in a folder")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".sourcing-write-check-"):
            pass
    except OSError as exc:
        raise CaseError(f"{option} {path}: cannot write there ({exc.strerror or exc}); expected a path in a folder "
                        "you can write to")


def out_path(out: Path | None, case_file: Path, verb: str, force: bool) -> Path:
    from ..results.excel import is_results_workbook
    path = out or outputs_dir() / f"{case_file.stem}_{verb}.xlsx"
    if path.suffix.lower() != ".xlsx":
        raise CaseError(f"--out {path}: expected a file name ending in .xlsx")
    writable_file(path, "--out")
    if path.exists() and not force and not is_results_workbook(path):
        raise CaseError(f"--out {path}: the file exists and is not a results workbook of this tool; "
                        "expected a new file name (or --force to overwrite it)")
    if path.exists() and path.resolve() == case_file.resolve():
        raise CaseError(f"--out {path}: that is the input case; expected another file name")
    return path


def load(opts: RunOptions, verb: str, reporter: Reporter, workers: int | None = None) -> Loaded:
    """Read and check the case, then every option, before anything is solved."""
    path, case, read_s, warnings = load_case(opts.case, reporter)
    measure = check_measure(opts.risk_measure) or case.settings.risk_measure
    check_points(opts.points)
    solve = solve_options(case, opts, workers)
    target = out_path(opts.out, path, verb, opts.force)
    check_mps_path(opts.write_mps, path, target)
    check_log_path(Path(opts.solver_log) if opts.solver_log else None, path, target,
                   Path(opts.write_mps) if opts.write_mps else None)
    return Loaded(path, case, read_s, measure, solve, target, warnings)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict:
    import pyomo.version
    from ..solving.highs import highs_version
    return {"tool": "sourcing", "tool_version": __version__, "pyomo_version": pyomo.version.version,
            "highs_version": highs_version(), "python_version": sys.version.split()[0]}


def provenance(loaded: Loaded, verb: str, case: Case | None = None) -> dict:
    """The summary's provenance rows for a run on a case workbook."""
    case = case or loaded.case
    return {"case": case.settings.case_name, "verb": verb, "date": datetime.now().replace(microsecond=0),
            "input_file": str(loaded.path), "input_sha256": file_hash(loaded.path),
            "toggles_applied": "; ".join(case.toggles) or "none", "currency": case.settings.currency,
            **versions()}


def overall_status(result) -> str:
    from .. import interrupt
    from ..results.report import INTERRUPTED, shown_status
    stopped = interrupt.requested() or any(INTERRUPTED in p.outcome.status for p in result.points)
    status_of = {id(p): shown_status(p.outcome.status, stopped) for p in result.points}
    statuses = list(status_of.values())
    if all(s == "optimal" for s in statuses):
        return "optimal"
    if all(s.startswith("optimal") for s in statuses):
        return "optimal (" + "; ".join(f"point {p.point}: {status_of[id(p)][len('optimal; '):]}"
                                      for p in result.points if status_of[id(p)] != "optimal") + ")"
    if any(p.plan is not None for p in result.points):
        return "partial: " + ", ".join(f"point {p.point} {status_of[id(p)]}" for p in result.points
                                       if status_of[id(p)] != "optimal")
    return "no solution"


def write(report: Report, path: Path, reporter: Reporter, plot: bool = False) -> Path:
    """Write the results workbook (and the PNG with ``plot``) and say where."""
    from ..results.excel import write_plot, write_results
    t0 = time.perf_counter()
    report.run_info.update({"verb": report.summary.get("verb"),
                            "toggles_applied": report.summary.get("toggles_applied")})
    write_results(report, path)
    report.run_info["write_s"] = time.perf_counter() - t0
    reporter.say(f"wrote {path}")
    if report.run_info.get("model_mps"):
        reporter.say(f"wrote {report.run_info['model_mps']} (the model of the first solve, MPS)")
    if plot:
        png = path.with_suffix(".png")
        if report.overlay:
            write_plot(report.overlay, png, risk_measure=report.risk_measure, currency=report.currency,
                       title=f"{report.case_name}: expected cost against risk ({report.risk_measure}), "
                             + " vs ".join(map(str, report.overlay)))
        else:
            write_plot(report, png)
        reporter.say(f"wrote {png}")
    return path

