"""A corpus of malformed case workbooks: one per way a real file goes wrong.

Every defect is a named generator that writes one bad input (a workbook built from a valid small
base case with one thing broken, or a file that is not a workbook at all, or a path that is not a
file) and returns a :class:`Defect`: the path and what the message about it must mention: the
sheet, the cell or the column, and words of what was expected. ``tests/test_malformed_workbooks.py``
runs ``sourcing validate`` (and ``solve``) on each and checks exit 1, the message, no traceback and
the input left byte for byte as it was.

The base case is ``smallcases.base_rows`` extended so that every sheet has at least one row (a
process and its input, a rule, two scenarios and their events, a policy, a source), so that a
defect can be put in any sheet. It reads with no error and no warning
(``test_the_base_case_is_valid``).

``NEEDS_COPRODUCTS_SHEET`` lists the defects that need the optional ``process_coproducts`` sheet
(docs/inputs.md): skipped where the schema has no such sheet (none now: the list is empty).

Usage: ``build_corpus(directory)`` writes every defect into ``directory`` and returns the list;
``GENERATORS[name](directory)`` writes one.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from model.case.schema import SHEETS, SHEETS_BY_NAME
from model.case.workbook import write_case_workbook
from support.smallcases import base_rows

# the defects that need the process_coproducts sheet in the schema (another change): the integrator
# empties this list when that sheet is in model/case/schema.py (the tests skip them until then)
NEEDS_COPRODUCTS_SHEET: list[str] = []


@dataclass(frozen=True)
class Defect:
    name: str
    path: Path
    sheet: str | None  # the sheet the message names; None: a problem with the file or path itself
    cell: str | None = None  # the cell it names, e.g. "D3" (written sheet!D3)
    column: str | None = None  # the column or setting it names
    expected: tuple[str, ...] = ()  # words of what was expected ("expected" itself is always checked)
    also: tuple[str, ...] = ()  # words that must appear somewhere else in the output (e.g. a warning)
    exists: bool = True  # False: the path does not exist, before the run and after it

    @property
    def mentions(self) -> tuple[str, ...]:
        """Fragments that one error line must contain, all together."""
        where = (f"{self.sheet}!{self.cell}" if self.cell else self.sheet) if self.sheet else self.path.name
        return (where,) + ((self.column,) if self.column else ()) + ("expected",) + self.expected


# --------------------------------------------------------------------------------------------------
# the valid base case, and where its cells are
# --------------------------------------------------------------------------------------------------


def corpus_rows() -> dict:
    """``smallcases.base_rows`` with a row in every sheet. 3 periods; materials X (oxide) and Y (magnet)."""
    rows = base_rows(periods=3)
    rows["settings"] = {"case_name": "corpus", "periods": 3, "origin_groups": "free, covered, CN",
                        "risk_measure": "cvar_shortfall", "frontier_points": 3, "mip_gap": 0.0}
    rows["countries"] = [{"country": "CN", "name": "China", "origin_group": "CN"},
                         {"country": "AU", "name": "Australia", "origin_group": "free"},
                         {"country": "JP", "name": "Japan", "origin_group": "free"},
                         {"country": "RU", "name": "Russia", "origin_group": "covered"}]
    rows["materials"] = [{"material": "X", "stage": "oxide", "groups": "REE, heavy_REE"},
                         {"material": "Y", "stage": "magnet", "groups": "magnet"}]
    rows["processes"] = [{"process": "P_Y", "site": "PLANT", "output": "Y", "capacity_per_period": 50,
                          "cost_per_unit": 1, "exists": True, "technology": "sintering",
                          "technology_origin": "JP"}]
    rows["process_inputs"] = [{"process": "P_Y", "input": "X", "per_unit_output": 1.0}]
    rows["demand"] = [{"site": "PLANT", "material": "Y", "period": "*", "quantity": 10,
                       "shortfall_penalty": 100, "max_origin_group": "CN"}]
    rows["controls"] = [{"rule": "cn_ban", "description": "CN bans REE exports to JP", "issuer": "CN",
                         "materials": "REE", "to_countries": "JP", "to_owners": "Us", "kind": "ban",
                         "status": "scenario", "start_period": 1}]
    rows["scenarios"] = [{"scenario": "calm", "probability": 0.6, "description": "nothing happens"},
                         {"scenario": "crisis", "probability": 0.4, "description": "the ban comes"}]
    rows["scenario_events"] = [
        {"scenario": "crisis", "event": "rule", "target": "cn_ban", "start_period": 2, "notice": 1},
        {"scenario": "crisis", "event": "outage", "target": "SUP_AU", "start_period": 3, "duration": 1,
         "factor": 0.5},
        {"scenario": "crisis", "event": "price", "target": "O_AU", "start_period": 2, "factor": 1.5},
    ]
    rows["policies"] = [{"policy": "max_share_origin", "material": "X", "target": "CN", "value": 0.9}]
    rows["sources"] = [{"item": "prices", "value": "10, 15", "source": "made up for the corpus", "reliability": "E"}]
    rows["inventory"] = [{"site": "PLANT", "material": "X", "max_stock": 20, "end_stock_value": 12}]
    rows["scheduled_receipts"] = [{"site": "PLANT", "material": "X", "period": 1, "quantity": 5,
                                   "origin_group": "free"}]
    rows["storage_options"] = [{"option": "bay", "site": "PLANT", "material": "X", "extra_max_stock": 10,
                                "cost": 3, "build_periods": 1}]
    rows["materials"].append({"material": "Y2", "stage": "magnet", "groups": "magnet"})
    rows["substitutes"] = [{"demand_material": "Y", "substitute": "Y2", "per_unit": 1.2, "max_share": 0.5,
                            "qualification_periods": 1, "qualification_cost": 4}]
    return rows


def cell(sheet: str, column: str, index: int = 0) -> str:
    """The cell of data row ``index`` (0 = the first, Excel row 2) in ``column``, as the writer lays it out."""
    return f"{get_column_letter(SHEETS_BY_NAME[sheet].column_names.index(column) + 1)}{index + 2}"


def setting_row(key: str) -> int:
    """The Excel row of a setting in the base case's settings sheet."""
    return list(corpus_rows()["settings"]).index(key) + 2


