"""The command line: ``sourcing VERB ...`` (also ``python -m model``).

Exit codes: 0 ok, 1 bad input, 2 infeasible or no solution in time, 3 internal error.
With ``--json`` standard output carries one JSON document and nothing else; every message goes to
standard error.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
import traceback
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import click
import typer

from . import __version__
from .case.issues import CaseError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Resilient sourcing of critical materials: cost-versus-risk frontiers from an Excel case.")

EXIT_OK, EXIT_BAD_INPUT, EXIT_NO_SOLUTION, EXIT_INTERNAL = 0, 1, 2, 3
# click exits 2 on a usage error (unknown option, a value of the wrong type); here 2 means "no
# solution", and a bad option is bad input (DESIGN §2)
click.exceptions.UsageError.exit_code = EXIT_BAD_INPUT
try:  # typer >= 0.20 parses with its own vendored copy of click
    from typer._click import exceptions as _typer_click_exceptions
    _typer_click_exceptions.UsageError.exit_code = EXIT_BAD_INPUT
except ImportError:  # pragma: no cover - older typer: plain click, set above
    pass
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASE = ROOT / "inputs" / "rare_earth_magnets.xlsx"
OUTPUTS = ROOT / "outputs"

CaseArg = Annotated[Optional[Path], typer.Argument(help="Case workbook (.xlsx); default: the embedded rare-earth case.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Results workbook to write (default: outputs/CASE_VERB.xlsx).")]
TimeOpt = Annotated[Optional[float], typer.Option("--time-limit", help="Solver time limit per solve, seconds (default: the case's time_limit_s).")]
GapOpt = Annotated[Optional[float], typer.Option("--mip-gap", help="Relative MIP gap (default: the case's mip_gap).")]
ThreadsOpt = Annotated[Optional[int], typer.Option("--threads", help="HiGHS threads per solve.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the frontier rows as one JSON document on stdout.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or messages (errors still go to stderr).")]
LogOpt = Annotated[Optional[Path], typer.Option("--solver-log", help="Write HiGHS's log to this file.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite --out even if it is not a results workbook of this tool.")]
MeasureOpt = Annotated[Optional[str], typer.Option("--risk-measure", help="cvar_shortfall, cvar_cost, expected_shortfall, worst_shortfall or exposure.")]
PointsOpt = Annotated[Optional[int], typer.Option("--points", help="Frontier points, both ends included (default: the case's frontier_points).")]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", help="Worker processes for independent solves (default: the cores).")]
PlotOpt = Annotated[bool, typer.Option("--plot", help="Also save a PNG of the frontier beside the workbook.")]


class Console:
    """Messages to stderr unless quiet."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def say(self, text: str) -> None:
        if not self.quiet:
            typer.echo(text, err=True)


def _fail(code: int, text: str) -> None:
    typer.echo(text, err=True)
    raise typer.Exit(code)


def _guard(fn):
    """Map failures to exit codes; never a traceback for bad input. With --json a failure still
    puts one JSON document on standard output: ok false, the exit code, what went wrong, and an
    empty frontier, so a script reading standard output always gets JSON."""
    def run(*args, **kwargs):
        from .frontier import NoSolution

        def fail(code: int, headline: str, lines: list[str], text: str) -> None:
            if kwargs.get("json_out"):
                emit_json({"ok": False, "exit_code": code, "error": headline, "errors": lines, "frontier": []})
            _fail(code, text)

        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except CaseError as exc:
            lines = [str(i) for i in exc.report.errors]
            fail(EXIT_BAD_INPUT, "bad input", lines,
                 "error: bad input\n" + "\n".join(f"  {line}" for line in lines))
        except NoSolution as exc:
            text = f"no solution: {exc} (the case is infeasible or the time limit is too short)"
            fail(EXIT_NO_SOLUTION, "no solution", [text], text)
        except KeyboardInterrupt:
            fail(EXIT_INTERNAL, "interrupted", [], "interrupted")
        except Exception as exc:  # a bug of ours: say so, with the traceback for the report
            traceback.print_exc(file=sys.stderr)
            text = f"internal error: {exc.__class__.__name__}: {exc}"
            fail(EXIT_INTERNAL, "internal error", [text], text)
    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    run.__wrapped__ = fn
    import functools
    return functools.wraps(fn)(run)


