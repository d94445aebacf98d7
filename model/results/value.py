"""Decision values as tables, words and the ``value --json`` document (docs/model.md "Decision
values", docs/results.md). Pure pandas: no Pyomo, no files.

The ``value`` sheet opens with the headline numbers (the point's expected cost, the stochastic min
cost, the wait-and-see cost and EVPI, the EV-plan cost and VSS), then a bar chart of the options
that are worth something, then every option ranked by value, then each scenario's cost alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

CHART_MAX_BARS = 25
# the last three columns are the bar chart's data: its label and one series per kind of value
OPTION_COLUMNS = ["rank", "option", "kind", "taken", "value", "note", "status", "option_cost", "break_even_cost",
                  "value_low", "value_high", "expected_cost_changed", "mip_gap", "solve_seconds", "label",
                  "value_if_forbidden", "value_if_free"]
HEADLINE_COLUMNS = ["item", "value", "value_low", "value_high", "status", "meaning"]
SCENARIO_COLUMNS = ["scenario", "probability", "cost_alone", "status", "mip_gap", "solve_seconds"]


@dataclass
class ValueTables:
    """What the ``value`` sheet shows."""
    title: str
    headline: pd.DataFrame
    options: pd.DataFrame
    scenarios: pd.DataFrame
    chart_rows: int  # the first rows of ``options`` worth a bar (ranked first)
    currency: str = ""
    no_bars: str = ""  # what the sheet says where no option is worth a bar


def no_option_worth(options: list) -> str:
    """The sentence for a point at which no option changes the expected cost, or at which that is
    not known: options whose solve ended without a value (a time limit) are never counted as
    worth nothing."""
    unknown = [o for o in options if o.value is None and o.status != "infeasible"]
    if options and len(unknown) == len(options):
        return (f"Not known: none of the {len(options)} option solves ended with a value (their status "
                "says why: a time limit gives a plan, not a value)")
    if unknown:
        return (f"No option with a known value changes the expected cost ({len(unknown)} of {len(options)} "
                "option solves ended without a value: see their status)")
    return "No option changes the expected cost"


def _num(x):
    return None if x is None or isinstance(x, str) else float(x)


def _rank_key(o) -> tuple:
    """Indispensable options (the limit cannot be met without them) first, then by value (largest
    first); options without a value last."""
    if o.taken and o.status == "infeasible":
        return (0, 0.0, o.option, o.kind)
    if o.value is None:
        return (3, 0.0, o.option, o.kind)
    return (1 if o.value > 0 else 2, -o.value, o.option, o.kind)


def ranked_options(result) -> list:
    return sorted(result.options, key=_rank_key)


def point_label(result) -> str:
    p = result.point
    return f"point {p.point} ({p.kind.replace('_', ' ')})"


def options_table(result) -> pd.DataFrame:
    rows = []
    for rank, o in enumerate(ranked_options(result), start=1):
        rows.append({
            "rank": rank, "option": o.option, "kind": o.kind, "taken": "yes" if o.taken else "no",
            "value": o.value, "status": o.status,
            "value_if_forbidden": o.value if o.taken else None,
            "value_if_free": o.value if not o.taken else None,
            "value_low": o.low, "value_high": o.high, "option_cost": o.option_cost,
            "break_even_cost": o.break_even_cost, "expected_cost_changed": o.changed_cost,
            "mip_gap": o.gap, "solve_seconds": round(o.seconds, 3), "note": o.note,
            "label": f"{o.option} {o.kind}" + (" (indispensable)" if o.taken and o.status == "infeasible" else ""),
        })
    return pd.DataFrame(rows, columns=OPTION_COLUMNS)


def _status(*records) -> str:
    bad = [r.status for r in records if r is not None and r.status != "optimal"]
    return bad[0] if bad else "optimal"


def headline_table(result) -> pd.DataFrame:
    z, ws, ev = result.stochastic, result.wait_and_see_cost, result.ev_plan
    evpi_range, vss_range = result.evpi_range, result.vss_range
    ws_status = _status(*[s.record for s in result.scenarios])
    rows = [
        {"item": "expected_cost", "value": result.expected_cost, "status": result.point.outcome.status,
         "meaning": f"expected cost of the plan at {point_label(result)}"},
        {"item": "stochastic_min_cost", "value": z.cost, "value_low": z.low, "value_high": z.cost,
         "status": z.status, "meaning": "min expected cost over the scenarios, risk unconstrained (z*)"},
        {"item": "wait_and_see_cost", "value": ws, "status": ws_status,
         "value_low": sum(s.probability * s.record.low for s in result.scenarios) if ws is not None else None,
         "value_high": ws,
         "meaning": "probability-weighted min cost of each scenario solved alone with perfect foresight"},
        {"item": "evpi", "value": result.evpi, "value_low": evpi_range[0] if evpi_range else None,
         "value_high": evpi_range[1] if evpi_range else None, "status": _status(z, *[s.record for s in result.scenarios]),
         "meaning": "expected value of perfect information: z* - wait_and_see_cost"},
        {"item": "ev_plan_cost", "value": _num(result.ev_plan_cost),
         "value_low": ev.low if ev is not None and ev.ok else None,
         "value_high": ev.cost if ev is not None and ev.ok else None,
         "status": ev.status if ev is not None else "not solved",
         "meaning": "expected cost with the contracts, qualifications and builds of the nominal scenario "
                    "solved alone held, everything else re-optimised"},
        {"item": "vss", "value": _num(result.vss), "value_low": vss_range[0] if vss_range else None,
         "value_high": vss_range[1] if vss_range else None,
         "status": "infeasible" if result.vss == "infeasible" else _status(z, ev),
         "meaning": "value of the stochastic solution: ev_plan_cost - z*"},
    ]
    if result.point.kind != "min_cost":
        ref = result.reference
        rows.append({"item": "reference_cost", "value": ref.cost, "value_low": ref.low, "value_high": ref.cost,
                     "status": ref.status,
                     "meaning": "min expected cost within the point's risk limit, one solve: the options' baseline"})
        rows.append({"item": "risk_limit", "value": result.risk_limit, "status": "",
                     "meaning": f"the point's limit on {result.risk_measure}, kept in every option's solve"})
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def scenarios_table(result) -> pd.DataFrame:
    return pd.DataFrame([{"scenario": s.scenario, "probability": s.probability, "cost_alone": s.record.cost,
                          "status": s.record.status, "mip_gap": s.record.gap,
                          "solve_seconds": round(s.record.seconds, 3)} for s in result.scenarios],
                        columns=SCENARIO_COLUMNS)


def value_tables(result, currency: str = "") -> ValueTables:
    options = options_table(result)
    worth = 0
    for o in ranked_options(result):
        if (o.taken and o.status == "infeasible") or (o.value is not None and o.value > 0):
            worth += 1
        else:
            break
    title = f"Decision values at {point_label(result)}" + (f" ({currency})" if currency else "")
    return ValueTables(title, headline_table(result), options, scenarios_table(result),
                       min(worth, CHART_MAX_BARS), currency, no_option_worth(result.options) + " at this point.")


def value_document(result) -> dict:
    """The JSON of docs/results.md (the caller adds ``warnings``)."""
    return {"point": int(result.point.point), "expected_cost": result.expected_cost,
            "wait_and_see_cost": result.wait_and_see_cost, "evpi": result.evpi,
            "ev_plan_cost": result.ev_plan_cost, "vss": result.vss,
            "options": [{"option": o.option, "kind": o.kind, "taken": bool(o.taken),
                         "value": "infeasible" if o.status == "infeasible" else o.value,  # as vss says it
                         "status": o.status} for o in ranked_options(result)]}
