"""Hand-derived optima on tiny cases, one per mechanism (objective to 1e-6 and the decisions).

The base case (tests/support/smallcases.py): material X, demand 10 per period at our plant in JP (penalty
100/unit), bought from SUP_CN (price 10, origin group CN) or SUP_AU (price 15, free), capacity 100
each, free lanes with no lead time. Base optimum: everything from China, 10 x 10 per period.
"""

from __future__ import annotations

import pytest

from model.solving.frontier import solve_single
from model.results.checker import check_plan
from support.smallcases import base_rows, case_from


def solve(rows, tmp_path, **kw):
    case = case_from(rows, tmp_path)
    result = solve_single(case, **kw)
    point = result.points[0]
    assert point.outcome.status == "optimal"
    assert check_plan(case, point.plan) == []  # every hand case also passes the independent checker
    return point.plan


def volume(plan, offer):
    return float(plan.suppliers.set_index("offer").loc[offer, "volume"])


def bought_in(plan, offer, period, scenario=None):
    """Units ordered from the offer in the period, in the scenario (default: the first in the plan)."""
    r = plan.routes
    scenario = scenario if scenario is not None else plan.scenarios["scenario"].iloc[0]
    sel = r[(r["kind"] == "purchase") & (r["route"] == offer) & (r["period"] == period)
            & (r["scenario"] == scenario)]
    return float(sel["quantity"].sum())


def contracted(plan) -> set[str]:
    return set(plan.suppliers.query("contracted == 'yes'")["offer"])


def stock_at_end(plan, period, scenario=None) -> float:
    """End-of-period stock at the plant, all origin groups, in the scenario (default: the first)."""
    st = plan.detail["stock"]
    scenario = scenario if scenario is not None else plan.scenarios["scenario"].iloc[0]
    return float(st[(st["scenario"] == scenario) & (st["period"] == period)]["level"].sum())


def add_rule(rows, **kw):
    rule = {"rule": "R1", "issuer": "CN", "materials": "X", "kind": "ban", "status": "in_force"}
    rule.update(kw)
    rows["controls"].append(rule)
    return rows


def test_base_case_buys_the_cheapest(tmp_path):
    plan = solve(base_rows(), tmp_path)
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20)


def test_ban_forces_a_second_source(tmp_path):
    """CN bans X to JP: all 20 units come from Australia at 15."""
    rows = add_rule(base_rows(), to_countries="JP")
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(300, abs=1e-6)
    assert volume(plan, "O_AU") == pytest.approx(20)
    assert volume(plan, "O_CN") == pytest.approx(0)


def test_ban_to_another_country_changes_nothing(tmp_path):
    rows = add_rule(base_rows(), to_countries="US")
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20) and volume(plan, "O_AU") == pytest.approx(0)


def test_entity_ban_names_the_owner(tmp_path):
    rows = add_rule(base_rows(), to_owners="Us")
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(300, abs=1e-6)
    assert volume(plan, "O_AU") == pytest.approx(20) and volume(plan, "O_CN") == pytest.approx(0)


def _licence_rows(lead):
    rows = base_rows(periods=4)
    rows["inventory"] = [{"site": "PLANT", "material": "X", "holding_cost_per_period": 1}]
    return add_rule(rows, kind="licence", licence_lead_time=lead, start_period=3, to_countries="*")


def test_licence_lead_time_forces_a_stockpile(tmp_path):
    """Licence from period 3, two periods of review: no Chinese X in periods 3-4. Pre-buying in
    period 2 costs 10 + 1 (hold one period) for period 3 and 10 + 2 for period 4, below AU's 15:
    100 + 300 + holding 20 + 10 = 430, with 20 units in stock at the end of period 2."""
    plan = solve(_licence_rows(2), tmp_path)
    assert plan.expected_cost == pytest.approx(430, abs=1e-6)
    assert bought_in(plan, "O_CN", 2) == pytest.approx(30)
    stock = plan.stockpile.set_index("period")["level"]
    assert stock[2] == pytest.approx(20) and stock[3] == pytest.approx(10)


def test_licence_after_review_allows_flows(tmp_path):
    """One period of review: only period 3 is blocked: 100 + 200 + 10 holding + 100 = 410, with
    period 3's 10 units bought in period 2 and held, and China again in period 4."""
    plan = solve(_licence_rows(1), tmp_path)
    assert plan.expected_cost == pytest.approx(410, abs=1e-6)
    assert [bought_in(plan, "O_CN", t) for t in (1, 2, 3, 4)] == pytest.approx([10, 20, 0, 10])
    assert stock_at_end(plan, 2) == pytest.approx(10) and volume(plan, "O_AU") == pytest.approx(0)


