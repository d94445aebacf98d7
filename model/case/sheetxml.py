"""A worksheet's own XML, read before openpyxl reads it: its size, its cell references, its merged cells.

openpyxl reads what a well-formed worksheet says. Files from other tools and scripts are not always
well formed, and openpyxl then reads them wrong without a word: a cell whose reference is row 0
(``<c r="D0">``) is read as another cell, rows or cells written out of order are dropped, and a
sheet of millions of rows is read whole before anything can be said about it. :func:`scan_sheet`
streams a worksheet's XML once (a few MB at a time, never the whole part) and reports each of
these, naming the sheet and the reference; it stops as soon as the sheet is larger than a case
can be, or holds a text far longer than a cell can, or declares XML entities. It also collects the
sheet's merged ranges, which the reader needs and openpyxl's read-only mode does not give.
:func:`long_shared_string` does the same for the texts a workbook keeps in one shared part.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .issues import Report

# Excel's own limits, and the largest sheet a case workbook needs
MAX_ROWS = 100_000  # rows with a value in one sheet, the header included
MAX_CELL_CHARS = 32_767  # characters in one cell (Excel's limit)
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
MAX_PROBLEMS = 1_000  # malformed references reported in one sheet before its scan stops

_SAVE_AGAIN = "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx) again"
_CHUNK = 4 * 2**20
_MAX_MAP_PART = 16 * 2**20  # the workbook part and its relationships, read whole to find the sheets
# a text run between two tags longer than this is more than MAX_CELL_CHARS characters whatever its
# encoding (at most 10 bytes per character, as a numeric character reference such as &#x1F600;)
_MAX_RUN = 10 * MAX_CELL_CHARS + 64

# a row, cell or merged range's start tag; its r attribute captured when it comes first (it does
# in what spreadsheet programs write), else found in the rest
_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c|mergeCell)(?=[\s/>])(?:\s+r="([^"]*)")?([^>]*)>""")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ATTR_REF = re.compile(rb"""(?:^|\s)ref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_LONG_RUN = re.compile(rb">[^<]{%d,}" % _MAX_RUN)
_ENTITY = b"<!ENTITY"
SHARED_STRINGS = "\0shared strings"  # the key of the shared texts' part in worksheet_parts (no sheet's title)
ENTITIES = ("declares XML entities (<!ENTITY ...>), which no spreadsheet program writes; refused unread "
            "(entity expansion is how XML attacks such as 'billion laughs' work)")


@dataclass
class SheetScan:
    """What the scan of one worksheet found."""
    merged: list[str] = field(default_factory=list)  # merged ranges, e.g. "B2:B3"
    rows_with_values: int = 0
    refused: bool = False  # a problem was reported: the sheet is not read


def _attr(pattern: re.Pattern, attrs: bytes) -> bytes | None:
    m = pattern.search(attrs)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _text(value: bytes | None) -> str:
    return "" if value is None else value.decode("utf-8", "replace")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


_COLUMNS = {get_column_letter(i).encode(): i for i in range(1, 703)}  # A to ZZ, the usual ones


def _row_number(text: bytes) -> int | None:
    """A row's ``r`` as openpyxl reads it (a whole number, written as an integer or a float)."""
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return None
        return int(value) if value.is_integer() else None


def worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's part in the package, by sheet title ({} when the package says nothing
    readable: openpyxl then reports what is wrong with it); the shared texts' part, if any, under
    the key ``SHARED_STRINGS``."""
    from openpyxl.xml.functions import fromstring  # through defusedxml: no entity is expanded

    names = set(archive.namelist())

    def read(name: str) -> bytes:
        if archive.getinfo(name).file_size > _MAX_MAP_PART:  # a workbook's map is a few KB
            raise ValueError(f"{name} is too large")
        return archive.read(name)

    try:
        workbook = "xl/workbook.xml"
        if "_rels/.rels" in names:
            for rel in fromstring(read("_rels/.rels")):
                if str(rel.get("Type", "")).endswith("/officeDocument"):
                    workbook = str(rel.get("Target", workbook)).lstrip("/")
        base = posixpath.dirname(workbook)
        rels_part = posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels")
        targets = {}
        for rel in fromstring(read(rels_part)):
            kind = str(rel.get("Type", "")).rsplit("/", 1)[-1]
            if kind in ("worksheet", "sharedStrings"):
                target = str(rel.get("Target", ""))
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
                targets[SHARED_STRINGS if kind == "sharedStrings" else rel.get("Id")] = part
        parts = {SHARED_STRINGS: targets[SHARED_STRINGS]} if targets.get(SHARED_STRINGS) in names else {}
        for element in fromstring(read(workbook)).iter():
            if element.tag.rsplit("}", 1)[-1] != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            if rid in targets and targets[rid] in names and element.get("name") is not None:
                parts[element.get("name")] = targets[rid]
        return parts
    except Exception:  # a package openpyxl cannot read either: it says why
        return {}


def declares_entities(archive: zipfile.ZipFile, name: str) -> bool:
    """True when an XML part declares entities (in its prolog, before the root element): no
    spreadsheet program writes them, and entity expansion is how XML attacks such as 'billion
    laughs' work."""
    try:
        with archive.open(name) as fh:
            head = fh.read(65536)
    except Exception:  # a part that cannot be read is reported when openpyxl reads it
        return False
    return _ENTITY in head


