"""The answer a planner reads first (DESIGN.md §5): the recommended point, its expected cost against
the cheapest plan's, its risk in words and in %, what it buys, holds, qualifies and builds. Pure
pandas; :func:`model.results.report.summary_items` puts these rows at the top of the summary.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

EPS = 1e-7
SHARE_MEASURES = ("cvar_shortfall", "expected_shortfall", "worst_shortfall", "exposure")


def pct(share) -> str:
    """A share as a percentage for a reader: 5.9 %, 0.042 %, 0 %."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "n/a"
    v = float(share) * 100
    if abs(v) < 5e-10:
        return "0 %"
    if abs(v) >= 0.1:
        return f"{v:.1f} %"
    return f"{v:.2g} %"


def pct_pair(a, b) -> tuple[str, str]:
    """Two shares as percentages with enough digits to tell them apart (28.73 % -> 28.69 %)."""
    fa, fb = pct(a), pct(b)
    if fa != fb or a is None or b is None:
        return fa, fb
    for digits in (2, 3, 4):
        fa, fb = f"{float(a) * 100:.{digits}f} %", f"{float(b) * 100:.{digits}f} %"
        if fa != fb:
            break
    return fa, fb


def money(x, currency: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    v = float(x)
    text = f"{v:,.2f}" if abs(v) < 1000 and abs(v - round(v)) > 1e-9 else f"{v:,.0f}"
    return text + (f" {currency}" if currency else "")


def tail_share(alpha: float | None) -> str:
    """The tail a CVaR at ``alpha`` averages over, in words: 0.9 -> 10 %."""
    a = 0.9 if alpha is None else float(alpha)
    return f"{(1 - a) * 100:.4g} %"


def risk_measure_words(measure: str, alpha: float | None, most_controlled: str = "") -> str:
    """What the measure is, in words (the summary's risk_measure row)."""
    group = most_controlled or "the most controlled origin group"
    return {
        "cvar_shortfall": f"cvar_shortfall at alpha {alpha if alpha is not None else 0.9:g}: the share of demand "
                          f"left unmet, averaged over the worst {tail_share(alpha)} of scenarios (by probability)",
        "cvar_cost": f"cvar_cost at alpha {alpha if alpha is not None else 0.9:g}: the scenario cost averaged over "
                     f"the worst {tail_share(alpha)} of scenarios (by probability)",
        "expected_shortfall": "expected_shortfall: the share of demand left unmet, averaged over the scenarios "
                              "weighted by probability",
        "worst_shortfall": "worst_shortfall: the share of demand left unmet in the worst scenario",
        "exposure": f"exposure: the share of purchase spend (nominal scenario, base prices) on offers of {group} "
                    "origin, the most controlled group",
    }.get(measure, measure)


def risk_words(measure: str, alpha: float | None, value, reference=None, currency: str = "",
               worst: str | None = None, reference_worst: str | None = None, most_controlled: str = "",
               reference_label: str = "at the cheapest plan") -> str:
    """One plan's risk in words and in %, against a reference plan's when given, e.g. "in the
    worst 10 % of scenarios (by probability) 5.9 % of demand goes unmet on average, against 19.6 %
    at the cheapest plan"."""
    against = ""
    shown, ref_shown = (pct_pair(value, reference) if reference is not None else (pct(value), ""))
    if measure == "cvar_shortfall":
        if reference is not None:
            against = f", against {ref_shown} {reference_label}"
        return (f"in the worst {tail_share(alpha)} of scenarios (by probability) {shown} of demand goes "
                f"unmet on average{against}")
    if measure == "cvar_cost":
        if reference is not None:
            against = f", against {money(reference, currency)} {reference_label}"
        return (f"in the worst {tail_share(alpha)} of scenarios (by probability) the plan costs "
                f"{money(value, currency)} on average{against}")
    if measure == "expected_shortfall":
        if reference is not None:
            against = f", against {ref_shown} {reference_label}"
        return f"on average over the scenarios (weighted by probability) {shown} of demand goes unmet{against}"
    if measure == "worst_shortfall":
        where = f" ({worst})" if worst else ""
        if reference is not None:
            against = f", against {ref_shown} {reference_label}" + (f" (in {reference_worst})"
                                                                    if reference_worst else "")
        return f"in its worst scenario{where} {shown} of demand goes unmet{against}"
    if measure == "exposure":
        group = most_controlled or "the most controlled group"
        if reference is not None:
            against = f", against {ref_shown} {reference_label}"
        return (f"{shown} of purchase spend (nominal scenario, at base prices) goes to offers of {group} "
                f"origin{against}")
    return f"{measure} {value}" + (f", against {reference} {reference_label}" if reference is not None else "")


def _row(frontier: pd.DataFrame, point) -> dict | None:
    hit = frontier[frontier["point"] == point]
    return None if hit.empty else hit.iloc[0].to_dict()


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def cheapest_point(frontier: pd.DataFrame) -> dict | None:
    """The efficient point of least expected cost (the min-cost end)."""
    eff = frontier[frontier["efficient"] == "yes"] if "efficient" in frontier.columns else frontier
    eff = eff.assign(_c=pd.to_numeric(eff["expected_cost"], errors="coerce")).dropna(subset=["_c"])
    if eff.empty:
        return None
    keys = ["_c", "risk"] if "risk" in eff.columns else ["_c"]
    return eff.sort_values(keys).iloc[0].drop(labels="_c").to_dict()


def worst_scenario_of(report: "Report", point) -> str | None:
    sc = (report.tables or {}).get("scenarios")
    if sc is None or sc.empty or "unmet_share" not in sc.columns:
        return None
    sc = sc[sc["point"] == point]
    if sc.empty or not (sc["unmet_share"] > EPS).any():
        return None
    return str(sc.sort_values("unmet_share", ascending=False, kind="stable").iloc[0]["scenario"])


def _list(items: list[str], empty: str = "nothing") -> str:
    return "; ".join(items) if items else empty


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
    if sup is None or sup.empty:
        return "nothing"
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
    if procs is None or procs.empty:
        return "nothing"
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
        cover = f", {r.days_of_cover:,.0f} days of cover" if _num(r.days_of_cover) is not None else ""
        unit = f" {r.unit}" if r.unit else ""
        parts.append(f"{r.material} at {r.site} {r.level:,.1f}{unit} ({money(r.value, currency)}{cover})")
    return (f"{when}: {'; '.join(parts)}; worth {money(h['value'].sum(), currency)} in all, each material "
            "at what it costs to buy or make")


def answer_items(report: "Report") -> list[tuple[str, object]]:
    """The summary's first rows. Empty for a table of several frontiers (compare) or of several
    rule sets (stress): their runs say their own answer."""
    fr = report.frontier
    if (fr is None or fr.empty or not {"point", "expected_cost", "risk"} <= set(fr.columns)
            or "label" in fr.columns):
        return []
    kinds = fr["kind"].astype(str) if "kind" in fr.columns else pd.Series([], dtype=str)
    if kinds.str.contains(":").any():  # several worlds (stress)
        return [("answer", report.knee_text)] if report.knee_text else []
    measure, alpha, currency = report.risk_measure, report.cvar_alpha, report.currency or ""
    top = report.origin_groups[-1] if report.origin_groups else ""
    solved = fr[pd.to_numeric(fr["expected_cost"], errors="coerce").notna()]
    if solved.empty:
        return [("answer", "no plan: no point of the frontier was solved (see status and warnings)")]
    cheap = cheapest_point(fr)
    knee = report.knee_point
    rows: list[tuple[str, object]] = []
    if knee is None:
        notes = fr["note"].fillna("").astype(str) if "note" in fr.columns else pd.Series([""] * len(fr))
        unresolved = [int(p) for p, n in zip(fr["point"], notes) if "within_gap" in n]
        why = (f"points {', '.join(map(str, unresolved))} cannot be told apart within the solver's gap (their cost "
               "intervals [cost_bound, expected_cost] overlap), so a knee among them would sit inside the solver's "
               "tolerance (and no plan is charted); re-run with a longer --time-limit or a smaller --mip-gap" if unresolved else
               report.knee_text or "no efficient point")
        rows.append(("answer", f"no point is recommended: {why}"))
        safest = solved.assign(_r=pd.to_numeric(solved["risk"], errors="coerce")).sort_values(["_r", "expected_cost"])
        for key, r in (("cheapest_plan", cheap), ("least_risk_plan", safest.iloc[0].to_dict())):
            if r is None:
                continue
            rows.append((key, f"point {int(r['point'])}: expected cost {money(r['expected_cost'], currency)}; "
                              + risk_words(measure, alpha, _num(r["risk"]), None, currency,
                                           worst_scenario_of(report, r["point"]), None, top)))
        rows.append(("risk_measure_meaning", risk_measure_words(measure, alpha, top)))
        return rows
    k = _row(fr, knee)
    single = len(fr) == 1
    is_cheapest = cheap is not None and int(cheap["point"]) == int(knee)
    if single:
        limit = _num(k.get("risk_limit"))
        within = f" within the risk limit {measure} <= {limit:.6g}" if limit is not None else ""
        rows.append(("answer", f"the plan of least expected cost{within} (point {knee}): expected cost "
                               f"{money(k['expected_cost'], currency)}"))
    else:
        n_eff = int((fr["efficient"] == "yes").sum()) if "efficient" in fr.columns else len(fr)
        rows.append(("answer", f"recommended: point {knee} of {len(fr)} ({n_eff} efficient), the knee of the "
                               "frontier, where spending more stops buying much less risk"))
    rows.append(("knee_point", knee))
    cost = _num(k["expected_cost"])
    if not single and cheap is not None and not is_cheapest:
        c0 = _num(cheap["expected_cost"])
        extra = cost - c0
        share = f" ({extra / c0:+.1%})" if c0 else ""
        rows.append(("expected_cost", f"{money(cost, currency)}: {money(extra, currency).replace('-', '')} "
                                      f"{'more' if extra >= 0 else 'less'}{share} than the cheapest plan (point "
                                      f"{int(cheap['point'])}, {money(c0, currency)})"))
    elif not single:
        rows.append(("expected_cost", f"{money(cost, currency)}: the cheapest plan itself (point {knee})"))
    else:
        rows.append(("expected_cost", money(cost, currency)))
    ref = None if (single or cheap is None or is_cheapest) else _num(cheap["risk"])
    ref_worst = None if ref is None else worst_scenario_of(report, cheap["point"])
    rows.append(("risk", risk_words(measure, alpha, _num(k["risk"]), ref, currency,
                                    worst_scenario_of(report, knee), ref_worst, top)))
    rows.append(("risk_measure_meaning", risk_measure_words(measure, alpha, top)))
    buys, backups = buys_text(report, knee)
    rows.append(("buys", buys))
    rows.append(("backups", backups))
    rows.append(("qualifies", qualifies_text(report, knee)))
    rows.append(("builds", builds_text(report, knee)))
    rows.append(("holds", holds_text(report, knee)))
    return rows
