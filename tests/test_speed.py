"""Speed levers that must not change an answer: MIP starts from solved points' once-decisions, and
the one job queue that hands solves out as workers free up (docs/performance.md)."""

from __future__ import annotations

import operator

import pytest

from model import interrupt
from model.executor import InlineExecutor, Job, JobQueue, executor_for
from model.solving import frontier as frontier_module
from model.solving.frontier import bypass_source, chained_starts, run_frontier
from model.solving.highs import SolveOutcome
from model.solving.staged import SolveOptions, StagedModel
from support.smallcases import case_from
from test_frontier import EXPECTED, two_scenario_rows

REWARD = 1e-6


def _ends(case):
    """The two ends of the hand-solved case on one model, with their binary values."""
    fm = StagedModel(case, "expected_shortfall", SolveOptions(60, 0.0))
    fm.min_cost()
    cheap = fm.binary_values()
    fm.min_risk()
    safe = fm.binary_values()
    return fm, cheap, safe


def test_the_two_ends_take_different_once_decisions(tmp_path):
    """The case the start tests rely on: the min-cost end has no contract, the min-risk end has it."""
    _, cheap, safe = _ends(case_from(two_scenario_rows(), tmp_path))
    assert cheap != safe and set(cheap) == set(safe) and any("contract" in name for name in cheap)


@pytest.mark.parametrize("limit, cost", [(r, c) for c, r in EXPECTED[1:-1]])
def test_a_started_point_equals_a_cold_solve(limit, cost, tmp_path):
    """Every interior limit needs the contract the min-cost end does not take: started from that
    end's once-decisions first (their LP cannot meet the limit), then from the min-risk end's, the
    point is the one a fresh model finds with no start."""
    case = case_from(two_scenario_rows(), tmp_path)
    fm, cheap, safe = _ends(case)
    started, started_plan = fm.epsilon_point(limit, REWARD, starts=[cheap, safe])
    cold = StagedModel(case, "expected_shortfall", SolveOptions(60, 0.0))
    _, cold_plan = cold.epsilon_point(limit, REWARD)
    assert started.status == "optimal"
    assert started_plan.expected_cost == pytest.approx(cold_plan.expected_cost, abs=1e-9)
    assert started_plan.expected_cost == pytest.approx(cost, abs=1e-6)
    assert started_plan.extras["risk"] == pytest.approx(cold_plan.extras["risk"], abs=1e-9)


def test_a_start_that_cannot_meet_the_limit_is_passed_over_and_every_bound_comes_back(tmp_path):
    case = case_from(two_scenario_rows(), tmp_path)
    fm, cheap, safe = _ends(case)
    bounds = [(v.name, v.lb, v.ub) for v in fm.binaries()]
    fm.configure(risk_limit=0.125, slack_reward=REWARD)
    assert fm.start_from([cheap]) is None  # no contract: the limit cannot be met
    start = fm.start_from([cheap, safe])
    assert start is not None and start.has_solution
    assert fm.binary_values() == safe  # the start loaded is the min-risk end's network
    assert [(v.name, v.lb, v.ub) for v in fm.binaries()] == bounds
    fm.configure()


def test_a_start_keeps_a_hold_the_caller_made(tmp_path):
    """A binary the caller holds by its bounds (value's forbidden option) stays held in the start."""
    case = case_from(two_scenario_rows(), tmp_path)
    fm, cheap, safe = _ends(case)
    contract = next(v for v in fm.binaries() if "contract" in v.name)
    contract.setub(0)
    fm.configure()
    start = fm.start_from([safe])
    assert start is not None and contract.value == pytest.approx(0)
    assert (contract.lb, contract.ub) == (0, 0)
    contract.setub(1)


def test_a_point_does_not_depend_on_what_its_model_solved_before(tmp_path):
    case = case_from(two_scenario_rows(), tmp_path)
    fm, cheap, safe = _ends(case)
    first = [fm.epsilon_point(limit, REWARD, starts=[safe])[1].expected_cost for limit in (0.375, 0.25, 0.125)]
    again = [fm.epsilon_point(limit, REWARD, starts=[safe])[1].expected_cost for limit in (0.125, 0.25, 0.375)]
    assert first == pytest.approx(list(reversed(again)), abs=1e-9)


def test_the_frontier_with_starts_is_the_hand_solution(tmp_path):
    result = run_frontier(case_from(two_scenario_rows(), tmp_path), 5, options=SolveOptions(60, 0.0, workers=1))
    assert [p.plan.expected_cost for p in result.points] == pytest.approx([c for c, _ in EXPECTED], abs=1e-6)


