"""Native Excel charts of the results workbook: the frontier scatter (efficient points joined,
others hollow, the knee point marked), the origin-mix stacked columns, and the recommended plan's
charts (stock over time; supply to demand by origin group per period, with what goes unmet).

Every origin group has one colour in every chart and legend (:func:`group_colour_map`: green for
the least controlled to red for the most, in the case's order)."""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.marker import DataPoint, Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

from ...formulation.risk import MEASURES
from ..words import in_money

# chart colours: series of an overlay, and origin groups from least to most controlled
SERIES_COLOURS = ["1F77B4", "D62728", "2CA02C", "FF7F0E", "9467BD", "8C564B", "E377C2", "7F7F7F",
                  "BCBD22", "17BECF"]
KNEE_COLOUR = "C00000"
UNMET_COLOUR = "595959"  # demand not met: dark grey, apart from the green-to-red origin groups



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


MILLIONS = 1e7  # money axes from here on are shown in millions (M)
# a share measure's unit on the risk axis, as its class gives it (cvar_cost's axis is money)
RISK_UNITS = {name: rm.axis_unit for name, rm in MEASURES.items() if not rm.in_money}


def money_axis(values: list[float], currency: str, what: str = "expected cost") -> tuple[str, str]:
    """(axis title with its unit, Excel number format): money in M where large."""
    vals = [abs(v) for v in values if v is not None and math.isfinite(v)]
    cur = f" {currency}" if currency else ""
    if vals and max(vals) >= MILLIONS:
        return f"{what} (M{cur})", '#,##0,,"M"' if max(vals) >= 1e9 else '#,##0.0,,"M"'
    return (f"{what} ({currency})" if currency else what), "#,##0"


def risk_axis(values: list[float], measure: str, currency: str) -> tuple[str, str]:
    """(axis title with its unit, Excel number format): risk in % (money for cvar_cost)."""
    if in_money(measure):
        title, fmt = money_axis(values, currency, "risk")
        return title.replace("risk (", "risk: cvar_cost, tail cost ("), fmt
    vals = [abs(v) for v in values if v is not None and math.isfinite(v)]
    span = (max(vals) - min(vals)) if vals else 1.0
    fmt = "0%" if span >= 0.05 else ("0.0%" if span >= 0.005 else "0.00%")
    return f"risk: {measure or 'risk'} ({RISK_UNITS.get(measure, 'share')})", fmt


def zoomed(title: str, low: float | None, fmt_value) -> str:
    """An axis title that says the axis does not start at 0."""
    if low is None or low <= 0:
        return title
    return f"{title}; axis zoomed, from {fmt_value(low)}"


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
    x_title, x_fmt = risk_axis(xs, risk_measure, currency)
    y_title, y_fmt = money_axis(ys, currency)
    chart.x_axis.number_format = x_fmt
    chart.y_axis.number_format = y_fmt
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.axPos = "b"
    chart.x_axis.majorTickMark = "out"
    chart.y_axis.majorTickMark = "out"
    xb = _nice_bounds(xs, floor_zero=True)
    yb = _nice_bounds(ys, floor_zero=False)
    if xb and not in_money(risk_measure) and xs and max(xs) <= 1.0:
        xb = (xb[0], min(xb[1], 1.0))  # a share never exceeds 100 %
    if xb:
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = xb
    if yb:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = yb
        chart.x_axis.crosses = "min"  # the risk axis along the bottom, whatever the cost range
    shown_money = (lambda v: f"{v / 1e6:,.1f} M" if "M" in y_fmt else f"{v:,.0f}")
    shown_risk = (shown_money if in_money(risk_measure) else (lambda v: f"{v * 100:.4g} %"))
    chart.x_axis.title = zoomed(x_title, xb[0] if xb else None, shown_risk)
    chart.y_axis.title = zoomed(y_title, yb[0] if yb else None, shown_money)
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


