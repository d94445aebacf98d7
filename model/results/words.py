"""A planner's words and units (docs: the results workbook): risk as a % of demand, money with
thousands separators (M where large), a risk measure and a plan's risk in words. Every verb's
answer (:mod:`model.results.answers`) speaks through these. Pure Python: no tables, no report.
"""

from __future__ import annotations

import math

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


def amount(x, currency: str = "") -> str:
    """Money for a reader: thousands separators, in millions (M) from 10 million: 1,910.3 M USD."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    v = float(x)
    if abs(v) >= 1e7:
        return f"{v / 1e6:,.1f} M" + (f" {currency}" if currency else "")
    return money(v, currency)


def signed_amount(x, currency: str = "") -> str:
    """A difference of money with its sign: +35.6 M USD, -1,200 USD, 0 USD."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    v = float(x)
    if abs(v) < 0.5:
        return amount(0.0, currency)
    return ("+" if v > 0 else "-") + amount(abs(v), currency)


def risk_shown(measure: str, value, currency: str = "") -> str:
    """A risk value in its unit: % of demand (or of spend) for a share measure, money for cvar_cost."""
    if measure == "cvar_cost":
        return amount(value, currency)
    return pct(value)


def risk_difference(measure: str, diff, currency: str = "") -> str:
    """A difference of risks: in points of % for a share measure (+0.4 points), money for cvar_cost."""
    if diff is None or (isinstance(diff, float) and math.isnan(diff)):
        return "n/a"
    if measure == "cvar_cost":
        return signed_amount(diff, currency)
    v = float(diff) * 100
    if abs(v) < 5e-10:
        return "0 points"
    shown = f"{abs(v):.1f}" if abs(v) >= 0.1 else f"{abs(v):.2g}"
    return f"{'+' if v > 0 else '-'}{shown} points"


def number(x) -> float | None:
    """A finite float, or None (missing, text, NaN)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


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