def scan_sheet(archive: zipfile.ZipFile, part: str, title: str, report: Report) -> SheetScan:
    """Stream one worksheet's XML: report a malformed cell or row reference, rows or cells out of
    order, a cell longer than Excel allows, or more rows than a case needs (then stop at once)."""
    scan = SheetScan()
    problems = 0

    def problem(cell: str, message: str) -> None:
        nonlocal problems
        problems += 1
        scan.refused = True
        report.error(title, cell, message)

    row = 0  # the current row's number
    last_row = 0  # the last row number seen
    last_col = 0  # the last column number seen in the current row
    counted = False  # the current row already counted as a row with a value
    last_ref = None  # the last cell reference seen
    try:
        fh = archive.open(part)
    except Exception:  # reported when openpyxl reads the sheet
        return scan
    with fh:
        for segment in _segments(fh):
            if segment is None:
                where = _text(last_ref) if last_ref and _CELL_REF.fullmatch(last_ref) else f"A{max(row, 1)}"
                problem(where, f"the cell {where} (or one after it) holds more than {MAX_CELL_CHARS:,} characters "
                        f"or the sheet's XML is damaged there; expected at most {MAX_CELL_CHARS:,} characters in a "
                        f"cell ({_SAVE_AGAIN})")
                return scan
            if _ENTITY in segment:
                problem("A1", f"the sheet cannot be read from row 1 on: it {ENTITIES}; expected a worksheet saved "
                        f"by a spreadsheet program ({_SAVE_AGAIN})")
                return scan
            ref_before = last_ref  # the last cell of the segments before this one
            for tag, r, attrs in _TAG.findall(segment):
                if tag == b"c":
                    ref = last_ref = r or _attr(_ATTR_R, attrs)
                    if not ref:
                        col = last_col + 1
                    else:
                        found = _CELL_REF.fullmatch(ref)
                        col = (_COLUMNS.get(found.group(1)) or _column_number(found.group(1))) if found else 0
                        ref_row = int(found.group(2)) if found else 0
                        if not found or not 1 <= ref_row <= EXCEL_ROWS or not 1 <= col <= EXCEL_COLUMNS:
                            col = col if found and 1 <= col <= EXCEL_COLUMNS else min(last_col + 1, EXCEL_COLUMNS)
                            at = f"{get_column_letter(col)}{row or last_row + 1}"
                            problem(at, f"the cell reference {_text(ref)!r} is not a cell of a worksheet (it is "
                                    f"written in row {row or last_row + 1}); expected a reference such as {at} "
                                    f"(columns A to XFD, rows 1 to {EXCEL_ROWS:,}; {_SAVE_AGAIN})")
                        elif row and ref_row != row:
                            problem(_text(ref), f"the cell {_text(ref)} is written in row {row}; expected each cell "
                                    f"in its own row ({_SAVE_AGAIN})")
                        elif col <= last_col:
                            problem(_text(ref), f"the cell {_text(ref)} is written after "
                                    f"{get_column_letter(last_col)}{row}; expected the cells of a row in order, "
                                    f"each once ({_SAVE_AGAIN})")
                    if col > last_col:
                        last_col = col
                    if not counted and not attrs.rstrip().endswith(b"/"):
                        counted = True
                        scan.rows_with_values += 1
                        if scan.rows_with_values > MAX_ROWS:
                            scan.refused = True
                            report.error(title, "", f"the sheet has more than {MAX_ROWS:,} rows with values "
                                         f"(the limit is passed at row {row:,}), more than any case needs, and is "
                                         f"refused before it is read; expected at most {MAX_ROWS:,} rows in a sheet")
                            return scan
                elif tag == b"row":
                    text = r or _attr(_ATTR_R, attrs)
                    number = last_row + 1 if text is None else _row_number(text)
                    counted, last_col = False, 0
                    if number is None or not 1 <= number <= EXCEL_ROWS:
                        problem(f"A{last_row + 1}", f"a row is numbered {_text(text)!r} (after row {last_row}), "
                                f"which is not a row of a worksheet; expected rows numbered 1 to {EXCEL_ROWS:,} "
                                f"({_SAVE_AGAIN})")
                        row = 0  # unknown: its cells' rows are not checked against it
                    elif number <= last_row:
                        problem(f"A{number}", f"row {number} is written after row {last_row}; expected the rows "
                                f"in ascending order, each once ({_SAVE_AGAIN})")
                        row = number
                    else:
                        row = last_row = number
                else:  # a merged range
                    ref = _attr(_ATTR_REF, r and b' r="' + r + b'"' + attrs or attrs)
                    if ref is not None:
                        scan.merged.append(_text(ref))
                if problems >= MAX_PROBLEMS:
                    report.error(title, "", f"the sheet's XML has {MAX_PROBLEMS:,} malformed references or more "
                                 f"(its scan stopped there); expected a worksheet saved by a spreadsheet program "
                                 f"({_SAVE_AGAIN})")
                    return scan
            long_run = _LONG_RUN.search(segment)
            if long_run is not None:
                cells = [t for t in _TAG.findall(segment[max(0, long_run.start() - 4096):long_run.start() + 1])
                         if t[0] == b"c"]
                ref = (cells[-1][1] or _attr(_ATTR_R, cells[-1][2])) if cells else ref_before
                where = _text(ref) if ref and _CELL_REF.fullmatch(ref) else ""
                problem(where, f"{'the cell ' + where if where else 'a cell'} holds more than "
                        f"{MAX_CELL_CHARS:,} characters, more than a spreadsheet cell can hold; expected at "
                        f"most {MAX_CELL_CHARS:,} characters in a cell")
                return scan
    return scan


