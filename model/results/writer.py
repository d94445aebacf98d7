"""The results workbook (DESIGN.md §5): write a :class:`Report` to Excel, recognise and read one back,
and draw the frontier as a PNG.

Sheets, in order: ``summary`` (item/value rows), ``frontier`` (one row per point, a native scatter
chart of expected cost against risk and a stacked column chart of the origin mix per point),
``frontiers`` (only with an overlay: every overlaid frontier with a ``label`` column), ``mix`` (the
chart data of the origin mix: nominal purchase volume share by origin group per point), the six
decision tables ``suppliers``, ``processes``, ``routes``, ``stockpile``, ``shortfall``,
``scenarios``, any extra sheets in the order given, and ``run_info`` (item/value rows, ``tool`` =
``sourcing`` first: that row is how :func:`is_results_workbook` knows the file).

Every table sheet has a bold, frozen header row, an auto filter, number formats by column
(costs ``#,##0``, shares and risks ``0.0000``, gaps ``0.00%``, quantities ``#,##0.0``) and column
widths that fit the content (at most 60 characters). Missing values (None, NaN, NA, NaT) are empty
cells, never text. The file is written to a temporary file in the target directory and renamed
over the target (``os.replace``): a reader never sees half a workbook. Whether an existing file may
be replaced is the caller's decision.

Speed: openpyxl spends ~20 us per cell serialising a sheet (without lxml), so the decision tables
(the default case's routes: ~28k rows x 12 columns) took ~10 s to write cell by cell. They and the
extra sheets are therefore written by openpyxl with their header row only, and their rows are
streamed into the saved package here as plain SpreadsheetML (numbers, inline strings, the
number-format styles openpyxl registered): ~0.6 s for the default case's whole workbook. The small
sheets (summary, frontier, frontiers, mix, run_info) and the charts are ordinary openpyxl.
"""

from __future__ import annotations

import io
import json
import math
import numbers
import os
import re
import tempfile
import zipfile
from datetime import date, datetime, time as dtime, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.marker import DataPoint, Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from .report import Report

__all__ = ["write_results", "is_results_workbook", "read_frontier", "write_plot", "sheet_name",
           "number_format", "origin_mix", "TOOL_MARK", "TABLE_SHEETS"]

TOOL_MARK = "sourcing"
TABLE_SHEETS = ("suppliers", "processes", "routes", "stockpile", "shortfall", "scenarios")
MAX_WIDTH = 60          # characters, table columns
MAX_TEXT_WIDTH = 100    # characters, the value column of summary / run_info (long text wraps)
MAX_CELL_CHARS = 32767  # Excel's limit for one cell

HEADER_FONT = Font(name="Calibri", size=11, bold=True)  # a name: LibreOffice falls back to a serif font
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9DB"))
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"

# summary rows: these first, in this order (when known); other keys follow; the knee point last
SUMMARY_HEAD = ["case", "verb", "date", "input_file", "input_sha256", "tool_version", "solver_version",
                "highs_version", "pyomo_version", "python_version", "toggles_applied", "status",
                "risk_measure", "currency", "points", "efficient_points", "min_expected_cost", "min_risk"]
SUMMARY_TAIL = ["knee_point", "knee_plan"]

# chart colours: series of an overlay, and origin groups from least to most controlled
SERIES_COLOURS = ["1F77B4", "D62728", "2CA02C", "FF7F0E", "9467BD", "8C564B", "E377C2", "7F7F7F",
                  "BCBD22", "17BECF"]
