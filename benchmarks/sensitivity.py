"""One-at-a-time sensitivity of the default case's frontier span to its five most uncertain figures
(the README's "The default case" section). Run: ``.venv/bin/python benchmarks/sensitivity.py``.

The span is measured on the frontier's two ends (min cost, then min risk at that cost; min risk,
then min cost at that risk): the cost span is what the lowest reachable risk costs over the
cheapest plan, the risk span how much risk money can buy off. Each figure is moved to its low and
its high value (the ranges defended in the case's sources sheet) on the read case, everything else
as it is:

1. the automotive shortfall penalty (11 M USD/t: 3 M to 19 M);
2. the crisis allocation to one buyer (capacity x0.5 on every offer of a scrambled group: 0.25 to 0.8);
3. the price of reserving ex-China capacity: reservation fees (10 %: 5 % to 20 %) and take-or-pay
   shares (50 %: 25 % to 80 %) together;
4. qualification of a new automotive (15 months) or defence (18) magnet source: 12/15 to 24/24;
5. the plant's stock ceilings (max_stock at OWN_US: half to double).
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

CONTRACT_EXCH = 100_000  # the contracting cost inside every ex-China fixed cost (inputs/build_default_case.py)


def penalty(case, value):
    auto = max(d.shortfall_penalty for d in case.demands if d.max_origin_group is None)
    return replace(case, demands=tuple(replace(d, shortfall_penalty=value) if d.shortfall_penalty == auto else d
                                       for d in case.demands))


def allocation(case, value):
    return replace(case, events=tuple(replace(e, factor=value) if e.event == "outage" and e.target_kind == "group"
                                      and abs(e.factor - 0.5) < 1e-9 else e for e in case.events))


def reservation(case, scale):
    """Fees (the part of fixed_cost above the contracting cost) and take-or-pay minimums scaled."""
    fee_scale, top_scale = scale

    def one(o):
        if case.sites[o.site].country == "CN" or o.spot:
            return o
        fee = max(0.0, o.fixed_cost - CONTRACT_EXCH)
        return replace(o, fixed_cost=CONTRACT_EXCH + fee * fee_scale if fee else o.fixed_cost,
                       min_per_period=min(o.min_per_period * top_scale, o.capacity_per_period or float("inf")))
    return replace(case, offers={k: one(o) for k, o in case.offers.items()})


def qualification(case, months):
    auto, defence = months
    new = {15: auto, 18: defence}
    return replace(case, offers={k: replace(o, qualification_periods=new.get(o.qualification_periods,
                                                                          o.qualification_periods))
                                 for k, o in case.offers.items()})


def ceilings(case, scale):
    return replace(case, inventories={k: replace(i, max_stock=i.max_stock * scale)
                                      if k[0] == "OWN_US" and i.max_stock else i
                                      for k, i in case.inventories.items()})


FIGURES = [
    ("automotive shortfall penalty (USD/t)", penalty, 11e6, 3e6, 19e6),
    ("crisis allocation to one buyer", allocation, 0.5, 0.25, 0.8),
    ("reservation fee x, take-or-pay x", reservation, (1.0, 1.0), (0.5, 0.5), (2.0, 1.6)),
    ("qualification months (automotive, defence)", qualification, (15, 18), (12, 15), (24, 24)),
    ("plant stock ceilings x", ceilings, 1.0, 0.5, 2.0),
]


def ends(case, options):
    t0 = time.perf_counter()
    result = run_frontier(case, 2, None, options)
    lo, hi = result.points[0], result.points[-1]
    return {"min_cost": lo.plan.expected_cost, "risk_at_min_cost": lo.risk, "min_risk_cost": hi.plan.expected_cost,
            "min_risk": hi.risk, "status": f"{lo.outcome.status} / {hi.outcome.status}",
            "seconds": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", type=Path, default=ROOT / "inputs" / "rare_earth_magnets.xlsx")
    ap.add_argument("--time-limit", type=float, default=300)
    args = ap.parse_args()
    base = read_case(args.case)
    options = SolveOptions(args.time_limit, None, workers=default_workers())
    rows = [("base", "", ends(base, options))]
    print(_line(*rows[-1]), flush=True)
    for name, change, _, low, high in FIGURES:
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
