"""The answer of ``whatif`` (docs: the results workbook): what the toggle costs and does. Both
worlds' min cost, knee cost and min risk, the differences (toggled minus baseline) in money and in
points of risk, and what the recommended plan does differently from the baseline's (once-decisions,
stock, origin mix). Pure pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..decisions import decisions_at, difference_counts, differences
from ..mix import origin_mix
from ..words import amount, number, pct, risk_difference, risk_measure_words, risk_shown, signed_amount
from . import Answer, RunKind
from .frontier import headline, headline_words, time_limit_words

if TYPE_CHECKING:  # pragma: no cover
    from ..report_data import Report

DIFFERENCE_KEYS = ("min_cost", "knee_cost", "min_risk", "knee_risk")


def difference(base: dict, tog: dict) -> dict:
    """Toggled minus baseline for each of min_cost, knee_cost, min_risk, knee_risk (None where
    either side has no value: no solution, or no knee)."""
    out = {}
    for k in DIFFERENCE_KEYS:
        a, b = base.get(k), tog.get(k)
        out[k] = None if a is None or b is None else float(b) - float(a)
    return out


def _share(diff, base) -> str:
    return f" ({diff / base:+.1%})" if diff is not None and base else ""


def _compared_points(base: "Report", tog: "Report", hb: dict, ht: dict) -> tuple[int | None, int | None, str]:
    """The two plans to set side by side: the knees when both have one, else the cheapest plans."""
    if hb["knee_point"] is not None and ht["knee_point"] is not None:
        return hb["knee_point"], ht["knee_point"], "the recommended (knee) plan"
    return hb["min_cost_point"], ht["min_cost_point"], "the cheapest plan (a side has no knee)"


def _mix_change(base: "Report", tog: "Report", pb: int, pt: int) -> str:
    mb, mt = origin_mix(base), origin_mix(tog)
    if mb.empty or mt.empty or pb not in set(mb["point"]) or pt not in set(mt["point"]):
        return ""
    rb, rt = mb[mb["point"] == pb].iloc[0], mt[mt["point"] == pt].iloc[0]
    groups = [c for c in dict.fromkeys([*mb.columns, *mt.columns]) if c not in ("point", "total_volume")]
    moves = []
    for g in groups:
        a, b = number(rb.get(g)) or 0.0, number(rt.get(g)) or 0.0
        if abs(b - a) >= 0.005:
            moves.append(f"{g} {pct(a)} -> {pct(b)}")
    return ("origin mix of nominal purchases: " + ", ".join(moves)) if moves else "the same origin mix"


def plan_difference(base: "Report", tog: "Report", pb: int | None, pt: int | None) -> tuple[str, str]:
    """(what the toggled plan ``pt`` does differently from the baseline plan ``pb``, with ids;
    the same as counts, without ids, for the console)."""
    if pb is None or pt is None:
        return "not known: a side has no solved plan", "not known"
    db, dt = decisions_at(base.tables, pb), decisions_at(tog.tables, pt)
    parts = differences(db, dt)
    cur = tog.currency or base.currency or ""
    sb = number(base.frontier.set_index("point").loc[pb].get("stockpile_value")) or 0.0
    st = number(tog.frontier.set_index("point").loc[pt].get("stockpile_value")) or 0.0
    stock = ("the same strategic stockpile" if abs(st - sb) < 0.5 else
             f"strategic stockpile {amount(sb, cur)} -> {amount(st, cur)} ({signed_amount(st - sb, cur)})")
    mix = _mix_change(base, tog, pb, pt)
    words = "; ".join([*(parts or ["takes the same contracts, qualifications and builds"]), stock, *([mix] if mix else [])])
    counts = difference_counts(db, dt) + ("" if abs(st - sb) < 0.5 else f"; stockpile {signed_amount(st - sb, cur)}")
    return words, counts


def whatif_answer(base: "Report", tog: "Report", toggles: list[str], kept: pd.DataFrame | None = None) -> Answer:
    """The summary's first rows of a what-if, its console lines, and ``numbers``: ``baseline``,
    ``toggled`` (:func:`~model.results.answers.frontier.headline`) and ``difference``."""
    m, cur = tog.risk_measure, tog.currency or base.currency or ""
    hb, ht = headline(base), headline(tog)
    diff = difference(hb, ht)
    what = "; ".join(toggles) or "the toggle"

    def cost_words(key: str) -> str:
        d = diff[key]
        return "not known (a side has none)" if d is None else f"{signed_amount(d, cur)}{_share(d, hb[key])}"

    def risk_words_(key: str) -> str:
        d = diff[key]
        if d is None:
            return "not known (a side has none)"
        return f"{risk_difference(m, d, cur)} ({risk_shown(m, hb[key], cur)} -> {risk_shown(m, ht[key], cur)})"

    minus = "toggled minus baseline: "
    limits = "; ".join(f"{side}: {words}" for side, r in (("baseline", base), ("toggled", tog))
                       if r.frontier is not None and len(r.frontier) and (words := time_limit_words(r.frontier)))
    rows: list[tuple[str, object]] = [
        ("answer", f"{what}: min cost {cost_words('min_cost')}, knee cost {cost_words('knee_cost')}, "
                   f"min risk {risk_words_('min_risk')} (toggled against the baseline)"
                   + (f"; {limits}" if limits else "")),
        ("baseline", headline_words(hb, m, cur)),
        ("toggled", headline_words(ht, m, cur)),
        ("difference_min_cost", minus + cost_words("min_cost")),
        ("difference_knee_cost", minus + cost_words("knee_cost")),
        ("difference_min_risk", minus + risk_words_("min_risk")),
        ("difference_knee_risk", minus + risk_words_("knee_risk")),
    ]
    pb, pt, which = _compared_points(base, tog, hb, ht)
    words, counts = plan_difference(base, tog, pb, pt)
    rows.append(("plan_differently", f"{which}, toggled (point {pt}) against baseline (point {pb}): {words}"))
    if kept is not None and len(kept) and hb["knee_point"] is not None:
        row = kept[kept["point"] == hb["knee_point"]]
        if len(row):
            r = row.iloc[0]
            extra = number(r.get("extra_cost"))
            rows.append(("cost_of_keeping_baseline_knee_risk",
                         f"keeping the baseline knee's risk ({risk_shown(m, r['risk_level'], cur)}) costs "
                         f"{signed_amount(extra, cur)} under the toggle" if extra is not None else
                         f"the baseline knee's risk ({risk_shown(m, r['risk_level'], cur)}) cannot be kept under "
                         f"the toggle ({r['status']})"))
    rows.append(("risk_measure_meaning", risk_measure_words(m, tog.cvar_alpha,
                                                            tog.origin_groups[-1] if tog.origin_groups else "")))
    console = [f"{what}:",
               f"  baseline: {headline_words(hb, m, cur)}",
               f"  toggled:  {headline_words(ht, m, cur)}",
               f"  difference: min cost {signed_amount(diff['min_cost'], cur)}, knee cost "
               f"{signed_amount(diff['knee_cost'], cur)}, min risk {risk_difference(m, diff['min_risk'], cur)}",
               f"  {which}: {counts} (the workbook's summary names them)"]
    numbers = {"baseline": hb, "toggled": ht, "difference": diff}
    return Answer(RunKind.WHATIF, rows, console, numbers)
