"""The levers a magnet maker has, each on a case solved by hand: the end of the horizon in a crisis
(end_stock_value), scheduled receipts, storage options and substitutes. Each optimum changes when
the mechanism is taken away."""

from __future__ import annotations

import pytest

from support.smallcases import base_rows
from test_model_cases import solve


def _crisis_rows(end_stock_value=None) -> dict:
    """Only a CN offer (10/t); 5 t in stock (at most 5 t held), end_stock_min 5 by default. The crisis
    scenario (p 0.5) loses the offer from period 2 to the horizon, without notice."""
    rows = base_rows()
    rows["offers"] = [rows["offers"][0]]
    rows["lanes"] = [rows["lanes"][0]]
    inv = {"site": "PLANT", "material": "X", "initial_stock": 5, "initial_origin_group": "CN", "max_stock": 5}
    if end_stock_value is not None:
        inv["end_stock_value"] = end_stock_value
    rows["inventory"] = [inv]
    rows["scenarios"] = [{"scenario": "calm", "probability": 0.5}, {"scenario": "crisis", "probability": 0.5}]
    rows["scenario_events"] = [{"scenario": "crisis", "event": "outage", "target": "O_CN", "start_period": 2}]
    return rows


def test_a_crisis_to_the_horizon_draws_the_stock_down(tmp_path):
    """calm: 10 + 10 t bought, the 5 t handed on (200). crisis: 10 t in period 1; in period 2 the 5 t
    in stock serve 5 t of demand (5 short: 500) and cost 5 x 10 (the cheapest offer's price) to put
    back: 100 + 500 + 50 = 650, against 1,100 were the stock held. Expected 0.5 x 200 + 0.5 x 650."""
    plan = solve(_crisis_rows(), tmp_path)
    assert plan.expected_cost == pytest.approx(425.0)
    costs = plan.scenarios.set_index("scenario")["cost"]
    assert costs["calm"] == pytest.approx(200.0) and costs["crisis"] == pytest.approx(650.0)
    assert plan.extras["cost_breakdown"]["end_stock"] == pytest.approx(25.0)
    crisis = plan.shortfall[plan.shortfall["scenario"] == "crisis"]
    assert crisis["unmet"].sum() == pytest.approx(5.0)
    calm_end = plan.stockpile[plan.stockpile["period"] == 2]["level"].sum()
    assert calm_end == pytest.approx(5.0)  # the nominal scenario hands the stockpile on


def test_a_dear_end_stock_value_leaves_demand_short_instead(tmp_path):
    """At 150/t to put back (above the 100/t penalty) the crisis keeps its 5 t: 100 + 1,000."""
    plan = solve(_crisis_rows(end_stock_value=150), tmp_path)
    assert plan.expected_cost == pytest.approx(0.5 * 200 + 0.5 * 1100)
    assert plan.extras["cost_breakdown"]["end_stock"] == pytest.approx(0.0)
    crisis = plan.shortfall[plan.shortfall["scenario"] == "crisis"]
    assert crisis["unmet"].sum() == pytest.approx(10.0)


def _receipt_rows(origin_group=None, clean_demand=False) -> dict:
    """Offers arrive a period after the order (lead time 1), so nothing ordered serves period 1; an
    open order of 10 t arrives in period 1. The stock is unlimited."""
    rows = base_rows()
    for o in rows["offers"]:
        o["lead_time"] = 1
    rows["inventory"] = [{"site": "PLANT", "material": "X"}]
    if clean_demand:
        rows["demand"][0]["max_origin_group"] = "free"
    if origin_group is not None:
        rows["scheduled_receipts"] = [{"site": "PLANT", "material": "X", "period": 1, "quantity": 10,
                                       "origin_group": origin_group}]
    return rows


def test_a_receipt_serves_a_month_no_order_can_reach(tmp_path):
    """Without it period 1 is 10 t short (1,000) and period 2 is bought from CN (100); with it, 100."""
    assert solve(_receipt_rows(), tmp_path).expected_cost == pytest.approx(1100.0)
    plan = solve(_receipt_rows("CN"), tmp_path)
    assert plan.expected_cost == pytest.approx(100.0)
    assert plan.shortfall["unmet"].sum() == pytest.approx(0.0)


def test_a_controlled_receipt_cannot_serve_a_clean_demand(tmp_path):
    """Demand free: period 2 comes from AU (15/t, 150); a free receipt serves period 1, a CN one
    cannot (10 t short, 1,000) and stays in stock."""
    assert solve(_receipt_rows("free", clean_demand=True), tmp_path).expected_cost == pytest.approx(150.0)
    plan = solve(_receipt_rows("CN", clean_demand=True), tmp_path)
    assert plan.expected_cost == pytest.approx(1150.0)
    assert plan.shortfall["unmet"].sum() == pytest.approx(10.0)


