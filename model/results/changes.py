"""The ``changes`` sheet (docs/results.md): what each efficient point does differently from the previous
one, in order of falling risk (from the cheapest plan towards the safest), and what that buys in
risk per unit of cost. Pure pandas."""

from __future__ import annotations

import math

import pandas as pd

from .words import in_money, number, pct_pair
from .mix import origin_mix
from .report_data import Report
from .resolution import distinct_efficient, unresolved_pairs

EPS = 1e-7
CHANGES_COLUMNS = ["from_point", "to_point", "extra_expected_cost", "risk_reduction", "risk_reduction_per_cost",
                   "risk_bought", "contracts_added", "contracts_dropped", "qualifications_added",
                   "qualifications_dropped", "builds_added", "builds_dropped", "storage_added", "storage_dropped",
                   "substitutes_added", "substitutes_dropped", "stockpile_value_change",
                   "stockpile_change", "origin_mix_change"]


def _scale(amount: float) -> tuple[float, str]:
    """A round amount of money to express a rate per: 1, 1 thousand or 1 million."""
    a = abs(amount)
    if a >= 1e6:
        return 1e6, "1 M"
    if a >= 1e3:
        return 1e3, "1,000"
    return 1.0, "1"


def risk_bought_words(measure: str, reduction: float, extra_cost: float, currency: str,
                      typical_cost: float | None = None) -> str:
    """Risk reduction per unit of extra cost, in words and with units: per a round amount of money
    fitted to ``typical_cost`` (one for the whole table, so that its steps read in one unit), else
    to this step's extra cost."""
    if extra_cost <= EPS * max(1.0, abs(extra_cost)):
        return "less risk at no extra cost"
    per, per_text = _scale(typical_cost if typical_cost else extra_cost)
    rate = reduction / extra_cost * per
    shown = rate if in_money(measure) else rate * 100
    if typical_cost and not 1e-3 <= abs(shown) < 1e4:  # unreadable in the table's unit: this step's own
        return risk_bought_words(measure, reduction, extra_cost, currency)
    cur = f" {currency}" if currency else ""
    less = f"{_figure(shown)}{cur}" if in_money(measure) else f"{_figure(shown)} percentage points"
    return f"{less} less {measure} per {per_text}{cur} more expected cost"


