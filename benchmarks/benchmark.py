"""Pipeline benchmark on generated, default-shaped cases of growing size (``benchmarks/cases.py``).

Run: ``make benchmark`` (the default case, sizes S, M, L; the default case's 11-point frontier on 1
and 2 workers) or ``.venv/bin/python benchmarks/benchmark.py [--sizes default S M L x8] [--xl]
[--frontier-sizes default x8] [--points 11] [--memory-sweep]`` (x8: the default case with its
scenarios multiplied to 41, the frontier target's case).

For each size, in a fresh process (so that its peak memory is its own): the model's columns, rows,
nonzeros and binaries, and the seconds of one ``sourcing solve`` (the same code path) split into
read, build, hand-over (Pyomo -> HiGHS), HiGHS itself, solution load, extraction (plan tables) and
writing, the rest (the risk evaluation, the report) as ``other_s``, imports as ``import_s``; the
peak resident memory; then (``--frontier-sizes``) a frontier through the CLI with ``--workers 1``
and ``--workers 2``, wall clock, alternately first (``--repeats``); (``--cbc-sizes``) ``sourcing solve``
at a 1e-4 and a 0.5 % gap against CBC alone on the MPS it wrote, paired, both under
``--cbc-time-limit`` (600 s; where both stop there, the gaps they reached compare); (``--value-sizes``)
``sourcing value --workers 2``. Those go to ``benchmarks/speed.csv`` (``--speed-out``) and are printed per size. A second fresh process hands the same model to HiGHS through Pyomo's
persistent interface, to compare with ours (before/after). Results go to ``benchmarks/results.csv``
and are printed as the README's table; the build-time exponent (build seconds against nonzeros,
least squares on logs) is printed at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

RESULTS = HERE / "results.csv"
SPEED = HERE / "speed.csv"  # per size: solve against CBC at two gaps, frontier on 1 and 2 workers, value
CBC_GAPS = (1e-4, 0.005)
SOURCING = [sys.executable, "-m", "model"]


# ------------------------------------------------------------------------------------ child runs

def child_solve(case: Path, out: Path, time_limit: float | None, mps: Path | None) -> dict:
    """One ``sourcing solve`` in this process, its timings from the report's run_info."""
    from model.app import runs
    from model.app.common import Reporter, RunOptions
    imported = time.perf_counter() - T_START
    t0 = time.perf_counter()
    outcome = runs.solve(RunOptions(case=case, out=out, time_limit=time_limit, write_mps=mps), None, Reporter())
    wall = time.perf_counter() - t0
    info = outcome.report.run_info
    row = outcome.report.frontier.iloc[0]
    keys = ("read_s", "build_s", "handover_s", "highs_s", "load_solution_s", "extract_s", "write_s")
    parts = {k: float(info.get(k) or 0.0) for k in keys}
    parts["import_s"] = imported
    parts["other_s"] = wall - sum(parts[k] for k in keys)
    total = wall + imported
    return {**parts, "total_s": total, "outside_highs_share": 1 - parts["highs_s"] / total,
            "columns": info.get("model_columns"), "rows": info.get("model_rows"),
            "nonzeros": info.get("model_nonzeros"), "binaries": info.get("model_binaries"),
            "status": row["status"], "mip_gap": row["mip_gap"], "expected_cost": row["expected_cost"],
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_pyomo_handover(case: Path) -> dict:
    """The same model handed to HiGHS by Pyomo's persistent interface and by ours (seconds)."""
    from pyomo.contrib.solver.solvers.highs import Highs
    from model.case.reader import read_case
    from model.formulation import build_model
    from model.solving.highs import paused_gc
    from model.solving.highs_model import HighsModel
    case_ = read_case(case)
    t0 = time.perf_counter()
    with paused_gc():  # as StagedModel builds
        m = build_model(case_)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with paused_gc():
        ours = HighsModel(m)
    ours_s = time.perf_counter() - t0
    del ours
    solver = Highs()
    t0 = time.perf_counter()
    solver.set_instance(m)
    pyomo_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    solver.update()
    update_s = time.perf_counter() - t0
    return {"pyomo_set_instance_s": pyomo_s, "pyomo_update_s": update_s, "bulk_load_s": ours_s,
            "build_again_s": build_s}


def child_memory(case: Path, time_limit: float) -> dict:
    """Peak memory of one model: read, build, hand-over and a solve cut at ``time_limit``."""
    from model.case.reader import read_case
    from model.solving.staged import SolveOptions, StagedModel
    t0 = time.perf_counter()
    case_ = read_case(case)
    read_s = time.perf_counter() - t0
    fm = StagedModel(case_, case_.settings.risk_measure, SolveOptions(time_limit, case_.settings.mip_gap))
    built = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fm.configure()
    outcome = fm.solve()
    size = fm.size_loaded()
    return {**size, "nodes": len(fm.index.nodes), "scenarios": len(case_.scenarios), "periods": case_.settings.periods,
            "built_rss_mib": built, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "status": outcome.status, "read_s": read_s, "build_s": fm.build_seconds,
            "handover_s": fm.solver.seconds["handover"], "highs_s": fm.solver.seconds["highs"]}


def memory_sweep(tmp: Path, grid: list[tuple[int, int]], time_limit: float, cap_gib: float) -> list[dict]:
    """Peak memory of default-shaped models (one product line) over scenarios x periods, and the
    least-squares line peak = a + b x (scenarios x periods), extrapolated to 24 GiB."""
    from cases import Size, write_generated
    out = []
    for k, periods in grid:
        size = Size(f"k{k}_T{periods}", scenario_copies=k, periods=periods, lines=1, extra_offers=0.0)
        path = write_generated(size, tmp / f"mem_{size.name}.xlsx")
        row = run_child(["memory", str(path), str(time_limit)], cap_gib)
        row["grid"] = size.name
        out.append(row)
        print("  " + ", ".join(f"{k_}={fmt(v)}" for k_, v in row.items()), flush=True)
    pts = [(r["scenarios"] * r["periods"], r["peak_rss_mib"]) for r in out if "peak_rss_mib" in r]
    if len(pts) >= 2:
        mx = sum(x for x, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        b = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
        a = my - b * mx
        print(f"peak MiB ~ {a:.0f} + {b:.2f} x scenarios x periods; 24 GiB at scenarios x periods ~ "
              f"{(24 * 1024 - a) / b:,.0f} (e.g. {(24 * 1024 - a) / b / 60:,.0f} scenarios over 60 periods)")
    return out


def run_child(args: list[str], memory_limit_gib: float | None = None) -> dict:
    """This script in a fresh process; its JSON answer."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as f:
        answer = Path(f.name)

    def limit():  # so that a size too big for this machine fails alone, not the machine
        if memory_limit_gib:
            cap = int(memory_limit_gib * 2 ** 30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args, "--answer", str(answer)],
                          cwd=ROOT, preexec_fn=limit, capture_output=True, text=True)
    try:
        if proc.returncode != 0:
            return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
        return json.loads(answer.read_text())
    finally:
        answer.unlink(missing_ok=True)


def idle_cores(seconds: float = 2.0) -> float:
    """Cores idle over the next ``seconds`` (from /proc/stat): other users' load on a shared machine."""
    def sample():
        with open("/proc/stat") as f:
            fields = [float(x) for x in f.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (os.cpu_count() or 1) * (idle1 - idle0) / max(total1 - total0, 1e-9)


def wait_for_quiet(cores: float, max_wait_s: float) -> float:
    """Wait (up to ``max_wait_s``) until ``cores`` cores are idle; the idle cores found."""
    deadline = time.time() + max_wait_s
    idle = idle_cores()
    while idle < cores and time.time() < deadline:
        idle = idle_cores(5.0)
    return idle


def frontier_wall(case: Path, workers: int, points: int, time_limit: float | None, out: Path,
                  max_wait_s: float = 600.0) -> dict:
    """A frontier through the CLI, wall clock from the command to the written workbook, and the CPU
    seconds it used (its worker processes included): cpu / wall is the cores it really had."""
    cmd = [*SOURCING, "frontier", str(case), "--workers", str(workers), "--points", str(points),
           "--out", str(out), "--json", "--quiet", "--force"]
    if time_limit:
        cmd += ["--time-limit", str(time_limit)]
    idle = wait_for_quiet(min(workers, os.cpu_count() or 1) - 0.2, max_wait_s)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        return {"wall_s": wall, "statuses": f"exit {proc.returncode}", "cores_used": cpu / wall, "idle_before": idle}
    rows = json.loads(proc.stdout)["frontier"]
    statuses = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return {"wall_s": wall, "statuses": "; ".join(f"{n} {s}" for s, n in statuses.items()),
            "max_gap": max((r["mip_gap"] or 0.0) for r in rows), "cores_used": cpu / wall, "idle_before": idle}


def versus_cbc(name: str, case: Path, gap: float, repeats: int, tmp: Path, limit_s: float = 600.0) -> list[dict]:
    """``sourcing solve --mip-gap GAP --time-limit LIMIT`` and CBC alone on the MPS that solve wrote
    (its first solve's exact model), at the same gap and limit, paired: alternately ours first and
    CBC first, ``repeats`` each. Where both stop at the limit, compare the gaps they reached."""
    from cbc_compare import run_cbc, run_ours
    rows = []
    options = ["--mip-gap", str(gap), "--time-limit", str(limit_s)]
    for k in range(repeats):
        row = {"size": name, "what": "solve", "mip_gap": gap, "repeat": k + 1, "load_average": round(os.getloadavg()[0], 2)}
        if k % 2 == 0:
            ours = run_ours(case, tmp, options)
            cbc = run_cbc(ours["mps"], gap, limit_s)
        else:  # the MPS of the previous repeat: the same model
            cbc = run_cbc(tmp / "model.mps", gap, limit_s)
            ours = run_ours(case, tmp, options)
        row.update({"ours_s": ours["ours_wall_s"], "ours_status": ours["ours_status"], "ours_gap": ours["ours_gap"],
                    "ours_cost": ours["ours_cost"], "ours_highs_s": ours["ours_highs_s"], "cbc_s": cbc["cbc_wall_s"],
                    "cbc_objective": cbc["cbc_objective"], "cbc_result": cbc["cbc_result"]})
        row["ratio"] = row["ours_s"] / row["cbc_s"]
        rows.append(row)
        print("  " + ", ".join(f"{k_}={fmt(v)}" for k_, v in row.items()), flush=True)
    return rows


def frontier_paired(name: str, case: Path, points: int, repeats: int, time_limit: float | None, tmp: Path) -> list[dict]:
    """The frontier on --workers 1 and --workers 2, alternately first, ``repeats`` each."""
    rows = []
    for k in range(repeats):
        for w in ((1, 2) if k % 2 == 0 else (2, 1)):
            load = round(os.getloadavg()[0], 2)
            res = frontier_wall(case, w, points, time_limit, tmp / f"frontier_{name}_{w}.xlsx", max_wait_s=30.0)
            rows.append({"size": name, "what": f"frontier --workers {w}", "repeat": k + 1, "load_average": load,
                         "ours_s": res["wall_s"], "ours_status": res["statuses"], "ours_gap": res.get("max_gap"),
                         "cores_used": res["cores_used"]})
            print("  " + ", ".join(f"{k_}={fmt(v)}" for k_, v in rows[-1].items()), flush=True)
    return rows


def value_wall(name: str, case: Path, workers: int, tmp: Path) -> dict:
    """``sourcing value CASE --workers W``, wall clock from the command to the written workbook."""
    from sourcing_cli import run_json
    load = round(os.getloadavg()[0], 2)
    wall, doc = run_json(["value", str(case), "--workers", str(workers), "--out", str(tmp / f"value_{name}.xlsx")])
    options = doc.get("options") or []
    optimal = sum(1 for o in options if o.get("status") == "optimal")
    row = {"size": name, "what": f"value --workers {workers}", "repeat": 1, "load_average": load, "ours_s": wall,
           "ours_status": f"{len(options)} option rows, {optimal} optimal; EVPI {doc.get('evpi')}, VSS {doc.get('vss')}"}
    print("  " + ", ".join(f"{k_}={fmt(v)}" for k_, v in row.items()), flush=True)
    return row


SPEED_FIELDS = ["size", "what", "mip_gap", "repeat", "load_average", "ours_s", "cbc_s", "ratio", "ours_status",
                "ours_gap", "ours_cost", "ours_highs_s", "cbc_objective", "cbc_result", "cores_used"]


# ------------------------------------------------------------------------------------ the table

FIELDS = ["size", "scenarios", "periods", "materials", "offers", "columns", "rows", "nonzeros", "binaries",
          "read_s", "build_s", "handover_s", "highs_s", "load_solution_s", "extract_s", "write_s", "import_s",
          "other_s", "total_s", "outside_highs_share", "status", "mip_gap", "peak_rss_mib",
          "pyomo_set_instance_s", "pyomo_update_s", "bulk_load_s", "build_again_s", "build_min_s", "frontier_points",
          "frontier_w1_s", "frontier_w2_s", "frontier_speedup", "frontier_w1_statuses", "frontier_w2_statuses",
          "frontier_w1_cores_used", "frontier_w2_cores_used", "frontier_w1_idle_cores_before",
          "frontier_w2_idle_cores_before",
          "load_average", "note"]


def fit_exponent(rows: list[dict], x: str, y: str) -> float | None:
    pts = [(math.log(r[x]), math.log(r[y])) for r in rows if r.get(x) and r.get(y)]
    if len(pts) < 2:
        return None
    mx = sum(a for a, _ in pts) / len(pts)
    my = sum(b for _, b in pts) / len(pts)
    sxx = sum((a - mx) ** 2 for a, _ in pts)
    return sum((a - mx) * (b - my) for a, b in pts) / sxx if sxx else None


def fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 1 else f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return "" if v is None else str(v)


def print_table(rows: list[dict]) -> None:
    cols = ["size", "scenarios", "periods", "materials", "offers", "columns", "rows", "nonzeros", "binaries",
            "read_s", "build_s", "handover_s", "highs_s", "extract_s", "write_s", "other_s", "total_s",
            "outside_highs_share", "peak_rss_mib", "pyomo_set_instance_s", "frontier_w1_s", "frontier_w2_s",
            "frontier_speedup"]
    print("\n| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(fmt(r.get(c)) for c in cols) + " |")


def print_speed(rows: list[dict]) -> None:
    """Per size: solve against CBC (mean ratio per gap), frontier on 1 and 2 workers, value."""
    print("\n| size | what | gap | ours s | CBC s | ours / CBC |\n|---|---|---|---|---|---|")
    keys = []
    for r in rows:
        key = (r["size"], r["what"], r.get("mip_gap"))
        if key not in keys:
            keys.append(key)
    for size, what, gap in keys:
        mine = [r for r in rows if (r["size"], r["what"], r.get("mip_gap")) == (size, what, gap)]
        ours = sum(r["ours_s"] for r in mine) / len(mine)
        cbc = [r["cbc_s"] for r in mine if r.get("cbc_s")]
        cbc_mean = sum(cbc) / len(cbc) if cbc else None
        print(f"| {size} | {what} | {fmt(gap)} | {ours:.1f} ({len(mine)} runs) | {fmt(cbc_mean)} | "
              f"{fmt(ours / cbc_mean) if cbc_mean else ''} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", default=["default", "S", "M", "L"],
                    help="default (the default case as shipped), S, M, L, XL, or x8 (the default case's "
                         "scenarios multiplied: 41)")
    ap.add_argument("--xl", action="store_true", help="also size XL (long: minutes to build, a time-limited solve)")
    ap.add_argument("--frontier-sizes", nargs="*", default=["default"],
                    help="sizes that also run a frontier on 1 and 2 workers (e.g. x8 for the 41-scenario target)")
    ap.add_argument("--points", type=int, default=11, help="frontier points for --frontier-sizes")
    ap.add_argument("--cbc-sizes", nargs="*", default=["default"],
                    help="sizes whose solve is also run against CBC on its MPS at a 1e-4 and a 0.5 %% gap (paired)")
    ap.add_argument("--value-sizes", nargs="*", default=["default"], help="sizes that also run `sourcing value`")
    ap.add_argument("--repeats", type=int, default=2, help="paired repeats of the CBC and frontier comparisons")
    ap.add_argument("--time-limit", type=float, default=None, help="per solve (default: the case's time_limit_s)")
    ap.add_argument("--memory-limit-gib", type=float, default=16.0, help="address-space cap per size's process")
    ap.add_argument("--no-pyomo-handover", action="store_true", help="skip the Pyomo hand-over comparison")
    ap.add_argument("--cbc-time-limit", type=float, default=600.0,
                    help="time limit of both sides of the CBC comparison (ours: per stage)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--speed-out", type=Path, default=SPEED)
    ap.add_argument("--memory-sweep", action="store_true",
                    help="instead: peak memory over scenarios x periods (one product line), extrapolated to 24 GiB")
    ap.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--answer", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        kind, case, *rest = args.child
        if kind == "solve":
            tl = float(rest[1]) if len(rest) > 1 and rest[1] != "-" else None
            answer = child_solve(Path(case), Path(rest[0]), tl, None)
        elif kind == "memory":
            answer = child_memory(Path(case), float(rest[0]))
        else:
            answer = child_pyomo_handover(Path(case))
        args.answer.write_text(json.dumps(answer, default=float))
        return

    from cases import DEFAULT_CASE, SIZES, default_multiplied, generated_rows, read_rows, write_generated
    if args.memory_sweep:
        grid = [(1, 24), (4, 24), (8, 24), (4, 48), (8, 48), (16, 48)]
        rows = memory_sweep(Path(tempfile.mkdtemp(prefix="sourcing-mem-")), grid, args.time_limit or 20.0,
                            args.memory_limit_gib)
        with open(HERE / "memory.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=sorted({k for r in rows for k in r}))
            w.writeheader()
            w.writerows(rows)
        print(f"wrote {HERE / 'memory.csv'}")
        return
    sizes = list(args.sizes) + (["XL"] if args.xl and "XL" not in args.sizes else [])
    tmp = Path(tempfile.mkdtemp(prefix="sourcing-bench-"))
    rows, speed_rows = [], []
    for name in sizes:
        if name in SIZES:
            size = SIZES[name]
            gen = generated_rows(size)
            path = write_generated(size, tmp / f"bench_{name}.xlsx")
        elif name == "default":
            gen, path = read_rows(DEFAULT_CASE), DEFAULT_CASE
        elif name.startswith("x") and name[1:].isdigit():
            path = default_multiplied(int(name[1:]), tmp / f"default_{name}.xlsx")
            gen = read_rows(path)
        else:
            raise SystemExit(f"--sizes {name}: expected default, x<k>, or one of {', '.join(SIZES)}")
        row = {"size": name, "scenarios": len(gen["scenarios"]), "periods": int(gen["settings"]["periods"]),
               "materials": len(gen["materials"]), "offers": len(gen["offers"]),
               "load_average": round(os.getloadavg()[0], 2)}
        t0 = time.perf_counter()
        if name == "XL":  # its size, build, hand-over and memory; the solve is cut at its time limit
            row.update(run_child(["memory", str(path), str(args.time_limit or SIZES[name].time_limit_s)],
                                 args.memory_limit_gib))
            row["note"] = f"read, build, hand-over and a solve cut at {args.time_limit or SIZES[name].time_limit_s:.0f} s"
        else:
            row.update(run_child(["solve", str(path), str(tmp / f"plan_{name}.xlsx"),
                                  str(args.time_limit) if args.time_limit else "-"], args.memory_limit_gib))
        print(f"{name}: solve pipeline in {time.perf_counter() - t0:.0f} s", flush=True)
        if not args.no_pyomo_handover and "error" not in row and name != "XL":
            row.update(run_child(["pyomo-handover", str(path)], args.memory_limit_gib))
            if row.get("build_again_s"):  # two builds of the same case: the lesser is less noisy
                row["build_min_s"] = min(row["build_s"], row["build_again_s"])
        if name in args.cbc_sizes and "error" not in row:
            for gap in CBC_GAPS:
                speed_rows.extend(versus_cbc(name, path, gap, args.repeats, tmp, args.cbc_time_limit))
        if name in args.frontier_sizes and "error" not in row:
            row["frontier_points"] = args.points
            paired = frontier_paired(name, path, args.points, args.repeats, args.time_limit, tmp)
            speed_rows.extend(paired)
            for w in (1, 2):
                mine = [r for r in paired if r["what"] == f"frontier --workers {w}"]
                row[f"frontier_w{w}_s"] = sum(r["ours_s"] for r in mine) / len(mine)
                row[f"frontier_w{w}_statuses"] = mine[-1]["ours_status"]
                row[f"frontier_w{w}_cores_used"] = mine[-1]["cores_used"]
            row["frontier_speedup"] = row["frontier_w1_s"] / row["frontier_w2_s"]
        if name in args.value_sizes and "error" not in row:
            speed_rows.append(value_wall(name, path, 2, tmp))
        if "error" in row:
            row["note"] = row.pop("error")
        rows.append(row)
        print("  " + ", ".join(f"{k}={fmt(v)}" for k, v in row.items()), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()})
    with open(args.speed_out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=SPEED_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in speed_rows:
            w.writerow({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()})
    print_table(rows)
    print_speed(speed_rows)
    exponent = fit_exponent([r for r in rows if r["size"] in SIZES], "nonzeros",
                            "build_min_s" if all(r.get("build_min_s") for r in rows) else "build_s")
    if exponent is not None:
        print(f"\nbuild seconds ~ nonzeros^{exponent:.2f} (least squares on logs, sizes "
              f"{', '.join(r['size'] for r in rows if r['size'] in SIZES)})")
    print(f"wrote {args.out}; total {time.perf_counter() - T_START:.0f} s")


if __name__ == "__main__":
    main()
