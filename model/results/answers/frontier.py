"""The answer of ``frontier`` and ``solve`` (docs: the results workbook): the recommended point,
its expected cost against the cheapest plan's, its risk in words and in %, what the cost span buys
when every efficient point takes the same once-decisions, the risk as one scenario's shortfall when
the CVaR tail is that scenario, the share of expected cost that is shortfall penalties, and what
the plan buys, backs up, qualifies, builds and holds. An interrupted or unresolved run recommends no
point and its first row says so. Pure pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...formulation.risk import known
from ..decisions import decisions_at, difference_counts, differences, kinds_in_words
from ..words import (EPS, amount, in_money, number, pct, pct_pair, risk_difference, risk_measure_words, risk_shown,
                     risk_words, tail_share)
from ..resolution import distinct_efficient
from . import Answer, RunKind

if TYPE_CHECKING:  # pragma: no cover
    from ..report_data import Report

def _row(frontier: pd.DataFrame, point) -> dict | None:
    hit = frontier[frontier["point"] == point]
    return None if hit.empty else hit.iloc[0].to_dict()


def _list(items: list[str], empty: str = "nothing") -> str:
    return "; ".join(items) if items else empty


def efficient_points(frontier: pd.DataFrame) -> pd.DataFrame:
    """The efficient points with a cost and a risk, cheapest first (a duplicate once)."""
    eff = distinct_efficient(frontier)
    eff = eff.assign(_c=pd.to_numeric(eff["expected_cost"], errors="coerce"),
                     _r=pd.to_numeric(eff["risk"], errors="coerce")).dropna(subset=["_c", "_r"])
    return eff.sort_values(["_c", "_r"]).drop(columns=["_c", "_r"])


def cheapest_point(frontier: pd.DataFrame) -> dict | None:
    """The efficient point of least expected cost (the min-cost end)."""
    eff = efficient_points(frontier)
    return None if eff.empty else eff.iloc[0].to_dict()


def least_risk_point(frontier: pd.DataFrame) -> dict | None:
    """The solved point of least risk (the cheaper on a tie)."""
    solved = frontier.assign(_c=pd.to_numeric(frontier["expected_cost"], errors="coerce"),
                             _r=pd.to_numeric(frontier["risk"], errors="coerce")).dropna(subset=["_c", "_r"])
    return None if solved.empty else solved.sort_values(["_r", "_c"]).iloc[0].drop(labels=["_c", "_r"]).to_dict()


def headline(report: "Report") -> dict:
    """min cost, knee cost and min risk of a report's frontier (None where unknown), with the
    points they are at: the numbers every comparison of two frontiers reads."""
    return headline_of(report.frontier, report.knee_point)


def headline_of(fr: pd.DataFrame, knee_point) -> dict:
    """:func:`headline` of a frontier table and its knee point (None: no knee)."""
    knee_point = None if knee_point is None or number(knee_point) is None else int(number(knee_point))
    if fr is None or fr.empty or not {"point", "expected_cost", "risk"} <= set(fr.columns):
        fr = pd.DataFrame(columns=["point", "expected_cost", "risk", "efficient"])
    cheap, safe = cheapest_point(fr), least_risk_point(fr)
    knee = _row(fr, knee_point) if knee_point is not None else None
    return {"min_cost": number(cheap["expected_cost"]) if cheap else None,
            "min_cost_point": int(cheap["point"]) if cheap else None,
            "min_cost_risk": number(cheap["risk"]) if cheap else None,
            "knee_point": knee_point if knee else None,
            "knee_cost": number(knee["expected_cost"]) if knee else None,
            "knee_risk": number(knee["risk"]) if knee else None,
            "min_risk": number(safe["risk"]) if safe else None,
            "min_risk_point": int(safe["point"]) if safe else None,
            "min_risk_cost": number(safe["expected_cost"]) if safe else None}


def headline_words(h: dict, measure: str, currency: str = "") -> str:
    """min cost, knee and min risk (:func:`headline`) in one line: "min cost 1,910.3 M USD at risk
    28.3 %; knee ...; min risk ..."."""
    m, cur = measure, currency
    knee = (f"knee {amount(h['knee_cost'], cur)} at risk {risk_shown(m, h['knee_risk'], cur)} (point "
            f"{h['knee_point']})" if h["knee_cost"] is not None else "no knee recommended")
    return (f"min cost {amount(h['min_cost'], cur)} at risk {risk_shown(m, h['min_cost_risk'], cur)}; {knee}; "
            f"min risk {risk_shown(m, h['min_risk'], cur)} at {amount(h['min_risk_cost'], cur)}")


