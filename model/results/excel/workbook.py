"""The results workbook (docs/results.md): write a :class:`Report` to Excel.

Sheets, in order: ``summary`` (item/value rows, the answer first), ``frontier`` (one row per point,
a native scatter chart of expected cost against risk and a stacked column chart of the origin mix
per point), ``frontiers`` (only with an overlay: every overlaid frontier with a ``label`` column),
``changes`` (efficient point to efficient point: what changes and what it buys; when there are two
efficient points or more), ``plan_charts`` (the recommended plan's stock over time and its supply
by origin group in the nominal and the worst scenario, with their data; when there is one),
``mix`` (the chart data of the origin mix: nominal purchase volume share by origin group per
point), ``value`` (only with decision values: headline numbers, a bar chart and the options ranked), the decision tables ``suppliers``, ``processes``, ``routes``, ``stockpile``,
``shortfall``, ``scenarios`` (those the report has: a compare workbook has none), any extra sheets
in the order given (an extra sheet named in ``Report.sheet_charts`` gets its chart, whose
data goes on a helper sheet after the extra sheets, e.g. ``stress_chart``), and ``run_info`` (item/value rows, ``tool`` = ``sourcing`` first: that row is
how :func:`model.results.excel.readback.is_results_workbook` knows the file).

Every header cell carries a note (its meaning and unit, :mod:`.notes`), and every summary item.
Printed or exported to PDF, the summary, the frontier, the changes and the plan's charts take one
page each and the large tables none (:mod:`.printing`). Whether an existing file may be replaced is
the caller's decision.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

from ..changes import changes_table
from ..mix import given_groups, origin_mix
from ..answers import RunKind
from ..report import Report, summary_items
from .cells import _clean, _style_header, _write_items, _write_table, sheet_name
from .charts import (KNEE_COLOUR, SERIES_COLOURS, _anchor_right_of, _efficient_flags, _frontier_chart,
                     _joinable, _marker, _mix_chart, _numbers, _scatter_series,
                     add_time_to_survive_chart, group_colour_map)
from .notes import add_note, annotate_headers, context, item_note
from .plan_sheet import write_plan_charts
from .printing import not_printed, one_page
from .stream import StreamedTable, save_atomically
from .valuesheet import write_value_sheet

TOOL_MARK = "sourcing"
SHEET_CHARTS = {"time_to_survive": add_time_to_survive_chart}  # Report.sheet_charts kinds
TABLE_SHEETS = ("suppliers", "processes", "storage", "substitutes", "routes", "stockpile", "shortfall", "scenarios")
OPTIONAL_TABLE_SHEETS = ("storage", "substitutes")  # written only for a case that has storage options or substitutes


def write_results(report: Report, path: str | os.PathLike, summary: dict | None = None,
                  extra_sheets: dict[str, pd.DataFrame] | None = None,
                  overlay: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the results workbook of ``report`` to ``path`` (atomically) and return the path.

    ``summary``: item -> value rows for the summary sheet (the CLI's case, date, input file and
    hash, versions, toggles, status, headline numbers); they override what the report itself
    gives. ``extra_sheets``: name -> table, written after ``scenarios`` in the order given.
    ``overlay``: label -> frontier table (columns at least point, expected_cost, risk, efficient):
    the frontier chart then shows one series per label, each on its own rows of the ``frontiers``
    sheet, instead of the report's own frontier.
    """
    path = Path(path)
    overlay = report.overlay if overlay is None else overlay
    extra_sheets = report.extra_sheets if extra_sheets is None else extra_sheets
    rm = report.risk_measure or ""
    wb = Workbook()
    taken: set[str] = set()

    def new_sheet(name: str, first: bool = False):
        title = sheet_name(name, taken)
        taken.add(title)
        if first:
            ws = wb.active
            ws.title = title
            return ws
        return wb.create_sheet(title)

    ctx = context(rm, report.currency or "", report.period_unit)
    title = report.case_name or ""

    # summary
    ws_sum = new_sheet("summary", first=True)
    items = summary_items(report, summary, bool(overlay))
    _write_items(ws_sum, items, rm)
    annotate_headers(ws_sum, ["item", "value"], "summary", ctx)
    for i, (key, _) in enumerate(items, start=2):
        add_note(ws_sum.cell(row=i, column=1), item_note(str(key), ctx))
    one_page(ws_sum, 2, 1 + len(items), landscape=False, title=title)

    # frontier table
    ws_fr = new_sheet("frontier")
    frontier = report.frontier if report.frontier is not None else pd.DataFrame()
    last_row, last_col = _write_table(ws_fr, frontier, rm) if len(frontier.columns) else (1, 1)
    if not len(frontier.columns):
        _style_header(ws_fr.cell(row=1, column=1, value="point"))
        ws_fr.freeze_panes = "A2"
    annotate_headers(ws_fr, [str(c) for c in frontier.columns] or ["point"], "frontier", ctx)
    _wrap(ws_fr, frontier, {"note": 45}, last_row)

    # overlay table
    series: list[Series] = []
    xs_all: list[float] = []
    ys_all: list[float] = []
    if overlay:
        frames = []
        for label, df in overlay.items():
            d = df.copy() if df is not None else pd.DataFrame()
            if "label" in d.columns:  # e.g. a compare workbook's frontier, overlaid again
                d = d.rename(columns={"label": "inner_label"})
            d.insert(0, "label", str(label))
            frames.append(d)
        table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        ws_ov = new_sheet("frontiers")
        _, ov_last_col = _write_table(ws_ov, table, rm)
        annotate_headers(ws_ov, [str(c) for c in table.columns], "frontiers", ctx)
        not_printed(ws_ov, ov_last_col)
        cols = list(table.columns)
        if "risk" in cols and "expected_cost" in cols:
            row = 2
            for k, (label, d) in enumerate(zip(overlay, frames)):
                n = len(d)
                if n:
                    colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
                    series.append(_scatter_series(ws_ov, str(label), row, row + n - 1, cols.index("risk") + 1,
                                                  cols.index("expected_cost") + 1, colour, _efficient_flags(d),
                                                  line=_joinable(d.drop(columns="label"))))
                    xs_all += _numbers(d, "risk")
                    ys_all += _numbers(d, "expected_cost")
                row += n
        chart_title = "Expected cost against risk: " + " vs ".join(map(str, overlay))
    else:
        cols = list(frontier.columns)
        if len(frontier) and "risk" in cols and "expected_cost" in cols:
            rc, cc = cols.index("risk") + 1, cols.index("expected_cost") + 1
            series.append(_scatter_series(ws_fr, "points (hollow: not efficient)", 2, last_row, rc, cc,
                                          SERIES_COLOURS[0], _efficient_flags(frontier), line=_joinable(frontier)))
            xs_all, ys_all = _numbers(frontier, "risk"), _numbers(frontier, "expected_cost")
            if report.knee_point is not None and "point" in cols:
                hits = [i for i, p in enumerate(frontier["point"].tolist()) if _clean(p) == report.knee_point]
                if hits:
                    r = 2 + hits[0]
                    knee = Series(Reference(ws_fr, min_col=cc, min_row=r, max_row=r),
                                  Reference(ws_fr, min_col=rc, min_row=r, max_row=r),
                                  title=f"recommended point ({report.knee_point})")
                    knee.marker = _marker("diamond", 13, KNEE_COLOUR)
                    knee.smooth = False  # LibreOffice smooths the whole chart if one series lacks this
                    knee.graphicalProperties = GraphicalProperties()
                    knee.graphicalProperties.line.noFill = True
                    series.append(knee)
        chart_title = "Expected cost against risk"
    if len(chart_title) > 100:
        chart_title = chart_title[:97] + "..."
    if report.kind is RunKind.STRESS:  # one world per disruption: no frontier to chart (stress_ranking has its chart)
        series = []
    chart_row = last_row + 3
    chart_cols = 1
    cols = [str(c) for c in frontier.columns]
    key_cols = cols.index("stockpile_value") + 1 if "stockpile_value" in cols else len(cols)
    # two charts side by side as wide as the printed table (its key columns), 17 to 26 cm each
    table_cm = sum(((ws_fr.column_dimensions[get_column_letter(j)].width or 8.43) * 7 + 5) / 96 * 2.54
                   for j in range(1, key_cols + 1))
    chart_w = max(17.0, min(26.0, table_cm / 2 - 0.6))
    chart_h = round(chart_w * 0.56, 1)
    if series:
        chart = _frontier_chart(series, xs_all, ys_all, rm, report.currency or "", chart_title)
        chart.width, chart.height = chart_w, chart_h
        ws_fr.add_chart(chart, f"A{chart_row}")
        chart_cols = _anchor_right_of(ws_fr, 1, chart_w)

    # origin mix: helper sheet and a stacked column chart beside the frontier chart
    groups_given = given_groups(report, summary)
    mix = origin_mix(report, summary) if report.kind.has_frontier else pd.DataFrame()
    mix_sheet = None
    if not mix.empty:
        groups = [c for c in mix.columns if c not in ("point", "total_volume")]
        ordered = set(groups) <= set(groups_given)
        colours = group_colour_map(groups_given if ordered else [], groups)
        mix_sheet = (mix, colours)
        col = _anchor_right_of(ws_fr, 1, chart_w) if series else 1
        chart_cols = _anchor_right_of(ws_fr, col, chart_w)
    charts_bottom = chart_row + int(chart_h / 0.53) + 2 if (series or mix_sheet) else last_row
    # the frontier on one page: the table's key columns (to stockpile_value) and the charts
    if report.kind is RunKind.STRESS:  # its answer is the summary and the stress_ranking page
        not_printed(ws_fr, last_col)
    else:
        one_page(ws_fr, max(key_cols, chart_cols - 1), charts_bottom, landscape=True, title=title)

    # changes, efficient point to efficient point
    changes = changes_table(report)
    # a one-point workbook (solve, or a frontier of one efficient plan) keeps the sheet with its
    # header: the same sheets as any frontier's (docs/results.md); stress's answer has no such steps
    solved = report.frontier is not None and "expected_cost" in report.frontier.columns \
        and report.frontier["expected_cost"].notna().any()
    if len(changes) or (report.kind.has_frontier and solved):
        ws_ch = new_sheet("changes")
        ch_last_row, ch_last_col = _write_table(ws_ch, changes, rm)
        annotate_headers(ws_ch, list(changes.columns), "changes", ctx)
        _wrap(ws_ch, changes, {"risk_bought": 34, "contracts_added": 24, "contracts_dropped": 24,
                               "qualifications_added": 24, "qualifications_dropped": 24, "builds_added": 24,
                               "builds_dropped": 24, "stockpile_change": 36, "origin_mix_change": 26}, ch_last_row)
        if len(changes):
            one_page(ws_ch, ch_last_col, ch_last_row, landscape=True, title=title)
        else:  # a header alone is no page to print
            not_printed(ws_ch, ch_last_col)

    # the recommended plan's charts
    if report.charts:
        ws_pc = new_sheet("plan_charts")
        supply_groups = list(dict.fromkeys(list(groups_given)))
        write_plan_charts(ws_pc, report.charts, group_colour_map(supply_groups, supply_groups), ctx, rm, title)

    if mix_sheet is not None:
        mix, colours = mix_sheet
        ws_mix = new_sheet("mix")
        _, mix_last_col = _write_table(ws_mix, mix, rm)
        dynamic = {g: (f"Share of the point's nominal-scenario purchase volume of origin group {g}",
                       "share, 0..1") for g in mix.columns if g not in ("point", "total_volume")}
        annotate_headers(ws_mix, list(mix.columns), "mix", ctx, dynamic=dynamic)
        for row in ws_mix.iter_rows(min_row=2, min_col=2, max_col=mix.shape[1] - 1):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0000"
        not_printed(ws_mix, mix_last_col)
        col = _anchor_right_of(ws_fr, 1, chart_w) if series else 1
        mix_chart = _mix_chart(ws_mix, mix, colours)
        mix_chart.width, mix_chart.height = chart_w, chart_h
        ws_fr.add_chart(mix_chart, f"{get_column_letter(col)}{chart_row}")

    # decision values (the value verb, frontier --values): headline, chart, ranked options
    if getattr(report, "values", None) is not None:
        write_value_sheet(new_sheet("value"), report.values, rm, ctx)

    # decision tables and extra sheets: rows streamed into the package after saving; none printed
    streamed = []
    tables = report.tables or {}
    sheets = [(name, tables[name]) for name in TABLE_SHEETS if name in tables
              and not (name in OPTIONAL_TABLE_SHEETS and tables[name].empty)]
    sheets += list((extra_sheets or {}).items())
    extra_ws = {}
    for name, df in sheets:
        df = df if df is not None else pd.DataFrame()
        ws = new_sheet(name)
        if name in (extra_sheets or {}):
            extra_ws[name] = ws
        streamed.append(StreamedTable(wb, ws, df, rm))
        headers = [str(c) for c in df.columns] or ["point"]
        annotate_headers(ws, headers, name if name in TABLE_SHEETS else _sheet_key(name), ctx)
        not_printed(ws, len(headers))
    unit = str((summary or {}).get("period_unit") or report.summary.get("period_unit") or "period")
    for name, kind in (getattr(report, "sheet_charts", None) or {}).items():  # an extra sheet's chart
        if name in extra_ws and extra_sheets.get(name) is not None and len(extra_sheets[name]):
            SHEET_CHARTS[kind](extra_ws[name], extra_sheets[name], new_sheet, rm, unit)

    # run_info: the tool mark first
    info = [("tool", TOOL_MARK)] + [(str(k), v) for k, v in (report.run_info or {}).items() if str(k) != "tool"]
    ws_info = new_sheet("run_info")
    _write_items(ws_info, info, rm)
    annotate_headers(ws_info, ["item", "value"], "run_info", ctx)
    not_printed(ws_info, 2)

    save_atomically(wb, streamed, path)
    return path