def storage_rows(build_periods: int | None = None) -> dict:
    """Demand 5 t in period 1 and 15 t in period 2; CN sells at most 10 t a period at 10, AU the rest
    at 15; no stock may be held. Without room: 50 + 100 + 75 = 225. A storage option of 10 t (cost 5)
    lets period 1 buy 10 t from CN and carry 5: 200 + 5 = 205."""
    rows = base_rows()
    rows["offers"][0]["capacity_per_period"] = 10
    rows["demand"] = [{"site": "PLANT", "material": "X", "period": 1, "quantity": 5, "shortfall_penalty": 100},
                      {"site": "PLANT", "material": "X", "period": 2, "quantity": 15, "shortfall_penalty": 100}]
    if build_periods is not None:
        rows["storage_options"] = [{"option": "RENT", "site": "PLANT", "material": "X", "extra_max_stock": 10,
                                    "cost": 5, "build_periods": build_periods}]
    return rows


def test_a_storage_option_pays_when_ready_in_time(tmp_path):
    assert solve(storage_rows(), tmp_path).expected_cost == pytest.approx(225.0)
    plan = solve(storage_rows(build_periods=0), tmp_path)
    assert plan.expected_cost == pytest.approx(205.0)
    assert plan.extras["cost_breakdown"]["builds"] == pytest.approx(5.0)
    assert plan.storage.set_index("option").loc["RENT", "taken"] == "yes"
    level = plan.stockpile.set_index("period")["level"]
    assert level[1] == pytest.approx(5.0)


def test_a_storage_option_ready_too_late_is_not_taken(tmp_path):
    """Ready from period 2, the room cannot hold period 1's stock: the option buys nothing."""
    plan = solve(storage_rows(build_periods=1), tmp_path)
    assert plan.expected_cost == pytest.approx(225.0)
    assert plan.storage.set_index("option").loc["RENT", "taken"] == "no"


def floor_rows(column: str) -> dict:
    """Three periods, demand 10 t a period, CN at 10/t (AU at 15); at most 5 t may be held, but the
    row asks for 10 t: ``column`` (end_stock_min, min_stock, or initial_stock as the default
    end_stock_min) above max_stock. A storage option of 10 t (cost 50, ready at once) is the only way."""
    rows = base_rows(periods=3)
    inv = {"site": "PLANT", "material": "X", "max_stock": 5, "holding_cost_per_period": 1}
    inv[column] = 10
    if column == "min_stock":
        inv["initial_stock"], inv["end_stock_min"] = 10, 0
    rows["inventory"] = [inv]
    rows["storage_options"] = [{"option": "RENT", "site": "PLANT", "material": "X", "extra_max_stock": 10,
                                "cost": 50, "build_periods": 0}]
    return rows


@pytest.mark.parametrize("column, cost", [
    ("end_stock_min", 400 + 10 + 50),  # 10 + 10 + 20 t bought, 10 t held at the end of period 3
    ("initial_stock", 300 + 10 + 50),  # the 10 t start serve period 1; 10 + 20 t bought, 10 t held at the end
    ("min_stock", 300 + 30 + 50)])     # 10 t start, never below 10 t: 30 t bought, 10 t held throughout
def test_a_stock_floor_above_max_stock_rents_the_room_it_needs(tmp_path, column, cost):
    """A floor above max_stock is not bad input where a storage option can hold it: the plan rents
    the room."""
    plan = solve(floor_rows(column), tmp_path)
    assert plan.expected_cost == pytest.approx(cost)
    assert plan.storage.set_index("option").loc["RENT", "taken"] == "yes"


def substitute_rows(max_share: float = 1.0, per_unit: float = 1.0, qualification_periods: int = 0,
                    qualification_cost: float = 0.0, clean_demand: bool = False) -> dict:
    """Demand 10 t of X a period (X from CN at 10); Y, a substitute, from AU at 5."""
    rows = base_rows()
    rows["materials"].append({"material": "Y", "stage": "magnet"})
    rows["offers"].append({"offer": "O_Y", "site": "SUP_AU", "material": "Y", "price": 5, "capacity_per_period": 100})
    if clean_demand:
        rows["demand"][0]["max_origin_group"] = "free"
        rows["offers"][-1]["site"] = "SUP_CN"
    rows["substitutes"] = [{"demand_material": "X", "substitute": "Y", "per_unit": per_unit, "max_share": max_share,
                            "qualification_periods": qualification_periods,
                            "qualification_cost": qualification_cost}]
    return rows


def _served_by_substitute(plan) -> float:
    return plan.substitutes_served["quantity_served"].sum() if len(plan.substitutes_served) else 0.0


