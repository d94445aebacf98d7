"""Hand-derived optima for the mechanics a rare-earth expert expects (docs/inputs.md, docs/model.md):
destinations matched on both lists, co-products, clean stores, and price and outage
events on a material or a material group. Each optimum changes when its mechanism is taken away.

The base case (tests/support/smallcases.py): material X (groups REE, heavy_REE), demand 10 per period for 2
periods at our plant in JP (penalty 100/unit), bought from SUP_CN (price 10, group CN) or SUP_AU
(price 15, free), capacity 100 each, free lanes without lead time, no stock at the plant.
"""

from __future__ import annotations

import copy

import pytest

from model.case.reader import check_workbook
from support.smallcases import base_rows, write_rows
from test_model_cases import add_rule, bought_in, solve, volume


# --------------------------------------------------------------------------------------------------
# destinations: to_countries AND to_owners
# --------------------------------------------------------------------------------------------------

def _with_other_buyer(rows):
    rows["sites"].append({"site": "OTHER", "country": "US", "owner": "MP Materials", "role": "customer"})
    return rows


def test_entity_ban_with_every_country_bans_only_the_named_owner(tmp_path):
    """to_countries = *, to_owners = MP Materials: an entity ban on MP Materials, whose site is in
    the US. Our plant (owner Us, JP) still buys Chinese X: 2 x 10 x 10 = 200. Read as OR (the old
    reading) it banned every destination and cost 2 x 10 x 15 = 300."""
    rows = add_rule(_with_other_buyer(base_rows()), to_countries="*", to_owners="MP Materials")
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20)


def test_destination_must_match_both_lists(tmp_path):
    """to_countries JP and to_owners Us: our plant matches both (300); to_countries US with
    to_owners Us: our plant is in JP, so no match (200)."""
    both = add_rule(base_rows(), to_countries="JP", to_owners="Us")
    plan = solve(both, tmp_path / "a")
    assert plan.expected_cost == pytest.approx(300, abs=1e-6)
    assert volume(plan, "O_AU") == pytest.approx(20) and volume(plan, "O_CN") == pytest.approx(0)
    one = add_rule(base_rows(), to_countries="US", to_owners="Us")
    plan = solve(one, tmp_path / "b")
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20) and volume(plan, "O_AU") == pytest.approx(0)


def _domestic_rows():
    """Our plant in CN (owner Us) buys X only from SUP_CN, in the same country."""
    rows = base_rows()
    rows["sites"] = [s for s in rows["sites"] if s["site"] != "SUP_AU"]
    rows["sites"][-1]["country"] = "CN"
    rows["offers"] = [o for o in rows["offers"] if o["offer"] == "O_CN"]
    rows["lanes"] = [ln for ln in rows["lanes"] if ln["from_site"] == "SUP_CN"]
    return rows


@pytest.mark.parametrize("to_owners, cost", [(None, 200), ("*", 200), ("Us", 2000)])
def test_flows_inside_the_issuer_are_exports_only_to_a_named_owner(tmp_path, to_owners, cost):
    """An extraterritorial CN ban on X to every country: buying from SUP_CN at our plant in CN is not
    an export (2 x 10 x 10 = 200) unless to_owners names our owner (all 20 units unmet at 100: 2000);
    to_owners * names no owner, like a blank cell."""
    kw = {} if to_owners is None else {"to_owners": to_owners}
    rows = add_rule(_domestic_rows(), to_countries="*", extraterritorial="yes", **kw)
    plan = solve(rows, tmp_path)
    assert plan.expected_cost == pytest.approx(cost, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20 if cost == 200 else 0, abs=1e-6)


# --------------------------------------------------------------------------------------------------
# co-products
# --------------------------------------------------------------------------------------------------