def worst_scenario_of(report: "Report", point) -> str | None:
    sc = (report.tables or {}).get("scenarios")
    if sc is None or sc.empty or "unmet_share" not in sc.columns:
        return None
    sc = sc[sc["point"] == point]
    if sc.empty or not (sc["unmet_share"] > EPS).any():
        return None
    return str(sc.sort_values("unmet_share", ascending=False, kind="stable").iloc[0]["scenario"])


def buys_text(report: "Report", point) -> tuple[str, str]:
    """(what the plan buys in the nominal scenario, its backups), from the suppliers table."""
    sup = (report.tables or {}).get("suppliers")
    if sup is None or sup.empty:
        return "nothing", "no backups"
    sup = sup[sup["point"] == point]
    buys, backups = [], []
    for mat, rows in sup[sup["volume"] > EPS].groupby("material", sort=False):
        parts = [f"{r.offer} ({r.owner}, {r.origin_group}) {r.share:.0%}" for r in
                 rows.sort_values("share", ascending=False).itertuples()]
        buys.append(f"{mat}: " + ", ".join(parts))
    if "role" in sup.columns:
        for r in sup[sup["role"].astype(str).str.startswith("backup")].itertuples():
            backups.append(f"{r.offer} ({r.owner}, {r.material}, {r.origin_group}): {r.role[len('backup: '):]}")
    return _list(buys), _list(backups, "no backups")


def qualifies_text(report: "Report", point) -> str:
    sup = (report.tables or {}).get("suppliers")
    items = []
    if sup is not None and not sup.empty:
        q = sup[(sup["point"] == point) & (sup["qualification_started"] == "yes")]
        items = [f"{r.offer} ({r.owner}, {r.material}, {r.origin_group})" for r in q.itertuples()]
    subs = (report.tables or {}).get("substitutes")
    if subs is not None and not subs.empty:
        qs = subs[(subs["point"] == point) & (subs["qualification_started"] == "yes")]
        items += [f"{r.substitute_material} as a substitute for {r.demand_material} (from period "
                  f"{int(r.usable_from_period)})" for r in qs.itertuples()]
    return _list(items)


def builds_text(report: "Report", point) -> str:
    procs = (report.tables or {}).get("processes")
    items = []
    if procs is not None and not procs.empty:  # a case without processes may still rent storage
        b = procs[(procs["point"] == point) & (procs["built"] == "yes")]
        items = [f"{r.process} ({r.output} at {r.site})" for r in b.itertuples()]
    store = (report.tables or {}).get("storage")
    if store is not None and not store.empty:
        st = store[(store["point"] == point) & (store["taken"] == "yes")]
        items += [f"storage {r.option} ({r.extra_max_stock:,.0f} units of room at {r.site} from period "
                  f"{int(r.ready_from_period)})" for r in st.itertuples()]
    return _list(items)


def holds_text(report: "Report", point) -> str:
    held = report.held
    currency = report.currency or ""
    if held is None or held.empty or not (held["point"] == point).any():
        return "no strategic stockpile (nothing held when the first disruption becomes known)"
    h = held[held["point"] == point].sort_values("value", ascending=False)
    period = int(h["period"].iloc[0])
    when = ("at the start (the initial stock: a disruption may be known from period 1)" if period == 0 else
            f"at the end of period {period}, before the first disruption becomes known")
    parts = []
    for r in h.itertuples():
        days = number(r.days_of_cover)
        cover = "" if days is None else f", {days:,.0f} day{'' if round(days) == 1 else 's'} of cover"
        unit = f" {r.unit}" if r.unit else ""
        parts.append(f"{r.material} at {r.site} {r.level:,.1f}{unit} ({amount(r.value, currency)}{cover})")
    return (f"{when}: {'; '.join(parts)}; worth {amount(h['value'].sum(), currency)} in all, each material "
            "at what it costs to buy or make")


