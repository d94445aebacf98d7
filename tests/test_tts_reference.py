"""The time-to-survive cross-check case (tests/support/tts_reference.py): their programme's values, and our
whole-period values = min(periods, floor(their LP value)), brute-forced on the product's model.

Not a test of the stress verb: these are the numbers that verb is to be checked against.
"""

from __future__ import annotations

import math

import pytest

from model.case.reader import check_workbook
from model.case.workbook import write_case_workbook
from model.solving.frontier import solve_single
from support.tts_reference import (DEFAULT_PERIODS, brute_force_tts, case_rows, databricks_network, reference_tts,
                           serves_through, survives_forever)

# node: (their value with integer u and y, their LP relaxation, our whole periods by brute force),
# all with the node out from the start to the end. The brute force (brute_force_tts, every node and
# every stock site) took about 3 s a site and is re-run below for a few of them only.
EXPECTED = {
    "T1_1": (2.034956, 2.034956, 2),
    "T1_2": (3.067296, 3.067296, 3),
    "T1_3": (2.788392, 2.788392, 2),
    "T1_4": (3.225335, 3.225335, 3),
    "T1_5": (2.759283, 2.759283, 2),
    "T2_1": (5.578512, 5.578512, 5),
    "T2_2": (5.520097, 5.520097, 5),
    "T2_3": (4.835550, 4.835550, 4),
    "T2_4": (14.234583, 14.236273, 14),
    "T2_5": (5.003841, 5.003841, 5),
    "T2_6": (4.724726, 4.724820, 4),
    "T2_7": (4.758831, 4.758993, 4),
    "T2_8": (3.380895, 3.381450, 3),
    "T2_9": (14.234583, 14.236273, 14),
    "T2_10": (3.551391, 3.551681, 3),
    "T3_1": (8.767414, 8.767414, 8),
    "T3_2": (8.007308, 8.007308, 8),
    "T3_3": (8.961023, 8.961023, 8),
    "T3_4": (7.309553, 7.309553, 7),
    "T3_5": (14.234583, 14.236273, 14),
    "T3_6": (14.234583, 14.236273, 14),
    "T3_7": (14.234583, 14.236273, 14),
    "T3_8": (7.238156, 7.238156, 7),
    "T3_9": (14.234583, 14.236273, 14),
    "T3_10": (14.234583, 14.236273, 14),
    "T3_11": (14.234583, 14.236273, 14),
    "T3_12": (14.234583, 14.236273, 14),
    "T3_13": (6.460414, 6.460432, 6),
    "T3_14": (5.136080, 5.136364, 5),
    "T3_15": (4.928658, 4.928747, 4),
    "T3_16": (14.234583, 14.236273, 14),
    "T3_17": (14.234583, 14.236273, 14),
    "T3_18": (14.234583, 14.236273, 14),
    "T3_19": (14.234583, 14.236273, 14),
    "T3_20": (14.234583, 14.236273, 14),
}
UNDISRUPTED = (14.234583, 14.236273)  # the network runs out even with nothing out (T2_10 too small)
# Beyond their method: a stock site of the case out (that node's stock lost, s = 0, it still makes).
# Only T2_10's stock matters; every other stock site's outage leaves the undisrupted values.
STOCK_SITES = {f"{n}_stock": (*UNDISRUPTED, 14) for n in [f"T2_{i}" for i in range(1, 11)]
               + [f"T3_{i}" for i in range(1, 21)]}
STOCK_SITES["T2_10_stock"] = (10.133011, 10.134775, 10)


@pytest.fixture(scope="module")
def network():
    return databricks_network()


@pytest.fixture(scope="module")
def rows(network):
    return case_rows(network)


def test_network_is_theirs(network):
    """The numbers their notebooks print or describe, from the same seed."""
    assert network["stock"]["T2_8"] == 1569
    for j in ("T1_1", "T1_3", "T1_5"):
        assert network["parents"][(j, network["part_type"]["T2_10"])] == ["T2_10"]
    for j in ("T1_1", "T1_3"):
        assert network["parents"][(j, network["part_type"]["T2_8"])] == ["T2_8"]
    assert network["children"]["T2_8"] == ["T1_1", "T1_3", "T1_5"]
    assert network["margin"]["T1_1"] > network["margin"]["T1_3"]
    assert sum(len(network["tiers"][k]) for k in (1, 2, 3)) == 35 and len(network["edges"]) == 44
    assert network["demand"] == {"T1_1": 801, "T1_2": 847, "T1_3": 827, "T1_4": 821, "T1_5": 781}
    assert sum(network["stock"].values()) == 78391 and sum(network["capacity"].values()) == 81898


def test_reference_values(network):
    assert set(EXPECTED) == set(network["tiers"][1] + network["tiers"][2] + network["tiers"][3])
    assert reference_tts(network, []) == pytest.approx(UNDISRUPTED[0], abs=1e-5)
    assert reference_tts(network, [], integral=False) == pytest.approx(UNDISRUPTED[1], abs=1e-5)
    for node, (mip, lp, _) in EXPECTED.items():
        assert reference_tts(network, node) == pytest.approx(mip, abs=1e-5), node
        assert reference_tts(network, node, integral=False) == pytest.approx(lp, abs=1e-5), node
    for site in ("T2_10_stock", "T3_19_stock"):
        mip, lp, _ = STOCK_SITES[site]
        assert reference_tts(network, site) == pytest.approx(mip, abs=1e-5), site
        assert reference_tts(network, site, integral=False) == pytest.approx(lp, abs=1e-5), site


def test_translation_on_recorded_values():
    for node, (mip, lp, ours) in {**EXPECTED, **STOCK_SITES}.items():
        assert ours == min(DEFAULT_PERIODS, math.floor(lp)) == min(DEFAULT_PERIODS, math.floor(mip)), node


def test_case_is_valid_and_baseline_serves_everything(rows, tmp_path):
    case, report = check_workbook(write_case_workbook(tmp_path / "tts.xlsx", rows))
    assert case is not None and not report.errors, [str(i) for i in report.errors]
    assert case.settings.periods == DEFAULT_PERIODS
    plan = solve_single(case).points[0].plan
    assert plan is not None and float(plan.shortfall["unmet"].sum()) == pytest.approx(0.0, abs=1e-6)


# fails early at a tier-1 plant (its own stock only); one just above a whole period (5.0038);
# the stock of the network's bottleneck
@pytest.mark.parametrize("node", ["T1_1", "T2_5", "T2_10_stock"])
def test_brute_force_on_our_model(rows, node, tmp_path):
    ours = {**EXPECTED, **STOCK_SITES}[node][2]
    assert serves_through(rows, node, ours, tmp_path)
    assert not serves_through(rows, node, ours + 1, tmp_path)


def test_survives_the_horizon(rows, tmp_path):
    assert EXPECTED["T3_19"][2] == DEFAULT_PERIODS
    assert brute_force_tts(rows, "T3_19", tmp_path) == DEFAULT_PERIODS  # one solve: the whole horizon


def test_unbounded_is_infinite(network):
    """With ten times the capacity nothing ever fails (their programme is unbounded)."""
    big = {**network, "capacity": {n: 10 * c for n, c in network["capacity"].items()}}
    assert survives_forever(big, "T3_19")
    assert reference_tts(big, "T3_19") == math.inf
    assert reference_tts(big, "T3_19", integral=False) == math.inf
    assert not survives_forever(big, "T2_10")  # still the only maker of its part type
    assert reference_tts(big, "T2_10", integral=False) == pytest.approx(EXPECTED["T2_10"][1], abs=1e-5)