def _separation_rows(coproduct_ratio=None, b_demand=3, ore_from="AU"):
    """Ore at 2 (from ore_from) is separated at our plant into A (cost 1 per unit, 1 ore per A);
    demand 10 A and b_demand B per period; B also sold by China at 10. Our plant may not hold A or
    B, so a co-product nobody takes must be discarded."""
    rows = base_rows()
    rows["materials"] += [{"material": "ORE", "stage": "ore"}, {"material": "A", "stage": "oxide"},
                          {"material": "B", "stage": "oxide", "groups": "heavy_REE"}]
    rows["offers"] = [{"offer": "O_ORE", "site": f"SUP_{ore_from}", "material": "ORE", "price": 2,
                       "capacity_per_period": 100},
                      {"offer": "O_B", "site": "SUP_CN", "material": "B", "price": 10, "capacity_per_period": 100}]
    rows["processes"] = [{"process": "SEP", "site": "PLANT", "output": "A", "capacity_per_period": 100,
                          "cost_per_unit": 1}]
    rows["process_inputs"] = [{"process": "SEP", "input": "ORE", "per_unit_output": 1}]
    if coproduct_ratio is not None:
        rows["process_coproducts"] = [{"process": "SEP", "material": "B", "per_unit_output": coproduct_ratio}]
    rows["demand"] = [{"site": "PLANT", "material": "A", "period": "*", "quantity": 10, "shortfall_penalty": 100},
                      {"site": "PLANT", "material": "B", "period": "*", "quantity": b_demand,
                       "shortfall_penalty": 100}]
    rows["inventory"] = [{"site": "PLANT", "material": m, "max_stock": 0} for m in ("X", "A", "B")]
    return rows


def test_coproduct_serves_demand_and_the_rest_is_discarded(tmp_path):
    """10 A a period cost 10 x (2 + 1) = 30 and make 0.5 x 10 = 5 B: 3 serve the demand, 2 are
    discarded at no cost. 2 x 30 = 60. Without the co-product B is bought: 60 + 2 x 3 x 10 = 120."""
    plan = solve(_separation_rows(0.5), tmp_path / "with")
    assert plan.expected_cost == pytest.approx(60, abs=1e-6)
    assert volume(plan, "O_B") == pytest.approx(0)
    made = plan.routes[(plan.routes["kind"] == "coproduct") & (plan.routes["material"] == "B")]
    assert made["quantity"].tolist() == pytest.approx([5, 5])
    assert plan.detail["discards"]["quantity"].sum() == pytest.approx(4)  # 2 per period
    assert solve(_separation_rows(None), tmp_path / "without").expected_cost == pytest.approx(120, abs=1e-6)


def test_coproduct_carries_the_outputs_origin_group(tmp_path):
    """Ore from China: A, and so B, are CN-origin (the plant in JP is free, the input is CN)."""
    plan = solve(_separation_rows(0.5, ore_from="CN"), tmp_path)
    made = plan.routes[plan.routes["kind"].isin(("production", "coproduct"))]
    assert set(made["origin_group"]) == {"CN"}


def test_coproduct_validation(tmp_path):
    rows = _separation_rows(0.5)
    rows["process_coproducts"] = [{"process": "SEP", "material": "A", "per_unit_output": 0.1},
                                  {"process": "NOPE", "material": "B", "per_unit_output": 0.1},
                                  {"process": "SEP", "material": "ORE", "per_unit_output": 0.1}]
    _, report = check_workbook(write_rows(rows, tmp_path / "bad.xlsx"))
    text = [str(i) for i in report.errors]
    assert any(t.startswith("process_coproducts!B2") and "is its output" in t for t in text), text
    assert any(t.startswith("process_coproducts!A3") and "NOPE" in t for t in text), text
    assert any(t.startswith("process_coproducts!B4") and "also one of its inputs" in t for t in text), text


# --------------------------------------------------------------------------------------------------
# clean stock
# --------------------------------------------------------------------------------------------------

def _prebuy_rows(max_origin_group=None):
    """China bans X to JP from period 2. Without a clean-store rule the plant buys 20 Chinese X in
    period 1 and holds 10: 200. A store limited to free stock cannot hold the Chinese 10, so period
    2 buys Australian X: 100 + 150 = 250."""
    rows = add_rule(base_rows(), to_countries="JP", start_period=2)
    inv = {"site": "PLANT", "material": "X"}
    if max_origin_group:
        inv["max_origin_group"] = max_origin_group
    rows["inventory"] = [inv]
    return rows


