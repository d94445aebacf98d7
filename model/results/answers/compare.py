"""The answer of ``compare`` (docs: the results workbook): each frontier's min cost, knee and min
risk side by side, and the cost difference at equal risk where their risk ranges overlap (or why
there is none). Pure pandas.
"""

from __future__ import annotations

import pandas as pd

from ..compare import METHOD
from ..words import risk_shown, signed_amount
from . import Answer, RunKind
from .frontier import headline_of, headline_words


def compare_answer(frontiers: dict[str, pd.DataFrame], knees: dict[str, object], measure: str, currency: str,
                   equal: pd.DataFrame, lines: list[str], why_none: list[str]) -> Answer:
    """``frontiers``: label -> frontier table; ``knees``: label -> its knee point (None: none);
    ``equal``, ``lines``, ``why_none``: :func:`model.results.compare.cost_at_equal_risk`'s table,
    words and warnings."""
    labels = list(frontiers)
    heads = {label: headline_of(frontiers[label], knees.get(label)) for label in labels}
    ref = labels[0]
    side = []
    for label in labels[1:]:
        a, b = heads[ref], heads[label]
        parts = []
        for key, what in (("min_cost", "min cost"), ("knee_cost", "knee cost")):
            if a[key] is not None and b[key] is not None:
                parts.append(f"{what} {signed_amount(b[key] - a[key], currency)}")
        if a["min_risk"] is not None and b["min_risk"] is not None:
            parts.append(f"min risk {risk_shown(measure, a['min_risk'], currency)} -> "
                         f"{risk_shown(measure, b['min_risk'], currency)}")
        side.append(f"{label} against {ref}: " + ", ".join(parts))
    equal_text = "; ".join(lines) if lines else "none: " + "; ".join(why_none or ["no common risk range"])
    answer = "; ".join(side) if side else "one frontier: nothing to compare"
    answer += f". At equal risk: {equal_text}"
    rows: list[tuple[str, object]] = [("answer", answer)]
    for label in labels:
        rows.append((f"frontier {label}", headline_words(heads[label], measure, currency)))
    rows.append(("cost_at_equal_risk", equal_text))
    rows.append(("cost_at_equal_risk_method", METHOD))
    console = [*(f"{label}: {headline_words(heads[label], measure, currency)}" for label in labels),
               f"cost at equal risk: {equal_text}"]
    return Answer(RunKind.COMPARE, rows, console, {"frontiers": heads, "cost_at_equal_risk_rows": len(equal)})
