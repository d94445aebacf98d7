"""Decision values (docs/model.md "Decision values"): EVPI, VSS and option values on cases solved by
hand, a property test (EVPI >= 0, VSS >= 0 on random small cases), and the ``value`` verb through
the CLI (its JSON's exact keys, the value sheet, ``frontier --values``).

Every case has one period, demand 10 of X at our plant (no stock), China's offer O_CN at 10 (a
contract at no fixed cost) and Australia's O_AU; two equiprobable scenarios, A (the nominal one,
no events) and B (China bans X from period 1).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from model.cli import app
from model.solving.frontier import run_frontier, solve_single
from model.solving.staged import SolveOptions
from model.solving.value import run_values
from support.clitools import assert_fails
from support.smallcases import base_rows, case_from, write_rows
from test_frontier import two_scenario_rows

runner = CliRunner()
EXACT = SolveOptions(60, 0.0, workers=1)
KEYS = {"point", "expected_cost", "wait_and_see_cost", "evpi", "ev_plan_cost", "vss", "options", "warnings"}
OPTION_KEYS = {"option", "kind", "taken", "value", "status"}


def au_case(penalty: float, au_price: float, au_fixed: float) -> dict:
    rows = two_scenario_rows(au_price=au_price, au_fixed=au_fixed)
    rows["demand"][0]["shortfall_penalty"] = penalty
    return rows


def option(result, name: str, kind: str):
    hits = [o for o in result.options if o.option == name and o.kind == kind]
    assert len(hits) == 1, [(o.option, o.kind) for o in result.options]
    return hits[0]


def test_vss_positive_when_the_nominal_plan_skips_the_backup(tmp_path):
    """Penalty 100, O_AU at 15 with a contract cost 100.
    Stochastic: contract AU: 100 + 0.5 x 100 (A: CN) + 0.5 x 150 (B: AU) = 225, against 0.5 x 100 +
    0.5 x 1000 = 550 without: z* = 225. Wait-and-see: A alone 100, B alone 100 + 150 = 250: WS = 175,
    EVPI = 50. The nominal scenario A alone contracts CN only; held in the stochastic model: 550,
    VSS = 325. Forbidding O_AU: 550 (+325); forbidding O_CN: AU in both, 100 + 150 = 250 (+25)."""
    r = run_values(case_from(au_case(100, 15, 100), tmp_path), options=EXACT)
    assert r.expected_cost == pytest.approx(225)
    assert r.stochastic.cost == pytest.approx(225)
    assert r.wait_and_see_cost == pytest.approx(175)
    assert r.evpi == pytest.approx(50)
    assert r.ev_plan_cost == pytest.approx(550)
    assert r.vss == pytest.approx(325)
    au, cn = option(r, "O_AU", "contract"), option(r, "O_CN", "contract")
    assert (au.taken, au.value, au.status) == (True, pytest.approx(325), "optimal")
    assert (cn.taken, cn.value) == (True, pytest.approx(25))
    assert au.break_even_cost == pytest.approx(425)  # AU's contract stays worth taking below 100 + 325
    assert r.warnings == []


def test_the_ev_plan_leaves_out_a_free_contract_its_nominal_scenario_does_not_use(tmp_path):
    """Demand 10 a period for 2 periods (penalty 20); CN at 10 (no contract cost), AU1 at 15 (cap 5,
    contract 20), AU2 at 25 (cap 5, contract 10). B (listed first, CN banned) and N (a price event
    on the unused AU2): every scenario has events, so the nominal is B. B alone contracts AU1
    (20 + 150 + 10 short x 20 = 370) and has no use for CN, whose free binary is a solver's tie.
    The EV plan holds AU1 only: each scenario 20 + 150 + 200 = 370, so VSS = 370 - z* (295) = 75;
    holding CN's tied binary at 1 gave 295 and VSS 0."""
    rows = base_rows(2)
    rows["settings"]["risk_measure"] = "expected_shortfall"
    rows["demand"][0]["shortfall_penalty"] = 20
    rows["offers"] = [
        {"offer": "O_CN", "site": "SUP_CN", "material": "X", "price": 10, "capacity_per_period": 100},
        {"offer": "O_AU1", "site": "SUP_AU", "material": "X", "price": 15, "capacity_per_period": 5, "fixed_cost": 20},
        {"offer": "O_AU2", "site": "SUP_AU", "material": "X", "price": 25, "capacity_per_period": 5, "fixed_cost": 10}]
    rows["controls"] = [{"rule": "BAN", "issuer": "CN", "materials": "X", "kind": "ban", "status": "scenario",
                         "start_period": 1}]
    rows["scenarios"] = [{"scenario": "B", "probability": 0.5}, {"scenario": "N", "probability": 0.5}]
    rows["scenario_events"] = [{"scenario": "B", "event": "rule", "target": "BAN", "start_period": 1},
                               {"scenario": "N", "event": "price", "target": "O_AU2", "start_period": 1,
                                "factor": 1.5}]
    r = run_values(case_from(rows, tmp_path), options=EXACT)
    assert r.case.nominal_scenario == "B"
    assert r.stochastic.cost == pytest.approx(295)
    assert r.ev_plan_cost == pytest.approx(370)
    assert r.vss == pytest.approx(75)


