"""The results workbook (DESIGN.md §5): write a :class:`Report` to Excel.

Sheets, in order: ``summary`` (item/value rows), ``frontier`` (one row per point, a native scatter
chart of expected cost against risk and a stacked column chart of the origin mix per point),
``frontiers`` (only with an overlay: every overlaid frontier with a ``label`` column), ``mix`` (the
chart data of the origin mix: nominal purchase volume share by origin group per point), ``value``
(only with decision values: headline numbers, a bar chart and the options ranked), the six
decision tables ``suppliers``, ``processes``, ``routes``, ``stockpile``, ``shortfall``,
``scenarios``, any extra sheets in the order given, and ``run_info`` (item/value rows, ``tool`` =
``sourcing`` first: that row is how :func:`model.results.excel.readback.is_results_workbook` knows
the file). Whether an existing file may be replaced is the caller's decision.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

from ..mix import given_groups, origin_mix
from ..report import Report, summary_items
from .cells import _clean, _style_header, _write_items, _write_table, sheet_name
from .charts import (KNEE_COLOUR, SERIES_COLOURS, _anchor_right_of, _efficient_flags, _frontier_chart,
                     _joinable, _marker, _mix_chart, _numbers, _scatter_series)
from .stream import StreamedTable, save_atomically
from .valuesheet import write_value_sheet

TOOL_MARK = "sourcing"
TABLE_SHEETS = ("suppliers", "processes", "routes", "stockpile", "shortfall", "scenarios")


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

    # summary
    _write_items(new_sheet("summary", first=True), summary_items(report, summary, bool(overlay)), rm)

    # frontier table
    ws_fr = new_sheet("frontier")
    frontier = report.frontier if report.frontier is not None else pd.DataFrame()
    last_row, last_col = _write_table(ws_fr, frontier, rm) if len(frontier.columns) else (1, 1)
    if not len(frontier.columns):
        _style_header(ws_fr.cell(row=1, column=1, value="point"))
        ws_fr.freeze_panes = "A2"

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
        _write_table(ws_ov, table, rm)
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
                                  title=f"knee point ({report.knee_point})")
                    knee.marker = _marker("diamond", 13, KNEE_COLOUR)
                    knee.smooth = False  # LibreOffice smooths the whole chart if one series lacks this
                    knee.graphicalProperties = GraphicalProperties()
                    knee.graphicalProperties.line.noFill = True
                    series.append(knee)
        chart_title = "Expected cost against risk"
    if len(chart_title) > 60:
        chart_title = chart_title[:57] + "..."
    chart_row = last_row + 3
    if series:
        ws_fr.add_chart(_frontier_chart(series, xs_all, ys_all, rm, report.currency or "", chart_title),
                        f"A{chart_row}")

    # origin mix: helper sheet and a stacked column chart beside the frontier chart
    mix = origin_mix(report, summary)
    if not mix.empty:
        groups = [c for c in mix.columns if c not in ("point", "total_volume")]
        ordered = set(groups) <= set(given_groups(report, summary))
        ws_mix = new_sheet("mix")
        _write_table(ws_mix, mix, rm)
        for row in ws_mix.iter_rows(min_row=2, min_col=2, max_col=mix.shape[1] - 1):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0000"
        col = _anchor_right_of(ws_fr, 1, 17) if series else 1
        ws_fr.add_chart(_mix_chart(ws_mix, mix, ordered), f"{get_column_letter(col)}{chart_row}")

    # decision values (the value verb, frontier --values): headline, chart, ranked options
    if getattr(report, "values", None) is not None:
        write_value_sheet(new_sheet("value"), report.values, rm)

    # decision tables and extra sheets: rows streamed into the package after saving
    streamed = []
    tables = report.tables or {}
    for name in TABLE_SHEETS:
        df = tables.get(name)
        streamed.append(StreamedTable(wb, new_sheet(name), df if df is not None else pd.DataFrame(), rm))
    for name, df in (extra_sheets or {}).items():
        streamed.append(StreamedTable(wb, new_sheet(name), df if df is not None else pd.DataFrame(), rm))

    # run_info: the tool mark first
    info = [("tool", TOOL_MARK)] + [(str(k), v) for k, v in (report.run_info or {}).items() if str(k) != "tool"]
    _write_items(new_sheet("run_info"), info, rm)

    save_atomically(wb, streamed, path)
    return path
