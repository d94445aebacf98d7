"""One function per verb, from the user's options to a written report and the JSON document of
docs/results.md. The CLI parses options, calls one of these, prints and exits.

Every verb checks every option before it solves anything, and owns its run's status and summary.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pandas as pd

from .. import interrupt
from ..case.issues import CaseError
from ..results.answers import Answer, RunKind
from ..results.report import Report, build_report, the_answer
from .common import (EXIT_INTERRUPTED, Loaded, writable_file, Reporter, RunOptions, RunOutcome, load, outputs_dir, overall_status, provenance,
                     versions, write)
from .jsonout import json_rows


def _report_for(result, loaded: Loaded, verb: str, timings: dict, case=None) -> Report:
    """The report of a solved run (its kind: ``verb``), with its provenance and status in the
    summary; a run stopped by Ctrl-C says so (no point recommended, no stage read as an error)."""
    origin = provenance(loaded, verb, case)
    report = build_report(result, origin["input_sha256"], str(loaded.path), versions(),
                          {"read_s": loaded.read_s, **timings}, interrupted=interrupt.requested(),
                          kind=RunKind(verb))
    report.summary.update(origin)
    report.warnings = report.warnings + [f"input: {w}" for w in loaded.warnings]
    report.summary.update({"status": overall_status(result), "risk_measure": report.risk_measure})
    if loaded.solve.write_mps:
        report.run_info["model_mps"] = loaded.solve.write_mps
    return report


def _outcome(document: dict, report: Report, written: Path, reporter: Reporter | None = None) -> RunOutcome:
    """The verb's result; every JSON document carries the run's warnings (docs/results.md). After a
    Ctrl-C the run says what it kept and exits 130."""
    code = 0
    if interrupt.requested():
        code = EXIT_INTERRUPTED
        if reporter is not None:
            finished = int(report.frontier["expected_cost"].notna().sum()) if len(report.frontier) else 0
            reporter.say(f"interrupted: {finished} of {len(report.frontier)} points finished; they are in "
                         f"{written}, the rest marked interrupted")
    return RunOutcome({**document, "warnings": list(report.warnings)}, report, written, code)


def _say_answer(reporter: Reporter, answer: Answer) -> None:
    """The console's short answer (numbers and what changes; ids stay in the workbook)."""
    for line in answer.console:
        reporter.say(line)


def _explained(run, loaded: Loaded, case=None):
    """Run a solving step; an infeasible case is explained (the hard rows that cannot all hold,
    from an elastic re-solve) instead of reported as a bare "infeasible"."""
    from ..solving.explain import explain_infeasibility
    from ..solving.highs import NoSolution
    try:
        return run()
    except NoSolution as exc:
        if interrupt.requested() or exc.warnings or exc.status not in ("infeasible", "infeasible_or_unbounded"):
            raise
        lines = explain_infeasibility(case or loaded.case, loaded.measure, loaded.solve)
        if not lines:
            raise
        raise NoSolution(f"{exc}: the case's hard rules cannot all hold", exc.status, lines) from None


def _frontier_with_progress(case, points, measure, solve, reporter: Reporter, label: str):
    from ..solving.frontier import run_frontier
    with reporter.progress(points, label) as update:
        return run_frontier(case, points, measure, solve, update)


MAX_RISK_LIMIT = 1e15  # the solver takes 1e20 and more as infinite (cvar_cost is in the case's currency)


def solve(opts: RunOptions, max_risk: float | None, reporter: Reporter) -> RunOutcome:
    """One optimal plan: min expected cost (within ``max_risk``), as a one-point workbook."""
    from ..solving.frontier import solve_single
    if max_risk is not None and not 0 <= max_risk <= MAX_RISK_LIMIT:  # every measure is >= 0 (NaN fails too)
        raise CaseError(f"--max-risk {max_risk}: expected a number from 0 to {MAX_RISK_LIMIT:.0e} (every risk "
                        "measure is a share or a cost; leave the option out for no limit)")
    loaded = load(opts, "solve", reporter, workers=1)
    c = loaded.case
    reporter.say(f"solving {c.settings.case_name} ...")
    if loaded.solve.scheduler:
        result = _explained(lambda: _solve_single_on_cluster(c, max_risk, loaded.measure, loaded.solve), loaded)
    else:
        result = _explained(lambda: solve_single(c, max_risk, loaded.measure, loaded.solve), loaded)
    report = _report_for(result, loaded, "solve", {})
    write(report, loaded.target, reporter, opts.plot)
    _say_answer(reporter, the_answer(report))
    p = report.frontier.iloc[0]
    reporter.say(f"status {p['status']}, gap {p['mip_gap'] or 0:.3%}")
    return _outcome({"case": c.settings.case_name, "risk_measure": report.risk_measure,
                     "output": str(loaded.target), "frontier": json_rows(report.frontier)}, report, loaded.target, reporter)


