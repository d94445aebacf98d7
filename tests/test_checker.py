"""The independent checker (model/results/checker.py) catches wrong plans and wrong figures.

Two kinds of wrong plan: a real optimum of a model with one constraint family left out (each
family's hand case from test_constraint_families, where leaving it out changes the optimum), which
the check named for that rule must reject; and a correct plan whose tables are then tampered with
(a cost, a risk figure, a decision in one scenario only), which the figure and foresight checks must
reject. A correct plan passes every check (the hand cases of test_model_cases and test_mechanics
run the checker on every plan they solve).
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from model.formulation import CaseIndex, build_model
from model.results import checker
from model.results.checker import check_plan
from model.results.tables import extract_plan
from model.solving.frontier import solve_single
from model.solving.highs import PersistentHighs
from support.smallcases import base_rows, case_from
from test_constraint_families import CASES
import test_model_cases as cases

# the family left out -> the check that must name what the plan then does wrong
CAUGHT_BY = {
    "material_balance": "check_balances",
    "process_bill_of_materials": "check_processes",
    "process_output_origin": "check_processes",
    "demand_satisfaction": "check_risk_measures",  # unmet demand the plan does not report
    "demand_origin_limit": "check_demand",
    "offer_capacity": "check_capacities",
    "offer_qualification": "check_orders",
    "take_or_pay": "check_take_or_pay",
    "process_capacity": "check_capacities",
    "technology_bans": "check_technology_bans",
    "lane_capacity": "check_capacities",
    "stock_limits": "check_stock_limits",
    "end_of_horizon_stock": "check_stock_limits",
    "storage_option_room": "check_stock_limits",
    "substitute_limits": "check_demand",
    "clean_stock": "check_stock_limits",
    "export_controls": "check_export_controls",
    "sourcing_policies": "check_policies",
    "non_anticipativity": "check_non_anticipativity",
}


def test_every_family_left_out_has_its_check():
    assert set(CAUGHT_BY) == set(CASES)
    assert {name for name in CAUGHT_BY.values()} <= {c.__name__ for c in checker.CHECKS}


def plan_without(family: str, rows: dict, tmp_path):
    """The min-cost plan of the model with ``family`` left out."""
    case = case_from(rows, tmp_path)
    ix = CaseIndex(case, non_anticipative=family != "non_anticipativity")
    m = build_model(case, skip=(family,), index=ix)
    assert PersistentHighs(m, mip_gap=0.0).solve().status == "optimal"
    return case, extract_plan(m, ix)


@pytest.mark.parametrize("family", sorted(CAUGHT_BY))
def test_a_plan_that_breaks_a_rule_is_caught_by_its_check(family, tmp_path):
    make_rows, _, _ = CASES[family]
    case, plan = plan_without(family, make_rows(), tmp_path)
    check = getattr(checker, CAUGHT_BY[family])
    assert check(case, plan), f"{CAUGHT_BY[family]} passed a plan made without {family}"
    assert check_plan(case, plan)


def test_an_output_labelled_above_its_inputs_is_caught(tmp_path):
    """The model without its never-more-controlled half labels Russian-made Y as CN to dodge the
    Russian rule (50); check_processes names the label its inputs do not back."""
    case = case_from(cases.label_dodge_rows(), tmp_path)
    ix = CaseIndex(case)
    m = build_model(case, index=ix)
    m.process_output_origin_backed.deactivate()
    assert PersistentHighs(m, mip_gap=0.0).solve().status == "optimal"
    plan = extract_plan(m, ix)
    assert plan.expected_cost == pytest.approx(50, abs=1e-6)
    assert any("labels 10 of its output CN" in p for p in checker.check_processes(case, plan))


def test_the_same_cases_with_every_family_pass(tmp_path):
    for k, family in enumerate(sorted(CAUGHT_BY)):
        make_rows, _, _ = CASES[family]
        case = case_from(make_rows(), tmp_path / str(k))
        plan = solve_single(case).points[0].plan
        assert check_plan(case, plan) == [], family


# ------------------------------------------------------------------------------------ figures

@pytest.fixture
def two_worlds(tmp_path):
    """A (p 0.5) quiet, B (p 0.5) China bans X from period 2 without notice; holding costs 3."""
    case = case_from(cases._two_worlds(notice=0), tmp_path)
    return case, solve_single(case).points[0].plan


def test_recomputed_costs_and_risks_match_a_hand_solution(two_worlds):
    """The optimum does not pre-buy (test_model_cases): A pays 2 x 10 x 10 = 200; B buys period 1
    in China (100) and period 2, under the ban, in Australia (150); nothing is held or short. A,
    the quiet scenario, is nominal and buys only Chinese X: exposure 1."""
    case, plan = two_worlds
    parts = checker.scenario_cost_parts(case, plan)
    assert parts.loc["A", "purchases"] == pytest.approx(200) and parts.loc["A", "total"] == pytest.approx(200)
    assert parts.loc["B", "purchases"] == pytest.approx(250) and parts.loc["B", "holding"] == pytest.approx(0)
    risks = checker.risk_measures(case, plan)
    assert risks["expected_shortfall"] == pytest.approx(0) and risks["exposure"] == pytest.approx(1.0)
    # cvar_cost at alpha 0.9: the worst 10 % of probability is all in B
    assert risks["cvar_cost"] == pytest.approx(250)


def _tampered(plan, **changes):
    out = copy.copy(plan)
    out.scenarios = plan.scenarios.copy()
    out.metrics = dict(plan.metrics)
    out.extras = {**plan.extras, "cost_breakdown": dict(plan.extras["cost_breakdown"])}
    for key, value in changes.items():
        setattr(out, key, value)
    return out


def test_a_wrong_scenario_cost_is_caught(two_worlds):
    case, plan = two_worlds
    bad = _tampered(plan)
    bad.scenarios.loc[bad.scenarios["scenario"] == "B", "cost"] += 30.0
    assert any("scenario B costs" in p for p in checker.check_costs(case, bad))


def test_a_wrong_expected_cost_or_part_is_caught(two_worlds):
    case, plan = two_worlds
    assert checker.check_costs(case, _tampered(plan, expected_cost=plan.expected_cost + 1.0))
    bad = _tampered(plan)
    bad.extras["cost_breakdown"]["purchases"] -= 5.0
    bad.extras["cost_breakdown"]["holding"] += 5.0  # the sum still right, the parts wrong
    problems = checker.check_costs(case, bad)
    assert any(p.startswith("expected purchases") for p in problems)
    assert any(p.startswith("expected holding") for p in problems)


def test_a_cost_part_the_checker_does_not_know_is_named(two_worlds):
    case, plan = two_worlds
    bad = _tampered(plan)
    bad.extras["cost_breakdown"]["carbon_levy"] = 0.0
    assert any("carbon_levy" in p and "does not re-derive" in p for p in checker.check_costs(case, bad))


@pytest.mark.parametrize("measure", ["cvar_shortfall", "cvar_cost", "expected_shortfall", "worst_shortfall",
                                     "exposure"])
def test_a_wrong_risk_figure_is_caught(two_worlds, measure):
    case, plan = two_worlds
    bad = _tampered(plan)
    bad.metrics[measure] += 0.01 if measure != "cvar_cost" else 1.0
    assert any(p.startswith(measure) for p in checker.check_risk_measures(case, bad))


def test_a_wrong_unmet_share_is_caught(two_worlds):
    case, plan = two_worlds
    bad = _tampered(plan)
    bad.scenarios["unmet_share"] += 0.1
    assert any("unmet share" in p for p in checker.check_risk_measures(case, bad))


# ------------------------------------------------------------------------------------ foresight

def test_told_apart_only_once_an_event_is_known(tmp_path):
    """B's ban starts in period 2: without notice A and B are one group in period 1 and told
    apart from period 2; with one period of notice they are told apart from period 1."""
    case = case_from(cases._two_worlds(notice=0), tmp_path / "a")
    assert checker.information_classes(case) == {1: [["A", "B"]], 2: [["A"], ["B"]]}
    case = case_from(cases._two_worlds(notice=1), tmp_path / "b")
    assert checker.information_classes(case) == {1: [["A"], ["B"]], 2: [["A"], ["B"]]}


def test_a_decision_taken_in_one_scenario_only_is_caught(two_worlds):
    """B pre-buys 10 in period 1 (and holds them) while A, which it cannot yet be told from, does not."""
    case, plan = two_worlds
    assert checker.check_non_anticipativity(case, plan) == []
    routes = plan.routes.copy()
    first = routes[(routes["scenario"] == "B") & (routes["period"] == 1) & (routes["kind"] == "purchase")].index[0]
    routes.loc[first, "quantity"] += 10.0
    bad = _tampered(plan, routes=routes)
    problems = checker.check_non_anticipativity(case, bad)
    assert problems and "cannot be told apart in period 1" in problems[0] and "purchase O_CN" in problems[0]


# ------------------------------------------------------------------------------------ rules

def test_policies_are_checked_on_the_nominal_purchases(tmp_path):
    rows = base_rows()
    rows["policies"] = [{"policy": "max_share_origin", "material": "X", "target": "CN", "value": 0.25},
                        {"policy": "max_share_supplier", "material": "X", "value": 0.6},
                        {"policy": "min_suppliers", "material": "X", "value": 2},
                        {"policy": "max_suppliers", "material": "X", "value": 3}]
    case = case_from(rows, tmp_path)
    routes = pd.DataFrame([{"scenario": "nominal", "kind": "purchase", "route": "O_CN", "from": "CN",
                            "to": "PLANT", "material": "X", "origin_group": "CN", "period": t,
                            "arrival_period": t, "quantity": 10.0} for t in (1, 2)])
    suppliers = pd.DataFrame([{"offer": "O_CN", "contracted": "yes"}, {"offer": "O_AU", "contracted": "no"}])
    plan = type("P", (), {"routes": routes, "suppliers": suppliers})()
    scen = next(iter(case.scenarios))
    plan.routes["scenario"] = scen
    problems = checker.check_policies(case, plan)
    assert any("max_share_origin 0.25 for X: 20 of 20" in p for p in problems), problems
    assert any("max_share_supplier 0.6 for X: ChinaCo sells 20 of 20" in p for p in problems), problems
    assert any("min_suppliers 2 for X: 1 owners contracted (ChinaCo)" in p for p in problems), problems
    assert not any("max_suppliers" in p for p in problems), problems


@pytest.mark.parametrize("measure", ["cvar_shortfall", "cvar_cost", "expected_shortfall", "worst_shortfall",
                                     "exposure"])
def test_every_point_of_a_frontier_passes_for_every_risk_measure(measure, tmp_path):
    """The frontier's points carry the figures of plans that a risk limit shaped (shortfall chosen,
    contracts taken for risk): each is recomputed and agrees."""
    from model.solving.frontier import run_frontier
    from model.solving.staged import SolveOptions
    from test_frontier import two_scenario_rows
    case = case_from(two_scenario_rows(measure), tmp_path)
    result = run_frontier(case, points=3, options=SolveOptions(60, 0.0, workers=1))
    assert all(p.plan is not None for p in result.points)
    for p in result.points:
        assert check_plan(case, p.plan) == [], (measure, p.point)