def test_a_frontier_with_starts_chains_them_and_is_the_hand_solution(tmp_path, monkeypatch):
    """Where points start (a small model is solved exactly, so the gap threshold is lowered to
    reach it), the tightest interior limit goes first and every later point is offered the plans
    of the points solved before it; the answer stays the hand solution."""
    monkeypatch.setattr(frontier_module, "MIP_START_MIN_GAP", 0.0)
    monkeypatch.setattr(frontier_module, "CHAINED_STARTS", True)
    offered = []
    real = frontier_module.chained_starts

    def spy(limit, ends, solved, min_cost_network):
        offered.append((limit, len(solved)))
        return real(limit, ends, solved, min_cost_network)
    monkeypatch.setattr(frontier_module, "chained_starts", spy)
    result = run_frontier(case_from(two_scenario_rows(), tmp_path), 5, options=SolveOptions(60, 0.0, workers=1))
    assert [p.plan.expected_cost for p in result.points] == pytest.approx([c for c, _ in EXPECTED], abs=1e-6)
    limits = [limit for limit, _ in offered]
    assert len(offered) == 3 and limits == sorted(limits)  # the tightest first
    assert [n for _, n in offered] == [0, 1, 2]  # each offered every point solved before it


def test_chained_starts_cheapest_fitting_plan_first_between_the_ends():
    cheap, safe = {"x": 0}, {"x": 1}
    solved = [(0.30, 120.0, {"x": 2}), (0.20, 130.0, {"x": 3}), (0.50, 100.0, {"x": 4}), (0.25, 110.0, {"x": 5})]
    # nearer the min-cost end: its network first; then the fitting plans, cheapest first; then the
    # min-risk end; the plan of risk 0.50 does not meet 0.35 and is left out
    assert chained_starts(0.35, [cheap, safe], solved, cheap) == [cheap, {"x": 5}, {"x": 2}, {"x": 3}, safe]
    # nearer the min-risk end: no min-cost network in front
    assert chained_starts(0.22, [safe, cheap], solved, cheap) == [{"x": 3}, safe, cheap]
    assert chained_starts(0.10, [safe, cheap], solved, cheap) == [safe, cheap]


# ------------------------------------------------------------------------ AUGMECON2's bypass

def staircase_rows():
    """The hand-solved case with a take-or-pay minimum of 10 a period on Australia's contract: once
    contracted, all 10 units are paid for in both scenarios, so the contract plan buys them all
    (A 250, B 250, plus the fixed 10: 260 at no shortfall). No contract: 150 at 0.5. Every limit
    below 0.5 takes the contract plan: the frontier is (150, 0.5) then (260, 0) four times."""
    rows = two_scenario_rows()
    rows["offers"][1]["min_per_period"] = 10
    return rows


def test_the_bypass_settles_tighter_points_from_a_looser_optimal_plan_and_changes_no_answer(tmp_path, monkeypatch):
    solved = []
    real = frontier_module._solve_limit

    def spy(fm, limit, *args, **kwargs):
        solved.append(limit)
        return real(fm, limit, *args, **kwargs)
    monkeypatch.setattr(frontier_module, "_solve_limit", spy)
    case = case_from(staircase_rows(), tmp_path)
    on = run_frontier(case, options=SolveOptions(60, 0.0, workers=1))
    assert solved == [pytest.approx(0.375)]  # points 3 and 4 are settled by point 2's plan
    monkeypatch.setattr(frontier_module, "BYPASS", False)
    solved.clear()
    off = run_frontier(case, options=SolveOptions(60, 0.0, workers=1))
    assert solved == pytest.approx([0.375, 0.25, 0.125])
    hand = [(150.0, 0.5)] + [(260.0, 0.0)] * 4
    for result in (on, off):
        assert [x for p in result.points for x in (p.plan.expected_cost, p.risk)] == pytest.approx(
            [x for pair in hand for x in pair], abs=1e-6)
        assert [p.outcome.status for p in result.points] == ["optimal"] * 5
        assert [p.risk_limit for p in result.points] == pytest.approx([0.5, 0.375, 0.25, 0.125, 0.0])
    assert [("bypass" in p.note) for p in on.points] == [False, False, True, True, False]
    assert "point 2" in on.points[2].note and not any(p.note for p in off.points)