# --------------------------------------------------------------------------------------------------
# shared steps
# --------------------------------------------------------------------------------------------------

def _case_path(case: Path | None) -> Path:
    path = case or DEFAULT_CASE
    if not path.exists():
        raise CaseError(f"{path}: no such file, expected an .xlsx case workbook")
    return path


def load(case: Path | None, console: Console):
    from .case.reader import check_workbook
    path = _case_path(case)
    t0 = time.perf_counter()
    loaded, report = check_workbook(path)
    for w in report.warnings:
        console.say(f"warning: {w}")
    if loaded is None:
        raise CaseError(report)
    return path, loaded, time.perf_counter() - t0


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict:
    import pyomo.version
    from .solve import highs_version
    return {"tool": "sourcing", "tool_version": __version__, "pyomo_version": pyomo.version.version,
            "highs_version": highs_version(), "python_version": sys.version.split()[0]}


def options_for(case, time_limit, mip_gap, threads, workers, solver_log):
    from .frontier import SolveOptions, default_workers
    if time_limit is not None and time_limit <= 0:
        raise CaseError(f"--time-limit {time_limit}: expected a number of seconds > 0")
    if mip_gap is not None and not 0 <= mip_gap < 1:
        raise CaseError(f"--mip-gap {mip_gap}: expected a number in 0..1")
    if workers is not None and workers < 1:
        raise CaseError(f"--workers {workers}: expected at least 1")
    return SolveOptions(time_limit_s=time_limit or case.settings.time_limit_s,
                        mip_gap=case.settings.mip_gap if mip_gap is None else mip_gap,
                        threads=threads, workers=workers or default_workers(),
                        solver_log=str(solver_log) if solver_log else None)


def check_measure(measure: str | None) -> str | None:
    from .case.schema import RISK_MEASURES
    if measure is not None and measure not in RISK_MEASURES:
        raise CaseError(f"--risk-measure {measure}: expected one of {', '.join(RISK_MEASURES)}")
    return measure


def out_path(out: Path | None, case_path: Path, verb: str, force: bool) -> Path:
    from .results.writer import is_results_workbook
    path = out or OUTPUTS / f"{case_path.stem}_{verb}.xlsx"
    if path.suffix.lower() != ".xlsx":
        raise CaseError(f"--out {path}: expected a file name ending in .xlsx")
    if path.exists() and not force and not is_results_workbook(path):
        raise CaseError(f"--out {path}: the file exists and is not a results workbook of this tool; "
                        "expected a new file name (or --force to overwrite it)")
    if path.exists() and path.resolve() == case_path.resolve():
        raise CaseError(f"--out {path}: that is the input case; expected another file name")
    return path


def progress_reporter(console: Console, total: int, label: str):
    """A rich progress bar on stderr: points solved, elapsed, last status and gap."""
    if console.quiet:
        return None, None
    from rich.console import Console as RichConsole
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.fields[last]}"), console=RichConsole(stderr=True), transient=False)
    task = progress.add_task(label, total=total, last="")

    def update(done, total_, point):
        gap = point.outcome.gap
        gap_text = "n/a" if gap is None else f"{gap:.2%}"
        progress.update(task, completed=done, total=total_,
                        last=f"last: point {point.point} {point.outcome.status}, gap {gap_text}")
    return progress, update


def json_rows(frontier) -> list[dict]:
    import pandas as pd
    rows = []
    for rec in frontier.to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if v is pd.NA or v is pd.NaT:
                v = None
            if hasattr(v, "item"):
                v = v.item()
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                v = None
            clean[k] = v
        rows.append(clean)
    return rows


def emit_json(doc: dict) -> None:
    typer.echo(json.dumps(doc, indent=2, default=str))


def summary_for(report, case, case_path: Path, verb: str, status: str) -> dict:
    fr = report.frontier
    solved = fr.dropna(subset=["expected_cost"])
    return {
        "case": case.settings.case_name, "verb": verb, "date": datetime.now().replace(microsecond=0),
        "input_file": str(case_path), "input_sha256": file_hash(case_path),
        "toggles_applied": "; ".join(case.toggles) or "none", "status": status,
        "risk_measure": report.risk_measure, "currency": case.settings.currency,
        "points": len(fr), "efficient_points": int((fr["efficient"] == "yes").sum()),
        "min_expected_cost": float(solved["expected_cost"].min()) if len(solved) else None,
        "min_risk": float(solved["risk"].min()) if len(solved) else None,
        "knee_point": report.knee_point, "knee_plan": report.knee_text,
        **{k: v for k, v in versions().items()},
    }


