"""The input workbook contract (docs/cli.md, docs/inputs.md): the template, the reader's checks, Excel quirks.

Bad workbooks are built from the template: mostly by editing its cells (``tpl.check({"offers!E3":
-5})``: the template's values, edited, saved as a bare .xlsx), so that the test knows the exact
cell; a few by mutating ``template_rows()`` and writing it with ``write_case_workbook``, or by
editing the template file itself with openpyxl. Row 1 is the header, data starts at row 2, and
column letters follow the schema's column order (``test_column_letters_follow_the_schema`` pins the
letters used here).
"""

from __future__ import annotations

import copy
import datetime
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from model.case.case import Case
from model.case.issues import CaseError
from model.case.reader import check_workbook, read_case
from model.case.schema import SHEETS, SHEETS_BY_NAME, STAGES
from model.case.template import template_rows, write_template
from model.case.workbook import write_case_workbook

# --------------------------------------------------------------------------------------------------
# helpers and fixtures
# --------------------------------------------------------------------------------------------------


def letter(sheet: str, column: str) -> str:
    return get_column_letter(SHEETS_BY_NAME[sheet].column_names.index(column) + 1)


@pytest.fixture(scope="session")
def template_file(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "template.xlsx")


@pytest.fixture(scope="session")
def template_case(template_file) -> Case:
    case, report = check_workbook(template_file)
    assert case is not None, [str(i) for i in report.issues]
    return case


