"""The results workbook in Excel: cells and formats (``cells.py``), large tables streamed into the
package and the atomic save (``stream.py``), native charts (``charts.py``), the recommended plan's
chart sheet (``plan_sheet.py``), the one table of column notes (``notes.py``), page set-up for
printing (``printing.py``), the workbook itself (``workbook.py``), reading one back
(``readback.py``) and the PNG of the frontier (``png.py``)."""

from .cells import number_format, sheet_name
from .png import write_plot
from .readback import is_results_workbook, read_frontier
from .workbook import TABLE_SHEETS, TOOL_MARK, write_results

__all__ = ["write_results", "is_results_workbook", "read_frontier", "write_plot", "sheet_name",
           "number_format", "TOOL_MARK", "TABLE_SHEETS"]
