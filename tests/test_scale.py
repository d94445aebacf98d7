"""Scale: the model written as MPS (re-read and re-solved by HiGHS alone), the executor's worker
cache under threads, and a frontier on a local Dask cluster equal to the local one."""

from __future__ import annotations

import json
import threading
import time

import highspy
import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from model.cli import app
from model.executor import InlineExecutor, WorkerCache, executor_for, executor_slots
from model.formulation import build_model
from model.solving import frontier as frontier_module
from model.solving.highs import PersistentHighs
from model.solving.staged import SolveOptions
from support.clitools import assert_fails
from support.smallcases import case_from, write_rows
from test_frontier import EXPECTED, two_scenario_rows
import test_model_cases as cases

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def solve_mps(path) -> tuple[float, int, int, int]:
    """HiGHS alone on a written model: (optimum, columns, rows, nonzeros)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    lp = h.getLp()
    return h.getInfo().objective_function_value, lp.num_col_, lp.num_row_, len(lp.a_matrix_.value_)


# ------------------------------------------------------------------------------------ --write-mps


def test_written_model_resolves_to_our_optimum_with_the_label_tie_break(tmp_path):
    """Chinese X refined in Malaysia (test_model_cases: cost 200, the metal labelled CN), so the
    objective carries the origin-label tie-break: the MPS HiGHS wrote before its first run, read
    back and solved alone, has our first solve's optimum (200 plus the tiny label term) and
    exactly our model's size, with Pyomo's names."""
    m = build_model(case_from(cases._processing_rows(False), tmp_path))
    mps = tmp_path / "chain.mps"
    solver = PersistentHighs(m, mip_gap=0.0, write_mps=str(mps))
    outcome = solver.solve()
    assert outcome.status == "optimal"
    assert pyo.value(m.expected_cost) == pytest.approx(200, abs=1e-6)
    assert outcome.objective > pyo.value(m.expected_cost) + 1e-7  # the label term is in the objective
    optimum, cols, rows_, nonzeros = solve_mps(mps)
    assert optimum == pytest.approx(outcome.objective, rel=1e-12, abs=1e-9)
    n_rows = sum(len(c) for c in m.component_objects(pyo.Constraint, active=True))
    assert (cols, rows_) == (len(list(m.component_data_objects(pyo.Var))), n_rows)
    assert nonzeros == len(solver.highs.getLp().a_matrix_.value_)
    text = mps.read_text()
    assert "material_balance[PROC_MY,X,CN,1,nominal]" in text and "buy[O_CN,1,nominal]" in text
    # only the first solve is written: a re-solve leaves the file as it was
    before = mps.stat().st_mtime_ns
    solver.solve()
    assert mps.stat().st_mtime_ns == before


@pytest.mark.parametrize("verb", ["solve", "frontier"])
def test_cli_write_mps_is_the_min_cost_model(verb, tmp_path):
    """solve and frontier write the model of their first solve (min expected cost): HiGHS alone on
    it finds the min-cost end's cost, 150, of the hand-solved two-scenario case."""
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    mps = tmp_path / "model.mps"
    res = run(verb, case, "--out", tmp_path / "r.xlsx", "--write-mps", mps, "--json", "--quiet",
              *(["--points", 5, "--workers", 1] if verb == "frontier" else []))
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["frontier"][0]["expected_cost"] == pytest.approx(EXPECTED[0][0], abs=1e-6)
    optimum, *_ = solve_mps(mps)
    assert optimum == pytest.approx(EXPECTED[0][0], abs=1e-6)


@pytest.mark.parametrize("name, why", [("model.lp", "ending in .mps"), ("no_such_dir/model.mps", "does not exist"),
                                       ("adir", "folder")])
def test_an_mps_path_that_cannot_be_written_is_bad_input_before_solving(name, why, tmp_path):
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    (tmp_path / "adir").mkdir()
    if name == "adir":
        (tmp_path / "adir.mps").mkdir()
        name = "adir.mps"
    out = tmp_path / "r.xlsx"
    res = run("frontier", case, "--out", out, "--write-mps", tmp_path / name, "--quiet")
    assert_fails(res, 1, "--write-mps", why)
    assert not out.exists()  # refused before anything was solved or written


def test_stress_and_whatif_write_the_baseline_model_once(tmp_path):
    """whatif and stress write their first solve's model (the baseline's min cost), not a later one."""
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    for verb, extra in (("whatif", ["--ban", "BAN", "--points", 3]), ("stress", [])):
        mps = tmp_path / f"{verb}.mps"
        res = run(verb, case, *extra, "--out", tmp_path / f"{verb}.xlsx", "--write-mps", mps, "--quiet",
                  "--workers", 1)
        assert res.exit_code == 0, res.output
        assert solve_mps(mps)[0] == pytest.approx(150.0, abs=1e-6)  # the baseline (BAN in force: 185)


# ------------------------------------------------------------------------------------ executor


