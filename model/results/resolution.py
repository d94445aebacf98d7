"""Is a frontier resolved (docs/model.md "Frontier")? Each point's expected cost is known only to an
interval [cost_bound, expected_cost]: the solver's lower bound and its incumbent. Two neighbouring
efficient points are told apart when their intervals lie clear of each other; where they overlap,
their order (and so a knee among them) sits inside the solver's tolerance.
"""

from __future__ import annotations

import pandas as pd

from .words import number

RESOLUTION_TOL_REL = 1e-9  # intervals that touch within this (relative) overlap


def overlapping_pairs(frontier: pd.DataFrame) -> list[tuple[int, int]]:
    """(cheaper point, dearer point) for each pair of neighbouring efficient points, by expected
    cost, whose cost intervals overlap: the dearer point's bound is at or below the cheaper one's
    cost. A point without a bound counts as known exactly (its interval is its cost)."""
    rows = []
    for r in frontier.to_dict("records"):
        cost = number(r.get("expected_cost"))
        if cost is None or str(r.get("efficient", "yes")).lower() != "yes":
            continue
        bound = number(r.get("cost_bound"))
        rows.append((cost, bound if bound is not None else cost, int(r["point"])))
    rows.sort()
    pairs = []
    for (c_a, _, p_a), (_, lb_b, p_b) in zip(rows, rows[1:]):
        if lb_b <= c_a + RESOLUTION_TOL_REL * max(1.0, abs(c_a)):
            pairs.append((p_a, p_b))
    return pairs


def unresolved_points(frontier: pd.DataFrame) -> set[int]:
    return {p for pair in overlapping_pairs(frontier) for p in pair}
