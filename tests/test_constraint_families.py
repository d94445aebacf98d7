"""Each constraint family matters: leaving it out of the model changes a hand-solved optimum."""

from __future__ import annotations

import pytest

from model.formulation import build_model
from model.formulation.constraints import CONSTRAINT_FAMILIES
from model.solving.highs import PersistentHighs
import pyomo.environ as pyo
from support.smallcases import base_rows, case_from
import test_levers as levers
import test_mechanics as mechanics
import test_model_cases as cases


def min_cost(rows, tmp_path, skip=()):
    m = build_model(case_from(rows, tmp_path), skip=skip)
    outcome = PersistentHighs(m, mip_gap=0.0).solve()
    assert outcome.status == "optimal"
    return pyo.value(m.expected_cost)


def _capacity_rows():
    rows = base_rows()
    rows["offers"][0]["capacity_per_period"] = 6
    return rows


def _lane_rows():
    rows = base_rows()
    rows["lanes"][0]["capacity_per_period"] = 6
    return rows


def _take_or_pay_rows():
    rows = base_rows()
    rows["offers"][0]["min_per_period"] = 15
    rows["offers"][1]["price"] = 14
    return rows


def _qualification_rows():
    rows = base_rows(periods=4)
    rows["offers"][1].update({"price": 5, "qualified": "no", "qualification_periods": 2, "qualification_cost": 20})
    return rows


def _stock_rows():
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "initial_stock": 5, "initial_origin_group": "CN"}]
    return rows


def _min_stock_rows():
    """A floor of 5 at the end of each period: 15 bought in period 1, 10 in period 2 (250, not 200)."""
    rows = base_rows()
    rows["inventory"] = [{"site": "PLANT", "material": "X", "min_stock": 5, "end_stock_min": 0}]
    return rows


def _defence_rows():
    rows = base_rows()
    rows["demand"].append({"site": "PLANT", "material": "X", "period": "*", "quantity": 5,
                           "shortfall_penalty": 100, "max_origin_group": "free"})
    return rows


def _min_suppliers_rows():
    rows = base_rows()
    rows["offers"][1]["fixed_cost"] = 7
    rows["policies"] = [{"policy": "min_suppliers", "material": "X", "value": 2}]
    return rows


# family -> (case rows, optimum with the family, optimum without it)
CASES = {
    "material_balance": (base_rows, 200, 0),
    "process_bill_of_materials": (cases._build_rows, 1150, 850),
    "process_output_origin": (lambda: cases._processing_rows(True), 300, 200),
    "demand_satisfaction": (base_rows, 200, 0),
    "demand_origin_limit": (_defence_rows, 350, 300),
    "offer_capacity": (_capacity_rows, 240, 200),
    "offer_qualification": (_qualification_rows, 320, 300),
    "take_or_pay": (_take_or_pay_rows, 280, 200),
    "process_capacity": (cases._build_rows, 1150, 1100),
    "technology_bans": (lambda: cases._build_rows(technology_ban=True), 1600, 1150),
    "lane_capacity": (_lane_rows, 240, 200),
    "stock_limits": (_min_stock_rows, 250, 200),
    "end_of_horizon_stock": (_stock_rows, 200, 150),
    "storage_option_room": (lambda: levers.storage_rows(build_periods=0), 205, 200),
    "substitute_limits": (lambda: levers.substitute_rows(max_share=0.5), 150, 100),
    "clean_stock": (lambda: mechanics._prebuy_rows("free"), 250, 200),
    "export_controls": (lambda: cases.add_rule(base_rows(), to_countries="JP"), 300, 200),
    "sourcing_policies": (_min_suppliers_rows, 207, 200),
    "non_anticipativity": (lambda: cases._two_worlds(notice=0), 225, 215),
}


def test_every_family_has_a_removal_test():
    assert {f.__name__ for f in CONSTRAINT_FAMILIES} | {"non_anticipativity"} == set(CASES)


@pytest.mark.parametrize("family", sorted(CASES))
def test_removing_the_family_changes_the_optimum(family, tmp_path):
    make_rows, with_family, without_family = CASES[family]
    assert min_cost(make_rows(), tmp_path) == pytest.approx(with_family, abs=1e-6)
    assert min_cost(make_rows(), tmp_path, skip=(family,)) == pytest.approx(without_family, abs=1e-6)