def _segments(fh):
    """A part's bytes a few MB at a time, each piece cut before a '<' so that no tag is split; None
    (and the end) when a text or a tag runs longer than any cell can hold."""
    carry = b""
    while True:
        chunk = fh.read(_CHUNK)
        buf = carry + chunk
        if not chunk:
            if buf:
                yield buf
            return
        cut = max(buf.rfind(b"<"), 0)
        segment, carry = buf[:cut], buf[cut:]
        if len(carry) > _MAX_RUN + _CHUNK:
            yield None
            return
        yield segment


_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])")


def long_shared_string(archive: zipfile.ZipFile, part: str) -> int | None:
    """The index of the first shared text (sharedStrings.xml) longer than any cell can hold, found
    without building the texts; None when there is none (a text just over the limit is found,
    exactly, when the sheet is read)."""
    count = 0
    with archive.open(part) as fh:
        for segment in _segments(fh):
            if segment is None:
                return count - 1
            long_run = _LONG_RUN.search(segment)
            if long_run is not None:
                return count + len(_SI.findall(segment, 0, long_run.start())) - 1
            count += len(_SI.findall(segment))
    return None


def cell_with_shared_string(archive: zipfile.ZipFile, part: str, index: int) -> str | None:
    """The first cell of a worksheet that shows shared text number ``index``, or None."""
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*%d\s*<" % index)
    with archive.open(part) as fh:
        for segment in _segments(fh):
            if segment is None:
                return None
            for attrs in pattern.findall(segment):
                if re.search(rb"""(?:^|\s)t\s*=\s*["']s["']""", attrs):
                    ref = _attr(_ATTR_R, attrs)
                    return _text(ref) if ref else None
    return None
