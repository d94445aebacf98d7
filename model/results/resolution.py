"""Is a frontier resolved (docs/model.md "Frontier")? Each point's expected cost is known only to an
interval [cost_bound, expected_cost]: the solver's lower bound and its incumbent. Two neighbouring
efficient points are told apart when their intervals lie clear of each other; where they overlap,
their order (and so a knee among them) sits inside the solver's tolerance.
"""

from __future__ import annotations

import pandas as pd

from .words import number

RESOLUTION_TOL_REL = 1e-9  # intervals that touch within this (relative) overlap
DUPLICATE_NOTE = "duplicate of point"  # the note of a point with an earlier point's cost and risk


def is_duplicate(row: dict) -> bool:
    """A point with the cost and risk of an earlier one (its note says which): efficient, since no
    point is better on either axis, but one plan with that earlier point wherever plans are counted
    (neighbours, the knee, the steps of the changes sheet)."""
    return str(row.get("note") or "").startswith(DUPLICATE_NOTE)


def is_distinct_efficient(row: dict) -> bool:
    """An efficient point that is no duplicate of an earlier one (a row without ``efficient``
    counts as efficient)."""
    return str(row.get("efficient", "yes")).strip().lower() in ("yes", "true", "1") and not is_duplicate(row)


def distinct_efficient(frontier: pd.DataFrame) -> pd.DataFrame:
    """The efficient points, each duplicate left out (the first of equal points stays)."""
    if "efficient" not in frontier.columns:
        return frontier
    return frontier[[is_distinct_efficient(r) for r in frontier.to_dict("records")]]


def overlapping_pairs(frontier: pd.DataFrame) -> list[tuple[int, int]]:
    """(cheaper point, dearer point) for each pair of neighbouring efficient points, by expected
    cost, whose cost intervals overlap: the dearer point's bound is at or below the cheaper one's
    cost. A point without a bound counts as known exactly (its interval is its cost)."""
    rows = []
    for r in frontier.to_dict("records"):
        cost = number(r.get("expected_cost"))
        if cost is None or not is_distinct_efficient(r):
            continue
        bound = number(r.get("cost_bound"))
        rows.append((cost, bound if bound is not None else cost, int(r["point"])))
    rows.sort()
    pairs = []
    for (c_a, _, p_a), (_, lb_b, p_b) in zip(rows, rows[1:]):
        if lb_b <= c_a + RESOLUTION_TOL_REL * max(1.0, abs(c_a)):
            pairs.append((p_a, p_b))
    return pairs


def cheap_end_pair(frontier: pd.DataFrame) -> list[tuple[int, int]]:
    """[(min-cost end, cheapest efficient point)] when the min-cost end is not efficient (another
    point's plan beat it, so it stopped short of its optimum) and its cost bound lies below the
    cheapest efficient plan's cost: a plan cheaper than every efficient one may then exist, so the
    cheap end of the frontier is not resolved (neither point is the knee). [] otherwise; an end
    whose bound meets the cheaper plan's cost (an exact duplicate) is resolved."""
    records = frontier.to_dict("records")
    end = next((r for r in records if str(r.get("kind", "")) == "min_cost"), None)
    if end is None or str(end.get("efficient", "yes")).lower() == "yes":
        return []
    bound = number(end.get("cost_bound"))
    efficient = [(number(r.get("expected_cost")), int(r["point"])) for r in records
                 if is_distinct_efficient(r) and number(r.get("expected_cost")) is not None]
    if bound is None or not efficient:
        return []
    cost, point = min(efficient)
    if bound < cost - RESOLUTION_TOL_REL * max(1.0, abs(cost)):
        return [(int(end["point"]), point)]
    return []


def unresolved_pairs(frontier: pd.DataFrame) -> list[tuple[int, int]]:
    """Every pair whose order the solver's gap leaves open: overlapping efficient neighbours and an
    unresolved cheap end, in the order of their points."""
    return sorted(overlapping_pairs(frontier) + cheap_end_pair(frontier), key=lambda pair: (min(pair), max(pair)))


def unresolved_points(frontier: pd.DataFrame) -> set[int]:
    return {p for pair in unresolved_pairs(frontier) for p in pair}