def test_evpi_zero_when_foresight_changes_nothing(tmp_path):
    """Penalty 20, O_AU at 25 (dearer than going short) with a contract cost 10: no plan ever
    uses AU. z* = 0.5 x 100 + 0.5 x 200 = 150 = WS (A alone 100, B alone 200): EVPI = 0; the
    nominal plan is the stochastic one: VSS = 0. O_AU, not taken, is worth nothing even if free;
    forbidding O_CN leaves A short too: 200 (+50)."""
    r = run_values(case_from(au_case(20, 25, 10), tmp_path), options=EXACT)
    assert r.stochastic.cost == pytest.approx(150)
    assert r.wait_and_see_cost == pytest.approx(150)
    assert r.evpi == 0.0
    assert r.vss == 0.0
    au = option(r, "O_AU", "contract")
    assert (au.taken, au.value, au.status) == (False, 0.0, "optimal")
    assert option(r, "O_CN", "contract").value == pytest.approx(50)


def test_break_even_of_an_option_not_taken(tmp_path):
    """Penalty 20, O_AU at 15 with a contract cost F = 40. With AU: F + 0.5 x 100 + 0.5 x 150 =
    F + 125, without: 150; so AU pays below F = 25: free, it would lower expected cost by 25 (its
    value), 15 short of its cost. Foresight: B alone contracts AU (40 + 150 = 190 < 200): WS = 145,
    EVPI = 5. Forbidding O_CN: AU in both, 40 + 150 = 190 (+40). The break-even is checked by
    solving with F just below and above 25."""
    r = run_values(case_from(au_case(20, 15, 40), tmp_path), options=EXACT)
    assert r.evpi == pytest.approx(5)
    assert r.vss == pytest.approx(0)
    au = option(r, "O_AU", "contract")
    assert (au.taken, au.value, au.status) == (False, pytest.approx(25), "optimal")
    assert au.break_even_cost == pytest.approx(25)
    assert "falls by 15" in au.note
    assert option(r, "O_CN", "contract").value == pytest.approx(40)
    for fixed, contracted in ((24, "yes"), (26, "no")):
        plan = solve_single(case_from(au_case(20, 15, fixed), tmp_path, f"f{fixed}.xlsx"),
                            options=EXACT).points[0].plan
        assert plan.suppliers.set_index("offer").loc["O_AU", "contracted"] == contracted


def test_an_interior_point_keeps_its_risk_limit(tmp_path):
    """two_scenario_rows' frontier point 3 (expected shortfall <= 0.25: 5 units of AU in B, cost
    172.5). Without O_AU the limit cannot be met (infeasible); without O_CN both scenarios need
    sum of shortfalls <= 5 units, each unit bought at 25 instead of 20: 10 + 250 - 2.5 x 5 = 247.5
    (+75). EVPI and VSS are about min cost, whatever the point: both 0 here."""
    case = case_from(two_scenario_rows(), tmp_path)
    point = run_frontier(case, options=EXACT).points[2]
    r = run_values(case, options=EXACT, point=point)
    assert r.risk_limit == pytest.approx(0.25)
    assert r.reference.cost == pytest.approx(172.5)
    au, cn = option(r, "O_AU", "contract"), option(r, "O_CN", "contract")
    assert (au.status, au.value) == ("infeasible", None)
    assert cn.value == pytest.approx(75)
    assert (r.evpi, r.vss) == (0.0, 0.0)