def overall_status(result) -> str:
    statuses = [p.outcome.status for p in result.points]
    if all(s == "optimal" for s in statuses):
        return "optimal"
    if all(s.startswith("optimal") for s in statuses):
        return "optimal (" + "; ".join(f"point {p.point}: {p.outcome.status[len('optimal; '):]}"
                                      for p in result.points if p.outcome.status != "optimal") + ")"
    if any(p.plan is not None for p in result.points):
        return "partial: " + ", ".join(f"point {p.point} {p.outcome.status}" for p in result.points
                                       if p.outcome.status != "optimal")
    return "no solution"


def write_report(report, case, case_path, verb, path, console, plot=False, extra_sheets=None, overlay=None):
    from .results.writer import write_plot, write_results
    t0 = time.perf_counter()
    status = report.summary.get("status", "optimal")
    summary = summary_for(report, case, case_path, verb, status)
    report.run_info.update({"verb": verb, "toggles_applied": summary["toggles_applied"]})
    write_results(report, path, summary=summary, extra_sheets=extra_sheets, overlay=overlay)
    report.run_info["write_s"] = time.perf_counter() - t0
    console.say(f"wrote {path}")
    if plot:
        png = path.with_suffix(".png")
        write_plot(overlay if overlay else report, png)
        console.say(f"wrote {png}")


# --------------------------------------------------------------------------------------------------
# verbs
# --------------------------------------------------------------------------------------------------

@app.command()
@_guard
def template(path: Annotated[Path, typer.Argument(help="Where to write the template workbook (.xlsx).")],
             force: ForceOpt = False, quiet: QuietOpt = False) -> None:
    """Write an input workbook with every sheet, column notes, dropdowns and a worked example."""
    from .case.template import write_template
    if path.exists() and not force:
        raise CaseError(f"{path}: the file exists; expected a new file name (or --force to overwrite it)")
    write_template(path)
    Console(quiet).say(f"wrote {path}: fill it in, then run: sourcing validate {path}")


