"""Every malformed workbook of the corpus (tests/support/malformed.py) through the command line.

For each: ``sourcing validate PATH`` exits 1; one error line names the sheet, the cell or column and
what was expected; there is no traceback; and the input is byte for byte what it was (a path that
did not exist still does not, a directory is unchanged). ``solve`` on a few of them stops at the
same point, before anything is solved.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from support.malformed import (GENERATORS, NEEDS_COPRODUCTS_SHEET, build_corpus, cell, corpus_rows, with_offer_rows,
                       with_rows, with_workbook, write_base)
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


# --------------------------------------------------------------------------------------------------
# workbooks at their extremes: every row read, huge or hostile files refused in seconds
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["A1:M3", "A1:C3", "A1:A1"])
def test_rows_and_columns_outside_a_stale_dimension_are_read(tmp_path, dimension):
    """Another tool wrote five offers below the range the sheet declares (or columns beyond it):
    Excel and LibreOffice read them, so the reader does, without a warning."""
    path = with_offer_rows(tmp_path / "stale.xlsx", 5, dimension=dimension)
    case, report = check_workbook(path)
    assert report.issues == [], [str(i) for i in report.issues]
    base, _ = check_workbook(write_base(tmp_path / "base.xlsx"))
    assert len(case.offers) == len(base.offers) + 5
    assert case.offers["O_8"].price == 12 and case.offers["O_8"].capacity_per_period == 50
    assert case.offers["O_CN"] == base.offers["O_CN"]  # the columns beyond C of the declared rows too
    res = run("validate", path)
    assert res.exit_code == 0 and f"{len(base.offers) + 5} offers" in res.output, res.output


def test_a_sheet_of_two_million_rows_is_refused_in_seconds(tmp_path):
    """2,000,000 offers rows, each only an id: refused from the sheet's XML after its first 100,001
    rows, in seconds, in little memory, in one error line (not three errors a row)."""
    path = with_offer_rows(tmp_path / "huge.xlsx", 2_000_000, full=False)
    t0 = time.perf_counter()
    case, report = check_workbook(path)
    seconds = time.perf_counter() - t0
    assert case is None and [str(e) for e in report.errors] == [
        "offers: the sheet has more than 100,000 rows with values (the limit is passed at row 100,001), more "
        "than any case needs, and is refused before it is read; expected at most 100,000 rows in a sheet"]
    assert seconds < 10, seconds
    # the command line in a process of its own, started by a small one that measures its peak memory
    # (a process forked from this one would count this one's memory as its own)
    measure = ("import os, subprocess, sys\n"
               "p = subprocess.Popen([sys.executable, '-c', 'from model.cli import main; main()', 'validate', "
               "sys.argv[1]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)\n"
               "out = p.stdout.read()\n"
               "_, status, usage = os.wait4(p.pid, 0)\n"
               "sys.stdout.write(f'{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}\\n' + out.decode())\n")
    done = subprocess.run([sys.executable, "-c", measure, str(path)], capture_output=True, text=True, check=True)
    head, output = done.stdout.split("\n", 1)
    code, peak_kb = map(int, head.split())
    assert code == 1, output
    assert len(output.splitlines()) < 50 and "more than 100,000 rows" in output, output
    assert peak_kb / 1024 < 500, peak_kb  # ru_maxrss is in kilobytes on Linux


def test_errors_past_a_few_dozen_of_a_kind_are_summarised(tmp_path):
    """100 offers with a text price: the first 30 are listed, then how many more; --json keeps them all."""
    def change(rows):
        rows["offers"] += [{"offer": f"O_T{i}", "site": "SUP_AU", "material": "X", "price": "cheap",
                            "capacity_per_period": 10} for i in range(100)]
    path = with_rows(tmp_path / "many.xlsx", change)
    price = cell("offers", "price").rstrip("0123456789")
    res = run("validate", path)
    assert res.exit_code == 1
    lines = res.output.splitlines()
    listed = [line for line in lines if line.startswith(f"error: offers!{price}") and "'cheap'" in line]
    assert len(listed) == 30, res.output
    assert f"error: offers!{price}: ... and 70 more errors of this kind (column {price} of sheet offers)" in lines
    assert f"{path}: 100 errors" in lines and len(lines) < 40
    doc = json.loads(run("validate", path, "--json").stdout)
    assert doc["error_count"] == 100 and len(doc["errors"]) == 100
    assert sum("'cheap'" in e for e in doc["errors"]) == 100
    # every verb that reads the case says the same when it stops at the input
    res = run("solve", path, "--out", tmp_path / "plan.xlsx", "--quiet")
    assert res.exit_code == 1 and "error: bad input" in res.output
    assert f"  offers!{price}: ... and 70 more errors of this kind (column {price} of sheet offers)" in \
        res.output.splitlines(), res.output
    assert len(res.output.splitlines()) < 40


def test_openpyxl_reads_every_part_through_defusedxml():
    """openpyxl's documented guard against XML attacks: it uses defusedxml when it is installed, and
    the package installs it."""
    import openpyxl
    from importlib.metadata import requires
    assert openpyxl.DEFUSEDXML is True
    assert any(r.startswith("defusedxml") for r in requires("resilient-sourcing"))


def test_a_billion_laughs_sheet_is_refused_at_once(corpus):
    t0 = time.perf_counter()
    case, report = check_workbook(corpus["billion_laughs_in_a_sheet"].path)
    assert case is None and time.perf_counter() - t0 < 5
    assert [(e.sheet, e.cell) for e in report.errors] == [("offers", "A1")]