def _solve_single_on_cluster(case, max_risk, measure, solve_options):
    """``solve --scheduler``: the one solve runs on a cluster worker and its plan comes back; a
    --write-mps file is written here (the model built here, not solved), not on the worker."""
    from dataclasses import replace
    from ..executor import executor_for
    from ..solving.frontier import solve_single
    from ..solving.staged import StagedModel
    if solve_options.write_mps:
        StagedModel(case, measure, replace(solve_options, write_mps=None)).write_first_model(
            solve_options.write_mps, max_risk)
    remote = replace(solve_options, scheduler=None, write_mps=None)
    with executor_for(1, solve_options.scheduler) as pool:
        return pool.submit(solve_single, case, max_risk, measure, remote).result()


def frontier(opts: RunOptions, reporter: Reporter, values: bool = False) -> RunOutcome:
    """The cost-versus-risk frontier, written to Excel with a chart and each point's plan; with
    ``values``, the decision values at its knee point too (the value sheet, the JSON's ``values``)."""
    loaded = load(opts, "frontier", reporter)
    c = loaded.case
    n = opts.points or c.settings.frontier_points
    t0 = time.perf_counter()
    result = _explained(lambda: _frontier_with_progress(c, n, loaded.measure, loaded.solve, reporter, "frontier"),
                        loaded)
    report = _report_for(result, loaded, "frontier",
                         {"frontier_wall_s": time.perf_counter() - t0, "workers": loaded.solve.workers})
    document_values = None
    if values and report.knee_point is not None:
        from ..results.value import value_document
        knee = next(p for p in result.points if p.point == report.knee_point)
        t1 = time.perf_counter()
        vr = _values_at(c, loaded, knee, reporter)
        report.run_info["value_wall_s"] = time.perf_counter() - t1
        _attach_values(report, vr, c.settings.currency)
        document_values = value_document(vr)
    elif values:
        report.warnings.append(f"--values: no knee point ({report.knee_text or 'no efficient point'}), so no "
                               "decision values")
    write(report, loaded.target, reporter, opts.plot)
    _say_answer(reporter, the_answer(report))
    document = {"case": c.settings.case_name, "risk_measure": report.risk_measure,
                "output": str(loaded.target), "knee_point": report.knee_point,
                "frontier": json_rows(report.frontier)}
    if values:
        document["values"] = document_values
    return _outcome(document, report, loaded.target, reporter)


def whatif(opts: RunOptions, bans: list[str], lifts: list[str], from_period: int | None,
           reporter: Reporter) -> RunOutcome:
    """The frontier with rules toggled, beside the baseline: the cost of keeping each baseline risk
    level, and what each point's plan does differently."""
    from ..case.toggles import GRAMMAR, apply_toggles
    from ..results.answers.whatif import whatif_answer
    from ..results.whatif import cost_of_keeping, plan_changes
    from ..solving.whatif import run_whatif
    loaded = load(opts, "whatif", reporter)
    c = loaded.case
    if not bans and not lifts:
        raise CaseError(f"whatif needs at least one toggle: {GRAMMAR}")
    toggled = apply_toggles(c, list(bans), list(lifts), from_period)
    n = opts.points or c.settings.frontier_points
    with reporter.progress(n, "what-if") as update:
        run = _explained(lambda: run_whatif(c, toggled, n, loaded.measure, loaded.solve, update), loaded)
    base = _report_for(run.baseline, loaded, "whatif", {})
    tog = _report_for(run.toggled, loaded, "whatif", {}, case=toggled)
    kept = cost_of_keeping(base, run.kept)
    tog.extra_sheets = {"baseline_frontier": base.frontier.copy(), "cost_of_keeping": kept,
                        "plan_changes": plan_changes(base, tog)}
    tog.overlay = {"baseline": base.frontier, "toggled": tog.frontier}
    tog.warnings = list(dict.fromkeys([w if w.startswith("input:") else f"{side}: {w}"
                                       for side, report in (("baseline", base), ("toggled", tog))
                                       for w in report.warnings]))
    tog.answer = whatif_answer(base, tog, list(toggled.toggles), kept)
    write(tog, loaded.target, reporter, opts.plot)
    _say_answer(reporter, tog.answer)
    return _outcome({"case": c.settings.case_name, "risk_measure": loaded.measure, "output": str(loaded.target),
                     "baseline": {"frontier": json_rows(base.frontier)},
                     "toggled": {"frontier": json_rows(tog.frontier), "toggles": list(toggled.toggles)},
                     "cost_of_keeping": json_rows(kept), "difference": tog.answer.numbers["difference"]},
                    tog, loaded.target, reporter)