def write_base(path: Path, rows: dict | None = None) -> Path:
    return write_case_workbook(path, copy.deepcopy(rows if rows is not None else corpus_rows()))


# --------------------------------------------------------------------------------------------------
# ways to break a file
# --------------------------------------------------------------------------------------------------


def with_rows(path: Path, change: Callable[[dict], None]) -> Path:
    """The base case with its rows changed by ``change`` (a function that edits them in place)."""
    rows = corpus_rows()
    change(rows)
    return write_base(path, rows)


def with_cells(path: Path, cells: dict) -> Path:
    """The base case with cells set: {"offers!D2": -5}; None clears a cell.

    A data cell is set in the rows before they are written (one write, fast); a header cell, or a
    cell outside the rows, is set with openpyxl afterwards.
    """
    rows = corpus_rows()
    later = {}
    for ref, value in cells.items():
        sheet, at = ref.split("!")
        letters, number = coordinate_from_string(at)
        j, i = column_index_from_string(letters) - 1, number - 2
        columns = SHEETS_BY_NAME[sheet].column_names
        if sheet == "settings" and j == 1 and 0 <= i < len(rows["settings"]):
            rows["settings"][list(rows["settings"])[i]] = value
        elif sheet != "settings" and j < len(columns) and 0 <= i < len(rows[sheet]):
            rows[sheet][i][columns[j]] = value
        else:
            later[ref] = value
    write_base(path, rows)
    if later:
        wb = load_workbook(path)
        for ref, value in later.items():
            sheet, at = ref.split("!")
            wb[sheet][at].value = value
        wb.save(path)
    return path


def with_workbook(path: Path, change: Callable) -> Path:
    """The base case written, then opened with openpyxl, changed by ``change(wb)`` and saved."""
    write_base(path)
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def with_cell_xml(path: Path, sheet: str, ref: str, xml: str) -> Path:
    """The base case with one cell's XML replaced: what another program wrote in that cell.

    openpyxl writes NaN and infinity as empty cells; other writers put ``NaN`` or ``INF`` in a number
    cell, which is what this makes.
    """
    write_base(path)
    part = f"xl/worksheets/sheet{[s.name for s in SHEETS].index(sheet) + 1}.xml"
    src = zipfile.ZipFile(path)
    members = {info.filename: src.read(info.filename) for info in src.infolist()}
    src.close()
    text = members[part].decode("utf-8")
    pattern = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)')
    assert pattern.search(text), f"{sheet}!{ref} not found in {part}"
    members[part] = pattern.sub(xml, text, count=1).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def sheet_part(sheet: str) -> str:
    """The part of the package that holds a sheet of the base case, as the writer lays it out."""
    return f"xl/worksheets/sheet{[s.name for s in SHEETS].index(sheet) + 1}.xml"


def with_part(path: Path, part: str, change: Callable[[str], str], base: Path | None = None) -> Path:
    """The base case (or the workbook ``base``) with one part's XML text changed by ``change``: what
    another program or a script wrote."""
    return with_parts(path, {part: change}, base)


def with_parts(path: Path, changes: dict[str, Callable], base: Path | None = None) -> Path:
    """The base case (or ``base``) with parts' XML changed: ``changes[part](text)`` gives the new
    text (``text`` is None for a part the package does not have: it is added)."""
    if base is None:
        write_base(path)
        base = path
    src = zipfile.ZipFile(base)
    members = {info.filename: src.read(info.filename) for info in src.infolist()}
    src.close()
    for part, change in changes.items():
        old = members[part].decode("utf-8") if part in members else None
        members[part] = change(old).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def with_shared_string(path: Path, sheet: str, at: str, text: str) -> Path:
    """The base case with the cell ``sheet!at`` showing ``text`` from a shared strings part (what
    Excel writes; openpyxl writes its texts in the cells)."""
    sst = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    return with_parts(path, {
        "xl/sharedStrings.xml": lambda _: f'<sst xmlns="{sst}" count="2" uniqueCount="2"><si><t>first</t></si>'
                                          f'<si><t>{escape(text)}</t></si></sst>',
        "xl/_rels/workbook.xml.rels": lambda t: t.replace(
            "</Relationships>", f'<Relationship Id="rIdSst" Type="{rel}" Target="sharedStrings.xml"/></Relationships>'),
        "[Content_Types].xml": lambda t: t.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType='
                                                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                                   'sharedStrings+xml"/></Types>'),
        sheet_part(sheet): lambda t: re.sub(rf'<c r="{at}"[^>]*>.*?</c>', f'<c r="{at}" t="s"><v>1</v></c>', t, count=1),
    })


