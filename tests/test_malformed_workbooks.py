"""Every malformed workbook of the corpus (tests/malformed.py) through the command line.

For each: ``sourcing validate PATH`` exits 1; one error line names the sheet, the cell or column and
what was expected; there is no traceback; and the input is byte for byte what it was (a path that
did not exist still does not, a directory is unchanged). ``solve`` on a few of them stops at the
same point, before anything is solved.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from malformed import (GENERATORS, NEEDS_COPRODUCTS_SHEET, build_corpus, cell, corpus_rows, with_workbook,
                       write_base)
from model.case.reader import check_workbook
from model.case.schema import SHEETS_BY_NAME
from model.cli import app

runner = CliRunner()
HAS_COPRODUCTS = "process_coproducts" in SHEETS_BY_NAME


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def fingerprint(path: Path) -> str:
    """The bytes of a file, every file under a directory, or 'missing'."""
    if not path.exists():
        return "missing"
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        h.update(str(p.relative_to(path)).encode() + b"\0")
        if p.is_file():
            h.update(p.read_bytes())
    return "dir:" + h.hexdigest()


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("corpus")


@pytest.fixture(scope="module")
def corpus(corpus_dir):
    return {d.name: d for d in build_corpus(corpus_dir)}


def _params():
    out = []
    for name in GENERATORS:
        marks = []
        if name in NEEDS_COPRODUCTS_SHEET and not HAS_COPRODUCTS:
            marks.append(pytest.mark.skip(reason="needs the process_coproducts sheet in the schema (NEEDS_COPRODUCTS_SHEET)"))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def test_the_corpus_is_large_and_distinct(corpus):
    import re  # the count the documentation gives (README, docs/) is the corpus's own
    root = Path(__file__).resolve().parents[1]
    claims = [int(n) for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))] if doc.exists()
              for n in re.findall(r"(\d+) malformed workbooks", doc.read_text())]
    assert claims and set(claims) == {len(corpus)}, (claims, len(corpus))
    assert len({d.path for d in corpus.values()}) == len(corpus)
    assert set(NEEDS_COPRODUCTS_SHEET) <= set(corpus)


def test_the_base_case_is_valid(tmp_path):
    path = write_base(tmp_path / "base.xlsx")
    case, report = check_workbook(path)
    assert report.issues == [], [str(i) for i in report.issues]
    # every sheet of the schema has a row, so that a defect can be put in any of them
    rows = corpus_rows()
    assert all(rows.get(name) for name in SHEETS_BY_NAME if name != "process_coproducts"), \
        [n for n in SHEETS_BY_NAME if not rows.get(n)]
    assert len(case.processes) == 1 and len(case.rules) == 1 and len(case.scenarios) == 2
    assert len(case.events) == 3 and len(case.policies) == 1 and len(case.sources) == 1
    res = run("validate", path)
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("name", _params())
def test_validate_rejects_the_malformed_workbook(name, corpus):
    d = corpus[name]
    before = fingerprint(d.path)
    assert (before != "missing") == d.exists
    res = run("validate", d.path)
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.strip()]
    hits = [line for line in errors if all(m in line for m in d.mentions)]
    assert hits, f"no line with {d.mentions} in:\n{res.output}"
    for word in d.also:
        assert word in res.output, f"{word!r} not in:\n{res.output}"
    assert fingerprint(d.path) == before, "the input was changed"
    assert res.exception is None or isinstance(res.exception, SystemExit)


JSON_SAMPLE = ["path_does_not_exist", "path_is_a_directory", "zero_byte_file", "xls_renamed_xlsx",
               "password_protected", "missing_sheet", "merged_cells", "nan_in_a_number_cell", "unknown_rule"]


@pytest.mark.parametrize("name", JSON_SAMPLE)
def test_validate_json_rejects_the_malformed_workbook(name, corpus):
    """--json: one JSON document on standard output, ok false, the same message among its errors."""
    d = corpus[name]
    res = run("validate", d.path, "--json")
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    assert doc["ok"] is False
    assert any(all(m in e for m in d.mentions) for e in doc["errors"]), doc["errors"]


@pytest.mark.parametrize("name", ["path_does_not_exist", "path_is_a_directory", "password_protected",
                                  "negative_capacity", "merged_cells", "nan_in_a_number_cell"])
def test_solve_stops_before_solving(name, corpus, tmp_path):
    d = corpus[name]
    before = fingerprint(d.path)
    out = tmp_path / "plan.xlsx"
    res = run("solve", d.path, "--out", out, "--quiet")
    assert res.exit_code == 1, res.output
    assert "error: bad input" in res.output and "Traceback" not in res.output
    assert any(all(m in line for m in d.mentions) for line in res.output.splitlines()), res.output
    assert "solving" not in res.output and not out.exists()
    assert fingerprint(d.path) == before


# --------------------------------------------------------------------------------------------------
# what is not a defect: read as usual
# --------------------------------------------------------------------------------------------------


def test_a_sheet_protection_password_is_no_read_error(tmp_path):
    """Protecting a sheet (or the workbook's structure) with a password only stops edits in Excel."""
    def protect(wb):
        for ws in wb.worksheets:
            ws.protection.sheet = True
            ws.protection.password = "secret"
        wb.security.lockStructure = True
        wb.security.workbookPassword = "secret"
    path = with_workbook(tmp_path / "protected.xlsx", protect)
    case, report = check_workbook(path)
    assert report.issues == [], [str(i) for i in report.issues]
    assert run("validate", path).exit_code == 0


def test_a_hidden_sheet_is_read_with_a_warning(tmp_path):
    """A hidden sheet holds the case as much as a visible one: read, and a warning says it is hidden."""
    def hide(wb):
        wb["policies"].sheet_state = "hidden"
        wb["sources"].sheet_state = "veryHidden"
    path = with_workbook(tmp_path / "hidden.xlsx", hide)
    case, report = check_workbook(path)
    assert report.errors == [] and len(case.policies) == 1
    assert sorted(str(w) for w in report.warnings) == [
        "policies: sheet 'policies' is hidden; it is read all the same (unhide it to see what is read)",
        "sources: sheet 'sources' is very hidden (only a macro can show it); it is read all the same "
        "(unhide it to see what is read)"]
    res = run("validate", path)
    assert res.exit_code == 0 and "is hidden" in res.output


def test_an_xlsx_with_another_extension_is_read_with_a_warning(tmp_path):
    path = write_base(tmp_path / "base.xlsx").rename(tmp_path / "case.xls")
    case, report = check_workbook(path)
    assert case is not None and report.errors == []
    assert [str(w) for w in report.warnings] == [
        f"workbook: {path}: named '.xls' but it is an .xlsx workbook; read as .xlsx"]


def test_an_empty_merged_range_is_no_error(tmp_path):
    """Merging empty cells (a layout choice) hides no value."""
    def merge(wb):
        wb["offers"].merge_cells("P2:Q3")
    case, report = check_workbook(with_workbook(tmp_path / "merged.xlsx", merge))
    assert report.issues == [] and case is not None


def test_the_message_for_a_few_defects(corpus):
    """What a user reads, in full, for a few of them."""
    def errors(name):
        return [str(i) for i in check_workbook(corpus[name].path)[1].errors]
    assert errors("negative_capacity") == [
        f"offers!{cell('offers', 'capacity_per_period', 1)}: capacity_per_period is -5, expected a number >= 0"]
    assert errors("nan_in_a_number_cell") == ["offers!D2: price is nan, expected a finite number"]
    assert errors("merged_cells") == [
        "offers!B2: site cells B2:B3 are merged, expected one value in each cell (unmerge them: a merged "
        "range's value is in B2 only, the cells it covers read as blank)"]
    assert errors("renamed_column") == [
        "offers!N1: missing column 'price', expected it in the header row (Price per unit of material "
        "(currency per unit, e.g. USD/t).); is 'unit_price' (D1) meant to be price?"]
    path = corpus["password_protected"].path
    assert errors("password_protected") == [
        f"workbook: {path}: cannot be read as an .xlsx workbook: it is password-protected (encrypted); "
        "expected an unencrypted .xlsx (in Excel: File > Info > Protect Workbook > Encrypt with Password, "
        "delete the password, save)"]
