"""Native Excel charts of the results workbook: the frontier scatter (efficient points joined,
others hollow, the knee point marked) and the origin-mix stacked columns."""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.marker import DataPoint, Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

# chart colours: series of an overlay, and origin groups from least to most controlled
SERIES_COLOURS = ["1F77B4", "D62728", "2CA02C", "FF7F0E", "9467BD", "8C564B", "E377C2", "7F7F7F",
                  "BCBD22", "17BECF"]
KNEE_COLOUR = "C00000"



def _nice_bounds(values: list[float], floor_zero: bool) -> tuple[float, float] | None:
    """Axis bounds a little wider than the data, on round numbers."""
    vals = [v for v in values if v is not None and math.isfinite(v)]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    span = hi - lo
    if span <= 1e-9 * max(1.0, abs(hi)):  # one value (up to solver noise): a band around it
        span = abs(hi) * 0.02 or 1.0
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    a = math.floor((lo - 0.05 * span) / step) * step
    b = math.ceil((hi + 0.05 * span) / step) * step
    if floor_zero and lo >= 0 and a < 0:
        a = 0.0
    return a, b


def _axis_format(values: list[float], money: bool) -> str:
    if money:
        return "#,##0"
    vals = [abs(v) for v in values if v is not None and math.isfinite(v)]
    top = max(vals) if vals else 1.0
    return "#,##0" if top >= 1000 else ("0.00" if top >= 1 else "0.000")


def _marker(symbol: str, size: int, colour: str, hollow: bool = False) -> Marker:
    m = Marker(symbol=symbol, size=size)
    m.graphicalProperties = GraphicalProperties()
    if hollow:  # white rather than no fill, so the line does not show through
        m.graphicalProperties.solidFill = "FFFFFF"
    else:
        m.graphicalProperties.solidFill = colour
    m.graphicalProperties.line.solidFill = colour
    m.graphicalProperties.line.width = 15875  # 1.25 pt
    return m


def _scatter_series(ws, title: str, first: int, last: int, risk_col: int, cost_col: int, colour: str,
                    efficient: list[bool], line: bool) -> Series:
    xs = Reference(ws, min_col=risk_col, min_row=first, max_row=last)
    ys = Reference(ws, min_col=cost_col, min_row=first, max_row=last)
    s = Series(ys, xs, title=title)
    s.marker = _marker("circle", 7, colour)
    s.smooth = False
    s.graphicalProperties = GraphicalProperties()
    if line:
        s.graphicalProperties.line.solidFill = colour
        s.graphicalProperties.line.width = 22225  # 1.75 pt
    else:
        s.graphicalProperties.line.noFill = True
    # points that are not efficient: hollow markers (the same cells, styled one by one)
    s.dPt = [_hollow_point(i, colour, line) for i, ok in enumerate(efficient) if not ok]
    return s


def _hollow_point(idx: int, colour: str, line: bool) -> DataPoint:
    """A data point drawn with a hollow (white-filled) marker, its line segment as the series'.
    Excel draws it so; LibreOffice ignores a point's marker fill and draws it filled."""
    dp = DataPoint(idx=idx, marker=_marker("circle", 7, colour, hollow=True))
    dp.graphicalProperties = GraphicalProperties()
    if line:
        dp.graphicalProperties.line.solidFill = colour
        dp.graphicalProperties.line.width = 22225
    else:
        dp.graphicalProperties.line.noFill = True
    return dp


def _frontier_chart(series: list[Series], xs: list[float], ys: list[float], risk_measure: str,
                    currency: str, title: str) -> ScatterChart:
    chart = ScatterChart()
    chart.title = title
    chart.style = 2
    chart.scatterStyle = "lineMarker"
    chart.display_blanks = "gap"
    chart.height, chart.width = 9.5, 17
    chart.x_axis.title = f"risk ({risk_measure})"
    chart.y_axis.title = f"expected cost ({currency})" if currency else "expected cost"
    chart.x_axis.number_format = _axis_format(xs, risk_measure == "cvar_cost")
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.axPos = "b"
    chart.x_axis.majorTickMark = "out"
    chart.y_axis.majorTickMark = "out"
    xb = _nice_bounds(xs, floor_zero=True)
    yb = _nice_bounds(ys, floor_zero=False)
    if xb:
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = xb
    if yb:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = yb
        chart.x_axis.crosses = "min"  # the risk axis along the bottom, whatever the cost range
    chart.y_axis.crosses = "min"
    chart.legend.position = "b"
    for s in series:
        chart.series.append(s)
    return chart


def _is_sweep(frontier: pd.DataFrame) -> bool:
    """A frontier sweep (points ordered by falling risk limit): joining points in order makes sense."""
    if "kind" not in frontier.columns or frontier.empty:
        return False
    kinds = set(frontier["kind"].dropna().astype(str))
    return bool(kinds) and kinds <= {"min_cost", "interior", "min_risk", "single"}