@pytest.fixture(scope="session")
def template_grid(template_file) -> dict[str, list[list]]:
    """The template's cell values, sheet by sheet, row 1 (the header) first."""
    wb = load_workbook(template_file)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def write_plain_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A bare .xlsx (values only, inline strings; formulas without cached values), in ~2 ms.

    openpyxl takes ~40 ms to save the same cells; with a hundred bad workbooks to write that is most
    of this file's run time. ``test_plain_writer_reads_like_the_template`` keeps it honest.
    """
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", _XML
                   + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
                             for i in range(1, len(names) + 1))
                   + "</Types>")
        z.writestr("_rels/.rels", _XML + f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                   f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", _XML + f"<workbook {_NS}><sheets>"
                   + "".join(f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rId{i}"/>'
                             for i, n in enumerate(names, start=1))
                   + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", _XML + f'<Relationships xmlns="{_PKG_REL}">'
                   + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, len(names) + 1))
                   + "</Relationships>")
        for i, name in enumerate(names, start=1):
            xml_rows = []
            for r, line in enumerate(sheets[name], start=1):
                cells = []
                for c, v in enumerate(line, start=1):
                    ref = f"{get_column_letter(c)}{r}"
                    if v is None:
                        continue
                    if isinstance(v, bool):
                        cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
                    elif isinstance(v, (int, float)):
                        cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
                    elif isinstance(v, datetime.datetime):
                        cells.append(f'<c r="{ref}" t="d"><v>{v.isoformat()}</v></c>')
                    elif isinstance(v, str) and v.startswith("="):
                        cells.append(f'<c r="{ref}"><f>{escape(v[1:])}</f></c>')
                    else:
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}'
                                     "</t></is></c>")
                xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
            z.writestr(f"xl/worksheets/sheet{i}.xml",
                       _XML + f'<worksheet {_NS}><sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
    return path


class Grid:
    """The template's cells, to edit and save as a plain workbook (no notes or dropdowns: fast).

    ``sheets`` maps a sheet title to its rows (lists of cell values, the header first), so a test can
    also drop a sheet or a column, or rename one.
    """

    def __init__(self, sheets: dict, path: Path):
        self.sheets = copy.deepcopy(sheets)
        self.path = path

    def set(self, changes: dict | None) -> "Grid":
        """Set cells, e.g. {"offers!E3": -5}; the value None clears a cell."""
        for ref, value in (changes or {}).items():
            sheet, cell = ref.split("!")
            col, row = coordinate_from_string(cell)
            rows = self.sheets[sheet]
            while len(rows) < row:
                rows.append([])
            line = rows[row - 1]
            j = column_index_from_string(col)
            line.extend([None] * (j - len(line)))
            line[j - 1] = value
        return self

    def save(self) -> Path:
        return write_plain_xlsx(self.path, self.sheets)

    def check(self, changes: dict | None = None):
        return check_workbook(self.set(changes).save())


@pytest.fixture
def tpl(template_grid, tmp_path) -> Grid:
    """The template, to edit cell by cell."""
    return Grid(template_grid, tmp_path / "case.xlsx")


@pytest.fixture
def tpl_file(template_file, tmp_path) -> Path:
    """A private copy of the template workbook as written (notes, dropdowns, styles), to edit."""
    return Path(shutil.copy(template_file, tmp_path / "case.xlsx"))


def edit(path: Path, changes: dict) -> Path:
    """Set cells of a workbook file with openpyxl, e.g. {"offers!E3": -5}."""
    wb = load_workbook(path)
    for ref, value in changes.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell].value = value
    wb.save(path)
    return path


def write_rows(tmp_path: Path, rows: dict, name: str = "case.xlsx") -> Path:
    return write_case_workbook(tmp_path / name, rows)


def messages(report, severity: str = "error") -> list[str]:
    issues = report.errors if severity == "error" else report.warnings
    return [str(i) for i in issues]


def the_issue(report, where: str, *expected: str, severity: str = "error") -> str:
    """The one issue at ``where`` (``sheet!cell``) whose text contains every ``expected`` fragment."""
    found = [m for m in messages(report, severity) if m.startswith(where + ": ")]
    hits = [m for m in found if all(e in m for e in expected)]
    assert hits, f"no {severity} at {where} containing {expected}; {severity}s: {messages(report, severity)}"
    return hits[0]


def check(grid: Grid, changes: dict | None = None):
    return grid.check(changes)


# --------------------------------------------------------------------------------------------------
# the template
# --------------------------------------------------------------------------------------------------


def test_column_letters_follow_the_schema():
    # the cell references used in this file
    assert letter("offers", "price") == "D"
    assert letter("offers", "capacity_per_period") == "E"
    assert letter("offers", "min_per_period") == "F"
    assert letter("offers", "lead_time") == "H"
    assert letter("offers", "qualified") == "I"
    assert letter("offers", "origin_country") == "L"
    assert letter("demand", "period") == "C"
    assert letter("demand", "max_origin_group") == "F"
    assert letter("inventory", "initial_origin_group") == "D"
    assert letter("controls", "kind") == "I"
    assert letter("controls", "status") == "L"
    assert letter("controls", "start_period") == "M"
    assert letter("controls", "end_period") == "N"
    assert letter("scenario_events", "target") == "C"
    assert letter("scenario_events", "start_period") == "D"


def test_template_rows_cover_every_sheet():
    rows = template_rows()
    assert set(rows) == {s.name for s in SHEETS}
    assert all(rows[s.name] for s in SHEETS), "every sheet has example rows"
    # template_rows returns fresh data each call, so tests can mutate it
    rows["offers"].clear()
    assert template_rows()["offers"]


def test_template_reads_without_errors_or_warnings(template_file):
    case, report = check_workbook(template_file)
    assert report.issues == [], [str(i) for i in report.issues]
    assert isinstance(case, Case)
    assert read_case(template_file) == case


def test_template_counts(template_case):
    c = template_case
    assert c.settings.periods == 6
    assert c.settings.origin_groups == ("free", "covered", "CN")
    assert len(c.countries) == 6
    assert set(c.materials) == {"NdPr_oxide", "NdPr_metal", "NdFeB_magnet", "NdFeB_swarf", "NdFeB_lowDy_magnet"}
    assert c.processes["us_magnet_line"].coproducts == (("NdFeB_swarf", 0.2),)
    assert c.inventories[("us_warehouse", "NdPr_oxide")].max_origin_group == "free"
    assert len(c.sites) == 5
    assert {s.role for s in c.sites.values()} == {"supplier", "own", "warehouse"}
    assert len(c.offers) == 4
    assert sum(o.spot for o in c.offers.values()) == 1
    assert sum(not o.qualified for o in c.offers.values()) == 1
    assert len(c.processes) == 2
    assert len(c.lanes) == 5
    assert len(c.inventories) == 3
    assert c.inventories[("us_warehouse", "NdPr_oxide")].end_stock_value == 75000
    assert c.inventories[("us_plant", "NdPr_metal")].end_stock_value == 95000  # the cheapest offer of it
    assert len(c.receipts) == 1 and c.receipts[0].origin_group == "CN"
    assert set(c.storage_options) == {"rent_bonded_bay"}
    assert [s.key for s in c.substitutes] == ["NdFeB_magnet>NdFeB_lowDy_magnet"]
    assert len(c.rules) == 2
    assert {r.status for r in c.rules.values()} == {"in_force", "scenario"}
    assert {r.kind for r in c.rules.values()} == {"licence", "ban"}
    assert len(c.scenarios) == 2
    assert sum(s.probability for s in c.scenarios.values()) == pytest.approx(1.0)
    assert len(c.events) == 4
    assert {(e.target_kind, e.target) for e in c.events if e.event == "price"} == {("country", "CN"),
                                                                                 ("group", "light_REE")}
    assert len(c.policies) == 1
    assert len(c.sources) == 2
    # the scenario event switches on the scenario rule
    rule_events = [e for e in c.events if e.event == "rule"]
    assert rule_events and all(c.rules[e.target].status == "scenario" for e in rule_events)


def test_template_star_period_expands_to_one_demand_per_period(template_case):
    c = template_case
    commercial = [d for d in c.demands if d.max_origin_group is None]
    assert sorted(d.period for d in commercial) == list(range(1, 7))
    assert all(d.quantity == 40 and d.shortfall_penalty == 500000 for d in commercial)
    defence = [d for d in c.demands if d.max_origin_group is not None]
    assert [(d.period, d.quantity, d.max_origin_group) for d in defence] == [(5, 10.0, "free")]


def test_expanded_demands_have_distinct_ids(template_case):
    """Demand.demand names the row; with the period it identifies one demand (case.py)."""
    ids = [(d.demand, d.period) for d in template_case.demands]
    assert len(set(ids)) == len(ids), f"duplicate demand ids: {ids}"


def test_template_list_cells_are_split(template_case):
    c = template_case
    assert c.materials["NdPr_oxide"].groups == ("REE", "light_REE", "dual_use")
    lane = next(ln for ln in c.lanes if ln.lane == "cn_baotou>us_plant")
    assert lane.materials == ("NdPr_oxide", "NdPr_metal")
    star = next(ln for ln in c.lanes if ln.lane == "us_warehouse>us_plant")
    assert set(star.materials) == set(c.materials)
    assert c.rules["cn_licence"].materials == ("NdPr_metal", "NdFeB_magnet")
    assert c.rules["cn_licence"].to_countries == ("*",)
    # a group named in a rule expands to its member materials
    assert set(c.rules["cn_entity_ban"].materials) == {"NdPr_oxide", "NdPr_metal"}
    assert c.rules["cn_entity_ban"].to_owners == ("OwnCo",)


def test_template_defaults_are_applied(template_case):
    c = template_case
    spot = c.offers["cn_metal_spot"]
    assert spot.lead_time == 0 and spot.min_per_period == 0 and spot.fixed_cost == 0  # blank cells
    assert c.offers["cn_oxide"].origin_country == "CN"  # blank origin_country -> site's country
    assert c.offers["lynas_oxide"].origin_country == "AU"  # given
    assert c.offers["lynas_oxide"].qualification_periods == 2
    warehouse = c.inventories[("us_warehouse", "NdPr_oxide")]
    assert warehouse.end_stock_min == warehouse.initial_stock == 30  # blank end_stock_min
    plant = c.inventories[("us_plant", "NdPr_metal")]
    assert plant.initial_origin_group == "CN"  # blank -> the most controlled group
    assert plant.end_stock_min == 5
    blank_lane = next(ln for ln in c.lanes if ln.lane == "us_plant>us_warehouse")
    assert set(blank_lane.materials) == set(c.materials) and blank_lane.lead_time == 0
    assert blank_lane.capacity_per_period is None  # blank capacity = unlimited
    assert c.rules["cn_licence"].end_period == 6  # blank end_period -> the horizon
    rule_event = next(e for e in c.events if e.event == "rule")
    assert (rule_event.start_period, rule_event.end_period, rule_event.notice) == (3, 6, 1)
    outage = next(e for e in c.events if e.event == "outage")
    assert (outage.target, outage.end_period, outage.notice) == ("my_kuantan>us_plant", 5, 0)
    assert c.processes["us_magnet_line"].exists and c.processes["us_magnet_line"].build_cost == 0
    assert c.processes["us_metal_line"].inputs == (("NdPr_oxide", 1.2),)
    assert c.settings.currency == "USD"


def test_template_header_notes_frozen_panes_and_dropdowns(template_file):
    wb = load_workbook(template_file)
    assert wb.sheetnames == [s.name for s in SHEETS]
    for spec in SHEETS:
        ws = wb[spec.name]
        assert ws.freeze_panes == "A2", spec.name
        header = [c.value for c in ws[1]]
        assert header == list(spec.column_names), spec.name
        for cell in ws[1]:
            assert cell.comment is not None and cell.comment.text.strip(), f"{spec.name}!{cell.coordinate}"
        validated = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                validated[get_column_letter(rng.min_col)] = (dv.formula1, rng.min_row)
        for j, col in enumerate(spec.columns, start=1):
            col_letter = get_column_letter(j)
            if col.kind == "yesno":
                assert validated.get(col_letter) == ('"yes,no"', 2), f"{spec.name}!{col_letter} ({col.name})"
            elif col.choices:
                formula, first_row = validated[col_letter]
                assert first_row == 2 and all(ch in formula for ch in col.choices), col.name
    # the notes say what is expected and what the default is
    offers = wb["offers"]
    assert "Default: 0" in offers[f"{letter('offers', 'lead_time')}1"].comment.text
    assert "Required" in offers[f"{letter('offers', 'price')}1"].comment.text


def test_plain_writer_reads_like_the_template(tpl, template_case):
    case, report = tpl.check()
    assert report.issues == [] and case == template_case


def test_write_template_returns_the_path(tmp_path):
    out = write_template(tmp_path / "sub" / "t.xlsx")
    assert out == tmp_path / "sub" / "t.xlsx" and out.exists()
    assert [p.name for p in out.parent.iterdir()] == ["t.xlsx"], "no temporary file left behind"


# --------------------------------------------------------------------------------------------------
# one test per kind of validation error
# --------------------------------------------------------------------------------------------------


def test_issue_format(tpl):
    case, report = check(tpl, {"offers!E3": -5})
    assert case is None
    issue = report.errors[0]
    assert (issue.severity, issue.sheet, issue.cell) == ("error", "offers", "E3")
    assert str(issue) == "offers!E3: capacity_per_period is -5, expected a number >= 0"


def test_missing_required_sheet(tpl):
    del tpl.sheets["demand"]
    case, report = tpl.check()
    assert case is None
    assert messages(report) == [
        "demand: sheet 'demand' is missing, expected a sheet with columns site, material, period, "
        "quantity, shortfall_penalty, max_origin_group"]


def test_missing_optional_sheet_is_fine(tpl):
    del tpl.sheets["policies"], tpl.sheets["sources"]
    case, report = tpl.check()
    assert report.issues == [] and case.policies == () and case.sources == ()


def test_missing_required_column(tpl):
    for line in tpl.sheets["offers"]:
        del line[3]  # price
    case, report = tpl.check()
    assert case is None
    # reported once, at the first free header cell (12 columns left: M1), not once per row
    msg = the_issue(report, "offers!M1", "missing column 'price'", "expected it in the header row")
    assert messages(report) == [msg]


def test_blank_required_cell(tpl):
    case, report = check(tpl, {"offers!D3": None})
    assert case is None
    msg = the_issue(report, "offers!D3", "price is blank, expected", "price per unit")
    assert messages(report) == [msg]


def test_blank_required_id(tpl):
    case, report = check(tpl, {"countries!A7": "   "})  # RU, referenced nowhere
    assert case is None
    the_issue(report, "countries!A7", "country is blank, expected", "ISO country code")


def test_text_where_a_number_is_expected(tpl):
    case, report = check(tpl, {"offers!D2": "cheap"})
    assert case is None
    msg = the_issue(report, "offers!D2", "price is 'cheap', expected a number")
    assert messages(report) == [msg]


def test_number_stored_as_text_is_accepted_with_a_warning(tpl, template_case):
    case, report = check(tpl, {"offers!D2": "62000", "offers!H2": " 1 ", "demand!C3": "5"})
    assert report.errors == []
    the_issue(report, "offers!D2", "price is the text '62000'", "62000", severity="warning")
    the_issue(report, "offers!H2", "lead_time", severity="warning")
    the_issue(report, "demand!C3", "period", severity="warning")
    assert len(report.warnings) == 3
    assert case == template_case


def test_negative_capacity(tpl):
    case, report = check(tpl, {"offers!E3": -5})
    assert case is None
    assert messages(report) == ["offers!E3: capacity_per_period is -5, expected a number >= 0"]


@pytest.mark.parametrize("ref, value, expected", [
    ("demand!C3", 2.5, "period is 2.5, expected a whole number"),
    ("offers!H2", 1.5, "lead_time is 1.5, expected a whole number"),
    ("scenario_events!D2", "3.5", "start_period is 3.5, expected a whole number"),
])
def test_non_integer_period(tpl, ref, value, expected):
    case, report = check(tpl, {ref: value})
    assert case is None
    the_issue(report, ref, expected)


def test_period_neither_number_nor_star(tpl):
    case, report = check(tpl, {"demand!C2": "all"})
    assert case is None
    the_issue(report, "demand!C2", "period is 'all', expected a period number or *")


@pytest.mark.parametrize("value", ["maybe", 2, "oui"])
def test_bad_yes_no(tpl, value):
    case, report = check(tpl, {"offers!I2": value})
    assert case is None
    msg = the_issue(report, "offers!I2", "qualified is", "expected yes or no")
    assert messages(report) == [msg]


def test_yes_no_spellings(tpl, template_case):
    # the template's yes/no cells, each written another way Excel users write yes or no
    case, report = check(tpl, {
        "offers!I2": "Yes", "offers!I3": "Y", "offers!I4": "No",  # qualified
        "offers!M2": 0, "offers!M3": True, "offers!M4": "n",  # spot
        "processes!F2": False, "processes!F3": 1,  # exists
        "controls!H2": "false", "controls!H3": "TRUE",  # extraterritorial
    })
    assert report.issues == [], messages(report)
    assert case == template_case
    case, report = check(tpl, {"offers!M3": "x", "processes!F3": "y", "offers!I4": "N"})
    assert report.issues == [] and case == template_case


@pytest.mark.parametrize("ref, value, column, choices", [
    ("materials!C2", "powder", "stage", STAGES),
    ("sites!E3", "trader", "role", ("supplier", "processor", "own", "customer", "warehouse")),
    ("controls!I2", "embargo", "kind", ("ban", "licence", "quota")),
    ("controls!L2", "maybe", "status", ("in_force", "scenario", "off")),
    ("scenario_events!B3", "strike", "event", ("rule", "outage", "price")),
    ("policies!A2", "max_share", "policy", ("max_share_origin", "min_suppliers")),
])
def test_bad_choice(tpl, ref, value, column, choices):
    case, report = check(tpl, {ref: value})
    assert case is None
    the_issue(report, ref, f"{column} is '{value}', expected one of", ", ".join(choices))


def test_bad_setting_choice_and_range(tpl):
    rows = {line[0]: n for n, line in enumerate(tpl.sheets["settings"], start=1)}
    case, report = tpl.check({f"settings!B{rows['risk_measure']}": "variance", f"settings!B{rows['periods']}": 0})
    assert case is None
    the_issue(report, f"settings!B{rows['risk_measure']}", "risk_measure is 'variance', expected one of",
              "cvar_shortfall")
    the_issue(report, f"settings!B{rows['periods']}", "periods is 0, expected a number >= 1")


def test_a_time_limit_of_zero_is_bad_input(tpl):
    """Every solve would stop before it starts: validate says so (the --time-limit option alike)."""
    rows = {line[0]: n for n, line in enumerate(tpl.sheets["settings"], start=1)}
    case, report = tpl.check({f"settings!B{rows['time_limit_s']}": 0})
    assert case is None
    the_issue(report, f"settings!B{rows['time_limit_s']}", "time_limit_s is 0, expected a number of seconds more than 0")


def test_a_supplier_minimum_above_its_maximum_is_bad_input(tpl):
    """No plan meets both; validate says so at the minimum's cell (solve would only find it infeasible)."""
    case, report = check(tpl, {"policies!A3": "min_suppliers", "policies!B3": "NdPr_oxide", "policies!D3": 3,
                               "policies!A4": "max_suppliers", "policies!B4": "*", "policies!D4": 1})
    assert case is None
    the_issue(report, "policies!D3", "min_suppliers 3 is above max_suppliers 1 for NdPr_oxide")


