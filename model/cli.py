"""The command line: ``sourcing VERB ...`` (also ``python -m model``).

Exit codes: 0 ok, 1 bad input, 2 infeasible or no solution in time, 3 internal error.
With ``--json`` standard output carries one JSON document and nothing else; every message goes to
standard error.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import interrupt
from .app import checks, runs
from .app.common import Reporter, RunOptions
from .app.jsonout import dumps
from .formulation.risk import MEASURES

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Resilient sourcing of critical materials: cost-versus-risk frontiers from an Excel case.")

EXIT_OK, EXIT_BAD_INPUT, EXIT_NO_SOLUTION, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
# click exits 2 on a usage error (unknown option, a value of the wrong type); here 2 means "no
# solution", and a bad option is bad input (docs/cli.md)
CLICK_EXCEPTIONS = []  # the exceptions module of every copy of click that typer may use
for _module in ("typer._click.exceptions", "click.exceptions"):  # typer >= 0.20 vendors its own click
    try:
        CLICK_EXCEPTIONS.append(__import__(_module, fromlist=["UsageError", "ClickException"]))
    except ImportError:  # that copy of click is not installed
        continue
    CLICK_EXCEPTIONS[-1].UsageError.exit_code = EXIT_BAD_INPUT
CaseArg = Annotated[Optional[Path], typer.Argument(help="Case workbook (.xlsx); default: the embedded rare-earth case.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Results workbook to write (default: outputs/CASE_VERB.xlsx).")]
TimeOpt = Annotated[Optional[float], typer.Option("--time-limit", help="Solver time limit per solve, seconds (default: the case's time_limit_s).")]
GapOpt = Annotated[Optional[str], typer.Option("--mip-gap", help="auto (each point's gap chosen so that neighbouring points are told apart) or a relative MIP gap such as 0.005 (default: the case's mip_gap, auto unless it says otherwise).")]
ThreadsOpt = Annotated[Optional[int], typer.Option("--threads", help="HiGHS threads per solve (default: 1 when solves run side by side on --workers > 1 or --scheduler, else HiGHS's own choice).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else: the frontier rows (key frontier) and the warnings.")]
WhatifJsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout: the baseline's and the toggled frontier rows, the cost of keeping each baseline risk level, the difference (toggled minus baseline: min_cost, knee_cost, min_risk, knee_risk) and the warnings.")]
StressJsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout: the ranking of disruptions, the rows solved and the warnings.")]
CompareJsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout: the compared files, every frontier row with its label, the costs at equal risk and the warnings.")]
ValueJsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout: the point valued, its expected cost, the wait-and-see cost, EVPI, the EV plan's cost, VSS, every option's value and the warnings.")]
TemplateJsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout: the workbook written, its sheets, an empty frontier and the warnings.")]
ValidateJsonOpt = Annotated[bool, typer.Option("--json", help="Print the check as one JSON document on stdout: the file, ok, every error and warning.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or messages (errors still go to stderr).")]
LogOpt = Annotated[Optional[Path], typer.Option("--solver-log", help="Write HiGHS's log to this file (value and frontier --values also write each scenario's wait-and-see solve beside it, as FILE.ws-SCENARIO.PID).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite --out even if it is not a results workbook of this tool.")]
TemplateForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")]
MeasureOpt = Annotated[Optional[str], typer.Option("--risk-measure", help=", ".join(list(MEASURES)[:-1]) + " or " + list(MEASURES)[-1] + ".")]
PointsOpt = Annotated[Optional[int], typer.Option("--points", help="Frontier points, both ends included (default: the case's frontier_points).")]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", help="Worker processes for independent solves (default: the cores).")]
PlotOpt = Annotated[bool, typer.Option("--plot", help="Also save a PNG of the frontier beside the workbook.")]
BanOpt = Annotated[Optional[list[str]], typer.Option("--ban", help='Put a rule in force (RULE), or an ad-hoc ban "ISSUER:MATERIALS[>COUNTRIES][@OWNER[,OWNER]][!]": issuer country, materials or groups (* = all), optional destination countries, optional owners (an entity ban), ! for extraterritorial reach; e.g. "CN:heavy_REE>US,JP" or "CN:*@MP Materials,USA Rare Earth!". Repeat for several.')]
LiftOpt = Annotated[Optional[list[str]], typer.Option("--lift", help="Switch a rule off (RULE).")]
FromOpt = Annotated[Optional[int], typer.Option("--from", help="Period from which --ban applies (default: the rule's start_period, 1 for ad-hoc bans).")]
ValuesOpt = Annotated[bool, typer.Option("--values", help="Also the decision values at the knee point (EVPI, VSS, each option): a value sheet.")]
PointOpt = Annotated[Optional[str], typer.Option("--point", help="Where to value the options: min_cost (default), knee, or a frontier point's number N (its risk limit kept).")]
MpsOpt = Annotated[Optional[Path], typer.Option("--write-mps", help="Write the model of the first solve to this .mps file (HiGHS's own writer), for any other solver.")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786) to run the solves on a cluster.")]


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
        def fail(code: int, headline: str, lines: list[str], text: str, warnings=()) -> None:
            if kwargs.get("json_out"):
                emit_failure_json(code, headline, lines, warnings)
            _fail(code, text)

        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except (Exception, KeyboardInterrupt) as exc:
            failed = checks.failure(exc)
            if failed.exit_code == EXIT_INTERNAL:  # a bug of ours: say so, with the traceback for the report
                traceback.print_exc(file=sys.stderr)
            fail(failed.exit_code, failed.headline, failed.lines, failed.text, failed.warnings)
    return functools.wraps(fn)(run)


class CliReporter(Reporter):
    """Messages and a rich progress bar on standard error, unless quiet."""

    def __init__(self, console: Console):
        self.console = console

    def say(self, text: str) -> None:
        self.console.say(text)

    def progress(self, total: int, label: str):
        if self.console.quiet:
            return nullcontext(None)
        return _progress_bar(total, label)


@contextmanager
def _progress_bar(total: int, label: str):
    """Points solved, elapsed, last status and gap."""
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
    with progress:
        yield update


def emit_json(doc: dict) -> None:
    typer.echo(dumps(doc))


def emit_failure_json(code: int, headline: str, lines: list[str], warnings=()) -> None:
    """The JSON document of a run that failed: ok false, the exit code, what went wrong, no frontier."""
    emit_json({"ok": False, "exit_code": code, "error": headline, "errors": list(lines), "frontier": [],
               "warnings": list(warnings)})


def _finish(outcome, json_out: bool) -> None:
    if json_out:
        emit_json(outcome.document)
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code)


def _options(case, out, points=None, risk_measure=None, time_limit=None, mip_gap=None, threads=None,
             workers=None, scheduler=None, solver_log=None, plot=False, force=False,
             write_mps=None) -> RunOptions:
    return RunOptions(case=case, out=out, points=points, risk_measure=risk_measure, time_limit=time_limit,
                      mip_gap=mip_gap, threads=threads, workers=workers, scheduler=scheduler,
                      solver_log=solver_log, plot=plot, force=force, write_mps=write_mps)


# --------------------------------------------------------------------------------------------------
# verbs
# --------------------------------------------------------------------------------------------------

@app.command()
@_guard
def template(path: Annotated[Path, typer.Argument(help="Where to write the template workbook (.xlsx).")],
             force: TemplateForceOpt = False, quiet: QuietOpt = False, json_out: TemplateJsonOpt = False) -> None:
    """Write an input workbook with every sheet, column notes, dropdowns and a worked example."""
    said = checks.template(path, force)
    if json_out:
        emit_json(checks.template_document(path))
    else:
        Console(quiet).say(said)


@app.command()
@_guard
def validate(case: CaseArg = None, quiet: QuietOpt = False,
             json_out: ValidateJsonOpt = False) -> None:
    """Check a case workbook and list every problem at once (exit 1 if there is an error)."""
    checked = checks.validate(case)
    if json_out:
        emit_json(checked.document)
    else:
        for line in checked.error_lines():
            typer.echo(line, err=True)
        for line in checked.warning_lines():
            if not quiet:
                typer.echo(line, err=True)
        if checked.ok_line() is not None and not quiet:
            typer.echo(checked.ok_line(), err=True)
    if checked.exit_code:
        if not json_out:
            typer.echo(checked.failed_line(), err=True)
        raise typer.Exit(checked.exit_code)


@app.command()
@_guard
def solve(case: CaseArg = None, out: OutOpt = None,
          max_risk: Annotated[Optional[float], typer.Option("--max-risk", help="Upper limit on the case's risk measure.")] = None,
          risk_measure: MeasureOpt = None, time_limit: TimeOpt = None, mip_gap: GapOpt = None,
          threads: ThreadsOpt = None, json_out: JsonOpt = False, quiet: QuietOpt = False,
          solver_log: LogOpt = None, force: ForceOpt = False, plot: PlotOpt = False,
          write_mps: MpsOpt = None, workers: WorkersOpt = None, scheduler: SchedulerOpt = None) -> None:
    """One optimal plan: min expected cost (within --max-risk), written as a one-point results workbook.
    (One solve: --workers changes nothing; --scheduler runs it on a cluster worker.)"""
    opts = _options(case, out, None, risk_measure, time_limit, mip_gap, threads, workers, scheduler, solver_log,
                    plot, force, write_mps)
    _finish(runs.solve(opts, max_risk, CliReporter(Console(quiet))), json_out)


@app.command()
@_guard
def frontier(case: CaseArg = None, out: OutOpt = None, points: PointsOpt = None, risk_measure: MeasureOpt = None,
             time_limit: TimeOpt = None, mip_gap: GapOpt = None, threads: ThreadsOpt = None,
             workers: WorkersOpt = None, scheduler: SchedulerOpt = None, json_out: JsonOpt = False,
             quiet: QuietOpt = False, solver_log: LogOpt = None, plot: PlotOpt = False,
             force: ForceOpt = False, values: ValuesOpt = False, write_mps: MpsOpt = None) -> None:
    """The cost-versus-risk frontier (AUGMECON2), written to Excel with a chart and each point's plan."""
    opts = _options(case, out, points, risk_measure, time_limit, mip_gap, threads, workers, scheduler,
                    solver_log, plot, force, write_mps)
    _finish(runs.frontier(opts, CliReporter(Console(quiet)), values=values), json_out)


