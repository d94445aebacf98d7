"""The file itself: what it is, and whether it is small enough to read, before openpyxl reads it.

A path that is not a readable .xlsx workbook (no such file, a directory, an empty, encrypted, .xls,
.ods or CSV file, ...) is described in a user's words. A package (the zip an .xlsx is) larger than
any case workbook, on disk or once expanded, is refused before anything in it is expanded: a zip
bomb is refused, not unpacked.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from .issues import Report

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
    if info.st_size > MAX_FILE_BYTES:
        return bad(f"cannot be read as an .xlsx workbook: the file is {_mb(info.st_size)}, more than the limit of "
                   f"{_mb(MAX_FILE_BYTES)} for a case workbook; expected a case workbook saved by a spreadsheet program")
    if info.st_size == 0:
        return bad("cannot be read as an .xlsx workbook: the file is empty (0 bytes); expected an .xlsx case "
                   "workbook (was it copied or saved completely?)")
    try:
        return path.read_bytes()
    except OSError as exc:
        return bad(f"cannot be opened ({exc.strerror or exc}), expected a readable .xlsx case workbook")


# Limits of what a case workbook can be. A case of 100,000 rows in each sheet is a few tens of MB of
# worksheet XML; these are an order of magnitude above that and far below what would exhaust memory.
MAX_FILE_BYTES = 256 * 2**20  # the .xlsx file on disk
MAX_PACKAGE_BYTES = 512 * 2**20  # every part of the package, uncompressed, together


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 10 * 2**20 else f"{n / 2**20:.2g} MB"


def check_package(archive: zipfile.ZipFile, path: Path, report: Report, part_titles: dict[str, str]) -> bool:
    """False, with the reason reported, when the package would expand beyond ``MAX_PACKAGE_BYTES``.

    Only the sizes the zip's directory declares are read (Python's zip reader never expands a part
    beyond its declared size), so a zip bomb costs nothing to refuse. ``part_titles`` names the
    worksheets' parts, to say which sheet is the large one.
    """
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total <= MAX_PACKAGE_BYTES:
        return True
    largest = max(infos, key=lambda i: i.file_size)
    what = (f"sheet '{part_titles[largest.filename]}'" if largest.filename in part_titles
            else f"part {largest.filename}")
    report.error("", "", f"{path}: cannot be read as an .xlsx workbook: it expands to {_mb(total)} "
                 f"({what} alone to {_mb(largest.file_size)}), more than the limit of {_mb(MAX_PACKAGE_BYTES)} "
                 "for a case workbook, and is refused without expanding it; expected a case workbook saved by a "
                 "spreadsheet program (a file this large is damaged or not a case)")
    return False
