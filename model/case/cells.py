"""One cell of a case workbook: what it holds and its value in a column's kind.

The reader's first pass turns each cell into a typed value with :func:`parse_value`; a cell that
cannot be read as it stands is marked (:class:`Uncalculated`, :class:`Reported`) so that it is
reported once, where it is, and causes no second message later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.cell.cell import ERROR_CODES

from .issues import Report
from .schema import Column

_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


@dataclass
class Row:
    """One data row of a sheet: typed values and where each came from."""
    sheet: str
    number: int  # the Excel row number
    values: dict
    letters: dict  # column name -> column letter

    def cell(self, column: str) -> str:
        return f"{self.letters.get(column, 'A')}{self.number}"

    def __getitem__(self, column: str):
        return self.values.get(column)


def _norm_header(value) -> str:
    return str(value).strip().lower().replace(" ", "_") if value is not None else ""


def _is_blank(value) -> bool:
    # a NaN cell (some programs write NaN in a number cell) is a value, and a wrong one: not blank,
    # or an optional capacity would silently read as 'unlimited'
    return value is None or (isinstance(value, str) and value.strip() == "")


def _describe(value) -> str:
    text = repr(str(value)) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _as_float(number) -> float:
    """A cell's int or float as a float; an int too large for a float is infinite (then reported)."""
    try:
        return float(number)
    except OverflowError:
        return math.copysign(math.inf, number)


MAX_MAGNITUDE = 1e15  # any number of a case (a plant priced in dong is some 1e12); HiGHS reads 1e20 as infinite


def parse_value(col: Column, raw, where: tuple[str, str], report: Report):
    """Convert one cell to the column's kind; report and return None if it cannot be."""
    sheet, cell = where
    if isinstance(raw, Uncalculated):
        report.error(sheet, cell, f"{col.name} is the formula {str(raw)} with no calculated value; expected "
                     "a value (open and save the workbook in Excel or LibreOffice, or type the value)")
        return None
    if _is_blank(raw):
        return None
    kind = col.kind
    if kind == "str":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip()
    if kind == "list":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        items = tuple(p.strip() for p in str(raw).split(",") if p.strip())
        if not items:  # only commas and spaces: not the blank that means "all" or "none"
            report.error(sheet, cell, f"{col.name} is {_describe(raw)}: commas with nothing between them; expected "
                         "names separated by commas, or an empty cell")
            return None
        return items
    if kind == "yesno":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if isinstance(raw, (int, float)):
            text = str(int(raw)) if _as_float(raw).is_integer() else text
        if text in _YES:
            return True
        if text in _NO:
            return False
        report.error(sheet, cell, f"{col.name} is {_describe(raw)}, expected yes or no")
        return None
    if kind == "period" and isinstance(raw, str) and raw.strip() == "*":
        return "*"
    if kind == "gap" and isinstance(raw, str) and raw.strip().lower() == "auto":
        return "auto"
    # numbers: float, int, period
    if isinstance(raw, bool):
        report.error(sheet, cell, f"{col.name} is {raw}, expected a number")
        return None
    if isinstance(raw, (int, float)):
        number = _as_float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        try:
            number = float(text)
        except (ValueError, OverflowError):
            expected = {"period": "a period number or *", "gap": "auto or a number"}.get(kind, "a number")
            hint = ""
            if isinstance(raw, str) and raw.strip().upper() in ERROR_CODES:
                hint = f" (the cell holds the spreadsheet error {raw.strip().upper()}: fix the formula or type the value)"
            report.error(sheet, cell, f"{col.name} is {_describe(raw)}, expected {expected}{hint}")
            return None
        if not (math.isnan(number) or math.isinf(number)):
            report.warn(sheet, cell, f"{col.name} is the text {_describe(raw)}; read as the number {text}")
    if math.isnan(number) or math.isinf(number):
        report.error(sheet, cell, f"{col.name} is {_describe(raw)}, expected a finite number")
        return None
    if abs(number) > MAX_MAGNITUDE:
        report.error(sheet, cell, f"{col.name} is {_fmt(number)}, expected a number of at most {MAX_MAGNITUDE:.0e} "
                     "in size (the solver reads 1e20 and more as infinite; a capacity or limit left blank has none)")
        return None
    if kind in ("int", "period"):
        if not number.is_integer():
            report.error(sheet, cell, f"{col.name} is {raw}, expected a whole number")
            return None
        number = int(number)
    if col.min_value is not None and number < col.min_value:
        op = ">=" if col.min_value is not None else ""
        report.error(sheet, cell, f"{col.name} is {_fmt(number)}, expected a number {op} {_fmt(col.min_value)}")
        return None
    if col.max_value is not None and number > col.max_value:
        report.error(sheet, cell, f"{col.name} is {_fmt(number)}, expected a number <= {_fmt(col.max_value)}")
        return None
    return number


def _lower_first(text: str) -> str:
    """'Site id.' -> 'site id.', but 'ISO code' stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _fmt(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class Uncalculated(str):
    """A formula cell with no cached value (the file was never opened in a spreadsheet program)."""


class Reported:
    """A cell already reported when the sheet was read (merged, too long): read as wrong, no second
    message."""

    def __str__(self) -> str:  # such a header cell reads as no header
        return ""


class Merged(Reported):
    """A cell covered by a merged range: the range's value is in its top-left cell only."""

    def __init__(self, ref: str, top_left: str):
        self.ref, self.top_left = ref, top_left

    def __repr__(self) -> str:
        return f"<merged {self.ref}>"


class TooLong(Reported):
    """A cell holding more text than a spreadsheet cell can (reported where it was read)."""

    def __init__(self, length: int):
        self.length = length

    def __repr__(self) -> str:
        return f"<text of {self.length} characters>"
