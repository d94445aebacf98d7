"""A planner's words and units (docs: the results workbook): risk as a % of demand, money with
thousands separators (M where large), a risk measure and a plan's risk in words. Every verb's
answer (:mod:`model.results.answers`) speaks through these; each risk measure's sentence and unit are
its class's (:mod:`model.formulation.risk`). No tables, no report.
"""

from __future__ import annotations

import math

from ..formulation.risk import MEASURES, known

EPS = 1e-7
SHARE_MEASURES = tuple(name for name, rm in MEASURES.items() if not rm.in_money)


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


def in_money(measure: str | None) -> bool:
    """Whether the measure's values are money (cvar_cost), not a share of demand or of spend."""
    rm = known(measure)
    return rm is not None and rm.in_money


def risk_shown(measure: str, value, currency: str = "") -> str:
    """A risk value in its unit: % of demand (or of spend) for a share measure, money for cvar_cost."""
    if in_money(measure):
        return amount(value, currency)
    return pct(value)


def risk_difference(measure: str, diff, currency: str = "") -> str:
    """A difference of risks: in points of % for a share measure (+0.4 points), money for cvar_cost."""
    if diff is None or (isinstance(diff, float) and math.isnan(diff)):
        return "n/a"
    if in_money(measure):
        return signed_amount(diff, currency)
    v = float(diff) * 100
    if abs(v) < 5e-10:
        return "0 points"
    shown = f"{abs(v):.1f}" if abs(v) >= 0.1 else f"{abs(v):.2g}"
    return f"{'+' if v > 0 else '-'}{shown} points"


def number(x) -> float | None:
    """A finite float, or None (missing, text, NaN, infinite): the one reading of a table's number
    that may be missing."""
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
    """What the measure is, in words (the summary's risk_measure row), as the measure says it."""
    rm = known(measure)
    return measure if rm is None else rm.meaning(alpha, tail_share(alpha), most_controlled)


def risk_words(measure: str, alpha: float | None, value, reference=None, currency: str = "",
               worst: str | None = None, reference_worst: str | None = None, most_controlled: str = "",
               reference_label: str = "at the cheapest plan") -> str:
    """One plan's risk in words and in %, against a reference plan's when given, e.g. "in the
    worst 10 % of scenarios (by probability) 5.9 % of demand goes unmet on average, against 19.6 %
    at the cheapest plan": the numbers in the measure's unit, the sentence the measure's own."""
    rm = known(measure)
    if rm is None:
        return f"{measure} {value}" + (f", against {reference} {reference_label}" if reference is not None else "")
    if rm.in_money:
        shown, ref_shown = money(value, currency), money(reference, currency)
    else:
        shown, ref_shown = pct_pair(value, reference) if reference is not None else (pct(value), "")
    against = "" if reference is None else rm.against(ref_shown, reference_label, reference_worst)
    return rm.words(shown, against, tail_share(alpha), worst, most_controlled)