def _figure(x: float) -> str:
    """At most three significant figures, never in exponent form: 0.000824, 0.622, 2, 68.5, 6,850,
    1,230,000."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    decimals = 2 - math.floor(math.log10(abs(x)))
    text = f"{round(x, decimals):,.{max(0, decimals)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text  # 2, not 2.00


def _yes_sets(df: pd.DataFrame | None, flag: str, key: str) -> dict:
    """point -> the set of ``key`` values whose ``flag`` column is yes."""
    if df is None or df.empty or flag not in df.columns:
        return {}
    sel = df[df[flag] == "yes"]
    return {point: set(group[key]) for point, group in sel.groupby("point")}


def _join(items) -> str:
    return ", ".join(sorted(items))


def _stock_levels(held: pd.DataFrame | None) -> dict:
    """point -> (site, material) -> (level, unit) of the strategic stockpile."""
    out: dict = {}
    if held is None or held.empty:
        return out
    for point, site, mat, level, unit in zip(held["point"], held["site"], held["material"], held["level"],
                                             held["unit"]):
        out.setdefault(point, {})[(site, mat)] = (float(level), unit)
    return out


def _stock_change(levels: dict, a, b) -> str:
    la_all, lb_all = levels.get(a, {}), levels.get(b, {})
    parts = []
    for pair in sorted(set(la_all) | set(lb_all)):
        la, ua = la_all.get(pair, (0.0, ""))
        lb, ub = lb_all.get(pair, (0.0, ""))
        if abs(lb - la) > 1e-6 * max(1.0, abs(la)):
            unit = f" {ua or ub}" if (ua or ub) else ""
            parts.append((abs(lb - la), f"{pair[1]} at {pair[0]} {lb - la:+,.1f}{unit}"))
    return "; ".join(text for _, text in sorted(parts, key=lambda x: -x[0]))


def _mix_change(mix: pd.DataFrame, a, b) -> str:
    if mix is None or mix.empty:
        return ""
    groups = [c for c in mix.columns if c not in ("point", "total_volume")]
    m = mix.set_index("point")
    if a not in m.index or b not in m.index:
        return ""
    parts = []
    for g in groups:
        va, vb = m.loc[a, g], m.loc[b, g]
        va = 0.0 if pd.isna(va) else float(va)
        vb = 0.0 if pd.isna(vb) else float(vb)
        if abs(vb - va) >= 5e-4:
            parts.append(f"{g} {(vb - va) * 100:+.1f} pp")
    return ", ".join(parts) + (" of nominal purchase volume" if parts else "")


def changes_table(report: Report) -> pd.DataFrame:
    """One row per step between consecutive efficient points, by falling risk (then rising cost):
    the extra expected cost, the risk reduction (in the measure's unit) and that per unit of cost,
    the contracts, qualifications and builds added or dropped, the change in the strategic stockpile
    (value and quantities) and in the origin mix of nominal purchases (percentage points); a step
    between points whose cost intervals overlap says its extra cost is not proven. Empty
    (no rows) when fewer than two points are efficient, and for a table of several frontiers
    (compare) or rule sets (stress)."""
    fr = report.frontier
    if fr is None or fr.empty or "efficient" not in fr.columns or not report.kind.has_frontier:
        return pd.DataFrame(columns=CHANGES_COLUMNS)
    eff = distinct_efficient(fr).copy()
    eff["_c"] = pd.to_numeric(eff["expected_cost"], errors="coerce")
    eff["_r"] = pd.to_numeric(eff["risk"], errors="coerce")
    eff = eff.dropna(subset=["_c", "_r"]).sort_values(["_r", "_c"], ascending=[False, True])
    if len(eff) < 2:
        return pd.DataFrame(columns=CHANGES_COLUMNS)
    tables = report.tables or {}
    sup, procs = tables.get("suppliers"), tables.get("processes")
    contracted = _yes_sets(sup, "contracted", "offer")
    qualifying = _yes_sets(sup, "qualification_started", "offer")
    built = _yes_sets(procs, "built", "process")
    stored = _yes_sets(tables.get("storage"), "taken", "option")
    substituted = _yes_sets(tables.get("substitutes"), "qualification_started", "substitute")
    mix = origin_mix(report)
    levels = _stock_levels(report.held)
    unresolved = {frozenset(pair) for pair in unresolved_pairs(fr)}
    currency = report.currency or ""
    rows = []
    recs = eff.to_dict("records")
    steps = sorted(b["_c"] - a["_c"] for a, b in zip(recs, recs[1:]) if b["_c"] - a["_c"] > 0)
    typical = steps[len(steps) // 2] if steps else None  # the median step: the table's one unit
    for a, b in zip(recs, recs[1:]):
        pa, pb = a["point"], b["point"]
        extra = b["_c"] - a["_c"]
        reduction = a["_r"] - b["_r"]
        ca, cb = contracted.get(pa, set()), contracted.get(pb, set())
        qa, qb = qualifying.get(pa, set()), qualifying.get(pb, set())
        ba, bb = built.get(pa, set()), built.get(pb, set())
        sva, svb = number(a.get("stockpile_value")), number(b.get("stockpile_value"))
        rows.append({
            "from_point": int(pa), "to_point": int(pb), "extra_expected_cost": extra, "risk_reduction": reduction,
            "risk_reduction_per_cost": reduction / extra if extra > EPS * max(1.0, abs(a["_c"])) else None,
            "risk_bought": risk_bought_words(report.risk_measure, reduction, extra, currency, typical)
            + (" ({} {} -> {})".format(report.risk_measure, *pct_pair(a["_r"], b["_r"]))
               if not in_money(report.risk_measure) else "")
            + ("; within the solver's gap: the extra cost is not proven" if frozenset((pa, pb)) in unresolved
               else ""),
            "contracts_added": _join(cb - ca), "contracts_dropped": _join(ca - cb),
            "qualifications_added": _join(qb - qa), "qualifications_dropped": _join(qa - qb),
            "builds_added": _join(bb - ba), "builds_dropped": _join(ba - bb),
            "storage_added": _join(stored.get(pb, set()) - stored.get(pa, set())),
            "storage_dropped": _join(stored.get(pa, set()) - stored.get(pb, set())),
            "substitutes_added": _join(substituted.get(pb, set()) - substituted.get(pa, set())),
            "substitutes_dropped": _join(substituted.get(pa, set()) - substituted.get(pb, set())),
            "stockpile_value_change": (svb - sva) if sva is not None and svb is not None else None,
            "stockpile_change": _stock_change(levels, pa, pb),
            "origin_mix_change": _mix_change(mix, pa, pb),
        })
    return pd.DataFrame(rows, columns=CHANGES_COLUMNS)
