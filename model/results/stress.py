"""The stress ranking (pure pandas): per disruption (a scenario rule, a site outage, or a pair), how
long the baseline network survives it and how long a redesigned one would, and what it costs.

Ranked by ``time_to_survive``, shortest first, then by added cost (largest first), then expected
shortfall; on equal damage a single disruption before a pair.
"""

from __future__ import annotations

import pandas as pd

from ..case.case import Case

RANKING_COLUMNS = ["rank", "disruption", "kind", "start_period", "time_to_survive", "survives_horizon",
                   "time_to_survive_redesigned", "survives_horizon_redesigned", "rest_of_horizon_periods",
                   "added_expected_cost", "unmet_units_nominal", "expected_shortfall", "expected_cost",
                   "min_risk", "min_risk_cost", "fails_first", "status", "survival_note", "description"]


def _difference(cost: float, base: float) -> float:
    """cost - base, with solver noise (below 1e-9 of the cost) shown as 0."""
    diff = cost - base
    return 0.0 if abs(diff) <= 1e-9 * max(1.0, abs(base)) else diff


def _yes(flag: bool | None) -> str | None:
    return None if flag is None else ("yes" if flag else "no")


def stress_ranking(case: Case, measure: str, run) -> pd.DataFrame:
    """One row per disruption of ``run`` (a :class:`model.solving.stress.StressResult`)."""
    from ..case.disruptions import NO_DISRUPTION
    base_plan = run.plans[NO_DISRUPTION]["min_cost"][1]
    nominal = case.nominal_scenario
    T = case.settings.periods
    rows, parts = [], []
    for d in run.disruptions:
        parts.append(len(d.rules) + len(d.sites))
        outcome, plan = run.plans[d]["min_cost"]
        _, risk_plan = run.plans[d]["min_risk"]
        fixed, free = run.survival[d]
        start = d.start(case)
        notes = [n for n in (fixed.note, f"redesigned: {free.note}" if free.note else "") if n]
        unmet = None
        if plan is not None:
            sf = plan.shortfall[plan.shortfall["scenario"] == nominal]
            unmet = float(sf["unmet"].sum())
        rows.append({
            "disruption": d.label,
            "kind": d.kind,
            "description": d.describe(case),
            "start_period": start,
            "time_to_survive": fixed.periods,
            "survives_horizon": _yes(fixed.survives_horizon if fixed.periods is not None else None),
            "time_to_survive_redesigned": free.periods,
            "survives_horizon_redesigned": _yes(free.survives_horizon if free.periods is not None else None),
            "rest_of_horizon_periods": T - start + 1,
            "fails_first": fixed.fails_first,
            "added_expected_cost": _difference(plan.expected_cost, base_plan.expected_cost) if plan and base_plan else None,
            "expected_cost": plan.expected_cost if plan else None,
            "expected_shortfall": plan.metrics["expected_shortfall"] if plan else None,
            "unmet_units_nominal": unmet,
            "min_risk": risk_plan.metrics[measure] if risk_plan else None,
            "min_risk_cost": risk_plan.expected_cost if risk_plan else None,
            "status": outcome.status,
            "survival_note": "; ".join(notes),
        })
    rank = pd.DataFrame(rows, columns=[c for c in RANKING_COLUMNS if c != "rank"])
    rank["_n"] = parts  # on equal damage, the single disruption first
    rank["_tts"] = pd.to_numeric(rank["time_to_survive"], errors="coerce").fillna(-1)  # no answer: first
    rank = rank.sort_values(["_tts", "added_expected_cost", "expected_shortfall", "_n"],
                            ascending=[True, False, False, True], na_position="first",
                            kind="stable").drop(columns=["_n", "_tts"]).reset_index(drop=True)
    rank.insert(0, "rank", range(1, len(rank) + 1))
    for col in ("time_to_survive", "time_to_survive_redesigned"):
        rank[col] = rank[col].astype("Int64")
    return rank


def undisrupted_survival(run):
    """How long the network as it stands survives with nothing disrupted (a Survival)."""
    from ..case.disruptions import NO_DISRUPTION
    return run.survival[NO_DISRUPTION][0]


def stress_summary(case: Case, run) -> tuple[dict, list[str]]:
    """Summary items and warnings of a stress run: the baseline network's own time to survive
    (nothing disrupted), and every answer that is a lower bound or no answer."""
    from ..case.disruptions import NO_DISRUPTION
    T = case.settings.periods
    own, _ = run.survival[NO_DISRUPTION]
    items = {"period_unit": case.settings.period_unit, "horizon_periods": T,
             "time_to_survive_undisrupted": own.periods, "disruptions_stressed": len(run.disruptions),
             "stress_seconds": round(run.seconds, 1)}
    warnings = []
    network = run.result.points[0]
    if not network.outcome.status.startswith("optimal") and network.plan is not None:
        gap = f", gap {network.outcome.gap:.2%}" if network.outcome.gap is not None else ""
        warnings.append(f"stress: the network held is the baseline min-cost plan's, which stopped short "
                        f"({network.outcome.status}{gap}); another run may hold another network")
    if own.periods is not None and not own.survives_horizon:
        warnings.append(f"stress: even with nothing disrupted the baseline network serves every demand only "
                        f"through period {own.last_served_period or 0} of {T}; the time to survive of every "
                        f"disruption that starts by period {(own.last_served_period or 0) + 1} is bounded by that")
    for d in run.disruptions:
        fixed, free = run.survival[d]
        for label, s in (("", fixed), ("redesigned ", free)):
            if s.status == "time_limit":
                warnings.append(f"stress {d.label}: {label}time to survive is a lower bound ({s.note})")
            elif s.periods is None and s.status != "not solved":
                warnings.append(f"stress {d.label}: no {label}time to survive ({s.status}: {s.note})")
    return items, warnings
