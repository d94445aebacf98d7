"""Writing the results workbook (DESIGN.md §5) from report tables, and reading its frontier back.

Only pandas tables and plain values come in: no Pyomo. Written atomically (temporary file, then
rename). Sheets: summary, frontier (with a native scatter chart of cost against risk and a
stacked chart of the origin mix per point), suppliers, processes, routes, stockpile, shortfall,
scenarios, any extra sheets, run_info.
"""

from __future__ import annotations

import math
import os
import tempfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.marker import Marker
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .report import Report

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TOOL_MARK = "sourcing"
TABLE_SHEETS = ("suppliers", "processes", "routes", "stockpile", "shortfall", "scenarios")
MONEY_HINTS = ("cost", "price", "value", "spend", "penalty")
SHARE_HINTS = ("risk", "shortfall", "share", "exposure", "probability", "cvar")
_BAD = '[]:*?/\\'


def sheet_name(name: str) -> str:
    clean = "".join("_" if ch in _BAD else ch for ch in str(name))
    return clean[:31] or "sheet"


def _cell(value):
    """A value Excel can hold: no NaN/inf, numpy scalars unwrapped, tuples joined."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, set)):
        return ", ".join(map(str, value))
    if isinstance(value, (int, float, str, bool, datetime, date)):
        return value
    return str(value)


def _number_format(column: str) -> str | None:
    c = column.lower()
    if c in ("mip_gap",) or c.endswith("_gap"):
        return "0.00%"
    if c in ("point", "period", "arrival_period", "rank", "suppliers", "points", "first_shortfall_period",
             "periods_survived", "start_period", "efficient_points"):
        return "0"
    if c == "risk_limit" or any(h in c for h in SHARE_HINTS) and "cost" not in c:
        return "0.0000"
    if any(h in c for h in MONEY_HINTS):
        return "#,##0"
    if c in ("quantity", "volume", "expected_volume", "level", "unmet", "delivered", "demand_quantity",
             "unmet_units", "unmet_units_nominal", "days_of_cover"):
        return "#,##0.0"
    if c.endswith("_s") or c == "solve_seconds":
        return "0.00"
    return None


def _write_table(ws, df: pd.DataFrame, start_row: int = 1, start_col: int = 1) -> tuple[int, int]:
    """Header plus rows; returns (last row, last column)."""
    columns = list(df.columns)
    for j, col in enumerate(columns):
        cell = ws.cell(row=start_row, column=start_col + j, value=str(col))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", wrap_text=False)
    formats = [_number_format(str(c)) for c in columns]
    for i, row in enumerate(df.itertuples(index=False), start=start_row + 1):
        for j, value in enumerate(row):
            cell = ws.cell(row=i, column=start_col + j, value=_cell(value))
            if formats[j] and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = formats[j]
    for j, col in enumerate(columns):
        sample = [len(str(col))] + [len(str(_cell(v))) for v in df.iloc[:200, j].tolist() if _cell(v) is not None]
        width = min(60, max(8, max(sample) + 2))
        if formats[j] == "#,##0":
            width = max(width, 14)
        letter = get_column_letter(start_col + j)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    return start_row + len(df), start_col + len(columns) - 1


def _key_values(ws, items: list[tuple[str, object]]) -> None:
    for j, head in enumerate(("item", "value"), start=1):
        cell = ws.cell(row=1, column=j, value=head)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for i, (k, v) in enumerate(items, start=2):
        ws.cell(row=i, column=1, value=str(k))
        cell = ws.cell(row=i, column=2, value=_cell(v))
        if isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(cell.value, float):
            cell.number_format = "#,##0.00" if abs(cell.value) >= 100 else "0.000000"
        if isinstance(cell.value, str) and len(cell.value) > 80:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A2"


def _frontier_chart(ws, series: list[tuple[str, int, int, int, int]], risk_measure: str, currency: str,
                    anchor: str) -> None:
    """series: (title, first data row, last data row, risk column, cost column) on this sheet."""
    chart = ScatterChart()
    chart.title = "Expected cost against risk"
    chart.style = 13
    chart.x_axis.title = f"risk ({risk_measure})"
    chart.y_axis.title = f"expected cost ({currency})" if currency else "expected cost"
    chart.x_axis.number_format = "0.000"
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 9, 17
    for title, first, last, risk_col, cost_col in series:
        if last < first:
            continue
        xs = Reference(ws, min_col=risk_col, min_row=first, max_row=last)
        ys = Reference(ws, min_col=cost_col, min_row=first, max_row=last)
        s = Series(ys, xs, title=title)
        s.marker = Marker(symbol="circle", size=7)
        chart.series.append(s)
    ws.add_chart(chart, anchor)


def _mix_table(suppliers: pd.DataFrame) -> pd.DataFrame:
    """Nominal purchase volume share by origin group, per point."""
    if suppliers is None or suppliers.empty or "origin_group" not in suppliers:
        return pd.DataFrame()
    vol = suppliers.groupby(["point", "origin_group"])["volume"].sum().unstack(fill_value=0.0)
    total = vol.sum(axis=1).replace(0, 1.0)
    share = vol.div(total, axis=0).reset_index()
    share.columns = ["point"] + [f"share_{c}" for c in share.columns[1:]]
    return share


def write_results(report: Report, path: str | Path, summary: dict | None = None,
                  extra_sheets: dict[str, pd.DataFrame] | None = None,
                  overlay: dict[str, pd.DataFrame] | None = None) -> Path:
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    items = list((summary or {}).items()) or [("case", report.case_name), ("risk_measure", report.risk_measure)]
    if not any(k == "knee_plan" for k, _ in items) and report.knee_text:
        items.append(("knee_plan", report.knee_text))
    _key_values(ws, items)

    fr_ws = wb.create_sheet("frontier")
    frontier = report.frontier
    last_row, last_col = _write_table(fr_ws, frontier)
    fr_ws.freeze_panes = "B2"
    cols = list(frontier.columns)
    series = []
    next_row = last_row + 3
    if overlay:
        # one block per label below the main table, each series on its own cells
        for label, df in overlay.items():
            block = df[[c for c in ("point", "risk", "expected_cost", "efficient") if c in df.columns]].copy()
            fr_ws.cell(row=next_row, column=1, value=f"frontier: {label}").font = Font(bold=True)
            end_row, _ = _write_table(fr_ws, block, start_row=next_row + 1)
            bcols = list(block.columns)
            series.append((str(label), next_row + 2, end_row, bcols.index("risk") + 1,
                           bcols.index("expected_cost") + 1))
            next_row = end_row + 3
    elif "risk" in cols and "expected_cost" in cols:
        series.append(("frontier", 2, last_row, cols.index("risk") + 1, cols.index("expected_cost") + 1))
    anchor_col = get_column_letter(min(last_col + 2, 26))
    _frontier_chart(fr_ws, series, report.risk_measure, report.currency, f"{anchor_col}2")

    mix = _mix_table(report.tables.get("suppliers"))
    if not mix.empty:
        mix_ws = wb.create_sheet("mix")
        m_last, m_cols = _write_table(mix_ws, mix)
        mix_ws.freeze_panes = "A2"
        bar = BarChart()
        bar.type = "col"
        bar.grouping = "percentStacked"
        bar.overlap = 100
        bar.title = "Origin mix of purchases per point (nominal scenario)"
        bar.x_axis.title = "frontier point"
        bar.y_axis.title = "share of purchase volume"
        bar.x_axis.delete = False
        bar.y_axis.delete = False
        data = Reference(mix_ws, min_col=2, max_col=m_cols, min_row=1, max_row=m_last)
        cats = Reference(mix_ws, min_col=1, min_row=2, max_row=m_last)
        bar.add_data(data, titles_from_data=True)
        bar.set_categories(cats)
        bar.height, bar.width = 9, 17
        fr_ws.add_chart(bar, f"{anchor_col}22")

    for name in TABLE_SHEETS:
        df = report.tables.get(name)
        t_ws = wb.create_sheet(name)
        if df is not None and not df.empty:
            _write_table(t_ws, df)
        else:
            t_ws.cell(row=1, column=1, value="point").font = Font(bold=True)
        t_ws.freeze_panes = "A2"
    for name, df in (extra_sheets or {}).items():
        e_ws = wb.create_sheet(sheet_name(name))
        if df is not None and not df.empty:
            _write_table(e_ws, df)
        e_ws.freeze_panes = "A2"
    info = wb.create_sheet("run_info")
    run_items = [("tool", TOOL_MARK)] + [(k, v) for k, v in report.run_info.items() if k != "tool"]
    _key_values(info, run_items)

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent, prefix=".writing-")
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def is_results_workbook(path: str | Path) -> bool:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return False
    try:
        if "frontier" not in wb.sheetnames or "run_info" not in wb.sheetnames:
            return False
        for row in wb["run_info"].iter_rows(min_row=2, max_row=5, values_only=True):
            if row and row[0] == "tool" and row[1] == TOOL_MARK:
                return True
        return False
    finally:
        wb.close()


def read_frontier(path: str | Path) -> tuple[dict, pd.DataFrame]:
    """(summary item -> value, the frontier table) of a results workbook of this tool."""
    if not is_results_workbook(path):
        raise ValueError("not a results workbook of this tool (expected sheets frontier and run_info "
                         "with tool = sourcing)")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        summary = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True) if r and r[0]}
        rows = []
        header = None
        for r in wb["frontier"].iter_rows(values_only=True):
            if header is None:
                header = [h for h in r if h is not None]
                continue
            if r is None or all(v is None for v in r) or not isinstance(r[0], (int, float)):
                break  # the main table ends at the first blank row
            rows.append(dict(zip(header, r)))
    finally:
        wb.close()
    return summary, pd.DataFrame(rows, columns=header)


def write_plot(source, png_path: str | Path) -> Path:
    """A PNG of the frontier: efficient points joined, others hollow, the knee marked; an overlay
    dict (label -> frontier table) gives one line per label."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    if isinstance(source, Report):
        frames = {"frontier": source.frontier}
        knee, measure, currency = source.knee_point, source.risk_measure, source.currency
    else:
        frames, knee, measure, currency = source, None, "risk", ""
    for label, df in frames.items():
        df = df.dropna(subset=["expected_cost", "risk"])
        eff = df[df.get("efficient", "yes") == "yes"] if "efficient" in df else df
        line = ax.plot(eff["risk"], eff["expected_cost"], "-o", label=str(label))[0]
        other = df.drop(eff.index)
        if len(other):
            ax.plot(other["risk"], other["expected_cost"], "o", mfc="none", color=line.get_color(),
                    label=f"{label}: not efficient")
        if knee is not None and (df["point"] == knee).any():
            k = df[df["point"] == knee].iloc[0]
            ax.plot([k["risk"]], [k["expected_cost"]], "*", ms=16, color="crimson", label=f"knee: point {knee}")
    ax.set_xlabel(f"risk ({measure})")
    ax.set_ylabel(f"expected cost ({currency})" if currency else "expected cost")
    ax.grid(alpha=0.3)
    ax.legend()
    from matplotlib.ticker import FuncFormatter
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    fig.tight_layout()
    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png_path)
    plt.close(fig)
    return png_path