def _joinable(frontier: pd.DataFrame) -> bool:
    """Join the points with a line in point order only for a frontier sweep (a table without a
    ``kind`` column is taken for one) in which every point that is not efficient duplicates an
    efficient one: a strictly dominated point (e.g. from a solve stopped at its time limit) would
    make the line zigzag, and the pairs of a stress run are no sweep; then markers only."""
    if not {"risk", "expected_cost"} <= set(frontier.columns):
        return False
    if "kind" in frontier.columns and not _is_sweep(frontier):
        return False
    flags = _efficient_flags(frontier)
    cost = pd.to_numeric(frontier["expected_cost"], errors="coerce").tolist()
    risk = pd.to_numeric(frontier["risk"], errors="coerce").tolist()
    good = [(c, r) for c, r, f in zip(cost, risk, flags) if f and pd.notna(c) and pd.notna(r)]
    for c, r, f in zip(cost, risk, flags):
        if f or pd.isna(c) or pd.isna(r):
            continue
        if not any(math.isclose(c, gc, rel_tol=1e-6, abs_tol=1e-9) and math.isclose(r, gr, rel_tol=1e-6, abs_tol=1e-9)
                   for gc, gr in good):
            return False
    return True


def _efficient_flags(df: pd.DataFrame) -> list[bool]:
    if "efficient" not in df.columns:
        return [True] * len(df)
    return [str(v).strip().lower() in ("yes", "true", "1") for v in df["efficient"].tolist()]


def _numbers(df: pd.DataFrame, col: str) -> list[float]:
    if col not in df.columns:
        return []
    return [float(v) for v in pd.to_numeric(df[col], errors="coerce").tolist() if pd.notna(v)]



def _group_colours(n: int, ordered: bool) -> list[str]:
    """Green (least controlled) to red (most) for n origin groups in the case's order; without
    that order, neutral colours that do not suggest which group is safe."""
    if not ordered:
        neutral = ["4472C4", "A5A5A5", "5B9BD5", "264478", "7F7F7F", "9DC3E6", "636363"]
        return [neutral[i % len(neutral)] for i in range(n)]
    ramp = ["2E8B57", "F2B134", "E8702A", "C0392B", "7B241C"]
    if n <= 1:
        return ramp[:1]
    if n == 2:
        return [ramp[0], ramp[3]]
    if n == 3:
        return [ramp[0], ramp[1], ramp[3]]
    return [ramp[min(len(ramp) - 1, round(i * (len(ramp) - 1) / (n - 1)))] for i in range(n)]


def _mix_chart(ws_mix, mix: pd.DataFrame, ordered: bool) -> BarChart:
    groups = [c for c in mix.columns if c not in ("point", "total_volume")]
    last = len(mix) + 1
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 60
    chart.title = "Origin mix of purchases (nominal scenario)"
    chart.style = 2
    chart.height, chart.width = 9.5, 17
    chart.x_axis.title = "frontier point"
    chart.y_axis.title = "share of purchase volume"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0.0, 1.0
    chart.y_axis.majorUnit = 0.25
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    data = Reference(ws_mix, min_col=2, max_col=1 + len(groups), min_row=1, max_row=last)
    cats = Reference(ws_mix, min_col=1, min_row=2, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for s, colour in zip(chart.series, _group_colours(len(groups), ordered)):
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.graphicalProperties.line.solidFill = colour
    return chart


def _anchor_right_of(ws, first_col: int, width_cm: float) -> int:
    """The column just right of a chart of width_cm anchored at first_col (from column widths)."""
    px_needed, px = width_cm / 2.54 * 96 + 20, 0.0
    col = first_col
    while px < px_needed and col < 200:
        w = ws.column_dimensions[get_column_letter(col)].width or 8.43
        px += w * 7 + 5
        col += 1
    return col


VALUE_COLOURS = {"held": "1F77B4", "open": "2CA02C"}  # options taken (cost of losing them), not taken (saving if free)


def _value_chart(ws, first_row: int, last_row: int, label_col: int, rise_col: int, saving_col: int,
                 currency: str, title: str) -> BarChart:
    """Horizontal bars of what each option is worth, the first-ranked on top: options the plan
    takes (the rise in expected cost without them) in blue, options it does not take (the fall were
    they free) in green. One category per row of the value sheet's options table."""
    n = last_row - first_row + 1
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100  # one bar per row: each row fills one of the two series
    chart.gapWidth = 40
    chart.title = title
    chart.style = 2
    chart.width = 20
    chart.height = max(7.5, 2.5 + 0.55 * n)
    chart.y_axis.title = f"expected cost ({currency})" if currency else "expected cost"
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
    chart.y_axis.crosses = "max"  # with the categories reversed: the value axis along the bottom
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    cats = Reference(ws, min_col=label_col, min_row=first_row, max_row=last_row)
    for col, colour, name in ((rise_col, VALUE_COLOURS["held"], "held: expected cost rise without it"),
                              (saving_col, VALUE_COLOURS["open"], "not held: expected cost fall were it free")):
        s = Series(Reference(ws, min_col=col, min_row=first_row, max_row=last_row), title=name)
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.graphicalProperties.line.solidFill = colour
        chart.series.append(s)
    chart.set_categories(cats)
    return chart
