"""The stress ranking (pure pandas): per rule set, the damage it does to the baseline min-cost plan."""

from __future__ import annotations

import pandas as pd

from ..case.case import Case


def stress_ranking(case: Case, measure: str, rule_sets: list[tuple[str, ...]], plans: dict) -> pd.DataFrame:
    """One row per rule set, ranked by added expected cost, then expected shortfall (on equal damage,
    a single rule before a pair). ``plans``: rule set -> stage -> (outcome, plan); () the baseline."""
    base_plan = plans[()]["min_cost"][1]
    nominal = case.nominal_scenario
    ranking = []
    for rules in rule_sets:
        outcome, plan = plans[rules]["min_cost"]
        _, risk_plan = plans[rules]["min_risk"]
        start = min(case.rules[r].start_period for r in rules)
        first_fail, failing = None, ""
        if plan is not None and len(plan.shortfall):
            sf = plan.shortfall[plan.shortfall["scenario"] == nominal]
            if len(sf):
                first_fail = int(sf["period"].min())
                failing = ", ".join(sorted(set(sf[sf["period"] == first_fail]["demand"])))
        ranking.append({
            "rules": "+".join(rules),
            "description": "; ".join(case.rules[r].description for r in rules),
            "start_period": start,
            "added_expected_cost": (plan.expected_cost - base_plan.expected_cost) if plan else None,
            "expected_cost": plan.expected_cost if plan else None,
            "expected_shortfall": plan.metrics["expected_shortfall"] if plan else None,
            "unmet_units_nominal": float(plan.shortfall[plan.shortfall["scenario"] == nominal]["unmet"].sum()) if plan else None,
            "min_risk": risk_plan.metrics[measure] if risk_plan else None,
            "min_risk_cost": risk_plan.expected_cost if risk_plan else None,
            "first_shortfall_period": first_fail,
            "periods_survived": (first_fail - start) if first_fail is not None else None,
            "fails_first": failing,
            "status": outcome.status,
        })
    rank = pd.DataFrame(ranking)
    rank["_n"] = rank["rules"].str.count(r"\+")  # on equal damage, the single rule first
    rank = rank.sort_values(["added_expected_cost", "expected_shortfall", "_n"], ascending=[False, False, True],
                            na_position="first", kind="stable").drop(columns="_n").reset_index(drop=True)
    rank.insert(0, "rank", range(1, len(rank) + 1))
    for col in ("first_shortfall_period", "periods_survived"):
        rank[col] = rank[col].astype("Int64")
    return rank
