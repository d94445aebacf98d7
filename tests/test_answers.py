"""Every verb answers its own question on its first printed page (docs: the results workbook): a
test per verb reads the summary's first rows and finds that verb's answer numbers; whatif --json's
``difference`` against the two frontiers; an interrupted frontier has no ``error`` status and
recommends nothing. Small hand cases (tests/support/smallcases.py, test_frontier's two-scenario case).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from model.cli import app
from model.results.report import build_report, knee_point, mark_efficiency, summary_items
from model.solving.frontier import FrontierResult, Point, run_frontier
from model.solving.highs import SolveOutcome
from model.solving.staged import SolveOptions
from support.smallcases import base_rows, case_from, write_rows
from test_cli import STRESS_ORDER, stress_rows
from test_frontier import two_scenario_rows
from test_value import au_case

runner = CliRunner()
FIRST_ROWS = 12  # the rows a printed first page shows for sure


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def first_rows(path) -> list[tuple[str, object]]:
    ws = load_workbook(path)["summary"]
    return [(r[0], r[1]) for r in ws.iter_rows(min_row=2, max_row=1 + FIRST_ROWS, values_only=True)]


def first_text(path) -> str:
    return "\n".join(f"{k}: {v}" for k, v in first_rows(path))


# ------------------------------------------------------------------------------------ frontier

def test_a_frontier_of_one_efficient_plan_says_so_and_warns(tmp_path):
    """No scenarios, so every plan's risk is 0: the cheapest plan (10 units a period for 2 periods
    at 10 USD from CN: 200 USD) is every point's, points 2 and 3 duplicate point 1 (efficient: no
    point is better on either axis), and the frontier's cost span is 0 (the warning of a span
    under 0.1 %, docs/results.md)."""
    case = write_rows(base_rows(), tmp_path / "flat.xlsx")
    out = tmp_path / "f.xlsx"
    res = run("frontier", case, "--points", 3, "--out", out, "--workers", 1, "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [(r["expected_cost"], r["risk"], r["efficient"]) for r in doc["frontier"]] == [
        (pytest.approx(200), 0, "yes"), (pytest.approx(200), 0, "yes"), (pytest.approx(200), 0, "yes")]
    assert [r["note"] for r in doc["frontier"]] == ["", "duplicate of point 1", "duplicate of point 1"]
    assert any("cost span is 0 USD (under 0.1 %" in w and "one efficient plan, point 1" in w
               for w in doc["warnings"])
    rows = dict(first_rows(out))
    assert rows["answer"].startswith("recommended: point 1 of 3, the only efficient plan")
    summary = {r[0]: r[1] for r in load_workbook(out)["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["efficient_points"] == 1  # one plan, though its duplicates are efficient too
    assert "knee" not in rows["answer"]
    single = run("solve", case, "--out", tmp_path / "s.xlsx", "--json", "--quiet")  # one point: no span to warn of
    assert json.loads(single.stdout)["warnings"] == []


def test_frontier_first_rows_give_the_knee_its_cost_risk_tail_and_penalty_share(tmp_path):
    """The two-scenario case under cvar_shortfall at alpha 0.5: the worst half of probability is
    scenario B alone; the knee is the cheapest end (150 USD: A buys 10 at 10, B pays the penalty
    20 x 10 = 200; 100 of the 150 expected are penalties, 66.7 %)."""
    case = write_rows(two_scenario_rows("cvar_shortfall"), tmp_path / "two.xlsx")
    out = tmp_path / "f.xlsx"
    res = run("frontier", case, "--points", 5, "--out", out, "--workers", 1)
    assert res.exit_code == 0, res.output
    rows = dict(first_rows(out))
    assert rows["answer"].startswith("recommended: point 1 of 5")
    assert "the cheapest plan: the frontier has no knee" in rows["answer"]  # no point lies below the chord
    assert rows["expected_cost"] == "150 USD: the cheapest plan itself (point 1)"
    assert "100.0 % of demand goes unmet" in rows["risk"]
    # the other end, so that the trade-off the cheapest plan declines is on the page: AU contracted
    # (10) and bought in B (250): 10 + 0.5 x 100 + 0.5 x 250 = 185 at no shortfall
    assert rows["least_risk_plan"].startswith("point 5: expected cost 185 USD (35 USD more, +23.3%); ")
    assert rows["least_risk_plan"].endswith("0 % of demand goes unmet on average")
    assert rows["risk_is_one_scenario"].startswith("the worst 50 % of probability is one scenario, B")
    assert "100.0 % of demand goes unmet there" in rows["risk_is_one_scenario"]
    assert rows["shortfall_penalties"].startswith("66.7 % of the expected cost is shortfall penalties (100 USD "
                                                  "of 150 USD)")
    assert "recommended: the cheapest plan (no knee), point 1 of 5, expected cost 150 USD" in res.stderr
    assert "risk (cvar_shortfall): 100.0 %" in res.stderr


def test_a_frontier_whose_points_take_the_same_decisions_says_what_the_span_buys(tmp_path):
    """Australia sold spot (no contract): every point contracts China alone; the span 150 -> 175
    buys B's shortfall down, 100 % -> 0 % of demand, by buying 10 units in Australia."""
    rows = two_scenario_rows()
    rows["offers"][1].update({"spot": "yes", "fixed_cost": 0})
    case = case_from(rows, tmp_path)
    report = build_report(run_frontier(case, 3, options=SolveOptions(60, 0.0, workers=1)))
    got = dict(summary_items(report))
    same = got["same_decisions"]
    assert same.startswith("every efficient point (3) takes the same contracts, qualifications and builds")
    assert "25 USD from point 1 to point 3" in same
    assert "B 100.0 % -> 0 % of demand unmet" in same
    assert "less at PLANT X -10.0" in same
    keys = [k for k, _ in summary_items(report)]
    assert keys.index("same_decisions") < 8