@contextmanager
def _stdout_kept_for_json(quiet: bool = False):
    """With --json, standard output carries the JSON document and nothing else (docs/results.md); with
    --quiet, HiGHS's own warnings appear on neither stream.

    HiGHS writes some warnings (changeCoeff, when an exposure limit's coefficient changes) straight
    to file descriptor 1, past Python's sys.stdout: while the command runs, descriptor 1 points at
    standard error (with --json) or at the null device (with --quiet), and Python's sys.stdout
    writes to a duplicate of the real standard output. Worker processes are spawned while this
    holds and inherit descriptor 1 as it is, so their HiGHS warnings go the same way."""
    try:
        real_fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # stdout is not a file: nothing to protect
        yield
        return
    sys.stdout.flush()
    saved = os.dup(real_fd)
    sink = os.open(os.devnull, os.O_WRONLY) if quiet else None
    os.dup2(sink if sink is not None else sys.stderr.fileno(), real_fd)
    original = sys.stdout
    sys.stdout = os.fdopen(saved, "w", encoding=original.encoding or "utf-8", closefd=False)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stdout = original
        os.dup2(saved, real_fd)
        os.close(saved)
        if sink is not None:
            os.close(sink)


def _run_app_for_json() -> None:
    """The app as typer runs it, except that an error typer itself reports (an option it cannot parse,
    an unknown option) still puts one JSON document on standard output, as every other failure does
    with --json (``_guard``); the message goes to standard error as before, and the exit code is 1."""
    try:
        code = app(standalone_mode=False)
    except tuple(m.ClickException for m in CLICK_EXCEPTIONS) as exc:
        emit_failure_json(exc.exit_code, exc.format_message(), [exc.format_message()])
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def main() -> None:  # console script entry
    interrupt.install()
    args = sys.argv[1:]
    quiet = "--quiet" in args or "-q" in args
    try:
        run = _run_app_for_json if "--json" in args else app
        if "--json" in args or quiet:
            with _stdout_kept_for_json(quiet):
                run()
        else:
            run()
    except SystemExit as exc:
        if not interrupt.requested():
            raise
        # After Ctrl-C everything is written and flushed: exit now, without waiting for worker
        # pools' exit handlers, and without the C++ runtime's abort (exit code 134) when a HiGHS
        # solve left behind (model.solving.highs.SolveAbandoned) is still running on a thread.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.code if isinstance(exc.code, int) else 1)