def same_decisions_text(report: "Report") -> str | None:
    """When every efficient point (two or more) takes the same once-decisions: that, and what the
    cost span buys instead (recourse: which scenarios' shortfall moves, between which demands);
    None otherwise."""
    eff = efficient_points(report.frontier)
    if len(eff) < 2:
        return None
    taken = [decisions_at(report.tables, p) for p in eff["point"]]
    if not taken or not taken[0] or any(t != taken[0] for t in taken[1:]):
        return None
    cur, m = report.currency or "", report.risk_measure
    lo, hi = eff.iloc[0], eff.sort_values(["risk", "expected_cost"]).iloc[0]
    span = float(hi["expected_cost"]) - float(lo["expected_cost"])
    text = (f"every efficient point ({len(eff)}) takes the same {kinds_in_words(taken[0])}: the cheapest plan's "
            f"network is already the least-risk plan's. The cost span, {amount(span, cur)} from point "
            f"{int(lo['point'])} to point {int(hi['point'])}, buys recourse instead (purchases, stock and routes "
            f"re-planned in the scenarios), risk {risk_shown(m, lo['risk'], cur)} -> {risk_shown(m, hi['risk'], cur)}")
    moved = _recourse_moves(report, int(lo["point"]), int(hi["point"]))
    return text + (f": {moved}" if moved else "")


def _recourse_moves(report: "Report", a: int, b: int) -> str:
    """Which scenarios' shortfall moves from point a to point b, and between which demands."""
    sc = (report.tables or {}).get("scenarios")
    if sc is None or sc.empty or "unmet_share" not in sc.columns:
        return ""
    share = sc.pivot_table(index="scenario", columns="point", values="unmet_share", aggfunc="sum")
    if a not in share.columns or b not in share.columns:
        return ""
    diff = (share[b] - share[a]).dropna()
    diff = diff[diff.abs() > 1e-6].sort_values(key=lambda s: -s.abs())
    if diff.empty:
        return "no scenario's shortfall moves"
    scen = [f"{s} {pct(share.loc[s, a])} -> {pct(share.loc[s, b])} of demand unmet" for s in diff.index[:3]]
    more = f" and {len(diff) - 3} more" if len(diff) > 3 else ""
    text = "shortfall moves in " + "; ".join(scen) + more
    sf = (report.tables or {}).get("shortfall")
    if sf is not None and not sf.empty and {"site", "material", "unmet"} <= set(sf.columns):
        sf = sf[sf["scenario"].isin(diff.index)]
        units = sf.assign(d=sf["site"].astype(str) + " " + sf["material"].astype(str)).pivot_table(
            index="d", columns="point", values="unmet", aggfunc="sum").reindex(columns=[a, b]).fillna(0.0)
        moved = (units[b] - units[a])
        less = [f"{d} {v:,.1f}" for d, v in moved[moved < -1e-6].sort_values().head(3).items()]
        more_ = [f"{d} +{v:,.1f}" for d, v in moved[moved > 1e-6].sort_values(ascending=False).head(3).items()]
        if less or more_:
            text += ("; between demands (units unmet over the horizon in those scenarios): "
                     + "; ".join(x for x in ("less at " + ", ".join(less) if less else "",
                                             "more at " + ", ".join(more_) if more_ else "") if x))
    return text


def one_scenario_tail(report: "Report", point) -> str | None:
    """For a CVaR measure, when the worst ``1 - cvar_alpha`` of probability is one scenario: the
    risk is that scenario's shortfall (or cost), in words; None otherwise."""
    m = report.risk_measure
    sc = (report.tables or {}).get("scenarios")
    rm = known(m)
    if rm is None or not rm.tail or sc is None or sc.empty:
        return None
    sc = sc[sc["point"] == point]
    loss = "cost" if rm.in_money else "unmet_share"
    if sc.empty or loss not in sc.columns:
        return None
    alpha = 0.9 if report.cvar_alpha is None else float(report.cvar_alpha)
    worst = sc.sort_values(loss, ascending=False, kind="stable").iloc[0]
    if float(worst["probability"]) < (1 - alpha) - 1e-9:
        return None
    if not rm.in_money and (number(worst["unmet_share"]) or 0.0) <= 1e-9:
        return None  # no scenario leaves demand unmet: the tail is no one scenario's shortfall
    what = (f"{pct(worst['unmet_share'])} of demand goes unmet there" if not rm.in_money else
            f"the plan costs {amount(worst['cost'], report.currency or '')} there")
    return (f"the worst {tail_share(report.cvar_alpha)} of probability is one scenario, {worst['scenario']} "
            f"(probability {pct(worst['probability'])}): the risk is that scenario's "
            f"{'cost' if rm.in_money else 'shortfall'}; {what}")