KNEE_COLOUR = "C00000"
_MISSING_TEXT = {"nan", "NaN", "None", "NaT", "<NA>"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# --------------------------------------------------------------------------------------------------
# values and formats
# --------------------------------------------------------------------------------------------------

def _clean(value):
    """A value an Excel cell can hold; None for anything missing (None, NaN, inf, NA, NaT, '')."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        if value in _MISSING_TEXT or value == "":
            return None
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value[:MAX_CELL_CHARS] if value else None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (float, np.floating, Decimal)) or isinstance(value, numbers.Real):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, (date, dtime)):
        return value
    if isinstance(value, (timedelta, pd.Timedelta)):
        return value.total_seconds()
    if isinstance(value, (list, tuple)):
        return _clean(", ".join(str(_clean(v)) for v in value if _clean(v) is not None))
    if isinstance(value, (set, frozenset)):
        return _clean(", ".join(sorted(str(v) for v in value)))
    if isinstance(value, dict):
        return _clean(json.dumps(value, default=str))
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return _clean(str(value))


def number_format(column: str, risk_measure: str = "") -> str | None:
    """The Excel number format of a column (or summary item), from its name; None: General.
    Risk columns hold a cost when the risk measure is ``cvar_cost``."""
    c = str(column).lower()
    if c == "mip_gap" or c.endswith("_gap") or c == "gap":
        return "0.00%"
    if (c in ("point", "period", "points", "efficient_points", "suppliers", "knee_point", "rank", "label_point")
            or c.endswith("_period") or c.endswith("_periods") or c.startswith("n_") or c.endswith("_count")
            or c == "periods_survived"):
        return "0"
    if "risk" in c:
        return "#,##0" if risk_measure == "cvar_cost" else "0.0000"
    if any(h in c for h in ("cost", "price", "value", "spend", "penalty")):
        return "#,##0"
    if any(h in c for h in ("share", "shortfall", "exposure", "probability", "cvar", "factor", "alpha")):
        return "0.0000"
    if any(h in c for h in ("quantity", "volume", "level", "unmet", "delivered", "demand", "stock",
                            "capacity", "units")):
        return "#,##0.0"
    if "days" in c:
        return "0.0"
    if c.endswith("_s") or "seconds" in c:
        return "0.00"
    return None


# Excel number format -> the Python format spec that shows a number the same way
_PYTHON_FORMAT = {"#,##0": ",.0f", "#,##0.0": ",.1f", "0.0000": ".4f", "0": ".0f", "0.0": ".1f", "0.00": ".2f"}


def _shown(value, fmt: str | None) -> str:
    """Roughly the text Excel shows for a value in a format (for column widths)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE" if not value else "TRUE"
    if isinstance(value, (int, float)):
        try:
            if fmt == "0.00%":
                return f"{value * 100:.2f}%"
            if fmt in _PYTHON_FORMAT:
                return format(value, _PYTHON_FORMAT[fmt])
        except (ValueError, OverflowError):
            pass
        text = repr(value)
        return text if len(text) <= 11 else f"{value:.6g}"
    if isinstance(value, datetime):
        return "2026-01-01 00:00:00"
    if isinstance(value, date):
        return "2026-01-01"
    return str(value)


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid Excel sheet name (no []:*?/\\, no leading or trailing apostrophe, at most 31
    characters), made unique (case-insensitively) against ``taken``."""
    clean = _BAD_SHEET_CHARS.sub("_", str(name)).strip().strip("'") or "sheet"
    if clean.lower() == "history":  # reserved by Excel
        clean = "history_"
    clean = clean[:31]
    taken_lower = {t.lower() for t in (taken or set())}
    candidate, k = clean, 2
    while candidate.lower() in taken_lower:
        suffix = f"_{k}"
        candidate = clean[:31 - len(suffix)] + suffix
        k += 1
    return candidate


def _columns(df: pd.DataFrame) -> list[list]:
    """The table's cell values column by column, cleaned (fast paths for numeric dtypes)."""
    out = []
    for j in range(df.shape[1]):
        s = df.iloc[:, j]
        numpy_dtype = isinstance(s.dtype, np.dtype)
        if numpy_dtype and s.dtype.kind == "b":
            out.append([bool(v) for v in s.tolist()])
        elif numpy_dtype and s.dtype.kind in "iu":
            out.append([int(v) for v in s.tolist()])
        elif numpy_dtype and s.dtype.kind == "f":
            out.append([v if math.isfinite(v) else None for v in s.tolist()])
        else:  # text and mixed columns repeat a few values: clean each distinct value once
            cache: dict = {}
            cleaned = []
            for v in s.astype(object).tolist():
                try:
                    c = cache[(type(v), v)]
                except KeyError:
                    c = cache[(type(v), v)] = _clean(v)
                except TypeError:  # unhashable
                    c = _clean(v)
                cleaned.append(c)
            out.append(cleaned)
    return out


def _widths(headers: list[str], cols: list[list], formats: list[str | None], cap: int = MAX_WIDTH) -> list[float]:
    widths = []
    for head, values, fmt in zip(headers, cols, formats):
        nums, texts = [], set()
        for v in values:
            if v is None:
                continue
            t = type(v)
            if t is float or t is int:
                nums.append(v)
            else:
                texts.add(v)
        longest = len(str(head)) + 3  # room for the filter button
        if nums:
            longest = max(longest, len(_shown(max(nums), fmt)), len(_shown(min(nums), fmt)))
            if fmt is None:
                longest = max(longest, max(len(_shown(v, None)) for v in nums[:500]))
        if texts:
            longest = max(longest, max(len(_shown(v, fmt)) for v in texts))
        widths.append(float(min(cap, max(6, longest + 2))))
    return widths


def _style_header(cell) -> None:
    cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    cell.alignment = Alignment(vertical="center")


# --------------------------------------------------------------------------------------------------
# sheets written cell by cell (small)
# --------------------------------------------------------------------------------------------------

def _write_table(ws, df: pd.DataFrame, risk_measure: str, start_col: int = 1) -> tuple[int, int]:
    """Header and rows from A1 (or column start_col); returns (last row, last column)."""
    headers = [str(c) for c in df.columns]
    cols = _columns(df)
    formats = [number_format(h, risk_measure) for h in headers]
    for j, head in enumerate(headers):
        _style_header(ws.cell(row=1, column=start_col + j, value=head))
    for j, (values, fmt) in enumerate(zip(cols, formats)):
        col = start_col + j
        for i, v in enumerate(values, start=2):
            if v is None:
                continue
            cell = ws.cell(row=i, column=col, value=v)
            if isinstance(v, (datetime, date)):
                cell.number_format = DATE_FORMAT if isinstance(v, datetime) else "yyyy-mm-dd"
            elif fmt and isinstance(v, (int, float)) and not isinstance(v, bool):
                cell.number_format = fmt
    for j, w in enumerate(_widths(headers, cols, formats)):
        ws.column_dimensions[get_column_letter(start_col + j)].width = w
    last_row, last_col = 1 + len(df), start_col + len(headers) - 1
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"{get_column_letter(start_col)}1:{get_column_letter(last_col)}{max(last_row, 1)}"
    return last_row, last_col


def _write_items(ws, items: list[tuple[str, object]], risk_measure: str) -> None:
    """Two columns, item and value, one row per key (summary, run_info)."""
    for j, head in enumerate(("item", "value"), start=1):
        _style_header(ws.cell(row=1, column=j, value=head))
    key_width = max([len("item") + 2] + [len(str(k)) + 2 for k, _ in items])
    value_width = 12
    for k, v in items:
        value_width = max(value_width, min(MAX_TEXT_WIDTH, len(_shown(_clean(v), number_format(k, risk_measure))) + 2))
    for i, (key, value) in enumerate(items, start=2):
        ws.cell(row=i, column=1, value=str(key)).alignment = Alignment(vertical="top")
        v = _clean(value)
        if v is None:
            continue
        cell = ws.cell(row=i, column=2, value=v)
        cell.alignment = Alignment(horizontal="left", vertical="top")
        if isinstance(v, datetime):
            cell.number_format = DATE_FORMAT
        elif isinstance(v, date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            fmt = number_format(key, risk_measure)
            if fmt is None and isinstance(v, float):
                fmt = "#,##0.00" if abs(v) >= 1000 else "0.000000"
            if fmt:
                cell.number_format = fmt
        elif isinstance(v, str) and (len(v) > value_width - 2 or "\n" in v):
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
            lines = sum(max(1, math.ceil(len(part) / max(1, value_width - 4))) for part in v.split("\n"))
            ws.row_dimensions[i].height = min(409, 15 * lines)
    ws.column_dimensions["A"].width = min(MAX_WIDTH, key_width)
    ws.column_dimensions["B"].width = value_width
    ws.freeze_panes = "A2"


# --------------------------------------------------------------------------------------------------
# sheets streamed into the package (large tables)
# --------------------------------------------------------------------------------------------------

class _StreamedTable:
    """A table sheet whose rows are written as SpreadsheetML after openpyxl saved its header."""

    def __init__(self, wb: Workbook, ws, df: pd.DataFrame, risk_measure: str):
        self.title = ws.title
        headers = [str(c) for c in df.columns] or ["point"]
        self.cols = _columns(df) if len(df.columns) else [[]]
        self.nrows = len(df) if len(df.columns) else 0
        formats = [number_format(h, risk_measure) for h in headers]
        for j, head in enumerate(headers, start=1):
            _style_header(ws.cell(row=1, column=j, value=head))
        for j, w in enumerate(_widths(headers, self.cols, formats), start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = "A2"
        self.last_col = get_column_letter(len(headers))
        self.ref = f"A1:{self.last_col}{self.nrows + 1}"
        ws.auto_filter.ref = self.ref
        # style ids of the number formats, registered in the workbook's style table through
        # detached cells (openpyxl then writes them into styles.xml)
        self.styles = [self._style_id(ws, fmt) if fmt else None for fmt in formats]
        self.datetime_style = self._style_id(ws, DATE_FORMAT)
        self.date_style = self._style_id(ws, "yyyy-mm-dd")
        self.letters = [get_column_letter(j) for j in range(1, len(headers) + 1)]

    @staticmethod
    def _style_id(ws, fmt: str) -> int:
        cell = Cell(ws)
        cell.number_format = fmt
        return cell.style_id

    def _tails(self, j: int) -> list[str | None]:
        """Each cell of column j as the XML that follows its reference (None: an empty cell);
        texts repeat, so each distinct one is escaped once."""
        s = self.styles[j]
        num = f'" s="{s}"><v>' if s is not None else '"><v>'
        cache: dict[str, str] = {}
        out: list[str | None] = []
        for v in self.cols[j]:
            if v is None:
                out.append(None)
            elif type(v) is str:
                tail = cache.get(v)
                if tail is None:
                    space = ' xml:space="preserve"' if v != v.strip() or "\n" in v else ""
                    tail = cache[v] = f'" t="inlineStr"><is><t{space}>{escape(v)}</t></is></c>'
                out.append(tail)
            elif isinstance(v, bool):
                out.append(f'" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                out.append(f"{num}{v!r}</v></c>")
            elif isinstance(v, datetime):
                out.append(f'" s="{self.datetime_style}"><v>{to_excel(v)!r}</v></c>')
            elif isinstance(v, date):
                out.append(f'" s="{self.date_style}"><v>{to_excel(v)!r}</v></c>')
            else:  # a time of day, or anything else: as text
                out.append(f'" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
        return out

    def rows_xml(self) -> str:
        tails = [self._tails(j) for j in range(len(self.cols))]
        heads = [f'<c r="{letter}' for letter in self.letters]
        parts = []
        append = parts.append
        for i in range(self.nrows):
            r = str(i + 2)
            cells = "".join(h + r + t[i] for h, t in zip(heads, tails) if t[i] is not None)
            if cells:
                append(f'<row r="{r}">{cells}</row>')
        return "".join(parts)

    def patch(self, xml: str) -> str:
        """Put the rows into the sheet part openpyxl wrote (header only)."""
        if "</sheetData>" not in xml:
            raise RuntimeError(f"sheet {self.title}: unexpected sheet XML from openpyxl")
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{self.ref}"/>', xml, count=1)
        head, tail = xml.split("</sheetData>", 1)
        return head + self.rows_xml() + "</sheetData>" + tail


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name in the package, from the workbook and its relationships."""
    import xml.etree.ElementTree as ET
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    wb_xml = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in wb_xml.iter(f"{ns_main}sheet"):
        target = targets[sheet.get(f"{ns_rel}id")]
        target = target.lstrip("/")
        out[sheet.get("name")] = target if target.startswith("xl/") else "xl/" + target
    return out


def _save(wb: Workbook, streamed: list[_StreamedTable], path: Path) -> None:
    """Save, stream the large tables' rows into the package, and rename into place."""
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zout:
                parts = _sheet_parts(zin)
                by_part = {parts[t.title]: t for t in streamed}
                for info in zin.infolist():
                    data = zin.read(info.filename)
                    level = 6
                    if info.filename in by_part:
                        data = by_part[info.filename].patch(data.decode("utf-8")).encode("utf-8")
                        level = 3  # large parts: 2-3x faster than 6 for ~15 % more bytes
                    zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# --------------------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------------------

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


def _given_groups(report: Report, summary: dict | None = None) -> list[str]:
    given = ((summary or {}).get("origin_groups") or report.summary.get("origin_groups")
             or report.run_info.get("origin_groups"))
    if isinstance(given, str):
        given = [g.strip() for g in given.split(",") if g.strip()]
    return [str(g) for g in (given or [])]


def origin_groups_order(report: Report, suppliers: pd.DataFrame, summary: dict | None = None) -> list[str]:
    """Origin groups least to most controlled as the case orders them (``origin_groups`` in the
    summary argument, report.summary or report.run_info: a list or a comma-separated string);
    groups it does not name follow in order of first appearance."""
    seen = [str(g) for g in pd.unique(suppliers["origin_group"].dropna())]
    order = [g for g in _given_groups(report, summary) if g in seen]
    return order + [g for g in seen if g not in order]


def origin_mix(report: Report, summary: dict | None = None) -> pd.DataFrame:
    """Per point: share of nominal purchase volume by origin group (columns in group order) and the
    total volume; empty when there is no supplier table."""
    sup = report.tables.get("suppliers")
    if sup is None or sup.empty or not {"point", "origin_group", "volume"} <= set(sup.columns):
        return pd.DataFrame()
    groups = origin_groups_order(report, sup, summary)
    vol = (sup.assign(volume=pd.to_numeric(sup["volume"], errors="coerce").fillna(0.0))
           .groupby(["point", "origin_group"])["volume"].sum().unstack(fill_value=0.0))
    vol = vol.reindex(columns=groups, fill_value=0.0)
    total = vol.sum(axis=1)
    share = vol.div(total.where(total > 0), axis=0)  # no purchases: blank, not 0
    share.columns = [str(c) for c in share.columns]
    share["total_volume"] = total
    return share.reset_index()


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


# --------------------------------------------------------------------------------------------------
# the workbook
# --------------------------------------------------------------------------------------------------

def _summary_items(report: Report, summary: dict | None, overlaid: bool = False) -> list[tuple[str, object]]:
    """The summary rows: the caller's summary over report.summary over what the report gives
    (run_info's input file, hash and versions; headline numbers of the frontier, except for an
    overlay, whose frontier table may hold several labels' points)."""
    fr = report.frontier
    derived: dict[str, object] = {"case": report.case_name, "date": datetime.now().replace(microsecond=0),
                                  "risk_measure": report.risk_measure, "currency": report.currency or None}
    for key in ("input_file", "input_sha256", "tool_version", "solver_version", "highs_version",
                "pyomo_version", "python_version", "toggles_applied", "status", "verb"):
        if report.run_info.get(key) not in (None, ""):
            derived[key] = report.run_info[key]
    if len(fr.columns) and "expected_cost" in fr.columns and not overlaid:
        costs, risks = _numbers(fr, "expected_cost"), _numbers(fr, "risk")
        derived["points"] = len(fr)
        if "efficient" in fr.columns:
            derived["efficient_points"] = int(sum(_efficient_flags(fr)))
        derived["min_expected_cost"] = min(costs) if costs else None
        derived["min_risk"] = min(risks) if risks else None
    derived["knee_point"] = report.knee_point
    derived["knee_plan"] = report.knee_text or None
    merged = {**derived, **(report.summary or {}), **(summary or {})}
    date_value = merged.get("date")
    if isinstance(date_value, str):
        try:
            merged["date"] = datetime.fromisoformat(date_value)
        except ValueError:
            pass
    head = [k for k in SUMMARY_HEAD if k in merged]
    tail = [k for k in SUMMARY_TAIL if k in merged]
    rest = [k for k in merged if k not in head and k not in tail]
    return [(k, merged[k]) for k in head + rest + tail]


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
    _write_items(new_sheet("summary", first=True), _summary_items(report, summary, bool(overlay)), rm)

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
        ordered = set(groups) <= set(_given_groups(report, summary))
        ws_mix = new_sheet("mix")
        _write_table(ws_mix, mix, rm)
        for row in ws_mix.iter_rows(min_row=2, min_col=2, max_col=mix.shape[1] - 1):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0000"
        col = _anchor_right_of(ws_fr, 1, 17) if series else 1
        ws_fr.add_chart(_mix_chart(ws_mix, mix, ordered), f"{get_column_letter(col)}{chart_row}")

    # decision tables and extra sheets: rows streamed into the package after saving
    streamed = []
    tables = report.tables or {}
    for name in TABLE_SHEETS:
        df = tables.get(name)
        streamed.append(_StreamedTable(wb, new_sheet(name), df if df is not None else pd.DataFrame(), rm))
    for name, df in (extra_sheets or {}).items():
        streamed.append(_StreamedTable(wb, new_sheet(name), df if df is not None else pd.DataFrame(), rm))

    # run_info: the tool mark first
    info = [("tool", TOOL_MARK)] + [(str(k), v) for k, v in (report.run_info or {}).items() if str(k) != "tool"]
    _write_items(new_sheet("run_info"), info, rm)

    _save(wb, streamed, path)
    return path


# --------------------------------------------------------------------------------------------------
# reading back
# --------------------------------------------------------------------------------------------------

def is_results_workbook(path: str | os.PathLike) -> bool:
    """True for a workbook written by this tool: sheets frontier and run_info, and a run_info row
    ``tool`` = ``sourcing``."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return False
    try:
        if "frontier" not in wb.sheetnames or "run_info" not in wb.sheetnames:
            return False
        for row in wb["run_info"].iter_rows(min_row=1, max_row=200, max_col=2, values_only=True):
            if row and len(row) >= 2 and row[0] == "tool" and row[1] == TOOL_MARK:
                return True
        return False
    except Exception:
        return False
    finally:
        wb.close()


def _read_table(ws) -> pd.DataFrame:
    """The table from A1 down to the first empty row, across to the first empty header cell."""
    header: list[str] | None = None
    rows = []
    for r in ws.iter_rows(values_only=True):
        if header is None:
            header = []
            for h in r:
                if h is None:
                    break
                header.append(str(h))
            continue
        vals = list(r[:len(header)]) + [None] * max(0, len(header) - len(r))
        if all(v is None for v in vals):
            break
        rows.append(vals)
    df = pd.DataFrame(rows, columns=header or [])
    for c in df.columns:
        values = [v for v in df[c].tolist() if v is not None]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            df[c] = pd.to_numeric(df[c])
    return df


def read_frontier(path: str | os.PathLike) -> tuple[dict, pd.DataFrame]:
    """(summary item -> value, frontier table) of a results workbook written by this tool.
    Raises ValueError when the file is not one."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file; expected a results workbook written by this tool")
    if not is_results_workbook(path):
        raise ValueError(f"{path}: not a results workbook of this tool (expected an .xlsx file with "
                         f"sheets 'frontier' and 'run_info', and a run_info row tool = {TOOL_MARK})")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        summary = {}
        if "summary" in wb.sheetnames:
            for r in wb["summary"].iter_rows(min_row=2, max_col=2, values_only=True):
                if r and r[0] is not None:
                    summary[str(r[0])] = r[1] if len(r) > 1 else None
        frontier = _read_table(wb["frontier"])
    finally:
        wb.close()
    return summary, frontier


# --------------------------------------------------------------------------------------------------
# PNG
# --------------------------------------------------------------------------------------------------

def write_plot(report_or_overlay, png_path: str | os.PathLike, *, risk_measure: str | None = None,
               currency: str | None = None, title: str | None = None) -> Path:
    """A PNG of the frontier (Agg, no pyplot state): efficient points joined in order of risk,
    points that are not efficient hollow, the knee point marked. ``report_or_overlay`` is a Report,
    a frontier DataFrame, or a dict label -> frontier DataFrame (one line per label)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    knee = None
    if isinstance(report_or_overlay, Report):
        frames = {"frontier": report_or_overlay.frontier}
        knee = report_or_overlay.knee_point
        risk_measure = risk_measure or report_or_overlay.risk_measure
        currency = currency if currency is not None else report_or_overlay.currency
        title = title or report_or_overlay.case_name
    elif isinstance(report_or_overlay, pd.DataFrame):
        frames = {"frontier": report_or_overlay}
    elif isinstance(report_or_overlay, dict):
        frames = dict(report_or_overlay)
    else:
        raise TypeError("write_plot: expected a Report, a frontier DataFrame or a dict label -> DataFrame")

    fig = Figure(figsize=(8.5, 5.2), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    single = len(frames) == 1
    any_hollow = False
    for k, (label, df) in enumerate(frames.items()):
        colour = "#" + SERIES_COLOURS[k % len(SERIES_COLOURS)]
        if df is None or df.empty or not {"risk", "expected_cost"} <= set(df.columns):
            continue
        d = df.assign(risk=pd.to_numeric(df["risk"], errors="coerce"),
                      expected_cost=pd.to_numeric(df["expected_cost"], errors="coerce"))
        d = d.dropna(subset=["risk", "expected_cost"])
        flags = pd.Series(_efficient_flags(d), index=d.index)
        eff = d[flags].sort_values(["risk", "expected_cost"])
        other = d[~flags]
        name = "efficient points" if single else str(label)
        ax.plot(eff["risk"], eff["expected_cost"], "-o", color=colour, ms=6, lw=1.8, label=name, zorder=3)
        if len(other):
            any_hollow = True
            ax.plot(other["risk"], other["expected_cost"], "o", mfc="none", mec=colour, ms=7, mew=1.4,
                    zorder=3, label="_nolegend_")
        if "point" in d.columns and single:
            for p, x, y in zip(d["point"], d["risk"], d["expected_cost"]):
                p = _clean(p)
                if p is not None:
                    ax.annotate(str(p), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7,
                                color="#555555")
        if knee is not None and "point" in d.columns:
            hit = d[d["point"].map(_clean) == knee]
            if len(hit):
                ax.plot(hit["risk"].iloc[:1], hit["expected_cost"].iloc[:1], "D", color="#" + KNEE_COLOUR,
                        ms=11, zorder=4, label=f"knee point ({knee})")
    handles, labels = ax.get_legend_handles_labels()
    if any_hollow:
        handles.append(Line2D([], [], ls="none", marker="o", mfc="none", mec="#555555", ms=7))
        labels.append("not efficient (dominated or duplicate)")
    if handles:
        ax.legend(handles, labels, loc="best", fontsize=8, frameon=False)
    ax.set_xlabel(f"risk ({risk_measure})" if risk_measure else "risk")
    ax.set_ylabel(f"expected cost ({currency})" if currency else "expected cost")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if risk_measure == "cvar_cost":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title if len(title) <= 90 else title[:87] + "...", fontsize=10)
    fig.tight_layout()

    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{png_path.stem}.", suffix=".png.tmp", dir=png_path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format="png")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, png_path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return png_path