@app.command()
@_guard
def whatif(case: CaseArg = None, ban: BanOpt = None, lift: LiftOpt = None, from_period: FromOpt = None,
           out: OutOpt = None, points: PointsOpt = None, risk_measure: MeasureOpt = None,
           time_limit: TimeOpt = None, mip_gap: GapOpt = None, threads: ThreadsOpt = None,
           workers: WorkersOpt = None, scheduler: SchedulerOpt = None, json_out: WhatifJsonOpt = False,
           quiet: QuietOpt = False, solver_log: LogOpt = None, plot: PlotOpt = False,
           force: ForceOpt = False, write_mps: MpsOpt = None) -> None:
    """The frontier with rules toggled, beside the baseline: cost of keeping each risk level, plan changes."""
    opts = _options(case, out, points, risk_measure, time_limit, mip_gap, threads, workers, scheduler,
                    solver_log, plot, force, write_mps)
    _finish(runs.whatif(opts, list(ban or []), list(lift or []), from_period, CliReporter(Console(quiet))), json_out)


@app.command()
@_guard
def stress(case: CaseArg = None, pairs: Annotated[bool, typer.Option("--pairs", help="Also every pair of disruptions (scenario rules and site outages).")] = False,
           out: OutOpt = None, risk_measure: MeasureOpt = None, time_limit: TimeOpt = None,
           mip_gap: GapOpt = None, threads: ThreadsOpt = None, workers: WorkersOpt = None,
           scheduler: SchedulerOpt = None, json_out: StressJsonOpt = False, quiet: QuietOpt = False,
           solver_log: LogOpt = None, force: ForceOpt = False, write_mps: MpsOpt = None) -> None:
    """Each scenario rule and each site as an outage, alone (or in pairs), in the nominal scenario:
    how long the network survives it (time to survive), and what it costs; ranked shortest first."""
    opts = _options(case, out, None, risk_measure, time_limit, mip_gap, threads, workers, scheduler,
                    solver_log, False, force, write_mps)
    _finish(runs.stress(opts, pairs, CliReporter(Console(quiet))), json_out)


