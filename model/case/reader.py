"""Reading a case workbook into a checked :class:`Case`, reporting every problem at once.

Two passes: ``_parse_sheets`` turns each row into typed values (checking types, ranges, choices and
required cells), then ``_build_case`` resolves references between sheets and applies defaults.
Every problem is reported as ``sheet!cell: what is wrong, what was expected``.
"""

from __future__ import annotations

import difflib
import io
import math
import re
import stat
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter, range_boundaries

from .case import (Case, Country, Demand, Event, Inventory, Lane, Material, Offer, Policy, Process,
                   Rule, Scenario, ScheduledReceipt, Settings, Site, StorageOption, Substitute)
from .issues import CaseError, Report
from .schema import IGNORED_COLUMNS, SETTINGS_KEYS, SHEETS, SHEETS_BY_NAME, STOCKING_ROLES, Column

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


# --------------------------------------------------------------------------------------------------
# The file itself: what it is, before openpyxl is asked to read it
# --------------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File (CFB/OLE2): .xls, .doc, encrypted OOXML
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _what_file(data: bytes, zip_names: list[str] | None = None) -> str:
    """What a file that openpyxl cannot read is, in a user's words, and what to do about it."""
    if data.startswith(_OLE_MAGIC):
        # a compound file's directory holds its stream names in UTF-16: an encrypted .xlsx (Excel's
        # "Encrypt with Password") is an EncryptionInfo stream and an EncryptedPackage stream
        if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
            return ("it is password-protected (encrypted); expected an unencrypted .xlsx (in Excel: File > Info > "
                    "Protect Workbook > Encrypt with Password, delete the password, save)")
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return f"it is an old Excel 97-2003 (.xls) workbook; expected an .xlsx ({_SAVE_AS_XLSX})"
        return f"it is an OLE compound file (Word, Excel 97-2003 or similar), not an .xlsx; expected an .xlsx ({_SAVE_AS_XLSX})"
    if data.startswith(_ZIP_MAGICS):
        if zip_names is None:
            return "it is a damaged or incomplete zip file; expected an .xlsx workbook saved by a spreadsheet program"
        names = set(zip_names)
        if "xl/workbook.bin" in names:
            return f"it is a binary Excel workbook (.xlsb); expected an .xlsx ({_SAVE_AS_XLSX})"
        if "mimetype" in names or "content.xml" in names:
            return f"it is an OpenDocument file (.ods); expected an .xlsx ({_SAVE_AS_XLSX})"
        if any(n.startswith("word/") for n in names):
            return "it is a Word document; expected an .xlsx case workbook"
        if any(n.startswith("ppt/") for n in names):
            return "it is a PowerPoint file; expected an .xlsx case workbook"
        return "it is a zip file without an Excel workbook inside; expected an .xlsx case workbook"
    if data.startswith(b"%PDF"):
        return "it is a PDF document; expected an .xlsx case workbook"
    head = data[:65536]
    text = None
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(codec, errors="replace")
            break
    if text is None and b"\x00" not in head:
        text = head.decode("utf-8", errors="replace")
    if text is not None:
        start = text.lstrip()[:2000].lower()
        if start.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in start:
                kind = "an XML Spreadsheet 2003 file"
            elif "<html" in start or "<table" in start or "<!doctype html" in start:
                kind = "an HTML page (what many 'Export to Excel' buttons write)"
            else:
                kind = "an XML or HTML text file"
            return f"it is {kind}; expected an .xlsx ({_SAVE_AS_XLSX})"
        first = text.splitlines()[0] if text.splitlines() else ""
        if any(sep in first for sep in (",", ";", "\t")):
            return f"it is a text (CSV) file; expected an .xlsx ({_SAVE_AS_XLSX})"
        return "it is a text file; expected an .xlsx case workbook"
    return f"it is not a spreadsheet (it starts with the bytes {data[:8].hex(' ')}); expected an .xlsx case workbook"


def _read_file(path: Path, report: Report) -> bytes | None:
    """The file's bytes (read once, never written), or None with the reason reported."""
    def bad(message: str) -> None:
        report.error("", "", f"{path}: {message}")
        return None

    try:
        info = path.stat()
    except FileNotFoundError:
        return bad("no such file, expected an .xlsx case workbook")
    except OSError as exc:
        return bad(f"cannot be opened ({exc.strerror or exc}), expected a readable .xlsx case workbook")
    if stat.S_ISDIR(info.st_mode):
        return bad("is a directory, expected an .xlsx case workbook file")
    if not stat.S_ISREG(info.st_mode):
        return bad("is not a regular file (a device, pipe or socket), expected an .xlsx case workbook file")
    if info.st_size == 0:
        return bad("cannot be read as an .xlsx workbook: the file is empty (0 bytes); expected an .xlsx case "
                   "workbook (was it copied or saved completely?)")
    try:
        return path.read_bytes()
    except OSError as exc:
        return bad(f"cannot be opened ({exc.strerror or exc}), expected a readable .xlsx case workbook")


