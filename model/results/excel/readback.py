"""Reading a results workbook back: is a file one of ours, and its summary and frontier table."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..metrics import RISK_COLUMNS
from .workbook import TOOL_MARK


# frontier columns written as text, "" when empty (a blank cell when read back)
TEXT_COLUMNS = frozenset({"kind", "status", "efficient", "note", "contracted_offers", "built_processes",
                          "storage_taken", "substitutes_qualified", "label", "file"})


def is_results_workbook(path: str | os.PathLike) -> bool:
    """True for a workbook written by this tool: sheets frontier and run_info, and a run_info row
    ``tool`` = ``sourcing``."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return False
    try:
        if "frontier" not in wb.sheetnames or "run_info" not in wb.sheetnames:
            return False
        for row in wb["run_info"].iter_rows(min_row=1, max_row=200, max_col=2, values_only=True):
            if row and len(row) >= 2 and row[0] == "tool" and row[1] == TOOL_MARK:
                return True
        return False
    except Exception:
        return False
    finally:
        wb.close()


def _read_table(ws) -> pd.DataFrame:
    """The table from A1 down to the first empty row, across to the first empty header cell."""
    header: list[str] | None = None
    rows = []
    for r in ws.iter_rows(values_only=True):
        if header is None:
            header = []
            for h in r:
                if h is None:
                    break
                header.append(str(h))
            continue
        vals = list(r[:len(header)]) + [None] * max(0, len(header) - len(r))
        if all(v is None for v in vals):
            break
        rows.append(vals)
    df = pd.DataFrame(rows, columns=header or [])
    for c in df.columns:
        values = [v for v in df[c].tolist() if v is not None]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            df[c] = pd.to_numeric(df[c])
    return df


def read_frontier(path: str | os.PathLike) -> tuple[dict, pd.DataFrame]:
    """(summary item -> value, frontier table) of a results workbook written by this tool.
    Raises ValueError when the file is not one."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file; expected a results workbook written by this tool")
    if not is_results_workbook(path):
        raise ValueError(f"{path}: not a results workbook of this tool (expected an .xlsx file with "
                         f"sheets 'frontier' and 'run_info', and a run_info row tool = {TOOL_MARK})")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        summary = {}
        if "summary" in wb.sheetnames:
            for r in wb["summary"].iter_rows(min_row=2, max_col=2, values_only=True):
                if r and r[0] is not None:
                    summary[str(r[0])] = r[1] if len(r) > 1 else None
        frontier = _read_table(wb["frontier"])
        for col in TEXT_COLUMNS & set(frontier.columns):  # an empty cell is the "" it was written from
            frontier[col] = frontier[col].where(frontier[col].notna(), "")
    finally:
        wb.close()
    _check_frontier(path, frontier)
    return summary, frontier


REQUIRED_COLUMNS = ("point", "expected_cost", "risk")
NUMBER_COLUMNS = ("point", "risk_limit", "expected_cost", "risk", "cost_bound", *RISK_COLUMNS)


def _check_frontier(path: Path, frontier: pd.DataFrame) -> None:
    """ValueError naming the cell unless the frontier sheet (edited since it was written, perhaps)
    still has its point, expected_cost and risk columns, a row, and numbers where numbers belong."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frontier.columns]
    if missing:
        raise ValueError(f"{path}: sheet frontier has no column {', '.join(missing)}; expected the frontier table "
                         f"this tool writes (columns {', '.join(REQUIRED_COLUMNS)}, ...)")
    if frontier.empty:
        raise ValueError(f"{path}: sheet frontier has no points; expected at least one row below its header")
    columns = list(frontier.columns)
    for col in (c for c in NUMBER_COLUMNS if c in frontier.columns):
        for row, value in enumerate(frontier[col].tolist(), start=2):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{path}: frontier!{get_column_letter(columns.index(col) + 1)}{row}: {value!r} in "
                                 f"column {col}; expected a number")
