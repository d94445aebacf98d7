"""The frontier on a two-scenario case solved by hand.

One period, demand 10 (penalty 20/unit). Scenario A (p 0.5): nothing happens; B (p 0.5): China
bans X. China sells at 10. Australia sells at 25 (above the penalty) after a contract costing 10.
- No contract: A costs 100, B 200 (all unmet): expected 150, expected shortfall 0.5.
- Contract, q units from Australia in B: 160 + 2.5 q, shortfall 0.5 - 0.05 q (q in 0..10).
The contract's fixed cost makes the frontier non-convex: (160, 0.5) is dominated by (150, 0.5).
With 5 points the limits are 0.5, 0.375, 0.25, 0.125, 0 and the efficient points
(150, 0.5), (166.25, 0.375), (172.5, 0.25), (178.75, 0.125), (185, 0).
"""

from __future__ import annotations

import pytest

from model.solving.frontier import run_frontier
from model.solving.staged import SolveOptions
from model.results.report import build_report
from support.smallcases import base_rows, case_from

EXPECTED = [(150.0, 0.5), (166.25, 0.375), (172.5, 0.25), (178.75, 0.125), (185.0, 0.0)]


def two_scenario_rows(measure="expected_shortfall", au_price=25, au_fixed=10):
    rows = base_rows(periods=1)
    rows["settings"].update({"risk_measure": measure, "frontier_points": 5, "cvar_alpha": 0.5})
    rows["demand"][0]["shortfall_penalty"] = 20
    rows["offers"][1].update({"price": au_price, "fixed_cost": au_fixed})
    rows["controls"] = [{"rule": "BAN", "issuer": "CN", "materials": "X", "kind": "ban", "status": "scenario"}]
    rows["scenarios"] = [{"scenario": "A", "probability": 0.5}, {"scenario": "B", "probability": 0.5}]
    rows["scenario_events"] = [{"scenario": "B", "event": "rule", "target": "BAN", "start_period": 1}]
    return rows


def frontier_of(rows, tmp_path, **kw):
    case = case_from(rows, tmp_path)
    result = run_frontier(case, options=SolveOptions(60, 0.0, workers=1), **kw)
    return build_report(result).frontier


@pytest.mark.parametrize("measure", ["expected_shortfall", "cvar_shortfall", "worst_shortfall"])
def test_efficient_points_match_the_hand_solution(measure, tmp_path):
    """With two equiprobable scenarios, CVaR at alpha 0.5 and the worst case both equal B's
    share, twice the expected shortfall."""
    fr = frontier_of(two_scenario_rows(measure), tmp_path)
    scale = 1.0 if measure == "expected_shortfall" else 2.0
    assert list(fr["point"]) == [1, 2, 3, 4, 5]
    for (cost, risk), row in zip(EXPECTED, fr.itertuples()):
        assert row.expected_cost == pytest.approx(cost, abs=1e-6)
        assert row.risk == pytest.approx(risk * scale, abs=1e-6)
        assert row.expected_shortfall == pytest.approx(risk, abs=1e-6)
    assert list(fr["efficient"]) == ["yes"] * 5
    assert list(fr["status"]) == ["optimal"] * 5
    assert fr["risk_limit"].tolist() == pytest.approx([r * scale for _, r in EXPECTED])


def test_min_cost_end_is_lexicographic(tmp_path):
    """Australia at 20 = the penalty, no contract cost: every q costs 150 and the min-cost end
    must report the least risky of those plans (q = 10), so the frontier is one point: the others
    are its duplicates, efficient (no point is better on either axis) and noted as such."""
    fr = frontier_of(two_scenario_rows(au_price=20, au_fixed=0), tmp_path)
    assert fr.loc[0, "expected_cost"] == pytest.approx(150, abs=1e-6)
    assert fr.loc[0, "risk"] == pytest.approx(0, abs=1e-6)
    assert list(fr["efficient"]) == ["yes"] * 5
    assert list(fr["note"]) == [""] + ["duplicate of point 1"] * 4


def test_cvar_cost_frontier(tmp_path):
    """cvar_cost at alpha 0.5 is B's cost: 200 without a contract; 10 + 250 - 5 q... with the
    contract B costs 10 + 25 q + 20 (10 - q) = 210 + 5 q, so the min-cost plan is also the
    min-risk plan for cost CVaR (no contract): a single plan, at every point."""
    fr = frontier_of(two_scenario_rows("cvar_cost"), tmp_path, points=3)
    assert fr.loc[0, "expected_cost"] == pytest.approx(150, abs=1e-6)
    assert fr.loc[0, "risk"] == pytest.approx(200, abs=1e-6)
    assert list(fr["note"]) == ["", "duplicate of point 1", "duplicate of point 1"]


def test_exposure_frontier(tmp_path):
    """One scenario; exposure = Chinese spend share. Min cost: all Chinese, exposure 1, cost 200.
    Min risk: all Australian at 25 plus the contract: 10 + 500 = 510, exposure 0. In between,
    exposure e = 100 c / (100 c + 250 (2 - c))... the 3-point middle limit 0.5 is met with equal
    spend: 10 c = 25 a, c + a = 20 -> c = 100/7, a = 40/7: cost 10 + 2 x 10 x 100/7 = 295.714..."""
    rows = two_scenario_rows("exposure")
    rows["scenarios"], rows["scenario_events"], rows["controls"] = [], [], []
    rows["settings"]["periods"] = 2
    rows["demand"][0]["shortfall_penalty"] = 1000
    fr = frontier_of(rows, tmp_path, points=3)
    assert fr["expected_cost"].tolist() == pytest.approx([200, 10 + 2000 / 7, 510], abs=1e-6)
    assert fr["risk"].tolist() == pytest.approx([1.0, 0.5, 0.0], abs=1e-6)


