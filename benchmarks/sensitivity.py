"""One-at-a-time sensitivity of the default case's two frontier ends to the figures that move them
most (docs/default_case.md). Run: ``.venv/bin/python benchmarks/sensitivity.py [--only NAME ...]``.

The span is measured on the frontier's two ends (min cost, then min risk at that cost; min risk,
then min cost at that risk): the cost span is what the lowest reachable risk costs over the
cheapest plan, the risk span how much risk money can buy off. Each figure is moved to its low and
its high value (the ranges given in the case's sources sheet) on the read case, everything else as
it is:

1. ``penalty``: the shortfall penalties, automotive 200 k USD/t (80 k to 500 k) with defence in
   proportion (0.75 M USD/t: 0.3 M to 1.9 M);
2. ``allocation``: the crisis allocation to one buyer (every partial outage of an ex-China offer in
   a crisis, x0.3 to x0.7 by severity): each factor x0.5 (a harsher scramble) to x1.4 (capped at 1);
3. ``qualification``: a new automotive (18 months) and defence (27) magnet source: 12/24 to 24/30;
4. ``storage``: the storage options' cost: x0.5 to x4;
5. ``probabilities``: every crisis scenario's probability x0.5 or x1.5, the nominal scenario taking
   up the difference (0.70 or 0.10).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.case.reader import read_case  # noqa: E402
from model.executor import default_workers  # noqa: E402
from model.solving.frontier import run_frontier  # noqa: E402
from model.solving.staged import SolveOptions  # noqa: E402


def penalty(case, scale):
    return replace(case, demands=tuple(replace(d, shortfall_penalty=d.shortfall_penalty * scale)
                                       for d in case.demands))


def allocation(case, scale):
    """Partial outages of single offers (the crisis allocation; a 0 factor is a stop, left alone)."""
    return replace(case, events=tuple(replace(e, factor=min(1.0, e.factor * scale))
                                      if e.event == "outage" and e.target_kind == "offer" and 0 < e.factor < 1
                                      else e for e in case.events))


def qualification(case, months):
    auto, defence = months
    new = {18: auto, 27: defence}
    return replace(case, offers={k: replace(o, qualification_periods=new.get(o.qualification_periods,
                                                                          o.qualification_periods))
                                 for k, o in case.offers.items()},
                   substitutes=tuple(replace(s, qualification_periods=new.get(s.qualification_periods,
                                                                            s.qualification_periods))
                                     for s in case.substitutes))


def storage(case, scale):
    return replace(case, storage_options={k: replace(o, cost=o.cost * scale)
                                          for k, o in case.storage_options.items()})


def probabilities(case, scale):
    nominal = case.nominal_scenario
    crisis = {k: replace(s, probability=s.probability * scale) for k, s in case.scenarios.items() if k != nominal}
    rest = 1.0 - sum(s.probability for s in crisis.values())
    return replace(case, scenarios={nominal: replace(case.scenarios[nominal], probability=rest), **crisis})


FIGURES = [
    ("penalty", "shortfall penalties x (automotive 200 k USD/t)", penalty, 1.0, 0.4, 2.5),
    ("allocation", "crisis allocation to one buyer x", allocation, 1.0, 0.5, 1.4),
    ("qualification", "qualification months (automotive, defence)", qualification, (18, 27), (12, 24), (24, 30)),
    ("storage", "storage option cost x", storage, 1.0, 0.5, 4.0),
    ("probabilities", "crisis probabilities x", probabilities, 1.0, 0.5, 1.5),
]


def ends(case, options):
    t0 = time.perf_counter()
    result = run_frontier(case, 2, None, options)
    lo, hi = result.points[0], result.points[-1]
    nan = float("nan")

    def gap(p) -> str:
        return "" if p.outcome.gap is None else f" {p.outcome.gap:.2%}"
    return {"min_cost": lo.plan.expected_cost if lo.plan else nan, "risk_at_min_cost": lo.risk if lo.plan else nan,
            "min_risk_cost": hi.plan.expected_cost if hi.plan else nan, "min_risk": hi.risk if hi.plan else nan,
            "status": f"{lo.outcome.status}{gap(lo)} / {hi.outcome.status}{gap(hi)}",
            "seconds": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", type=Path, default=ROOT / "inputs" / "rare_earth_magnets.xlsx")
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--mip-gap", type=float, default=None, help="a fixed relative gap (default: auto)")
    ap.add_argument("--only", nargs="*", default=None, help=f"figures to move: {[f[0] for f in FIGURES]}")
    ap.add_argument("--no-base", action="store_true", help="skip the case as shipped")
    args = ap.parse_args()
    base = read_case(args.case)
    options = SolveOptions(args.time_limit, args.mip_gap, workers=default_workers())
    rows = []
    if not args.no_base:
        rows.append(("base", "", ends(base, options)))
        print(_line(*rows[-1]), flush=True)
    for key, name, change, _, low, high in FIGURES:
        if args.only and key not in args.only:
            continue
        for label, value in (("low", low), ("high", high)):
            rows.append((f"{name}: {label}", value, ends(change(base, value), options)))
            print(_line(*rows[-1]), flush=True)
    print("\n| figure | value | min cost (M) | its risk | min-risk cost (M) | min risk | cost span (M) | "
          "risk span | status |\n|---|---|---|---|---|---|---|---|---|")
    for name, value, r in rows:
        print(f"| {name} | {value} | {r['min_cost'] / 1e6:,.1f} | {r['risk_at_min_cost']:.4f} | "
              f"{r['min_risk_cost'] / 1e6:,.1f} | {r['min_risk']:.4f} | {(r['min_risk_cost'] - r['min_cost']) / 1e6:,.1f} | "
              f"{r['risk_at_min_cost'] - r['min_risk']:.4f} | {r['status']} |")


def _line(name, value, r) -> str:
    return (f"{name} {value}: min cost {r['min_cost']:,.0f} (risk {r['risk_at_min_cost']:.4f}), min risk "
            f"{r['min_risk']:.4f} at {r['min_risk_cost']:,.0f}, {r['status']}, {r['seconds']:.0f} s")


if __name__ == "__main__":
    main()
