"""The README's "Reliability" guarantees that test_reliability.py does not cover, one test each:
--force, the input case given as --out, a --solver-log that cannot be written, a folder without
write permission, --from out of range, a real solve stopped by its time limit, and "a frontier
exits 2 only if no point has a solution"."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from support.clitools import assert_fails, run
from model.app.common import default_case_path
from model.solving.highs import NoSolution
from model.solving.staged import StagedModel
from support.smallcases import base_rows, write_rows
from test_frontier import two_scenario_rows


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def case(tmp_path):
    return write_rows(two_scenario_rows(), tmp_path / "two.xlsx")


# ------------------------------------------------------------------------------------ --out

def test_force_overwrites_a_file_that_is_not_a_results_workbook(case, tmp_path):
    mine = tmp_path / "mine.xlsx"
    write_rows(base_rows(), mine)
    before = digest(mine)
    assert_fails(run("solve", case, "--out", mine, "--quiet"), 1, "not a results workbook", "--force")
    assert digest(mine) == before  # refused: untouched
    res = run("solve", case, "--out", mine, "--force", "--quiet")
    assert res.exit_code == 0, res.output
    assert digest(mine) != before
    assert {"summary", "frontier"} <= set(load_workbook(mine).sheetnames)  # now our results


def test_the_input_case_as_out_is_refused_even_with_force(case):
    before = digest(case)
    assert_fails(run("solve", case, "--out", case, "--quiet"), 1, f"--out {case}")
    assert_fails(run("solve", case, "--out", case, "--force", "--quiet"), 1, "that is the input case")
    assert digest(case) == before


def test_an_out_that_is_not_xlsx_is_bad_input(case, tmp_path):
    out = tmp_path / "plan.csv"
    assert_fails(run("solve", case, "--out", out, "--quiet"), 1, f"--out {out}: expected a file name ending in .xlsx")
    assert not out.exists()


# ------------------------------------------------------------------------------------ paths

@pytest.fixture
def locked_folder(tmp_path):
    """A folder no file can be created in, even by root: read-only and immutable (chattr +i)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    if shutil.which("chattr"):
        subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    try:
        (folder / "probe").write_text("x")
    except OSError:
        pass
    else:  # pragma: no cover - a file system without immutable folders, running as root
        (folder / "probe").unlink()
        folder.chmod(0o755)
        pytest.skip("no folder here refuses a file to this user (root without chattr +i)")
    yield folder
    if shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_an_out_in_a_folder_without_write_permission_is_bad_input_at_once(case, locked_folder):
    t0 = time.perf_counter()
    assert_fails(run("frontier", case, "--out", locked_folder / "f.xlsx", "--quiet"), 1,
                 "--out", "cannot write there")
    assert time.perf_counter() - t0 < 10  # refused before solving


@pytest.mark.parametrize("where", ["a_folder", "inside_a_file", "locked_folder"])
def test_a_solver_log_that_cannot_be_written_is_bad_input_at_once(where, case, tmp_path, request):
    (tmp_path / "file.txt").write_text("x")
    if where == "a_folder":
        log, says = tmp_path / "logs", "that is a folder"
        log.mkdir()
    elif where == "inside_a_file":
        log, says = tmp_path / "file.txt" / "highs.log", "is a file, so no folder can be made inside it"
    else:
        log, says = request.getfixturevalue("locked_folder") / "highs.log", "cannot write there"
    out = tmp_path / "f.xlsx"
    assert_fails(run("frontier", case, "--out", out, "--solver-log", log, "--quiet"), 1, "--solver-log", says)
    assert not out.exists()


@pytest.mark.parametrize("where", ["the_case", "another_workbook"])
def test_a_solver_log_onto_a_workbook_is_bad_input_at_once(where, case, tmp_path):
    """HiGHS appends its log to the file: onto the case, or any existing workbook, that would spoil it
    silently. Both refused before solving; the workbook is left as it was."""
    log = case if where == "the_case" else tmp_path / "other.xlsx"
    if where == "another_workbook":
        shutil.copy(case, log)
    before = log.read_bytes()
    out = tmp_path / "f.xlsx"
    says = "that is the input case" if where == "the_case" else "is a workbook"
    assert_fails(run("frontier", case, "--out", out, "--solver-log", log, "--quiet"), 1, "--solver-log", says)
    assert not out.exists() and log.read_bytes() == before