def test_resolved_point_equals_a_cold_solve(tmp_path):
    """The persistent re-solve of a limit gives what a fresh model gives (docs/performance.md's trap)."""
    from model.solving.staged import StagedModel
    case = case_from(two_scenario_rows(), tmp_path)
    opts = SolveOptions(60, 0.0)
    warm = StagedModel(case, "expected_shortfall", opts)
    warm.min_cost()
    warm.min_risk()
    _, warm_plan = warm.epsilon_point(0.25, 1e-6)
    cold = StagedModel(case, "expected_shortfall", opts)
    _, cold_plan = cold.epsilon_point(0.25, 1e-6)
    assert warm_plan.expected_cost == pytest.approx(cold_plan.expected_cost, abs=1e-9)
    assert warm_plan.expected_cost == pytest.approx(172.5, abs=1e-6)


def test_worst_shortfall_counts_a_scenario_of_probability_zero(tmp_path):
    """Scenario C (p = 0) loses both suppliers: nothing is delivered there. The worst case is the
    maximum over every listed scenario, in the model's bound and in the reported value alike, so
    the worst shortfall is 1 and a limit of 0.5 cannot be met."""
    from model.solving.frontier import solve_single
    from model.solving.highs import NoSolution
    rows = two_scenario_rows("worst_shortfall")
    rows["scenarios"].append({"scenario": "C", "probability": 0})
    rows["scenario_events"] += [{"scenario": "C", "event": "outage", "target": site, "start_period": 1}
                                for site in ("SUP_CN", "SUP_AU")]
    case = case_from(rows, tmp_path)
    point = solve_single(case, options=SolveOptions(60, 0.0, workers=1)).points[0]
    assert point.plan.metrics["worst_shortfall"] == pytest.approx(1.0)
    with pytest.raises(NoSolution):
        solve_single(case, 0.5, options=SolveOptions(60, 0.0, workers=1))  # the model bounds C too


def test_a_min_risk_end_of_no_shortfall_reports_a_risk_of_exactly_0(tmp_path):
    """4 periods, demand 10 each (penalty 100); AU 4 a period at 8, CN at 10, US 6 a period at 150;
    CN banned from period 3 in s1 (0.3) and from period 2 in s2 (0.2), calm 0.5; CVaR at 0.75.
    Min cost: AU 4 + CN 6 (92) a period, and in a ban period AU 4 and 6 short (632 < 32 + 900):
    0.5 x 368 + 0.3 x 1,448 + 0.2 x 1,988 = 1,016, shares s1 0.3, s2 0.45, CVaR (0.2 x 0.45 + 0.05 x
    0.3) / 0.25 = 0.42. Min risk: US fills each ban period (+300): 1,016 + 0.3 x 600 + 0.2 x 900 =
    1,376 at risk 0. The lexicographic hold lets the solver leave 1e-10 of demand short (the
    tolerance of the hold): reported as 0, not 1e-10."""
    rows = base_rows(4)
    rows["settings"].update({"risk_measure": "cvar_shortfall", "cvar_alpha": 0.75, "frontier_points": 3})
    rows["sites"].append({"site": "SUP_US", "country": "US", "owner": "UsCo", "role": "supplier"})
    rows["lanes"].append({"from_site": "SUP_US", "to_site": "PLANT", "materials": "*"})
    rows["offers"] = [
        {"offer": "O_CN", "site": "SUP_CN", "material": "X", "price": 10, "capacity_per_period": 100, "spot": "yes"},
        {"offer": "O_AU", "site": "SUP_AU", "material": "X", "price": 8, "capacity_per_period": 4, "spot": "yes"},
        {"offer": "O_US", "site": "SUP_US", "material": "X", "price": 150, "capacity_per_period": 6, "spot": "yes"}]
    rows["controls"] = [{"rule": "BAN", "issuer": "CN", "materials": "X", "kind": "ban", "status": "scenario"}]
    rows["scenarios"] = [{"scenario": "calm", "probability": 0.5}, {"scenario": "s1", "probability": 0.3},
                         {"scenario": "s2", "probability": 0.2}]
    rows["scenario_events"] = [{"scenario": "s1", "event": "rule", "target": "BAN", "start_period": 3},
                               {"scenario": "s2", "event": "rule", "target": "BAN", "start_period": 2}]
    fr = frontier_of(rows, tmp_path)
    assert (fr.loc[0, "expected_cost"], fr.loc[0, "risk"]) == (pytest.approx(1016), pytest.approx(0.42))
    assert fr.loc[2, "expected_cost"] == pytest.approx(1376)
    assert (fr.loc[2, "risk"], fr.loc[2, "risk_limit"], fr.loc[2, "worst_shortfall"]) == (0.0, 0.0, 0.0)
