"""Why a case has no feasible plan: an elastic re-solve (docs/cli.md, exit 2 with the rows in
conflict, never a bare "infeasible").

Demand is soft (unmet demand costs its penalty), so a case is infeasible only when a hard row
cannot hold: a stock floor (``min_stock``, ``end_stock_min``, counting only clean stock in a clean
store) that no supply reaches in time, or policies that contradict each other or the offers. The
elastic model gives each such row a slack, minimises the total slack, and names every row whose
slack is left positive, with the periods and by how much.
"""

from __future__ import annotations

from collections import defaultdict

from ..case.case import Case
from ..formulation import CaseIndex, build_model
from .highs import PersistentHighs
from .staged import SolveOptions

SLACK_TOL = 1e-6


def _periods(ts: list[int]) -> str:
    """1, 2, 3, 5 -> "1-3, 5"."""
    ts = sorted(set(ts))
    runs, start, prev = [], ts[0], ts[0]
    for t in ts[1:] + [None]:
        if t is not None and t == prev + 1:
            prev = t
            continue
        runs.append(f"{start}" if start == prev else f"{start}-{prev}")
        if t is not None:
            start = prev = t
    return ", ".join(runs)


def explain_infeasibility(case: Case, measure: str, options: SolveOptions) -> list[str]:
    """The hard rows that cannot all hold, each in words (empty if the elastic model finds none,
    e.g. when the original solve only ran out of time)."""
    ix = CaseIndex(case, elastic=True)
    m = build_model(case, measure, index=ix)
    m.cost_weight.set_value(0.0)
    m.label_weight.set_value(0.0)
    outcome = PersistentHighs(m, options.time_limit_s, 1e-6, options.threads).solve()
    if not outcome.has_solution:
        receipts = [f"{r.quantity:g} of {r.material} ({r.origin_group}) at {r.site} in period {r.period}"
                    for r in case.receipts]
        where = ("a scheduled receipt its site can neither hold (max_stock, max_origin_group) nor use or send on "
                 f"in its period ({'; '.join(receipts[:5])}{'; ...' if len(receipts) > 5 else ''}), or "
                 if receipts else "")
        return [f"even with every stock floor and policy relaxed no plan was found ({outcome.status}): look for "
                f"{where}a lane, process or offer whose capacity or outage leaves a flow no room"]
    short = defaultdict(lambda: {"periods": [], "scenarios": set(), "amount": 0.0})
    for key, var in m.elastic_slack.items():
        v = var.value or 0.0
        if v <= SLACK_TOL:
            continue
        kind = key[0]
        if kind in ("min_stock", "end_stock_min"):
            _, site, mat, t, n = key
            row = short[(kind, site, mat)]
            row["periods"].append(t)
            row["scenarios"].update(s for (tt, s), rep in ix.node_of.items() if tt == t and rep == n)
        else:
            _, i, mat, owner = key
            row = short[("policy", i, mat, owner)]
        row["amount"] = max(row["amount"], v)
    lines = []
    for key, row in sorted(short.items(), key=str):
        if key[0] in ("min_stock", "end_stock_min"):
            kind, site, mat = key
            inv = case.inventories[(site, mat)]
            floor = inv.min_stock if kind == "min_stock" else inv.end_stock_min
            clean = (f" of stock of origin group {inv.max_origin_group} or cleaner (its max_origin_group)"
                     if inv.max_origin_group else "")
            scenarios = ("every scenario" if row["scenarios"] >= set(case.scenarios)
                         else "scenario(s) " + ", ".join(sorted(row["scenarios"])))
            lines.append(f"inventory {site}/{mat}: {kind} {floor:g}{clean} cannot be held in period(s) "
                         f"{_periods(row['periods'])} of {scenarios}, short by up to {row['amount']:.6g}: no supply "
                         f"reaches {site} in time; lower {kind} or add a source or stock that can")
        else:
            _, i, mat, owner = key
            pol = case.policies[i]
            what = f"{pol.policy} {pol.value:g}" + (f" (target {pol.target})" if pol.target else "")
            who = f" for owner {owner}" if owner else ""
            lines.append(f"policies row {i + 2}: {what} for {mat}{who} cannot hold together with the offers and the "
                         f"other policies (off by {row['amount']:.6g}); relax it or add the offers it needs")
    return lines