def _tolerant_cast_number(original):
    """openpyxl's number cast, tolerant of what other programs write in a number cell.

    openpyxl 3.1 reads a number cell's text with ``int()`` or ``float()`` and raises from inside the
    row iterator on ``NaN``, ``INF`` or ``1,5`` (some writers put these in number cells): the whole
    sheet would be lost and the cell unknown. Here ``NaN`` and ``INF`` read as the floats they name
    (the reader then says 'expected a finite number' at the cell) and other text reads as text
    ('expected a number' at the cell). A cell openpyxl reads is read exactly as before.
    """
    def cast(value):
        try:
            return original(value)
        except (ValueError, OverflowError):
            try:
                return float(value)
            except (ValueError, OverflowError):
                return str(value)
    cast._sourcing_tolerant = True
    return cast


def _install_tolerant_number_cast() -> None:
    try:
        from openpyxl.worksheet import _reader
    except ImportError:  # pragma: no cover - another openpyxl layout: the per-sheet guard still holds
        return
    original = getattr(_reader, "_cast_number", None)
    if callable(original) and not getattr(original, "_sourcing_tolerant", False):
        _reader._cast_number = _tolerant_cast_number(original)


_install_tolerant_number_cast()

_MERGE_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([^"]*)"')


@dataclass
class RawSheet:
    """A worksheet's non-blank rows as (Excel row number, values), header first, and how it is kept."""
    title: str
    rows: list[tuple[int, list]]
    state: str = "visible"  # visible, hidden or veryHidden
    merged: list[str] = field(default_factory=list)  # merged ranges, e.g. "B2:B3"


class Merged:
    """A cell covered by a merged range: the range's value is in its top-left cell only."""

    def __init__(self, ref: str, top_left: str):
        self.ref, self.top_left = ref, top_left

    def __str__(self) -> str:  # a merged header cell reads as no header
        return ""

    def __repr__(self) -> str:
        return f"<merged {self.ref}>"


def _merged_ranges(archive: zipfile.ZipFile | None, ws) -> list[str]:
    part = getattr(ws, "_worksheet_path", None)
    if archive is None or not part:
        return []
    try:
        xml = archive.read(part)
    except Exception:  # a part that cannot be read is reported when its rows are read
        return []
    return [m.group(1).decode("ascii", "replace") for m in _MERGE_RE.finditer(xml)]


def _read_raw(path: Path, report: Report) -> dict[str, RawSheet] | None:
    """Each worksheet's rows (trailing blank rows dropped); None, with the reason reported, when the
    file is not an .xlsx workbook that can be read. Never raises for a bad file."""
    data = _read_file(path, report)
    if data is None:
        return None
    with warnings.catch_warnings():
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
                raw = RawSheet(ws.title, [], getattr(ws, "sheet_state", "visible") or "visible",
                               _merged_ranges(archive, ws))
                sheets[ws.title] = raw
                number = 0
                try:
                    f_ws = formulas.worksheets[index] if formulas is not None else None
                    f_rows = f_ws.iter_rows(values_only=True) if f_ws is not None else None
                    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                        f_values = next(f_rows, None) if f_rows is not None else None
                        values = list(values)
                        if f_values is not None:
                            for j, (v, f) in enumerate(zip(values, f_values)):
                                if v is None and isinstance(f, str) and f.startswith("="):
                                    values[j] = Uncalculated(f)
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


# --------------------------------------------------------------------------------------------------
# Pass 1: sheets and rows
# --------------------------------------------------------------------------------------------------

class Uncalculated(str):
    """A formula cell with no cached value (the file was never opened in a spreadsheet program)."""


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
                if isinstance(raw_value, Merged):
                    row_values[col.name] = _INVALID  # reported at the merged range
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


class _Invalid:
    """Marks a cell that was reported as wrong, so later checks do not pile on."""
    def __repr__(self):
        return "<invalid>"


_INVALID = _Invalid()


def _ok(*values) -> bool:
    return all(v is not _INVALID for v in values)


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


# --------------------------------------------------------------------------------------------------
# Pass 2: the case
# --------------------------------------------------------------------------------------------------

def _settings(rows: list[Row], report: Report) -> Settings | None:
    values: dict = {}
    value_cell: dict[str, str] = {}
    for row in rows:
        key = row["key"]
        if key is None or key is _INVALID:
            continue
        key_norm = str(key).strip().lower()
        col = SETTINGS_KEYS.get(key_norm)
        if col is None:
            report.warn("settings", row.cell("key"), f"unknown setting '{key}' ignored; expected one of "
                        + ", ".join(SETTINGS_KEYS))
            continue
        value_cell[key_norm] = row.cell("value")
        if row["value"] is _INVALID:  # reported where it was read
            values[key_norm] = _INVALID
            continue
        value = parse_value(col, row["value"], ("settings", row.cell("value")), report)
        if value is None and not _is_blank(row["value"]):
            values[key_norm] = _INVALID
            continue
        if value is not None and col.choices:
            if str(value).lower() not in col.choices:
                report.error("settings", row.cell("value"), f"{key_norm} is {_describe(value)}, expected one of "
                             + ", ".join(col.choices))
                values[key_norm] = _INVALID
                continue
            value = str(value).lower()
        values[key_norm] = value
    for name, col in SETTINGS_KEYS.items():
        if values.get(name) is None:
            if col.required:
                report.error("settings", "", f"setting '{name}' is missing, expected a row with key {name} ({col.note})")
                values[name] = _INVALID
            else:
                values[name] = col.default
    groups = values["origin_groups"]
    if _ok(groups):
        lowered = [g.lower() for g in groups]
        if len(set(lowered)) != len(lowered):
            report.error("settings", value_cell.get("origin_groups", ""),
                         f"origin_groups {', '.join(groups)} repeats a group, expected distinct groups")
        if "*" in groups:
            report.error("settings", value_cell.get("origin_groups", ""), "origin_groups contains *, expected group names")
    if _ok(values["cvar_alpha"]) and values["cvar_alpha"] is not None and values["cvar_alpha"] <= 0:
        report.error("settings", value_cell.get("cvar_alpha", ""), f"cvar_alpha is {values['cvar_alpha']}, expected a number strictly between 0 and 1")
    if not all(_ok(v) for v in values.values()):
        return None
    return Settings(
        case_name=values["case_name"], periods=int(values["periods"]), period_unit=values["period_unit"],
        currency=values["currency"], origin_groups=tuple(groups), risk_measure=values["risk_measure"],
        cvar_alpha=float(values["cvar_alpha"]), frontier_points=int(values["frontier_points"]),
        time_limit_s=float(values["time_limit_s"]),
        mip_gap=None if values["mip_gap"] == "auto" else float(values["mip_gap"]))


class _Refs:
    """Case-insensitive id lookup that reports a missing reference where it is made."""

    def __init__(self, kind: str, ids, report: Report, invalid_ids=(), sheet_reported: bool = False):
        self.kind = kind
        self.ids = {str(i).lower(): i for i in ids}
        # ids whose defining row has another bad cell: already reported there, so a use is not an error
        self.invalid_ids = {str(i).lower() for i in invalid_ids}
        # the defining sheet is missing or empty, which is reported: every use would repeat it
        self.sheet_reported = sheet_reported and not self.ids
        self.report = report

    def __contains__(self, item) -> bool:
        return isinstance(item, str) and item.lower() in self.ids

    def get(self, row: Row, column: str, value=None, required=True):
        value = row[column] if value is None else value
        if value is None:
            return None
        if value is _INVALID:
            return _INVALID
        found = self.ids.get(str(value).lower())
        if found is None and (self.sheet_reported or str(value).lower() in self.invalid_ids):
            return _INVALID
        if found is None:
            hint = ", ".join(list(self.ids.values())[:12]) + (", ..." if len(self.ids) > 12 else "")
            self.report.error(row.sheet, row.cell(column),
                              f"{column} '{value}' is not a known {self.kind}, expected one of: {hint or '(none defined)'}")
            return _INVALID
        return found


def _expand_materials(items, row: Row, column: str, materials: dict, report: Report, invalid=frozenset()):
    """Materials named directly or through a group; '*' = every material.

    A name in `invalid` is a material whose own row has a bad cell (reported there): the expansion is
    invalid without a second message.
    """
    if not items:
        return ()
    if "*" in items:
        return tuple(materials)
    by_lower = {m.lower(): m for m in materials}
    invalid_lower = {m.lower() for m in invalid}
    out = []
    for item in items:
        low = item.lower()
        if low in by_lower:
            out.append(by_lower[low])
            continue
        members = [m for m, mat in materials.items() if low in (g.lower() for g in mat.groups)]
        if not members and low in invalid_lower:
            return _INVALID
        if members:
            out.extend(members)
        else:
            report.error(row.sheet, row.cell(column),
                         f"{column} names '{item}', which is neither a material nor a material group, expected "
                         "a material id or a group tag of the materials sheet")
            return _INVALID
    return tuple(dict.fromkeys(out))


def _event_target(target: str, pools) -> list[tuple[str, str]]:
    """Every (kind of thing, id) an outage or price target could name, case-insensitively; a lane
    is written from_site>to_site (spaces around > allowed)."""
    low = target.lower()
    a, sep, b = low.partition(">")
    as_lane = f"{a.strip()}>{b.strip()}" if sep else low
    found = []
    for what, pool in pools:
        key = as_lane if what == "lane" else low
        hit = next((name for name in pool if name.lower() == key), None)
        if hit is not None:
            found.append((what, hit))
    return found


def _unbuilt(rows: list[Row], column: str, built) -> set:
    """Ids written in ``rows`` whose row was not built (it has a bad cell, reported there)."""
    return {r[column] for r in rows if isinstance(r[column], str)} - set(built)


# --------------------------------------------------------------------------------------------------
# The levers' sheets: scheduled receipts, storage options, substitutes (one builder per sheet)
# --------------------------------------------------------------------------------------------------

def _stocking_site(row: Row, site, sites: dict, report: Report) -> bool:
    if sites[site].role in STOCKING_ROLES:
        return True
    report.error(row.sheet, row.cell("site"), f"site {site} has role {sites[site].role}, expected a stocking "
                 "site (role own or warehouse)")
    return False


def _build_receipts(rows: list[Row], site_refs, material_refs, sites, group_ref, period_ok, groups,
                    report: Report) -> tuple[ScheduledReceipt, ...]:
    """scheduled_receipts: open orders arriving at a stocking site, in every scenario."""
    out = []
    for row in rows:
        v = row.values
        site = site_refs.get(row, "site")
        mat = material_refs.get(row, "material")
        g = group_ref(row, "origin_group")
        if not (_ok(site, mat, g, *v.values()) and site and mat and v["period"] is not None):
            continue
        if not _stocking_site(row, site, sites, report) or not period_ok(row, "period", v["period"]):
            continue
        out.append(ScheduledReceipt(site, mat, int(v["period"]), float(v["quantity"] or 0.0),
                                    g or (groups[-1] if groups else "")))
    return tuple(out)


def _build_storage_options(rows: list[Row], site_refs, sites, materials, invalid_materials, inventories,
                           invalid_inventories, T, report: Report) -> dict[str, StorageOption]:
    """storage_options: room at a stocking site, shared by the named materials that have an
    inventory row there."""
    out = {}
    for row in rows:
        v = row.values
        site = site_refs.get(row, "site")
        if not (_ok(site, *v.values()) and site and v["option"] and v["extra_max_stock"] is not None):
            continue
        if not _stocking_site(row, site, sites, report):
            continue
        named = v["material"] or "*"
        mats = _expand_materials((named,), row, "material", materials, report, invalid_materials)
        if mats is _INVALID:
            continue
        stocked = tuple(m for m in mats if (site, m) in inventories)
        if not stocked and any((site, m) in invalid_inventories for m in mats):
            continue  # its inventory row has a bad cell, reported there
        if named.lower() in {m.lower() for m in materials} and not stocked:
            report.error("storage_options", row.cell("material"), f"material {mats[0]} has no inventory row at "
                         f"site {site}, expected a material stocked there (add its inventory row)")
            continue
        if not stocked:
            report.error("storage_options", row.cell("material"), f"material '{named}' names no material with an "
                         f"inventory row at site {site}, expected a material, group or * stocked there")
            continue
        build = v["build_periods"] or 0
        if T is not None and build >= T:
            report.warn("storage_options", row.cell("build_periods"), f"build_periods {build} leaves no period of "
                        f"the {T}-period horizon in which the room exists")
        if all(inventories[(site, m)].max_stock is None for m in stocked):
            report.warn("storage_options", row.cell("extra_max_stock"), f"every material it names has a blank "
                        f"(unlimited) max_stock at {site}: the room adds nothing")
        out[v["option"]] = StorageOption(v["option"], site, stocked, float(v["extra_max_stock"]),
                                         float(v["cost"] or 0.0), int(build))
    return out


def _build_substitutes(rows: list[Row], material_refs, demands, T, report: Report) -> tuple[Substitute, ...]:
    """substitutes: a demand material served in part by another material."""
    out = []
    demanded = {d.material for d in demands}
    for row in rows:
        v = row.values
        dm = material_refs.get(row, "demand_material")
        sub = material_refs.get(row, "substitute")
        if not (_ok(dm, sub, *v.values()) and dm and sub):
            continue
        if dm == sub:
            report.error("substitutes", row.cell("substitute"), f"substitute {sub} is its demand material, expected "
                         "another material")
            continue
        per_unit = 1.0 if v["per_unit"] is None else float(v["per_unit"])
        if per_unit <= 0:
            report.error("substitutes", row.cell("per_unit"), f"per_unit is {_fmt(per_unit)}, expected a number > 0 "
                         "(units of substitute per unit of demand served)")
            continue
        if dm not in demanded:
            report.warn("substitutes", row.cell("demand_material"), f"no demand row asks for {dm}: this "
                        "substitute serves nothing")
        q = v["qualification_periods"] or 0
        if T is not None and q >= T:
            report.warn("substitutes", row.cell("qualification_periods"), f"qualification_periods {q} leaves no "
                        f"period of the {T}-period horizon in which the substitute can serve")
        out.append(Substitute(dm, sub, per_unit, 1.0 if v["max_share"] is None else float(v["max_share"]),
                              int(q), float(v["qualification_cost"] or 0.0)))
    return tuple(out)


def _build_case(p: dict[str, list[Row]], report: Report) -> Case | None:
    settings = _settings(p["settings"], report)
    T = settings.periods if settings else None
    groups = settings.origin_groups if settings else ()
    group_lookup = {g.lower(): g for g in groups}

    def group_ref(row: Row, column: str, value=None):
        value = row[column] if value is None else value
        if value is None or value is _INVALID:
            return value
        if settings is None:  # the settings are wrong (reported): the groups cannot be checked
            return value
        g = group_lookup.get(str(value).lower())
        if g is None:
            report.error(row.sheet, row.cell(column),
                         f"{column} '{value}' is not a declared origin group, expected one of: " + ", ".join(groups))
            return _INVALID
        return g

    def period_ok(row: Row, column: str, value) -> bool:
        if value is None or value is _INVALID or T is None:
            return True
        if value > T:
            report.error(row.sheet, row.cell(column), f"{column} is {value}, expected a period within 1..{T}")
            return False
        return True

    countries, invalid_countries = {}, set()
    for row in p["countries"]:
        if row["country"] is None or not _ok(row["country"]):
            continue
        g = group_ref(row, "origin_group")
        if _ok(g, *row.values.values()) and g is not None:
            countries[row["country"]] = Country(row["country"], row["name"] or row["country"], g)
        else:
            invalid_countries.add(row["country"])
    country_refs = _Refs("country", countries, report, invalid_countries, sheet_reported=not p["countries"])

    materials, invalid_materials = {}, set()
    for row in p["materials"]:
        if row["material"] is None or not _ok(row["material"]):
            continue
        if not _ok(*row.values.values()):
            invalid_materials.add(row["material"])
            if isinstance(row["groups"], tuple):  # a rule naming its group is no second problem
                invalid_materials.update(row["groups"])
            continue
        materials[row["material"]] = Material(row["material"], row["name"] or row["material"],
                                              row["stage"], row["unit"] or "t", tuple(row["groups"] or ()))
    material_refs = _Refs("material", materials, report, invalid_materials, sheet_reported=not p["materials"])

    sites, invalid_sites, invalid_owners = {}, set(), set()
    for row in p["sites"]:
        if row["site"] is None or not _ok(row["site"]):
            continue
        c = country_refs.get(row, "country")
        if _ok(c, *row.values.values()) and c is not None and row["role"] is not None:
            sites[row["site"]] = Site(row["site"], row["name"] or row["site"], c,
                                      row["owner"] or row["site"], row["role"])
        else:
            invalid_sites.add(row["site"])
            if row["owner"] is not _INVALID:
                invalid_owners.add(str(row["owner"] or row["site"]).lower())
    site_refs = _Refs("site", sites, report, invalid_sites, sheet_reported=not p["sites"])
    owners = {s.owner for s in sites.values()}

    offers = {}
    for row in p["offers"]:
        v = row.values
        site = site_refs.get(row, "site")
        mat = material_refs.get(row, "material")
        origin = country_refs.get(row, "origin_country") if v["origin_country"] else None
        if not (_ok(site, mat, origin, *v.values()) and v["offer"] and site and mat):
            continue
        cap = v["capacity_per_period"]
        min_q = v["min_per_period"] or 0.0
        if cap is not None and min_q > cap:
            report.error("offers", row.cell("min_per_period"),
                         f"min_per_period is {_fmt(min_q)}, expected at most capacity_per_period ({_fmt(cap)})")
            continue
        if v["spot"] and (min_q > 0 or (v["fixed_cost"] or 0) > 0):
            report.warn("offers", row.cell("spot"), "a spot offer needs no contract: its min_per_period and "
                        "fixed_cost are ignored")
            min_q = 0.0
        if v["qualified"] and (v["qualification_periods"] or v["qualification_cost"]):
            report.warn("offers", row.cell("qualified"), "offer is qualified: qualification_periods and "
                        "qualification_cost are ignored")
        if T is not None and (v["lead_time"] or 0) >= T:
            report.warn("offers", row.cell("lead_time"), f"lead_time {v['lead_time']} leaves no period in which "
                        f"an order can arrive within the {T}-period horizon")
        offers[v["offer"]] = Offer(
            offer=v["offer"], site=site, material=mat, price=v["price"], capacity_per_period=cap,
            min_per_period=min_q, fixed_cost=0.0 if v["spot"] else (v["fixed_cost"] or 0.0),
            lead_time=v["lead_time"] or 0, qualified=bool(v["qualified"]),
            qualification_periods=0 if v["qualified"] else (v["qualification_periods"] or 0),
            qualification_cost=0.0 if v["qualified"] else (v["qualification_cost"] or 0.0),
            origin_country=origin or sites[site].country, spot=bool(v["spot"]))

    inputs: dict[str, list] = {}
    process_ids = {row["process"] for row in p["processes"] if row["process"] and _ok(row["process"])}
    process_refs = _Refs("process", process_ids, report)
    for row in p["process_inputs"]:
        proc = process_refs.get(row, "process")
        mat = material_refs.get(row, "input")
        if _ok(proc, mat, row["per_unit_output"]) and proc and mat and row["per_unit_output"] is not None:
            inputs.setdefault(proc, []).append((mat, float(row["per_unit_output"])))

    coproducts: dict[str, list] = {}
    for row in p.get("process_coproducts", []):
        proc = process_refs.get(row, "process")
        mat = material_refs.get(row, "material")
        if _ok(proc, mat, row["per_unit_output"]) and proc and mat and row["per_unit_output"] is not None:
            if any(m == mat for m, _ in inputs.get(proc, ())):
                report.error("process_coproducts", row.cell("material"), f"co-product {mat} of process {proc} is "
                             "also one of its inputs, expected a material other than the process's inputs")
                continue
            coproducts.setdefault(proc, []).append((mat, float(row["per_unit_output"]), row))

    processes = {}
    for row in p["processes"]:
        v = row.values
        site = site_refs.get(row, "site")
        out = material_refs.get(row, "output")
        tech_origin = country_refs.get(row, "technology_origin") if v["technology_origin"] else None
        if not (_ok(site, out, tech_origin, *v.values()) and v["process"] and site and out):
            continue
        if any(m == out for m, _ in inputs.get(v["process"], ())):
            report.error("processes", row.cell("output"), f"process {v['process']} has its output {out} as an input, "
                         "expected inputs other than the output")
            continue
        made_too = coproducts.get(v["process"], ())
        clash = [r for m, _, r in made_too if m == out]
        if clash:
            report.error("process_coproducts", clash[0].cell("material"), f"co-product {out} of process "
                         f"{v['process']} is its output, expected a material other than the output")
            continue
        if T is not None and not v["exists"] and (v["build_periods"] or 0) >= T:
            report.warn("processes", row.cell("build_periods"), f"build_periods {v['build_periods']}: the process "
                        f"could only produce after the {T}-period horizon")
        processes[v["process"]] = Process(
            process=v["process"], site=site, output=out, capacity_per_period=v["capacity_per_period"],
            cost_per_unit=v["cost_per_unit"] or 0.0, exists=bool(v["exists"]),
            build_cost=0.0 if v["exists"] else (v["build_cost"] or 0.0),
            build_periods=0 if v["exists"] else (v["build_periods"] or 0),
            technology=v["technology"] or "", technology_origin=tech_origin or "",
            inputs=tuple(inputs.get(v["process"], ())),
            coproducts=tuple((m, ratio) for m, ratio, _ in made_too))

    lanes = []
    for row in p["lanes"]:
        v = row.values
        a = site_refs.get(row, "from_site")
        b = site_refs.get(row, "to_site")
        if not _ok(v["materials"]):  # a list cell reported as wrong (a formula without value, merged)
            continue
        mats = _expand_materials(v["materials"] or ("*",), row, "materials", materials, report, invalid_materials)
        if not (_ok(a, b, mats, *v.values()) and a and b):
            continue
        if a == b:
            report.error("lanes", row.cell("to_site"), f"lane from {a} to itself, expected two different sites")
            continue
        lanes.append(Lane(a, b, mats, v["cost_per_unit"] or 0.0, v["lead_time"] or 0, v["capacity_per_period"]))

    demands = []
    for row in p["demand"]:
        v = row.values
        site = site_refs.get(row, "site")
        mat = material_refs.get(row, "material")
        maxg = group_ref(row, "max_origin_group")
        if not (_ok(site, mat, maxg, *v.values()) and site and mat and v["period"] is not None):
            continue
        if v["period"] != "*" and not period_ok(row, "period", v["period"]):
            continue
        periods = range(1, (T or 0) + 1) if v["period"] == "*" else [v["period"]]
        for t in periods:
            demands.append(Demand(f"{site}/{mat}/r{row.number}", site, mat, int(t), float(v["quantity"] or 0.0),
                                  float(v["shortfall_penalty"] or 0.0), maxg))

    inventories = {}
    for row in p["inventory"]:
        v = row.values
        site = site_refs.get(row, "site")
        mat = material_refs.get(row, "material")
        g = group_ref(row, "initial_origin_group")
        clean = group_ref(row, "max_origin_group")
        if not (_ok(site, mat, g, clean, *v.values()) and site and mat):
            continue
        if sites[site].role not in STOCKING_ROLES:
            report.error("inventory", row.cell("site"), f"site {site} has role {sites[site].role}, expected a "
                         "stocking site (role own or warehouse)")
            continue
        init = v["initial_stock"] or 0.0
        end_min = init if v["end_stock_min"] is None else v["end_stock_min"]
        max_s = v["max_stock"]
        bad = False
        # max_stock bounds end-of-period stock (DESIGN §4): a start above it is allowed when the
        # stock may fall below it by the end of period 1, i.e. when end_stock_min is set at or below it
        checks = [("min_stock", v["min_stock"] or 0.0), ("end_stock_min", v["end_stock_min"] or 0.0)]
        if v["end_stock_min"] is None:
            checks.insert(0, ("initial_stock", init))  # it is also the default end_stock_min
        for col, val in checks:
            if max_s is not None and val > max_s + 1e-9:
                report.error("inventory", row.cell(col), f"{col} is {_fmt(val)}, expected at most max_stock ({_fmt(max_s)})")
                bad = True
        if not bad and max_s is not None and init > max_s + 1e-9:
            report.warn("inventory", row.cell("initial_stock"), f"initial_stock is {_fmt(init)}, above max_stock "
                        f"({_fmt(max_s)}): the stock must come down to max_stock by the end of period 1")
        if clean is not None and settings is not None:
            rank = {grp: i for i, grp in enumerate(groups)}
            if g is None and init > 0:
                report.error("inventory", row.cell("initial_origin_group"), "initial_origin_group is blank (read "
                             f"as the most controlled group, {groups[-1]}) but the stock is held under "
                             f"max_origin_group {clean}, expected the initial stock's group, {clean} or cleaner")
                bad = True
            elif g is not None and rank[g] > rank[clean]:
                report.error("inventory", row.cell("initial_origin_group"), f"initial_origin_group {g} is more "
                             f"controlled than max_origin_group {clean}, expected {clean} or a cleaner group")
                bad = True
            g = g or clean  # no initial stock: its group does not matter
        if bad:
            continue
        if v["end_stock_value"] is not None:
            end_value = float(v["end_stock_value"])
        else:  # what a unit costs to put back: the material's cheapest offer, 0 where none is offered
            prices = [o.price for o in offers.values() if o.material == mat and isinstance(o.price, (int, float))]
            end_value = min(prices) if prices else 0.0
        inventories[(site, mat)] = Inventory(site, mat, init, g or (groups[-1] if groups else ""), max_s,
                                             v["holding_cost_per_period"] or 0.0, v["min_stock"] or 0.0, end_min,
                                             clean, end_value)

    rules = {}
    for row in p["controls"]:
        v = row.values
        issuer = country_refs.get(row, "issuer")
        if not _ok(v["technologies"], v["materials"], v["to_countries"], v["to_owners"]):
            continue  # a list cell reported as wrong (a formula without value, merged)
        techs = tuple(v["technologies"] or ())
        mats = () if techs else _expand_materials(v["materials"] or ("*",), row, "materials", materials, report, invalid_materials)
        to_c = tuple(v["to_countries"] or ())
        if to_c and "*" not in to_c:
            resolved = tuple(country_refs.get(row, "to_countries", c) for c in to_c)
            to_c = resolved if _ok(*resolved) else _INVALID
        elif to_c:
            to_c = ("*",)
        to_o = tuple(v["to_owners"] or ())
        if to_o and "*" not in to_o:
            owner_lookup = {o.lower(): o for o in owners}
            resolved = []
            for o in to_o:
                if o.lower() not in owner_lookup and o.lower() in invalid_owners:
                    resolved.append(_INVALID)  # its site's row has a bad cell, reported there
                elif o.lower() not in owner_lookup:
                    report.error("controls", row.cell("to_owners"), f"to_owners names '{o}', which owns no site, "
                                 "expected an owner from the sites sheet")
                    resolved.append(_INVALID)
                else:
                    resolved.append(owner_lookup[o.lower()])
            to_o = tuple(resolved) if _ok(*resolved) else _INVALID
        elif to_o:
            to_o = ("*",)
        if not (_ok(issuer, mats, to_c, to_o, *v.values()) and issuer and v["rule"]):
            continue
        start = v["start_period"] or 1
        end = v["end_period"] if v["end_period"] is not None else (T or start)
        if not (period_ok(row, "start_period", start) and period_ok(row, "end_period", end)):
            continue
        if end < start:
            report.error("controls", row.cell("end_period"), f"end_period is {end}, expected >= start_period ({start})")
            continue
        if v["kind"] == "quota" and v["quota_per_period"] is None and not techs:
            report.error("controls", row.cell("quota_per_period"), "quota_per_period is blank, expected a number >= 0 "
                         "for a quota rule")
            continue
        if techs and v["materials"] and v["materials"] != ("*",):
            report.warn("controls", row.cell("materials"), "a technology ban covers no material flow: materials ignored")
        rules[v["rule"]] = Rule(
            rule=v["rule"], description=v["description"] or "", issuer=issuer, materials=mats,
            technologies=techs, to_countries=to_c, to_owners=to_o, extraterritorial=bool(v["extraterritorial"]),
            kind=v["kind"] or "ban", licence_lead_time=v["licence_lead_time"] or 0,
            quota_per_period=v["quota_per_period"], status=v["status"] or "in_force", start_period=start,
            end_period=end)
    rule_refs = _Refs("rule", rules, report, _unbuilt(p["controls"], "rule", rules))

    scenarios = {}
    for row in p["scenarios"]:
        if row["scenario"] and _ok(row["scenario"], row["probability"]) and row["probability"] is not None:
            scenarios[row["scenario"]] = Scenario(row["scenario"], float(row["probability"]), row["description"] or "")
    if p["scenarios"]:
        total = sum(s.probability for s in scenarios.values())
        if scenarios and abs(total - 1.0) > 1e-6 and len(scenarios) == len(p["scenarios"]):
            report.error("scenarios", f"B{p['scenarios'][-1].number + 1}",
                         f"probabilities sum to {total:.6g}, expected 1 (within 1e-6)")
    elif p["scenario_events"]:
        report.error("scenarios", "", "sheet 'scenarios' is missing or empty, but scenario_events has rows: "
                     "expected the scenarios they name, with probabilities")
    if not scenarios:
        scenarios = {"nominal": Scenario("nominal", 1.0, "the case as given")}
    scenario_refs = _Refs("scenario", scenarios, report, _unbuilt(p["scenarios"], "scenario", scenarios))

    lane_ids = [f"{ln.from_site}>{ln.to_site}" for ln in lanes]
    material_groups = list(dict.fromkeys(g for m in materials.values() for g in m.groups))
    pools = {"outage": [("site", sites), ("process", processes), ("offer", offers), ("lane", lane_ids),
                        ("material", materials), ("material group", material_groups)],
             "price": [("offer", offers), ("country", countries), ("material", materials),
                       ("material group", material_groups)]}
    # targets whose own row has a bad cell (reported there): naming them is no second problem
    unbuilt_lanes = {f"{r['from_site']}>{r['to_site']}".lower() for r in p["lanes"]
                     if isinstance(r["from_site"], str) and isinstance(r["to_site"], str)} - {
        lane.lower() for lane in lane_ids}
    unbuilt = {"outage": {i.lower() for i in invalid_sites | _unbuilt(p["processes"], "process", processes)
                          | _unbuilt(p["offers"], "offer", offers) | invalid_materials} | unbuilt_lanes,
               "price": {i.lower() for i in _unbuilt(p["offers"], "offer", offers) | invalid_countries
                         | invalid_materials}}
    events = []
    for row in p["scenario_events"]:
        v = row.values
        sc = scenario_refs.get(row, "scenario")
        if not (_ok(sc, *v.values()) and sc and v["event"] and v["target"] and v["start_period"]):
            continue
        target = v["target"]
        kind = v["event"]
        target_kind = kind
        if kind == "rule":
            target = rule_refs.get(row, "target")
            if target is _INVALID:
                continue
            if rules[target].status == "off":
                report.warn("scenario_events", row.cell("target"), f"rule {target} has status off: this event never "
                            "switches it on")
            elif rules[target].status == "in_force":
                report.warn("scenario_events", row.cell("target"), f"rule {target} is in_force in every scenario; "
                            "this event changes nothing")
        else:
            found = _event_target(target, pools[kind])
            low = target.lower()
            if not found and (low in unbuilt[kind] or low.replace(" ", "") in unbuilt[kind]):
                continue
            if not found:
                expected = ("a known site, process, offer or lane (written from_site>to_site), nor a material or "
                            "material group; expected one of those ids" if kind == "outage"
                            else "a known offer or country, nor a material or material group; expected an offer "
                            "id, a country code, a material or a group tag")
                report.error("scenario_events", row.cell("target"), f"{kind} target '{target}' is not {expected}")
                continue
            if len(found) > 1:
                report.error("scenario_events", row.cell("target"), f"{kind} target '{target}' could be read as "
                             + " or as ".join(f"the {k} {name}" for k, name in found)
                             + "; expected a name that means one thing (rename one of them)")
                continue
            target_kind, target = found[0]
            target_kind = "group" if target_kind == "material group" else target_kind
            if kind == "price" and v["factor"] is None:
                report.error("scenario_events", row.cell("factor"), "factor is blank, expected the price multiplier "
                             "(a number >= 0) for a price event")
                continue
        if not period_ok(row, "start_period", v["start_period"]):
            continue
        end = T if v["duration"] is None else min(T or 0, v["start_period"] + v["duration"] - 1)
        factor = v["factor"] if v["factor"] is not None else (0.0 if kind == "outage" else 1.0)
        if kind == "outage" and factor > 1:
            report.warn("scenario_events", row.cell("factor"), f"outage factor {factor} > 1 raises capacity")
        events.append(Event(sc, kind, target, v["start_period"], end, v["notice"] or 0, float(factor), target_kind))

    policies = []
    for row in p["policies"]:
        v = row.values
        if not (_ok(*v.values()) and v["policy"] and v["value"] is not None):
            continue
        mats = _expand_materials((v["material"] or "*",), row, "material", materials, report, invalid_materials)
        if mats is _INVALID:
            continue
        target = None
        if v["policy"] == "max_share_origin":
            target = group_ref(row, "target")
            if target is None:
                report.error("policies", row.cell("target"), "target is blank, expected an origin group for max_share_origin")
                continue
            if target is _INVALID:
                continue
        if v["policy"].startswith("max_share") and v["value"] > 1:
            report.error("policies", row.cell("value"), f"value is {_fmt(v['value'])}, expected a share in 0..1")
            continue
        if v["policy"].endswith("suppliers") and not float(v["value"]).is_integer():
            report.error("policies", row.cell("value"), f"value is {v['value']}, expected a whole number of suppliers")
            continue
        policies.append(Policy(v["policy"], mats, target, float(v["value"])))

    receipts = _build_receipts(p.get("scheduled_receipts", []), site_refs, material_refs, sites, group_ref,
                               period_ok, groups, report)
    inventory_rows = {(r["site"], r["material"]) for r in p["inventory"]
                      if isinstance(r["site"], str) and isinstance(r["material"], str)}
    storage = _build_storage_options(p.get("storage_options", []), site_refs, sites, materials, invalid_materials,
                                     inventories, inventory_rows - set(inventories), T, report)
    substitutes = _build_substitutes(p.get("substitutes", []), material_refs, demands, T, report)

    if not report.ok or settings is None:
        return None
    return Case(settings=settings, countries=countries, materials=materials, sites=sites, offers=offers,
                processes=processes, lanes=tuple(lanes), demands=tuple(demands), inventories=inventories,
                rules=rules, scenarios=scenarios, events=tuple(events), policies=tuple(policies),
                sources=tuple(r.values for r in p["sources"]), receipts=receipts, storage_options=storage,
                substitutes=substitutes)


def check_workbook(path: str | Path) -> tuple[Case | None, Report]:
    """Read and check a workbook; the case is None when there is any error.

    Never raises for a bad input: a path that is not a readable .xlsx workbook (no such file, a
    directory, an empty, encrypted, .xls or CSV file, ...) is an error in the report, like a bad cell.
    The file is only read, never written.
    """
    report = Report()
    raw = _read_raw(Path(path), report)
    if raw is None:
        return None, report
    parsed = _parse_sheets(raw, report)
    case = _build_case(parsed, report)
    return (case if report.ok else None), report


def read_case(path: str | Path) -> Case:
    """Read a workbook into a checked case; raise CaseError listing every problem."""
    case, report = check_workbook(path)
    if case is None:
        raise CaseError(report)
    return case