def _point(number, kind, cost, risk, status):
    from model.results.tables import Plan
    sup = pd.DataFrame(columns=["offer", "owner", "material", "origin_group", "volume", "contracted",
                                "qualification_started", "share"])
    plan = None if cost is None else Plan(
        cost, {m: risk for m in ("cvar_shortfall", "cvar_cost", "expected_shortfall", "worst_shortfall",
                                 "exposure")}, pd.DataFrame(columns=["scenario"]), sup,
        pd.DataFrame(columns=["process", "built"]), pd.DataFrame(columns=["scenario", "kind", "route", "quantity"]),
        pd.DataFrame(columns=["period"]), pd.DataFrame(columns=["scenario", "period"]),
        extras={"risk": risk, "stockpile_value": 0.0})
    return Point(number, kind, risk, SolveOutcome(status, plan is not None, cost, cost, 0.0, 1.0), plan, 1.0)


def test_an_interrupted_frontier_reads_interrupted_never_error_and_recommends_nothing(tmp_path):
    case = case_from(two_scenario_rows(), tmp_path)
    pts = [_point(1, "min_cost", 150.0, 0.5, "optimal; risk tie-break error"),
           _point(2, "interior", 160.0, 0.3, "optimal"),
           _point(3, "min_risk", 175.0, 0.0, "optimal"),
           _point(4, "interior", None, None, "interrupted")]
    report = build_report(FrontierResult(case, "expected_shortfall", pts, SolveOptions(10, None)), interrupted=True)
    statuses = report.frontier["status"].tolist()
    assert not any("error" in s for s in statuses), statuses
    assert statuses[0] == "optimal; risk tie-break interrupted"
    assert report.knee_point is None
    items = summary_items(report)
    assert items[0][0] == "answer"
    assert items[0][1].startswith("no point is recommended: the run was interrupted: 3 of 4 points have a plan")
    assert "knee of the frontier" not in str(dict(items))
    assert not any("error" in w for w in report.warnings), report.warnings