def test_a_blank_required_setting_names_its_cell(tpl):
    rows = {line[0]: n for n, line in enumerate(tpl.sheets["settings"], start=1)}
    case, report = tpl.check({f"settings!B{rows['periods']}": None})
    assert case is None
    the_issue(report, f"settings!B{rows['periods']}", "setting 'periods' is blank, expected a value")


def test_missing_setting(tmp_path):
    rows = template_rows()
    del rows["settings"]["periods"]
    case, report = check_workbook(write_rows(tmp_path, rows))
    assert case is None
    assert any("setting 'periods' is missing" in m for m in messages(report))


def test_choices_are_case_insensitive(tpl, template_case):
    case, report = check(tpl, {"materials!C2": "Oxide", "sites!E4": "OWN", "controls!L2": "In_Force"})
    assert report.issues == []
    assert case == template_case


def test_duplicate_id(tpl):
    case, report = check(tpl, {"offers!A3": "cn_oxide"})
    assert case is None
    msg = the_issue(report, "offers!A3", "cn_oxide repeats row 2", "expected unique ids")
    assert messages(report) == [msg]


def test_duplicate_id_ignores_case_and_spaces(tpl):
    case, report = check(tpl, {"countries!A7": " cn "})
    assert case is None
    the_issue(report, "countries!A7", "repeats row 2", "expected unique ids")