def test_a_contract_and_its_qualification_are_one_option_when_forbidden(tmp_path):
    """O_AU at 15 needs a contract (10) and a qualification (30, ready at once); penalty 100.
    z* = 40 + 0.5 x 100 + 0.5 x 150 = 165 (without AU: 550). Without either the contract or the
    qualification AU cannot be bought: both rows +385, from one solve. WS: A 100, B 40 + 150 =
    190: EVPI = 165 - 145 = 20; the nominal plan skips AU: VSS = 385."""
    rows = au_case(100, 15, 10)
    rows["offers"][1].update({"qualified": "no", "qualification_cost": 30, "qualification_periods": 0})
    r = run_values(case_from(rows, tmp_path), options=EXACT)
    assert r.stochastic.cost == pytest.approx(165)
    assert (r.evpi, r.vss) == (pytest.approx(20), pytest.approx(385))
    contract, qualify = option(r, "O_AU", "contract"), option(r, "O_AU", "qualify")
    assert contract.taken and qualify.taken
    assert contract.value == pytest.approx(385) and qualify.value == pytest.approx(385)
    assert "go together" in contract.note
    assert r.options_solves == 2  # O_CN, and O_AU once for both rows
    assert option(r, "O_CN", "contract").value == pytest.approx(25)


def test_a_contract_and_its_qualification_not_taken_are_valued_from_one_solve(tmp_path):
    """Penalty 20, O_AU at 15 with a contract (10) and a qualification (30): with AU 40 + 0.5 x 100
    + 0.5 x 150 = 165 > 150 without, so neither is taken. Free of its contract cost AU would cost
    30 + 125 = 155: still not worth it (0); free of its qualification cost, 10 + 125 = 135: 15
    cheaper. One solve with both forced (165) answers both rows."""
    rows = au_case(20, 15, 10)
    rows["offers"][1].update({"qualified": "no", "qualification_cost": 30, "qualification_periods": 0})
    r = run_values(case_from(rows, tmp_path), options=EXACT)
    contract, qualify = option(r, "O_AU", "contract"), option(r, "O_AU", "qualify")
    assert not contract.taken and not qualify.taken
    assert contract.value == 0.0 and qualify.value == pytest.approx(15)
    assert contract.changed_cost == qualify.changed_cost == pytest.approx(165)
    assert r.options_solves == 2


def test_a_qualification_not_taken_that_serves_only_later_periods(tmp_path):
    """2 periods, demand 10 each (penalty 100); A 0.6, B 0.4 (CN banned from period 1). O_CN 10;
    O_AU 20, contract 100, qualification 50 (ready at once); O_JP (at the AU site) 15, no contract
    cost, qualification 1,000 taking 1 period (orders from period 2); the plant may hold stock (no
    inventory row), which no plan needs. z*: AU qualified and
    contracted, A 150 + 200, B 150 + 400: 430 (without AU 0.6 x 200 + 0.4 x 2,000 = 920).
    O_JP's qualification free: B buys period 2 from JP, 150 + 200 + 150 = 500, so 0.6 x 350 +
    0.4 x 500 = 410: worth 20. (Its solve starts from the point's plan, whose continuous part is
    not optimal with O_JP held: HiGHS 1.16 handed that start back as its answer, worth 0.)"""
    rows = base_rows(2)
    rows["settings"]["risk_measure"] = "expected_shortfall"
    rows["offers"] = [
        {"offer": "O_CN", "site": "SUP_CN", "material": "X", "price": 10, "capacity_per_period": 100},
        {"offer": "O_AU", "site": "SUP_AU", "material": "X", "price": 20, "capacity_per_period": 100,
         "fixed_cost": 100, "qualified": "no", "qualification_periods": 0, "qualification_cost": 50},
        {"offer": "O_JP", "site": "SUP_AU", "material": "X", "price": 15, "capacity_per_period": 100,
         "qualified": "no", "qualification_periods": 1, "qualification_cost": 1000}]
    rows["inventory"] = []
    rows["controls"] = [{"rule": "BAN", "issuer": "CN", "materials": "X", "kind": "ban", "status": "scenario"}]
    rows["scenarios"] = [{"scenario": "A", "probability": 0.6}, {"scenario": "B", "probability": 0.4}]
    rows["scenario_events"] = [{"scenario": "B", "event": "rule", "target": "BAN", "start_period": 1}]
    r = run_values(case_from(rows, tmp_path), options=EXACT)
    assert r.stochastic.cost == pytest.approx(430)
    jp = option(r, "O_JP", "qualify")
    assert (jp.taken, jp.value, jp.status) == (False, pytest.approx(20), "optimal")
    assert jp.changed_cost == pytest.approx(1410)  # the qualification's 1,000 paid, 20 saved
    assert option(r, "O_AU", "qualify").value == pytest.approx(490)


