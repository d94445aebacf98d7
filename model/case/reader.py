"""Reading a case workbook into a checked :class:`Case`, reporting every problem at once.

The file and its sheets are read as raw rows by :mod:`.loading` (the package checked and each
worksheet's XML scanned before openpyxl reads it). Then two passes: ``_parse_sheets`` turns each
row into typed values (:mod:`.cells`: types, ranges, choices and required cells), then
:func:`.builders.build_case` runs one builder per sheet, resolving references between sheets and
applying defaults. Every problem is reported
as ``sheet!cell: what is wrong, what was expected``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries

from .builders import build_case
from .case import Case
from .cells import (Merged, Reported, Row, Uncalculated, _describe, _is_blank, _lower_first, _norm_header,
                    parse_value)
from .issues import CaseError, Report
from .loading import RawSheet, read_raw
from .refs import _INVALID
from .schema import IGNORED_COLUMNS, SHEETS, SHEETS_BY_NAME


# --------------------------------------------------------------------------------------------------
# Pass 1: sheets and rows
# --------------------------------------------------------------------------------------------------

def _mark_merged(spec, sheet: RawSheet, report: Report) -> list[tuple[int, list]]:
    """Report each merged range that holds a value, and mark the cells it covers.

    A merged range keeps its value in its top-left cell only; the cells it covers read as blank,
    which would turn a capacity into 'unlimited' or repeat no id at all. The covered cells are marked
    (read as wrong, already reported) so that they cause no second message.
    """
    rows = [(n, list(v)) for n, v in sheet.rows]
    if spec.free_form or not sheet.merged:
        return rows
    by_number = {n: v for n, v in rows}
    header = rows[0][1] if rows else []
    for ref in sheet.merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if min_col is None or min_row is None or max_col is None or max_row is None:
            continue
        if (max_col - min_col + 1) * (max_row - min_row + 1) <= 1:
            continue
        top = by_number.get(min_row)
        value = top[min_col - 1] if top is not None and min_col - 1 < len(top) else None
        if _is_blank(value):
            continue  # an empty merged range hides no value
        top_left = f"{get_column_letter(min_col)}{min_row}"
        column = _norm_header(header[min_col - 1]) if min_col - 1 < len(header) else ""
        what = f"{column} cells" if column in spec.column_names and min_row != rows[0][0] else "cells"
        report.error(spec.name, top_left, f"{what} {ref} are merged, expected one value in each cell (unmerge them: "
                     f"a merged range's value is in {top_left} only, the cells it covers read as blank)")
        for n in range(min_row, max_row + 1):
            line = by_number.get(n)
            if line is None:
                continue
            for j in range(min_col - 1, min(max_col, len(line))):
                if (n, j) != (min_row, min_col - 1):
                    line[j] = Merged(ref, top_left)
    return rows


def _parse_sheets(raw: dict[str, RawSheet], report: Report) -> dict[str, list[Row]]:
    by_norm: dict[str, str] = {}
    for title, sheet in raw.items():
        norm = _norm_header(title)
        if norm not in SHEETS_BY_NAME:
            report.warn(title, "", f"unknown sheet '{title}' ignored; expected one of "
                        + ", ".join(SHEETS_BY_NAME))
            continue
        if sheet.state != "visible":
            how = "very hidden (only a macro can show it)" if sheet.state == "veryHidden" else "hidden"
            report.warn(title, "", f"sheet '{title}' is {how}; it is read all the same (unhide it to see what is read)")
        if norm in by_norm:
            first = by_norm[norm]
            hidden = [t for t in (first, title) if raw[t].state != "visible"]
            note = f" (sheet '{hidden[0]}' is hidden)" if len(hidden) == 1 else ""
            report.error(title, "", f"sheets '{first}' and '{title}' both read as sheet {norm}{note}, expected one "
                         f"sheet {norm}: delete or rename the other")
            if raw[first].state != "visible" and sheet.state == "visible":
                by_norm[norm] = title  # go on with the visible one, to report what else is wrong
            continue
        by_norm[norm] = title
    parsed: dict[str, list[Row]] = {}
    for spec in SHEETS:
        title = by_norm.get(spec.name)
        if title is None:
            if spec.required:
                report.error(spec.name, "", f"sheet '{spec.name}' is missing, expected a sheet with columns "
                             + ", ".join(spec.column_names))
            parsed[spec.name] = []
            continue
        rows = _mark_merged(spec, raw[title], report)
        if not rows:
            if spec.required:
                report.error(spec.name, "A1", "sheet is empty, expected a header row with "
                             + ", ".join(spec.column_names))
            parsed[spec.name] = []
            continue
        header_number, header = rows[0]
        positions = {}
        unknown: dict[str, str] = {}  # unknown header -> its cell
        for idx, value in enumerate(header):
            name = _norm_header(value)
            if not name:
                continue
            if name in positions:
                report.error(spec.name, f"{get_column_letter(idx + 1)}{header_number}",
                             f"column '{name}' appears twice, expected each column once")
                continue
            positions[name] = idx
            if name in IGNORED_COLUMNS:
                report.warn(spec.name, f"{get_column_letter(idx + 1)}{header_number}",
                            f"column '{name}' ignored: {IGNORED_COLUMNS[name]}")
            elif name not in spec.column_names and not spec.free_form:
                unknown[name] = f"{get_column_letter(idx + 1)}{header_number}"
                report.warn(spec.name, unknown[name], f"unknown column '{name}' ignored")
        if not spec.free_form:
            named = {i for i, value in enumerate(header) if _norm_header(value)}
            first_data: dict[int, int] = {}  # column without a header -> the first row holding data in it
            for n, v in rows[1:]:
                for i, x in enumerate(v):
                    if i not in named and i not in first_data and not _is_blank(x):
                        first_data[i] = n
            for idx, first in sorted(first_data.items()):
                report.warn(spec.name, f"{get_column_letter(idx + 1)}{first}", "data in a column without a header "
                            "ignored; expected a column name in the header row")
        if spec.free_form:
            parsed[spec.name] = [
                Row(spec.name, n, {k: v[i] for k, i in positions.items() if i < len(v)}, {})
                for n, v in rows[1:]]
            continue
        next_free = len(header) + 1
        for col in spec.columns:
            if col.required and col.name not in positions:
                close = difflib.get_close_matches(col.name, list(unknown), n=1, cutoff=0.6)
                hint = f"; is '{close[0]}' ({unknown[close[0]]}) meant to be {col.name}?" if close else ""
                report.error(spec.name, f"{get_column_letter(next_free)}{header_number}",
                             f"missing column '{col.name}', expected it in the header row ({col.note}){hint}")
        if spec.required and len(rows) == 1:
            report.error(spec.name, f"A{header_number + 1}", "sheet has only its header row, expected at least "
                         f"one row of data below it ({spec.name} is required)")
        letters = {name: get_column_letter(i + 1) for name, i in positions.items()}
        out = []
        for number, values in rows[1:]:
            row_values = {}
            for col in spec.columns:
                idx = positions.get(col.name)
                raw_value = values[idx] if idx is not None and idx < len(values) else None
                where = (spec.name, f"{letters.get(col.name, get_column_letter(next_free))}{number}")
                if isinstance(raw_value, Reported):
                    row_values[col.name] = _INVALID  # reported where it was read (merged, too long)
                    continue
                if spec.name == "settings":
                    if isinstance(raw_value, Uncalculated) and col.name == "value":
                        value = raw_value  # reported in _settings, which knows the setting's name
                    elif isinstance(raw_value, Uncalculated):
                        value = parse_value(col, raw_value, where, report)
                    else:
                        value = raw_value.strip() if isinstance(raw_value, str) else raw_value
                else:
                    value = parse_value(col, raw_value, where, report)
                if value is None:
                    if not _is_blank(raw_value):
                        value = _INVALID
                    else:
                        if col.required and col.name in positions:
                            report.error(spec.name, where[1], f"{col.name} is blank, expected "
                                         + _lower_first(col.note).rstrip("."))
                        value = col.default
                if value is not None and value is not _INVALID and col.choices and col.kind == "str":
                    if value.lower() not in col.choices:
                        report.error(spec.name, where[1], f"{col.name} is {_describe(value)}, expected one of "
                                     + ", ".join(col.choices))
                        value = _INVALID
                    else:
                        value = value.lower()
                row_values[col.name] = value
            out.append(Row(spec.name, number, row_values, letters))
        parsed[spec.name] = out
        _check_unique(spec, out, report)
    return parsed


def _check_unique(spec, rows: list[Row], report: Report) -> None:
    if not spec.key:
        return
    seen = {}
    for row in rows:
        key = tuple(row[c] for c in spec.key)
        if any(k is None or k is _INVALID for k in key):
            continue
        norm = tuple(str(k).lower() if isinstance(k, str) else k for k in key)
        if norm in seen:
            report.error(spec.name, row.cell(spec.key[0]),
                         f"{', '.join(spec.key)} {'/'.join(map(str, key))} repeats row {seen[norm]}, expected unique ids")
        else:
            seen[norm] = row.number


def check_workbook(path: str | Path) -> tuple[Case | None, Report]:
    """Read and check a workbook; the case is None when there is any error.

    Never raises for a bad input: a path that is not a readable .xlsx workbook (no such file, a
    directory, an empty, encrypted, .xls or CSV file, ...) is an error in the report, like a bad cell.
    The file is only read, never written.
    """
    report = Report()
    raw = read_raw(Path(path), report)
    if raw is None:
        return None, report
    titles = {_norm_header(t) for t in raw}
    if {"frontier", "run_info"} <= titles and "settings" not in titles:
        report.error("", "", f"{path}: a results workbook (sheets frontier and run_info), not a case; expected the "
                     "case workbook a run reads (sourcing template writes one to fill in)")
        return None, report
    parsed = _parse_sheets(raw, report)
    case = build_case(parsed, report)
    return (case if report.ok else None), report


def read_case(path: str | Path) -> Case:
    """Read a workbook into a checked case; raise CaseError listing every problem."""
    case, report = check_workbook(path)
    if case is None:
        raise CaseError(report)
    return case