def test_a_time_limited_frontier_says_so_in_its_first_row(tmp_path):
    """A time-limited run's first row says so. Point 2 stopped at its limit with a plan
    (160 at 0.2: below the chord from (150, 0.5) to (175, 0), so it is the knee); with a third point
    stopped without a plan, the frontier is not known and nothing is recommended."""
    case = case_from(two_scenario_rows(), tmp_path)
    ends = [_point(1, "min_cost", 150.0, 0.5, "optimal"), _point(3, "min_risk", 175.0, 0.0, "optimal")]
    pts = [ends[0], _point(2, "interior", 160.0, 0.2, "time_limit"), ends[1]]
    report = build_report(FrontierResult(case, "expected_shortfall", pts, SolveOptions(10, None)))
    assert report.knee_point == 2
    answer = summary_items(report)[0]
    assert answer[0] == "answer" and answer[1].startswith("recommended: point 2 of 3")
    assert answer[1].endswith("1 of 3 points stopped at their time limit (point 2): their plans are the best found, "
                              "not proven optimal; a longer --time-limit may change them")
    pts = [ends[0], _point(2, "interior", 160.0, 0.2, "optimal"), _point(3, "interior", None, None, "time_limit"),
           replace(ends[1], point=4)]
    report = build_report(FrontierResult(case, "expected_shortfall", pts, SolveOptions(10, None)))
    assert report.knee_point is None
    answer = summary_items(report)[0][1]
    assert answer.startswith("no point is recommended: point 3 stopped at the time limit without a plan, so the "
                             "frontier and its knee are not known")
    assert "1 of 4 points stopped at their time limit (point 3) without a plan" in answer
    # a what-if of these two frontiers says it of the side that stopped
    from model.results.answers.whatif import whatif_answer
    base = build_report(FrontierResult(case, "expected_shortfall", [ends[0], _point(2, "interior", 160.0, 0.2, "optimal"),
                                                                      ends[1]], SolveOptions(10, None)))
    first = dict(whatif_answer(base, report, ["ban BAN"]).rows)["answer"]
    assert first.endswith("(toggled against the baseline); toggled: 1 of 4 points stopped at their time limit "
                          "(point 3) without a plan; a longer --time-limit may change them"), first


# ------------------------------------------------------------------------------------ whatif

def test_whatif_first_rows_and_json_difference_against_the_two_frontiers(tmp_path):
    """Banning BAN (in force in both scenarios): min cost 150 -> 200, min risk 0 -> 0."""
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    out = tmp_path / "w.xlsx"
    res = run("whatif", case, "--ban", "BAN", "--points", 5, "--out", out, "--json", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["difference"]) == {"min_cost", "knee_cost", "min_risk", "knee_risk"}
    assert {"baseline", "toggled", "cost_of_keeping", "frontier" if "frontier" in doc else "toggled"} <= set(doc)

    def ends(rows):
        fr = mark_efficiency(pd.DataFrame(rows)[["point", "expected_cost", "risk"]])
        k = knee_point(fr)
        knee = fr[fr["point"] == k].iloc[0]
        return {"min_cost": fr["expected_cost"].min(), "min_risk": fr["risk"].min(),
                "knee_cost": knee["expected_cost"], "knee_risk": knee["risk"]}
    base, tog = ends(doc["baseline"]["frontier"]), ends(doc["toggled"]["frontier"])
    for key in ("min_cost", "knee_cost", "min_risk", "knee_risk"):
        assert doc["difference"][key] == pytest.approx(tog[key] - base[key], abs=1e-6), key
    assert doc["difference"]["min_cost"] == pytest.approx(50, abs=1e-6)
    rows = dict(first_rows(out))
    assert list(rows)[0] == "answer"
    assert rows["answer"].startswith("ban BAN") and "min cost +50 USD (+33.3%)" in rows["answer"]
    assert rows["baseline"].startswith("min cost 150 USD at risk 50.0 %")
    assert rows["toggled"].startswith("min cost 200 USD at risk 100.0 %")
    assert rows["difference_min_cost"] == "toggled minus baseline: +50 USD (+33.3%)"
    assert rows["difference_min_risk"] == "toggled minus baseline: 0 points (0 % -> 0 %)"
    assert "plan_differently" in rows


# ------------------------------------------------------------------------------------ compare

