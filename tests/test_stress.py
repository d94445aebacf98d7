"""Stress by time to survive, on cases solved by hand and through the CLI (the public
time-to-survive method on the Databricks three-tier network: tests/test_public_tts.py).

Conventions the hand solutions use: a rule is in force from its start_period to the horizon, a site
is out from period 1; everything is in the nominal scenario alone; "every demand" includes the
periods before the disruption starts (rows that no plan can serve there may fall short as far as
they must); time to survive is measured with the end-of-horizon stock
minimum (end_stock_min) not binding, the re-optimised (cost) plans with it binding.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from model.case.issues import CaseError
from model.solving.staged import SolveOptions
from model.solving.stress import (NO_DISRUPTION, Disruption, _staged, capability_world, disrupted_world,
                                  run_stress, stress_disruptions)
from model.solving.survival import time_to_survive
from model.results.stress import stress_ranking
from support.smallcases import base_rows, case_from, write_rows
from test_cli import run
from test_frontier import two_scenario_rows

OPTIONS = SolveOptions(60, 0.0, workers=1)


def stress_json(rows, tmp_path, *args):
    case = write_rows(rows, tmp_path / "case.xlsx")
    out = tmp_path / "stress.xlsx"
    res = run("stress", case, "--out", out, "--json", "--quiet", "--workers", 1, *args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    return doc, {r["disruption"]: r for r in doc["ranking"]}, out


def _ban(start=1):
    return [{"rule": "BAN", "issuer": "CN", "materials": "X", "kind": "ban", "status": "scenario",
             "start_period": start}]


# ------------------------------------------------------------------------------- (a) stock and spot against a ban
def stock_and_spot_rows():
    """Four periods, demand 10 a period at PLANT (penalty 12). China sells at 10 (contracted), an
    Australian spot offer at 20 (no contract), capacity 100 each. PLANT holds 15 units (1.5
    periods), end_stock_min at its default (15). BAN stops Chinese X from period 1.

    Baseline: 40 units from China, cost 400, the stock kept. Under BAN the cheapest plan sheds all
    40 units (penalty 12 < spot 20; the stock may not be drawn, it must end at 15): cost 480, added
    80, first shortfall in period 1, so the old periods_survived said 0. Yet the spot offer can
    serve every period: time to survive 4, the horizon (min risk 0 at cost 800).
    Sites: SUP_CN out = BAN; SUP_AU out: China serves all, nothing added; PLANT out: no lane into
    it, only its stock: period 1 in full (10 of 15), period 2 not (5 left): time to survive 1,
    though the cost world, where the stock must end at 15, cannot use the stock at all (min risk 1)."""
    rows = base_rows(periods=4)
    rows["offers"][1].update({"price": 20, "spot": True})
    rows["demand"][0]["shortfall_penalty"] = 12
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 15, "initial_origin_group": "free"}]
    rows["controls"] = _ban()
    return rows


def test_a_network_that_sheds_demand_on_cost_still_survives_the_horizon(tmp_path):
    doc, by, out = stress_json(stock_and_spot_rows(), tmp_path)
    assert [r["disruption"] for r in doc["ranking"]] == ["outage PLANT", "BAN", "outage SUP_CN", "outage SUP_AU"]
    ban = by["BAN"]
    assert (ban["time_to_survive"], ban["survives_horizon"]) == (4, "yes")
    assert (ban["time_to_survive_redesigned"], ban["survives_horizon_redesigned"]) == (4, "yes")
    assert ban["added_expected_cost"] == pytest.approx(80, abs=1e-6)
    assert ban["unmet_units_nominal"] == pytest.approx(40, abs=1e-6)  # the cost view sheds from period 1
    assert ban["expected_shortfall"] == pytest.approx(1.0, abs=1e-9)
    assert ban["min_risk"] == pytest.approx(0.0, abs=1e-9) and ban["min_risk_cost"] == pytest.approx(800, abs=1e-6)
    assert "periods_survived" not in ban and "first_shortfall_period" not in ban
    assert by["outage SUP_CN"]["time_to_survive"] == 4
    assert by["outage SUP_CN"]["added_expected_cost"] == pytest.approx(80, abs=1e-6)
    assert by["outage SUP_AU"]["time_to_survive"] == 4
    assert by["outage SUP_AU"]["added_expected_cost"] == pytest.approx(0, abs=1e-6)
    plant = by["outage PLANT"]
    assert (plant["time_to_survive"], plant["survives_horizon"], plant["time_to_survive_redesigned"]) == (1, "no", 1)
    assert plant["fails_first"] == "PLANT/X/r2"
    assert plant["min_risk"] == pytest.approx(1.0, abs=1e-9)  # the cost world keeps the stock at 15
    assert {r["rest_of_horizon_periods"] for r in doc["ranking"]} == {4}
    # the baseline plan buys nothing from SUP_AU: with it out that plan stays optimal, and is kept
    kept = {r["kind"]: r for r in doc["frontier"]}["outage SUP_AU:min_cost"]
    assert "uses no site out" in kept["note"] and kept["expected_cost"] == pytest.approx(400, abs=1e-6)
    assert doc["warnings"] == []
    # the workbook: the ranking, a bar chart under it, and the chart's data adding up to the horizon
    wb = load_workbook(out)
    assert "stress_ranking" in wb.sheetnames and "stress_chart" in wb.sheetnames
    charts = wb["stress_ranking"]._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart" and charts[0].type == "bar"
    data = [r for r in wb["stress_chart"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in data] == [r["disruption"] for r in doc["ranking"]]
    assert all(sum(r[1:]) == 4 for r in data)
    assert data[0][1:] == (0, 1, 0, 3)  # PLANT: served 1 period, 3 cannot be
    assert [c.value for c in wb["stress_chart"][1]] == ["disruption", "periods_before_start", "periods_served",
                                                       "periods_served_only_if_redesigned", "periods_not_served"]


# ------------------------------------------------------------------------------- (b) a known failure
def stockpile_rows(capacity=15):
    """Six periods, demand 10 a period (penalty 100); China is the only source (contracted, capacity
    ``capacity`` a period, price 10); PLANT may stock (no initial stock); BAN from period 3.

    With capacity 15 the network serves periods 1-2 in full and puts 5 + 5 in stock, which serves
    period 3: period 4 is the first that cannot be served, time to survive 1 (of 4). Had demand
    before the start not counted, 30 units stocked in periods 1-2 would have lasted to period 5
    (3). The cheapest plan does stock 30 (period 3 served from them) and sheds periods 4-6: 30
    units, cost 300 + 3,000 against 600, added 2,700."""
    rows = base_rows(periods=6)
    rows["sites"] = [s for s in rows["sites"] if s["site"] != "SUP_AU"]
    rows["offers"] = [{**rows["offers"][0], "capacity_per_period": capacity}]
    rows["lanes"] = [ln for ln in rows["lanes"] if ln["from_site"] != "SUP_AU"]
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 0}]
    rows["controls"] = _ban(start=3)
    return rows


def test_a_network_that_fails_in_a_known_period(tmp_path):
    doc, by, _ = stress_json(stockpile_rows(), tmp_path)
    ban = by["BAN"]
    assert ban["start_period"] == 3 and ban["rest_of_horizon_periods"] == 4
    assert (ban["time_to_survive"], ban["survives_horizon"]) == (1, "no")
    assert ban["time_to_survive_redesigned"] == 1  # nothing to redesign with
    assert ban["fails_first"] == "PLANT/X/r2"
    assert ban["added_expected_cost"] == pytest.approx(2700, abs=1e-6)
    assert ban["unmet_units_nominal"] == pytest.approx(30, abs=1e-6)
    assert ban["min_risk"] == pytest.approx(0.5, abs=1e-9)
    # both sites out from period 1 with no stock: nothing is served; ranked by added cost, then listed order
    assert [r["disruption"] for r in doc["ranking"]] == ["outage SUP_CN", "outage PLANT", "BAN"]
    for site in ("outage SUP_CN", "outage PLANT"):
        assert by[site]["time_to_survive"] == 0 and by[site]["added_expected_cost"] == pytest.approx(5400, abs=1e-6)


def test_demand_before_the_start_counts(tmp_path):
    """Capacity 5 for demand 10: even before BAN starts (period 3) not every demand can be met.
    Periods 1-2 may then fall short by the 5 units they must (no more: nothing may be shed to stock
    up), and period 3, with nothing from China and nothing in stock, is short: time to survive 0,
    the note says why, and the run warns that the network fails undisrupted."""
    doc, by, _ = stress_json(stockpile_rows(capacity=5), tmp_path)
    ban = by["BAN"]
    assert ban["time_to_survive"] == 0 and ban["survives_horizon"] == "no"
    assert ban["fails_first"] == "PLANT/X/r2"
    assert "demand before the start (periods 1..2) cannot all be met" in ban["survival_note"]
    assert any("even with nothing disrupted the baseline network serves every demand only through period 0 of 6"
               in w for w in doc["warnings"]), doc["warnings"]


def test_the_allowance_before_the_start_is_the_least_shortfall_not_a_stock_up(tmp_path):
    """Capacity 15, demand 40 in period 1 and 10 in periods 2-6, BAN from period 3. Period 1 is at
    least 25 short; held there, period 2 serves its 10 and can stock 5, too few for period 3: time
    to survive 0. (Shedding all 40 of period 1 to stock 20 for periods 3-4 would have said 2.)"""
    rows = stockpile_rows(capacity=15)
    rows["demand"] = [{"site": "PLANT", "material": "X", "period": t, "quantity": 40 if t == 1 else 10,
                       "shortfall_penalty": 100} for t in range(1, 7)]
    case = case_from(rows, tmp_path)
    staged = _staged(capability_world(disrupted_world(case, Disruption(("BAN",)))), "cvar_shortfall", OPTIONS)
    s = time_to_survive(staged, 3)
    assert (s.periods, s.last_served_period, s.status) == (0, 2, "optimal")
    assert s.short_before_start and sum(s.allowance.values()) == pytest.approx(25, abs=1e-6)


def lead_time_rows(max_stock=0):
    """Four periods, demand 10 a period (penalty 100), China alone (price 10, capacity 100) over a
    lane of lead time 1, nothing in stock at the start: period 1 is short in every world. BAN from
    period 3 stops shipments placed from period 3, so period 3 is still served (shipped in period 2)
    and period 4 is not, unless PLANT may stock (max_stock): then 20 shipped in period 2 serve
    periods 3 and 4."""
    rows = base_rows(periods=4)
    rows["sites"] = [s for s in rows["sites"] if s["site"] != "SUP_AU"]
    rows["offers"] = rows["offers"][:1]
    rows["lanes"] = [{**rows["lanes"][0], "lead_time": 1}]
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 0, "max_stock": max_stock}]
    rows["controls"] = _ban(start=3)
    return rows


@pytest.mark.parametrize("max_stock, survives", [(0, (1, "no")), (100, (2, "yes"))])
def test_demand_that_no_world_can_meet_before_the_start_does_not_end_the_count(tmp_path, max_stock, survives):
    """Period 1's shortfall is no plan's doing: counted from BAN's start (period 3), the network
    serves period 3 (and 4 with stock); the undisrupted network fails from period 1, which bounds
    no disruption that starts later."""
    doc, by, out = stress_json(lead_time_rows(max_stock), tmp_path)
    ban = by["BAN"]
    assert (ban["time_to_survive"], ban["survives_horizon"]) == survives
    assert ban["time_to_survive_redesigned"] == survives[0]
    assert "demand before the start (periods 1..2) cannot all be met" in ban["survival_note"]
    assert by["outage SUP_CN"]["time_to_survive"] == 0  # out from period 1: nothing ever arrives
    summary = {r[0]: r[1] for r in load_workbook(out)["summary"].iter_rows(values_only=True) if r and r[0]}
    assert "fails from month 1 of 4" in summary["answer"]
    bounded = summary.get("bounded_by_undisrupted", "")
    assert bounded.startswith("2 of 3 disruptions"), bounded  # the outages, not BAN


# ------------------------------------------------------------------------------- (c) only the redesign
def backup_rows():
    """Four periods, demand 10 a period (penalty 100), PLANT holds no stock. China sells at 10
    (contracted). Australia sells at 15 but must be contracted (50) and qualified (30, two periods:
    orders from period 3). BAN from period 3.

    The baseline buys Chinese only (400) and takes no Australian option. Under BAN the network as
    it stands serves periods 1-2 and nothing from period 3: time to survive 0. Redesigned (qualify
    and contract Australia in period 1) it serves periods 3-4: time to survive 2, the rest of the
    horizon. The cheapest plan does just that: 200 + 300 + 80 = 580, added 180, nothing unmet.
    SUP_CN out from period 1: Australia cannot deliver before period 3, so even redesigned: 0."""
    rows = base_rows(periods=4)
    rows["offers"][1].update({"fixed_cost": 50, "qualified": False, "qualification_periods": 2,
                              "qualification_cost": 30})
    rows["controls"] = _ban(start=3)
    return rows


def test_only_the_redesign_survives(tmp_path):
    doc, by, _ = stress_json(backup_rows(), tmp_path)
    ban = by["BAN"]
    assert (ban["time_to_survive"], ban["survives_horizon"]) == (0, "no")
    assert (ban["time_to_survive_redesigned"], ban["survives_horizon_redesigned"]) == (2, "yes")
    assert ban["added_expected_cost"] == pytest.approx(180, abs=1e-6)
    assert ban["unmet_units_nominal"] == pytest.approx(0, abs=1e-6)
    sup_cn = by["outage SUP_CN"]
    assert (sup_cn["time_to_survive"], sup_cn["time_to_survive_redesigned"]) == (0, 0)
    assert by["outage SUP_AU"]["time_to_survive"] == 4 and by["outage SUP_AU"]["survives_horizon"] == "yes"
    # the baseline network (the one held) contracts China only
    network = next(r for r in doc["frontier"] if r["kind"] == "network:min_cost")
    assert network["contracted_offers"] == "O_CN" and network["expected_cost"] == pytest.approx(400, abs=1e-6)
    # time to survive first (0 before 4), then added cost, largest first
    assert [r["disruption"] for r in doc["ranking"]] == ["outage PLANT", "outage SUP_CN", "BAN", "outage SUP_AU"]


def test_the_held_network_is_the_stochastic_plans(tmp_path):
    """tests/test_frontier.py's two-scenario case with Australia at 15 (below the penalty 20): the
    stochastic min-cost plan contracts Australia (expected 10 + 50 + 75 = 135 against 150 without);
    the nominal scenario alone would not. Held, that contract keeps BAN's one period served."""
    doc, by, _ = stress_json(two_scenario_rows(au_price=15), tmp_path)
    network = next(r for r in doc["frontier"] if r["kind"] == "network:min_cost")
    assert set(network["contracted_offers"].split(", ")) == {"O_AU", "O_CN"} and network["expected_cost"] == pytest.approx(135, abs=1e-6)
    baseline = next(r for r in doc["frontier"] if r["kind"] == "baseline:min_cost")
    assert baseline["contracted_offers"] == "O_CN" and baseline["expected_cost"] == pytest.approx(100, abs=1e-6)
    assert (by["BAN"]["time_to_survive"], by["BAN"]["survives_horizon"]) == (1, "yes")
    assert by["BAN"]["added_expected_cost"] == pytest.approx(60, abs=1e-6)  # 10 + 150 against 100


