"""A run as report tables: the frontier rows, efficiency marks, the knee point, the per-point
decision tables with a ``point`` column, and the summary's layout (this module alone lays it out:
the verb's answer first, built by :mod:`model.results.answers`, then the warnings, provenance and
headline numbers). Pure pandas: no Pyomo, no files."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ..formulation.objective import COST_COMPONENTS
from .answers import Answer, RunKind
from .answers.frontier import frontier_answer, stopped_points
from .metrics import RISK_COLUMNS
from .report_data import Report
from .resolution import DUPLICATE_NOTE, cheap_end_pair, distinct_efficient, unresolved_pairs
from .words import amount, number, risk_shown
from .views import plan_charts, strategic_stock, supplier_roles, unit_values

FRONTIER_COLUMNS = ["point", "kind", "risk_limit", "expected_cost", "risk", *RISK_COLUMNS, "mip_gap",
                    "solve_seconds", "status", "efficient", "note", "suppliers", "stockpile_value",
                    "contracted_offers", "built_processes", "storage_taken", "substitutes_qualified",
                    "cost_bound"]
# each point's expected cost by component (docs/results.md): they sum to expected_cost
COST_COLUMNS = [f"cost_{c}" for c in COST_COMPONENTS]
COST_TOL_REL = 1e-7
RISK_TOL = 1e-7


# summary rows (docs: the results workbook): the verb's answer first (in its own order), then the
# warnings, then provenance and headline numbers in this order (when known); other keys follow; the
# plan in words last
SUMMARY_HEAD = ["case", "verb", "date", "input_file", "input_sha256", "tool_version", "solver_version",
                "highs_version", "pyomo_version", "python_version", "toggles_applied", "status",
                "risk_measure", "cvar_alpha", "currency", "points", "efficient_points", "min_expected_cost",
                "min_risk"]
SUMMARY_TAIL = ["knee_plan"]


def the_answer(report: Report) -> Answer:
    """The verb's answer: the one the report carries, else (a frontier or a solve) the frontier's."""
    if report.answer is not None:
        return report.answer
    if report.kind in (RunKind.FRONTIER, RunKind.SOLVE):
        return frontier_answer(report)
    return Answer(report.kind, [])


def _efficient(df: pd.DataFrame) -> int:
    """The efficient plans: a point that repeats an earlier one counted once."""
    return len(distinct_efficient(df))


def summary_items(report: Report, summary: dict | None = None,
                  overlaid: bool | None = None) -> list[tuple[str, object]]:
    """The summary rows: the verb's answer first (:func:`the_answer`, in its own order), then
    the warnings, then provenance (case, date, input file and hash, versions, toggles, status, risk
    measure and alpha) and, for a run with one frontier, its headline numbers; the plan in words
    last. ``summary`` overrides report.summary, which overrides what the report gives; an
    overridden answer row keeps its place. ``overlaid`` is accepted for callers and not used."""
    fr = report.frontier if report.frontier is not None else pd.DataFrame()
    one_frontier = report.kind.headline_numbers
    derived: dict[str, object] = {"case": report.case_name, "date": datetime.now().replace(microsecond=0),
                                  "risk_measure": report.risk_measure, "currency": report.currency or None}
    for key in ("input_file", "input_sha256", "tool_version", "solver_version", "highs_version",
                "pyomo_version", "python_version", "toggles_applied", "status", "verb"):
        if report.run_info.get(key) not in (None, ""):
            derived[key] = report.run_info[key]
    if one_frontier and len(fr.columns) and "expected_cost" in fr.columns:
        costs = pd.to_numeric(fr["expected_cost"], errors="coerce").dropna()
        risks = pd.to_numeric(fr["risk"], errors="coerce").dropna() if "risk" in fr.columns else pd.Series([])
        derived["points"] = len(fr)
        if "efficient" in fr.columns:
            derived["efficient_points"] = _efficient(fr)
        derived["min_expected_cost"] = float(costs.min()) if len(costs) else None
        derived["min_risk"] = float(risks.min()) if len(risks) else None
    if report.cvar_alpha is not None:
        derived["cvar_alpha"] = report.cvar_alpha
    derived["warnings"] = "\n".join(report.warnings) if report.warnings else "no warnings"
    if one_frontier or report.kind is RunKind.WHATIF:  # a what-if's frontier sheet is its toggled world's
        derived["knee_point"] = report.knee_point
    if one_frontier:
        derived["knee_plan"] = report.knee_text or None
    answer = dict(the_answer(report).rows)
    merged = {**derived, **answer, **(report.summary or {}), **(summary or {})}
    date_value = merged.get("date")
    if isinstance(date_value, str):
        try:
            merged["date"] = datetime.fromisoformat(date_value)
        except ValueError:
            pass
    first = [k for k in answer] + (["knee_point"] if "knee_point" in merged and "knee_point" not in answer else [])
    first = [k for k in dict.fromkeys(first + ["warnings"]) if k in merged]
    head = [k for k in SUMMARY_HEAD if k in merged and k not in first]
    tail = [k for k in SUMMARY_TAIL if k in merged and k not in first]
    rest = [k for k in merged if k not in first and k not in head and k not in tail]
    return [(k, merged[k]) for k in first + head + rest + tail if k != "tool"]  # run_info marks the tool


def mark_efficiency(frontier: pd.DataFrame, worlds: list[str] | None = None) -> pd.DataFrame:
    """efficient = no where another point is as good on both axes and better on one (dominated);
    a point with an earlier point's cost and risk stays efficient (no point is better on either
    axis) and its note says whose duplicate it is (:func:`.resolution.is_duplicate`).

    Points compare only within one world (``worlds``, one per row; default: all one world): a
    stress run solves each rule set apart, and a plan under one rule set is not dominated by a plan
    under another."""
    df = frontier.copy()
    rows = df.to_dict("records")
    worlds = list(worlds) if worlds is not None else [""] * len(rows)
    solved = [r["expected_cost"] is not None and not pd.isna(r["expected_cost"]) for r in rows]

    def at_least_as_good(o, r) -> tuple[bool, bool]:
        """(o as good as r on both axes, o better on one)."""
        tol_c = COST_TOL_REL * max(1.0, abs(r["expected_cost"]))
        tol_r = RISK_TOL * max(1.0, abs(r["risk"]))
        good = o["expected_cost"] <= r["expected_cost"] + tol_c and o["risk"] <= r["risk"] + tol_r
        return good, good and (o["expected_cost"] < r["expected_cost"] - tol_c or o["risk"] < r["risk"] - tol_r)

    dominated_by = [next((o["point"] for j, o in enumerate(rows) if j != i and solved[j] and worlds[j] == worlds[i]
                          and at_least_as_good(o, r)[1]), None) if solved[i] else None
                    for i, r in enumerate(rows)]
    duplicate_of: list = [None] * len(rows)
    for i, r in enumerate(rows):  # the first of equal efficient points stands for them all
        if solved[i] and dominated_by[i] is None:
            duplicate_of[i] = next((o["point"] for j, o in enumerate(rows[:i]) if solved[j] and worlds[j] == worlds[i]
                                    and dominated_by[j] is None and duplicate_of[j] is None
                                    and at_least_as_good(o, r)[0] and at_least_as_good(r, o)[0]), None)
    eff = ["yes" if solved[i] and dominated_by[i] is None else "no" for i in range(len(rows))]
    notes = ["no solution" if not solved[i] else f"dominated by point {dominated_by[i]}" if dominated_by[i] is not None
             else f"{DUPLICATE_NOTE} {duplicate_of[i]}" if duplicate_of[i] is not None else ""
             for i in range(len(rows))]
    df["efficient"] = eff
    df["note"] = notes
    return df


def knee_point(frontier: pd.DataFrame, unresolved: set[int] = frozenset()) -> int | None:
    """The efficient point farthest from the straight line between the frontier's two ends, with
    cost and risk each scaled to 0..1: where extra spending stops buying much risk reduction.

    Points whose cost interval overlaps a neighbour's (``unresolved``) are never the knee; when
    that leaves fewer than three of three or more efficient points, there is no knee."""
    eff = distinct_efficient(frontier).dropna(subset=["expected_cost", "risk"])
    if unresolved:
        resolved = eff[~eff["point"].isin(unresolved)]
        if len(resolved) < 3 <= len(eff):
            return None
        eff = resolved
    if eff.empty:
        return None
    if len(eff) < 3:
        return int(eff.sort_values(["expected_cost", "risk"]).iloc[0]["point"])
    c0, c1 = eff["expected_cost"].min(), eff["expected_cost"].max()
    r0, r1 = eff["risk"].min(), eff["risk"].max()
    if c1 - c0 <= 0 or r1 - r0 <= 0:
        return int(eff.sort_values(["expected_cost", "risk"]).iloc[0]["point"])
    x = (eff["expected_cost"] - c0) / (c1 - c0)
    y = (eff["risk"] - r0) / (r1 - r0)
    # chord from (0, 1) (cheapest, riskiest) to (1, 0): distance of points below it, x + y - 1 < 0
    distance = (1.0 - x - y)
    best = distance.idxmax()
    if distance[best] <= 1e-9:
        return int(eff.sort_values(["expected_cost", "risk"]).iloc[0]["point"])
    return int(eff.loc[best, "point"])


def describe_plan(point: int, tables: dict[str, pd.DataFrame], frontier: pd.DataFrame, currency: str,
                  risk_measure: str = "") -> str:
    """The plan of one point in words: what it buys in the nominal scenario, its backups (offers
    contracted or being qualified that the nominal scenario does not buy from, with the scenarios
    that do), qualifications, builds, stockpile, main lanes."""
    row = frontier[frontier["point"] == point].iloc[0]
    sup = tables["suppliers"]
    sup = sup[sup["point"] == point] if len(sup) else sup
    parts = [f"Point {point}: expected cost {amount(row['expected_cost'], currency)}, risk "
             f"{risk_shown(risk_measure, row['risk'], currency)}."]
    bought = sup[sup["volume"] > 0] if len(sup) else sup
    if len(bought):
        items = [f"{r.offer} ({r.owner}, {r.material}, {r.origin_group}, {r.share:.0%} of {r.material})"
                 for r in bought.itertuples()]
        parts.append("Buys (nominal scenario) from " + "; ".join(items) + ".")
    if len(sup) and "role" in sup.columns:
        backups = sup[sup["role"].astype(str).str.startswith("backup")]
        if len(backups):
            parts.append("Backups: " + "; ".join(f"{r.offer} ({r.owner}, {r.material}, {r.origin_group}), "
                                                 f"{r.role[len('backup: '):]}" for r in backups.itertuples()) + ".")
    quals = sup[sup["qualification_started"] == "yes"]["offer"].tolist() if len(sup) else []
    if quals:
        parts.append("Qualifies " + ", ".join(quals) + ".")
    procs = tables["processes"]
    built = procs[(procs["point"] == point) & (procs["built"] == "yes")]["process"].tolist() if len(procs) else []
    if built:
        parts.append("Builds " + ", ".join(built) + ".")
    parts.append(f"Strategic stockpile worth {amount(row['stockpile_value'], currency)}.")
    routes = tables["routes"]
    ships = (routes[(routes["point"] == point) & (routes["kind"] == "shipment") & (routes["nominal"] == "yes")]
             if len(routes) else routes)
    if len(ships):
        top = ships.groupby("route")["quantity"].sum().sort_values(ascending=False).head(4)
        parts.append("Main lanes (nominal): " + ", ".join(f"{k} {v:,.0f}" for k, v in top.items()) + ".")
    return " ".join(parts)


def frontier_warnings(result, frontier: pd.DataFrame, unresolved_pairs: list[tuple[int, int]],
                      currency: str, interrupted: bool = False) -> list[str]:
    """What a planner must know before trusting the frontier (docs/model.md "Frontier"): points
    stopped by a time limit or interrupted, points without a solution, neighbours the solver's
    gap cannot tell apart, and a cost span too small to matter."""
    out = []
    for p in result.points:
        status = shown_status(p.outcome.status, interrupted)
        label = f"point {p.point}" + (f" ({p.world})" if p.world else "")
        gap = "" if p.outcome.gap is None else f", gap {p.outcome.gap:.2%}"
        if p.plan is None:
            out.append(f"{label}: no solution ({status})")
        elif "time_limit" in status:
            out.append(f"{label} stopped at its time limit ({status}{gap}): its plan is the best found, not proven")
        elif "interrupted" in status:
            out.append(f"{label} was interrupted ({status}{gap})")
    cheap_end = cheap_end_pair(frontier) if unresolved_pairs else []
    overlapping = [pair for pair in unresolved_pairs if pair not in cheap_end]
    if overlapping:
        pairs = ", ".join(f"{a} and {b}" for a, b in overlapping)
        out.append(f"points {pairs}: their cost intervals [cost_bound, expected_cost] overlap within the solver's "
                   "gap, so which is cheaper is not known; they are noted within_gap and no knee is recommended "
                   "among them")
    for end, cheapest in cheap_end:
        bound = number(frontier.loc[frontier["point"] == end, "cost_bound"].iloc[0])
        out.append(f"point {end} (the min-cost end) was beaten by point {cheapest}'s plan, and its cost bound "
                   f"({amount(bound, currency)}) lies below that plan's cost: a cheaper plan may exist, so the cheap "
                   f"end of the frontier is not resolved; points {end} and {cheapest} are noted within_gap")
    eff = distinct_efficient(frontier)
    costs = pd.to_numeric(eff["expected_cost"], errors="coerce").dropna()
    solved = sum(1 for p in result.points if p.plan is not None)
    if len(costs) and solved > 1 and not any(p.world for p in result.points):
        span, top = float(costs.max() - costs.min()), float(costs.abs().max())
        if len(costs) == 1:  # the frontier collapsed: every other point repeats or is dominated by this one
            point = int(eff.loc[costs.index[0], "point"])
            out.append(f"the frontier's cost span is 0 {currency} (under 0.1 % of its cost): it has one efficient "
                       f"plan, point {point}; every other point is the same plan or costs as much or more at no "
                       "less risk")
        elif top > 0 and span < 1e-3 * top:
            shown = f"{span:,.0f}" if span >= 100 else f"{span:.3g}"
            out.append(f"the frontier's cost span is {shown} {currency}, {span / top:.3%} of its cost (under "
                       "0.1 %): its plans cost practically the same")
    return out


INTERRUPTED = "interrupted"


def shown_status(status: str, interrupted: bool) -> str:
    """A point's status as the report shows it: in a run stopped by Ctrl-C a stage that HiGHS
    ended with an error (it was stopped mid-solve) reads ``interrupted``, never ``error``."""
    if not interrupted or "error" not in status:
        return status
    return status.replace("error", INTERRUPTED)


def build_report(result, input_hash: str = "", input_path: str = "", versions: dict | None = None,
                 timings: dict | None = None, interrupted: bool = False, kind: RunKind = RunKind.FRONTIER) -> Report:
    """Turn a FrontierResult into report tables. ``interrupted``: the run was stopped (Ctrl-C); its
    unfinished stages read interrupted and no point is recommended."""
    case = result.case
    interrupted = interrupted or any(INTERRUPTED in p.outcome.status for p in result.points)
    nominal = case.nominal_scenario
    rows = []
    tables: dict[str, list[pd.DataFrame]] = {k: [] for k in
                                             ("suppliers", "processes", "storage", "substitutes", "routes",
                                              "stockpile", "shortfall", "scenarios")}
    for p in result.points:
        plan = p.plan
        row = {"point": p.point, "kind": f"{p.world}:{p.kind}" if p.world else p.kind, "risk_limit": p.risk_limit,
               "status": shown_status(p.outcome.status, interrupted),
               "solve_note": p.note,
               "mip_gap": p.outcome.gap, "solve_seconds": round(p.seconds, 3), "cost_bound": p.cost_bound}
        if plan is not None:
            if plan.extras.get("tie_break") == "network" and p.kind in ("min_cost", "single"):
                row["solve_note"] = "; ".join(x for x in (p.note, "risk tie-break with the min-cost plan's "
                                                          "contracts, qualifications and builds held (an LP)") if x)
            breakdown = plan.extras.get("cost_breakdown") or {}
            row.update({f"cost_{c}": breakdown.get(c) for c in COST_COMPONENTS})
            row.update({"expected_cost": plan.expected_cost, "risk": plan.metrics[result.risk_measure],
                        **plan.metrics, "suppliers": plan.n_suppliers,
                        "stockpile_value": plan.extras["stockpile_value"],
                        "contracted_offers": ", ".join(plan.suppliers.loc[plan.suppliers["contracted"] == "yes", "offer"]),
                        "built_processes": ", ".join(plan.processes.loc[plan.processes["built"] == "yes", "process"]),
                        "storage_taken": ", ".join(plan.storage.loc[plan.storage["taken"] == "yes", "option"]),
                        "substitutes_qualified": ", ".join(
                            plan.substitutes.loc[plan.substitutes["qualification_started"] == "yes", "substitute"])})
            for name in tables:
                df = getattr(plan, name).copy()
                df.insert(0, "point", p.point)
                if name == "routes":
                    df["nominal"] = (df["scenario"] == nominal).map({True: "yes", False: "no"})
                tables[name].append(df)
        else:
            row.update({"expected_cost": None, "risk": None, **{c: None for c in RISK_COLUMNS}})
        rows.append(row)
    frontier = pd.DataFrame(rows)
    for col in FRONTIER_COLUMNS + COST_COLUMNS:
        if col not in frontier.columns:
            frontier[col] = None
    solve_notes = frontier["solve_note"].fillna("") if "solve_note" in frontier else None
    frontier = mark_efficiency(frontier[FRONTIER_COLUMNS + COST_COLUMNS], [p.world for p in result.points])
    if solve_notes is not None:
        frontier["note"] = [("; ".join(x for x in (a, b) if x)) for a, b in zip(frontier["note"], solve_notes)]
    joined = {k: (pd.concat(v, ignore_index=True) if v else pd.DataFrame()) for k, v in tables.items()}
    if len(joined["suppliers"]):
        joined["suppliers"]["role"] = supplier_roles(joined["suppliers"], joined["routes"], nominal,
                                                       list(case.scenarios))
    values = unit_values(case)
    held = [strategic_stock(case, p.plan, p.point, values) for p in result.points if p.plan is not None]
    held = pd.concat(held, ignore_index=True) if held else None
    worlds = {p.world for p in result.points}
    pairs = unresolved_pairs(frontier) if worlds == {""} else []
    unresolved = {q for pair in pairs for q in pair}
    if unresolved:
        partner = {}
        for a, b in pairs:
            partner.setdefault(a, []).append(b)
            partner.setdefault(b, []).append(a)
        frontier["note"] = [("; ".join(x for x in (note, "within_gap: its cost interval overlaps point "
                                                     + ", ".join(map(str, sorted(partner[pt]))) + "'s") if x))
                            if pt in unresolved else note for pt, note in zip(frontier["point"], frontier["note"])]
    _, planless = stopped_points(frontier)
    if interrupted:
        knee = None  # the frontier is unfinished: its knee is not known
    elif planless and len(frontier) > 1:
        knee = None  # a point with no plan: the frontier, and so its knee, is not known
    elif len(frontier) > 1:
        knee = knee_point(frontier, unresolved)
    else:
        knee = int(frontier.iloc[0]["point"]) if frontier["expected_cost"].notna().any() else None
    if knee is not None:
        text = describe_plan(knee, joined, frontier, case.settings.currency, result.risk_measure)
    elif interrupted:
        text = "no point recommended: the run was interrupted before the frontier was finished"
    elif planless and frontier["expected_cost"].notna().any():
        text = (f"{'point' if len(planless) == 1 else 'points'} {', '.join(map(str, planless))} stopped at the "
                "time limit without a plan, so the frontier and its knee are not known; re-run with a longer "
                "--time-limit")
    elif frontier["expected_cost"].notna().any():
        text = ("no knee recommended: the efficient points between the ends cannot be told apart within the "
                "solver's gap (see the within_gap notes)")
    else:
        text = "no solution"
    warnings = frontier_warnings(result, frontier, pairs, case.settings.currency, interrupted)
    charts = {}
    if knee is not None and worlds == {""}:
        knee_plan = next((p.plan for p in result.points if p.point == knee and p.plan is not None), None)
        if knee_plan is not None:
            charts = plan_charts(case, knee_plan, knee)
    return Report(case_name=case.settings.case_name, risk_measure=result.risk_measure,
                  currency=case.settings.currency, frontier=frontier, tables=joined, knee_point=knee,
                  knee_text=text, summary={}, origin_groups=tuple(case.groups), run_info={"input_file": input_path, "input_sha256": input_hash,
                                                        **(versions or {}), **result.timings, **(timings or {}),
                                                        **{f"model_{k}": v for k, v in result.model_size.items()}},
                  warnings=warnings, cvar_alpha=case.settings.cvar_alpha, period_unit=case.settings.period_unit,
                  held=held, charts=charts, kind=kind, interrupted=interrupted)