def test_an_infeasible_ev_plan_and_an_indispensable_option(tmp_path):
    """A stock floor of 5 at our plant (end of period 1), penalty 100, O_AU at 15 with a contract
    cost 100. A buys 15 from China (150); in B only Australia can fill the floor, so the contract is
    needed: z* = 100 + 0.5 x 150 + 0.5 x 225 = 287.5. The nominal scenario alone does without AU,
    and held in the stochastic model that plan cannot meet B's floor: the EV plan and VSS are
    infeasible, and so is forbidding O_AU. WS = 0.5 x 150 + 0.5 x 325 = 237.5, EVPI = 50."""
    rows = au_case(100, 15, 100)
    rows["inventory"] = [{"site": "PLANT", "material": "X", "max_stock": 20, "min_stock": 5, "end_stock_min": 0}]
    r = run_values(case_from(rows, tmp_path), options=EXACT)
    assert r.stochastic.cost == pytest.approx(287.5)
    assert r.evpi == pytest.approx(50)
    assert (r.ev_plan_cost, r.vss) == ("infeasible", "infeasible")
    au = option(r, "O_AU", "contract")
    assert (au.taken, au.status, au.value) == (True, "infeasible", None)
    assert "indispensable" in au.note
    case = write_rows(rows, tmp_path / "floor.xlsx")
    res = run("value", case, "--out", tmp_path / "floor_v.xlsx", "--json", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert (doc["ev_plan_cost"], doc["vss"]) == ("infeasible", "infeasible")


def build_rows(build_cost: float) -> dict:
    """Our plant may build process P (X from ore Y at 3 a unit, ready at once); ore O_Y from
    Australia at 5 (a contract at no fixed cost); penalty 20."""
    rows = au_case(20, 25, 10)
    rows["materials"].append({"material": "Y", "stage": "ore"})
    rows["offers"].append({"offer": "O_Y", "site": "SUP_AU", "material": "Y", "price": 5, "capacity_per_period": 100})
    rows["processes"] = [{"process": "P", "site": "PLANT", "output": "X", "capacity_per_period": 100,
                          "cost_per_unit": 3, "exists": "no", "build_cost": build_cost, "build_periods": 0}]
    rows["process_inputs"] = [{"process": "P", "input": "Y", "per_unit_output": 1}]
    return rows


def test_a_build_not_taken_and_its_break_even(tmp_path):
    """Built, P makes X at 5 + 3 = 8 a unit in both scenarios: B_cost + 80, against 150 without:
    P pays below 70. At a build cost of 100 it is not built, and free it would save 70 (its value).
    WS: A alone 100 (CN), B alone min(200, 180) = 180: EVPI = 150 - 140 = 10. Forbidding O_CN:
    then building pays (180 < 200): +30. O_Y, free and not taken, is worth nothing, unsolved."""
    r = run_values(case_from(build_rows(100), tmp_path), options=EXACT)
    assert r.stochastic.cost == pytest.approx(150)
    assert r.evpi == pytest.approx(10)
    p = option(r, "P", "build")
    assert (p.taken, p.value, p.option_cost) == (False, pytest.approx(70), 100)
    assert option(r, "O_CN", "contract").value == pytest.approx(30)
    o_y = option(r, "O_Y", "contract")
    assert (o_y.taken, o_y.value, o_y.seconds) == (False, 0.0, 0.0)


# --------------------------------------------------------------------------------------------------
# property: EVPI >= 0 and VSS >= 0, from the raw solves (no clamping involved)
# --------------------------------------------------------------------------------------------------

@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(p_ban=st.sampled_from([0.1, 0.3, 0.5, 0.8]), cn_price=st.integers(5, 15), au_price=st.integers(8, 30),
       au_fixed=st.integers(0, 60), penalty=st.integers(10, 60), ban_start=st.integers(1, 2),
       notice=st.integers(0, 1), max_stock=st.sampled_from([0, 20]), qualified=st.booleans(),
       au_min=st.sampled_from([0, 3]))
def test_evpi_and_vss_are_never_negative(tmp_path_factory, p_ban, cn_price, au_price, au_fixed, penalty,
                                         ban_start, notice, max_stock, qualified, au_min):
    """On random two-period cases (stock, notice, qualification, take-or-pay), solved exactly:
    z* >= WS (foresight never hurts) and EEV >= z* (holding the nominal plan's once-decisions never
    helps), and no option's solve is cheaper than the reference (forbidding or forcing one only
    restricts the problem)."""
    rows = base_rows(periods=2)
    rows["settings"].update({"mip_gap": 0.0})
    rows["demand"][0]["shortfall_penalty"] = penalty
    rows["offers"][0]["price"] = cn_price
    rows["offers"][1].update({"price": au_price, "fixed_cost": au_fixed, "min_per_period": au_min,
                              "qualified": "yes" if qualified else "no", "qualification_cost": 15,
                              "qualification_periods": 1})
    rows["inventory"] = [{"site": "PLANT", "material": "X", "max_stock": max_stock, "holding_cost_per_period": 1}]
    rows["controls"] = [{"rule": "BAN", "issuer": "CN", "materials": "X", "kind": "ban", "status": "scenario"}]
    rows["scenarios"] = [{"scenario": "A", "probability": 1 - p_ban}, {"scenario": "B", "probability": p_ban}]
    rows["scenario_events"] = [{"scenario": "B", "event": "rule", "target": "BAN", "start_period": ban_start,
                                "notice": min(notice, ban_start - 1)}]
    r = run_values(case_from(rows, tmp_path_factory.mktemp("prop")), options=EXACT)
    ws = sum(s.probability * s.record.cost for s in r.scenarios)
    assert r.stochastic.cost - ws >= -1e-6
    assert r.ev_plan.status == "optimal"  # shortfall is always allowed: the nominal plan is feasible
    assert r.ev_plan.cost - r.stochastic.cost >= -1e-6
    for o in r.options:  # forbidding or forcing an option only restricts the problem
        assert o.status == "optimal"
        if o.changed_cost is not None:
            assert o.changed_cost - r.reference.cost >= -1e-6


# --------------------------------------------------------------------------------------------------
# the verb
# --------------------------------------------------------------------------------------------------

def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_value_json_has_exactly_the_keys_of_design_5(tmp_path):
    case = write_rows(au_case(100, 15, 100), tmp_path / "vss.xlsx")
    out = tmp_path / "v.xlsx"
    res = run("value", case, "--out", out, "--json", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) == KEYS
    assert doc["point"] == 1
    assert (doc["expected_cost"], doc["wait_and_see_cost"]) == (pytest.approx(225), pytest.approx(175))
    assert (doc["evpi"], doc["ev_plan_cost"], doc["vss"]) == (pytest.approx(50), pytest.approx(550), pytest.approx(325))
    assert doc["warnings"] == []
    assert all(set(o) == OPTION_KEYS for o in doc["options"])
    assert [(o["option"], o["kind"], o["taken"], o["status"]) for o in doc["options"]] == [
        ("O_AU", "contract", True, "optimal"), ("O_CN", "contract", True, "optimal")]  # ranked by value
    assert [o["value"] for o in doc["options"]] == [pytest.approx(325), pytest.approx(25)]

    wb = load_workbook(out)
    assert "value" in wb.sheetnames
    ws = wb["value"]
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, 12)}
    assert cells["evpi"] == pytest.approx(50) and cells["vss"] == pytest.approx(325)
    assert len(ws._charts) == 1  # the bar chart of the options
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "rank")
    headers = [c.value for c in ws[header_row] if c.value]
    first = dict(zip(headers, [c.value for c in ws[header_row + 1]]))
    assert (first["option"], first["kind"], first["taken"]) == ("O_AU", "contract", "yes")
    assert first["value"] == pytest.approx(325)
    summary = {r[0].value: r[1].value for r in wb["summary"].iter_rows(min_row=2)}
    assert "EVPI" in summary["value_of_perfect_information"] and "50 USD" in summary["value_of_perfect_information"]
    assert "VSS" in summary["value_of_the_stochastic_solution"]