def test_the_bypass_takes_only_an_optimal_looser_plan_that_meets_the_limit():
    def solved(number, limit, status, risk, cost):
        plan = type("P", (), {"extras": {"risk": risk}, "expected_cost": cost})()
        return (number, limit, SolveOutcome(status, True, cost, cost, 0.0, 1.0), plan)
    a = solved(2, 0.40, "optimal", 0.30, 120.0)
    b = solved(3, 0.35, "optimal", 0.20, 110.0)  # cheaper and fits: the one taken
    timed = solved(4, 0.33, "time_limit", 0.10, 100.0)  # not proven: never a source
    too_risky = solved(5, 0.32, "optimal", 0.31, 90.0)  # does not meet 0.30
    tighter = solved(9, 0.10, "optimal", 0.05, 80.0)  # a tighter limit's plan is no optimum here
    assert bypass_source(0.30, [a, b, timed, too_risky, tighter]) is b
    assert bypass_source(0.25, [a, b, timed, too_risky, tighter]) is b
    assert bypass_source(0.15, [a, b, timed, too_risky, tighter]) is None
    assert bypass_source(0.30, [(7, 0.5, SolveOutcome.none("infeasible"), None)]) is None


# ------------------------------------------------------------------------------------ the job queue

@pytest.mark.parametrize("with_pool", [False, True])
def test_a_settled_job_is_reported_with_its_result_and_never_runs(with_pool):
    ran, results = [], []

    def ready(job, finished):
        if job.tag == "b" and finished:
            job.settle(f"b from {finished[0][1]}")

    def job(name, weight):
        return Job(operator.add, (name, " ran"), weight=weight, tag=name, ready=ready,
                   here=lambda: ran.append(name) or f"{name} ran")

    def run(pool):  # one slot: "a" goes out first, "b" is handed out once "a" is in
        queue = JobQueue(pool)
        for name, weight in (("a", 3), ("b", 2)):
            queue.add(job(name, weight))
        queue.run(lambda j, result: results.append((j.tag, result)))
    if with_pool:
        with executor_for(1, in_this_process_when_one=False) as pool:
            run(pool)
    else:
        run(None)
    assert results == [("a", "a ran"), ("b", "b from a ran")]
    assert "b" not in ran

def test_a_job_is_made_ready_with_the_results_in_before_it_is_handed_out():
    seen = {}
    queue = JobQueue(None)

    def ready(job, finished):
        seen[job.tag] = [j.tag for j, _ in finished]
        job.here = lambda: f"{job.tag} after {len(finished)}"
    for name, weight in (("a", 3), ("b", 2), ("c", 1)):
        queue.add(Job(None, weight=weight, tag=name, here=lambda: None, ready=ready))
    results = []
    queue.run(lambda job, result: results.append(result))
    assert seen == {"a": [], "b": ["a"], "c": ["a", "b"]}
    assert results == ["a after 0", "b after 1", "c after 2"]


def test_jobs_go_heaviest_first_and_a_result_may_add_jobs():
    ran = []
    queue = JobQueue(None)

    def job(name, weight):
        return Job(None, weight=weight, tag=name, here=lambda: ran.append(name) or name)

    for name, weight in (("a", 1), ("b", 5), ("c", 3), ("d", 5)):
        queue.add(job(name, weight))

    def on_result(j, result):
        if result == "b":
            queue.add(job("after b", 4))
    queue.run(on_result)
    assert ran == ["b", "d", "after b", "c", "a"]  # equal weights in the order added


def test_a_pool_and_this_process_share_the_jobs():
    """Two jobs for a one-process pool with this process solving too: each side takes one, and
    every result is seen once."""
    results = {}
    with executor_for(1, in_this_process_when_one=False) as pool:
        queue = JobQueue(pool, this_process_solves=True)
        for k in range(4):
            queue.add(Job(operator.mul, (k, 10), weight=k, tag=k, here=lambda k=k: k * 10))
        queue.run(lambda job, result: results.__setitem__(job.tag, result))
    assert results == {0: 0, 1: 10, 2: 20, 3: 30}


def test_inline_and_pool_only_jobs_run_on_the_executor():
    results = []
    queue = JobQueue(InlineExecutor())
    for k in range(3):
        queue.add(Job(operator.add, (k, 1), weight=k))
    queue.run(lambda job, result: results.append(result))
    assert results == [3, 2, 1]


def test_after_ctrl_c_jobs_not_started_are_skipped():
    skipped, ran = [], []
    queue = JobQueue(None, on_skip=lambda job: skipped.append(job.tag))

    def first():
        interrupt.request()
        return ran.append("first")
    queue.add(Job(None, weight=2, tag="first", here=first))
    queue.add(Job(None, weight=1, tag="second", here=lambda: ran.append("second")))
    try:
        queue.run(lambda job, result: None)
    finally:
        interrupt.reset()
    assert ran == ["first"] and skipped == ["second"]