def offer_rows_xml(first: int, count: int, full: bool = True) -> str:
    """``count`` offers rows from Excel row ``first`` on, as worksheet XML: each a valid offer (id,
    site, material, price, capacity) or, ``full=False``, only an id."""
    parts = []
    for n in range(first, first + count):
        cells = f'<c r="A{n}" t="inlineStr"><is><t>O_{n}</t></is></c>'
        if full:
            cells += (f'<c r="B{n}" t="inlineStr"><is><t>SUP_AU</t></is></c><c r="C{n}" t="inlineStr"><is><t>X'
                      f'</t></is></c><c r="D{n}" t="n"><v>12</v></c><c r="E{n}" t="n"><v>50</v></c>')
        parts.append(f'<row r="{n}">{cells}</row>')
    return "".join(parts)


def with_offer_rows(path: Path, count: int, full: bool = True, dimension: str | None = None) -> Path:
    """The base case with ``count`` more offers rows written at the XML level below its own (rows 4
    on); ``dimension`` sets the sheet's declared range (e.g. the stale ``A1:M3``)."""
    def change(text: str) -> str:
        text = text.replace("</sheetData>", offer_rows_xml(4, count, full) + "</sheetData>", 1)
        if dimension is not None:
            text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', text, count=1)
        return text
    return with_part(path, sheet_part("offers"), change)