def test_compare_first_rows_put_each_frontier_side_by_side(tmp_path):
    a = write_rows(two_scenario_rows(), tmp_path / "a.xlsx")
    b = write_rows(two_scenario_rows(au_price=30), tmp_path / "b.xlsx")
    for case, name in ((a, "fa.xlsx"), (b, "fb.xlsx")):
        res = run("frontier", case, "--points", 5, "--out", tmp_path / name, "--quiet", "--workers", 1)
        assert res.exit_code == 0, res.output
    out = tmp_path / "c.xlsx"
    res = run("compare", tmp_path / "fa.xlsx", tmp_path / "fb.xlsx", "--labels", "A,B", "--out", out)
    assert res.exit_code == 0, res.output
    rows = dict(first_rows(out))
    # B's Australian units cost 5 more: its min-risk end 185 + 5 x 10 x 0.5 = 210 against 185
    assert rows["frontier A"].startswith("min cost 150 USD at risk 50.0 %")
    assert rows["frontier A"].endswith("min risk 0 % at 185 USD")
    assert rows["frontier B"].endswith("min risk 0 % at 210 USD")
    assert rows["answer"].startswith("B against A: min cost 0 USD")
    assert "At equal risk: B costs" in rows["answer"]
    assert "efficient_points" not in dict(summary_items_of(out)) and "knee_point" not in dict(summary_items_of(out))
    assert "A: min cost 150 USD" in res.stderr


def summary_items_of(path):
    ws = load_workbook(path)["summary"]
    return [(r[0], r[1]) for r in ws.iter_rows(min_row=2, values_only=True)]


# ------------------------------------------------------------------------------------ stress

def test_stress_first_rows_say_whether_the_network_survives_and_the_shortest_times(tmp_path):
    case = write_rows(stress_rows(), tmp_path / "s.xlsx")
    out = tmp_path / "stress.xlsx"
    res = run("stress", case, "--out", out, "--workers", 1)
    assert res.exit_code == 0, res.output
    rows = dict(first_rows(out))
    assert list(rows)[0] == "answer"
    assert rows["answer"].startswith("undisrupted, the network as it stands")
    assert "can meet every demand in full over the whole horizon (2 months)" in rows["answer"]
    assert rows["shortest_time_to_survive"].startswith(f"{STRESS_ORDER[0]}: 0 months from month 1")
    assert "+1,800 USD" in rows["shortest_time_to_survive"]
    assert rows["survived_to_horizon"] == "5 of 6 disruptions are survived to the horizon"
    everything = dict(summary_items_of(out))
    for key in ("knee_point", "knee_plan", "points", "efficient_points", "min_risk", "min_expected_cost"):
        assert key not in everything, key
    assert "shortest time to survive: outage PLANT, 0 months" in res.stderr


# ------------------------------------------------------------------------------------ value

def test_value_first_rows_give_evpi_and_vss_in_money_and_as_a_share(tmp_path):
    """test_value's hand case: expected cost 225, EVPI 50 (22.2 %), VSS 325 (144.4 %)."""
    case = write_rows(au_case(100, 15, 100), tmp_path / "vss.xlsx")
    out = tmp_path / "v.xlsx"
    res = run("value", case, "--out", out, "--workers", 1)
    assert res.exit_code == 0, res.output
    rows = dict(first_rows(out))
    assert list(rows)[0] == "answer"
    assert rows["answer"] == ("decision values at point 1 (min cost) (expected cost 225 USD), EVPI 50 USD (22.2 % of "
                              "the expected cost), VSS 325 USD (144.4 %)")
    assert "EVPI, 22.2 % of the expected cost" in rows["value_of_perfect_information"]
    assert "VSS, 144.4 % of the expected cost" in rows["value_of_the_stochastic_solution"]
    assert rows["option_values"].startswith("At point 1 (min cost). Most valuable held: O_AU (contract): 325 USD")
    assert "EVPI 50 USD (22.2 % of the expected cost)" in res.stderr


