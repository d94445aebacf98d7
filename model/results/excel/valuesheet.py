"""The ``value`` sheet (docs/model.md "Decision values"), written cell by cell (it is small): the
headline numbers, a bar chart of the options worth something, every option ranked by value, and
each scenario's min cost alone (the wait-and-see solves)."""

from __future__ import annotations

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.utils import get_column_letter

from .cells import MAX_WIDTH, _columns, _style_header, _widths, number_format
from .charts import _value_chart
from .notes import annotate_headers

ROW_CM = 0.53  # a default row's height


def _table_at(ws, df: pd.DataFrame, top: int, risk_measure: str, notes: str = "",
              ctx: dict | None = None) -> tuple[int, list[float]]:
    """A table with its header in row ``top`` (each header cell noted from ``SHEET_NOTES[notes]``);
    returns its last row and its column widths."""
    headers = [str(c) for c in df.columns]
    cols = _columns(df)
    formats = [number_format(h, risk_measure) for h in headers]
    for j, head in enumerate(headers, start=1):
        _style_header(ws.cell(row=top, column=j, value=head))
    for j, (values, fmt) in enumerate(zip(cols, formats), start=1):
        for i, v in enumerate(values, start=top + 1):
            if v is None:
                continue
            cell = ws.cell(row=i, column=j, value=v)
            if fmt and isinstance(v, (int, float)) and not isinstance(v, bool):
                cell.number_format = fmt
    if notes:
        annotate_headers(ws, headers, notes, ctx, row=top)
    return top + len(df), _widths(headers, cols, formats)


def write_value_sheet(ws, tables, risk_measure: str = "", ctx: dict | None = None) -> None:
    """``tables``: a :class:`model.results.value.ValueTables`; ``ctx``: the notes' context."""
    ws.cell(row=1, column=1, value=tables.title).font = Font(name="Calibri", size=13, bold=True)
    ws.freeze_panes = "A2"  # three tables on one sheet: the title (the point, the currency) stays in view
    head = tables.headline.copy()
    # the risk limit is a risk, the rest money: format the limit's cell by its own name
    last, widths = _table_at(ws, head, 3, risk_measure, "value_headline", ctx)
    for i, item in enumerate(head["item"].tolist(), start=4):
        if item == "risk_limit":
            cell = ws.cell(row=i, column=2)
            cell.number_format = number_format("risk", risk_measure)
    meaning_col = list(head.columns).index("meaning") + 1
    for i in range(4, last + 1):
        ws.cell(row=i, column=meaning_col).alignment = Alignment(vertical="top")
    row = last + 2
    options = tables.options
    label_col = list(options.columns).index("label") + 1
    if tables.chart_rows:
        chart_top = row
        chart = None  # placed once the options table's rows are known
        chart_rows = int(round((max(7.5, 2.5 + 0.55 * tables.chart_rows)) / ROW_CM)) + 2
        row += chart_rows
    else:
        ws.cell(row=row, column=1, value=tables.no_bars)
        row += 2
    ws.cell(row=row, column=1, value="Options, ranked by value").font = Font(name="Calibri", bold=True)
    opt_top = row + 1
    opt_last, opt_widths = _table_at(ws, options, opt_top, risk_measure, "value_options", ctx)
    if len(options):
        ws.auto_filter.ref = f"A{opt_top}:{get_column_letter(len(options.columns))}{max(opt_last, opt_top)}"
    row = opt_last + 2
    ws.cell(row=row, column=1, value="Each scenario alone, with perfect foresight (wait-and-see)").font = Font(
        name="Calibri", bold=True)
    sc_last, sc_widths = _table_at(ws, tables.scenarios, row + 1, risk_measure, "value_scenarios", ctx)
    # the headline's meanings run on into the empty cells to their right: they set no width
    widths = widths[:meaning_col - 1]
    all_widths = [widths, opt_widths, sc_widths]
    n_cols = max(len(w) for w in all_widths)
    for j in range(n_cols):
        w = max((ws_[j] for ws_ in all_widths if j < len(ws_)), default=8.0)
        if j == 0:
            w = max(w, 22.0)
        ws.column_dimensions[get_column_letter(j + 1)].width = min(MAX_WIDTH, w)
    if tables.chart_rows:
        cols = list(options.columns)
        chart = _value_chart(ws, opt_top + 1, opt_top + tables.chart_rows, label_col,
                             cols.index("value_if_forbidden") + 1, cols.index("value_if_free") + 1,
                             tables.currency, "What each option is worth")
        ws.add_chart(chart, f"A{chart_top}")
    # printed: landscape, as wide as the page, without the chart's data columns
    last_col = get_column_letter(list(options.columns).index("solve_seconds") + 1)
    ws.print_area = f"A1:{last_col}{sc_last}"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
