"""Properties of the reader (hypothesis): one edit that breaks one rule of a valid workbook is caught.

The edits: a cell of a number column set to a value its schema forbids (a negative number, text,
NaN, infinity); a reference renamed to an id nothing defines; an id (or a key) repeated. Each is
an error that `sourcing validate` names at that sheet and the edited cell (exit 1, no exception).
Deterministic (derandomize) and fast (50 examples of each, a bare workbook written in milliseconds).
"""

from __future__ import annotations

import copy
import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from support.clitools import assert_fails, run
from support.malformed import corpus_grid
from model.case.schema import SHEETS, SHEETS_BY_NAME
from test_reader import write_plain_xlsx

BASE = corpus_grid()
PROPERTY = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# columns whose cells name an id (or an origin group) defined elsewhere; * and blank are left alone
REFERENCES = {
    "countries": ("origin_group",), "sites": ("country",),
    "offers": ("site", "material", "origin_country"), "processes": ("site", "output", "technology_origin"),
    "process_inputs": ("process", "input"), "lanes": ("from_site", "to_site", "materials"),
    "demand": ("site", "material", "max_origin_group"), "inventory": ("site", "material", "initial_origin_group"),
    "controls": ("issuer", "materials", "to_countries", "to_owners"),
    "scenario_events": ("scenario", "target"), "policies": ("material", "target"),
}


def _cells(predicate):
    """(sheet, Excel row, column name) of every data cell of the base case whose column passes."""
    out = []
    for spec in SHEETS:
        if spec.free_form or spec.name == "settings":
            continue
        for i, line in enumerate(BASE[spec.name][1:], start=2):
            for j, col in enumerate(spec.columns):
                if predicate(spec.name, col, line[j]):
                    out.append((spec.name, i, col.name))
    return out


NUMBER_CELLS = _cells(lambda sheet, col, value: col.kind in ("int", "float", "period"))
NEGATIVE_CELLS = [c for c in NUMBER_CELLS if SHEETS_BY_NAME[c[0]].column(c[2]).min_value is not None]
REFERENCE_CELLS = _cells(lambda sheet, col, value: col.name in REFERENCES.get(sheet, ())
                         and value not in (None, "", "*"))
KEYED_ROWS = [(spec.name, i) for spec in SHEETS if spec.key for i in range(2, len(BASE[spec.name]) + 1)]


def _ref(sheet: str, row: int, column: str) -> str:
    return f"{get_column_letter(SHEETS_BY_NAME[sheet].column_names.index(column) + 1)}{row}"


def _set(grid, sheet, row, column, value):
    line = grid[sheet][row - 1]
    line[SHEETS_BY_NAME[sheet].column_names.index(column)] = value


def _errors_at(grid, tmp_path):
    """`sourcing validate --json` on the grid: (valid, [(sheet, cell, message)] of its errors)."""
    res = run("validate", write_plain_xlsx(tmp_path / "case.xlsx", grid), "--json")
    doc = json.loads(res.stdout)
    if doc["ok"]:
        assert res.exit_code == 0 and doc["errors"] == [], res.output
        return True, []
    assert_fails(res, 1)
    errors = []
    for text in doc["errors"]:
        where, _, message = text.partition(": ")
        sheet, _, cell = where.partition("!")
        errors.append((sheet, cell, message))
    return False, errors


def test_the_base_grid_is_valid(tmp_path):
    valid, errors = _errors_at(copy.deepcopy(BASE), tmp_path)
    assert errors == [] and valid
    assert len(NUMBER_CELLS) > 20 and len(REFERENCE_CELLS) > 20 and len(KEYED_ROWS) > 10


@PROPERTY
@given(target=st.sampled_from(NUMBER_CELLS + NEGATIVE_CELLS), kind=st.sampled_from(["negative", "text", "nan", "inf"]),
       magnitude=st.floats(min_value=0.001, max_value=1e9, allow_nan=False), word=st.text(
           alphabet=st.characters(whitelist_categories=("L",)), min_size=1, max_size=8))
def test_a_forbidden_number_is_an_error_at_its_cell(target, kind, magnitude, word, tmp_path):
    sheet, row, column = target
    col = SHEETS_BY_NAME[sheet].column(column)
    if kind == "negative" and col.min_value is None:
        kind = "text"
    if kind == "text" and word.strip().lower() in ("nan", "inf", "infinity", "e") or word.strip() == "*":
        word = "abc"
    value = {"negative": -magnitude if col.kind == "float" else -math.ceil(magnitude),
             "text": word, "nan": math.nan, "inf": math.inf}[kind]
    grid = copy.deepcopy(BASE)
    _set(grid, sheet, row, column, value)
    valid, errors = _errors_at(grid, tmp_path)
    assert not valid
    assert any(s == sheet and c == _ref(sheet, row, column) for s, c, _ in errors), (target, value, errors)


@PROPERTY
@given(target=st.sampled_from(REFERENCE_CELLS), suffix=st.integers(min_value=0, max_value=10**6))
def test_an_unknown_reference_is_an_error_at_its_cell(target, suffix, tmp_path):
    sheet, row, column = target
    grid = copy.deepcopy(BASE)
    _set(grid, sheet, row, column, f"nothing_{suffix}")
    valid, errors = _errors_at(grid, tmp_path)
    assert not valid
    assert any(s == sheet and c == _ref(sheet, row, column) for s, c, _ in errors), (target, errors)


@PROPERTY
@given(target=st.sampled_from(KEYED_ROWS + [("settings", i) for i in range(2, len(BASE["settings"]) + 1)]),
       shout=st.booleans())
def test_a_repeated_id_is_an_error_at_the_repeat(target, shout, tmp_path):
    sheet, row = target
    spec = SHEETS_BY_NAME[sheet]
    grid = copy.deepcopy(BASE)
    copy_of = list(grid[sheet][row - 1])
    if shout:  # ids are compared without case and stray spaces
        first = spec.column_names.index(spec.key[0])
        copy_of[first] = f" {str(copy_of[first]).upper()} "
    grid[sheet].append(copy_of)
    valid, errors = _errors_at(grid, tmp_path)
    assert not valid
    at = _ref(sheet, len(grid[sheet]), spec.key[0])
    assert any(s == sheet and c == at and "repeats row" in m for s, c, m in errors), (target, errors)


ALL_CELLS = _cells(lambda sheet, col, value: True)


def test_an_uncalculated_formula_in_any_cell_is_an_error_at_that_cell(tmp_path):
    """Every column of every sheet (found by the fuzzer: a formula in a list column raised TypeError)."""
    missed = []
    for sheet, row, column in ALL_CELLS:
        grid = copy.deepcopy(BASE)
        _set(grid, sheet, row, column, "=A1")
        valid, errors = _errors_at(grid, tmp_path)
        at = _ref(sheet, row, column)
        if valid or not any(s == sheet and c == at and "formula =A1" in m for s, c, m in errors):
            missed.append((sheet, at, column, errors))
    assert missed == [] and len(ALL_CELLS) > 80, missed
