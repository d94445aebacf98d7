"""The ``plan_charts`` sheet: the recommended plan's charts a planner would rather look at than read
(docs/results.md) above the data they draw. The stock at each stocking site per material over time
(nominal scenario), and the supply to demand by origin group per period, with the demand left
unmet, in the nominal and in the worst scenario (the largest unmet share), on one y scale. Prints
as one landscape page (the charts)."""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..views import UNMET
from .cells import _columns, _style_header
from .charts import _anchor_right_of, _nice_bounds, stock_chart, supply_chart
from .notes import annotate_headers
from .printing import one_page

CHART_ROW = 3       # the first chart's top row
STOCK_SERIES = 6    # the stock chart's lines at most: the largest stocks, the rest summed in one line
ROW_CM = 0.53       # a default row (15 pt)
WIDE_CM, NARROW_CM, HEIGHT_CM = 27.0, 13.4, 8.6


def _write_block(ws, df: pd.DataFrame, row: int, col: int, fmt: str) -> None:
    """A small table with its header at (row, col)."""
    for j, head in enumerate(df.columns):
        cell = ws.cell(row=row, column=col + j, value=str(head))
        _style_header(cell)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = max(9.0, min(24.0, len(str(head)) * 0.6 + 2)) if j else 8.0
        ws.column_dimensions[get_column_letter(col + j)].width = width
    for j, values in enumerate(_columns(df)):
        for i, v in enumerate(values, start=1):
            if v is None:
                continue
            cell = ws.cell(row=row + i, column=col + j, value=v)
            cell.number_format = "0" if j == 0 else fmt


def largest_stocks(stock: pd.DataFrame, keep: int = STOCK_SERIES) -> tuple[pd.DataFrame, int]:
    """The stock table with its ``keep - 1`` largest series (by peak level) and the others summed
    in one column ("N others"), so that the chart's legend fits; (table, series summed)."""
    if stock is None or stock.empty:
        return stock, 0
    series = [c for c in stock.columns if c != "period"]
    if len(series) <= keep:
        return stock, 0
    peaks = stock[series].max().sort_values(ascending=False)
    top = list(peaks.index[:keep - 1])
    rest = [c for c in series if c not in top]
    out = stock[["period", *top]].copy()
    out[f"{len(rest)} others (sum)"] = stock[rest].sum(axis=1)
    return out, len(rest)


def write_plan_charts(ws, charts: dict, colours: dict[str, str], ctx: dict, risk_measure: str, title: str) -> None:
    point = charts.get("point")
    stock, summed = largest_stocks(charts.get("stock"))
    nominal = charts.get("supply_nominal")
    worst = charts.get("supply_worst")
    head = ws.cell(row=1, column=1, value=f"The recommended plan, point {point} (chart data below the charts)")
    head.font = Font(name="Calibri", size=12, bold=True)
    ws.freeze_panes = "A2"

    # supply tables: the same groups in both (those that deliver anything in either), then unmet
    tables = [t for t in (nominal, worst) if t is not None and not t.empty]
    keep = []
    if tables:
        cols = [c for c in tables[0].columns if c != "period"]
        keep = [c for c in cols if c == UNMET or any(t[c].abs().max() > 1e-7 for t in tables if c in t.columns)]
        nominal = nominal[["period", *keep]] if nominal is not None else None
        worst = worst[["period", *keep]] if worst is not None else None
    totals = [float(t[keep].sum(axis=1).max()) for t in (nominal, worst) if t is not None and not t.empty]
    bounds = _nice_bounds([0.0, max(totals)], floor_zero=True) if totals and max(totals) > 0 else None
    y_max = bounds[1] if bounds else None

    stock_rows = 0 if stock is None or stock.empty else len(stock)
    data_row = CHART_ROW + 2 * math.ceil(HEIGHT_CM / ROW_CM) + 4
    col = 1
    blocks = []
    unit = charts.get("supply_unit") or "units"
    stock_units = charts.get("stock_units") or []  # of the materials stocked
    stock_unit = stock_units[0] if len(stock_units) == 1 and stock_units[0] else "units of each material"
    dynamic = {UNMET: ("Demand not met in the period", unit), "period": ("Planning period", "{period_unit} number")}
    if stock_rows:
        _write_block(ws, stock, data_row, col, "#,##0.0")
        dyn = {**dynamic, "period": ("Planning period (0: the initial stock)", "{period_unit} number"),
               **{c: (f"Stock of {c} at the end of the period, nominal scenario", stock_unit)
                  for c in stock.columns if c != "period"}}
        if summed:
            dyn[stock.columns[-1]] = (f"Stock of the {summed} smaller stocks together, nominal scenario", stock_unit)
        annotate_headers(ws, list(stock.columns), "plan_charts", ctx, row=data_row, start_col=col, dynamic=dyn)
        blocks.append(("stock", col, stock))
        col += len(stock.columns) + 1
    for key, table, scen in (("nominal", nominal, charts.get("nominal")), ("worst", worst, charts.get("worst"))):
        if table is None or table.empty:
            continue
        _write_block(ws, table, data_row, col, "#,##0.0")
        dyn = {**dynamic, **{g: (f"Demand delivered in the period from material of origin group {g}, "
                                 f"scenario {scen}", unit) for g in table.columns if g not in ("period", UNMET)}}
        annotate_headers(ws, list(table.columns), "plan_charts", ctx, row=data_row, start_col=col, dynamic=dyn)
        blocks.append((key, col, table))
        col += len(table.columns) + 1
    ws.row_dimensions[data_row].height = 45

    # the charts: stock across the top, the two supply charts side by side below
    bottom_row = CHART_ROW
    right_col = 1
    supply_top = CHART_ROW + math.ceil(HEIGHT_CM / ROW_CM) + 1
    by_key = {k: (c, t) for k, c, t in blocks}
    if "stock" in by_key:
        c, t = by_key["stock"]
        which = f", the {len(t.columns) - 2} largest and the {summed} others summed" if summed else ""
        chart = stock_chart(ws, data_row, c, len(t.columns) - 1, len(t), "Stock held, nominal scenario "
                            f"(point {point}{which})", f"stock at the end of the period ({stock_unit})",
                            WIDE_CM, HEIGHT_CM)
        ws.add_chart(chart, f"A{CHART_ROW}")
        right_col = max(right_col, _anchor_right_of(ws, 1, WIDE_CM))
        bottom_row = supply_top - 1
    else:
        supply_top = CHART_ROW
    left = 1
    for key, label in (("nominal", f"nominal scenario: {charts.get('nominal')}"),
                       ("worst", f"worst scenario: {charts.get('worst')} "
                                 f"({'the largest unmet share' if 'largest' in str(charts.get('worst_why')) else 'the costliest'})")):
        if key not in by_key:
            continue
        c, t = by_key[key]
        series = [s for s in t.columns if s != "period"]
        chart = supply_chart(ws, data_row, c, series, len(t), f"Supply by origin group, {label}",
                             f"delivered and unmet ({unit})", colours, y_max, NARROW_CM, HEIGHT_CM)
        ws.add_chart(chart, f"{get_column_letter(left)}{supply_top}")
        left = _anchor_right_of(ws, left, NARROW_CM)
        right_col = max(right_col, left)
        bottom_row = supply_top + math.ceil(HEIGHT_CM / ROW_CM)
    if not blocks:
        ws.cell(row=CHART_ROW, column=1, value="the plan holds no stock and delivers nothing: no charts")
    one_page(ws, max(1, right_col - 1), max(bottom_row, CHART_ROW), landscape=True, title=title)
