"""What the sheet builders share: the mark of a cell already reported, id lookups that report a
missing reference where it is made, material lists through groups, event targets, and the
settings sheet (read first: every other sheet depends on it)."""

from __future__ import annotations

from .case import Settings
from .cells import Row, _describe, _is_blank, parse_value
from .issues import Report
from .schema import SETTINGS_KEYS, STOCKING_ROLES


class _Invalid:
    """Marks a cell that was reported as wrong, so later checks do not pile on."""
    def __repr__(self):
        return "<invalid>"


_INVALID = _Invalid()


def _ok(*values) -> bool:
    return all(v is not _INVALID for v in values)



def read_settings(rows: list[Row], report: Report) -> Settings | None:
    """settings: key/value rows into Settings (None when a required one is missing or wrong)."""
    values: dict = {}
    value_cell: dict[str, str] = {}
    for row in rows:
        key = row["key"]
        if key is None or key is _INVALID:
            continue
        key_norm = str(key).strip().lower()
        col = SETTINGS_KEYS.get(key_norm)
        if col is None:
            report.warn("settings", row.cell("key"), f"unknown setting '{key}' ignored; expected one of "
                        + ", ".join(SETTINGS_KEYS))
            continue
        value_cell[key_norm] = row.cell("value")
        if row["value"] is _INVALID:  # reported where it was read
            values[key_norm] = _INVALID
            continue
        value = parse_value(col, row["value"], ("settings", row.cell("value")), report)
        if value is None and not _is_blank(row["value"]):
            values[key_norm] = _INVALID
            continue
        if value is not None and col.choices:
            if str(value).lower() not in col.choices:
                report.error("settings", row.cell("value"), f"{key_norm} is {_describe(value)}, expected one of "
                             + ", ".join(col.choices))
                values[key_norm] = _INVALID
                continue
            value = str(value).lower()
        values[key_norm] = value
    for name, col in SETTINGS_KEYS.items():
        if values.get(name) is None:
            if col.required and name in value_cell:  # the row is there, its value cell blank
                report.error("settings", value_cell[name], f"setting '{name}' is blank, expected a value ({col.note})")
                values[name] = _INVALID
            elif col.required:
                report.error("settings", "", f"setting '{name}' is missing, expected a row with key {name} ({col.note})")
                values[name] = _INVALID
            else:
                values[name] = col.default
    groups = values["origin_groups"]
    if _ok(groups):
        lowered = [g.lower() for g in groups]
        if len(set(lowered)) != len(lowered):
            report.error("settings", value_cell.get("origin_groups", ""),
                         f"origin_groups {', '.join(groups)} repeats a group, expected distinct groups")
        if "*" in groups:
            report.error("settings", value_cell.get("origin_groups", ""), "origin_groups contains *, expected group names")
    if _ok(values["time_limit_s"]) and values["time_limit_s"] is not None and values["time_limit_s"] <= 0:
        report.error("settings", value_cell.get("time_limit_s", ""), f"time_limit_s is {values['time_limit_s']:g}, "
                     "expected a number of seconds more than 0")
    if _ok(values["cvar_alpha"]) and values["cvar_alpha"] is not None and values["cvar_alpha"] <= 0:
        report.error("settings", value_cell.get("cvar_alpha", ""), f"cvar_alpha is {values['cvar_alpha']}, expected a number strictly between 0 and 1")
    if not all(_ok(v) for v in values.values()):
        return None
    return Settings(
        case_name=values["case_name"], periods=int(values["periods"]), period_unit=values["period_unit"],
        currency=values["currency"], origin_groups=tuple(groups), risk_measure=values["risk_measure"],
        cvar_alpha=float(values["cvar_alpha"]), frontier_points=int(values["frontier_points"]),
        time_limit_s=float(values["time_limit_s"]),
        mip_gap=None if values["mip_gap"] == "auto" else float(values["mip_gap"]))


class _Refs:
    """Case-insensitive id lookup that reports a missing reference where it is made."""

    def __init__(self, kind: str, ids, report: Report, invalid_ids=(), sheet_reported: bool = False):
        self.kind = kind
        self.ids = {str(i).lower(): i for i in ids}
        # ids whose defining row has another bad cell: already reported there, so a use is not an error
        self.invalid_ids = {str(i).lower() for i in invalid_ids}
        # the defining sheet is missing or empty, which is reported: every use would repeat it
        self.sheet_reported = sheet_reported and not self.ids
        self.report = report

    def __contains__(self, item) -> bool:
        return isinstance(item, str) and item.lower() in self.ids

    def get(self, row: Row, column: str, value=None, required=True):
        value = row[column] if value is None else value
        if value is None:
            return None
        if value is _INVALID:
            return _INVALID
        found = self.ids.get(str(value).lower())
        if found is None and (self.sheet_reported or str(value).lower() in self.invalid_ids):
            return _INVALID
        if found is None:
            hint = ", ".join(list(self.ids.values())[:12]) + (", ..." if len(self.ids) > 12 else "")
            self.report.error(row.sheet, row.cell(column),
                              f"{column} '{value}' is not a known {self.kind}, expected one of: {hint or '(none defined)'}")
            return _INVALID
        return found


def _expand_materials(items, row: Row, column: str, materials: dict, report: Report, invalid=frozenset()):
    """Materials named directly or through a group; '*' = every material.

    A name in `invalid` is a material whose own row has a bad cell (reported there): the expansion is
    invalid without a second message.
    """
    if not items:
        return ()
    if "*" in items:
        return tuple(materials)
    by_lower = {m.lower(): m for m in materials}
    invalid_lower = {m.lower() for m in invalid}
    out = []
    for item in items:
        low = item.lower()
        if low in by_lower:
            out.append(by_lower[low])
            continue
        members = [m for m, mat in materials.items() if low in (g.lower() for g in mat.groups)]
        if not members and low in invalid_lower:
            return _INVALID
        if members:
            out.extend(members)
        else:
            report.error(row.sheet, row.cell(column),
                         f"{column} names '{item}', which is neither a material nor a material group, expected "
                         "a material id or a group tag of the materials sheet")
            return _INVALID
    return tuple(dict.fromkeys(out))


def _event_target(target: str, pools) -> list[tuple[str, str]]:
    """Every (kind of thing, id) an outage or price target could name, case-insensitively; a lane
    is written from_site>to_site (spaces around > allowed)."""
    low = target.lower()
    a, sep, b = low.partition(">")
    as_lane = f"{a.strip()}>{b.strip()}" if sep else low
    found = []
    for what, pool in pools:
        key = as_lane if what == "lane" else low
        hit = next((name for name in pool if name.lower() == key), None)
        if hit is not None:
            found.append((what, hit))
    return found


def _unbuilt(rows: list[Row], column: str, built) -> set:
    """Ids written in ``rows`` whose row was not built (it has a bad cell, reported there)."""
    return {r[column] for r in rows if isinstance(r[column], str)} - set(built)



def _stocking_site(row: Row, site, sites: dict, report: Report) -> bool:
    if sites[site].role in STOCKING_ROLES:
        return True
    report.error(row.sheet, row.cell("site"), f"site {site} has role {sites[site].role}, expected a stocking "
                 "site (role own or warehouse)")
    return False