def test_duplicate_lane_and_inventory_keys(tmp_path):
    rows = template_rows()
    rows["lanes"].append(dict(rows["lanes"][0]))  # row 7
    rows["inventory"].append(dict(rows["inventory"][1]))  # row 5
    case, report = check_workbook(write_rows(tmp_path, rows))
    assert case is None
    the_issue(report, "lanes!A7", "cn_baotou/us_plant repeats row 2")
    the_issue(report, "inventory!A5", "us_warehouse/NdPr_oxide repeats row 3")


@pytest.mark.parametrize("ref, value, expected", [
    ("sites!C2", "XX", "country 'XX' is not a known country"),
    ("offers!B2", "nowhere", "site 'nowhere' is not a known site, expected one of: cn_baotou"),
    ("offers!C2", "unobtainium", "material 'unobtainium' is not a known material"),
    ("offers!L2", "XX", "origin_country 'XX' is not a known country"),
    ("processes!B2", "nowhere", "site 'nowhere' is not a known site"),
    ("processes!C2", "gold", "output 'gold' is not a known material"),
    ("processes!J2", "XX", "technology_origin 'XX' is not a known country"),
    ("process_inputs!A2", "no_process", "process 'no_process' is not a known process"),
    ("process_inputs!B2", "gold", "input 'gold' is not a known material"),
    ("lanes!A3", "nowhere", "from_site 'nowhere' is not a known site"),
    ("lanes!B3", "nowhere", "to_site 'nowhere' is not a known site"),
    ("lanes!C2", "NdPr_oxide, gold", "materials names 'gold', which is neither a material nor a material group"),
    ("demand!A2", "nowhere", "site 'nowhere' is not a known site"),
    ("demand!B2", "gold", "material 'gold' is not a known material"),
    ("inventory!B2", "gold", "material 'gold' is not a known material"),
    ("controls!C2", "XX", "issuer 'XX' is not a known country"),
    ("controls!D2", "gold", "materials names 'gold'"),
    ("controls!F2", "US, XX", "to_countries 'XX' is not a known country"),
    ("controls!G3", "OwnCo, Nobody Inc", "to_owners names 'Nobody Inc', which owns no site, expected an owner"),
    ("scenario_events!A2", "nope", "scenario 'nope' is not a known scenario"),
    ("scenario_events!C2", "no_rule", "target 'no_rule' is not a known rule"),
    ("scenario_events!C4", "nowhere", "outage target 'nowhere' is not a known site, process, offer or lane"),
    ("scenario_events!C4", "us_plant>cn_baotou", "outage target 'us_plant>cn_baotou' is not a known"),
    ("scenario_events!C3", "XX", "price target 'XX' is not a known offer or country"),
    ("policies!B2", "gold", "material names 'gold'"),
])
def test_unknown_reference(tpl, ref, value, expected):
    case, report = check(tpl, {ref: value})
    assert case is None
    the_issue(report, ref, expected)


