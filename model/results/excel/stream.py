"""Large tables streamed into the saved package, and the atomic save.

openpyxl spends ~20 us per cell serialising a sheet (without lxml), so the decision tables (the
default case's routes: ~28k rows x 12 columns) took ~10 s to write cell by cell. They and the extra
sheets are therefore written by openpyxl with their header row only, and their rows are streamed
into the saved package here as plain SpreadsheetML (numbers, inline strings, the number-format
styles openpyxl registered): ~0.6 s for the default case's whole workbook.

The file is written whole or not at all (:func:`model.files.write_atomically`): a reader never sees
half a workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from ...files import write_atomically
from .cells import DATE_FORMAT, _columns, _style_header, _widths, number_format


class StreamedTable:
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


def save_atomically(wb: Workbook, streamed: list[StreamedTable], path: Path) -> None:
    """Save, stream the large tables' rows into the package, and rename into place."""
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)

    def write(fh) -> None:
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

    write_atomically(path, write)