@app.command()
@_guard
def compare(files: Annotated[list[Path], typer.Argument(help="Two or more results workbooks written by this tool (by solve, frontier, whatif or value: a compare or stress workbook holds no one frontier).")],
            labels: Annotated[Optional[list[str]], typer.Option("--labels", help="Labels, comma separated (or --labels once per file); default: the file names.")] = None,
            out: OutOpt = None, json_out: CompareJsonOpt = False, quiet: QuietOpt = False, plot: PlotOpt = False,
            force: ForceOpt = False) -> None:
    """Overlay the frontiers of several results workbooks in one table and one chart."""
    _finish(runs.compare(files, list(labels or []), out, force, plot, CliReporter(Console(quiet))), json_out)


@app.command()
@_guard
def value(case: CaseArg = None, point: PointOpt = None, out: OutOpt = None, points: PointsOpt = None,
          risk_measure: MeasureOpt = None, time_limit: TimeOpt = None, mip_gap: GapOpt = None,
          threads: ThreadsOpt = None, workers: WorkersOpt = None, scheduler: SchedulerOpt = None,
          json_out: ValueJsonOpt = False, quiet: QuietOpt = False, solver_log: LogOpt = None,
          plot: PlotOpt = False, force: ForceOpt = False, write_mps: MpsOpt = None) -> None:
    """What perfect information (EVPI), the stochastic solution (VSS) and each contract, qualification, build, storage option and substitute are worth."""
    opts = _options(case, out, points, risk_measure, time_limit, mip_gap, threads, workers, scheduler,
                    solver_log, plot, force, write_mps)
    _finish(runs.value(opts, point, CliReporter(Console(quiet))), json_out)