def test_references_are_case_and_space_insensitive(tpl, template_case):
    case, report = check(tpl, {
        "offers!B2": " CN_BAOTOU ",  # reference with stray spaces and another case
        "offers!A2": "cn_oxide  ",  # id with stray spaces
        "lanes!C2": "ndpr_oxide ,NdPr_metal",
        "scenario_events!C4": "MY_KUANTAN > US_PLANT",
        "controls!G3": "ownco",
    })
    assert report.issues == [], messages(report)
    assert case == template_case


@pytest.mark.parametrize("ref, value, column", [
    ("countries!C3", "allies", "origin_group"),
    ("demand!F3", "clean", "max_origin_group"),
    ("inventory!D3", "clean", "initial_origin_group"),
    ("policies!C2", "clean", "target"),
])
def test_undeclared_origin_group(tpl, ref, value, column):
    case, report = check(tpl, {ref: value})
    assert case is None
    the_issue(report, ref, f"{column} '{value}' is not a declared origin group",
              "expected one of: free, covered, CN")


def test_probabilities_must_sum_to_one(tpl):
    case, report = check(tpl, {"scenarios!B3": 0.2})
    assert case is None
    # reported at the probability cells that sum wrong
    msg = the_issue(report, "scenarios!B2:B3", "probabilities sum to 0.9, expected 1")
    assert messages(report) == [msg]


def test_probability_out_of_range(tpl):
    case, report = check(tpl, {"scenarios!B3": 1.3})
    assert case is None
    the_issue(report, "scenarios!B3", "probability is 1.3, expected a number <= 1")


@pytest.mark.parametrize("ref, value, expected", [
    ("demand!C3", 9, "period is 9, expected a period within 1..6"),
    ("controls!M2", 7, "start_period is 7, expected a period within 1..6"),
    ("controls!N2", 9, "end_period is 9, expected a period within 1..6"),
    ("scenario_events!D2", 7, "start_period is 7, expected a period within 1..6"),
])
def test_period_beyond_the_horizon(tpl, ref, value, expected):
    case, report = check(tpl, {ref: value})
    assert case is None
    msg = the_issue(report, ref, expected)
    assert messages(report) == [msg]


@pytest.mark.parametrize("value", [0, -1])
def test_demand_period_before_the_first(tpl, value):
    """Periods are numbered 1..periods (docs/model.md): a demand in period 0 is outside the horizon."""
    case, report = check(tpl, {"demand!C3": value})
    assert case is None, "a demand in period %s was accepted" % value
    the_issue(report, "demand!C3", f"period is {value}, expected")


def test_end_period_before_start_period(tpl):
    case, report = check(tpl, {"controls!M2": 4, "controls!N2": 2})
    assert case is None
    msg = the_issue(report, "controls!N2", "end_period is 2, expected >= start_period (4)")
    assert messages(report) == [msg]


def test_inventory_at_a_non_stocking_site(tpl):
    case, report = check(tpl, {"inventory!A2": "cn_baotou"})
    assert case is None
    msg = the_issue(report, "inventory!A2", "site cn_baotou has role supplier",
                    "expected a stocking site (role own or warehouse)")
    assert messages(report) == [msg]


def test_inventory_above_max_stock(tpl):
    case, report = check(tpl, {"inventory!G3": 250})  # min_stock 250 > max_stock 200; the bay is ready only
    assert case is None                                 # from period 2, and min_stock binds from period 1
    the_issue(report, "inventory!G3", "min_stock is 250, expected at most max_stock (200)")
    case, report = check(tpl, {"inventory!H3": 350})  # end_stock_min 350 > max_stock 200 + the bay's 100
    assert case is None
    the_issue(report, "inventory!H3", "end_stock_min is 350, expected at most max_stock (200) plus the room of the "
              "storage options that may hold NdPr_oxide at us_warehouse by the horizon (100)")