def test_licence_with_quota_caps_flows_after_review(tmp_path):
    """Licence in force from period 1, no review time, 4 units per period licensed: 4 CN + 6 AU."""
    rows = add_rule(base_rows(), kind="licence", licence_lead_time=0, quota_per_period=4)
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(2 * (40 + 90), abs=1e-6)
    assert [bought_in(plan, o, t) for o in ("O_CN", "O_AU") for t in (1, 2)] == pytest.approx([4, 4, 6, 6])


def test_quota_caps_covered_flows(tmp_path):
    rows = add_rule(base_rows(), kind="quota", quota_per_period=4, to_countries="*")
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(260, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(8)


def _processing_rows(extraterritorial):
    """X (oxide) is turned into Y (metal) in Malaysia, then Y goes to our plant in Japan."""
    rows = base_rows()
    rows["materials"].append({"material": "Y", "stage": "metal"})
    rows["sites"].append({"site": "PROC_MY", "country": "MY", "owner": "MyCo", "role": "processor"})
    rows["processes"] = [{"process": "P_MY", "site": "PROC_MY", "output": "Y", "capacity_per_period": 100}]
    rows["process_inputs"] = [{"process": "P_MY", "input": "X", "per_unit_output": 1}]
    rows["lanes"] = [{"from_site": "SUP_CN", "to_site": "PROC_MY", "materials": "X"},
                     {"from_site": "SUP_AU", "to_site": "PROC_MY", "materials": "X"},
                     {"from_site": "PROC_MY", "to_site": "PLANT", "materials": "Y"}]
    rows["demand"] = [{"site": "PLANT", "material": "Y", "period": "*", "quantity": 10, "shortfall_penalty": 100}]
    return add_rule(rows, materials="Y", to_countries="JP", extraterritorial="yes" if extraterritorial else "no")


def test_extraterritorial_ban_follows_origin_through_processing(tmp_path):
    """Chinese X refined in Malaysia stays Chinese-origin: the extraterritorial ban on Y to Japan
    stops it, so the X comes from Australia: 20 x 15 = 300."""
    plan = solve(_processing_rows(True), tmp_path)
    assert plan.expected_cost == pytest.approx(300, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(0)
    made = plan.routes[plan.routes["kind"] == "production"]
    assert "CN" not in set(made["origin_group"])


def label_dodge_rows(cn_price: float = 10):
    """Y is made in Malaysia from one X; X from Russia (group covered) at 5, China at cn_price or
    Australia at 15; 10 Y to our plant in Japan in one period. Russia bans Y to Japan,
    extraterritorially (Y carrying Russia's group, covered). Russian X makes covered Y: banned."""
    rows = base_rows(1)  # its countries include RU, group covered
    rows["materials"].append({"material": "Y", "stage": "metal"})
    rows["sites"] += [{"site": "SUP_RU", "country": "RU", "owner": "RuCo", "role": "supplier"},
                      {"site": "PROC_MY", "country": "MY", "owner": "MyCo", "role": "processor"}]
    rows["offers"][0]["price"] = cn_price
    rows["offers"].append({"offer": "O_RU", "site": "SUP_RU", "material": "X", "price": 5, "capacity_per_period": 100})
    rows["processes"] = [{"process": "P_MY", "site": "PROC_MY", "output": "Y", "capacity_per_period": 100}]
    rows["process_inputs"] = [{"process": "P_MY", "input": "X", "per_unit_output": 1}]
    rows["lanes"] = [{"from_site": a, "to_site": "PROC_MY", "materials": "X"} for a in ("SUP_RU", "SUP_CN", "SUP_AU")]
    rows["lanes"].append({"from_site": "PROC_MY", "to_site": "PLANT", "materials": "Y"})
    rows["demand"] = [{"site": "PLANT", "material": "Y", "period": 1, "quantity": 10, "shortfall_penalty": 100}]
    rows["inventory"] = [{"site": "PLANT", "material": "Y", "max_stock": 0}]
    return add_rule(rows, rule="RU_ET", issuer="RU", materials="Y", to_countries="JP", extraterritorial="yes")


@pytest.mark.parametrize("cn_price, cost, offer", [(10, 100, "O_CN"), (1000, 150, "O_AU")])
def test_an_output_never_takes_a_more_controlled_group_than_its_inputs(tmp_path, cn_price, cost, offer):
    """Y from Russian X is covered, so the Russian ban stops it; Y from Chinese X is CN, which the
    Russian rule does not reach: 10 x 10 = 100 (with China at 1000, Australian X: 150). Labelling
    Russian-made Y as CN to dodge the rule (50) is not a plan: the output holds no Chinese input."""
    plan = solve(label_dodge_rows(cn_price), tmp_path)
    assert plan.expected_cost == pytest.approx(cost, abs=1e-6)
    assert volume(plan, offer) == pytest.approx(10) and volume(plan, "O_RU") == pytest.approx(0)


def test_same_ban_without_extraterritorial_reach_covers_less(tmp_path):
    """Without extraterritorial reach the rule covers only flows leaving China: Y ships from MY."""
    plan = solve(_processing_rows(False), tmp_path)
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    made = plan.routes[plan.routes["kind"] == "production"]
    assert set(made["origin_group"]) == {"CN"}  # processed in MY, still Chinese-origin


def test_a_clean_chain_is_labelled_clean(tmp_path):
    """Australian oxide -> metal (Malaysia) -> alloy -> magnet (our plant in Japan), all free: each
    output takes the most controlled of its inputs' groups and its site's group, so every step is
    labelled free (a more controlled label costs nothing and must not be reported).
    Per magnet: alloy 1.05, metal 1.155, oxide 1.44375 -> 1.44375 x (10 + 0.5) + 1.155 x (1 + 2)
    + 1.05 x 2 + 3 = 23.724375; 10 magnets: 237.24375."""
    rows = base_rows(periods=1)
    rows["materials"] = [{"material": "OX", "stage": "oxide"}, {"material": "MET", "stage": "metal"},
                         {"material": "ALY", "stage": "alloy"}, {"material": "MAG", "stage": "magnet"}]
    rows["sites"] = [{"site": "MINE", "country": "AU", "owner": "AusCo", "role": "supplier"},
                     {"site": "REF", "country": "MY", "owner": "MyCo", "role": "processor"},
                     {"site": "PLANT", "country": "JP", "owner": "Us", "role": "own"}]
    rows["offers"] = [{"offer": "OX_AU", "site": "MINE", "material": "OX", "price": 10}]
    rows["processes"] = [{"process": "P_MET", "site": "REF", "output": "MET", "cost_per_unit": 1},
                         {"process": "P_ALY", "site": "PLANT", "output": "ALY", "cost_per_unit": 2},
                         {"process": "P_MAG", "site": "PLANT", "output": "MAG", "cost_per_unit": 3}]
    rows["process_inputs"] = [{"process": "P_MET", "input": "OX", "per_unit_output": 1.25},
                              {"process": "P_ALY", "input": "MET", "per_unit_output": 1.1},
                              {"process": "P_MAG", "input": "ALY", "per_unit_output": 1.05}]
    rows["lanes"] = [{"from_site": "MINE", "to_site": "REF", "materials": "*", "cost_per_unit": 0.5},
                     {"from_site": "REF", "to_site": "PLANT", "materials": "*", "cost_per_unit": 2}]
    rows["demand"] = [{"site": "PLANT", "material": "MAG", "period": "*", "quantity": 10, "shortfall_penalty": 100}]
    rows["inventory"] = [{"site": "PLANT", "material": m, "max_stock": 0} for m in ("MET", "ALY", "MAG")]
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(237.24375, abs=1e-6)
    assert set(plan.routes["origin_group"]) == {"free"}


def test_defence_demand_accepts_only_clean_origin(tmp_path):
    """5 units per period with max_origin_group = free must be Australian: 2 x (100 + 75) = 350."""
    rows = base_rows()
    rows["demand"].append({"site": "PLANT", "material": "X", "period": "*", "quantity": 5,
                           "shortfall_penalty": 100, "max_origin_group": "free"})
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(350, abs=1e-6)
    assert volume(plan, "O_AU") == pytest.approx(10)


def _build_rows(technology_ban=False):
    rows = base_rows(periods=4)
    rows["materials"].append({"material": "Y", "stage": "magnet"})
    rows["offers"].append({"offer": "O_Y", "site": "SUP_AU", "material": "Y", "price": 40, "capacity_per_period": 100})
    rows["lanes"][1]["materials"] = "X, Y"
    rows["processes"] = [{"process": "P_NEW", "site": "PLANT", "output": "Y", "capacity_per_period": 100,
                          "exists": "no", "build_cost": 50, "build_periods": 2, "technology": "sintering",
                          "technology_origin": "CN"}]
    rows["process_inputs"] = [{"process": "P_NEW", "input": "X", "per_unit_output": 1}]
    rows["demand"] = [{"site": "PLANT", "material": "Y", "period": "*", "quantity": 10, "shortfall_penalty": 100}]
    rows["offers"] = [o for o in rows["offers"] if o["offer"] != "O_CN"]
    if technology_ban:
        add_rule(rows, rule="TECH", technologies="sintering", materials="")
    return rows


def test_process_must_be_built_and_waits_build_periods(tmp_path):
    """Y bought at 40 in periods 1-2; the plant (build 50, 2 periods) makes Y from X at 15 from
    period 3: 800 + 50 + 300 = 1150."""
    plan = solve(_build_rows(), tmp_path)
    assert plan.expected_cost == pytest.approx(1150, abs=1e-6)
    assert plan.processes.set_index("process").loc["P_NEW", "built"] == "yes"
    made = plan.routes[plan.routes["kind"] == "production"]
    assert set(made["period"]) <= {3, 4} and made["quantity"].sum() == pytest.approx(20)


def test_technology_ban_in_force_forbids_the_build(tmp_path):
    plan = solve(_build_rows(technology_ban=True), tmp_path)
    assert plan.expected_cost == pytest.approx(1600, abs=1e-6)
    assert plan.processes.set_index("process").loc["P_NEW", "built"] == "no"


def test_qualification_delay(tmp_path):
    """AU at 5 needs 2 periods of qualification (cost 20): CN in periods 1-2, AU in 3-4."""
    rows = base_rows(periods=4)
    rows["offers"][1].update({"price": 5, "qualified": "no", "qualification_periods": 2, "qualification_cost": 20})
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(200 + 100 + 20, abs=1e-6)
    assert bought_in(plan, "O_AU", 2) == 0 and bought_in(plan, "O_AU", 3) == pytest.approx(10)
    assert plan.suppliers.set_index("offer").loc["O_AU", "qualification_started"] == "yes"


def _one_scenario_with(event):
    rows = base_rows()
    rows["scenarios"] = [{"scenario": "S1", "probability": 1}]
    rows["scenario_events"] = [dict(scenario="S1", **event)]
    return rows


def test_outage_removes_capacity(tmp_path):
    """China's site is out in period 2 only: China in period 1, Australia in period 2."""
    rows = _one_scenario_with({"event": "outage", "target": "SUP_CN", "start_period": 2, "duration": 1})
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(100 + 150, abs=1e-6)
    assert [bought_in(plan, o, t) for o in ("O_CN", "O_AU") for t in (1, 2)] == pytest.approx([10, 0, 0, 10])


def test_partial_lane_outage(tmp_path):
    rows = base_rows()
    rows["lanes"][0]["capacity_per_period"] = 10
    rows["scenarios"] = [{"scenario": "S1", "probability": 1}]
    rows["scenario_events"] = [{"scenario": "S1", "event": "outage", "target": "SUP_CN>PLANT",
                                "start_period": 1, "factor": 0.4}]
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(2 * (40 + 90), abs=1e-6)  # 4 units a period through the lane
    assert [bought_in(plan, o, t) for o in ("O_CN", "O_AU") for t in (1, 2)] == pytest.approx([4, 4, 6, 6])


def test_price_shock(tmp_path):
    """China's price is 12 in period 2, still below Australia's 15: China throughout."""
    rows = _one_scenario_with({"event": "price", "target": "CN", "start_period": 2, "factor": 1.2})
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(100 + 120, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20) and volume(plan, "O_AU") == pytest.approx(0)
    assert plan.extras["cost_breakdown"]["purchases"] == pytest.approx(220)


def _two_worlds(notice):
    """A (p 0.5): nothing happens. B (p 0.5): China bans X from period 2. Holding costs 3."""
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "holding_cost_per_period": 3}]
    add_rule(rows, status="scenario", to_countries="*")
    rows["scenarios"] = [{"scenario": "A", "probability": 0.5}, {"scenario": "B", "probability": 0.5}]
    rows["scenario_events"] = [{"scenario": "B", "event": "rule", "target": "R1", "start_period": 2, "notice": notice}]
    return rows