def _sheet_key(name: str) -> str:
    """The notes' key of an extra sheet: its name (baseline_frontier reads like frontier)."""
    return "frontier" if name == "baseline_frontier" else name


def _wrap(ws, table: pd.DataFrame, widths: dict[str, float], last_row: int) -> None:
    """Long text columns at most ``widths`` characters wide, their text wrapped, and each row as tall
    as its longest wrapped text (spreadsheet programs do not grow rows on opening a file)."""
    import math
    from openpyxl.styles import Alignment
    cols = [str(c) for c in table.columns]
    lines = {i: 1 for i in range(2, last_row + 1)}
    for name, width in widths.items():
        if name not in cols:
            continue
        j = cols.index(name) + 1
        letter = get_column_letter(j)
        width = min(width, ws.column_dimensions[letter].width or width)
        ws.column_dimensions[letter].width = width
        for i in range(2, last_row + 1):
            cell = ws.cell(row=i, column=j)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                lines[i] = max(lines[i], math.ceil(len(cell.value) / max(1.0, 1.2 * width - 2)))
    for i, n in lines.items():
        if n > 1:
            ws.row_dimensions[i].height = 15 * n
            for cell in ws[i]:
                cell.alignment = Alignment(wrap_text=bool(cell.alignment.wrap_text), vertical="top")
