"""A workbook's sheets as raw rows: every row a spreadsheet program would read, or the reason why not.

The file is read once (never written). Before openpyxl is asked to read it, the package is checked
(its size, expanded; XML entities in any part) and each worksheet's XML is scanned
(:mod:`.sheetxml`: its size, its references, its merged cells): a file that fails is refused
there, in seconds, without being parsed. openpyxl then reads each sheet whatever range the sheet
declares (a stale ``<dimension ref>`` written by another tool would hide the rows below it).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .cells import TooLong, Uncalculated, _is_blank
from .issues import Report
from .numbercast import tolerant_number_cast
from .package import _SAVE_AS_XLSX, _ZIP_MAGICS, _read_file, _what_file, check_package
from .sheetxml import (ENTITIES, MAX_CELL_CHARS, SHARED_STRINGS, SheetScan, cell_with_shared_string,
                       declares_entities, long_shared_string, scan_sheet, worksheet_parts)


@dataclass
class RawSheet:
    """A worksheet's non-blank rows as (Excel row number, values), header first, and how it is kept."""
    title: str
    rows: list[tuple[int, list]]
    state: str = "visible"  # visible, hidden or veryHidden
    merged: list[str] = field(default_factory=list)  # merged ranges, e.g. "B2:B3"


def _safe_scan(archive: zipfile.ZipFile, part: str, title: str, report: Report) -> SheetScan:
    try:
        return scan_sheet(archive, part, title, report)
    except Exception:  # a damaged part: openpyxl reports it when it reads the sheet
        return SheetScan()


def _check_package(data: bytes, path: Path, report: Report) -> dict[str, SheetScan] | None:
    """Each worksheet's scan by title; None, with the reasons reported, when the file is refused.
    A file that is not a zip, or whose workbook part cannot be found, gives {}: openpyxl says why."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        return {}
    with archive:
        parts = worksheet_parts(archive)
        shared = parts.pop(SHARED_STRINGS, None)
        titles = {part: title for title, part in parts.items()}
        if not check_package(archive, path, report, titles):
            return None
        # a worksheet is scanned whole below; every other XML part's prolog is looked at here
        refused = False
        for name in archive.namelist():
            if name.lower().endswith((".xml", ".rels", ".vml")) and name not in titles:
                if declares_entities(archive, name):
                    refused = True
                    report.error("", "", f"{path}: cannot be read as an .xlsx workbook: its part {name} "
                                 f"{ENTITIES}; expected an .xlsx saved by a spreadsheet program "
                                 f"({_SAVE_AS_XLSX} again)")
        if refused:
            return None
        scans = {title: _safe_scan(archive, part, title, report) for title, part in parts.items()}
        if shared is not None and not any(s.refused for s in scans.values()) and not _check_shared(
                archive, shared, parts, path, report):
            return None
    if any(s.refused for s in scans.values()):
        return None
    return scans


def _check_shared(archive: zipfile.ZipFile, shared: str, parts: dict[str, str], path: Path, report: Report) -> bool:
    """False, reported at the cell that shows it, when a shared text is far longer than a cell can
    hold (openpyxl would build every shared text before a sheet is read)."""
    try:
        index = long_shared_string(archive, shared)
    except Exception:  # a damaged part: openpyxl reports it
        return True
    if index is None:
        return True
    too_long = (f"holds more than {MAX_CELL_CHARS:,} characters, more than a spreadsheet cell can hold; expected "
                f"at most {MAX_CELL_CHARS:,} characters in a cell")
    for title, part in parts.items():
        try:
            where = cell_with_shared_string(archive, part, index)
        except Exception:
            where = None
        if where is not None:
            report.error(title, where, f"the cell {where} {too_long}")
            return False
    report.error("", "", f"{path}: cannot be read as an .xlsx workbook: its shared text number {index + 1} {too_long}")
    return False


def _cell_values(values, f_values, title: str, number: int, report: Report) -> list:
    """A row's values: a formula without its calculated value marked, a too long text reported."""
    values = list(values)
    for j, v in enumerate(values):
        if v is None and f_values is not None and j < len(f_values):
            f = f_values[j]
            if isinstance(f, str) and f.startswith("="):
                values[j] = Uncalculated(f)
        elif isinstance(v, str) and len(v) > MAX_CELL_CHARS:
            report.error(title, f"{get_column_letter(j + 1)}{number}", f"the cell holds {len(v):,} characters, "
                         f"more than a spreadsheet cell can hold; expected at most {MAX_CELL_CHARS:,} characters "
                         "in a cell")
            values[j] = TooLong(len(v))
    return values


