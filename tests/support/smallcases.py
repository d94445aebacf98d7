"""Tiny hand-solvable cases, written as real workbooks and read back through the reader."""

from __future__ import annotations

import copy
from pathlib import Path

from model.case.reader import read_case
from model.case.workbook import write_case_workbook


def base_rows(periods: int = 2) -> dict:
    """One material X (no stock allowed) bought from a supplier in AU (free) or CN (CN), shipped to our plant in JP."""
    return {
        "settings": {"case_name": "tiny", "periods": periods, "origin_groups": "free, covered, CN",
                     "frontier_points": 3, "mip_gap": 0.0},
        "countries": [{"country": "CN", "origin_group": "CN"}, {"country": "AU", "origin_group": "free"},
                      {"country": "JP", "origin_group": "free"}, {"country": "RU", "origin_group": "covered"},
                      {"country": "MY", "origin_group": "free"}, {"country": "US", "origin_group": "free"}],
        "materials": [{"material": "X", "stage": "oxide", "groups": "REE, heavy_REE"}],
        "sites": [{"site": "SUP_CN", "country": "CN", "owner": "ChinaCo", "role": "supplier"},
                  {"site": "SUP_AU", "country": "AU", "owner": "AusCo", "role": "supplier"},
                  {"site": "PLANT", "country": "JP", "owner": "Us", "role": "own"}],
        "offers": [{"offer": "O_CN", "site": "SUP_CN", "material": "X", "price": 10, "capacity_per_period": 100},
                   {"offer": "O_AU", "site": "SUP_AU", "material": "X", "price": 15, "capacity_per_period": 100}],
        "processes": [], "process_inputs": [],
        "lanes": [{"from_site": "SUP_CN", "to_site": "PLANT", "materials": "*"},
                  {"from_site": "SUP_AU", "to_site": "PLANT", "materials": "*"}],
        "demand": [{"site": "PLANT", "material": "X", "period": "*", "quantity": 10, "shortfall_penalty": 100}],
        # our plant may hold stock (role own); here it may not, unless a test says otherwise
        "inventory": [{"site": "PLANT", "material": "X", "max_stock": 0}], "controls": [], "scenarios": [], "scenario_events": [], "policies": [], "sources": [],
    }


def write_rows(rows: dict, path: Path) -> Path:
    return write_case_workbook(path, rows)


def case_from(rows: dict, tmp_path: Path, name: str = "case.xlsx"):
    path = write_case_workbook(Path(tmp_path) / name, copy.deepcopy(rows))
    return read_case(path)