# ------------------------------------------------------------------------------- engine
def test_sites_out_by_bounds_equal_outage_events(tmp_path):
    """The run puts sites out by bounds on one model per rule set; the definition is an outage event
    at factor 0 from period 1 (``disrupted_world``). Same time to survive and cost, site by site,
    alone and with a rule."""
    case = case_from(backup_rows(), tmp_path)
    run_ = run_stress(case, case.settings.risk_measure, OPTIONS, pairs=True)
    once = run_.network_once
    checked = 0
    for d in run_.disruptions:
        if not d.sites:
            continue
        world = disrupted_world(case, d)
        assert any(e.event == "outage" and e.target in d.sites and e.factor == 0 for e in world.events)
        staged = _staged(capability_world(world), case.settings.risk_measure, OPTIONS)
        staged.fix_once_decisions(once)
        fixed = time_to_survive(staged, d.start(case))
        staged.free_once_decisions()
        free = fixed if fixed.survives_horizon else time_to_survive(staged, d.start(case))
        assert (fixed.periods, free.periods) == (run_.survival[d][0].periods, run_.survival[d][1].periods), d
        cost_model = _staged(world, case.settings.risk_measure, OPTIONS)
        _, plan = cost_model.min_cost()
        assert plan.expected_cost == pytest.approx(run_.plans[d]["min_cost"][1].expected_cost, abs=1e-6), d
        checked += 1
    assert checked == 3 + 3 + 3  # three sites alone, with BAN, and the three pairs of sites