def test_a_substitute_at_full_share(tmp_path):
    """All 20 t served by Y: 100."""
    plan = solve(substitute_rows(), tmp_path)
    assert plan.expected_cost == pytest.approx(100.0)
    assert _served_by_substitute(plan) == pytest.approx(20.0)


def test_a_substitute_at_a_limited_share(tmp_path):
    """Half of each period from Y (25), half X (50): 150."""
    plan = solve(substitute_rows(max_share=0.5), tmp_path)
    assert plan.expected_cost == pytest.approx(150.0)
    assert _served_by_substitute(plan) == pytest.approx(10.0)


def test_a_substitute_needing_more_per_unit(tmp_path):
    """1.5 t of Y per t served: 7.5 a t served, still below X's 10: 20 x 7.5 = 150, 30 t of Y."""
    plan = solve(substitute_rows(per_unit=1.5), tmp_path)
    assert plan.expected_cost == pytest.approx(150.0)
    y = plan.routes[(plan.routes["kind"] == "purchase") & (plan.routes["material"] == "Y")]["quantity"].sum()
    assert y == pytest.approx(30.0)


def test_a_substitute_qualified_too_late_for_the_first_month(tmp_path):
    """Qualified for 1 period at 3: period 1 from X (100), period 2 from Y (50): 153."""
    plan = solve(substitute_rows(qualification_periods=1, qualification_cost=3), tmp_path)
    assert plan.expected_cost == pytest.approx(153.0)
    assert plan.substitutes.set_index("substitute").loc["X>Y", "qualified"] == "yes"
    served = plan.substitutes_served.groupby("period")["quantity_served"].sum()
    assert 1 not in served.index and served[2] == pytest.approx(10.0)


def test_a_substitute_not_worth_qualifying(tmp_path):
    """At 200 to qualify, Y saves 50 in period 2: not qualified, 200."""
    plan = solve(substitute_rows(qualification_periods=1, qualification_cost=200), tmp_path)
    assert plan.expected_cost == pytest.approx(200.0)
    assert plan.substitutes.set_index("substitute").loc["X>Y", "qualified"] == "no"


def test_a_substitute_obeys_the_demand_rows_origin_limit(tmp_path):
    """Demand free; Y comes from CN only and X from AU (15): no Y, 20 x 15 = 300."""
    rows = substitute_rows(clean_demand=True)
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(300.0)
    assert _served_by_substitute(plan) == pytest.approx(0.0)


# --------------------------------------------------------------------------------------------------
# validation: every bad cell of the new sheets is named
# --------------------------------------------------------------------------------------------------

def _issues(rows, tmp_path, kind="error"):
    from model.case.reader import check_workbook
    from support.smallcases import write_rows
    _, report = check_workbook(write_rows(rows, tmp_path / "bad.xlsx"))
    found = report.errors if kind == "error" else report.warnings
    return [(i.sheet, i.cell, i.message) for i in found]


def _lever_rows() -> dict:
    rows = substitute_rows()
    rows["sites"].append({"site": "WH", "country": "US", "owner": "Us", "role": "warehouse"})
    rows["inventory"].append({"site": "WH", "material": "X", "max_stock": 10})
    rows["scheduled_receipts"] = [{"site": "PLANT", "material": "X", "period": 1, "quantity": 5,
                                   "origin_group": "free"}]
    rows["storage_options"] = [{"option": "S1", "site": "WH", "material": "X", "extra_max_stock": 10, "cost": 1}]
    return rows


def test_the_lever_sheets_validate_clean(tmp_path):
    assert _issues(_lever_rows(), tmp_path) == []


@pytest.mark.parametrize("sheet, column, value, cell, fragment", [
    ("scheduled_receipts", "site", "NOWHERE", "A2", "not a known site"),
    ("scheduled_receipts", "site", "SUP_CN", "A2", "expected a stocking site"),
    ("scheduled_receipts", "material", "Z", "B2", "not a known material"),
    ("scheduled_receipts", "period", 3, "C2", "expected a period within 1..2"),
    ("scheduled_receipts", "quantity", -1, "D2", ">= 0"),
    ("scheduled_receipts", "origin_group", "dirty", "E2", "not a declared origin group"),
    ("storage_options", "site", "SUP_AU", "B2", "expected a stocking site"),
    ("storage_options", "material", "Y", "C2", "has no inventory row at site WH"),
    ("storage_options", "material", "nogroup", "C2", "neither a material nor a material group"),
    ("storage_options", "extra_max_stock", -3, "D2", ">= 0"),
    ("storage_options", "cost", -1, "E2", ">= 0"),
    ("substitutes", "substitute", "X", "B2", "is its demand material"),
    ("substitutes", "substitute", "Q", "B2", "not a known material"),
    ("substitutes", "demand_material", "Q", "A2", "not a known material"),
    ("substitutes", "max_share", 1.5, "D2", "1"),
    ("substitutes", "max_share", -0.1, "D2", "0"),
    ("substitutes", "per_unit", 0, "C2", "expected a number > 0"),
    ("substitutes", "qualification_cost", -5, "F2", ">= 0"),
])
def test_a_bad_lever_cell_is_named(tmp_path, sheet, column, value, cell, fragment):
    rows = _lever_rows()
    rows[sheet][0][column] = value
    errors = _issues(rows, tmp_path)
    assert any(s == sheet and c == cell and fragment in msg for s, c, msg in errors), errors


