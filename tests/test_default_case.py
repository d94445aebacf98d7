"""The default rare-earth case: it reads cleanly, has what DESIGN §7 asks for, and its frontier is
monotone with every plan passing the independent checker (a 4-point frontier, ~1 minute)."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.case.reader import check_workbook
from model.executor import default_workers
from model.solving.frontier import run_frontier
from model.solving.staged import SolveOptions
from model.results.checker import check_plan

DEFAULT = Path(__file__).resolve().parents[1] / "inputs" / "rare_earth_magnets.xlsx"


@pytest.fixture(scope="module")
def case():
    case, report = check_workbook(DEFAULT)
    assert report.issues == [], [str(i) for i in report.issues]
    return case


def test_default_case_has_what_design_asks_for(case):
    assert case.settings.periods == 24 and case.settings.period_unit == "month"
    assert len(case.countries) >= 10 and len(case.materials) >= 12 and len(case.sites) >= 25
    assert len(case.offers) >= 30 and len(case.processes) >= 10
    assert len(case.rules) >= 8 and len(case.scenarios) >= 6
    assert abs(sum(s.probability for s in case.scenarios.values()) - 1) < 1e-9
    assert any(d.max_origin_group == "free" for d in case.demands)  # defence under DFARS
    assert {"CN", "AU", "MY", "US", "JP", "EE", "VN", "MM", "BR"} <= set(case.countries)
    assert any(r.is_technology_ban for r in case.rules.values())
    assert any(r.kind == "licence" for r in case.rules.values())
    assert any(r.to_owners for r in case.rules.values())
    assert len(case.sources) > 20


@pytest.fixture(scope="module")
def frontier(case):
    opts = SolveOptions(case.settings.time_limit_s, case.settings.mip_gap, workers=default_workers())
    return run_frontier(case, points=4, options=opts)


def test_default_frontier_is_monotone(frontier):
    points = sorted(frontier.points, key=lambda p: p.point)
    assert all(p.plan is not None and p.outcome.status.startswith("optimal") for p in points)
    costs = [p.plan.expected_cost for p in points]
    risks = [p.risk for p in points]
    assert all(b >= a - 1e-6 for a, b in zip(costs, costs[1:])), costs  # tighter limit, no cheaper plan
    assert all(b <= a + 1e-9 for a, b in zip(risks, risks[1:])), risks
    assert risks[0] > risks[-1]  # there is a trade-off to show
    for p in points[1:]:
        assert p.risk <= p.risk_limit + 1e-6


def test_default_plans_pass_the_independent_checker(case, frontier):
    for p in frontier.points:
        assert check_plan(case, p.plan) == [], f"point {p.point}"