def penalty_share_text(report: "Report", point) -> str | None:
    """The share of the point's expected cost that is shortfall penalties."""
    r = _row(report.frontier, point)
    if r is None or "cost_shortfall_penalties" not in r:
        return None
    pen, total = number(r.get("cost_shortfall_penalties")), number(r.get("expected_cost"))
    if pen is None or not total:
        return None
    cur = report.currency or ""
    return (f"{pct(pen / total)} of the expected cost is shortfall penalties ({amount(pen, cur)} of "
            f"{amount(total, cur)}): demand left unmet, priced at its penalty")


def _status(fr: pd.DataFrame) -> pd.Series:
    return fr["status"].fillna("").astype(str) if "status" in fr.columns else pd.Series([""] * len(fr))


def _unfinished(fr: pd.DataFrame) -> list[int]:
    return [int(p) for p, s in zip(fr["point"], _status(fr)) if "interrupted" in s]


def stopped_points(fr: pd.DataFrame) -> tuple[list[int], list[int]]:
    """(the points that stopped at their time limit, those of them left without a plan)."""
    costs = pd.to_numeric(fr["expected_cost"], errors="coerce")
    stopped = [(int(p), pd.isna(c)) for p, st, c in zip(fr["point"], _status(fr), costs) if "time_limit" in st]
    return [p for p, _ in stopped], [p for p, planless in stopped if planless]


def time_limit_words(fr: pd.DataFrame) -> str:
    """What the first row adds when points stopped at their time limit (a time-limited run's
    first row says so, docs/results.md); "" when none did."""
    stopped, planless = stopped_points(fr)
    if not stopped:
        return ""
    if len(fr) == 1:
        return ("the solve stopped at its time limit: " + ("no plan was found" if planless else
                "its plan is the best found, not proven optimal") + "; a longer --time-limit may change it")
    which = "point" if len(stopped) == 1 else "points"
    text = (f"{len(stopped)} of {len(fr)} points stopped at their time limit ({which} "
            f"{', '.join(map(str, stopped))})")
    with_plan = len(stopped) - len(planless)
    if with_plan:
        text += (": their plans are the best found, not proven optimal" if not planless else
                 f": {with_plan} with a plan that is the best found, not proven optimal, "
                 f"{len(planless)} with no plan")
    else:
        text += " without a plan"
    return text + "; a longer --time-limit may change them"


def _with_time_limit(rows: list, console: list, fr: pd.DataFrame) -> None:
    words = time_limit_words(fr)
    if words and rows and rows[0][0] == "answer":
        rows[0] = ("answer", f"{rows[0][1]}; {words}")
        console.insert(1, words)