def billion_laughs(levels: int = 10) -> str:
    """The DTD of a 'billion laughs' XML attack: ``&lol9;`` expands to 10**9 'lol's."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, levels)]
    return "<!DOCTYPE lolz [" + "".join(entities) + "]>"


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File (CFB v3, the OLE2 container of .xls and of encrypted .xlsx files).

    One FAT sector, one directory sector (the root and up to three streams), then the streams, each
    padded to the 4096-byte mini-stream cutoff so that no mini stream is needed.
    """
    assert 1 <= len(streams) <= 3
    sector = 512
    free, end, fat_sect, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's red-black tree order
    data = {n: streams[n] + b"\0" * (-len(streams[n]) % sector) for n in names}
    data = {n: d + b"\0" * max(0, 4096 - len(d)) for n, d in data.items()}
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = {}
    for n in names:
        count = len(data[n]) // sector
        starts[n] = len(fat)
        fat.extend(list(range(len(fat) + 1, len(fat) + count)) + [end])
    assert len(fat) <= sector // 4
    fat_bytes = struct.pack(f"<{sector // 4}I", *(fat + [free] * (sector // 4 - len(fat))))

    def entry(name: str, kind: int, left=no_stream, right=no_stream, child=no_stream, start=end, size=0) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB3I", len(raw), kind, 1, left, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, child=1)]
    for i, n in enumerate(names, start=1):  # a chain to the right: each later name is greater
        entries.append(entry(n, 2, right=i + 1 if i < len(names) else no_stream, start=starts[n],
                             size=len(streams[n]) if len(streams[n]) >= 4096 else len(data[n])))
    while len(entries) < 4:
        entries.append(entry("", 0))
    directory = b"".join(entries)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    assert len(header) == sector and len(directory) == sector
    return header + fat_bytes + directory + b"".join(data[n] for n in names)


def legacy_xls() -> bytes:
    """An Excel 97-2003 workbook's shape: a compound file with a BIFF8 'Workbook' stream (BOF ... EOF)."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    eof = struct.pack("<HH", 0x000A, 0)
    return compound_file({"Workbook": bof + eof})


def encrypted_xlsx(plain: Path) -> bytes:
    """The valid base workbook encrypted with a password, as Excel's "Encrypt with Password" does.

    With msoffcrypto-tool (the test extra) it is the real thing (ECMA-376 agile encryption); without
    it, a compound file of the same shape (EncryptionInfo and EncryptedPackage streams), which is
    what the reader recognises.
    """
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # pragma: no cover - the test extra installs it
        info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
        return compound_file({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 0) + b"\0" * 16})
    out = io.BytesIO()
    with open(plain, "rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# the defects
# --------------------------------------------------------------------------------------------------

GENERATORS: dict[str, Callable[[Path], Defect]] = {}


def defect(fn: Callable[[Path], Defect]) -> Callable[[Path], Defect]:
    """Register a generator under its function name; it writes ``directory / NAME.xlsx``."""
    name = fn.__name__

    def generate(directory: Path) -> Defect:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        found = fn(directory / f"{name}.xlsx")
        assert found.name == name
        return found
    generate.__name__ = name
    generate.__doc__ = fn.__doc__
    GENERATORS[name] = generate
    return generate


def _d(path: Path, sheet, cell=None, column=None, expected=(), **kw) -> Defect:
    return Defect(path.stem, path, sheet, cell, column, tuple(expected), **kw)


# ---- the path and the file ------------------------------------------------------------------------

@defect
def path_does_not_exist(path):
    return _d(path, None, expected=("no such file", ".xlsx"), exists=False)


@defect
def path_is_a_directory(path):
    path.mkdir()
    (path / "inside.txt").write_text("a directory named like a workbook\n")
    return _d(path, None, expected=("is a directory", ".xlsx"))


@defect
def zero_byte_file(path):
    path.write_bytes(b"")
    return _d(path, None, expected=("empty (0 bytes)", ".xlsx"))


@defect
def xls_renamed_xlsx(path):
    path.write_bytes(legacy_xls())
    return _d(path, None, expected=("Excel 97-2003 (.xls)", "save it as"))


@defect
def csv_renamed_xlsx(path):
    path.write_text("offer,site,material,price\nO_CN,SUP_CN,X,10\n")
    return _d(path, None, expected=("CSV", "save it as"))


@defect
def html_renamed_xlsx(path):
    path.write_text("<html><body><table><tr><td>offer</td><td>price</td></tr></table></body></html>\n")
    return _d(path, None, expected=("HTML", "save it as"))


@defect
def ods_renamed_xlsx(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return _d(path, None, expected=("OpenDocument", "save it as"))


@defect
def zip_without_a_workbook(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.txt", "not a workbook")
    return _d(path, None, expected=("zip file without an Excel workbook",))


@defect
def truncated_workbook(path):
    """A download or copy that stopped half way."""
    write_base(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return _d(path, None, expected=("damaged or incomplete",))


@defect
def password_protected(path):
    plain = path.with_name("_plain_for_encryption.xlsx")
    write_base(plain)
    path.write_bytes(encrypted_xlsx(plain))
    plain.unlink()
    return _d(path, None, expected=("password-protected", "unencrypted .xlsx"))


class _RepeatedDeflate:
    """Deflate for a run of equal blocks: zlib's output for one block, ended by a full flush (which
    resets the compressor), is the same for every block, so it is made once and repeated."""

    def __init__(self, block: bytes):
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.size, self.piece = len(block), deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
        self.tail = deflate.flush(zlib.Z_FINISH)

    def compress(self, data: bytes) -> bytes:
        assert len(data) == self.size
        return self.piece

    def flush(self) -> bytes:
        return self.tail


@defect
def zip_bomb(path):
    """A package that expands to more than any case: 608 MB of zeros in one part (600 KB on disk)."""
    write_base(path)
    block = b"\0" * 2**24
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/padding.bin", "w", force_zip64=True) as fh:
            # the zip module's own deflate takes seconds for this; the bytes are the same
            if hasattr(fh, "_compressor"):
                fh._compressor = _RepeatedDeflate(block)
            for _ in range(38):
                fh.write(block)
    return _d(path, None, expected=("expands to", "more than the limit of 512 MB", "refused without expanding"))


# ---- the worksheet's own XML ----------------------------------------------------------------------

@defect
def cell_reference_in_row_zero(path):
    """``<c r="D0">`` where D2 was: openpyxl would read it silently as the cell D2."""
    at = cell("offers", "price")
    with_part(path, sheet_part("offers"), lambda text: text.replace(f'<c r="{at}"', '<c r="D0"', 1))
    return _d(path, "offers", at, None, ("'D0'", "not a cell of a worksheet", "a reference such as D2"))


@defect
def cell_written_in_another_row(path):
    at = cell("offers", "price")
    with_part(path, sheet_part("offers"), lambda text: text.replace(f'<c r="{at}"', '<c r="D7"', 1))
    return _d(path, "offers", "D7", None, ("written in row 2", "each cell in its own row"))


@defect
def cells_out_of_order(path):
    """E2 written before D2: openpyxl would drop D2's neighbours beyond the last cell it saw."""
    def change(text):
        d2 = re.search(r'<c r="D2"[^>]*>.*?</c>', text).group(0)
        e2 = re.search(r'<c r="E2"[^>]*>.*?</c>', text).group(0)
        return text.replace(d2 + e2, e2 + d2, 1)
    with_part(path, sheet_part("offers"), change)
    return _d(path, "offers", "D2", None, ("written after E2", "in order"))


@defect
def rows_out_of_order(path):
    """Row 3 written before row 2: openpyxl would drop row 2 without a word."""
    def change(text):
        r2 = re.search(r'<row r="2".*?</row>', text).group(0)
        r3 = re.search(r'<row r="3".*?</row>', text).group(0)
        return text.replace(r2 + r3, r3 + r2, 1)
    with_part(path, sheet_part("offers"), change)
    return _d(path, "offers", "A2", None, ("row 2 is written after row 3", "ascending order"))


@defect
def row_beyond_the_last_row(path):
    with_part(path, sheet_part("demand"), lambda text: text.replace('<row r="2"', '<row r="2000000000"', 1))
    return _d(path, "demand", "A2", None, ("'2000000000'", "rows numbered 1 to 1,048,576"))


@defect
def more_rows_than_any_case(path):
    """100,010 offers rows (each only an id): refused from the sheet's XML, before it is parsed."""
    with_offer_rows(path, 100_010, full=False)
    return _d(path, "offers", None, None, ("more than 100,000 rows", "at most 100,000 rows"))


@defect
def cell_longer_than_excel_allows(path):
    """40,000 characters in one cell (openpyxl itself writes no more than 32,767: written as XML)."""
    at = cell("controls", "description")
    with_part(path, sheet_part("controls"),
              lambda text: re.sub(rf'<c r="{at}"[^>]*>.*?</c>',
                                  f'<c r="{at}" t="inlineStr"><is><t>{"x" * 40_000}</t></is></c>', text, count=1))
    return _d(path, "controls", at, None, ("40,000 characters", "at most 32,767 characters"))


@defect
def huge_text_in_the_sheet_xml(path):
    """A 5 MB inline string: refused from the XML, before openpyxl builds it."""
    at = cell("sources", "source")
    with_part(path, sheet_part("sources"),
              lambda text: re.sub(rf'<c r="{at}"[^>]*>.*?</c>',
                                  f'<c r="{at}" t="inlineStr"><is><t>{"y" * 5_000_000}</t></is></c>', text, count=1))
    return _d(path, "sources", at, None, ("more than 32,767 characters", "at most 32,767 characters"))


@defect
def huge_shared_text(path):
    """A 5 MB text in the shared strings part (as Excel keeps texts): refused before openpyxl builds
    the shared texts, at the cell that shows it."""
    at = cell("controls", "description")
    with_shared_string(path, "controls", at, "z" * 5_000_000)
    return _d(path, "controls", at, None, ("more than 32,767 characters", "at most 32,767 characters"))


@defect
def billion_laughs_in_a_sheet(path):
    """An XML entity attack in the offers sheet: refused unread, naming the sheet and the row."""
    def change(text):
        return (billion_laughs() + text).replace("<t>O_CN</t>", "<t>&lol9;</t>", 1)
    with_part(path, sheet_part("offers"), change)
    return _d(path, "offers", "A1", None, ("row 1", "XML entities", "billion laughs"))


@defect
def billion_laughs_in_the_workbook_part(path):
    with_part(path, "xl/workbook.xml", lambda text: billion_laughs() + text)
    return _d(path, None, expected=("xl/workbook.xml", "XML entities", "billion laughs"))


# ---- sheets and columns ---------------------------------------------------------------------------

@defect
def missing_sheet(path):
    with_workbook(path, lambda wb: wb.remove(wb["demand"]))
    return _d(path, "demand", expected=("missing", "a sheet with columns site, material, period"))


@defect
def missing_column(path):
    with_workbook(path, lambda wb: wb["offers"].delete_cols(4))  # price; 12 columns are left
    return _d(path, "offers", "M1", "price", ("missing column",))


@defect
def renamed_column(path):
    with_cells(path, {"offers!D1": "unit_price"})
    return _d(path, "offers", "N1", "price", ("missing column", "unit_price"))


@defect
def duplicated_column(path):
    with_cells(path, {"offers!E1": "price"})  # capacity_per_period's header retyped as price
    return _d(path, "offers", "E1", "price", ("appears twice", "each column once"))


@defect
def empty_sheet(path):
    def change(wb):
        ws = wb["countries"]
        ws.delete_rows(1, ws.max_row)
    with_workbook(path, change)
    return _d(path, "countries", "A1", None, ("sheet is empty", "header row"))


@defect
def sheet_of_only_headers(path):
    with_rows(path, lambda rows: rows["demand"].clear())
    return _d(path, "demand", "A2", None, ("only its header row", "at least one row"))


@defect
def hidden_sheet_with_a_bad_cell(path):
    """A hidden sheet is read (a warning says so): its bad cell is an error like any other."""
    def change(wb):
        wb["offers"].sheet_state = "hidden"
        wb["offers"][cell("offers", "price")] = -10
    with_workbook(path, change)
    return _d(path, "offers", cell("offers", "price"), "price", (">= 0",), also=("is hidden",))


@defect
def hidden_stale_copy_of_a_sheet(path):
    """A hidden old copy whose name reads as the same sheet: which one is the case is ambiguous."""
    def change(wb):
        old = wb.copy_worksheet(wb["offers"])
        old.title = "Offers "
        old.sheet_state = "hidden"
        old[cell("offers", "price")] = 99
    with_workbook(path, change)
    return _d(path, "offers", None, None, ("both read as sheet offers", "hidden", "one sheet offers"))


@defect
def merged_cells(path):
    """Two offers from one site, the site cells merged: the second offer's site reads as blank."""
    def change(wb):
        ws = wb["offers"]
        ws.merge_cells(f"{cell('offers', 'site', 0)}:{cell('offers', 'site', 1)}")
    with_workbook(path, change)
    return _d(path, "offers", cell("offers", "site"), "site", ("merged", "one value in each cell"))


@defect
def formula_without_cached_value(path):
    with_cells(path, {f"offers!{cell('offers', 'capacity_per_period')}": "=50+50"})
    return _d(path, "offers", cell("offers", "capacity_per_period"), "capacity_per_period",
              ("formula", "no calculated value", "a value"))


@defect
def formula_without_cached_value_in_settings(path):
    with_cells(path, {f"settings!B{setting_row('periods')}": "=1+2"})
    return _d(path, "settings", f"B{setting_row('periods')}", "periods", ("formula", "a value"))


# ---- types and values -----------------------------------------------------------------------------

@defect
def text_in_a_number_column(path):
    with_cells(path, {f"offers!{cell('offers', 'price')}": "cheap"})
    return _d(path, "offers", cell("offers", "price"), "price", ("a number",))


@defect
def date_in_a_number_column(path):
    with_cells(path, {f"offers!{cell('offers', 'lead_time')}": datetime.datetime(2026, 3, 1)})
    return _d(path, "offers", cell("offers", "lead_time"), "lead_time", ("a number",))


@defect
def boolean_in_a_number_column(path):
    with_cells(path, {f"demand!{cell('demand', 'quantity')}": True})
    return _d(path, "demand", cell("demand", "quantity"), "quantity", ("a number",))


@defect
def fraction_in_a_whole_number_column(path):
    with_cells(path, {f"offers!{cell('offers', 'lead_time')}": 1.5})
    return _d(path, "offers", cell("offers", "lead_time"), "lead_time", ("whole number",))


@defect
def bad_yes_no(path):
    with_cells(path, {f"offers!{cell('offers', 'qualified')}": "maybe"})
    return _d(path, "offers", cell("offers", "qualified"), "qualified", ("yes or no",))


@defect
def bad_choice(path):
    with_cells(path, {f"materials!{cell('materials', 'stage')}": "powder"})
    return _d(path, "materials", cell("materials", "stage"), "stage", ("one of", "oxide"))


@defect
def negative_capacity(path):
    with_cells(path, {f"offers!{cell('offers', 'capacity_per_period', 1)}": -5})
    return _d(path, "offers", cell("offers", "capacity_per_period", 1), "capacity_per_period", (">= 0",))


@defect
def negative_demand(path):
    with_cells(path, {f"demand!{cell('demand', 'quantity')}": -10})
    return _d(path, "demand", cell("demand", "quantity"), "quantity", (">= 0",))


@defect
def nan_in_a_number_cell(path):
    at = cell("offers", "price")
    with_cell_xml(path, "offers", at, f'<c r="{at}"><v>NaN</v></c>')
    return _d(path, "offers", at, "price", ("finite number",))


@defect
def infinity_in_a_number_cell(path):
    at = cell("offers", "capacity_per_period")
    with_cell_xml(path, "offers", at, f'<c r="{at}"><v>INF</v></c>')
    return _d(path, "offers", at, "capacity_per_period", ("finite number",))


@defect
def overflowing_number(path):
    at = cell("processes", "capacity_per_period")
    with_cell_xml(path, "processes", at, f'<c r="{at}"><v>1E+400</v></c>')
    return _d(path, "processes", at, "capacity_per_period", ("finite number",))


@defect
def number_the_solver_reads_as_infinite(path):
    """1e20 units of demand: HiGHS takes it as infinite, and the demand vanished from the plan."""
    with_cells(path, {f"demand!{cell('demand', 'quantity')}": 1e20})
    return _d(path, "demand", cell("demand", "quantity"), "quantity", ("at most 1e+15",))


@defect
def only_commas_in_a_list_cell(path):
    """' , ' read as no names would have become '*': the lane would carry every material."""
    with_cells(path, {f"lanes!{cell('lanes', 'materials')}": " , "})
    return _d(path, "lanes", cell("lanes", "materials"), "materials", ("commas with nothing between them",))


@defect
def group_named_like_a_material(path):
    """A rule naming Y would mean the material Y or every material tagged Y."""
    with_cells(path, {f"materials!{cell('materials', 'groups')}": "REE, Y"})
    return _d(path, "materials", cell("materials", "groups"), "groups", ("also a material id",))


@defect
def nan_typed_as_text(path):
    with_cells(path, {f"demand!{cell('demand', 'quantity')}": "NaN"})
    return _d(path, "demand", cell("demand", "quantity"), "quantity", ("finite number",))


@defect
def spreadsheet_error_value(path):
    with_cells(path, {f"offers!{cell('offers', 'price', 1)}": "#DIV/0!"})
    return _d(path, "offers", cell("offers", "price", 1), "price", ("a number", "#DIV/0!"))


@defect
def blank_required_cell(path):
    with_cells(path, {f"offers!{cell('offers', 'price')}": None})
    return _d(path, "offers", cell("offers", "price"), "price", ("blank",))


@defect
def probability_above_one(path):
    with_cells(path, {f"scenarios!{cell('scenarios', 'probability')}": 1.4})
    return _d(path, "scenarios", cell("scenarios", "probability"), "probability", ("<= 1",))


@defect
def min_above_capacity(path):
    with_cells(path, {f"offers!{cell('offers', 'min_per_period')}": 500})
    return _d(path, "offers", cell("offers", "min_per_period"), "min_per_period", ("at most capacity_per_period",))


@defect
def stock_at_a_supplier(path):
    with_cells(path, {f"inventory!{cell('inventory', 'site')}": "SUP_CN"})
    return _d(path, "inventory", cell("inventory", "site"), "site", ("stocking site",))


# ---- settings -------------------------------------------------------------------------------------

@defect
def missing_setting(path):
    with_rows(path, lambda rows: rows["settings"].pop("periods"))
    return _d(path, "settings", None, "periods", ("missing", "a row with key periods"))


@defect
def text_setting(path):
    with_cells(path, {f"settings!B{setting_row('periods')}": "two years"})
    return _d(path, "settings", f"B{setting_row('periods')}", "periods", ("a number",))


@defect
def setting_out_of_range(path):
    with_cells(path, {f"settings!B{setting_row('periods')}": 0})
    return _d(path, "settings", f"B{setting_row('periods')}", "periods", (">= 1",))


@defect
def bad_setting_choice(path):
    with_cells(path, {f"settings!B{setting_row('risk_measure')}": "variance"})
    return _d(path, "settings", f"B{setting_row('risk_measure')}", "risk_measure", ("one of", "cvar_shortfall"))


# ---- ids ------------------------------------------------------------------------------------------

@defect
def duplicated_offer_id(path):
    with_cells(path, {f"offers!{cell('offers', 'offer', 1)}": "O_CN"})
    return _d(path, "offers", cell("offers", "offer", 1), "offer", ("O_CN", "unique ids"))


@defect
def duplicated_country_id_other_case(path):
    with_cells(path, {f"countries!{cell('countries', 'country', 3)}": " cn "})  # RU, used nowhere
    return _d(path, "countries", cell("countries", "country", 3), "country", ("unique ids",))


@defect
def duplicated_lane(path):
    with_cells(path, {f"lanes!{cell('lanes', 'from_site', 1)}": "SUP_CN"})
    return _d(path, "lanes", cell("lanes", "from_site", 1), "from_site", ("unique ids",))


@defect
def duplicated_setting(path):
    def change(wb):
        ws = wb["settings"]
        ws.append(["periods", 6])
    with_workbook(path, change)
    return _d(path, "settings", f"A{len(corpus_rows()['settings']) + 2}", "periods", ("unique ids",))


# ---- references -----------------------------------------------------------------------------------

@defect
def unknown_site(path):
    with_cells(path, {f"offers!{cell('offers', 'site')}": "SUP_XX"})
    return _d(path, "offers", cell("offers", "site"), "site", ("known site", "SUP_AU"))


@defect
def unknown_material(path):
    with_cells(path, {f"demand!{cell('demand', 'material')}": "Z"})
    return _d(path, "demand", cell("demand", "material"), "material", ("known material",))


@defect
def unknown_country(path):
    with_cells(path, {f"sites!{cell('sites', 'country')}": "XX"})
    return _d(path, "sites", cell("sites", "country"), "country", ("known country",))


@defect
def unknown_rule(path):
    with_cells(path, {f"scenario_events!{cell('scenario_events', 'target')}": "no_such_rule"})
    return _d(path, "scenario_events", cell("scenario_events", "target"), "target", ("known rule", "cn_ban"))


@defect
def unknown_offer(path):
    at = cell("scenario_events", "target", 2)  # the price event
    with_cells(path, {f"scenario_events!{at}": "O_XX"})
    return _d(path, "scenario_events", at, "target", ("known offer",))


@defect
def unknown_outage_target(path):
    at = cell("scenario_events", "target", 1)  # the outage event
    with_cells(path, {f"scenario_events!{at}": "PLANT>SUP_CN"})
    return _d(path, "scenario_events", at, "target", ("site, process, offer or lane",))


@defect
def unknown_process(path):
    with_cells(path, {f"process_inputs!{cell('process_inputs', 'process')}": "P_XX"})
    return _d(path, "process_inputs", cell("process_inputs", "process"), "process", ("known process",))


@defect
def unknown_scenario(path):
    with_cells(path, {f"scenario_events!{cell('scenario_events', 'scenario')}": "storm"})
    return _d(path, "scenario_events", cell("scenario_events", "scenario"), "scenario", ("known scenario", "crisis"))


@defect
def unknown_owner(path):
    with_cells(path, {f"controls!{cell('controls', 'to_owners')}": "Us, Nobody Inc"})
    return _d(path, "controls", cell("controls", "to_owners"), "to_owners", ("an owner from the sites sheet",))


@defect
def unknown_material_group(path):
    with_cells(path, {f"lanes!{cell('lanes', 'materials')}": "X, gold"})
    return _d(path, "lanes", cell("lanes", "materials"), "materials", ("gold",))


def _coproducts(path: Path, row: list) -> Path:
    def change(wb):
        ws = wb["process_coproducts"] if "process_coproducts" in wb.sheetnames else wb.create_sheet("process_coproducts")
        ws.delete_rows(1, ws.max_row)
        ws.append(["process", "material", "per_unit_output"])
        ws.append(row)
    return with_workbook(path, change)


@defect
def coproduct_unknown_material(path):
    _coproducts(path, ["P_Y", "Z_swarf", 0.1])
    return _d(path, "process_coproducts", "B2", "material", ("Z_swarf",))


@defect
def coproduct_unknown_process(path):
    _coproducts(path, ["P_XX", "X", 0.1])
    return _d(path, "process_coproducts", "A2", "process", ("P_XX",))


# ---- probabilities, periods, origin groups --------------------------------------------------------

@defect
def probabilities_below_one(path):
    with_cells(path, {f"scenarios!{cell('scenarios', 'probability')}": 0.5})
    probs = f"{cell('scenarios', 'probability')}:{cell('scenarios', 'probability', 1)}"  # the cells that sum wrong
    return _d(path, "scenarios", probs, "probabilities", ("sum to 0.9", "1"))


@defect
def probabilities_above_one(path):
    with_cells(path, {f"scenarios!{cell('scenarios', 'probability')}": 0.7})
    probs = f"{cell('scenarios', 'probability')}:{cell('scenarios', 'probability', 1)}"  # the cells that sum wrong
    return _d(path, "scenarios", probs, "probabilities", ("sum to 1.1", "1"))


@defect
def demand_after_the_horizon(path):
    with_cells(path, {f"demand!{cell('demand', 'period')}": 9})
    return _d(path, "demand", cell("demand", "period"), "period", ("within 1..3",))


@defect
def demand_in_period_zero(path):
    with_cells(path, {f"demand!{cell('demand', 'period')}": 0})
    return _d(path, "demand", cell("demand", "period"), "period", (">= 1",))


@defect
def rule_starts_after_the_horizon(path):
    with_cells(path, {f"controls!{cell('controls', 'start_period')}": 7})
    return _d(path, "controls", cell("controls", "start_period"), "start_period", ("within 1..3",))


@defect
def rule_ends_before_it_starts(path):
    with_cells(path, {f"controls!{cell('controls', 'start_period')}": 3, f"controls!{cell('controls', 'end_period')}": 2})
    return _d(path, "controls", cell("controls", "end_period"), "end_period", (">= start_period",))


@defect
def event_after_the_horizon(path):
    with_cells(path, {f"scenario_events!{cell('scenario_events', 'start_period')}": 5})
    return _d(path, "scenario_events", cell("scenario_events", "start_period"), "start_period", ("within 1..3",))


@defect
def undeclared_origin_group(path):
    with_cells(path, {f"countries!{cell('countries', 'origin_group', 1)}": "allies"})
    return _d(path, "countries", cell("countries", "origin_group", 1), "origin_group",
              ("declared origin group", "free, covered, CN"))


@defect
def undeclared_max_origin_group(path):
    with_cells(path, {f"demand!{cell('demand', 'max_origin_group')}": "clean"})
    return _d(path, "demand", cell("demand", "max_origin_group"), "max_origin_group", ("declared origin group",))


@defect
def undeclared_policy_origin_group(path):
    with_cells(path, {f"policies!{cell('policies', 'target')}": "clean"})
    return _d(path, "policies", cell("policies", "target"), "target", ("declared origin group",))


# --------------------------------------------------------------------------------------------------


def active_names(schema_sheets=None) -> list[str]:
    """The defects the schema can express today (the co-product ones wait for their sheet)."""
    names = set(schema_sheets if schema_sheets is not None else SHEETS_BY_NAME)
    return [n for n in GENERATORS if n not in NEEDS_COPRODUCTS_SHEET or "process_coproducts" in names]


def build_corpus(directory: Path, names=None) -> list[Defect]:
    """Write every defect (or those named) into ``directory``; one file (or path) each."""
    return [GENERATORS[n](Path(directory)) for n in (names or GENERATORS)]


def corpus_grid(rows: dict | None = None) -> dict[str, list[list]]:
    """The base case as cell values, sheet by sheet (header first), laid out as the writer lays it out.

    For ``test_reader.write_plain_xlsx`` (a bare .xlsx in milliseconds): the property tests and the
    fuzzer write hundreds of variants.
    """
    from model.case.workbook import _cell_value
    rows = copy.deepcopy(rows if rows is not None else corpus_rows())
    grid = {}
    for spec in SHEETS:
        data = rows.get(spec.name, [])
        if spec.name == "settings" and isinstance(data, dict):
            data = [{"key": k, "value": ", ".join(v) if isinstance(v, (list, tuple)) else v} for k, v in data.items()]
        grid[spec.name] = [list(spec.column_names)] + [[_cell_value(c, r.get(c.name)) for c in spec.columns]
                                                        for r in data]
    return grid
