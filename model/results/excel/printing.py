"""Page set-up of the results workbook (docs/results.md): printing or exporting to PDF gives the summary
and the frontier on one page each (and the recommended plan's charts and the changes sheet on one
page each); the large tables do not print by default.

A sheet that should not print gets a print area of one empty cell, the sheet's very last (XFD1048576,
far from the table and from the header notes' boxes, which LibreOffice counts as content): Excel
and LibreOffice print nothing for it (LibreOffice leaves out empty pages), and a planner who wants
it on paper clears the print area (Page Layout > Print Area > Clear).
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties


def _footer(ws, title: str) -> None:
    ws.oddFooter.left.text = title
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "&A, page &P"
    ws.oddFooter.right.size = 8


def one_page(ws, last_col: int, last_row: int, landscape: bool, title: str = "") -> None:
    """Print A1 to (last_row, last_col) on one page: fitted to one page wide and one page tall."""
    ws.print_area = f"A1:{get_column_letter(max(1, last_col))}{max(1, last_row)}"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.gridLines = False
    _footer(ws, title)


NO_PRINT_CELL = "XFD1048576"  # the last cell of a sheet


def not_printed(ws, last_col: int | None = None) -> None:
    """No page for this sheet by default: a print area of one empty cell, the sheet's last."""
    ws.print_area = NO_PRINT_CELL