def test_worker_cache_keeps_one_object_per_thread_and_never_shares_one():
    """Two threads asking at the same time get two objects; each thread gets its own again on its
    next job; a new run's token makes new ones."""
    cache = WorkerCache()
    barrier = threading.Barrier(2)
    got: dict[str, list] = {"a": [], "b": []}

    def job(name):
        for _ in range(2):
            barrier.wait()
            got[name].append(cache.get("run1", lambda: object()))
            barrier.wait()
    threads = [threading.Thread(target=job, args=(n,)) for n in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got["a"][0] is got["a"][1] and got["b"][0] is got["b"][1]
    assert got["a"][0] is not got["b"][0]
    assert cache.made == 2 and cache.gets == 4
    assert cache.get("run2", lambda: "new") == "new"


def test_local_executors_say_how_many_jobs_run_at_once():
    assert executor_slots(InlineExecutor()) == 1
    with executor_for(2) as pool:
        assert executor_slots(pool) == 2


# ------------------------------------------------------------------------------------ Dask


@pytest.fixture(scope="module")
def dask_cluster():
    """A local Dask cluster on loopback: 2 worker processes, 1 thread each."""
    distributed = pytest.importorskip("distributed", reason="the 'cluster' extra (distributed) is not installed")
    try:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                           dashboard_address=":0")
    except Exception as exc:  # e.g. no local TCP sockets in a sandbox: the cluster, not our code
        pytest.skip(f"a local Dask cluster cannot start here: {exc}")
    with cluster, distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield cluster, client


def _cache_counts():
    from model.solving import frontier
    return frontier._WORKER_MODELS.made, frontier._WORKER_MODELS.gets


def test_frontier_on_a_dask_cluster_equals_the_local_one(dask_cluster, tmp_path):
    """The same frontier through --scheduler (min-risk end and interior points on the cluster's
    workers) and on one local process: point by point the same costs, risks and statuses; each
    worker built one persistent model for all of its jobs."""
    cluster, client = dask_cluster
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    local = run("frontier", case, "--points", 5, "--workers", 1, "--out", tmp_path / "l.xlsx", "--json", "--quiet")
    assert local.exit_code == 0, local.output
    before = client.run(_cache_counts)
    remote = run("frontier", case, "--points", 5, "--scheduler", cluster.scheduler_address,
                 "--out", tmp_path / "d.xlsx", "--json", "--quiet")
    assert remote.exit_code == 0, remote.output
    rows_l, rows_d = (json.loads(r.stdout)["frontier"] for r in (local, remote))
    assert [r["point"] for r in rows_d] == [1, 2, 3, 4, 5]
    for key in ("expected_cost", "risk"):
        assert [r[key] for r in rows_d] == pytest.approx([r[key] for r in rows_l], abs=1e-6)
    assert [r["status"] for r in rows_d] == [r["status"] for r in rows_l] == ["optimal"] * 5
    assert [r["expected_cost"] for r in rows_d] == pytest.approx([c for c, _ in EXPECTED], abs=1e-6)
    after = client.run(_cache_counts)
    jobs = {w: after[w][1] - before[w][1] for w in after}
    made = {w: after[w][0] - before[w][0] for w in after}
    # 2 workers for 3 points here (this process keeps one): min risk + points 3 and 4 went to the cluster
    assert sum(jobs.values()) == 3
    assert all(made[w] == (1 if jobs[w] else 0) for w in jobs), (jobs, made)


def _hold_a_worker_model(case, seconds):
    """A job that takes this thread's persistent model and holds it for a while."""
    t0 = time.time()
    fm = frontier_module._worker_model(case, "expected_shortfall", SolveOptions(60, 0.0), "threads-test")
    time.sleep(seconds)
    return threading.get_ident(), id(fm), t0, time.time()


def test_a_dask_worker_on_threads_never_shares_a_model(tmp_path):
    """One Dask worker with 2 threads runs two jobs at once: each has its own persistent model."""
    distributed = pytest.importorskip("distributed", reason="the 'cluster' extra (distributed) is not installed")
    case = case_from(two_scenario_rows(), tmp_path)
    try:
        cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                           dashboard_address=":0")
    except Exception as exc:
        pytest.skip(f"a local Dask cluster cannot start here: {exc}")
    with cluster, distributed.Client(cluster) as client:
        futures = [client.submit(_hold_a_worker_model, case, 1.0, pure=False) for _ in range(2)]
        (ta, ma, sa, ea), (tb, mb, sb, eb) = [f.result() for f in futures]
    assert sa < eb and sb < ea, "the two jobs should have run at the same time on the worker's two threads"
    assert ta != tb and ma != mb


# ------------------------------------------------------------------------------------ hand-over