def test_stress_says_from_which_period_the_undisrupted_network_fails_and_which_disruptions_it_bounds(tmp_path):
    from types import SimpleNamespace

    from model.results.answers.stress import stress_answer
    from model.solving.stress import NO_DISRUPTION
    from model.solving.survival import Survival
    case = case_from(stress_rows(), tmp_path)
    own = Survival(periods=1, survives_horizon=False, last_served_period=1, status="optimal",
                   fails_first="PLANT/X/r2")
    run_ = SimpleNamespace(survival={NO_DISRUPTION: (own, own)})
    ranking = pd.DataFrame([
        {"disruption": "BAN_JP", "start_period": 1, "time_to_survive": 0, "time_to_survive_redesigned": 1,
         "survives_horizon": "no", "added_expected_cost": 100.0, "expected_cost": 300.0, "survival_note": "",
         "status": "optimal"},
        {"disruption": "MILD", "start_period": 1, "time_to_survive": 1, "time_to_survive_redesigned": 1,
         "survives_horizon": "no", "added_expected_cost": 0.0, "expected_cost": 200.0, "survival_note": "",
         "status": "optimal"}])
    answer = stress_answer(case, run_, ranking)
    rows = dict(answer.rows)
    assert rows["answer"].startswith("undisrupted, the network as it stands (the min-cost plan's contracts, "
                                     "qualifications and builds) fails from month 2 of 2: X at PLANT (demand sheet "
                                     "row 2) in month 2 cannot be served in full by any plan on it; it can meet every "
                                     "demand in full only through month 1 (whether the min-cost plan does is a matter "
                                     "of cost: see the shortfall sheet)")
    assert rows["shortest_time_to_survive"].startswith("BAN_JP: 0 months from month 1 (1 if redesigned), expected "
                                                       "cost +100 USD")
    assert rows["bounded_by_undisrupted"].startswith("1 of 2 disruptions end where the undisrupted network does")
    assert answer.numbers["fails_from_period"] == 2


def test_options_without_a_value_are_never_said_to_change_nothing():
    """A point whose option solves all stopped at their time limit: the summary says their values
    are not known, not that no option changes the expected cost; a mix says how many are unknown."""
    from model.results.value import no_option_worth
    from model.solving.value import OptionValue

    timed_out = [OptionValue("O_AU", "contract", True, 10.0, "time_limit", None),
                 OptionValue("O_CN", "contract", False, 5.0, "time_limit", None)]
    assert no_option_worth(timed_out).startswith("Not known: none of the 2 option solves ended with a value")
    worthless = OptionValue("O_X", "contract", False, 5.0, "optimal", 0.0)
    assert no_option_worth([worthless, timed_out[0]]).startswith(
        "No option with a known value changes the expected cost (1 of 2 option solves ended without a value")
    assert no_option_worth([worthless]) == "No option changes the expected cost"


def test_a_storage_option_taken_is_on_the_first_page_of_a_case_without_processes(tmp_path):
    """The storage case of tests/test_levers.py (no processes): the plan rents RENT, and the first
    page's builds row says so (it read 'nothing' while the case had no processes table)."""
    from test_levers import storage_rows
    case = write_rows(storage_rows(build_periods=0), tmp_path / "case.xlsx")
    out = tmp_path / "solve.xlsx"
    res = run("solve", case, "--out", out, "--quiet")
    assert res.exit_code == 0, res.output
    rows = dict(first_rows(out))
    assert "storage RENT (10 units of room at PLANT from period 1)" in rows["builds"], rows


def test_a_plan_that_leaves_nothing_unmet_has_no_worst_scenario_to_name(tmp_path):
    """The two-scenario case under cvar_shortfall at alpha 0.5: at the cheapest end the worst half
    of probability is scenario B, 100 % unmet; at the least-risk end nothing goes unmet anywhere,
    so no scenario is named as the tail."""
    from model.results.answers.frontier import one_scenario_tail
    case = case_from(two_scenario_rows("cvar_shortfall"), tmp_path)
    report = build_report(run_frontier(case, 3, options=SolveOptions(60, 0.0, workers=1)))
    assert one_scenario_tail(report, 1).startswith("the worst 50 % of probability is one scenario, B")
    last = int(report.frontier["point"].max())
    assert report.frontier.set_index("point").loc[last, "risk"] == pytest.approx(0.0, abs=1e-9)
    assert one_scenario_tail(report, last) is None
