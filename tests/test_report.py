"""The report a planner reads and signs (docs/results.md), on cases solved by hand: the summary's
answer first and the risk in words for each measure, the cost breakdown, the changes sheet,
backups, the stockpile's value, the plan charts, column notes, the printed pages, compare at equal
risk and its refusals, template's name check, --quiet, and the README's options against --help."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from model.cli import app
from model.results.words import risk_words
from model.results.changes import CHANGES_COLUMNS, changes_table, risk_bought_words
from model.results.compare import EQUAL_RISK_COLUMNS
from model.results.excel import write_results
from model.results.excel.notes import COLUMN_NOTES, context, item_note, note_for
from model.results.report import COST_COLUMNS, FRONTIER_COLUMNS, Report, build_report, describe_plan, summary_items
from model.results.views import unit_values
from model.solving.frontier import run_frontier, solve_single
from model.solving.staged import SolveOptions
from support.smallcases import base_rows, case_from, write_rows
from test_frontier import two_scenario_rows

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def every_cost_rows():
    """Two periods, demand 10 Y per period (penalty 100) at our plant, 5 Y in stock at the start and
    at least 5 at the end (holding 0.5 per unit and period). Y is made from X (1:1, 2 per unit) by a
    plant to build (30); X comes only from Australia at 15, contracted (20) with a take-or-pay
    minimum of 15 per period, qualified first (5), shipped at 1 per unit.
    By hand: period 1 uses the 5 in stock and buys 5 (10 of the minimum unpaid), period 2 buys 15
    and keeps 5. Contracts 20, qualification 5, builds 30, purchases 20 x 15 = 300, take-or-pay
    excess 10 x 15 = 150, processing 20 x 2 = 40, transport 20 x 1 = 20, holding 5 x 0.5 = 2.5,
    no shortfall: 567.5. (Buying 10 and 10 pays the same minimum and holds 5 more: 2.5 dearer.)"""
    rows = base_rows(periods=2)
    rows["materials"].append({"material": "Y", "stage": "magnet"})
    rows["offers"] = [{"offer": "O_AU", "site": "SUP_AU", "material": "X", "price": 15, "capacity_per_period": 100,
                       "min_per_period": 15, "fixed_cost": 20, "qualified": "no", "qualification_periods": 0,
                       "qualification_cost": 5}]
    rows["lanes"] = [{"from_site": "SUP_AU", "to_site": "PLANT", "materials": "*", "cost_per_unit": 1}]
    rows["processes"] = [{"process": "P_Y", "site": "PLANT", "output": "Y", "capacity_per_period": 100,
                          "cost_per_unit": 2, "exists": "no", "build_cost": 30, "build_periods": 0}]
    rows["process_inputs"] = [{"process": "P_Y", "input": "X", "per_unit_output": 1}]
    rows["demand"] = [{"site": "PLANT", "material": "Y", "period": "*", "quantity": 10, "shortfall_penalty": 100}]
    rows["inventory"] = [{"site": "PLANT", "material": "X", "max_stock": 0},
                         {"site": "PLANT", "material": "Y", "initial_stock": 5, "initial_origin_group": "free",
                          "holding_cost_per_period": 0.5}]
    return rows


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory):
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def two(tmp_module):
    """The two-scenario frontier of test_frontier (expected shortfall; hand-solved points)."""
    case = case_from(two_scenario_rows(), tmp_module, "two.xlsx")
    return build_report(run_frontier(case, options=SolveOptions(60, 0.0, workers=1)))


@pytest.fixture(scope="module")
def every_cost(tmp_module):
    case = case_from(every_cost_rows(), tmp_module, "every_cost.xlsx")
    return case, build_report(solve_single(case, None, None, SolveOptions(60, 0.0, workers=1)))


@pytest.fixture(scope="module")
def two_written(two, tmp_module):
    return write_results(two, tmp_module / "two_results.xlsx")


# ------------------------------------------------------------------------- the answer first

def _report(**kw) -> Report:
    """A hand-built three-point frontier: point 2 is the knee, point 1 the cheapest."""
    fr = pd.DataFrame({"point": [1, 2, 3], "kind": ["min_cost", "interior", "min_risk"],
                       "expected_cost": [1_000_000.0, 1_050_000.0, 1_400_000.0], "risk": [0.196, 0.059, 0.04],
                       "efficient": ["yes"] * 3, "note": ["", "", ""], "stockpile_value": [0.0, 0.0, 0.0],
                       "risk_limit": [0.196, 0.1, 0.04], "cost_bound": [999_000.0, 1_049_000.0, 1_399_000.0]})
    sup = pd.DataFrame([
        {"point": 2, "offer": "CN_OX", "owner": "China Northern", "material": "NdPr_oxide", "origin_group": "CN",
         "contracted": "yes", "qualification_started": "no", "volume": 60.0, "share": 0.6,
         "role": "supplies the nominal scenario"},
        {"point": 2, "offer": "AU_OX", "owner": "Lynas", "material": "NdPr_oxide", "origin_group": "free",
         "contracted": "yes", "qualification_started": "yes", "volume": 40.0, "share": 0.4,
         "role": "supplies the nominal scenario"},
        {"point": 2, "offer": "US_OX", "owner": "MP", "material": "NdPr_oxide", "origin_group": "free",
         "contracted": "yes", "qualification_started": "no", "volume": 0.0, "share": 0.0,
         "role": "backup: used in scenarios ban, outage"}])
    procs = pd.DataFrame({"point": [2], "process": ["US_SEP"], "site": ["US_TX"], "output": ["NdPr_oxide"],
                          "built": ["yes"]})
    base = dict(case_name="hand", risk_measure="cvar_shortfall", currency="USD", frontier=fr,
                tables={"suppliers": sup, "processes": procs}, knee_point=2, knee_text="Point 2: ...",
                warnings=["point 3 stopped at its time limit"], cvar_alpha=0.9, origin_groups=("free", "CN"))
    base.update(kw)
    return Report(**base)


def test_summary_opens_with_the_answer_and_the_risk_in_words():
    items = summary_items(_report())
    keys = [k for k, _ in items]
    got = dict(items)
    assert keys[:4] == ["answer", "knee_point", "expected_cost", "risk"]
    assert got["answer"].startswith("recommended: point 2 of 3")
    assert got["knee_point"] == 2
    assert got["expected_cost"] == ("1,050,000 USD: 50,000 USD more (+5.0%) than the cheapest plan (point 1, "
                                    "1,000,000 USD)")
    assert got["risk"] == ("in the worst 10 % of scenarios (by probability) 5.9 % of demand goes unmet on "
                           "average, against 19.6 % at the cheapest plan")
    assert got["buys"] == "NdPr_oxide: CN_OX (China Northern, CN) 60%, AU_OX (Lynas, free) 40%"
    assert got["backups"] == "US_OX (MP, NdPr_oxide, free): used in scenarios ban, outage"
    assert got["qualifies"] == "AU_OX (Lynas, NdPr_oxide, free)" and got["builds"] == "US_SEP (NdPr_oxide at US_TX)"
    assert keys.index("holds") < keys.index("warnings") < keys.index("case")  # answer, warnings, provenance
    assert got["warnings"] == "point 3 stopped at its time limit"
    assert got["risk_measure"] == "cvar_shortfall" and got["cvar_alpha"] == 0.9
    assert "alpha 0.9" in got["risk_measure_meaning"]


def test_no_knee_says_so_and_why():
    fr = _report().frontier.assign(note=["within_gap: its cost interval overlaps point 2's",
                                         "within_gap: its cost interval overlaps point 1's", ""])
    got = dict(summary_items(_report(frontier=fr, knee_point=None, knee_text="no knee recommended")))
    assert got["answer"].startswith("no point is recommended: points 1, 2 cannot be told apart within the "
                                    "solver's gap")
    assert got["cheapest_plan"].startswith("point 1: expected cost 1,000,000 USD; in the worst 10 %")
    assert got["least_risk_plan"].startswith("point 3: expected cost 1,400,000 USD")
    assert "shortfall_penalties" not in got  # the hand frontier has no cost breakdown
    # with one, the first rows give the share of penalties at both plans (docs/results.md: a row gives it)
    fr = fr.assign(cost_shortfall_penalties=[100_000.0, 70_000.0, 14_000.0])
    got = dict(summary_items(_report(frontier=fr, knee_point=None, knee_text="no knee recommended")))
    assert got["shortfall_penalties"] == (
        "at the cheapest plan (point 1) 10.0 % of the expected cost is shortfall penalties (100,000 USD of "
        "1,000,000 USD): demand left unmet, priced at its penalty; at the least-risk plan (point 3) 1.0 % of "
        "the expected cost is shortfall penalties (14,000 USD of 1,400,000 USD): demand left unmet, priced at "
        "its penalty")
    keys = list(got)
    assert keys.index("least_risk_plan") < keys.index("shortfall_penalties") < keys.index("warnings")


@pytest.mark.parametrize("measure, alpha, value, ref, want", [
    ("cvar_shortfall", 0.9, 0.059, 0.196,
     "in the worst 10 % of scenarios (by probability) 5.9 % of demand goes unmet on average, against 19.6 % "
     "at the cheapest plan"),
    ("cvar_shortfall", 0.95, 0.059, None,
     "in the worst 5 % of scenarios (by probability) 5.9 % of demand goes unmet on average"),
    ("cvar_cost", 0.8, 1_234_567.0, 2_000_000.0,
     "in the worst 20 % of scenarios (by probability) the plan costs 1,234,567 USD on average, against "
     "2,000,000 USD at the cheapest plan"),
    ("expected_shortfall", 0.9, 0.021, 0.05,
     "on average over the scenarios (weighted by probability) 2.1 % of demand goes unmet, against 5.0 % at "
     "the cheapest plan"),
    ("worst_shortfall", 0.9, 0.08, 0.3,
     "in its worst scenario (escalation) 8.0 % of demand goes unmet, against 30.0 % at the cheapest plan "
     "(in licence)"),
    ("exposure", 0.9, 0.12, 0.45,
     "12.0 % of purchase spend (nominal scenario, at base prices) goes to offers of CN origin, against "
     "45.0 % at the cheapest plan"),
])
def test_risk_in_words_for_each_measure(measure, alpha, value, ref, want):
    assert risk_words(measure, alpha, value, ref, "USD", "escalation", "licence", "CN") == want


def test_the_solved_summary_states_the_answer_first(two):
    """The hand case's recommendation is its cheapest end: every point lies on or above the chord, so
    the frontier has no knee, and the first row says so rather than calling point 1 one."""
    items = summary_items(two)
    assert items[0] == ("answer", "recommended: point 1 of 5 (5 efficient plans), the cheapest plan: the frontier has "
                                  "no knee (no efficient point lies below the straight line between its ends, so "
                                  "each further step buys risk reduction at a steady or growing rate); the "
                                  "changes sheet gives what each step buys")
    got = dict(items)
    assert got["expected_cost"] == "150 USD: the cheapest plan itself (point 1)"
    assert got["risk"] == ("on average over the scenarios (weighted by probability) 50.0 % of demand goes "
                           "unmet")
    assert got["buys"] == "X: O_CN (ChinaCo, CN) 100%" and got["backups"] == "no backups"


# ----------------------------------------------------------------- cost breakdown, stockpile

def test_cost_breakdown_by_component_sums_to_expected_cost(every_cost, two):
    _, report = every_cost
    row = report.frontier.iloc[0]
    want = {"cost_contracts": 20, "cost_qualification": 5, "cost_builds": 30, "cost_purchases": 300,
            "cost_take_or_pay_excess": 150, "cost_processing": 40, "cost_transport": 20, "cost_holding": 2.5,
            "cost_shortfall_penalties": 0, "cost_end_stock": 0}
    assert list(want) == COST_COLUMNS
    assert {c: row[c] for c in COST_COLUMNS} == pytest.approx(want, abs=1e-6)
    assert row["expected_cost"] == pytest.approx(567.5, abs=1e-6)
    for r in two.frontier.itertuples():  # and on every point of the two-scenario frontier
        assert sum(getattr(r, c) for c in COST_COLUMNS) == pytest.approx(r.expected_cost, abs=1e-6)
    p2 = two.frontier.iloc[1]  # contract 10; A buys 10 x 10, B 2.5 x 25 and misses 7.5 x 20, each p = 0.5
    assert (p2["cost_contracts"], p2["cost_purchases"], p2["cost_shortfall_penalties"]) == pytest.approx((10, 81.25, 75))


def test_stockpile_valued_at_what_it_costs_to_buy_or_make(every_cost, tmp_path):
    """Y is never bought: it is worth what making it costs (2 + 1 x 15 = 17), not its shortfall
    penalty (100); no event, so the stockpile is the initial 5 Y: 85."""
    case, report = every_cost
    assert unit_values(case) == {"X": 15.0, "Y": 17.0}
    assert report.frontier.iloc[0]["stockpile_value"] == pytest.approx(85.0)
    held = report.held.iloc[0]
    assert (held["site"], held["material"], held["level"], held["value"]) == ("PLANT", "Y", 5.0, 85.0)
    assert dict(summary_items(report))["holds"].startswith("at the start (the initial stock")
    rows = every_cost_rows()
    rows["offers"].append({"offer": "O_Y", "site": "SUP_AU", "material": "Y", "price": 12})
    assert unit_values(case_from(rows, tmp_path))["Y"] == 12.0  # bought for less than it costs to make


# ---------------------------------------------------------------------- changes and backups

def test_changes_sheet_on_the_hand_frontier(two):
    """Points (150, 0.5), (166.25, 0.375), (172.5, 0.25), (178.75, 0.125), (185, 0): the first step
    contracts Australia (fixed cost 10 plus 2.5 x 2.5 bought in B) for 0.125 less shortfall; the
    next steps only buy more in B, 6.25 for each 0.125."""
    ch = changes_table(two)
    assert list(ch.columns) == CHANGES_COLUMNS
    assert ch[["from_point", "to_point"]].values.tolist() == [[1, 2], [2, 3], [3, 4], [4, 5]]
    assert ch["extra_expected_cost"].tolist() == pytest.approx([16.25, 6.25, 6.25, 6.25], abs=1e-6)
    assert ch["risk_reduction"].tolist() == pytest.approx([0.125] * 4, abs=1e-9)
    assert ch["risk_reduction_per_cost"].tolist() == pytest.approx([0.125 / 16.25] + [0.02] * 3, rel=1e-6)
    assert ch["contracts_added"].tolist() == ["O_AU", "", "", ""]
    assert ch["contracts_dropped"].tolist() == ["", "", "", ""]
    assert ch.loc[1, "risk_bought"] == ("2 percentage points less expected_shortfall per 1 USD more expected "
                                        "cost (expected_shortfall 37.5 % -> 25.0 %)")
    assert ch["origin_mix_change"].tolist() == [""] * 4  # the nominal scenario A buys from China throughout


def test_backups_reported_as_backups(two, tmp_path):
    """At point 2 Australia is contracted but scenario A buys only from China: a backup, used in B."""
    sup = two.tables["suppliers"].set_index(["point", "offer"])
    assert sup.loc[(2, "O_AU"), "role"] == "backup: used in scenario B"
    assert sup.loc[(2, "O_CN"), "role"] == "supplies the nominal scenario"
    assert sup.loc[(1, "O_AU"), "role"] == ""
    text = describe_plan(2, two.tables, two.frontier, "USD")
    assert "Backups: O_AU (AusCo, X, free), used in scenario B." in text
    assert "O_AU (AusCo, X, free, 0%" not in text
    # a contract no scenario uses (two suppliers required, one scenario): not used in any scenario
    rows = base_rows()
    rows["offers"][1]["fixed_cost"] = 1
    rows["policies"] = [{"policy": "min_suppliers", "material": "X", "value": 2}]
    case = case_from(rows, tmp_path)
    report = build_report(solve_single(case, None, None, SolveOptions(60, 0.0, workers=1)))
    sup = report.tables["suppliers"].set_index("offer")
    assert sup.loc["O_AU", "role"] == "backup: not used in any scenario"
    assert dict(summary_items(report))["backups"] == "O_AU (AusCo, X, free): not used in any scenario"


# -------------------------------------------------------------------- workbook: charts, notes

def _chart_parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: re.sub(r"<(/?)c:", r"<\1", z.read(n).decode()).replace("'", "")
                for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)}


def test_plan_charts_reference_their_data_with_one_colour_per_group(two_written, every_cost, tmp_path):
    wb = load_workbook(two_written)
    assert wb.sheetnames[:5] == ["summary", "frontier", "changes", "plan_charts", "mix"]
    ws = wb["plan_charts"]
    charts = _chart_parts(two_written)
    supply = [x for x in charts.values() if "Supply by origin group" in x]
    assert len(supply) == 2  # nominal (A) and worst (B)
    header_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "period")
    heads = [c.value for c in ws[header_row]]
    assert heads[:4] == ["period", "CN", "unmet", None]  # the groups that deliver anything, then unmet
    colours = {}
    for xml in supply:
        for ser in re.findall(r"<ser>.*?</ser>", xml, flags=re.S):
            name = re.search(r"<tx><strRef><f>plan_charts!\$?([A-Z]+)\$?(\d+)</f>", ser)
            assert name and int(name.group(2)) == header_row
            title = ws[f"{name.group(1)}{header_row}"].value
            colours[title] = re.search(r'srgbClr val="([0-9A-F]{6})"', ser).group(1)
            col, first = name.group(1), header_row + 1  # one period: one cell
            assert re.search(rf"<val><numRef><f>plan_charts!\${col}\${first}(:\${col}\${first})?</f>", ser)
    assert colours == {"CN": "C0392B", "unmet": "595959"}  # CN the most controlled: red; unmet grey
    mix = next(x for x in charts.values() if "Origin mix" in x)
    assert 'srgbClr val="C0392B"' in mix  # the same red for CN in the mix chart
    # the stock chart, on a plan that holds stock
    _, report = every_cost
    path = write_results(report, tmp_path / "stock.xlsx")
    stock = [x for x in _chart_parts(path).values() if "<lineChart>" in x]
    assert len(stock) == 1 and "Stock held, nominal scenario" in stock[0]
    ws = load_workbook(path)["plan_charts"]
    header_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "period")
    assert ws.cell(row=header_row, column=2).value == "Y at PLANT"
    assert [ws.cell(row=header_row + k, column=2).value for k in (1, 2, 3)] == [5.0, 0.0, 5.0]  # periods 0, 1, 2
    assert f"plan_charts!$B${header_row + 1}:$B${header_row + 3}" in stock[0]


def test_every_result_column_has_a_note(two_written):
    wb = load_workbook(two_written)
    ctx = context("expected_shortfall", "USD", "month")
    for ws in wb.worksheets:
        if ws.title == "plan_charts":
            header_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "period")
        else:
            header_row = 1
        for cell in ws[header_row]:
            if cell.value is None:
                continue
            assert cell.comment is not None and "Unit:" in cell.comment.text, (ws.title, cell.value)
            if ws.title not in ("plan_charts", "mix"):
                assert cell.comment.text == note_for(cell.value, ws.title, ctx), (ws.title, cell.value)
    items = wb["summary"]
    for row in items.iter_rows(min_row=2, max_col=1):
        assert row[0].comment is not None and row[0].comment.text == item_note(row[0].value, ctx), row[0].value
    # the one table covers every column the tool writes
    for col in FRONTIER_COLUMNS + COST_COLUMNS + CHANGES_COLUMNS + EQUAL_RISK_COLUMNS:
        assert col in COLUMN_NOTES, col


def _pages(pdf: Path) -> list[str]:
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                          text=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-f", str(k), "-l", str(k), str(pdf), "-"], capture_output=True,
                           text=True).stdout for k in range(1, n + 1)]


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice (soffice) or poppler-utils (pdfinfo) is not installed: cannot count "
                           "the printed pages")
def test_printed_the_summary_and_the_frontier_take_one_page_each_and_tables_none(two_written, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(two_written)], check=True, timeout=180, capture_output=True)
    pages = _pages(tmp_path / (two_written.stem + ".pdf"))
    # summary, frontier, changes, plan charts: one page each; suppliers, routes, ..., run_info: none
    assert len(pages) == 4, [p[:80] for p in pages]
    assert "recommended: point 1 of 5" in pages[0] and "risk_measure" in pages[0]  # answer and provenance
    assert "expected_cost" in pages[1] and "Expected cost against risk" in pages[1]
    assert "from_point" in pages[2]
    assert "Supply by origin group" in pages[3]
    assert not any("arrival_period" in p or "days_of_cover" in p or "qualification_started" in p for p in pages)


# ------------------------------------------------------------------------------------ compare

@pytest.fixture(scope="module")
def compared(tmp_module):
    """Two frontiers of the hand case; B's Australian contract costs 20 instead of 10, so at every
    risk where it contracts B costs 10 more: (150, 0.5) for both, then B (176.25, 0.375), (182.5,
    0.25), (188.75, 0.125), (195, 0)."""
    a, b = tmp_module / "cmp_a.xlsx", tmp_module / "cmp_b.xlsx"
    case_a = write_rows(two_scenario_rows(), tmp_module / "ca.xlsx")
    case_b = write_rows(two_scenario_rows(au_fixed=20), tmp_module / "cb.xlsx")
    for case, out in ((case_a, a), (case_b, b)):
        assert run("frontier", case, "--points", 5, "--out", out, "--quiet", "--workers", 1).exit_code == 0
    return a, b


def test_compare_costs_at_equal_risk(compared, tmp_path):
    a, b = compared
    out = tmp_path / "both.xlsx"
    res = run("compare", a, b, "--labels", "A,B", "--out", out, "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    rows = doc["cost_at_equal_risk"]
    assert [r["risk_at"] for r in rows] == pytest.approx([0, 0.125, 0.25, 0.375, 0.5])
    assert [r["cost_difference"] for r in rows] == pytest.approx([10, 10, 10, 10, 0], abs=1e-6)
    assert doc["warnings"] == []
    wb = load_workbook(out)
    assert wb.sheetnames == ["summary", "frontier", "frontiers", "compared_files", "cost_at_equal_risk", "run_info"]
    for ws in wb.worksheets:  # no empty sheets
        assert ws.max_row > 1, ws.title
    summary = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert list(summary)[0] == "answer"
    assert summary["answer"].endswith("At equal risk: B costs 8 USD more than A on average at equal risk (+0 to "
                                      "+10 USD) over the risk range both cover, 0 % to 50.0 %")
    assert summary["answer"].startswith("B against A: min cost ")
    assert "piecewise-linearly in risk" in summary["cost_at_equal_risk_method"]


def test_compare_of_equal_costs_says_the_same():
    import pandas as pd
    from model.results.compare import cost_at_equal_risk
    fr = pd.DataFrame({"point": [1, 2], "expected_cost": [100.0, 150.0], "risk": [0.5, 0.0], "efficient": ["yes", "yes"]})
    _, lines, _ = cost_at_equal_risk({"A": fr, "B": fr.copy()}, "USD", "expected_shortfall")
    assert lines == ["B costs the same as A at equal risk over the risk range both cover, 0 % to 50.0 %"]


def test_compare_refuses_the_same_file_twice_and_other_measures(compared, tmp_path):
    a, _ = compared
    res = run("compare", a, a, "--out", tmp_path / "c.xlsx", "--quiet")
    assert res.exit_code == 1 and "is given twice" in res.output
    copy = tmp_path / "copy.xlsx"
    shutil.copy(a, copy)
    res = run("compare", a, copy, "--out", tmp_path / "c.xlsx", "--quiet")
    assert res.exit_code == 1 and "are the same workbook (identical content)" in res.output
    other = tmp_path / "cvar.xlsx"
    case = write_rows(two_scenario_rows("cvar_shortfall"), tmp_path / "cvar_case.xlsx")
    assert run("frontier", case, "--points", 2, "--out", other, "--quiet", "--workers", 1).exit_code == 0
    res = run("compare", a, other, "--out", tmp_path / "c.xlsx", "--quiet")
    assert res.exit_code == 1
    assert "measure risk differently" in res.output and "expected_shortfall" in res.output
    assert not (tmp_path / "c.xlsx").exists()


def test_compare_warns_on_different_cases_and_says_which(compared, tmp_path):
    a, _ = compared
    rows = two_scenario_rows()
    rows["settings"]["case_name"] = "another"
    other = tmp_path / "another.xlsx"
    assert run("frontier", write_rows(rows, tmp_path / "an.xlsx"), "--points", 2, "--out", other, "--quiet",
               "--workers", 1).exit_code == 0
    res = run("compare", a, other, "--labels", "A,X", "--out", tmp_path / "c.xlsx", "--json", "--quiet")
    assert res.exit_code == 0, res.output
    warnings = json.loads(res.stdout)["warnings"]
    assert len(warnings) == 1 and "different cases" in warnings[0]
    assert "A (" in warnings[0] and "case 'tiny'" in warnings[0] and "case 'another'" in warnings[0]


# --------------------------------------------------------------------------- CLI: small items

def test_template_refuses_a_name_that_is_not_xlsx(tmp_path):
    res = run("template", tmp_path / "x.csv")
    assert res.exit_code == 1
    assert "expected a file name ending in .xlsx" in res.output
    assert not (tmp_path / "x.csv").exists()


def test_quiet_keeps_highs_warnings_off_both_streams(tmp_path):
    """With the exposure measure HiGHS printed a changeCoeff warning to file descriptor 1 (the
    hand-over now keeps HiGHS's direct prints off our output); --quiet keeps everything off
    standard output and standard error."""
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    cmd = [sys.executable, "-m", "model", "frontier", str(case), "--risk-measure", "exposure", "--points", "3"]
    loud = subprocess.run(cmd + ["--out", str(tmp_path / "a.xlsx")], capture_output=True, text=True, timeout=300)
    assert loud.returncode == 0 and "changeCoeff" not in loud.stdout + loud.stderr
    quiet = subprocess.run(cmd + ["--out", str(tmp_path / "b.xlsx"), "--quiet"], capture_output=True, text=True,
                           timeout=300)
    assert quiet.returncode == 0 and (quiet.stdout, quiet.stderr) == ("", "")


def test_quiet_silences_fd_1_in_spawned_worker_processes(tmp_path):
    """Worker processes inherit descriptor 1 as the CLI set it: what HiGHS prints there in a worker
    reaches neither stream with --quiet, and standard error (not the JSON) without it."""
    script = tmp_path / "w.py"
    script.write_text(
        "import os, sys, multiprocessing\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "def job():\n"
        "    os.write(1, b'WORKER-FD1\\n')\n"
        "    return 1\n"
        "if __name__ == '__main__':\n"
        "    from model.cli import _stdout_kept_for_json\n"
        "    with _stdout_kept_for_json(quiet=sys.argv[1] == 'quiet'):\n"
        "        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn')) as ex:\n"
        "            assert ex.submit(job).result() == 1\n"
        "        os.write(1, b'PARENT-FD1\\n')\n"
        "        print('{\"ok\": true}')\n")
    quiet = subprocess.run([sys.executable, str(script), "quiet"], capture_output=True, text=True, timeout=120,
                           cwd=ROOT)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == '{"ok": true}\n' and quiet.stderr == ""
    loud = subprocess.run([sys.executable, str(script), "json"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert loud.stdout == '{"ok": true}\n' and "WORKER-FD1" in loud.stderr and "PARENT-FD1" in loud.stderr


def test_ban_help_gives_the_owner_syntax():
    cmd = typer.main.get_command(app).commands["whatif"]
    ban = next(p for p in cmd.params if "--ban" in p.opts)
    assert "[@OWNER[,OWNER]][!]" in ban.help and "extraterritorial" in ban.help


def test_readme_options_agree_with_the_cli():
    """Each verb's row of the README's options table lists exactly the options of its --help."""
    readme = (ROOT / "README.md").read_text()
    table = {m.group(1): set(re.findall(r"`(--[a-z-]+)`", m.group(2)))
             for m in re.finditer(r"^\| `([a-z]+)` \| (.*) \|$", readme, flags=re.M)}
    commands = typer.main.get_command(app).commands
    assert set(table) == set(commands)
    for name, cmd in commands.items():
        options = {o for p in cmd.params for o in p.opts if o.startswith("--")}
        assert table[name] == options, name


def test_whatif_sheets_have_notes_too(tmp_path):
    """The what-if workbook's own sheets (baseline frontier, cost of keeping, plan changes) and the
    overlay table: a note on every header cell."""
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    out = tmp_path / "w.xlsx"
    res = run("whatif", case, "--ban", "BAN", "--points", 3, "--out", out, "--quiet", "--workers", 1)
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert {"baseline_frontier", "cost_of_keeping", "plan_changes", "frontiers"} <= set(wb.sheetnames)
    for name in ("frontier", "frontiers", "baseline_frontier", "cost_of_keeping", "plan_changes"):
        for cell in wb[name][1]:
            if cell.value is not None:
                assert cell.comment is not None and "Unit:" in cell.comment.text, (name, cell.value)


def test_stress_and_value_sheets_have_notes_and_axis_titles_too(tmp_path):
    """The stress ranking, its chart's data sheet and the value sheet's three tables: a note on
    every header cell; both bar charts carry a title on each axis."""
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    stress, value = tmp_path / "s.xlsx", tmp_path / "v.xlsx"
    assert run("stress", case, "--out", stress, "--quiet", "--workers", 1).exit_code == 0
    assert run("value", case, "--out", value, "--quiet", "--workers", 1).exit_code == 0
    sw, vw = load_workbook(stress), load_workbook(value)
    for ws in (sw["stress_ranking"], sw["stress_chart"]):
        for cell in ws[1]:
            if cell.value is not None:
                assert cell.comment is not None and "Unit:" in cell.comment.text, (ws.title, cell.value)
    ws = vw["value"]
    tops = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value in ("item", "rank", "scenario")]
    assert len(tops) == 3
    for r in tops:
        for cell in ws[r]:
            if cell.value is not None:
                assert cell.comment is not None and "Unit:" in cell.comment.text, (r, cell.value)
    assert ws.freeze_panes == "A2"
    for chart in sw["stress_ranking"]._charts + ws._charts:
        assert chart.x_axis.title is not None and chart.y_axis.title is not None, chart.title


def test_every_step_of_the_changes_sheet_reads_in_one_unit_of_money():
    """Steps of 2,000 and 3,000,000 USD: both rates per 1 M USD (the median step's unit), so a
    planner compares them at a glance (each was in its own unit: per 1,000 and per 1 M)."""
    fr = _report().frontier.assign(expected_cost=[1_000_000.0, 1_002_000.0, 4_002_000.0],
                                   cost_bound=[1_000_000.0, 1_002_000.0, 4_002_000.0])
    ch = changes_table(_report(frontier=fr))
    assert ch["risk_bought"].str.contains(" per 1 M USD more expected cost").tolist() == [True, True]
    assert ch.loc[0, "risk_bought"].startswith("6,850 percentage points less")  # 13.7 points for 2,000 USD
    assert ch.loc[1, "risk_bought"].startswith("0.633 percentage points less")  # 1.9 points for 3 M USD
    # a step unreadable in the table's unit reads in its own: 5 points for 30 M among 500 USD steps
    assert risk_bought_words("cvar_shortfall", 0.05, 30e6, "USD", 500).startswith("0.167 percentage points less "
                                                                                 "cvar_shortfall per 1 M USD")
    assert risk_bought_words("cvar_shortfall", 5e-9, 1.0, "USD").startswith("0.0000005 percentage points")


def test_a_step_inside_the_solvers_gap_says_its_cost_is_not_proven():
    """Points 1 and 2 overlap ([999,000, 1,000,000] and a bound of 990,000 under point 2's cost):
    the step between them is within the gap; 2 -> 3 is resolved."""
    fr = _report().frontier.assign(cost_bound=[999_000.0, 990_000.0, 1_399_000.0])
    ch = changes_table(_report(frontier=fr))
    assert ch["risk_bought"].str.endswith("within the solver's gap: the extra cost is not proven").tolist() == [True,
                                                                                                               False]
    assert ch.loc[0, "contracts_dropped"] == "" and ch.loc[1, "contracts_dropped"] == "AU_OX, CN_OX, US_OX"