def test_every_solve_runs_without_highs_sub_mip_heuristics(tmp_path):
    """docs/performance.md lever 4: RINS, RENS and the root reduced-cost sub-MIP are off in each
    solve HiGHS runs for the tool (on the default case one of them ran to the time limit), and the
    hand-solved frontier point is unchanged by it."""
    fm, _, _ = _ends(case_from(two_scenario_rows(), tmp_path))
    h = fm.solver.highs
    for option in ("mip_heuristic_run_rins", "mip_heuristic_run_rens", "mip_heuristic_run_root_reduced_cost"):
        assert h.getOptionValue(option)[1] is False, option
    limit, cost = EXPECTED[1][1], EXPECTED[1][0]
    _, plan = fm.epsilon_point(limit, REWARD)
    assert plan.expected_cost == pytest.approx(cost, abs=1e-6)


# ------------------------------------------------------------------------------------ LP re-solves

def _dense_lp(n: int = 120, seed: int = 3):
    import random

    import pyomo.environ as pyo
    rng = random.Random(seed)
    a = [[rng.uniform(0.1, 1.0) for _ in range(n)] for _ in range(n)]
    m = pyo.ConcreteModel()
    m.I = pyo.RangeSet(n)
    m.x = pyo.Var(m.I, bounds=(0, 10))
    m.c = pyo.Param(m.I, initialize={j: rng.uniform(1, 2) for j in range(1, n + 1)}, mutable=True)
    m.rows = pyo.Constraint(m.I, rule=lambda m, i: sum(a[i - 1][j - 1] * m.x[j] for j in m.I) >= n / 4)
    m.cost = pyo.Objective(expr=sum(m.c[j] * m.x[j] for j in m.I))
    return m, rng


def test_an_lp_re_solved_on_one_model_gets_its_whole_time_limit_every_time():
    """HiGHS 1.16 holds an LP (not a MIP) to its time limit on the clock of all the runs of its
    model so far: without the limit counted from where that clock stands, the re-solves of one
    persistent LP stop at 'time limit' once their seconds add up to the limit."""
    from model.solving.highs import PersistentHighs
    m, rng = _dense_lp()
    solver = PersistentHighs(m, time_limit_s=60)
    first = solver.solve()
    assert first.status == "optimal"
    solver.time_limit_s = limit = max(5 * first.seconds, 0.05)
    spent, statuses = 0.0, []
    while spent < 3 * limit:
        for j in m.I:
            m.c[j] = rng.uniform(1, 2)
        solver.forget()  # from nothing, as every point's start does
        outcome = solver.solve()
        spent += outcome.seconds
        statuses.append(outcome.status)
    assert set(statuses) == {"optimal"} and len(statuses) >= 3


def test_the_warm_risk_tie_break_is_the_cold_one_and_leaves_the_integers_integer(tmp_path, monkeypatch):
    """On a model too large to solve exactly, the min-cost end's risk tie-break is an LP with the
    network held: solved after the network's min-cost LP (whose basis it starts from) it finds the
    risk the cold LP finds, and HiGHS has the model's integers back as integers after it."""
    import highspy

    from model.solving import staged
    case = case_from(two_scenario_rows(), tmp_path)
    risks = {}
    for warm in (False, True):
        monkeypatch.setattr(staged, "WARM_TIE_BREAK", warm)
        fm = StagedModel(case, "expected_shortfall", SolveOptions(60, 0.0), exact_below_columns=0)
        first = fm.min_cost_stage_one()
        outcome, plan = fm.risk_tie_break(first)
        assert plan.extras["tie_break"] == "network" and outcome.status == "optimal"
        risks[warm] = plan.extras["risk"]
        kinds = list(fm.solver.highs.getLp().integrality_)
        assert sum(k == highspy.HighsVarType.kInteger for k in kinds) == len(fm.binaries()) > 0
    assert risks[True] == pytest.approx(risks[False], abs=1e-9)
    fm.fix_once_decisions(fm.once_decisions())
    with fm.solver.held_integers_continuous() as an_lp:
        assert an_lp  # every integer held: HiGHS gets an LP
    fm.free_once_decisions()
    with fm.solver.held_integers_continuous() as an_lp:
        assert not an_lp  # a free integer: still a MIP