def read_raw(path: Path, report: Report) -> dict[str, RawSheet] | None:
    """Each worksheet's rows (blank rows dropped); None, with the reason reported, when the file is
    not an .xlsx workbook that can be read. Never raises for a bad file."""
    data = _read_file(path, report)
    if data is None:
        return None
    scans = _check_package(data, path, report)
    if scans is None:
        return None
    with warnings.catch_warnings(), tolerant_number_cast():
        # openpyxl warns about features it drops (data validation extensions, default styles, ...);
        # they change nothing here, and a warning with openpyxl's own file and line is noise to a user
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            try:
                names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            except Exception:
                names = None
            if data.startswith(_ZIP_MAGICS) and names is not None and any(
                    n.startswith("xl/") and n.endswith(".xml") for n in names):
                report.error("", "", f"{path}: cannot be read as an .xlsx workbook ({exc.__class__.__name__}: {exc}); "
                             f"expected an .xlsx saved by a spreadsheet program ({_SAVE_AS_XLSX} again)")
            else:
                report.error("", "", f"{path}: cannot be read as an .xlsx workbook: {_what_file(data, names)}")
            return None
        try:
            formulas = load_workbook(io.BytesIO(data), data_only=False, read_only=True)
        except Exception:  # pragma: no cover - the first load worked, so this one does too
            formulas = None
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except Exception:  # pragma: no cover - openpyxl has just read it as a zip
            archive = None
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".xlsm", ".xltx", ".xltm"):
            report.warn("", "", f"{path}: named '{path.suffix or '(no extension)'}' but it is an .xlsx workbook; "
                        "read as .xlsx")
        sheets: dict[str, RawSheet] = {}
        try:
            for index, ws in enumerate(wb.worksheets):
                scan = scans.get(ws.title)
                part = getattr(ws, "_worksheet_path", None)
                if scan is None and archive is not None and part:  # the package's map was not readable
                    scan = _safe_scan(archive, part, ws.title, report)
                    if scan.refused:
                        return None
                raw = RawSheet(ws.title, [], getattr(ws, "sheet_state", "visible") or "visible",
                               scan.merged if scan is not None else [])
                sheets[ws.title] = raw
                number = 0
                try:
                    f_ws = formulas.worksheets[index] if formulas is not None else None
                    # every row and column there is, whatever range the sheet declares
                    ws.reset_dimensions()
                    if f_ws is not None:
                        f_ws.reset_dimensions()
                    f_rows = f_ws.iter_rows(values_only=True) if f_ws is not None else None
                    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                        f_values = next(f_rows, None) if f_rows is not None else None
                        values = _cell_values(values, f_values, ws.title, number, report)
                        if all(_is_blank(v) for v in values):
                            continue
                        raw.rows.append((number, values))
                except Exception as exc:  # malformed sheet XML: openpyxl stops inside the row iterator
                    report.error(ws.title, f"A{number + 1}",
                                 f"the sheet cannot be read from row {number + 1} on ({exc.__class__.__name__}: "
                                 f"{exc}); expected a worksheet saved by a spreadsheet program ({_SAVE_AS_XLSX} again)")
        finally:
            wb.close()
            if formulas is not None:
                formulas.close()
            if archive is not None:
                archive.close()
    return sheets