def stress(opts: RunOptions, pairs: bool, reporter: Reporter) -> RunOutcome:
    """Each scenario rule and each site as an outage, alone (or in pairs), in the nominal scenario:
    how long the baseline network survives it (and a redesigned one), and what it costs."""
    from ..results.answers.stress import stress_answer
    from ..results.stress import stress_ranking, stress_summary
    from ..solving.stress import run_stress, stress_disruptions
    loaded = load(opts, "stress", reporter)
    c = loaded.case
    total = 1 + 2 * (len(stress_disruptions(c, pairs)) + 1)
    with reporter.progress(total, "stress") as update:
        run = _explained(lambda: run_stress(c, loaded.measure, loaded.solve, pairs, update), loaded)
    ranking = stress_ranking(c, loaded.measure, run)
    items, warnings = stress_summary(c, run)
    report = _report_for(run.result, loaded, "stress", {"stress_wall_s": run.seconds,
                                                        "workers": loaded.solve.workers})
    report.summary.update(items)
    report.warnings += warnings
    report.knee_point = None  # each disruption is its own world: no knee among them
    report.answer = stress_answer(c, run, ranking)
    report.knee_text = ""
    report.extra_sheets = {"stress_ranking": ranking}
    report.sheet_charts = {"stress_ranking": "time_to_survive"}
    write(report, loaded.target, reporter)
    _say_answer(reporter, report.answer)
    return _outcome({"case": c.settings.case_name, "risk_measure": loaded.measure, "output": str(loaded.target),
                     "frontier": json_rows(report.frontier), "ranking": json_rows(ranking)}, report, loaded.target, reporter)


# results workbooks whose frontier sheet is not one frontier, and why (compare refuses them)
NOT_A_FRONTIER = {"compare": "a compare workbook (its rows are the frontiers it overlays)",
                  "stress": "a stress workbook (its rows are each disruption's plans, each in its own world)"}


