"""The bulk hand-over (model/solving/highs_model.py) against Pyomo's own persistent HiGHS interface
(appsi's ``set_instance``) on the same built model: the same columns (bounds, integrality,
objective costs), the same rows (bounds and every coefficient), matched by their Pyomo names, and
the same optimum."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from pyomo.contrib.appsi.solvers.highs import Highs as AppsiHighs

import highspy
from model.formulation import build_model
from model.solving.highs_model import HighsModel
from support.smallcases import case_from
from test_frontier import two_scenario_rows
import test_mechanics as mechanics
import test_model_cases as cases

# hand cases that between them use every constraint family, co-products, scenarios with notice,
# builds with a technology ban, take-or-pay and policies, and a risk measure with its own rows
CASES = {
    "processing_extraterritorial": lambda: cases._processing_rows(True),
    "build_with_technology_ban": lambda: cases._build_rows(technology_ban=True),
    "two_worlds_with_notice": lambda: cases._two_worlds(notice=1),
    "cvar_two_scenarios": lambda: two_scenario_rows("cvar_shortfall"),
    "coproducts": lambda: mechanics._separation_rows(0.5),
    "clean_store": lambda: mechanics._prebuy_rows("free"),
}


def _policies_and_take_or_pay():
    rows = cases.base_rows(periods=3)
    rows["offers"][0]["min_per_period"] = 4
    rows["offers"][1]["qualified"] = "no"
    rows["offers"][1].update({"qualification_periods": 1, "qualification_cost": 5, "fixed_cost": 3})
    rows["policies"] = [{"policy": "max_share_origin", "material": "X", "target": "CN", "value": 0.7},
                        {"policy": "min_suppliers", "material": "X", "value": 2}]
    return rows


CASES["policies_and_take_or_pay"] = _policies_and_take_or_pay


def _rows_by_index(lp) -> dict[int, dict[int, float]]:
    a = lp.a_matrix_
    rows: dict[int, dict[int, float]] = {r: {} for r in range(lp.num_row_)}
    colwise = a.format_ == highspy.MatrixFormat.kColwise
    outer = lp.num_col_ if colwise else lp.num_row_
    for j in range(outer):
        for k in range(a.start_[j], a.start_[j + 1]):
            r, c = (a.index_[k], j) if colwise else (j, a.index_[k])
            rows[r][c] = a.value_[k]
    return rows


def _described(lp, col_name: dict[int, str], row_name: dict[int, str]):
    """Columns: name -> (lower, upper, integer, cost); rows: name -> (lower, upper, {column: coef})."""
    integer = list(lp.integrality_) or [highspy.HighsVarType.kContinuous] * lp.num_col_
    cols = {col_name[j]: (lp.col_lower_[j], lp.col_upper_[j], integer[j] == highspy.HighsVarType.kInteger,
                          lp.col_cost_[j]) for j in range(lp.num_col_)}
    by_index = _rows_by_index(lp)
    rows = {row_name[r]: (lp.row_lower_[r], lp.row_upper_[r],
                          {col_name[c]: v for c, v in by_index[r].items() if v != 0.0})
            for r in range(lp.num_row_)}
    return cols, rows


def _close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_bulk_hand_over_is_the_model_pyomo_hands_over(name, tmp_path):
    m = build_model(case_from(CASES[name](), tmp_path))
    ours = HighsModel(m)
    appsi = AppsiHighs()
    appsi.set_instance(m)
    theirs = appsi._solver_model

    var_by_id = {id(v): v for v in m.component_data_objects(pyo.Var, descend_into=True)}
    our_cols = {k: v.name for k, v in enumerate(ours.vars)}
    our_rows = {b["first"] + k: con.name for b in ours.blocks for k, con in enumerate(b["rows"])}
    their_cols = {j: var_by_id[i].name for i, j in appsi._pyomo_var_to_solver_var_map.items()}
    their_rows = {r: con.name for con, r in appsi._pyomo_con_to_solver_con_map.items()}
    our_lp, their_lp = ours.highs.getLp(), theirs.getLp()
    assert (our_lp.num_col_, our_lp.num_row_, len(our_lp.a_matrix_.value_)) == (
        their_lp.num_col_, their_lp.num_row_, len(their_lp.a_matrix_.value_))
    assert our_lp.offset_ == pytest.approx(their_lp.offset_) and our_lp.sense_ == their_lp.sense_
    cols_a, rows_a = _described(our_lp, our_cols, our_rows)
    cols_b, rows_b = _described(their_lp, their_cols, their_rows)
    assert set(cols_a) == set(cols_b) and set(rows_a) == set(rows_b)
    for col, (lo, up, integer, cost) in cols_a.items():
        lo2, up2, integer2, cost2 = cols_b[col]
        assert _close(lo, lo2) and _close(up, up2) and integer == integer2 and _close(cost, cost2), col
    for row, (lo, up, coefs) in rows_a.items():
        lo2, up2, coefs2 = rows_b[row]
        assert _close(lo, lo2) and _close(up, up2), (row, (lo, up), (lo2, up2))
        assert set(coefs) == set(coefs2) and all(_close(c, coefs2[v]) for v, c in coefs.items()), row

    for h in (ours.highs, theirs):
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.run()
        assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert ours.highs.getInfo().objective_function_value == pytest.approx(
        theirs.getInfo().objective_function_value, rel=1e-9, abs=1e-9)