def test_value_at_an_interior_point_through_the_cli(tmp_path):
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    res = run("value", case, "--point", 3, "--out", tmp_path / "v3.xlsx", "--json", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["point"] == 3 and doc["expected_cost"] == pytest.approx(172.5)
    by = {(o["option"], o["kind"]): o for o in doc["options"]}
    assert by[("O_AU", "contract")]["status"] == "infeasible" and by[("O_AU", "contract")]["value"] == "infeasible"
    assert by[("O_CN", "contract")]["value"] == pytest.approx(75)
    # EVPI and VSS are measured against the stochastic min cost (150, the frontier's min-cost end),
    # not the point's 172.5: the summary's share says which cost it is of
    assert doc["wait_and_see_cost"] == pytest.approx(150) and doc["evpi"] == pytest.approx(0)
    assert doc["ev_plan_cost"] == pytest.approx(150) and doc["vss"] == pytest.approx(0)
    summary = {r[0].value: r[1].value for r in load_workbook(tmp_path / "v3.xlsx")["summary"].iter_rows(min_row=2)}
    assert "(expected cost 172.50 USD), EVPI 0 USD (0 % of the min expected cost, 150 USD)" in summary["answer"]
    assert summary["answer"].endswith("EVPI and VSS, by their definition, at the min expected cost with the risk "
                                      "unconstrained (150 USD); the option values at this point, its risk limit kept")


@pytest.mark.parametrize("point", ["middle", "0", "6"])
def test_value_point_must_be_min_cost_knee_or_a_frontier_point(tmp_path, point):
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    res = run("value", case, "--point", point, "--out", tmp_path / "v.xlsx", "--quiet")
    assert_fails(res, 1, f"--point {point}")


def test_frontier_values_adds_the_value_sheet_at_the_knee(tmp_path):
    case = write_rows(au_case(100, 15, 100), tmp_path / "vss.xlsx")
    out = tmp_path / "f.xlsx"
    res = run("frontier", case, "--values", "--out", out, "--json", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["values"]) == KEYS - {"warnings"}
    assert doc["values"]["point"] == doc["knee_point"]
    assert doc["values"]["evpi"] == pytest.approx(50)
    assert "value" in load_workbook(out).sheetnames


def test_the_same_values_on_local_worker_processes_and_on_a_dask_cluster(tmp_path):
    """Two spawned worker processes (each with its own persistent model), and a Dask cluster,
    give the hand-solved numbers of the VSS case."""
    case = write_rows(au_case(100, 15, 100), tmp_path / "vss.xlsx")
    expected = {"evpi": 50, "vss": 325, "wait_and_see_cost": 175}
    res = run("value", case, "--workers", 2, "--out", tmp_path / "w2.xlsx", "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert {k: doc[k] for k in expected} == pytest.approx(expected)
    assert [o["value"] for o in doc["options"]] == [pytest.approx(325), pytest.approx(25)]
    distributed = pytest.importorskip("distributed", reason="the 'cluster' extra (distributed) is not installed")
    try:
        cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
    except Exception as exc:  # e.g. no local TCP sockets in a sandbox: the cluster, not our code
        pytest.skip(f"a local Dask cluster cannot start here: {exc}")
    with cluster:
        res = run("value", case, "--scheduler", cluster.scheduler_address, "--out", tmp_path / "d.xlsx",
                  "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc_dask = json.loads(res.stdout)
    assert {k: doc_dask[k] for k in expected} == pytest.approx(expected)
    assert doc_dask["options"] == doc["options"]