def test_disruptions_and_the_nothing_to_stress_error(tmp_path):
    case = case_from(backup_rows(), tmp_path)
    singles = stress_disruptions(case, pairs=False)
    assert [d.label for d in singles] == ["BAN", "outage SUP_CN", "outage SUP_AU", "outage PLANT"]
    assert len(stress_disruptions(case, pairs=True)) == 4 + 6
    assert Disruption(("BAN",), ("SUP_CN",)).start(case) == 1 and Disruption(("BAN",)).start(case) == 3
    assert NO_DISRUPTION.label == "none"
    empty = replace(case, sites={}, rules={})
    with pytest.raises(CaseError):
        run_stress(empty, case.settings.risk_measure, OPTIONS)


# The public method on the Databricks three-tier network, node by node, through the CLI: tests/test_public_tts.py


# ------------------------------------------------------------------------------- technology bans
def plant_rows():
    """Three periods, demand 10 a period for magnets M at PLANT (penalty 100), 10 M in stock there
    (end_stock_min 0). The only other source: build MAKE at PLANT (cost 10, build_periods 1, so it
    makes from period 2; Chinese technology "sinter"), turning ore R (spot, 1 a unit) into M.
    The baseline builds it (10 + 20 against 2,000 of shortfall). A Chinese technology ban from
    period a strands a plant with build_periods >= a (docs/model.md):
    TECH_LATE (a = 2 > 1): the built plant runs, every period is served: survives (2 of 2);
    TECH_EARLY (a = 1 <= 1): the plant never makes anything; the stock serves period 1 only: 1 of 3.
    (Put in force instead, a technology ban forbids the build: the held network would have no plan.)"""
    rows = base_rows(periods=3)
    rows["materials"] = [{"material": "R", "stage": "ore"}, {"material": "M", "stage": "magnet"}]
    rows["sites"] = [{"site": "MINE", "country": "AU", "owner": "AusCo", "role": "supplier"},
                     {"site": "PLANT", "country": "JP", "owner": "Us", "role": "own"}]
    rows["offers"] = [{"offer": "ORE", "site": "MINE", "material": "R", "price": 1, "capacity_per_period": 100,
                       "spot": True}]
    rows["processes"] = [{"process": "MAKE", "site": "PLANT", "output": "M", "capacity_per_period": 100,
                          "exists": False, "build_cost": 10, "build_periods": 1, "technology": "sinter",
                          "technology_origin": "CN"}]
    rows["process_inputs"] = [{"process": "MAKE", "input": "R", "per_unit_output": 1}]
    rows["lanes"] = [{"from_site": "MINE", "to_site": "PLANT", "materials": "R"}]
    rows["demand"] = [{"site": "PLANT", "material": "M", "period": "*", "quantity": 10, "shortfall_penalty": 100}]
    rows["inventory"] = [{"site": "PLANT", "material": "M", "initial_stock": 10, "end_stock_min": 0},
                         {"site": "PLANT", "material": "R", "max_stock": 0}]
    rows["controls"] = [{"rule": f"TECH_{name}", "issuer": "CN", "technologies": "sinter", "kind": "ban",
                         "status": "scenario", "start_period": start} for name, start in (("EARLY", 1), ("LATE", 2))]
    return rows