def test_clean_store_holds_no_chinese_stock(tmp_path):
    plan = solve(_prebuy_rows(), tmp_path / "any")
    assert plan.expected_cost == pytest.approx(200, abs=1e-6)
    assert bought_in(plan, "O_CN", 1) == pytest.approx(20) and volume(plan, "O_AU") == pytest.approx(0)
    plan = solve(_prebuy_rows("free"), tmp_path / "free")
    assert plan.expected_cost == pytest.approx(250, abs=1e-6)
    assert bought_in(plan, "O_AU", 2) == pytest.approx(10)


def test_clean_store_floor_counts_only_clean_stock(tmp_path):
    """min_stock 5 in a free store: 5 Australian units bought in period 1 and held (75), demand from
    China (200): 275. Chinese stock would have cost 50 more, not 75."""
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "min_stock": 5, "end_stock_min": 5,
                          "max_origin_group": "free"}]
    plan = solve(rows, tmp_path / "clean")
    assert plan.expected_cost == pytest.approx(275, abs=1e-6)
    assert volume(plan, "O_AU") == pytest.approx(5)
    rows["inventory"][0].pop("max_origin_group")
    assert solve(rows, tmp_path / "any").expected_cost == pytest.approx(250, abs=1e-6)


def test_clean_store_validation(tmp_path):
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 5, "initial_origin_group": "CN",
                          "max_origin_group": "free"}]
    _, report = check_workbook(write_rows(rows, tmp_path / "bad.xlsx"))
    text = [str(i) for i in report.errors]
    assert any(t.startswith("inventory!D2") and "more controlled than max_origin_group free" in t for t in text), text
    rows["inventory"][0].pop("initial_origin_group")  # blank: read as CN, the riskiest
    _, report = check_workbook(write_rows(rows, tmp_path / "blank.xlsx"))
    assert any(str(i).startswith("inventory!D2") and "is blank" in str(i) for i in report.errors), report.errors


# --------------------------------------------------------------------------------------------------
# price and outage events on a material or a material group
# --------------------------------------------------------------------------------------------------

def _one_scenario(rows, **event):
    rows = copy.deepcopy(rows)
    rows["scenarios"] = [{"scenario": "S", "probability": 1}]
    rows["scenario_events"] = [{"scenario": "S", "start_period": 1, **event}]
    return rows


def test_price_event_on_a_material_group_reaches_every_offer(tmp_path):
    """Prices of heavy_REE (X is one) double everywhere: China's X costs 20, still the cheapest:
    2 x 10 x 20 = 400. A price event on China alone (the old way) would make Australia the answer
    at 300."""
    group = _one_scenario(base_rows(), event="price", target="heavy_REE", factor=2)
    plan = solve(group, tmp_path / "g")
    assert plan.expected_cost == pytest.approx(400, abs=1e-6)
    assert volume(plan, "O_CN") == pytest.approx(20) and volume(plan, "O_AU") == pytest.approx(0)
    china = _one_scenario(base_rows(), event="price", target="CN", factor=2)
    plan = solve(china, tmp_path / "c")
    assert plan.expected_cost == pytest.approx(300, abs=1e-6)
    assert volume(plan, "O_AU") == pytest.approx(20) and volume(plan, "O_CN") == pytest.approx(0)


def test_outage_on_a_material_cuts_every_offer(tmp_path):
    """China offers 8 and Australia 100 a period; an outage on X leaves half of each: 4 Chinese and
    6 Australian a period: 2 x (40 + 90) = 260, against 2 x (80 + 30) = 220 without it."""
    rows = base_rows()
    rows["offers"][0]["capacity_per_period"] = 8
    plan = solve(_one_scenario(rows, event="outage", target="X", factor=0.5), tmp_path / "o")
    assert plan.expected_cost == pytest.approx(260, abs=1e-6)
    assert bought_in(plan, "O_CN", 1) == pytest.approx(4)
    assert solve(rows, tmp_path / "n").expected_cost == pytest.approx(220, abs=1e-6)


def test_an_event_target_that_means_two_things_is_bad_input(tmp_path):
    rows = _one_scenario(base_rows(), event="outage", target="REE", factor=0.5)
    rows["sites"].append({"site": "REE", "country": "JP", "owner": "Us", "role": "warehouse"})
    _, report = check_workbook(write_rows(rows, tmp_path / "ambiguous.xlsx"))
    text = [str(i) for i in report.errors]
    assert any(t.startswith("scenario_events!C2") and "could be read as the site REE or as the material group REE"
               in t for t in text), text