@app.command()
@_guard
def validate(case: CaseArg = None, quiet: QuietOpt = False,
             json_out: JsonOpt = False) -> None:
    """Check a case workbook and list every problem at once (exit 1 if there is an error)."""
    from .case.reader import check_workbook
    path = _case_path(case)
    loaded, report = check_workbook(path)
    if json_out:
        emit_json({"file": str(path), "ok": report.ok,
                   "errors": [str(i) for i in report.errors], "warnings": [str(i) for i in report.warnings]})
    else:
        for i in report.errors:
            typer.echo(f"error: {i}", err=True)
        for i in report.warnings:
            if not quiet:
                typer.echo(f"warning: {i}", err=True)
        if loaded is not None and not quiet:
            c = loaded
            typer.echo(
                f"{path}: ok ({len(report.warnings)} warnings). Case '{c.settings.case_name}': "
                f"{c.settings.periods} {c.settings.period_unit}s, {len(c.countries)} countries, "
                f"{len(c.materials)} materials, {len(c.sites)} sites, {len(c.offers)} offers, "
                f"{len(c.processes)} processes, {len(c.lanes)} lanes, {len(c.demands)} demand rows "
                f"(by period), {len(c.rules)} rules, {len(c.scenarios)} scenarios, {len(c.events)} events, "
                f"{len(c.policies)} policies.", err=True)
    if not report.ok:
        if not json_out:
            typer.echo(f"{path}: {len(report.errors)} errors", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
@_guard
def solve(case: CaseArg = None, out: OutOpt = None,
          max_risk: Annotated[Optional[float], typer.Option("--max-risk", help="Upper limit on the case's risk measure.")] = None,
          risk_measure: MeasureOpt = None, time_limit: TimeOpt = None, mip_gap: GapOpt = None,
          threads: ThreadsOpt = None, json_out: JsonOpt = False, quiet: QuietOpt = False,
          solver_log: LogOpt = None, force: ForceOpt = False, plot: PlotOpt = False) -> None:
    """One optimal plan: min expected cost (within --max-risk), written as a one-point results workbook."""
    from .frontier import NoSolution, solve_single
    from .results.report import build_report
    console = Console(quiet)
    path, c, read_s = load(case, console)
    measure = check_measure(risk_measure)
    if max_risk is not None and not max_risk >= 0:  # every risk measure is >= 0 (NaN fails too)
        raise CaseError(f"--max-risk {max_risk}: expected a number >= 0 (every risk measure is a share or a cost)")
    opts = options_for(c, time_limit, mip_gap, threads, 1, solver_log)
    target = out_path(out, path, "solve", force)
    console.say(f"solving {c.settings.case_name} ...")
    result = solve_single(c, max_risk, measure, opts)
    report = build_report(result, file_hash(path), str(path), versions(), {"read_s": read_s})
    report.summary["status"] = overall_status(result)
    write_report(report, c, path, "solve", target, console, plot)
    p = report.frontier.iloc[0]
    console.say(f"expected cost {p['expected_cost']:,.2f} {c.settings.currency}, {report.risk_measure} "
                f"{p['risk']:.6g}, status {p['status']}, gap {p['mip_gap'] or 0:.3%}")
    if json_out:
        emit_json({"case": c.settings.case_name, "risk_measure": report.risk_measure, "output": str(target),
                   "frontier": json_rows(report.frontier)})


@app.command()
@_guard
def frontier(case: CaseArg = None, out: OutOpt = None, points: PointsOpt = None, risk_measure: MeasureOpt = None,
             time_limit: TimeOpt = None, mip_gap: GapOpt = None, threads: ThreadsOpt = None,
             workers: WorkersOpt = None, json_out: JsonOpt = False, quiet: QuietOpt = False,
             solver_log: LogOpt = None, plot: PlotOpt = False, force: ForceOpt = False) -> None:
    """The cost-versus-risk frontier (AUGMECON2), written to Excel with a chart and each point's plan."""
    console = Console(quiet)
    path, c, read_s = load(case, console)
    if points is not None and points < 2:
        raise CaseError(f"--points {points}: expected at least 2 (the two ends)")
    measure = check_measure(risk_measure)
    opts = options_for(c, time_limit, mip_gap, threads, workers, solver_log)
    target = out_path(out, path, "frontier", force)
    report, result = run_and_report(c, path, points, measure, opts, console, read_s)
    write_report(report, c, path, "frontier", target, console, plot)
    console.say(f"knee point: {report.knee_text}")
    if json_out:
        emit_json({"case": c.settings.case_name, "risk_measure": report.risk_measure, "output": str(target),
                   "knee_point": report.knee_point, "frontier": json_rows(report.frontier)})


def run_and_report(c, path, points, measure, opts, console, read_s, label="frontier"):
    from .frontier import run_frontier
    from .results.report import build_report
    n = points or c.settings.frontier_points
    progress, update = progress_reporter(console, n, label)
    t0 = time.perf_counter()
    if progress:
        with progress:
            result = run_frontier(c, n, measure, opts, update)
    else:
        result = run_frontier(c, n, measure, opts)
    wall = time.perf_counter() - t0
    report = build_report(result, file_hash(path), str(path), versions(),
                          {"read_s": read_s, "frontier_wall_s": wall, "workers": opts.workers})
    report.summary["status"] = overall_status(result)
    return report, result


@contextmanager
def _stdout_kept_for_json():
    """With --json, standard output carries the JSON document and nothing else (DESIGN §5).

    HiGHS writes some warnings straight to file descriptor 1, past Python's sys.stdout: while the
    command runs, descriptor 1 (inherited by worker processes too) points at standard error, and
    Python's sys.stdout writes to a duplicate of the real standard output."""
    try:
        real_fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # stdout is not a file: nothing to protect
        yield
        return
    sys.stdout.flush()
    saved = os.dup(real_fd)
    os.dup2(sys.stderr.fileno(), real_fd)
    original = sys.stdout
    sys.stdout = os.fdopen(saved, "w", encoding=original.encoding or "utf-8", closefd=False)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stdout = original
        os.dup2(saved, real_fd)
        os.close(saved)


def main() -> None:  # console script entry
    if "--json" in sys.argv[1:]:
        with _stdout_kept_for_json():
            app()
    else:
        app()


BanOpt = Annotated[Optional[list[str]], typer.Option("--ban", help='Put a rule in force (RULE), or an ad-hoc ban "ISSUER:MATERIALS[>COUNTRIES][@OWNER][!]".')]
LiftOpt = Annotated[Optional[list[str]], typer.Option("--lift", help="Switch a rule off (RULE).")]
FromOpt = Annotated[Optional[int], typer.Option("--from", help="Period from which --ban applies (default: the rule's start_period, 1 for ad-hoc bans).")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786) to run the solves on a cluster.")]


@app.command()
@_guard
def whatif(case: CaseArg = None, ban: BanOpt = None, lift: LiftOpt = None, from_period: FromOpt = None,
           out: OutOpt = None, points: PointsOpt = None, risk_measure: MeasureOpt = None,
           time_limit: TimeOpt = None, mip_gap: GapOpt = None, threads: ThreadsOpt = None,
           workers: WorkersOpt = None, json_out: JsonOpt = False, quiet: QuietOpt = False,
           solver_log: LogOpt = None, plot: PlotOpt = False, force: ForceOpt = False) -> None:
    """The frontier with rules toggled, beside the baseline: cost of keeping each risk level, plan changes."""
    from .toggles import GRAMMAR, apply_toggles
    from .whatif import run_whatif
    console = Console(quiet)
    path, c, read_s = load(case, console)
    if not ban and not lift:
        raise CaseError(f"whatif needs at least one toggle: {GRAMMAR}")
    toggled = apply_toggles(c, list(ban or []), list(lift or []), from_period)
    measure = check_measure(risk_measure) or c.settings.risk_measure
    if points is not None and points < 2:
        raise CaseError(f"--points {points}: expected at least 2 (the two ends)")
    opts = options_for(c, time_limit, mip_gap, threads, workers, solver_log)
    target = out_path(out, path, "whatif", force)
    n = points or c.settings.frontier_points
    progress, update = progress_reporter(console, n, "what-if")
    kw = {"input_hash": file_hash(path), "input_path": str(path), "versions": versions(),
          "timings": {"read_s": read_s}}
    if progress:
        with progress:
            w = run_whatif(c, toggled, n, measure, opts, update, kw)
    else:
        w = run_whatif(c, toggled, n, measure, opts, None, kw)
    w.toggled.summary["status"] = overall_status(w.results["toggled"])
    baseline_frontier = w.baseline.frontier.copy()
    extra = {"baseline_frontier": baseline_frontier, "cost_of_keeping": w.cost_of_keeping,
             "plan_changes": w.changes}
    overlay = {"baseline": w.baseline.frontier, "toggled": w.toggled.frontier}
    write_report(w.toggled, toggled, path, "whatif", target, console, plot, extra_sheets=extra, overlay=overlay)
    console.say("toggles: " + "; ".join(w.toggles))
    if json_out:
        emit_json({"case": c.settings.case_name, "risk_measure": measure, "output": str(target),
                   "baseline": {"frontier": json_rows(w.baseline.frontier)},
                   "toggled": {"frontier": json_rows(w.toggled.frontier), "toggles": list(w.toggles)},
                   "cost_of_keeping": json_rows(w.cost_of_keeping)})


@app.command()
@_guard
def stress(case: CaseArg = None, pairs: Annotated[bool, typer.Option("--pairs", help="Also every pair of scenario rules.")] = False,
           out: OutOpt = None, risk_measure: MeasureOpt = None, time_limit: TimeOpt = None,
           mip_gap: GapOpt = None, threads: ThreadsOpt = None, workers: WorkersOpt = None,
           scheduler: SchedulerOpt = None, json_out: JsonOpt = False, quiet: QuietOpt = False,
           solver_log: LogOpt = None, force: ForceOpt = False) -> None:
    """Put each scenario rule in force alone (or in pairs) and rank the rules by the damage they do."""
    from .results.report import build_report
    from .whatif import run_stress, stress_rule_sets
    console = Console(quiet)
    path, c, read_s = load(case, console)
    measure = check_measure(risk_measure) or c.settings.risk_measure
    opts = options_for(c, time_limit, mip_gap, threads, workers, solver_log)
    target = out_path(out, path, "stress", force)
    total = len(stress_rule_sets(c, pairs)) + 1
    progress, update = progress_reporter(console, total, "stress")
    if progress:
        with progress:
            result, ranking = run_stress(c, measure, opts, pairs, scheduler, update)
    else:
        result, ranking = run_stress(c, measure, opts, pairs, scheduler)
    report = build_report(result, file_hash(path), str(path), versions(), {"read_s": read_s})
    report.summary["status"] = overall_status(result)
    report.knee_text = "stress test: see the stress_ranking sheet"
    write_report(report, c, path, "stress", target, console, extra_sheets={"stress_ranking": ranking})
    top = ranking.iloc[0]
    console.say(f"most damaging: {top['rules']} (added expected cost {top['added_expected_cost'] or 0:,.0f} "
                f"{c.settings.currency})")
    if json_out:
        emit_json({"case": c.settings.case_name, "risk_measure": measure, "output": str(target),
                   "frontier": json_rows(report.frontier), "ranking": json_rows(ranking)})


@app.command()
@_guard
def compare(files: Annotated[list[Path], typer.Argument(help="Results workbooks written by this tool.")],
            labels: Annotated[Optional[list[str]], typer.Option("--labels", help="Labels, comma separated (or --labels once per file); default: the file names.")] = None,
            out: OutOpt = None, json_out: JsonOpt = False, quiet: QuietOpt = False, plot: PlotOpt = False,
            force: ForceOpt = False) -> None:
    """Overlay the frontiers of several results workbooks in one table and one chart."""
    import pandas as pd
    from .results.report import Report
    from .results.writer import read_frontier, write_plot, write_results
    console = Console(quiet)
    labels = [part.strip() for value in (labels or []) for part in value.split(",") if part.strip()]
    if len(files) < 2:
        raise CaseError("compare needs at least two results workbooks")
    if labels and len(labels) != len(files):
        raise CaseError(f"--labels: {len(labels)} labels for {len(files)} files, expected one label per file")
    labels = labels or [f.stem for f in files]
    if len(set(labels)) != len(labels):
        raise CaseError("--labels: expected distinct labels")
    overlay, tables, summaries = {}, [], []
    for label, f in zip(labels, files):
        if not f.exists():
            raise CaseError(f"{f}: no such file, expected a results workbook written by this tool")
        try:
            summary, fr = read_frontier(f)
        except ValueError as exc:
            raise CaseError(f"{f}: {exc}")
        overlay[label] = fr
        t = fr.copy()
        t.insert(0, "label", label)
        t.insert(1, "file", str(f))
        tables.append(t)
        summaries.append({"label": label, "file": str(f), **{k: summary.get(k) for k in
                          ("case", "verb", "risk_measure", "currency", "toggles_applied", "status", "knee_point")}})
    measures = {s["risk_measure"] for s in summaries}
    if len(measures) > 1:
        console.say(f"warning: the files use different risk measures ({', '.join(map(str, measures))}); "
                    "their risk axes are not comparable")
    table = pd.concat(tables, ignore_index=True)
    target = out or OUTPUTS / "compare.xlsx"
    from .results.writer import is_results_workbook
    if target.exists() and not force and not is_results_workbook(target):
        raise CaseError(f"--out {target}: the file exists and is not a results workbook of this tool; "
                        "expected a new file name (or --force)")
    first = summaries[0]
    currencies = {s["currency"] for s in summaries if s.get("currency")}
    report = Report(case_name=" vs ".join(labels), risk_measure=str(first["risk_measure"]),
                    currency=currencies.pop() if len(currencies) == 1 else "", frontier=table, tables={}, knee_point=None,
                    knee_text="compare: see the frontier sheet, one series per label",
                    run_info={**versions(), "verb": "compare",
                              **{f"file_{i + 1}": f"{s['label']}: {s['file']}" for i, s in enumerate(summaries)}})
    summary = {"case": report.case_name, "verb": "compare", "date": datetime.now().replace(microsecond=0),
               "files": "; ".join(f"{s['label']} = {s['file']}" for s in summaries),
               "toggles_applied": "; ".join(f"{s['label']}: {s['toggles_applied']}" for s in summaries),
               "status": "; ".join(f"{s['label']}: {s['status']}" for s in summaries),
               "risk_measure": ", ".join(map(str, measures)), **versions()}
    write_results(report, target, summary=summary, extra_sheets={"compared_files": pd.DataFrame(summaries)},
                  overlay=overlay)
    console.say(f"wrote {target}")
    if plot:
        write_plot(overlay, target.with_suffix(".png"))
    if json_out:
        emit_json({"output": str(target), "files": summaries, "frontier": json_rows(table)})