def compare(files: list[Path], labels: list[str], out: Path | None, force: bool, plot: bool,
            reporter: Reporter) -> RunOutcome:
    """Overlay the frontiers of several results workbooks in one table and one chart."""
    from ..results.answers.compare import compare_answer
    from ..results.compare import cost_at_equal_risk
    from ..results.excel import is_results_workbook, read_frontier, write_plot, write_results
    labels = [part.strip() for value in (labels or []) for part in value.split(",") if part.strip()]
    if len(files) < 2:
        raise CaseError("compare needs at least two results workbooks")
    if labels and len(labels) != len(files):
        raise CaseError(f"--labels: {len(labels)} labels for {len(files)} files, expected one label per file")
    _same_file_twice(files)
    labels = labels or [f.stem for f in files]
    if len(set(labels)) != len(labels):
        raise CaseError("--labels: expected distinct labels")
    target = out or outputs_dir() / "compare.xlsx"
    if target.suffix.lower() != ".xlsx":
        raise CaseError(f"--out {target}: expected a file name ending in .xlsx")
    writable_file(target, "--out")
    if any(f.exists() and f.resolve() == target.resolve() for f in files):
        raise CaseError(f"--out {target}: that is one of the workbooks compared; expected another file name "
                        "(writing there would replace it)")
    overlay, tables, summaries = {}, [], []
    for label, f in zip(labels, files):
        try:
            summary, fr = read_frontier(f)  # its errors name the file, a missing one included
        except ValueError as exc:
            said = str(exc)
            raise CaseError(said if said.startswith(str(f)) else f"{f}: {said}")
        if summary.get("verb") in NOT_A_FRONTIER:
            raise CaseError(f"{f}: {NOT_A_FRONTIER[summary['verb']]}, not a frontier; expected a results workbook "
                            "written by solve, frontier, whatif or value")
        overlay[label] = fr
        t = fr.copy()
        t.insert(0, "label", label)
        t.insert(1, "file", str(f))
        tables.append(t)
        summaries.append({"label": label, "file": str(f), **{k: summary.get(k) for k in
                          ("case", "verb", "risk_measure", "cvar_alpha", "currency", "toggles_applied", "status",
                           "knee_point", "input_sha256")}})
    measures = {s["risk_measure"] for s in summaries}
    _comparable(summaries)
    warnings = _different_cases(summaries)
    for w in warnings:
        reporter.say(f"warning: {w}")
    table = pd.concat(tables, ignore_index=True)
    if target.exists() and not force and not is_results_workbook(target):
        raise CaseError(f"--out {target}: the file exists and is not a results workbook of this tool; "
                        "expected a new file name (or --force)")
    currencies = {s["currency"] for s in summaries if s.get("currency")}
    currency = currencies.pop() if len(currencies) == 1 else ""
    measure = str(summaries[0]["risk_measure"])
    equal, lines, equal_warnings = cost_at_equal_risk(overlay, currency, measure)
    warnings += equal_warnings
    extra = {"compared_files": pd.DataFrame(summaries)}
    if len(equal):
        extra["cost_at_equal_risk"] = equal
    answer = compare_answer(overlay, {s["label"]: s.get("knee_point") for s in summaries}, measure, currency,
                            equal, lines, equal_warnings)
    report = Report(case_name=" vs ".join(labels), risk_measure=measure,
                    currency=currency, frontier=table, tables={}, kind=RunKind.COMPARE, answer=answer,
                    knee_point=None, knee_text="",
                    run_info={**versions(), "verb": "compare",
                              **{f"file_{i + 1}": f"{s['label']}: {s['file']}" for i, s in enumerate(summaries)}},
                    extra_sheets=extra, overlay=overlay, warnings=warnings)
    report.summary = {"case": report.case_name, "verb": "compare", "date": datetime.now().replace(microsecond=0),
                      "files": "; ".join(f"{s['label']} = {s['file']}" for s in summaries),
                      "toggles_applied": "; ".join(f"{s['label']}: {s['toggles_applied']}" for s in summaries),
                      "status": "; ".join(f"{s['label']}: {s['status']}" for s in summaries),
                      "risk_measure": ", ".join(map(str, measures)), **versions()}
    write_results(report, target)
    reporter.say(f"wrote {target}")
    _say_answer(reporter, answer)
    if plot:
        write_plot(overlay, target.with_suffix(".png"), risk_measure=measure, currency=currency,
                   title=f"Expected cost against risk ({measure}): " + " vs ".join(labels))
    return _outcome({"output": str(target), "files": summaries, "frontier": json_rows(table),
                     "cost_at_equal_risk": json_rows(equal)}, report, target, reporter)


def _same_file_twice(files: list[Path]) -> None:
    """The same workbook given twice (by path, or two copies of one file) is bad input."""
    from .common import file_hash
    seen: dict = {}
    for f in files:
        if not f.is_file():
            continue
        for key in (("path", f.resolve()), ("content", file_hash(f))):
            if key in seen:
                other = seen[key]
                how = "twice" if key[0] == "path" else f"twice: {other} and {f} are the same workbook (identical content)"
                raise CaseError(f"compare: {f} is given {how}; expected different results workbooks "
                                "(a frontier compared with itself differs by nothing)")
            seen[key] = f


def _comparable(summaries: list[dict]) -> None:
    """Frontiers on different risk measures, CVaR levels or currencies share no axis: bad input."""
    for key, what, fix in (("risk_measure", "measure risk differently", "re-run one with --risk-measure"),
                           ("cvar_alpha", "use different cvar_alpha", "set one cvar_alpha in both cases"),
                           ("currency", "count costs in different currencies", "convert one case")):
        given = [s for s in summaries if s.get(key) not in (None, "")]
        if key == "cvar_alpha" and not any(str(s.get("risk_measure")).startswith("cvar") for s in summaries):
            continue
        if len({str(s[key]) for s in given}) > 1:
            which = ", ".join(f"{s['label']} ({s['file']}): {s[key]}" for s in given)
            raise CaseError(f"compare: the files {what} ({which}), so their frontiers share no axis and cannot be "
                            f"compared; expected results with one {key} ({fix})")