def test_the_persistent_model_follows_every_change_a_stage_makes():
    """After each change (a parameter coefficient, a parameter bound, objective weights, a
    constraint component added and deleted, variable bounds, a fixed variable) the re-solved
    persistent model gives what a model handed over afresh gives (docs/performance.md: a re-solved point
    must equal a cold solve)."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.y = pyo.Var(domain=pyo.NonNegativeReals)
    m.z = pyo.Var(domain=pyo.Binary)
    m.p = pyo.Param(initialize=1.0, mutable=True)
    m.q = pyo.Param(initialize=10.0, mutable=True)
    m.wx = pyo.Param(initialize=3.0, mutable=True)
    m.wy = pyo.Param(initialize=2.0, mutable=True)
    m.e = pyo.Expression(expr=m.x + m.p * m.y)  # a named expression holding a parameter
    m.need = pyo.Constraint(expr=m.e >= 4)
    m.cap = pyo.Constraint(expr=m.x <= m.q)
    m.link = pyo.Constraint(expr=m.y <= 8 * m.z)
    m.obj = pyo.Objective(expr=m.wx * m.x + m.wy * m.y + 1.5 * m.z)
    warm = PersistentHighs(m, mip_gap=0.0)

    def same_as_cold(expected):
        got = warm.solve()
        cold = PersistentHighs(m, mip_gap=0.0).solve()
        assert got.status == cold.status == "optimal"
        assert got.objective == pytest.approx(cold.objective, abs=1e-9)
        assert got.objective == pytest.approx(expected, abs=1e-9)

    same_as_cold(2 * 4 + 1.5)                        # y = 4 with z (8 + 1.5) beats x = 4 (12)
    m.p.set_value(0.25)                               # y counts a quarter: x = 4 (12) beats y = 16 > 8
    same_as_cold(12)
    m.q.set_value(2)                                  # x <= 2: and y = 8 (z): 6 + 16 + 1.5
    same_as_cold(23.5)
    m.wy.set_value(0.5)                               # cheaper y: 6 + 4 + 1.5
    same_as_cold(11.5)
    m.extra = pyo.Constraint(expr=m.x + m.y <= 10)    # a component added (tight at x = 2, y = 8)
    same_as_cold(11.5)
    m.extra2 = pyo.Constraint(expr=m.x >= 2.5)        # with x <= q = 2: infeasible
    assert warm.solve().status == "infeasible"
    m.del_component(m.extra2)                         # and deleted again
    same_as_cold(11.5)
    m.y.setub(4)                                      # y <= 4: x + y/4 >= 4 needs x >= 3 > q
    assert warm.solve().status == "infeasible"
    m.y.setub(None)
    m.z.fix(0)                                        # no y at all: x >= 4 > q
    assert warm.solve().status == "infeasible"
    m.z.unfix()
    m.q.set_value(10)                                 # x = 4 - y/4 costs 13.5 - y/4: y = 8 again
    same_as_cold(11.5)
    m.wx.set_value(0.1)                               # cheap x: x = 4 alone
    same_as_cold(0.4)
    m.wx.set_value(3.0)                               # back to a parameter state seen before
    same_as_cold(11.5)


def test_solve_on_a_dask_cluster_writes_the_model_here(dask_cluster, tmp_path):
    """solve --scheduler: the one solve runs on a worker; --write-mps is still written here, and is
    the same min-cost model (HiGHS alone: 150)."""
    cluster, client = dask_cluster
    case = write_rows(two_scenario_rows(), tmp_path / "two.xlsx")
    mps = tmp_path / "remote.mps"
    res = run("solve", case, "--scheduler", cluster.scheduler_address, "--workers", 1, "--write-mps", mps,
              "--out", tmp_path / "r.xlsx", "--json", "--quiet")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["frontier"][0]["expected_cost"] == pytest.approx(150, abs=1e-6)
    assert solve_mps(mps)[0] == pytest.approx(150, abs=1e-6)
    assert "solve_single" in client.run_on_scheduler(_task_prefixes)  # it ran on the cluster


def _task_prefixes(dask_scheduler):
    return sorted(dask_scheduler.task_prefixes)


def test_a_two_worker_frontier_solves_in_two_processes(monkeypatch, tmp_path):
    """--workers 2: this process solves the min-cost end while the min-risk end and every other
    interior limit go to a second process (a real one: the pool's jobs build no model here), and
    the frontier is the hand-solved one."""
    monkeypatch.setattr(frontier_module, "PARALLEL_MIN_COLUMNS", 0)  # the tiny case counts as big
    case = case_from(two_scenario_rows(), tmp_path)
    made = frontier_module._WORKER_MODELS.made
    result = frontier_module.run_frontier(case, 5, options=SolveOptions(60, 0.0, workers=2))
    assert frontier_module._WORKER_MODELS.made == made  # no job of the pool ran in this process
    assert [p.plan.expected_cost for p in result.points] == pytest.approx([c for c, _ in EXPECTED], abs=1e-6)
    with executor_for(1, in_this_process_when_one=False) as pool:
        assert executor_slots(pool) == 1 and not isinstance(pool, InlineExecutor)