def frontier_answer(report: "Report") -> Answer:
    """The summary's first rows of a frontier (or a one-point solve) and the console's answer."""
    kind = report.kind if report.kind in (RunKind.SOLVE, RunKind.FRONTIER, RunKind.VALUE, RunKind.WHATIF) \
        else RunKind.FRONTIER
    fr = report.frontier
    if fr is None or fr.empty or not {"point", "expected_cost", "risk"} <= set(fr.columns):
        return Answer(kind, [("answer", "no plan: nothing was solved")], ["no plan: nothing was solved"])
    measure, alpha, cur = report.risk_measure, report.cvar_alpha, report.currency or ""
    top = report.origin_groups[-1] if report.origin_groups else ""
    solved = fr[pd.to_numeric(fr["expected_cost"], errors="coerce").notna()]
    numbers = headline(report)
    if solved.empty:
        text = "no plan: no point of the frontier was solved (see status and warnings)"
        return Answer(kind, [("answer", text)], [text], numbers)
    cheap = cheapest_point(fr)
    knee = report.knee_point
    rows: list[tuple[str, object]] = []
    if knee is None:
        notes = fr["note"].fillna("").astype(str) if "note" in fr.columns else pd.Series([""] * len(fr))
        unresolved = [int(p) for p, n in zip(fr["point"], notes) if "within_gap" in n]
        unfinished = _unfinished(fr)
        if report.interrupted or unfinished:
            why = (f"the run was interrupted: {len(solved)} of {len(fr)} points have a plan"
                   + (f", points {', '.join(map(str, unfinished))} were not finished (marked interrupted)"
                      if unfinished else "")
                   + "; a knee of an unfinished frontier is not known; run it again to finish")
        elif unresolved:
            why = (f"points {', '.join(map(str, unresolved))} cannot be told apart within the solver's gap (their "
                   "cost intervals [cost_bound, expected_cost] overlap), so a knee among them would sit inside the "
                   "solver's tolerance (and no plan is charted); re-run with a longer --time-limit or a smaller "
                   "--mip-gap")
        else:
            why = report.knee_text or "no efficient point"
        rows.append(("answer", f"no point is recommended: {why}"))
        safest = least_risk_point(fr)
        for key, r in (("cheapest_plan", cheap), ("least_risk_plan", safest)):
            if r is None:
                continue
            rows.append((key, f"point {int(r['point'])}: expected cost {amount(r['expected_cost'], cur)}; "
                              + risk_words(measure, alpha, number(r["risk"]), None, cur,
                                           worst_scenario_of(report, r["point"]), None, top)))
        shares = {}  # point -> words; a plan that is both the cheapest and the least-risk is said once
        for label, r in (("the cheapest plan", cheap), ("the least-risk plan", safest)):
            text = penalty_share_text(report, int(r["point"])) if r is not None else None
            if text and int(r["point"]) not in shares:
                shares[int(r["point"])] = f"at {label} (point {int(r['point'])}) {text}"
        if shares:
            rows.append(("shortfall_penalties", "; ".join(shares.values())))
        rows.append(("risk_measure_meaning", risk_measure_words(measure, alpha, top)))
        console = [f"no point recommended: {why}", headline_words(numbers, measure, cur)]
        _with_time_limit(rows, console, fr)
        return Answer(kind, rows, console, numbers)
    k = _row(fr, knee)
    single = len(fr) == 1
    is_cheapest = cheap is not None and int(cheap["point"]) == int(knee)
    if single:
        limit = number(k.get("risk_limit"))
        within = f" within the risk limit {measure} <= {limit:.6g}" if limit is not None else ""
        rows.append(("answer", f"the plan of least expected cost{within} (point {knee}): expected cost "
                               f"{amount(k['expected_cost'], cur)}"))
    else:
        n_eff = len(distinct_efficient(fr))  # a duplicate is the same plan
        if n_eff == 1:
            rows.append(("answer", f"recommended: point {knee} of {len(fr)}, the only efficient plan: every other "
                                   "point is the same plan or costs as much or more at no less risk, so there is no "
                                   "trade-off to choose"))
        elif is_cheapest:  # knee_point's fallback: no efficient point lies below the chord
            why = ("with two efficient plans there is no bend between them" if n_eff < 3 else
                   "no efficient point lies below the straight line between its ends, so each further step "
                   "buys risk reduction at a steady or growing rate")
            rows.append(("answer", f"recommended: point {knee} of {len(fr)} ({n_eff} efficient plans), the cheapest "
                                   f"plan: the frontier has no knee ({why}); the changes sheet gives what each "
                                   "step buys"))
        else:
            rows.append(("answer", f"recommended: point {knee} of {len(fr)} ({n_eff} efficient plans), the knee of the "
                                   "frontier, where spending more stops buying much less risk"))
    rows.append(("knee_point", knee))
    cost = number(k["expected_cost"])
    extra_words = ""
    if not single and cheap is not None and not is_cheapest:
        c0 = number(cheap["expected_cost"])
        extra = cost - c0
        share = f" ({extra / c0:+.1%})" if c0 else ""
        extra_words = f"{amount(abs(extra), cur)} {'more' if extra >= 0 else 'less'}{share} than the cheapest plan"
        rows.append(("expected_cost", f"{amount(cost, cur)}: {extra_words} (point {int(cheap['point'])}, "
                                      f"{amount(c0, cur)})"))
    elif not single:
        rows.append(("expected_cost", f"{amount(cost, cur)}: the cheapest plan itself (point {knee})"))
    else:
        rows.append(("expected_cost", amount(cost, cur)))
    ref = None if (single or cheap is None or is_cheapest) else number(cheap["risk"])
    ref_worst = None if ref is None else worst_scenario_of(report, cheap["point"])
    rows.append(("risk", risk_words(measure, alpha, number(k["risk"]), ref, cur,
                                    worst_scenario_of(report, knee), ref_worst, top)))
    safest = least_risk_point(fr) if not single and is_cheapest else None
    if safest is not None and int(safest["point"]) != int(knee):  # the other end, so the trade-off is on the page
        extra = number(safest["expected_cost"]) - cost
        share = f", {extra / cost:+.1%}" if cost else ""
        rows.append(("least_risk_plan", f"point {int(safest['point'])}: expected cost "
                                        f"{amount(safest['expected_cost'], cur)} ({amount(abs(extra), cur)} "
                                        f"{'more' if extra >= 0 else 'less'}{share}); "
                     + risk_words(measure, alpha, number(safest["risk"]), None, cur,
                                  worst_scenario_of(report, safest["point"]), None, top)))
    same = None if single else same_decisions_text(report)
    if same:
        rows.append(("same_decisions", same))
    elif not single and cheap is not None and not is_cheapest:
        changed = differences(decisions_at(report.tables, int(cheap["point"])), decisions_at(report.tables, knee))
        stock = [number(r.get("stockpile_value")) for r in (cheap, k)]
        if None not in stock and abs(stock[1] - stock[0]) >= 0.5:
            changed.append(f"strategic stockpile {amount(stock[0], cur)} -> {amount(stock[1], cur)}")
        rows.append(("against_cheapest_plan", f"against the cheapest plan (point {int(cheap['point'])}) it "
                                              + ("; ".join(changed) if changed else
                                                 "takes the same once-decisions and stockpile")))
    tail = one_scenario_tail(report, knee)
    if tail:
        rows.append(("risk_is_one_scenario", tail))
    penalties = penalty_share_text(report, knee)
    if penalties:
        rows.append(("shortfall_penalties", penalties))
    rows.append(("risk_measure_meaning", risk_measure_words(measure, alpha, top)))
    buys, backups = buys_text(report, knee)
    rows.append(("buys", buys))
    rows.append(("backups", backups))
    rows.append(("qualifies", qualifies_text(report, knee)))
    rows.append(("builds", builds_text(report, knee)))
    rows.append(("holds", holds_text(report, knee)))
    # the console: cost, risk in %, what changes (no ids beyond counts)
    risk_text = risk_shown(measure, k["risk"], cur)
    if ref is not None:
        a, b = pct_pair(k["risk"], ref) if not in_money(measure) else (risk_text, risk_shown(measure, ref, cur))
        risk_text = f"{a} (cheapest plan {b}, {risk_difference(measure, number(k['risk']) - ref, cur)})"
    lead = (f"recommended: {'the cheapest plan (no knee)' if is_cheapest else 'the knee'}, point {knee} of "
            f"{len(fr)}, expected cost {amount(cost, cur)}"
            + (f" ({extra_words})" if extra_words else "") if not single else
            f"plan: expected cost {amount(cost, cur)}")
    console = [lead, f"risk ({measure}): {risk_text}"]
    if same:
        console.append("every efficient point takes the same once-decisions: the cost span buys recourse only")
    elif cheap is not None and not is_cheapest:
        console.append("against the cheapest plan it " + difference_counts(
            decisions_at(report.tables, int(cheap["point"])), decisions_at(report.tables, knee))
            + " (the workbook's summary and changes sheets name them)")
    _with_time_limit(rows, console, fr)
    return Answer(kind, rows, console, numbers)