def test_an_end_floor_that_storage_room_can_hold_by_the_horizon_is_no_error(tpl):
    """end_stock_min 250 at us_warehouse (max_stock 200) fits with the 100 of room the bay rents
    there from period 2."""
    case, report = check(tpl, {"inventory!H3": 250})
    assert case is not None and not report.errors


def test_min_per_period_above_capacity(tpl):
    case, report = check(tpl, {"offers!F2": 500})
    assert case is None
    msg = the_issue(report, "offers!F2", "min_per_period is 500, expected at most capacity_per_period (100)")
    assert messages(report) == [msg]


def test_quota_rule_needs_a_quota(tpl):
    case, report = check(tpl, {"controls!I2": "quota"})
    assert case is None
    the_issue(report, "controls!K2", "quota_per_period is blank", "quota rule")


def test_price_event_needs_a_factor(tpl):
    case, report = check(tpl, {"scenario_events!G3": None})
    assert case is None
    the_issue(report, "scenario_events!G3", "factor is blank", "price multiplier")


def test_lane_to_itself(tpl):
    case, report = check(tpl, {"lanes!B2": "cn_baotou"})
    assert case is None
    the_issue(report, "lanes!B2", "lane from cn_baotou to itself")


def test_share_policy_above_one(tpl):
    case, report = check(tpl, {"policies!D2": 1.5})
    assert case is None
    the_issue(report, "policies!D2", "value is 1.5, expected a share in 0..1")


def test_unknown_sheet_is_a_warning_only(tpl, template_case):
    tpl.sheets["notes"] = [["my own notes"]]
    case, report = tpl.check()
    assert report.errors == [] and case == template_case
    assert len(report.warnings) == 1
    assert "unknown sheet 'notes' ignored" in str(report.warnings[0])


def test_a_process_without_inputs_is_warned_of(tpl):
    """us_magnet_line's one input row given a ratio of 0: it would make magnets from nothing."""
    _, report = check(tpl, {"process_inputs!C3": 0})
    assert report.errors == []
    the_issue(report, "processes!A3", "process us_magnet_line has no input", severity="warning")


def test_unknown_column_is_a_warning_only(tpl, template_case):
    case, report = check(tpl, {"offers!N1": "buyer_comment", "offers!N2": "call Monday"})
    assert report.errors == [] and case == template_case
    assert messages(report, "warning") == ["offers!N1: unknown column 'buyer_comment' ignored"]


def test_data_under_no_header_is_a_warning_only(tpl, template_case):
    case, report = check(tpl, {"offers!P3": "call Monday", "offers!P5": "again"})
    assert report.errors == [] and case == template_case
    assert messages(report, "warning") == [
        "offers!P3: data in a column without a header ignored; expected a column name in the header row"]


def test_notice_before_period_1_is_a_warning_only(tpl):
    case, report = check(tpl, {"scenario_events!F2": 4})
    assert report.errors == [] and case is not None
    assert messages(report, "warning") == [
        "scenario_events!F2: notice 4 reaches back before period 1 (the event starts in period 3): it is known "
        "from period 1, as with notice 2"]


def test_unknown_setting_is_a_warning_only(tpl, template_case):
    case, report = check(tpl, {"settings!A20": "colour", "settings!B20": "blue"})
    assert report.errors == [] and case == template_case
    the_issue(report, "settings!A20", "unknown setting 'colour' ignored", severity="warning")


def test_de_minimis_share_column_is_ignored_with_a_warning(tpl, template_case):
    case, report = check(tpl, {"controls!O1": "de_minimis_share", "controls!O2": 0.001})
    assert report.errors == [] and case == template_case
    msg = the_issue(report, "controls!O1", "de_minimis_share", "ignored", severity="warning")
    assert messages(report, "warning") == [msg]


@pytest.mark.parametrize("content", [b"this is not a workbook\n", b"", b"PK\x03\x04 truncated zip"])
def test_not_an_xlsx_is_reported_and_read_case_raises(tmp_path, content):
    """check_workbook never raises for a bad file: the file itself is the report's one error."""
    path = tmp_path / "case.xlsx"
    path.write_bytes(content)
    case, report = check_workbook(path)
    assert case is None
    assert len(report.errors) == 1
    text = str(report.errors[0])
    assert str(path) in text and "cannot be read as an .xlsx workbook" in text and "expected" in text
    with pytest.raises(CaseError) as info:
        read_case(path)
    assert "Traceback" not in str(info.value)


def test_missing_file_is_reported(tmp_path):
    case, report = check_workbook(tmp_path / "nope.xlsx")
    assert case is None and "no such file" in str(report.errors[0])
    with pytest.raises(CaseError, match="no such file"):
        read_case(tmp_path / "nope.xlsx")


def test_all_problems_are_reported_at_once(tpl):
    case, report = check(tpl, {"offers!E3": -5, "demand!C3": "soon", "scenarios!B3": 0.2})
    assert case is None
    assert sorted(messages(report)) == sorted([
        "offers!E3: capacity_per_period is -5, expected a number >= 0",
        "demand!C3: period is 'soon', expected a period number or *",
        "scenarios!B2:B3: probabilities sum to 0.9, expected 1 (within 1e-6)",
    ])


def test_read_case_raises_with_every_problem(tpl):
    path = tpl.set({"offers!E3": -5, "demand!C3": "soon"}).save()
    with pytest.raises(CaseError) as info:
        read_case(path)
    assert len(info.value.report.errors) == 2
    assert "offers!E3" in str(info.value) and "demand!C3" in str(info.value)