def test_a_technology_ban_strands_a_held_plant_only_if_it_comes_first(tmp_path):
    doc, by, _ = stress_json(plant_rows(), tmp_path)
    network = next(r for r in doc["frontier"] if r["kind"] == "network:min_cost")
    assert network["built_processes"] == "MAKE" and network["expected_cost"] == pytest.approx(30, abs=1e-6)
    late, early = by["TECH_LATE"], by["TECH_EARLY"]
    assert (late["start_period"], late["time_to_survive"], late["survives_horizon"]) == (2, 2, "yes")
    assert (early["time_to_survive"], early["survives_horizon"], early["time_to_survive_redesigned"]) == (1, "no", 1)
    assert early["fails_first"] == "PLANT/M/r2"
    assert late["added_expected_cost"] == pytest.approx(0, abs=1e-6)
    assert early["added_expected_cost"] == pytest.approx(2000 - 30, abs=1e-6)  # nothing made: 20 units short


def test_a_search_cut_short_by_ctrl_c_has_no_answer_and_the_first_row_says_so(tmp_path):
    """After Ctrl-C every solve comes back interrupted: a time to survive of 0 would read as a
    result. The search has none (status interrupted), and the stress summary's first row says the
    run was interrupted."""
    from model import interrupt
    from model.results.answers.stress import stress_answer
    case = case_from(stockpile_rows(), tmp_path)
    staged = _staged(capability_world(disrupted_world(case, Disruption(("BAN",)))), "cvar_shortfall", OPTIONS)
    interrupt.request()
    try:
        cut = time_to_survive(staged, 3)
    finally:
        interrupt.reset()
    assert (cut.periods, cut.status, cut.last_served_period) == (None, "interrupted", None)
    assert time_to_survive(staged, 3).periods == 1  # the same search, not interrupted
    run_ = run_stress(case, case.settings.risk_measure, OPTIONS)
    ranking = stress_ranking(case, case.settings.risk_measure, run_)
    ranking.loc[ranking["disruption"] == "BAN", "status"] = "interrupted"
    first = dict(stress_answer(case, run_, ranking).rows)["answer"]
    assert "the run was interrupted: 1 of 3 disruptions were not finished" in first
    # a search cut short by its time limit is a lower bound, and the first row says so too
    ranking.loc[ranking["disruption"] == "outage PLANT", "survival_note"] = "a solve stopped at its time limit: at least 0 periods"
    first = dict(stress_answer(case, run_, ranking).rows)["answer"]
    assert "1 of 3 times to survive are lower bounds (a solve stopped at its time limit" in first
