"""Frontiers compared at equal risk (the ``compare`` verb; pure pandas).

Each frontier is known only at its points. Between them we join its efficient points piecewise-
linearly in risk, as the frontier chart draws them, and read each frontier's expected cost at the
risk levels of every efficient point (of either frontier) inside the risk range both cover. Where a
frontier is not convex the straight line between two of its points lies above what a plan could
reach there, so a difference between points is an estimate; at the frontiers' own points one side
is exact.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .words import risk_shown

EQUAL_RISK_COLUMNS = ["label", "reference", "risk_at", "reference_cost", "compared_cost", "cost_difference",
                      "cost_difference_share"]
METHOD = ("each frontier's efficient points joined piecewise-linearly in risk (as the chart draws them) and read at "
          "the risk of every efficient point of either frontier inside the risk range both cover; between points "
          "this is an estimate (the line lies above a non-convex frontier)")


def efficient_curve(frontier: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(risks increasing, costs) of a frontier's efficient points; at a repeated risk the cheaper."""
    df = frontier.copy()
    if "efficient" in df.columns:
        df = df[df["efficient"].astype(str).str.lower().isin(("yes", "true", "1"))]
    df = df.assign(_r=pd.to_numeric(df.get("risk"), errors="coerce"),
                   _c=pd.to_numeric(df.get("expected_cost"), errors="coerce")).dropna(subset=["_r", "_c"])
    df = df.sort_values(["_r", "_c"]).drop_duplicates("_r", keep="first")
    return df["_r"].to_numpy(dtype=float), df["_c"].to_numpy(dtype=float)


def cost_at_equal_risk(frontiers: dict[str, pd.DataFrame], currency: str = "",
                       measure: str = "") -> tuple[pd.DataFrame, list[str], list[str]]:
    """(table, summary lines, warnings): each frontier after the first against the first, at equal
    risk. A pair without a common risk range gives a warning and no rows."""
    labels = list(frontiers)
    rows, lines, warnings = [], [], []
    if len(labels) < 2:
        return pd.DataFrame(columns=EQUAL_RISK_COLUMNS), lines, warnings
    ref = labels[0]
    rx, rc = efficient_curve(frontiers[ref])
    for label in labels[1:]:
        x, c = efficient_curve(frontiers[label])
        if not len(rx) or not len(x):
            warnings.append(f"{label} against {ref}: no efficient point with a cost and a risk in "
                            f"{'both' if not len(rx) and not len(x) else (ref if not len(rx) else label)}; "
                            "no cost at equal risk")
            continue
        lo, hi = max(rx.min(), x.min()), min(rx.max(), x.max())
        if lo > hi + 1e-12:
            r = lambda v: risk_shown(measure, v, currency) if measure else f"{v:.4g}"  # noqa: E731
            warnings.append(f"{label} against {ref}: their risk ranges do not overlap ({ref} {r(rx.min())} to "
                            f"{r(rx.max())}, {label} {r(x.min())} to {r(x.max())}); no cost at equal risk")
            continue
        grid = np.unique(np.concatenate([rx, x, [lo, hi]]))
        grid = grid[(grid >= lo - 1e-12) & (grid <= hi + 1e-12)]
        ref_cost = np.interp(grid, rx, rc)
        cost = np.interp(grid, x, c)
        diff = cost - ref_cost
        for r, a, b, d in zip(grid, ref_cost, cost, diff):
            rows.append({"label": label, "reference": ref, "risk_at": float(r), "reference_cost": float(a),
                         "compared_cost": float(b), "cost_difference": float(d),
                         "cost_difference_share": float(d / a) if a else None})
        mean = float(np.mean(diff))
        r = lambda v: risk_shown(measure, v, currency) if measure else f"{v:.4g}"  # noqa: E731
        where = (f"at risk {r(lo)}" if math.isclose(lo, hi, rel_tol=1e-9, abs_tol=1e-12) else
                 f"over the risk range both cover, {r(lo)} to {r(hi)}")
        cur = f" {currency}" if currency else ""
        if float(np.max(np.abs(diff))) < 0.5:  # what rounds to 0 in whole units is "the same"
            lines.append(f"{label} costs the same as {ref} at equal risk {where}")
        else:
            lines.append(f"{label} costs {abs(mean):,.0f}{cur} {'more' if mean >= 0 else 'less'} than {ref} on average "
                         f"at equal risk ({diff.min():+,.0f} to {diff.max():+,.0f}{cur}) {where}")
    return pd.DataFrame(rows, columns=EQUAL_RISK_COLUMNS), lines, warnings