def test_end_stock_value_must_not_be_negative(tmp_path):
    rows = _lever_rows()
    rows["inventory"][0]["end_stock_value"] = -1
    errors = _issues(rows, tmp_path)
    assert any(s == "inventory" and c == "J2" for s, c, _ in errors), errors


def test_end_stock_value_defaults_to_the_cheapest_offer(tmp_path):
    from support.smallcases import case_from
    case = case_from(_lever_rows(), tmp_path)
    assert case.inventories[("PLANT", "X")].end_stock_value == 10.0  # O_CN at 10, O_AU at 15
    rows = _lever_rows()
    rows["materials"].append({"material": "W", "stage": "oxide"})
    rows["inventory"].append({"site": "WH", "material": "W"})
    assert case_from(rows, tmp_path, "b.xlsx").inventories[("WH", "W")].end_stock_value == 0.0  # none offered


def test_room_never_ready_and_room_for_unlimited_stock_are_warned(tmp_path):
    rows = _lever_rows()
    rows["storage_options"][0]["build_periods"] = 2
    rows["inventory"][1]["max_stock"] = None
    warnings = _issues(rows, tmp_path, kind="warning")
    assert any(s == "storage_options" and "leaves no period" in m for s, _, m in warnings), warnings
    assert any(s == "storage_options" and "adds nothing" in m for s, _, m in warnings), warnings


# --------------------------------------------------------------------------------------------------
# option values: storage options and substitute qualifications are options too
# --------------------------------------------------------------------------------------------------

def _values(rows, tmp_path):
    from model.solving.staged import SolveOptions
    from model.solving.value import run_values
    from support.smallcases import case_from
    return run_values(case_from(rows, tmp_path), options=SolveOptions(60, 0.0, workers=1))


def _option(result, name, kind):
    hits = [o for o in result.options if o.option == name and o.kind == kind]
    assert len(hits) == 1, [(o.option, o.kind) for o in result.options]
    return hits[0]


def test_a_storage_option_taken_is_worth_what_forbidding_it_costs(tmp_path):
    """Taken at 205; forbidden, 225: worth 20."""
    r = _values(storage_rows(build_periods=0), tmp_path)
    rent = _option(r, "RENT", "storage")
    assert (rent.taken, rent.value, rent.status) == (True, pytest.approx(20.0), "optimal")


def test_a_substitute_not_qualified_is_worth_how_far_its_cost_is_from_paying(tmp_path):
    """Not qualified at 200 (plan 200); forced, 200 + 150 = 350: free of its cost it would save 50."""
    r = _values(substitute_rows(qualification_periods=1, qualification_cost=200), tmp_path)
    sub = _option(r, "X>Y", "substitute")
    assert (sub.taken, sub.value, sub.status) == (False, pytest.approx(50.0), "optimal")


def test_wait_and_see_prices_a_crisis_end_stock_as_the_stochastic_model_does(tmp_path):
    """The crisis solved alone still prices its end stock (650, not 1,100): WS = 0.5 x 200 + 0.5 x 650,
    equal to the stochastic cost here (nothing to foresee before period 2), so EVPI = 0."""
    r = _values(_crisis_rows(), tmp_path)
    assert r.expected_cost == pytest.approx(425.0)
    assert r.wait_and_see_cost == pytest.approx(425.0)
    assert r.evpi == pytest.approx(0.0, abs=1e-6)


def test_a_min_stock_above_max_stock_needs_room_ready_in_period_1(tmp_path):
    """min_stock binds from the end of period 1: room ready only from period 2 cannot hold it, so
    the workbook is bad input at the min_stock cell (an end floor may wait for the room)."""
    from support.smallcases import write_rows
    from test_cli import run
    rows = floor_rows("min_stock")
    rows["storage_options"][0]["build_periods"] = 1
    res = run("validate", write_rows(rows, tmp_path / "case.xlsx"))
    assert res.exit_code == 1 and "min_stock is 10, expected at most max_stock (5)" in res.output, res.output
    rows = floor_rows("end_stock_min")
    rows["storage_options"][0]["build_periods"] = 1
    assert run("validate", write_rows(rows, tmp_path / "end.xlsx")).exit_code == 0
