"""Cells of the results workbook: values an Excel cell can hold, number formats by column name,
sheet names, column widths, and the small sheets written cell by cell (tables and item/value rows).

Every table sheet has a bold, frozen header row, an auto filter, number formats by column (costs
``#,##0``, shares and risks ``0.0000``, gaps ``0.00%``, quantities ``#,##0.0``) and column widths that
fit the content (at most 60 characters). Missing values (None, NaN, NA, NaT) are empty cells, never
text.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from datetime import date, datetime, time as dtime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..words import SHARE_MEASURES, in_money

MAX_WIDTH = 60          # characters, table columns
MAX_TEXT_WIDTH = 100    # characters, the value column of summary / run_info (long text wraps)
MAX_CELL_CHARS = 32767  # Excel's limit for one cell

HEADER_FONT = Font(name="Calibri", size=11, bold=True)  # a name: LibreOffice falls back to a serif font
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9DB"))
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"

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


SHARE_COLUMNS = (*SHARE_MEASURES, "unmet_share",
                 "cost_difference_share")


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
    if c.endswith("_per_cost"):  # a risk per unit of money: tiny numbers
        return "0.00E+00"
    if c == "risk_reduction":  # a difference of risks: small
        return "#,##0" if in_money(risk_measure) else "0.0000%"
    if "risk" in c and not c.endswith("_cost"):  # min_risk_cost is money; a share risk reads in %
        return "#,##0" if in_money(risk_measure) else "0.00%"
    if c in SHARE_COLUMNS:  # shares of demand or spend, as a person reads them
        return "0.00%"
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
            if fmt in ("0.00%", "0.0000%"):
                return f"{value * 100:.{2 if fmt == '0.00%' else 4}f}%"
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
            if key == "min_risk" and not in_money(risk_measure):  # a share, to a person: in %
                fmt = "0.00%"
            if fmt is None and isinstance(v, float):
                fmt = "#,##0.00" if abs(v) >= 1000 else "0.000000"
            if fmt:
                cell.number_format = fmt
        elif isinstance(v, str) and (len(v) > value_width - 2 or "\n" in v):
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
            # a column of width w holds about 1.1 w characters of running text
            lines = sum(max(1, math.ceil(len(part) / max(1, 1.1 * value_width - 4))) for part in v.split("\n"))
            ws.row_dimensions[i].height = min(409, 15 * lines)
    ws.column_dimensions["A"].width = min(MAX_WIDTH, key_width)
    ws.column_dimensions["B"].width = value_width
    ws.freeze_panes = "A2"
