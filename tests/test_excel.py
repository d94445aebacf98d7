"""The results workbook: sheets, charts that reference the frontier's cells, clean cells, a real
round trip, and a spreadsheet program that opens it."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from model.solving.frontier import run_frontier
from model.solving.staged import SolveOptions
from model.results.excel import is_results_workbook, read_frontier, write_plot, write_results
from model.results.report import build_report
from support.filechecks import pdf_pages, pdf_text, png_colours, png_size
from support.smallcases import case_from
from test_frontier import EXPECTED, two_scenario_rows


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("excel")
    case = case_from(two_scenario_rows(), tmp)
    return build_report(run_frontier(case, options=SolveOptions(60, 0.0, workers=1)), "abc", "two.xlsx",
                        {"tool_version": "test"})


@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "results.xlsx"
    summary = {"case": report.case_name, "date": datetime(2026, 11, 23, 12, 0), "knee_point": report.knee_point}
    write_results(report, path, summary=summary, extra_sheets={"extra: stuff/more": pd.DataFrame({"a": [1.0]})})
    return path


def test_sheets_in_order_with_frozen_headers(written):
    wb = load_workbook(written)
    assert wb.sheetnames == ["summary", "frontier", "changes", "plan_charts", "mix", "suppliers", "processes",
                             "routes", "stockpile", "shortfall", "scenarios", "extra_ stuff_more", "run_info"]
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("A2", "B2")
    items = {r[0].value: r[1].value for r in wb["summary"].iter_rows(min_row=2)}
    assert isinstance(items["date"], datetime)


def test_frontier_chart_references_the_frontier_cells(written):
    with zipfile.ZipFile(written) as z:
        charts = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 4  # frontier, origin mix, supply in the nominal and the worst scenario
        xml = re.sub(r"<(/?)c:", r"<\1", z.read(charts[0]).decode())  # with or without the c: prefix
    assert "<scatterChart>" in xml
    assert "frontier!$E$2:$E$6" in xml.replace("'", "")  # risk column, 5 points
    assert "frontier!$D$2:$D$6" in xml.replace("'", "")  # expected cost column
    assert "expected cost" in xml and "risk: expected_shortfall (% of demand unmet)" in xml


def test_no_nan_or_none_written_as_text(written):
    wb = load_workbook(written)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v.strip().lower() in ("nan", "none", "nat", "inf"))


def test_round_trip_of_the_frontier(written, report):
    assert is_results_workbook(written)
    summary, fr = read_frontier(written)
    assert summary["knee_point"] == report.knee_point
    got = fr[["expected_cost", "risk"]].to_numpy().ravel().tolist()
    assert got == pytest.approx([x for pair in EXPECTED for x in pair], abs=1e-9)
    assert list(fr["efficient"]) == list(report.frontier["efficient"])


def test_a_plain_workbook_is_not_a_results_workbook(tmp_path):
    path = tmp_path / "plain.xlsx"
    Workbook().save(path)
    assert not is_results_workbook(path)
    with pytest.raises(ValueError):
        read_frontier(path)


def test_overlay_writes_one_series_per_label(report, tmp_path):
    path = tmp_path / "overlay.xlsx"
    other = report.frontier.copy()
    other["expected_cost"] += 10
    write_results(report, path, overlay={"A": report.frontier, "B": other})
    with zipfile.ZipFile(path) as z:
        xml = re.sub(r"<(/?)c:", r"<\1", z.read("xl/charts/chart1.xml").decode())
    assert xml.count("<ser>") == 2


def test_png_plot(report, tmp_path):
    png = write_plot(report, tmp_path / "f.png")
    width, height = png_size(png)
    assert width >= 600 and 0.4 * width <= height < width  # a landscape chart a slide can take
    assert png_colours(png) > 50  # drawn: axes, points, labels (a blank image has one colour)


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice (soffice) or poppler-utils (pdfinfo) is not installed")
def test_libreoffice_opens_the_workbook(written, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(written)], check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "results.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    pages = pdf_pages(pdf)
    texts = [pdf_text(pdf, k) for k in range(1, pages + 1)]
    assert 2 <= pages <= 6, pages  # the summary, the frontier and the charts; not every table
    assert "answer" in texts[0] and "risk_limit" in texts[1]  # summary first, then the frontier
    assert not any("arrival_period" in t for t in texts)  # the routes table does not print by default