def group_colour_map(case_groups: list[str], shown: list[str]) -> dict[str, str]:
    """Group -> colour: the case's groups (least to most controlled) on the green-to-red ramp, by
    their place in the case's whole list (so a group has the same colour in every chart, whichever
    groups a chart shows); groups the case does not order get neutral colours."""
    ordered = [g for g in case_groups]
    ramp = _group_colours(len(ordered), True) if ordered else []
    out = {g: c for g, c in zip(ordered, ramp)}
    others = [g for g in shown if g not in out]
    for g, c in zip(others, _group_colours(len(others), False)):
        out[g] = c
    return out


def _solid(series, colour: str) -> None:
    series.graphicalProperties = GraphicalProperties(solidFill=colour)
    series.graphicalProperties.line.solidFill = colour


def _mix_chart(ws_mix, mix: pd.DataFrame, colours: dict[str, str]) -> BarChart:
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
    for s, g in zip(chart.series, groups):
        _solid(s, colours.get(g, "7F7F7F"))
    return chart


def stock_chart(ws, header_row: int, first_col: int, n_series: int, n_rows: int, title: str,
                y_title: str, width_cm: float, height_cm: float) -> LineChart:
    """Lines of stock over time: categories (periods) in first_col, one series per column after it,
    titles in the header row."""
    chart = LineChart()
    chart.title = title
    chart.style = 2
    chart.height, chart.width = height_cm, width_cm
    chart.x_axis.title = "period (0: initial stock)"
    chart.y_axis.title = y_title
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.scaling.min = 0.0
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = max(1, math.ceil(n_rows / 12))
    chart.legend.position = "r"
    data = Reference(ws, min_col=first_col + 1, max_col=first_col + n_series, min_row=header_row,
                     max_row=header_row + n_rows)
    cats = Reference(ws, min_col=first_col, min_row=header_row + 1, max_row=header_row + n_rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for k, s in enumerate(chart.series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        s.smooth = False
        s.marker = Marker(symbol="none")
        s.graphicalProperties = GraphicalProperties()
        s.graphicalProperties.line.solidFill = colour
        s.graphicalProperties.line.width = 22225
        if k >= len(SERIES_COLOURS):
            s.graphicalProperties.line.dashStyle = "dash"
    return chart


def supply_chart(ws, header_row: int, first_col: int, series: list[str], n_rows: int, title: str, y_title: str,
                 colours: dict[str, str], y_max: float | None, width_cm: float, height_cm: float) -> BarChart:
    """Stacked columns per period: one series per origin group (its colour) and the unmet demand."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = title
    chart.style = 2
    chart.height, chart.width = height_cm, width_cm
    chart.x_axis.title = "period"
    chart.y_axis.title = y_title
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.scaling.min = 0.0
    if y_max:
        chart.y_axis.scaling.max = y_max
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = max(1, math.ceil(n_rows / 12))
    chart.legend.position = "b"
    data = Reference(ws, min_col=first_col + 1, max_col=first_col + len(series), min_row=header_row,
                     max_row=header_row + n_rows)
    cats = Reference(ws, min_col=first_col, min_row=header_row + 1, max_row=header_row + n_rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for s, name in zip(chart.series, series):
        _solid(s, colours.get(name, UNMET_COLOUR))
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


# ------------------------------------------------------------------------- stress: time to survive
TTS_CHART_ROWS = 40  # bars at most: the disruptions with the shortest time to survive
TTS_SEGMENTS = (  # (chart-data column, legend, colour)
    ("periods_before_start", "before the disruption starts", "D9D9D9"),
    ("periods_served", "served in full by the network as it stands", "2E8B57"),
    ("periods_served_only_if_redesigned", "served in full only if redesigned", "F2B134"),
    ("periods_not_served", "cannot be served in full (to the horizon)", "C0392B"),
)


def time_to_survive_chart_data(ranking: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Per ranking row (the first ``TTS_CHART_ROWS``, in rank order), the horizon split into
    periods before the start, served by the network, served only if redesigned, not servable;
    the four add up to the horizon."""
    rows = []
    for r in ranking.head(TTS_CHART_ROWS).to_dict("records"):
        start = int(r["start_period"])
        tts = r.get("time_to_survive")
        red = r.get("time_to_survive_redesigned")
        tts = 0 if tts is None or pd.isna(tts) else int(tts)
        red = tts if red is None or pd.isna(red) else max(tts, int(red))
        before = start - 1
        rows.append(dict(zip(["disruption"] + [c for c, _, _ in TTS_SEGMENTS],
                             [str(r["disruption"]), before, tts, red - tts, max(0, horizon - before - red)])))
    return pd.DataFrame(rows, columns=["disruption"] + [c for c, _, _ in TTS_SEGMENTS])


def time_to_survive_chart(ws_data, n_rows: int, horizon: int, period_unit: str = "period") -> BarChart:
    """Horizontal stacked bars, one per disruption (rank 1 at the top), over the periods of the
    horizon: grey before the disruption starts, green the periods the network as it stands serves
    every demand (the time to survive), amber those only a redesigned network serves, red the
    rest; every bar ends at the horizon, which the value axis marks."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    shown = f" (the {n_rows} shortest)" if n_rows >= TTS_CHART_ROWS else ""
    chart.title = f"Time to survive each disruption{shown}"
    chart.style = 2
    chart.width = 24
    chart.height = max(7.5, 2.5 + 0.55 * n_rows)
    unit = period_unit or "period"
    chart.y_axis.title = f"{unit}s from the start of the horizon (it ends after {unit} {horizon})"
    chart.x_axis.title = "disruption, ranked (the shortest time to survive at the top)"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, horizon
    chart.y_axis.majorUnit = 1 if horizon <= 12 else (2 if horizon <= 30 else max(1, round(horizon / 12)))
    chart.y_axis.number_format = "0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
    chart.y_axis.crosses = "max"  # with the categories reversed, keeps the period axis at the bottom
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    last = n_rows + 1
    data = Reference(ws_data, min_col=2, max_col=1 + len(TTS_SEGMENTS), min_row=1, max_row=last)
    cats = Reference(ws_data, min_col=1, min_row=2, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for s, (_, legend, colour) in zip(chart.series, TTS_SEGMENTS):
        s.tx = SeriesLabel(v=legend)
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.graphicalProperties.line.solidFill = "FFFFFF"
    return chart


def add_time_to_survive_chart(ws, ranking: pd.DataFrame, new_sheet, risk_measure: str, period_unit: str) -> None:
    """The stress ranking's chart: its data on a helper sheet ``stress_chart`` (written cell by
    cell), the chart under the ranking on ``ws``; printed, the sheet is landscape and one page wide
    (the ranking's short columns, up to ``min_risk_cost``, and the chart)."""
    from .cells import _write_table
    horizon = int((pd.to_numeric(ranking["start_period"]) + pd.to_numeric(ranking["rest_of_horizon_periods"])).max()
                  - 1)
    data = time_to_survive_chart_data(ranking, horizon)
    ws_data = new_sheet("stress_chart")
    _, data_cols = _write_table(ws_data, data, risk_measure)
    from .notes import annotate_headers, context
    annotate_headers(ws_data, list(data.columns), "stress_chart", context(risk_measure, "", period_unit))
    from .printing import not_printed
    not_printed(ws_data, data_cols)  # the chart's data: the chart on the ranking's page shows it
    chart = time_to_survive_chart(ws_data, len(data), horizon, period_unit)
    first_chart_row = len(ranking) + 4
    ws.add_chart(chart, f"A{first_chart_row}")
    cols = list(ranking.columns)
    last_col = cols.index("min_risk_cost") + 1 if "min_risk_cost" in cols else len(cols)
    chart_rows = int(chart.height / 0.5) + 2  # rows of the default height (15 pt = 0.53 cm)
    ws.print_area = f"A1:{get_column_letter(last_col)}{first_chart_row + chart_rows}"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


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
    chart.x_axis.title = "option (its kind), ranked by value"
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