@pytest.mark.parametrize("value, expected", [
    (True, "price is True, expected a number"),
    ("#N/A", "price is '#N/A', expected a number"),
    (datetime.datetime(2025, 1, 2), "expected a number"),
    ("62,000", "expected a number"),
])
def test_odd_cell_values_in_a_number_column(tpl, value, expected):
    case, report = check(tpl, {"offers!D2": value})
    assert case is None
    the_issue(report, "offers!D2", expected)


def test_a_bad_cell_reports_once(tpl):
    """A cell reported as wrong does not also cause 'unknown reference' errors elsewhere."""
    case, report = check(tpl, {"offers!D2": "cheap", "lanes!E2": -1})
    assert case is None
    assert len(report.errors) == 2, messages(report)


@pytest.mark.parametrize("ref, value", [
    ("sites!E2", "trader"),  # cn_baotou's role: offers and lanes name cn_baotou
    ("countries!C3", "allies"),  # AU's origin group: lynas_oxide's origin country is AU
    ("materials!C3", "powder"),  # NdPr_metal's stage: offers, processes, lanes, inventory name it
])
def test_a_bad_cell_in_a_defining_row_reports_once(tpl, ref, value):
    """One wrong cell in the row that defines an id does not turn every use of the id into an error.

    The row's id still exists (it is written right there); 'X is not a known site' at each use
    sends the user hunting for a typo that is not there.
    """
    case, report = check(tpl, {ref: value})
    assert case is None
    assert messages(report) == [the_issue(report, ref, f"'{value}'")]


def test_bad_origin_groups_setting_names_its_cell(tpl):
    """A settings problem found after parsing still says where the setting is (docs/cli.md: sheet, row, column)."""
    rows = {line[0]: n for n, line in enumerate(tpl.sheets["settings"], start=1)}
    case, report = check(tpl, {f"settings!B{rows['origin_groups']}": "free, covered, free"})
    assert case is None
    the_issue(report, f"settings!B{rows['origin_groups']}", "repeats a group")


def test_blank_end_stock_min_is_not_reported_with_initial_stock(tpl):
    """initial_stock above max_stock is one problem, at the initial_stock cell, not also at the blank
    end_stock_min cell (whose default is initial_stock)."""
    case, report = check(tpl, {"inventory!C3": 350})  # us_warehouse: max_stock 200 (+ 100 of room), end_stock_min blank
    assert case is None
    assert messages(report) == ["inventory!C3: initial_stock is 350, expected at most max_stock (200) plus the room "
                                "of the storage options that may hold NdPr_oxide at us_warehouse by the horizon (100)"]


# --------------------------------------------------------------------------------------------------
# Excel-saved quirks read identically
# --------------------------------------------------------------------------------------------------


def test_numbers_stored_as_text_read_identically(tpl, template_case):
    converted = 0
    for title, rows in tpl.sheets.items():
        if title == "sources":
            continue
        for line in rows[1:]:
            for j, value in enumerate(line):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    line[j] = str(value)
                    converted += 1
    case, report = tpl.check()
    assert report.errors == []
    assert converted > 30 and len(report.warnings) == converted
    assert all("read as the number" in m for m in messages(report, "warning"))
    assert case == template_case


def test_trailing_blank_rows_read_identically(tpl_file, template_case):
    wb = load_workbook(tpl_file)
    for ws in wb.worksheets:
        last = ws.max_row
        ws.cell(last + 1, 1).value = "   "
        ws.cell(last + 2, 2).value = ""
        ws.cell(last + 40, 1).fill = PatternFill("solid", fgColor="FFFF00")  # formatted, empty
    wb.save(tpl_file)
    case, report = check_workbook(tpl_file)
    assert report.issues == [], messages(report)
    assert case == template_case


def test_stray_spaces_and_case_in_headers_and_sheet_names(tpl, template_case):
    tpl.set({"offers!D1": " Price ", "demand!C1": "Period", "lanes!D1": "cost per unit"})
    tpl.sheets = {("Offers" if t == "offers" else t): rows for t, rows in tpl.sheets.items()}
    case, report = tpl.check()
    assert report.issues == [], messages(report)
    assert case == template_case


def test_columns_in_another_order_read_identically(tpl, template_case):
    for line in tpl.sheets["offers"]:
        line.append(line.pop(3))  # price to the far right
    case, report = tpl.check()
    assert report.issues == [], messages(report)
    assert case == template_case


def test_blank_rows_between_data_rows_are_skipped(tpl):
    tpl.sheets["offers"].insert(2, [None] * 13)
    tpl.sheets["offers"].insert(2, [])
    case, report = tpl.check()
    assert report.issues == [], messages(report)
    assert set(case.offers) == {"cn_oxide", "cn_metal_spot", "lynas_oxide", "jp_lowdy_magnet"}


def test_formula_without_a_cached_value_is_an_error(tpl):
    """A formula never calculated (written by a script, not by Excel) has no cached value.

    Read as a blank cell it would silently turn a capacity into 'unlimited': it is reported instead.
    """
    case, report = check(tpl, {"offers!E2": "=50+50"})
    assert case is None
    msg = the_issue(report, "offers!E2", "capacity_per_period is the formula =50+50 with no calculated value",
                    "expected a value")
    assert messages(report) == [msg]


# --------------------------------------------------------------------------------------------------
# LibreOffice re-save
# --------------------------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def resaved(tmp_path_factory):
    """The template and a copy with a formula, re-saved by LibreOffice (which caches the value)."""
    base = tmp_path_factory.mktemp("soffice")
    src, out, profile = base / "src", base / "out", base / "profile"
    src.mkdir()
    plain = write_template(src / "plain.xlsx")
    formula = Path(shutil.copy(plain, src / "formula.xlsx"))
    edit(formula, {"offers!D2": "=60000+2000", "demand!D2": "=SUM(20,20)"})
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(out), str(plain), str(formula)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(base)})
    results = {p: out / f"{p}.xlsx" for p in ("plain", "formula")}
    missing = [str(p) for p in results.values() if not p.exists()]
    assert not missing, f"soffice did not write {missing}: {done.stdout} {done.stderr}"
    return results


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_resave_reads_identically(resaved, template_case):
    case, report = check_workbook(resaved["plain"])
    assert report.issues == [], messages(report)
    assert case == template_case


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_formula_with_a_cached_value_reads_as_its_value(resaved, template_case):
    case, report = check_workbook(resaved["formula"])
    assert report.issues == [], messages(report)
    assert case.offers["cn_oxide"].price == 62000
    assert case == template_case


