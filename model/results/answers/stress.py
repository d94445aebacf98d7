"""The answer of ``stress`` (docs: the results workbook): whether the network as it stands survives
the horizon undisrupted (and if not, from which period it fails and why), then the disruptions with
the shortest time to survive and what each costs. No frontier rows: a stress run has no knee.
Pure pandas.
"""

from __future__ import annotations

import pandas as pd

from ..words import amount, signed_amount
from . import Answer, RunKind

SHOWN = 3


def _periods(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def stress_answer(case, run, ranking: pd.DataFrame) -> Answer:
    """``case`` a Case, ``run`` a :class:`model.solving.stress.StressResult`, ``ranking`` its
    :func:`model.results.stress.stress_ranking`."""
    from ..stress import undisrupted_survival
    unit = case.settings.period_unit or "period"
    cur = case.settings.currency or ""
    T = case.settings.periods
    own = undisrupted_survival(run)
    rows: list[tuple[str, object]] = []
    numbers = {"horizon_periods": T, "time_to_survive_undisrupted": own.periods,
               "survives_horizon_undisrupted": bool(own.survives_horizon) if own.periods is not None else None}
    if own.periods is None:
        first = (f"undisrupted, the network as it stands (the min-cost plan's contracts, qualifications and builds): "
                 f"no answer ({own.status}: {own.note})")
    elif own.survives_horizon:
        first = (f"undisrupted, the network as it stands (the min-cost plan's contracts, qualifications and builds) "
                 f"can meet every demand in full over the whole horizon ({_periods(T, unit)})")
    else:
        fails = (own.last_served_period or 0) + 1
        numbers["fails_from_period"] = fails
        why = (f": {_demand_words(own.fails_first, unit, fails)} cannot be served in full by any plan on it"
               if own.fails_first else (f": {own.note}" if own.note else ""))
        through = (f"it can meet every demand in full only through {unit} {own.last_served_period} (whether the "
                   f"min-cost plan does is a matter of cost: see the shortfall sheet), so no disruption "
                   f"that starts by {unit} {fails} survives past it" if own.last_served_period else
                   f"it never meets every demand in full from {unit} 1, so every disruption that starts in {unit} 1 "
                   "has a time to survive of 0")
        first = (f"undisrupted, the network as it stands (the min-cost plan's contracts, qualifications and builds) "
                 f"fails from {unit} {fails} of {T}{why}; {through}")
    n = len(ranking)
    records = ranking.to_dict("records")
    unfinished = [r for r in records if "interrupted" in str(r.get("status", ""))
                  or "interrupted" in str(r.get("survival_note", ""))]
    if unfinished or own.status == "interrupted":
        first += (f"; the run was interrupted: {len(unfinished)} of {n} disruptions were not finished (status "
                  "interrupted), so the ranking below is incomplete; run it again to finish")
    bounds = [r for r in records if "stopped at its time limit" in str(r.get("survival_note", ""))]
    if bounds:
        first += (f"; {len(bounds)} of {n} times to survive are lower bounds (a solve stopped at its time limit; "
                  "a longer --time-limit may lengthen them)")
    rows.append(("answer", first))
    if not n:
        rows.append(("shortest_time_to_survive", "nothing was stressed"))
        return Answer(RunKind.STRESS, rows, [first], numbers)
    shortest = []
    for r in ranking.head(SHOWN).to_dict("records"):
        tts = r["time_to_survive"]
        if tts is None or pd.isna(tts):
            shortest.append(f"{r['disruption']}: no answer ({r['survival_note'] or r['status']})")
            continue
        text = f"{r['disruption']}: {_periods(int(tts), unit)} from {unit} {r['start_period']}"
        red = r["time_to_survive_redesigned"]
        if red is not None and not pd.isna(red) and int(red) > int(tts):
            text += f" ({int(red)} if redesigned)"
        added = r["added_expected_cost"]
        text += (f", expected cost {signed_amount(added, cur)} against undisrupted"
                 if added is not None and not pd.isna(added) else ", cost not known")
        shortest.append(text)
    rows.append(("shortest_time_to_survive", "; ".join(shortest)))
    tts = pd.to_numeric(ranking["time_to_survive"], errors="coerce")
    if own.periods is not None and not own.survives_horizon:
        last = own.last_served_period or 0
        # a disruption starting after the undisrupted failure counts from its own start (docs/model.md)
        bound = (ranking["time_to_survive"].notna() & (ranking["start_period"] <= last + 1)
                 & (tts + ranking["start_period"] - 1 >= last))
        tied = int(bound.sum())
        if tied:
            where = (f"({unit} {own.last_served_period})" if own.last_served_period else
                     f"(before {unit} 1 is served in full)")
            rows.append(("bounded_by_undisrupted", f"{tied} of {n} disruptions end where the undisrupted network does "
                                                   f"{where}: they do not shorten it"))
            numbers["bounded_by_undisrupted"] = tied
    survived = int((ranking["survives_horizon"] == "yes").sum())
    rows.append(("survived_to_horizon", f"{survived} of {n} disruptions are survived to the horizon"))
    costs = pd.to_numeric(ranking["added_expected_cost"], errors="coerce")
    if costs.notna().any() and costs.max() > 0:
        top = ranking.loc[costs.idxmax()]
        rows.append(("costliest", f"{top['disruption']}: expected cost {signed_amount(top['added_expected_cost'], cur)} "
                                  f"({amount(top['expected_cost'], cur)} in all)"))
    rows.append(("see", "the stress_ranking sheet: every disruption, ranked by time to survive, then by cost"))
    head = ranking.iloc[0]
    console = [first.split(";")[0]]
    if head["time_to_survive"] is not None and not pd.isna(head["time_to_survive"]):
        console.append(f"shortest time to survive: {head['disruption']}, {_periods(int(head['time_to_survive']), unit)} "
                       f"from {unit} {head['start_period']}, expected cost "
                       f"{signed_amount(head['added_expected_cost'], cur)}")
    numbers.update({"disruptions": n, "survived_to_horizon": survived,
                    "shortest": [r["time_to_survive"] for r in ranking.head(SHOWN).to_dict("records")]})
    return Answer(RunKind.STRESS, rows, console, numbers)


def _demand_words(ids: str, unit: str, period: int) -> str:
    """Demand row ids (site/material/rROW, comma separated) as a planner reads them: the material,
    where, which demand sheet row, and the period."""
    words = []
    for one in (i.strip() for i in ids.split(",") if i.strip()):
        parts = one.split("/")
        if len(parts) == 3 and parts[2].startswith("r"):
            words.append(f"{parts[1]} at {parts[0]} (demand sheet row {parts[2][1:]})")
        else:
            words.append(one)
    return f"{', '.join(words)} in {unit} {period}"
