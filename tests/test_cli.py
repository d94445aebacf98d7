"""The command line through typer's runner: every verb, its options, its exit codes, --json."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from model.case.toggles import apply_toggles, parse_adhoc
from model.case.issues import CaseError
from support.clitools import assert_fails, run
from support.smallcases import base_rows, case_from, write_rows
from test_frontier import EXPECTED, two_scenario_rows

def flat(pairs):
    return [x for pair in pairs for x in pair]


@pytest.fixture
def frontier_case(tmp_path):
    return write_rows(two_scenario_rows(), tmp_path / "two.xlsx")


def test_solve_json_and_workbook(tmp_path):
    case = write_rows(base_rows(), tmp_path / "base.xlsx")
    out = tmp_path / "plan.xlsx"
    res = run("solve", case, "--out", out, "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["frontier"][0]["expected_cost"] == pytest.approx(200, abs=1e-6)
    assert doc["frontier"][0]["status"] == "optimal"
    wb = load_workbook(out)
    assert {"summary", "frontier", "suppliers", "routes", "stockpile", "shortfall", "scenarios",
            "run_info"} <= set(wb.sheetnames)


def test_solve_max_risk(frontier_case, tmp_path):
    res = run("solve", frontier_case, "--max-risk", 0.25, "--out", tmp_path / "p.xlsx", "--json", "--quiet")
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)["frontier"][0]
    assert row["expected_cost"] == pytest.approx(172.5, abs=1e-6)
    assert row["risk"] == pytest.approx(0.25, abs=1e-6)


@pytest.mark.parametrize("args, says", [(["frontier", "--bogus"], "No such option: --bogus"),
                                        (["frontier", "--points", "abc"], "Invalid value for '--points'"),
                                        (["nosuchverb"], "No such command 'nosuchverb'")])
def test_a_usage_error_is_bad_input_exit_1(args, says):
    """click would exit 2, which here means 'no solution' (exit 1 = bad input)."""
    assert_fails(run(*args), 1, says)


def test_solve_negative_max_risk_is_bad_input(frontier_case, tmp_path):
    res = run("solve", frontier_case, "--max-risk", -0.5, "--risk-measure", "exposure",
              "--out", tmp_path / "p.xlsx", "--quiet")
    assert_fails(res, 1, "--max-risk -0.5: expected a number from 0 to 1e+15")


@pytest.mark.parametrize("value", ["inf", "1e300", "nan"])
def test_solve_max_risk_beyond_any_risk_is_bad_input(frontier_case, tmp_path, value):
    """inf made a variable bound HiGHS refuses (a traceback); 1e300 is infinite to HiGHS (no
    solution, status unknown): both name the option instead."""
    res = run("solve", frontier_case, "--max-risk", value, "--out", tmp_path / "p.xlsx", "--quiet")
    assert_fails(res, 1, "--max-risk", "expected a number from 0 to 1e+15", "leave the option out for no limit")


def test_time_limit_nan_is_bad_input(frontier_case, tmp_path):
    res = run("solve", frontier_case, "--time-limit", "nan", "--out", tmp_path / "p.xlsx", "--quiet")
    assert_fails(res, 1, "--time-limit nan: expected a number of seconds > 0")


def test_template_where_no_file_can_be_written_is_bad_input(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    res = run("template", blocker / "t.xlsx")
    assert_fails(res, 1, f"template {blocker / 't.xlsx'}: {blocker} is a file")


def test_whatif_toggles_that_contradict_or_do_nothing_are_bad_input(frontier_case, tmp_path):
    out = tmp_path / "w.xlsx"
    assert_fails(run("whatif", frontier_case, "--ban", "BAN", "--lift", "ban", "--out", out, "--quiet"), 1,
                 "--ban and --lift both name rule BAN")
    assert_fails(run("whatif", frontier_case, "--lift", "BAN", "--from", 1, "--out", out, "--quiet"), 1,
                 "--from 1: it sets the period from which --ban applies, and no --ban is given")
    assert not out.exists()


def test_an_unreachable_scheduler_is_found_with_two_points(frontier_case, tmp_path):
    """With two points the min-risk end goes to the cluster too, so a scheduler that does not
    answer is bad input however few points (it was never contacted, and the run exited 0)."""
    res = run("frontier", frontier_case, "--points", 2, "--scheduler", "tcp://127.0.0.1:9",
              "--out", tmp_path / "f.xlsx", "--quiet")
    assert_fails(res, 1, "--scheduler tcp://127.0.0.1:9: cannot reach a Dask scheduler")


def test_json_stdout_holds_only_the_document_even_when_highs_warns(frontier_case, tmp_path):
    """HiGHS prints some warnings straight to file descriptor 1 (with the exposure measure: a zero
    coefficient handed to changeCoeff); the real command keeps them off standard output."""
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "model", "solve", str(frontier_case), "--risk-measure",
                           "exposure", "--out", str(tmp_path / "p.xlsx"), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["risk_measure"] == "exposure"
    assert doc["frontier"][0]["risk"] == pytest.approx(doc["frontier"][0]["exposure"])


@pytest.mark.parametrize("bad", [("--points", "abc"), ("--time-limit", "soon"), ("--bogus",)])
def test_an_option_typer_cannot_parse_still_gives_one_json_document(frontier_case, tmp_path, bad):
    """The real command (not typer's runner): with --json even an error typer reports itself puts
    one JSON document on standard output, naming the option, and exits 1."""
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "model", "frontier", str(frontier_case), *bad, "--json", "--quiet",
                           "--out", str(tmp_path / "f.xlsx")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False and doc["exit_code"] == 1 and doc["frontier"] == [] and doc["warnings"] == []
    assert bad[0] in doc["error"] and bad[0] in proc.stderr
    assert not (tmp_path / "f.xlsx").exists()


def test_the_real_command_keeps_its_exit_codes_with_json(tmp_path):
    """0 for a plan, 2 for no solution, through the console entry that --json takes."""
    import subprocess
    import sys
    rows = base_rows()
    good = write_rows(rows, tmp_path / "good.xlsx")
    rows["inventory"] = [{"site": "PLANT", "material": "X", "min_stock": 500, "max_stock": 1000}]
    rows["offers"][0]["capacity_per_period"] = 1
    rows["offers"][1]["capacity_per_period"] = 1
    bad = write_rows(rows, tmp_path / "bad.xlsx")
    for case, code in ((good, 0), (bad, 2)):
        proc = subprocess.run([sys.executable, "-m", "model", "solve", str(case), "--json", "--quiet",
                               "--out", str(tmp_path / f"{case.stem}_p.xlsx")], capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == code, proc.stderr
        doc = json.loads(proc.stdout)
        assert (doc.get("ok", True) is True) == (code == 0)


def test_solve_infeasible_exits_2(tmp_path):
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "min_stock": 500, "max_stock": 1000}]
    rows["offers"][0]["capacity_per_period"] = 1
    rows["offers"][1]["capacity_per_period"] = 1
    res = run("solve", write_rows(rows, tmp_path / "bad.xlsx"), "--out", tmp_path / "p.xlsx", "--quiet")
    assert_fails(res, 2, "no solution", "inventory PLANT/X: min_stock 500")
    res = run("solve", write_rows(rows, tmp_path / "bad.xlsx"), "--out", tmp_path / "p.xlsx", "--quiet", "--json")
    assert_fails(res, 2)
    doc = json.loads(res.stdout)  # still one JSON document on standard output
    assert doc["ok"] is False and doc["exit_code"] == 2 and doc["frontier"] == []


def test_frontier_every_option(frontier_case, tmp_path):
    out = tmp_path / "f.xlsx"
    log = tmp_path / "highs.log"
    res = run("frontier", frontier_case, "--points", 5, "--risk-measure", "expected_shortfall",
              "--out", out, "--time-limit", 30, "--mip-gap", 0, "--threads", 1, "--workers", 1,
              "--solver-log", log, "--plot", "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    got = [(r["expected_cost"], r["risk"]) for r in doc["frontier"]]
    assert flat(got) == pytest.approx(flat(EXPECTED), abs=1e-6)
    assert {"point", "risk_limit", "expected_cost", "risk", "cvar_shortfall", "cvar_cost", "expected_shortfall",
            "worst_shortfall", "exposure", "mip_gap", "solve_seconds", "status", "efficient"} <= set(doc["frontier"][0])
    assert out.exists() and out.with_suffix(".png").exists() and log.exists()


def test_frontier_progress_goes_to_stderr_and_json_stays_clean(frontier_case, tmp_path):
    res = run("frontier", frontier_case, "--points", 3, "--out", tmp_path / "f.xlsx", "--json")
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)  # nothing but the JSON document on stdout
    assert "recommended: the cheapest plan (no knee), point 1 of 3, expected cost 150 USD" in res.stderr


def test_frontier_other_risk_measure_points(frontier_case, tmp_path):
    res = run("frontier", frontier_case, "--points", 3, "--risk-measure", "worst_shortfall",
              "--out", tmp_path / "f.xlsx", "--json", "--quiet")
    rows = json.loads(res.stdout)["frontier"]
    assert [r["risk"] for r in rows] == pytest.approx([1.0, 0.5, 0.0], abs=1e-6)
    assert [r["expected_cost"] for r in rows] == pytest.approx([150, 172.5, 185], abs=1e-6)


@pytest.mark.parametrize("args, says", [(["--points", "1"], "--points 1: expected at least 2"),
                                        (["--risk-measure", "var"], "--risk-measure var: expected one of"),
                                        (["--mip-gap", "2"], "--mip-gap 2: expected auto or a number in 0..1"),
                                        (["--time-limit", "-1"], "--time-limit -1.0: expected a number of seconds")])
def test_frontier_bad_options_exit_1(frontier_case, tmp_path, args, says):
    res = run("frontier", frontier_case, "--out", tmp_path / "f.xlsx", "--quiet", *args)
    assert_fails(res, 1, says)


def test_refuses_to_overwrite_a_file_that_is_not_a_results_workbook(frontier_case, tmp_path):
    other = tmp_path / "mine.xlsx"
    write_rows(base_rows(), other)
    res = run("solve", frontier_case, "--out", other, "--quiet")
    assert_fails(res, 1, "not a results workbook")
    again = tmp_path / "ok.xlsx"
    assert run("solve", frontier_case, "--out", again, "--quiet").exit_code == 0
    assert run("solve", frontier_case, "--out", again, "--quiet").exit_code == 0  # our own: replaced


def test_validate_reports_and_exits(tmp_path):
    good = write_rows(base_rows(), tmp_path / "good.xlsx")
    assert run("validate", good).exit_code == 0
    rows = base_rows()
    rows["offers"][0]["capacity_per_period"] = -5
    rows["offers"][1]["site"] = "NOWHERE"
    bad = write_rows(rows, tmp_path / "bad.xlsx")
    res = run("validate", bad)
    assert_fails(res, 1, "offers!E2: capacity_per_period is -5, expected a number >= 0", "offers!B3")
    res = run("validate", bad, "--json")
    assert_fails(res, 1)
    doc = json.loads(res.stdout)
    assert not doc["ok"] and len(doc["errors"]) == 2


def test_bad_input_for_a_solving_verb_exits_1_without_traceback(tmp_path):
    notxlsx = tmp_path / "x.xlsx"
    notxlsx.write_text("hello")
    res = run("frontier", notxlsx, "--quiet")
    assert_fails(res, 1, "cannot be read as an .xlsx workbook: it is a text file")
    res = run("solve", tmp_path / "missing.xlsx")
    assert_fails(res, 1, "missing.xlsx: no such file")


def test_template_then_validate(tmp_path):
    path = tmp_path / "t.xlsx"
    assert run("template", path).exit_code == 0
    assert run("validate", path).exit_code == 0
    assert_fails(run("template", path), 1, "the file exists")  # never overwrites silently


def test_template_json_names_the_workbook_and_its_sheets(tmp_path):
    path = tmp_path / "t.xlsx"
    res = run("template", path, "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["output"] == str(path) and doc["frontier"] == [] and doc["warnings"] == []
    assert doc["sheets"] == load_workbook(path).sheetnames and "offers" in doc["sheets"]
    again = run("template", path, "--json")
    assert again.exit_code == 1 and json.loads(again.stdout)["ok"] is False


# ------------------------------------------------------------------------------------ what-if


def test_adhoc_grammar_every_form(tmp_path):
    rows = base_rows()
    rows["sites"].append({"site": "MP", "country": "US", "owner": "MP Materials", "role": "customer"})
    case = case_from(rows, tmp_path)
    r = parse_adhoc("CN:X", case, 1, 1)
    assert (r.issuer, r.materials, r.to_countries, r.to_owners, r.extraterritorial) == ("CN", ("X",), (), (), False)
    r = parse_adhoc("CN:heavy_REE>US,JP", case, 1, 1)
    assert r.materials == ("X",) and r.to_countries == ("US", "JP")
    r = parse_adhoc("CN:*@MP Materials!", case, 1, 1)
    assert r.to_owners == ("MP Materials",) and r.extraterritorial
    r = parse_adhoc("cn : REE > * !", case, 1, 3)
    assert r.issuer == "CN" and r.to_countries == ("*",) and r.extraterritorial and r.start_period == 3
    for bad in ["CN", "CN:", "XX:X", "CN:nothing", "CN:X>ZZ", "CN:X@Nobody", ":X"]:
        with pytest.raises(CaseError):
            parse_adhoc(bad, case, 1, 1)


@pytest.mark.parametrize("args", [["--ban", "NO_SUCH_RULE"], ["--lift", "NO_SUCH_RULE"], ["--ban", "CN:"],
                                  ["--ban", "CN:X>Atlantis"], []])
def test_whatif_bad_toggles_exit_1_with_the_grammar(frontier_case, tmp_path, args):
    res = run("whatif", frontier_case, "--out", tmp_path / "w.xlsx", "--quiet", *args)
    assert_fails(res, 1, "ISSUER:MATERIALS")


def _later_ban_rows():
    """Demand 10 a period for 2 periods (penalty 12) at our plant; China sells at 10, Australia 5 a
    period at 13 and 5 more at 20. Scenarios N and B (0.5 each); the scenario rule BAN (China bans
    X) starts in period 2, but B's own event starts it in period 1. Risk: expected shortfall."""
    rows = base_rows(2)
    rows["settings"].update({"risk_measure": "expected_shortfall", "frontier_points": 5})
    rows["demand"][0]["shortfall_penalty"] = 12
    rows["offers"] = [{"offer": "O_CN", "site": "SUP_CN", "material": "X", "price": 10, "capacity_per_period": 100},
                      {"offer": "O_AU1", "site": "SUP_AU", "material": "X", "price": 13, "capacity_per_period": 5},
                      {"offer": "O_AU2", "site": "SUP_AU", "material": "X", "price": 20, "capacity_per_period": 5}]
    rows["controls"] = [{"rule": "BAN", "issuer": "CN", "materials": "X", "kind": "ban", "status": "scenario",
                         "start_period": 2}]
    rows["scenarios"] = [{"scenario": "N", "probability": 0.5}, {"scenario": "B", "probability": 0.5}]
    rows["scenario_events"] = [{"scenario": "B", "event": "rule", "target": "BAN", "start_period": 1}]
    return rows


def test_whatif_ban_keeps_the_rules_own_scenario_windows(tmp_path):
    """--ban BAN puts it in force from its own start (period 2) and B keeps its ban from period 1:
    30 of the 40 units are banned (N's period 2, both of B's). Serving z of them costs 230 + 0.5 z
    (z <= 15, Australia's 13) + 4 (z - 15) beyond (its 20) with expected shortfall (30 - z)/40: the
    ends (230, 0.75) and (297.5, 0), the limits 0.5625, 0.375 and 0.1875 at 233.75, 237.5 and 267.5.
    The baseline (B banned from period 1 only) runs (220, 0.5) to (265, 0). Dropping B's own window
    (the bug) left B buying Chinese X in period 1: the toggled frontier equalled the baseline."""
    case = write_rows(_later_ban_rows(), tmp_path / "later.xlsx")
    res = run("whatif", case, "--ban", "BAN", "--out", tmp_path / "w.xlsx", "--json", "--quiet", "--workers", 1,
              "--mip-gap", 0)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    base = [(r["expected_cost"], r["risk"]) for r in doc["baseline"]["frontier"]]
    assert flat(base) == pytest.approx(flat([(220, 0.5), (222.5, 0.375), (225, 0.25), (245, 0.125), (265, 0)]),
                                       abs=1e-6)
    tog = [(r["expected_cost"], r["risk"]) for r in doc["toggled"]["frontier"]]
    assert flat(tog) == pytest.approx(flat([(230, 0.75), (233.75, 0.5625), (237.5, 0.375), (267.5, 0.1875),
                                            (297.5, 0)]), abs=1e-6)
    assert doc["difference"] == pytest.approx({"min_cost": 10, "knee_cost": 12.5, "min_risk": 0, "knee_risk": 0.125})


def test_a_banned_licence_counts_its_lead_time_from_the_start_of_each_unbroken_stretch(tmp_path):
    """A licence rule (lead time 1) whose scenario window in B starts in period 1, put in force from
    period 2: in B one stretch from period 1 (licensed from period 2, not shut again in period 2 by
    the in-force window's own lead time); in N from period 2 (licensed from period 3)."""
    from model.formulation import CaseIndex
    rows = _later_ban_rows()
    rows["settings"]["periods"] = 3
    rows["controls"][0].update({"kind": "licence", "licence_lead_time": 1})
    for bans in (["BAN"], ["BAN", "ban"]):  # the same rule banned twice keeps B's window too
        toggled = apply_toggles(case_from(rows, tmp_path), bans, [])
        ix = CaseIndex(toggled)
        rule = toggled.rules["BAN"]
        assert [ix.rule_limit(rule, t, "B") for t in (1, 2, 3)] == [0.0, None, None]
        assert [ix.rule_limit(rule, t, "N") for t in (1, 2, 3)] == [None, 0.0, None]


def test_a_toggle_that_changes_nothing_says_so(frontier_case, tmp_path):
    from model.case.reader import read_case
    case = read_case(frontier_case)
    lifted = apply_toggles(case, [], ["BAN"])
    assert apply_toggles(lifted, [], ["BAN"]).toggles[-1] == "lift BAN (already off: no change)"
    banned = apply_toggles(case, ["BAN"], [])
    assert apply_toggles(banned, ["BAN"], []).toggles[-1] == (
        "ban BAN from period 1 (already in force from that period: no change)")
    assert apply_toggles(banned, ["BAN"], [], from_period=1).toggles[-1].endswith("no change)")


def test_whatif_warnings_say_which_side_they_are_of(frontier_case, tmp_path):
    """Lifting the only rule leaves the toggled world without risk: its frontier is one plan (a
    span of 0), which is the toggled side's warning, not the baseline's."""
    res = run("whatif", frontier_case, "--lift", "BAN", "--points", 3, "--out", tmp_path / "w.xlsx",
              "--json", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    warnings = json.loads(res.stdout)["warnings"]
    assert any(w.startswith("toggled: the frontier's cost span is 0") for w in warnings), warnings
    assert not any(w.startswith("the frontier's") for w in warnings), warnings


def test_whatif_ban_moves_the_frontier_by_the_hand_derived_amount(frontier_case, tmp_path):
    """BAN in force in both scenarios: without a contract both fall short (200, 1.0); with it each
    scenario costs 210 + 5 q with shortfall (10 - q)/10. Keeping the baseline's risk levels
    0.5, 0.375, 0.25, 0.125, 0 then costs 235, 241.25, 247.5, 253.75, 260."""
    out = tmp_path / "w.xlsx"
    res = run("whatif", frontier_case, "--ban", "BAN", "--points", 5, "--out", out, "--json", "--quiet",
              "--workers", 1)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    base = [(r["expected_cost"], r["risk"]) for r in doc["baseline"]["frontier"]]
    assert flat(base) == pytest.approx(flat(EXPECTED), abs=1e-6)
    tog = [(r["expected_cost"], r["risk"]) for r in doc["toggled"]["frontier"]]
    assert flat(tog) == pytest.approx(flat([(200, 1.0), (222.5, 0.75), (235, 0.5), (247.5, 0.25), (260, 0.0)]),
                                      abs=1e-6)
    kept = [r["toggled_cost"] for r in doc["cost_of_keeping"]]
    assert kept == pytest.approx([235, 241.25, 247.5, 253.75, 260], abs=1e-6)
    wb = load_workbook(out)
    assert {"cost_of_keeping", "plan_changes", "baseline_frontier"} <= set(wb.sheetnames)
    summary = {r[0]: r[1] for r in wb["summary"].iter_rows(values_only=True)}
    assert "ban BAN" in str(summary.get("toggles_applied"))
    changes = list(wb["plan_changes"].iter_rows(values_only=True))
    header, rows = changes[0], changes[1:]
    # per point what changed: with China banned in force no point keeps its Chinese contract
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert [r[header.index("suppliers_dropped")] for r in rows] == ["O_CN"] * 5


def test_lifting_an_in_force_rule_lowers_cost(tmp_path):
    rows = base_rows()
    rows["controls"] = [{"rule": "R1", "issuer": "CN", "materials": "X", "to_countries": "JP", "kind": "ban"}]
    case = write_rows(rows, tmp_path / "c.xlsx")
    res = run("whatif", case, "--lift", "R1", "--points", 2, "--out", tmp_path / "w.xlsx", "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["baseline"]["frontier"][0]["expected_cost"] == pytest.approx(300, abs=1e-6)
    assert doc["toggled"]["frontier"][0]["expected_cost"] == pytest.approx(200, abs=1e-6)


def test_apply_toggles_from_period(tmp_path):
    case = case_from(two_scenario_rows(), tmp_path)
    toggled = apply_toggles(case, ["BAN"], [], from_period=1)
    assert toggled.rules["BAN"].status == "in_force" and toggled.toggles == ("ban BAN from period 1",)
    with pytest.raises(CaseError):
        apply_toggles(case, ["BAN"], [], from_period=9)


def test_a_licence_put_in_force_says_it_is_a_licence(tmp_path):
    rows = base_rows()
    rows["controls"] = [{"rule": "LIC", "issuer": "CN", "materials": "X", "kind": "licence",
                         "licence_lead_time": 1, "status": "scenario", "start_period": 2}]
    toggled = apply_toggles(case_from(rows, tmp_path), ["lic"], [])
    assert toggled.rules["LIC"].status == "in_force"
    assert toggled.toggles == ("ban LIC (licence) from period 2",)


# ------------------------------------------------------------------------------------ stress


def stress_rows():
    """Two periods, demand 10 at PLANT (JP, no stock), penalty 100. China sells at 10 (contracted),
    Australia at 15 (spot: no contract, so the baseline network can always turn to it).
    Alone in force: BAN_JP forces Australia (+100), QUOTA leaves 4 Chinese units a period (+60),
    MILD bans X to the US only (+0); every rule is survived to the horizon (Australia).
    Sites out: SUP_CN = BAN_JP (+100), SUP_AU (+0) are survived; PLANT out (no lane into it, no
    stock): nothing is served, time to survive 0, 20 units short (+1,800).
    Ranking: time to survive, then added cost, then (equal) the rule before the site:
    outage PLANT, BAN_JP, outage SUP_CN, QUOTA, MILD, outage SUP_AU."""
    rows = base_rows()
    rows["offers"][1]["spot"] = True
    rows["controls"] = [
        {"rule": "QUOTA", "issuer": "CN", "materials": "X", "kind": "quota", "quota_per_period": 4, "status": "scenario"},
        {"rule": "BAN_JP", "issuer": "CN", "materials": "X", "to_countries": "JP", "kind": "ban", "status": "scenario"},
        {"rule": "MILD", "issuer": "CN", "materials": "X", "to_countries": "US", "kind": "ban", "status": "scenario"},
    ]
    return rows


STRESS_ORDER = ["outage PLANT", "BAN_JP", "outage SUP_CN", "QUOTA", "MILD", "outage SUP_AU"]


def test_stress_ranks_by_time_to_survive_then_damage(tmp_path):
    case = write_rows(stress_rows(), tmp_path / "s.xlsx")
    out = tmp_path / "stress.xlsx"
    res = run("stress", case, "--out", out, "--json", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"frontier", "ranking", "warnings"} and doc["warnings"] == []
    ranking = doc["ranking"]
    assert [r["disruption"] for r in ranking] == STRESS_ORDER
    assert [r["time_to_survive"] for r in ranking] == [0, 2, 2, 2, 2, 2]
    assert [r["survives_horizon"] for r in ranking] == ["no"] + ["yes"] * 5
    assert [r["added_expected_cost"] for r in ranking] == pytest.approx([1800, 100, 100, 60, 0, 0], abs=1e-6)
    rules = [r for r in ranking if r["kind"] == "rule"]
    assert [r["disruption"] for r in rules] == ["BAN_JP", "QUOTA", "MILD"]
    assert [r["added_expected_cost"] for r in rules] == pytest.approx([100, 60, 0], abs=1e-6)
    assert ranking[0]["unmet_units_nominal"] == pytest.approx(20, abs=1e-6)
    assert "stress_ranking" in load_workbook(out).sheetnames
    # a plan under BAN_JP is not 'dominated' by the baseline's plan: each disruption is its own world
    rows = {r["kind"]: r for r in doc["frontier"]}
    assert rows["BAN_JP:min_cost"]["efficient"] == "yes"
    assert rows["baseline:min_risk"]["note"] == "duplicate of point 2"  # point 1: the network held
    assert rows["network:min_cost"]["contracted_offers"] == "O_CN"
    res = run("stress", case, "--pairs", "--out", tmp_path / "p.xlsx", "--json", "--quiet", "--workers", 1)
    ranking = json.loads(res.stdout)["ranking"]
    assert len(ranking) == 6 + 15
    by = {r["disruption"]: r for r in ranking}
    # Australia out as well leaves JP nothing under BAN_JP, 4 units a period under QUOTA
    assert by["BAN_JP+outage SUP_AU"]["time_to_survive"] == 0 and by["QUOTA+outage SUP_AU"]["time_to_survive"] == 0
    assert by["MILD+outage SUP_AU"]["time_to_survive"] == 2
    assert by["QUOTA+BAN_JP"]["added_expected_cost"] == pytest.approx(100, abs=1e-6)
    # QUOTA with Australia out: 4 Chinese units a period, 12 units short: 80 + 1,200 against 200
    assert by["QUOTA+outage SUP_AU"]["added_expected_cost"] == pytest.approx(1080, abs=1e-6)
    survived = [r for r in ranking if r["time_to_survive"] == 2]
    # on equal time and damage (+100) the single disruptions rank first, in the order listed
    assert [r["disruption"] for r in survived[:2]] == ["BAN_JP", "outage SUP_CN"]
    assert {r["disruption"] for r in survived[2:7]} == {"QUOTA+BAN_JP", "QUOTA+outage SUP_CN", "BAN_JP+MILD",
                                                        "BAN_JP+outage SUP_CN", "MILD+outage SUP_CN"}
    assert [r["added_expected_cost"] for r in survived[:7]] == pytest.approx([100] * 7, abs=1e-6)
    assert [r["time_to_survive"] for r in ranking] == sorted(r["time_to_survive"] for r in ranking)


def test_stress_on_a_dask_cluster_ranks_the_same(tmp_path):
    """--scheduler sends the same independent solves to a Dask cluster (here a local one)."""
    distributed = pytest.importorskip("distributed", reason="the 'cluster' extra (distributed) is not installed")
    case = write_rows(stress_rows(), tmp_path / "s.xlsx")
    try:
        cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
    except Exception as exc:  # e.g. no local TCP sockets in a sandbox: the cluster, not our code
        pytest.skip(f"a local Dask cluster cannot start here: {exc}")
    with cluster:
        res = run("stress", case, "--scheduler", cluster.scheduler_address, "--out", tmp_path / "d.xlsx",
                  "--json", "--quiet")
    assert res.exit_code == 0, res.output
    ranking = json.loads(res.stdout)["ranking"]
    assert [r["disruption"] for r in ranking] == STRESS_ORDER
    assert [r["time_to_survive"] for r in ranking] == [0, 2, 2, 2, 2, 2]
    assert [r["added_expected_cost"] for r in ranking] == pytest.approx([1800, 100, 100, 60, 0, 0], abs=1e-6)


# ------------------------------------------------------------------------------------ compare


def test_compare_round_trips_two_results_files(frontier_case, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("frontier", frontier_case, "--points", 5, "--out", a, "--quiet").exit_code == 0
    assert run("whatif", frontier_case, "--ban", "BAN", "--points", 5, "--out", b, "--quiet").exit_code == 0
    out = tmp_path / "cmp.xlsx"
    res = run("compare", a, b, "--labels", "baseline,banned", "--out", out, "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    labels = [r["label"] for r in doc["frontier"]]
    assert labels.count("baseline") == 5 and labels.count("banned") == 5
    costs = [r["expected_cost"] for r in doc["frontier"] if r["label"] == "baseline"]
    assert costs == pytest.approx([c for c, _ in EXPECTED], abs=1e-6)
    assert out.exists()
    # the what-if's workbook names its (toggled) knee, and compare reads it
    b_summary = {r[0]: r[1] for r in load_workbook(b)["summary"].iter_rows(min_row=2, values_only=True)}
    assert isinstance(b_summary["knee_point"], int)
    assert [f["knee_point"] for f in doc["files"]] == [
        {r[0]: r[1] for r in load_workbook(a)["summary"].iter_rows(min_row=2, values_only=True)}["knee_point"],
        b_summary["knee_point"]]
    # a compare workbook is not a frontier: refused, not overlaid again
    res = run("compare", out, a, "--out", tmp_path / "again.xlsx", "--quiet")
    assert_fails(res, 1, f"{out}: a compare workbook")


def test_compare_refuses_files_that_are_not_results(frontier_case, tmp_path):
    a = tmp_path / "a.xlsx"
    assert run("frontier", frontier_case, "--points", 2, "--out", a, "--quiet").exit_code == 0
    res = run("compare", a, frontier_case, "--out", tmp_path / "c.xlsx", "--quiet")
    assert_fails(res, 1, "not a results workbook")
    assert f"{frontier_case}: not a results workbook" in res.output
    assert f"{frontier_case}: {frontier_case}" not in res.output  # the file named once
    stressed = tmp_path / "s.xlsx"
    assert run("stress", frontier_case, "--out", stressed, "--quiet", "--workers", 1).exit_code == 0
    res = run("compare", a, stressed, "--out", tmp_path / "c.xlsx", "--quiet")
    assert_fails(res, 1, f"{stressed}: a stress workbook")
    missing = tmp_path / "missing.xlsx"
    res = run("compare", a, missing, "--out", tmp_path / "c.xlsx", "--quiet")
    assert_fails(res, 1, f"{missing}: no such file")
    assert f"{missing}: {missing}" not in res.output


def test_a_results_workbook_given_as_the_case_says_so(frontier_case, tmp_path):
    a = tmp_path / "a.xlsx"
    assert run("frontier", frontier_case, "--points", 2, "--out", a, "--quiet").exit_code == 0
    for verb in ("validate", "solve"):
        args = [verb, a] + (["--out", tmp_path / "s.xlsx"] if verb == "solve" else [])
        res = run(*args, "--quiet")
        assert_fails(res, 1, f"{a}: a results workbook (sheets frontier and run_info), not a case")
        assert "sheet missing" not in res.output


def test_compare_refuses_an_edited_frontier_sheet_and_its_own_input_as_out(frontier_case, tmp_path):
    """A frontier sheet edited since it was written (a column deleted, its rows deleted, text in a
    number column) is bad input naming the file and the cell, not a traceback; --out naming one
    of the workbooks compared would have replaced it."""
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("frontier", frontier_case, "--points", 2, "--out", a, "--quiet").exit_code == 0
    assert run("frontier", frontier_case, "--points", 3, "--out", b, "--quiet").exit_code == 0
    before = a.read_bytes()
    assert_fails(run("compare", a, b, "--out", a, "--quiet"), 1, f"--out {a}: that is one of the workbooks compared")
    assert a.read_bytes() == before
    header = [c.value for c in load_workbook(b)["frontier"][1]]
    edits = {"no_cost": (lambda ws: ws.delete_cols(header.index("expected_cost") + 1), "has no column expected_cost"),
             "no_rows": (lambda ws: ws.delete_rows(2, ws.max_row), "has no points"),
             "text": (lambda ws: ws.cell(2, header.index("risk") + 1, "high"), "'high' in column risk; expected a number")}
    for name, (edit, says) in edits.items():
        wb = load_workbook(b)
        edit(wb["frontier"])
        edited = tmp_path / f"{name}.xlsx"
        wb.save(edited)
        assert_fails(run("compare", a, edited, "--out", tmp_path / "c.xlsx", "--quiet"), 1, f"{edited}: ", says)


@pytest.mark.parametrize("args, named", [
    (["frontier", "--points", 1], "--points 1: expected at least 2"),
    (["frontier", "--out", "x.csv"], "--out x.csv: expected a file name ending in .xlsx"),
    (["whatif", "--ban", "NO_SUCH_RULE"], "--ban 'NO_SUCH_RULE'"),
])
def test_an_option_error_names_the_option_not_the_workbook(frontier_case, tmp_path, args, named):
    verb, *rest = args
    res = run(verb, frontier_case, *rest, "--quiet")
    assert_fails(res, 1, named)
    assert named in res.stderr
    assert "workbook:" not in res.stderr


def test_help_texts_match_their_verb():
    template = run("template", "--help").output
    assert "--out" not in template and "Overwrite PATH" in template
    validate = run("validate", "--help").output
    assert "frontier rows" not in validate and "every error and warning" in validate
    assert "difference" in run("whatif", "--help").output
    assert "EVPI" in run("value", "--help").output


def test_solve_writes_the_sheets_of_a_frontier_with_one_point(frontier_case, tmp_path):
    """solve writes the same workbook with a single point: the changes sheet too, with
    its header alone (no step between efficient points), and not printed."""
    from model.results.changes import CHANGES_COLUMNS
    res = run("solve", frontier_case, "--out", tmp_path / "s.xlsx", "--quiet")
    assert res.exit_code == 0, res.output
    res = run("frontier", frontier_case, "--points", 3, "--out", tmp_path / "f.xlsx", "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    solved, frontier = load_workbook(tmp_path / "s.xlsx"), load_workbook(tmp_path / "f.xlsx")
    assert solved.sheetnames == [s for s in frontier.sheetnames if s in solved.sheetnames]
    assert set(frontier.sheetnames) - set(solved.sheetnames) <= {"plan_charts"}, frontier.sheetnames
    rows = list(solved["changes"].iter_rows(values_only=True))
    assert rows == [tuple(CHANGES_COLUMNS)]
    assert solved["changes"].print_area.endswith("!$XFD$1048576")  # "not printed", as the large tables
    assert solved["routes"].print_area.endswith("!$XFD$1048576")