def test_initial_stock_above_max_stock_is_a_warning_when_end_stock_min_allows_it(tmp_path):
    """max_stock bounds end-of-period stock; with end_stock_min 0 the stock can fall below it in period 1."""
    from model.case.reader import check_workbook
    from model.case.workbook import write_case_workbook
    from support.smallcases import base_rows
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 15, "max_stock": 10, "end_stock_min": 0}]
    case, report = check_workbook(write_case_workbook(tmp_path / "warn.xlsx", rows))
    assert case is not None and case.inventories[("PLANT", "X")].initial_stock == 15
    assert [str(w) for w in report.warnings] == [
        "inventory!C2: initial_stock is 15, above max_stock (10): the stock must come down to max_stock by the end of period 1"]


# --------------------------------------------------------------------------------------------------
# the reader's parts: the openpyxl number cast scoped to a read, the package and sheet XML checks,
# the report's summary
# --------------------------------------------------------------------------------------------------


def test_the_tolerant_number_cast_holds_only_while_a_workbook_is_read(tmp_path):
    """openpyxl's private number cast is replaced for the read and put back after it: a NaN in a
    number cell is reported at its cell, and openpyxl outside the reader is openpyxl as it ships."""
    from openpyxl.worksheet import _reader

    from support.malformed import GENERATORS
    from model.case.numbercast import tolerant_number_cast
    shipped = _reader._cast_number
    with pytest.raises(ValueError):
        shipped("NaN")
    case, report = check_workbook(GENERATORS["nan_in_a_number_cell"](tmp_path).path)
    assert [str(e) for e in report.errors] == ["offers!D2: price is nan, expected a finite number"]
    assert _reader._cast_number is shipped
    with tolerant_number_cast():
        with tolerant_number_cast():  # nested reads share one replacement
            assert _reader._cast_number("1,5") == "1,5" and _reader._cast_number("7") == 7
        assert _reader._cast_number is not shipped
    assert _reader._cast_number is shipped


def test_an_entity_declaration_far_into_a_sheet_is_refused(tmp_path):
    """A worksheet's XML is scanned whole, not only its first bytes: an entity declaration after a
    70 KB comment is refused unread, naming the sheet."""
    from support.malformed import billion_laughs, sheet_part, with_part
    comment = "<!--" + "x" * 70_000 + "-->"
    path = with_part(tmp_path / "late.xlsx", sheet_part("offers"),
                     lambda text: comment + billion_laughs() + text.replace("<t>O_CN</t>", "<t>&lol9;</t>", 1))
    case, report = check_workbook(path)
    assert case is None
    assert [(e.sheet, e.cell) for e in report.errors] == [("offers", "A1")]
    assert "billion laughs" in report.errors[0].message


def test_behind_the_scan_openpyxl_refuses_entities_itself():
    """The second guard: openpyxl's XML parser is defusedxml's, which refuses an entity declaration
    instead of expanding it."""
    from defusedxml import EntitiesForbidden
    from openpyxl.xml.functions import fromstring, iterparse

    from support.malformed import billion_laughs
    xml = (billion_laughs() + "<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>&lol9;</t></is>"
           "</c></row></sheetData></worksheet>").encode()
    with pytest.raises(EntitiesForbidden):
        fromstring(xml)
    with pytest.raises(EntitiesForbidden):
        list(iterparse(io.BytesIO(xml)))


def test_a_report_counts_every_problem_and_keeps_the_first_thousand_of_a_kind():
    from model.case.issues import KEPT_PER_KIND, Report
    report = Report()
    for n in range(2, 2 + KEPT_PER_KIND + 500):
        report.error("offers", f"D{n}", "price is 'x', expected a number")
    report.error("offers", "E2", "capacity_per_period is 'y', expected a number")
    report.warn("offers", "", "a warning")
    assert report.count("error") == KEPT_PER_KIND + 501 and report.count("warning") == 1
    assert len(report.errors) == KEPT_PER_KIND + 1 and not report.ok
    lines = report.summarised("error", shown=3)
    assert lines == ["offers!D2: price is 'x', expected a number", "offers!D3: price is 'x', expected a number",
                     "offers!D4: price is 'x', expected a number",
                     f"offers!D: ... and {KEPT_PER_KIND + 497:,} more errors of this kind (column D of sheet offers)",
                     "offers!E2: capacity_per_period is 'y', expected a number"]
    assert report.summarised("warning") == ["offers: a warning"]


def test_a_package_that_expands_beyond_the_limit_is_refused_from_its_directory(tmp_path, monkeypatch):
    """Only the sizes the zip's directory declares are read: with the limit lowered, a valid
    workbook is refused without a sheet being expanded (only the small parts that name the sheets
    are read), naming its largest part."""
    from model.case import package
    path = write_template(tmp_path / "t.xlsx")
    monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", 1000)
    zip_open = zipfile.ZipFile.open

    def no_sheet(self, name, *args, **kwargs):
        assert not str(getattr(name, "filename", name)).startswith("xl/worksheets/"), "a sheet was opened"
        return zip_open(self, name, *args, **kwargs)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_sheet)
    case, report = check_workbook(path)
    assert case is None and len(report.errors) == 1
    message = str(report.errors[0])
    assert "more than the limit of" in message and "refused without expanding it" in message
    assert "alone to" in message and ("sheet '" in message or "part xl/" in message)