def test_non_anticipativity_forbids_prebuying_only_in_the_bad_world(tmp_path):
    """Without notice, period 1 cannot differ between A and B. Pre-buying in both costs
    200 + 30 = 230 in each; not pre-buying costs 200 (A) and 250 (B): expected 225 wins.
    A clairvoyant plan would pre-buy only in B (expected 215): not allowed."""
    plan = solve(_two_worlds(notice=0), tmp_path)
    assert plan.expected_cost == pytest.approx(225, abs=1e-6)
    assert plan.stockpile["level"].max() == pytest.approx(0, abs=1e-6)


def test_notice_lets_the_plan_prepare(tmp_path):
    """With one period of notice B is known in period 1 and pre-buys: 0.5 x 200 + 0.5 x 230.
    B buys 20 in period 1 and holds 10; A buys 10 in each period and holds nothing."""
    plan = solve(_two_worlds(notice=1), tmp_path)
    assert plan.expected_cost == pytest.approx(215, abs=1e-6)
    assert [bought_in(plan, "O_CN", t, "B") for t in (1, 2)] == pytest.approx([20, 0])
    assert [bought_in(plan, "O_CN", t, "A") for t in (1, 2)] == pytest.approx([10, 10])
    assert stock_at_end(plan, 1, "B") == pytest.approx(10) and stock_at_end(plan, 1, "A") == pytest.approx(0)


