"""Writing a case workbook (the template, the default case) from plain rows, laid out by the schema."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..files import write_atomically
from .schema import SETTINGS_KEYS, SHEETS, Column, Sheet

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MAX_VALIDATED_ROW = 500


def _note(col: Column) -> str:
    parts = [col.note]
    if col.required:
        parts.append("Required.")
    elif col.default not in (None, (), ""):
        default = ", ".join(col.default) if isinstance(col.default, tuple) else col.default
        if col.kind == "yesno":
            default = "yes" if default else "no"
        parts.append(f"Default: {default}.")
    else:
        parts.append("Optional.")
    return " ".join(parts)


def _cell_value(col: Column, value):
    if value is None:
        return None
    if col.kind == "yesno" and isinstance(value, bool):
        return "yes" if value else "no"
    if col.kind == "list" and isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return value


def write_case_workbook(path: str | Path, rows: dict[str, list[dict]]) -> Path:
    """Write every schema sheet: styled frozen header with a note per column, dropdowns, rows.
    A sheet or column the rows name that the schema does not is written too (after the schema's).

    ``rows['settings']`` may be a dict of key -> value; other sheets are lists of dicts keyed by
    column name. Written to a temporary file and renamed, so a crash never leaves half a file.
    """
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    known = {spec.name for spec in SHEETS}
    extra_sheets = [Sheet(name, ()) for name in rows if name not in known]
    for spec in (*SHEETS, *extra_sheets):
        ws = wb.create_sheet(spec.name)
        data = rows.get(spec.name, [])
        if spec.name == "settings" and isinstance(data, dict):
            data = [{"key": k, "value": ", ".join(v) if isinstance(v, (list, tuple)) else v} for k, v in data.items()]
        spec = _with_extra_columns(spec, data)
        for j, col in enumerate(spec.columns, start=1):
            cell = ws.cell(row=1, column=j, value=col.name)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(horizontal="center")
            comment = Comment(_note(col), "sourcing")
            comment.width, comment.height = 320, 110
            cell.comment = comment
            width = max(col.example_width, len(col.name) + 3)
            for r in data:
                v = _cell_value(col, r.get(col.name))
                if v is not None:
                    width = max(width, min(60, len(str(v)) + 2))
            ws.column_dimensions[get_column_letter(j)].width = width
        for i, r in enumerate(data, start=2):
            for j, col in enumerate(spec.columns, start=1):
                ws.cell(row=i, column=j, value=_cell_value(col, r.get(col.name)))
        ws.freeze_panes = "A2"
        _add_dropdowns(ws, spec)
        if spec.name == "settings":
            for i, r in enumerate(data, start=2):
                key_col = SETTINGS_KEYS.get(str(r.get("key")))
                if key_col is not None:
                    ws.cell(row=i, column=1).comment = Comment(_note(key_col), "sourcing")
    return write_atomically(path, wb.save)


def _with_extra_columns(spec: Sheet, data: list[dict]) -> Sheet:
    """The sheet with any column the rows name that the schema does not (in first-seen order), so
    that a workbook can carry sheets and columns this version of the reader does not know yet."""
    names = set(spec.column_names)
    extra = []
    for r in data:
        for name in r:
            if name not in names:
                names.add(name)
                note = "Free text." if spec.free_form else "Not in this version's schema: ignored with a warning."
                extra.append(Column(name, note=note))
    if not extra:
        return spec
    return Sheet(spec.name, (*spec.columns, *extra), spec.required, spec.note, spec.key, spec.free_form)


def _add_dropdowns(ws, spec) -> None:
    for j, col in enumerate(spec.columns, start=1):
        options = ("yes", "no") if col.kind == "yesno" else col.choices
        if not options:
            continue
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        dv.error = f"{col.name}: expected one of {', '.join(options)}"
        dv.errorTitle = "Not an allowed value"
        letter = get_column_letter(j)
        dv.add(f"{letter}2:{letter}{MAX_VALIDATED_ROW}")
        ws.add_data_validation(dv)