def _different_cases(summaries: list[dict]) -> list[str]:
    """A warning when the files are results of different cases (by case name), saying which."""
    cases = {s["label"]: s.get("case") for s in summaries}
    if len(set(map(str, cases.values()))) > 1:
        which = "; ".join(f"{label} ({s['file']}): case '{c}'" for (label, c), s in zip(cases.items(), summaries))
        return [f"the files are results of different cases ({which}): their costs and risks are compared as "
                "they stand"]
    return []


def parse_point(text: str | None, points: int) -> str | int:
    """--point: min_cost, knee, or a frontier point's number 1..points (1 is the min-cost end)."""
    raw = (text or "min_cost").strip().lower().replace("-", "_")
    if raw in ("min_cost", "knee"):
        return raw
    try:
        number = int(raw)
    except ValueError:
        raise CaseError(f"--point {text}: expected min_cost, knee or a frontier point's number 1..{points}")
    if not 1 <= number <= points:
        raise CaseError(f"--point {text}: expected a frontier point's number 1..{points} "
                        f"(the frontier has {points} points; --points changes that)")
    return "min_cost" if number == 1 else number


def _values_at(c, loaded: Loaded, point, reporter: Reporter):
    """The decision values at ``point`` (a solved frontier point, or None for the min-cost plan)."""
    from ..solving.value import options_of, run_values
    total = 3 + len(c.scenarios) + len(options_of(c))
    with reporter.progress(total, "value") as update:
        return run_values(c, loaded.measure, loaded.solve, point, update)


def _attach_values(report: Report, vr, currency: str) -> None:
    """The value sheet, the answer's words on EVPI, VSS and the options (after a frontier's own
    answer with ``frontier --values``), and the values' warnings."""
    from ..results.answers.value import value_answer
    from ..results.value import value_tables
    report.values = value_tables(vr, currency)
    values = value_answer(vr, currency)
    if report.kind is RunKind.VALUE:
        report.answer = values
    else:
        values.rows = [("decision_values" if k == "answer" else k, v) for k, v in values.rows]
        report.answer = the_answer(report).extend(values)
    report.warnings = list(dict.fromkeys(report.warnings + vr.warnings))


def value(opts: RunOptions, point: str | None, reporter: Reporter) -> RunOutcome:
    """What information, the stochastic solution and each option are worth (docs/model.md
    "Decision values"), at the min-cost plan, the knee or a frontier point (its risk limit kept)."""
    from ..results.report import describe_plan
    from ..results.value import point_label, value_document
    from ..solving.frontier import FrontierResult
    from ..solving.highs import NoSolution
    loaded = load(opts, "value", reporter)
    c = loaded.case
    n = opts.points or c.settings.frontier_points
    spec = parse_point(point, n)
    t0 = time.perf_counter()
    frontier_result, at = None, None
    if spec != "min_cost":
        frontier_result = _frontier_with_progress(c, n, loaded.measure, loaded.solve, reporter, "frontier")
        fr_report = build_report(frontier_result)
        number = fr_report.knee_point if spec == "knee" else spec
        if number is None:
            raise NoSolution(f"no knee point: {fr_report.knee_text or 'the frontier has no efficient point'}",
                             "no solution")
        at = next(p for p in frontier_result.points if p.point == number)
        if at.plan is None:
            raise NoSolution(f"point {number}: no solution ({at.outcome.status})", at.outcome.status)
    vr = _values_at(c, loaded, at, reporter)
    if frontier_result is None:
        frontier_result = FrontierResult(c, loaded.measure, [vr.point], loaded.solve)
    report = _report_for(frontier_result, loaded, "value",
                         {"value_wall_s": time.perf_counter() - t0, "workers": loaded.solve.workers,
                          "value_solves": 1 + len(vr.scenarios) + (vr.ev_plan is not None) + vr.options_solves
                          + (vr.point.kind != "min_cost")})
    if spec == "min_cost":
        report.knee_point = None
        report.knee_text = ("decision values at the min-cost plan: "
                            + describe_plan(1, report.tables, report.frontier, c.settings.currency, loaded.measure))
    else:
        report.knee_text = f"decision values at {point_label(vr)}; knee: {report.knee_text}"
    _attach_values(report, vr, c.settings.currency)
    write(report, loaded.target, reporter, opts.plot)
    _say_answer(reporter, report.answer)
    return _outcome(value_document(vr), report, loaded.target, reporter)