def test_min_suppliers(tmp_path):
    rows = base_rows()
    rows["offers"][1]["fixed_cost"] = 7
    rows["policies"] = [{"policy": "min_suppliers", "material": "X", "value": 2}]
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(207, abs=1e-6)
    assert set(plan.suppliers.query("contracted == 'yes'")["offer"]) == {"O_CN", "O_AU"}


def test_max_suppliers(tmp_path):
    """China bans X from period 2. Two suppliers: 100 + 150 = 250; one: Australia only, 300."""
    rows = add_rule(base_rows(), start_period=2)
    plan = solve(rows, tmp_path / "two")
    assert plan.expected_cost == pytest.approx(250, abs=1e-6)
    assert contracted(plan) == {"O_CN", "O_AU"}
    assert bought_in(plan, "O_CN", 1) == pytest.approx(10) and bought_in(plan, "O_AU", 2) == pytest.approx(10)
    rows["policies"] = [{"policy": "max_suppliers", "material": "X", "value": 1}]
    plan = solve(rows, tmp_path / "one")
    assert plan.expected_cost == pytest.approx(300, abs=1e-6)
    assert contracted(plan) == {"O_AU"} and volume(plan, "O_AU") == pytest.approx(20)


def test_max_share_origin_and_supplier(tmp_path):
    rows = base_rows()
    """A quarter of 20 units may be Chinese: 5 CN + 15 AU; no owner above 60 %: 12 CN + 8 AU."""
    rows["policies"] = [{"policy": "max_share_origin", "material": "X", "target": "CN", "value": 0.25}]
    plan = solve(rows, tmp_path / "origin")
    assert plan.expected_cost == pytest.approx(5 * 10 + 15 * 15, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(5) and volume(plan, "O_AU") == pytest.approx(15)
    rows["policies"] = [{"policy": "max_share_supplier", "material": "*", "value": 0.6}]
    plan = solve(rows, tmp_path / "supplier")
    assert plan.expected_cost == pytest.approx(12 * 10 + 8 * 15, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(12) and volume(plan, "O_AU") == pytest.approx(8)


def test_take_or_pay_minimum_is_paid(tmp_path):
    """CN contract with a minimum of 15 per period: 2 x 150 = 300, still below Australia at 16:
    10 a period taken, 5 a period paid for and not taken (take-or-pay excess 100). With Australia
    at 14 (280) China is not contracted at all."""
    rows = base_rows()
    rows["offers"][0]["min_per_period"] = 15
    rows["offers"][1]["price"] = 16
    plan = solve(rows, tmp_path / "cn")
    assert plan.expected_cost == pytest.approx(300, abs=1e-6)
    assert contracted(plan) == {"O_CN"} and volume(plan, "O_CN") == pytest.approx(20)
    assert plan.extras["cost_breakdown"]["take_or_pay_excess"] == pytest.approx(100)
    rows["offers"][1]["price"] = 14
    plan = solve(rows, tmp_path / "au")
    assert plan.expected_cost == pytest.approx(280, abs=1e-6)
    assert "O_CN" not in contracted(plan) and volume(plan, "O_AU") == pytest.approx(20)


def test_lane_lead_time_and_capacity(tmp_path):
    """The CN lane takes a period: period 1 demand comes from Australia, period 2's from China,
    shipped in period 1 (nothing shipped in period 2 would arrive within the horizon). A lane of
    capacity 6: 6 Chinese and 4 Australian units a period."""
    rows = base_rows()
    rows["lanes"][0]["lead_time"] = 1
    plan = solve(rows, tmp_path / "lead")
    assert plan.expected_cost == pytest.approx(150 + 100, abs=1e-6)
    assert [bought_in(plan, o, t) for o in ("O_CN", "O_AU") for t in (1, 2)] == pytest.approx([10, 0, 10, 0])
    ships = plan.routes[(plan.routes["kind"] == "shipment") & (plan.routes["route"] == "SUP_CN>PLANT")]
    assert ships[["period", "arrival_period", "quantity"]].values.tolist() == [[1, 2, 10.0]]
    rows["lanes"][0].update({"lead_time": 0, "capacity_per_period": 6})
    plan = solve(rows, tmp_path / "cap")
    assert plan.expected_cost == pytest.approx(2 * (60 + 60), abs=1e-6)
    assert [bought_in(plan, o, t) for o in ("O_CN", "O_AU") for t in (1, 2)] == pytest.approx([6, 6, 4, 4])


def test_end_stock_defaults_to_initial_stock(tmp_path):
    rows = base_rows()
    """5 units in stock, end_stock_min blank (= 5): all 20 bought, 5 left at the end (200). With
    end_stock_min 0 the stock serves 5 units: 15 bought, none left (150)."""
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 5, "initial_origin_group": "CN"}]
    plan = solve(rows, tmp_path / "kept")
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20) and stock_at_end(plan, 2) == pytest.approx(5)
    rows["inventory"][0]["end_stock_min"] = 0
    plan = solve(rows, tmp_path / "used")
    assert plan.expected_cost == pytest.approx(150, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(15) and stock_at_end(plan, 2) == pytest.approx(0)


def test_shortfall_when_nothing_can_be_bought(tmp_path):
    rows = add_rule(base_rows(), to_countries="*")
    rows["offers"] = rows["offers"][:1]
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(2000, abs=1e-6)
    assert plan.metrics["expected_shortfall"] == pytest.approx(1.0)


def test_checker_catches_a_tampered_plan(tmp_path):
    rows = add_rule(base_rows(), to_countries="JP")
    case = case_from(rows, tmp_path)
    plan = solve_single(case).points[0].plan
    assert check_plan(case, plan) == []
    routes = plan.routes.copy()
    plan.routes = routes[routes["kind"] != "purchase"]  # material from nowhere
    assert any("balance" in p for p in check_plan(case, plan))
    ship = routes[routes["kind"] == "shipment"].iloc[0]
    banned = routes.copy()
    banned.loc[len(banned)] = {**ship.to_dict(), "route": "SUP_CN>PLANT", "from": "SUP_CN", "origin_group": "CN"}
    plan.routes = banned
    assert any("rule R1" in p for p in check_plan(case, plan))


def test_an_idle_free_contract_is_not_reported(tmp_path):
    """Both offers have no fixed cost and no minimum, so the solver may leave O_AU's contract binary at 1
    at no cost; the plan buys nothing from it, so it is not contracted and there is one supplier."""
    plan = solve(base_rows(), tmp_path)
    assert set(plan.suppliers.query("contracted == 'yes'")["offer"]) == {"O_CN"}
    assert plan.n_suppliers == 1


def test_a_free_contract_counted_by_a_supplier_policy_is_reported(tmp_path):
    """min_suppliers 2 with free contracts: O_AU is contracted (the count needs it) though unused."""
    rows = base_rows()
    rows["policies"] = [{"policy": "min_suppliers", "material": "X", "value": 2}]
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    assert volume(plan, "O_AU") == pytest.approx(0)
    assert set(plan.suppliers.query("contracted == 'yes'")["offer"]) == {"O_CN", "O_AU"}
    assert plan.n_suppliers == 2


def test_initial_stock_above_max_stock_comes_down_in_period_1(tmp_path):
    """15 in stock, max_stock 10 (end of period), end_stock_min 0: period 1 is served from stock
    (5 left), period 2 from the 5 left plus 5 Chinese units: 5 x 10 = 50."""
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 15, "max_stock": 10, "end_stock_min": 0}]
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(50, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(5)