@pytest.mark.parametrize("same_as", ["--out", "--write-mps"])
def test_a_new_solver_log_named_like_out_or_the_mps_is_bad_input_at_once(same_as, case, tmp_path):
    """Neither file exists yet: the log would be replaced by the workbook (or the model) written
    later, or spoil it."""
    out, mps = tmp_path / "f.xlsx", tmp_path / "m.mps"
    log = out if same_as == "--out" else mps
    res = run("frontier", case, "--out", out, "--write-mps", mps, "--solver-log", log, "--quiet")
    assert_fails(res, 1, "--solver-log", "that is the input case, --out or --write-mps")
    assert not out.exists() and not mps.exists()


def test_an_mps_path_in_a_folder_nobody_may_write_is_bad_input_at_once(case, tmp_path, locked_folder):
    out = tmp_path / "f.xlsx"
    res = run("frontier", case, "--out", out, "--write-mps", locked_folder / "m.mps", "--quiet")
    assert_fails(res, 1, "--write-mps", "cannot write there")
    assert not out.exists()


@pytest.mark.parametrize("address", ["notanaddress", "tcp://127.0.0.1", "127.0.0.1:port"])
def test_a_scheduler_address_without_a_port_is_bad_input_at_once(address, case, tmp_path):
    out = tmp_path / "f.xlsx"
    res = run("solve", case, "--out", out, "--scheduler", address, "--quiet")
    assert_fails(res, 1, f"--scheduler {address}: not a scheduler address", "tcp://HOST:PORT")
    assert not out.exists()


@pytest.mark.parametrize("period", [0, 2])
def test_from_out_of_range_is_bad_input(case, tmp_path, period):
    """The case has one period: --from must be 1."""
    out = tmp_path / "w.xlsx"
    assert_fails(run("whatif", case, "--ban", "BAN", "--from", period, "--out", out, "--quiet"), 1,
                 f"--from {period}: expected a period within 1..1")
    assert not out.exists()


# ------------------------------------------------------------------------------------ time limits

def test_a_real_solve_stopped_by_its_time_limit_keeps_its_plan_and_says_so(tmp_path):
    """The default case at a gap of 0 cannot be proven optimal in 45 s; HiGHS has a plan before
    (its first, from a heuristic, about 25 s into the solve on an idle 2-core machine): the point
    keeps it, its status says time_limit, the warnings say so, exit 0."""
    out = tmp_path / "tl.xlsx"
    res = run("solve", default_case_path(), "--time-limit", 45, "--mip-gap", 0, "--out", out, "--json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    row = doc["frontier"][0]
    assert row["status"] == "time_limit" and row["expected_cost"] > 0 and row["mip_gap"] > 0
    assert row["cost_bound"] < row["expected_cost"]
    assert any("point 1 stopped at its time limit" in w and "not proven" in w for w in doc["warnings"]), doc
    summary = {r[0]: r[1] for r in load_workbook(out)["summary"].iter_rows(values_only=True)}
    assert "stopped at its time limit" in str(summary.get("warnings"))


def _no_min_risk(self):
    raise NoSolution("min risk: no solution (time_limit)", "time_limit")


def test_a_frontier_with_one_solved_point_exits_0(case, tmp_path, monkeypatch):
    """The min-risk end finds nothing (as when it stops at its time limit without a plan): the
    min-cost end is solved, so the frontier is written, says what is missing, and exits 0."""
    monkeypatch.setattr(StagedModel, "min_risk", _no_min_risk)
    out = tmp_path / "f.xlsx"
    res = run("frontier", case, "--points", 3, "--workers", 1, "--out", out, "--json", "--quiet")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["frontier"]
    assert [r["expected_cost"] is not None for r in rows] == [True, False, False]
    assert rows[0]["status"] == "optimal" and rows[2]["status"] == "time_limit"
    assert out.exists()


def test_a_frontier_exits_2_when_no_point_has_a_solution(case, tmp_path, monkeypatch):
    def nothing(self, *args, **kwargs):
        raise NoSolution("min cost: no solution (time_limit)", "time_limit")
    monkeypatch.setattr(StagedModel, "min_risk", _no_min_risk)
    monkeypatch.setattr(StagedModel, "min_cost_stage_one", nothing)
    out = tmp_path / "f.xlsx"
    res = run("frontier", case, "--points", 3, "--workers", 1, "--out", out, "--json", "--quiet")
    assert_fails(res, 2, "no solution")
    doc = json.loads(res.stdout)
    assert doc["ok"] is False and doc["frontier"] == []
