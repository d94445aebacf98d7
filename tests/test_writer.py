"""The results workbook writer: sheet order, frozen bold headers, number formats, charts that
reference the workbook's own cells, clean cells, a real round trip, overlays, the PNG, and a
spreadsheet program that opens the file; first on a hand-built report (no optimiser), then on a
frontier solved by hand (the two-scenario case of test_frontier)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from model.results.answers import RunKind
from model.results.report import FRONTIER_COLUMNS, Report
from model.results.excel import (TOOL_MARK, is_results_workbook, number_format, read_frontier, sheet_name,
                                 write_plot, write_results)
from model.results.mix import origin_mix
from model.results.report import build_report
from model.solving.frontier import run_frontier
from model.solving.staged import SolveOptions
from support.filechecks import pdf_pages, pdf_text, png_colours, png_size
from support.smallcases import case_from
from test_frontier import EXPECTED, two_scenario_rows

TABLES = ["suppliers", "processes", "routes", "stockpile", "shortfall", "scenarios"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _frontier() -> pd.DataFrame:
    rows = [
        # point, kind, risk_limit, cost, risk, (cvar_shortfall, cvar_cost, expected_shortfall, worst, exposure)
        (1, "min_cost", 0.40, 1_000_000.0, 0.40, 0.40, 1_500_000.0, 0.05, 0.6, 0.9),
        (2, "interior", 0.30, 1_050_000.5, 0.25, 0.25, 1_400_000.0, 0.03, 0.4, 0.7),
        (3, "interior", 0.20, 1_300_000.0, 0.26, 0.26, 1_450_000.0, 0.031, 0.41, 0.6),  # dominated by 2
        (4, "min_risk", 0.10, 1_400_000.25, 0.1 / 3, 0.1 / 3, 1_420_000.0, 0.002, 0.05, 0.2),
    ]
    df = pd.DataFrame([{"point": p, "kind": k, "risk_limit": rl, "expected_cost": c, "risk": r,
                        "cvar_shortfall": a, "cvar_cost": b, "expected_shortfall": e, "worst_shortfall": w,
                        "exposure": x} for p, k, rl, c, r, a, b, e, w, x in rows])
    df["mip_gap"] = [0.001, 0.0, float("nan"), 0.004]
    df["cost_bound"] = [999_000.0, 1_049_000.0, 1_290_000.0, 1_394_600.0]
    df["solve_seconds"] = [1.25, 0.5, 0.75, 2.0]
    df["status"] = ["optimal", "optimal", "optimal; time_limit", "optimal"]
    df["efficient"] = ["yes", "yes", "no", "yes"]
    df["note"] = ["", None, "dominated by point 2", float("nan")]
    df["suppliers"] = [2, 3, 3, 4]
    df["stockpile_value"] = [0.0, 125_000.0, 125_000.0, 400_000.0]
    df["contracted_offers"] = ["CN_OX", "CN_OX, AU_OX", "CN_OX, AU_OX", "AU_OX, US_MAG"]
    df["built_processes"] = [None, None, "", "US_SEP"]
    df["storage_taken"] = [None, None, None, "US_BAY"]
    df["substitutes_qualified"] = [None, "HT>LOWDY", "HT>LOWDY", "HT>LOWDY"]
    return df[FRONTIER_COLUMNS]


def _tables() -> dict[str, pd.DataFrame]:
    sup = []
    mix = {1: {"CN_OX": 100.0, "AU_OX": 0.0}, 2: {"CN_OX": 60.0, "AU_OX": 40.0},
           3: {"CN_OX": 50.0, "AU_OX": 50.0}, 4: {"CN_OX": 0.0, "AU_OX": 70.0, "US_MAG": 30.0}}
    info = {"CN_OX": ("CN_BAOTOU", "China Northern", "CN", "CN"), "AU_OX": ("AU_MT", "Lynas", "AU", "free"),
            "US_MAG": ("US_TX", "Noveon", "US", "free")}
    for point, offers in mix.items():
        for offer, vol in offers.items():
            site, owner, country, group = info[offer]
            sup.append({"point": point, "offer": offer, "site": site, "owner": owner, "material": "NdPr_oxide",
                        "origin_country": country, "origin_group": group, "spot": "no",
                        "contracted": "yes" if vol > 0 else "no", "qualified": "yes",
                        "qualification_started": "no", "volume": vol, "expected_volume": vol * 0.9,
                        "share": vol / 100.0, "price": 60_000.0})
    processes = pd.DataFrame({"point": [1, 4], "process": ["US_SEP", "US_SEP"], "site": ["US_TX"] * 2,
                              "output": ["NdPr_oxide"] * 2, "exists": ["no", "no"], "built": ["no", "yes"],
                              "technology": [None, None], "technology_origin": ["US", "US"]})
    routes = pd.DataFrame({"point": [1, 1, 4], "scenario": ["base", "ban", "base"],
                           "kind": ["purchase", "shipment", "shipment"], "route": ["CN_OX", "CN>US", "AU>US"],
                           "from": ["CN", "CN_BAOTOU", "AU_MT"], "to": ["CN_BAOTOU", "US_OWN", "US_OWN"],
                           "material": ["NdPr_oxide"] * 3, "origin_group": ["CN", "CN", "free"],
                           "period": [1, 2, 3], "arrival_period": [2, 4, 5], "quantity": [10.5, 10.5, 7.25],
                           "nominal": ["yes", "no", "yes"]})
    stockpile = pd.DataFrame({"point": [1, 1, 4], "site": ["US_OWN"] * 3, "material": ["NdPr_oxide"] * 3,
                              "period": [1, 2, 1], "level": [5.0, 4.0, 20.0],
                              "days_of_cover": [15.2, 12.1, float("inf")]})
    shortfall = pd.DataFrame({"point": [1], "scenario": ["ban"], "demand": ["US_OWN/NdPr_oxide/r1"],
                              "site": ["US_OWN"], "material": ["NdPr_oxide"], "period": [3],
                              "demand_quantity": [10.0], "delivered": [6.0], "unmet": [4.0],
                              "max_origin_group": [None]})
    scenarios = pd.DataFrame({"point": [1, 1, 4, 4], "scenario": ["base", "ban"] * 2,
                              "probability": [0.7, 0.3] * 2, "cost": [900_000.0, 1_300_000.0, 1_390_000.0, 1_420_000.0],
                              "unmet_units": [0.0, 4.0, 0.0, 0.0], "unmet_share": [0.0, 0.4, 0.0, 0.0],
                              "nominal": ["yes", "no", "yes", "no"]})
    return {"suppliers": pd.DataFrame(sup), "processes": processes, "routes": routes, "stockpile": stockpile,
            "shortfall": shortfall, "scenarios": scenarios}


def make_report(**kw) -> Report:
    base = dict(case_name="Synthetic magnets", risk_measure="cvar_shortfall", currency="USD",
                frontier=_frontier(), tables=_tables(), knee_point=2,
                knee_text="Point 2: expected cost 1,050,001 USD, risk 0.25. Buys from CN_OX (60%) and AU_OX (40%). "
                          "Strategic stockpile worth 125,000 USD. " + "Main lanes (nominal): AU>US 7. " * 8,
                summary={"status": "optimal"},
                run_info={"input_file": "inputs/synthetic.xlsx", "input_sha256": "ab" * 32, "tool_version": "0.1.0",
                          "highs_version": "1.16.0", "pyomo_version": "6.10.1", "build_s": 0.123,
                          "toggles_applied": "none", "options": {"mip_gap": 0.005}, "tool": "spoofed"})
    base.update(kw)
    return Report(**base)


SUMMARY = {"case": "Synthetic magnets", "verb": "frontier", "date": datetime(2026, 11, 23, 12, 30),
           "input_file": "inputs/synthetic.xlsx", "toggles_applied": "none", "status": "optimal",
           "min_expected_cost": 1_000_000.0}
EXTRA = {"stress: ranking/top": pd.DataFrame({"rank": [1, 2], "rules": ["R1", "R2"],
                                              "added_expected_cost": [5000.0, None],
                                              "first_shortfall_period": pd.array([3, None], dtype="Int64")}),
         "plan_changes": pd.DataFrame({"point": [1], "suppliers_added": ["AU_OX"]})}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("writer") / "results.xlsx"
    out = write_results(make_report(), path, summary=SUMMARY, extra_sheets=EXTRA)
    assert out == path
    return path


@pytest.fixture(scope="module")
def overlaid(tmp_path_factory):
    path = tmp_path_factory.mktemp("writer_overlay") / "whatif.xlsx"
    base = _frontier()
    toggled = base.assign(expected_cost=base["expected_cost"] * 1.1, risk=base["risk"] * 0.9)
    overlay = {"baseline": base[["point", "expected_cost", "risk", "efficient"]], "toggled": toggled}
    write_results(make_report(frontier=toggled), path, summary=SUMMARY, overlay=overlay,
                  extra_sheets={"baseline_frontier": base})
    return path


def _charts(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n).group()))
        # with or without the c: prefix, quotes around sheet names dropped
        return [re.sub(r"<(/?)c:", r"<\1", z.read(n).decode()).replace("'", "") for n in names]


def test_sheets_in_order(written):
    wb = load_workbook(written)
    assert wb.sheetnames == ["summary", "frontier", "changes", "mix", *TABLES, "stress_ ranking_top",
                             "plan_changes", "run_info"]


def test_headers_bold_and_frozen_on_every_sheet(written):
    wb = load_workbook(written)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].value is not None and ws["A1"].font.b, ws.title
    assert [c.value for c in wb["routes"][1]] == list(_tables()["routes"].columns)


def test_summary_rows(written):
    wb = load_workbook(written)
    items = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert isinstance(items["date"], datetime) and items["date"] == datetime(2026, 11, 23, 12, 30)
    assert wb["summary"].cell(row=[r[0] for r in wb["summary"].iter_rows(values_only=True)].index("date") + 1,
                              column=2).is_date
    assert items["case"] == "Synthetic magnets"
    assert items["input_sha256"] == "ab" * 32
    assert items["highs_version"] == "1.16.0" and items["tool_version"] == "0.1.0"
    assert items["points"] == 4 and items["efficient_points"] == 3
    assert items["min_risk"] == pytest.approx(0.1 / 3)
    assert items["knee_point"] == 2 and items["knee_plan"].startswith("Point 2:")
    keys = [r[0] for r in wb["summary"].iter_rows(min_row=2, values_only=True)]
    # the answer first, the warnings, then provenance; the plan in words last
    assert keys[:2] == ["answer", "knee_point"] and keys[-1] == "knee_plan"
    assert keys.index("warnings") < keys.index("case") < keys.index("verb") < keys.index("date")


def test_run_info_marks_the_tool_first(written):
    wb = load_workbook(written)
    rows = list(wb["run_info"].iter_rows(values_only=True))
    assert rows[0] == ("item", "value") and rows[1] == ("tool", TOOL_MARK)
    assert ("tool", "spoofed") not in rows
    assert dict(rows[1:])["options"] == '{"mip_gap": 0.005}'


def test_number_formats(written):
    wb = load_workbook(written)
    ws = wb["frontier"]
    head = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{head['expected_cost']}2"].number_format == "#,##0"
    assert ws[f"{head['risk']}2"].number_format == "0.00%"  # a share of demand, read in %
    assert ws[f"{head['mip_gap']}2"].number_format == "0.00%"
    assert ws[f"{head['cvar_cost']}2"].number_format == "#,##0"
    routes = wb["routes"]
    rhead = {c.value: c.column_letter for c in routes[1]}
    assert routes[f"{rhead['quantity']}2"].number_format == "#,##0.0"
    assert routes[f"{rhead['period']}2"].number_format == "0"
    assert wb["scenarios"]["C2"].number_format == "0.0000"  # probability
    assert number_format("risk", "cvar_cost") == "#,##0"  # a cost-type risk measure
    # widths fit the content, capped
    for ws in wb.worksheets:
        for dim in ws.column_dimensions.values():
            assert dim.width is None or dim.width <= 100
    assert ws_width(wb["frontier"], head["contracted_offers"]) >= len("CN_OX, AU_OX")


def ws_width(ws, letter):
    return ws.column_dimensions[letter].width


def test_missing_values_are_empty_cells_never_text(written):
    wb = load_workbook(written)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v.strip() in ("nan", "NaN", "None", "NaT", "<NA>", "inf")), ws.title
                assert not (isinstance(v, float) and not math.isfinite(v)), ws.title
    ws = wb["frontier"]
    head = {c.value: c.column for c in ws[1]}
    assert ws.cell(row=2, column=head["note"]).value is None  # ''
    assert ws.cell(row=3, column=head["note"]).value is None  # None
    assert ws.cell(row=4, column=head["mip_gap"]).value is None  # NaN
    assert wb["stockpile"]["F4"].value is None  # inf days of cover
    assert wb["stress_ ranking_top"]["D3"].value is None  # pd.NA in an Int64 column


def test_every_sheet_part_is_well_formed_xml(written):
    with zipfile.ZipFile(written) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                ET.fromstring(z.read(name))


def test_frontier_chart_references_the_frontier_cells(written):
    charts = _charts(written)
    assert len(charts) == 2
    xml = charts[0]
    assert "<scatterChart>" in xml
    # risk is column E, expected_cost column D, four points in rows 2..5
    assert "<xVal><numRef><f>frontier!$E$2:$E$5</f>" in xml
    assert "<yVal><numRef><f>frontier!$D$2:$D$5</f>" in xml
    assert "risk: cvar_shortfall (% of demand unmet)" in xml and "expected cost (USD)" in xml
    assert re.search(r"<f>frontier!\$E\$3(:\$E\$3)?</f>", xml)  # the knee point (point 2, row 3), own series
    assert xml.count("<ser>") == 2
    assert re.search(r'<dPt><idx val="2"\s*/>', xml)  # point 3 (not efficient) drawn hollow


def test_origin_mix_chart_references_the_mix_sheet(written):
    xml = _charts(written)[1]
    assert "<barChart>" in xml and re.search(r'<grouping val="stacked"\s*/>', xml)
    assert "mix!$B$2:$B$5" in xml and "mix!$C$2:$C$5" in xml and "mix!$A$2:$A$5" in xml
    wb = load_workbook(written)
    rows = list(wb["mix"].iter_rows(values_only=True))
    assert rows[0] == ("point", "CN", "free", "total_volume")
    assert rows[1] == (1, 1.0, 0.0, 100.0)
    assert rows[4] == (4, 0.0, 1.0, 100.0)
    mix = origin_mix(make_report(summary={"origin_groups": "free, covered, CN"}))
    assert list(mix.columns) == ["point", "free", "CN", "total_volume"]


def _first_series_line(path) -> str:
    ser = re.search(r"<ser>.*?</ser>", _charts(path)[0], flags=re.S).group()
    ln = re.search(r"<spPr><a:ln[^>]*>(.*?)</a:ln></spPr><marker>", ser, flags=re.S).group(1)
    return "none" if "<a:noFill" in ln else "line"


def test_points_joined_only_for_a_clean_sweep(written, tmp_path):
    assert _first_series_line(written) == "none"  # point 3 is strictly dominated: markers only
    clean = _frontier().drop(index=2).reset_index(drop=True)
    path = write_results(make_report(frontier=clean), tmp_path / "clean.xlsx")
    assert _first_series_line(path) == "line"
    stress = _frontier().assign(kind=["baseline:min_cost", "baseline:min_risk", "R1:min_cost", "R1:min_risk"])
    path = write_results(make_report(frontier=stress), tmp_path / "stress.xlsx")
    assert _first_series_line(path) == "none"


def test_cost_type_risk_measure_and_text_date(tmp_path):
    path = write_results(make_report(risk_measure="cvar_cost"), tmp_path / "cc.xlsx",
                         summary={"date": "2026-11-23T08:15:00"})
    wb = load_workbook(path)
    ws = wb["frontier"]
    head = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{head['risk']}2"].number_format == "#,##0"
    assert ws[f"{head['cvar_shortfall']}2"].number_format == "0.00%"
    items = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert items["date"] == datetime(2026, 11, 23, 8, 15)
    assert "risk: cvar_cost, tail cost (USD)" in _charts(path)[0]


def test_compare_round_trip_of_read_frontiers(written, tmp_path):
    """compare: frontiers read back from workbooks, overlaid and written again."""
    _, a = read_frontier(written)
    b = a.assign(expected_cost=a["expected_cost"] + 1.0)
    table = pd.concat([a.assign(label="A"), b.assign(label="B")], ignore_index=True)
    report = make_report(frontier=table[["label", *a.columns]], tables={}, knee_point=None, knee_text="",
                         kind=RunKind.COMPARE)
    path = write_results(report, tmp_path / "compare.xlsx", overlay={"A": a, "B": b},
                         extra_sheets={"compared_files": pd.DataFrame({"label": ["A", "B"]})})
    # no decision tables of its own: no empty sheets
    assert load_workbook(path).sheetnames == ["summary", "frontier", "frontiers", "compared_files", "run_info"]
    _, back = read_frontier(path)
    assert back["expected_cost"].tolist() == pytest.approx(table["expected_cost"].tolist(), abs=1e-9)
    assert len(re.findall(r"<ser>", _charts(path)[0])) == 2
    # text columns come back as the "" they were written from, as in every verb's --json, not None
    for col in ("note", "built_processes", "storage_taken", "substitutes_qualified"):
        assert all(isinstance(v, str) for v in back[col]), (col, back[col].tolist())
        assert back[col].tolist() == table[col].tolist(), col


def test_is_results_workbook(written, tmp_path):
    assert is_results_workbook(written)
    plain = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.active.title = "frontier"
    wb.create_sheet("run_info")["A1"] = "tool"
    wb.save(plain)
    assert not is_results_workbook(plain)
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    assert not is_results_workbook(text)
    assert not is_results_workbook(tmp_path / "missing.xlsx")


def test_read_frontier_round_trip(written):
    summary, fr = read_frontier(written)
    want = _frontier()
    assert list(fr.columns) == list(want.columns)
    assert len(fr) == len(want)
    for col in ("point", "risk_limit", "expected_cost", "risk", "cvar_shortfall", "cvar_cost",
                "expected_shortfall", "worst_shortfall", "exposure", "mip_gap", "solve_seconds",
                "suppliers", "stockpile_value"):
        for got, exp in zip(fr[col].tolist(), want[col].tolist()):
            if exp is None or (isinstance(exp, float) and math.isnan(exp)):
                assert got is None or math.isnan(got)
            else:
                assert got == pytest.approx(exp, abs=1e-9, rel=0), col
    assert fr["efficient"].tolist() == ["yes", "yes", "no", "yes"]
    assert fr["status"].tolist() == want["status"].tolist()
    assert summary["case"] == "Synthetic magnets" and summary["knee_point"] == 2
    assert isinstance(summary["date"], datetime)


def test_read_frontier_refuses_other_files(tmp_path):
    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    with pytest.raises(ValueError, match="not a results workbook"):
        read_frontier(plain)
    with pytest.raises(ValueError, match="no such file"):
        read_frontier(tmp_path / "missing.xlsx")


def test_overlay_one_series_per_label_on_its_own_cells(overlaid):
    wb = load_workbook(overlaid)
    assert wb.sheetnames[:5] == ["summary", "frontier", "frontiers", "changes", "mix"]
    assert wb.sheetnames[-2:] == ["baseline_frontier", "run_info"]
    rows = list(wb["frontiers"].iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:5] == ["label", "point", "expected_cost", "risk", "efficient"]
    labels = [r[0] for r in rows[1:]]
    assert labels == ["baseline"] * 4 + ["toggled"] * 4
    xml = _charts(overlaid)[0]
    sers = re.findall(r"<ser>.*?</ser>", xml, flags=re.S)
    assert len(sers) == 2
    assert "<v>baseline</v>" in sers[0] and "<v>toggled</v>" in sers[1]
    assert "<xVal><numRef><f>frontiers!$D$2:$D$5</f>" in sers[0]
    assert "<yVal><numRef><f>frontiers!$C$2:$C$5</f>" in sers[0]
    assert "<xVal><numRef><f>frontiers!$D$6:$D$9</f>" in sers[1]
    assert "<yVal><numRef><f>frontiers!$C$6:$C$9</f>" in sers[1]
    # the ranges hold what each label's table says
    for r in rows[1:5]:
        assert r[2] == pytest.approx(dict(zip(_frontier()["point"], _frontier()["expected_cost"]))[r[1]])


def test_no_point_solved_still_writes_a_workbook(tmp_path):
    fr = _frontier().iloc[:1].copy()
    for col in ("expected_cost", "risk", "cvar_shortfall", "stockpile_value"):
        fr[col] = None
    fr["efficient"] = "no"
    report = make_report(frontier=fr, tables={k: pd.DataFrame() for k in TABLES}, knee_point=None,
                         knee_text="no solution")
    path = write_results(report, tmp_path / "empty.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["summary", "frontier", *TABLES, "run_info"]
    assert wb["routes"]["A1"].value == "point" and wb["routes"].max_row == 1
    assert is_results_workbook(path)
    _, back = read_frontier(path)
    assert len(back) == 1 and back["expected_cost"].isna().all()


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    write_results(make_report(), path)
    assert is_results_workbook(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_sheet_names_are_valid_and_unique():
    assert sheet_name("a[b]:c*d?e/f\\g") == "a_b__c_d_e_f_g"
    assert len(sheet_name("x" * 40)) == 31
    assert sheet_name("Summary", {"summary"}) == "Summary_2"
    assert sheet_name("'quoted'") == "quoted"


def test_png_for_a_report_and_an_overlay(tmp_path):
    png = write_plot(make_report(), tmp_path / "plot.png")
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 5000
    width, height = png_size(png)
    assert width >= 600 and 0.4 * width <= height < width and png_colours(png) > 50
    fr = _frontier()
    png2 = write_plot({"baseline": fr, "toggled": fr.assign(expected_cost=fr["expected_cost"] * 1.1)},
                      tmp_path / "sub" / "overlay.png")
    assert png2.read_bytes()[:8] == PNG_MAGIC
    assert png_size(png2) == png_size(png)
    assert png_colours(png2) > png_colours(png) * 0.5  # two frontiers drawn, not an empty frame
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["overlay.png"]


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: cannot check that a spreadsheet program opens the workbook")
def test_libreoffice_opens_the_workbook(written, tmp_path):
    proc = subprocess.run(["soffice", "--headless", "-env:UserInstallation=file:///tmp/lo_writer_test",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(written)],
                          capture_output=True, text=True, timeout=120)
    pdf = tmp_path / (written.stem + ".pdf")
    assert pdf.exists(), proc.stdout + proc.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo"):  # poppler-utils: what the pages hold, not only that a PDF came out
        pages = pdf_pages(pdf)
        texts = [pdf_text(pdf, k) for k in range(1, pages + 1)]
        assert pages >= 2 and "risk_limit" in texts[1], (pages, texts[:2])
        assert not any("arrival_period" in t for t in texts)  # the routes table does not print by default


def test_axis_bounds_of_a_degenerate_frontier_are_a_band_around_it():
    """Every point at one cost up to solver noise: the axis spans a readable band, not 1e-8."""
    from model.results.excel.charts import _nice_bounds
    lo, hi = _nice_bounds([34263877.376344085, 34263877.37634409], floor_zero=False)
    assert lo < 34263877 * 0.999 and hi > 34263877 * 1.001  # before: 34263877.37 .. 34263877.38
    assert _nice_bounds([219363123.0, 221622694.0], floor_zero=False) == (219000000, 222000000)


# ------------------------------------------------------------------------------------ a solved frontier

@pytest.fixture(scope="module")
def solved_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("excel")
    case = case_from(two_scenario_rows(), tmp)
    return build_report(run_frontier(case, options=SolveOptions(60, 0.0, workers=1)), "abc", "two.xlsx",
                        {"tool_version": "test"})


@pytest.fixture(scope="module")
def solved_written(solved_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "results.xlsx"
    summary = {"case": solved_report.case_name, "date": datetime(2026, 11, 23, 12, 0), "knee_point": solved_report.knee_point}
    write_results(solved_report, path, summary=summary, extra_sheets={"extra: stuff/more": pd.DataFrame({"a": [1.0]})})
    return path


def test_sheets_in_order_with_frozen_headers_on_a_solved_frontier(solved_written):
    wb = load_workbook(solved_written)
    assert wb.sheetnames == ["summary", "frontier", "changes", "plan_charts", "mix", "suppliers", "processes",
                             "routes", "stockpile", "shortfall", "scenarios", "extra_ stuff_more", "run_info"]
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("A2", "B2")
    items = {r[0].value: r[1].value for r in wb["summary"].iter_rows(min_row=2)}
    assert isinstance(items["date"], datetime)


def test_frontier_chart_references_the_frontier_cells_on_a_solved_frontier(solved_written):
    with zipfile.ZipFile(solved_written) as z:
        charts = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 4  # frontier, origin mix, supply in the nominal and the worst scenario
        xml = re.sub(r"<(/?)c:", r"<\1", z.read(charts[0]).decode())  # with or without the c: prefix
    assert "<scatterChart>" in xml
    assert "frontier!$E$2:$E$6" in xml.replace("'", "")  # risk column, 5 points
    assert "frontier!$D$2:$D$6" in xml.replace("'", "")  # expected cost column
    assert "expected cost" in xml and "risk: expected_shortfall (% of demand unmet)" in xml


def test_no_nan_or_none_written_as_text_on_a_solved_frontier(solved_written):
    wb = load_workbook(solved_written)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v.strip().lower() in ("nan", "none", "nat", "inf"))


def test_round_trip_of_the_frontier_on_a_solved_frontier(solved_written, solved_report):
    assert is_results_workbook(solved_written)
    summary, fr = read_frontier(solved_written)
    assert summary["knee_point"] == solved_report.knee_point
    got = fr[["expected_cost", "risk"]].to_numpy().ravel().tolist()
    assert got == pytest.approx([x for pair in EXPECTED for x in pair], abs=1e-9)
    assert list(fr["efficient"]) == list(solved_report.frontier["efficient"])


def test_a_plain_workbook_is_not_a_results_workbook_on_a_solved_frontier(tmp_path):
    path = tmp_path / "plain.xlsx"
    Workbook().save(path)
    assert not is_results_workbook(path)
    with pytest.raises(ValueError):
        read_frontier(path)


def test_overlay_writes_one_series_per_label_on_a_solved_frontier(solved_report, tmp_path):
    path = tmp_path / "overlay.xlsx"
    other = solved_report.frontier.copy()
    other["expected_cost"] += 10
    write_results(solved_report, path, overlay={"A": solved_report.frontier, "B": other})
    with zipfile.ZipFile(path) as z:
        xml = re.sub(r"<(/?)c:", r"<\1", z.read("xl/charts/chart1.xml").decode())
    assert xml.count("<ser>") == 2


def test_png_plot_on_a_solved_frontier(solved_report, tmp_path):
    png = write_plot(solved_report, tmp_path / "f.png")
    width, height = png_size(png)
    assert width >= 600 and 0.4 * width <= height < width  # a landscape chart a slide can take
    assert png_colours(png) > 50  # drawn: axes, points, labels (a blank image has one colour)


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice (soffice) or poppler-utils (pdfinfo) is not installed")
def test_libreoffice_opens_the_workbook_on_a_solved_frontier(solved_written, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(solved_written)], check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "results.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    pages = pdf_pages(pdf)
    texts = [pdf_text(pdf, k) for k in range(1, pages + 1)]
    assert 2 <= pages <= 6, pages  # the summary, the frontier and the charts; not every table
    assert "answer" in texts[0] and "risk_limit" in texts[1]  # summary first, then the frontier
    assert not any("arrival_period" in t for t in texts)  # the routes table does not print by default
