"""The one table of column notes (docs/results.md: "each result column has a note with its meaning and
unit"): written as an Excel comment on each header cell of every results sheet, and on each item
of the summary.

A note is ``(meaning, unit)``; ``{currency}``, ``{risk_unit}``, ``{measure}`` and ``{period_unit}``
are filled in from the run. A sheet may give a column its own meaning (``SHEET_NOTES``: ``kind`` on
the frontier is not ``kind`` on routes). Columns named after the case's own things (origin groups,
a plan's stock series) get their notes from the writer that makes them (``dynamic``).
"""

from __future__ import annotations

from openpyxl.comments import Comment

from ...formulation.risk import MEASURES
from ..report import COST_COLUMNS
from ..words import in_money

AUTHOR = "sourcing"
YES_NO = "yes/no"

_COMPONENT_MEANING = {
    "contracts": "contracting (fixed) costs of the offers contracted, paid once",
    "qualification": "qualification costs of the offers and substitutes whose qualification is started, paid once",
    "builds": "build costs of the processes built and of the storage options taken, paid once",
    "end_stock": "end_stock_value x stock below end_stock_min at the horizon, in every scenario but the "
                 "nominal one (what it costs to put the stockpile back), probability-weighted",
    "purchases": "price x price factor x quantity bought, probability-weighted over the scenarios",
    "take_or_pay_excess": "take-or-pay paid for the minimum not taken: price x (min_per_period - bought) in "
                          "each period an order can still arrive, probability-weighted",
    "processing": "cost_per_unit x production of each process, probability-weighted",
    "transport": "lane cost_per_unit x quantity shipped, probability-weighted",
    "holding": "holding_cost_per_period x end-of-period stock, probability-weighted",
    "shortfall_penalties": "shortfall_penalty x demand not met, probability-weighted",
}

COLUMN_NOTES: dict[str, tuple[str, str]] = {
    # frontier
    "point": ("Frontier point number: 1 is the min-cost end, the last the min-risk end", "number"),
    "kind": ("min_cost / min_risk (the lexicographic ends), interior (an epsilon point) or single (solve)", "text"),
    "risk_limit": ("The limit on the risk measure this point was solved with ({measure})", "{risk_unit}"),
    "expected_cost": ("Expected cost of the plan: fixed costs plus the probability-weighted cost of every "
                      "scenario (purchases, take-or-pay, processing, transport, holding, shortfall penalties)",
                      "{currency}"),
    "risk": ("The case's risk measure ({measure}) for this plan, computed from its scenario outcomes",
             "{risk_unit}"),
    **{name: rm.note for name, rm in MEASURES.items()},  # each measure's own (model/formulation/risk.py)
    "mip_gap": ("Relative MIP gap the solver proved for this point: (cost - bound) / cost", "share (shown in %)"),
    "solve_seconds": ("Wall-clock seconds the solves of this point took", "seconds"),
    "status": ("Solver status of the point (optimal, time_limit, interrupted, ...), with notes on its stages",
               "text"),
    "efficient": ("no when another point is as good on both cost and risk and better on one (dominated); a "
                  "point that repeats an earlier one is not dominated (its note says so)", YES_NO),
    "note": ("Why a point is not efficient, the earlier point a point repeats (duplicate of point N), within_gap "
             "when its cost interval overlaps a neighbour's (their order is not known), and notes on how it was "
             "solved", "text"),
    "suppliers": ("Number of distinct owners contracted or bought from", "count"),
    "stockpile_value": ("Strategic stockpile: nominal-scenario stock at every stocking site when the first "
                        "disruption becomes known, each material at what it costs to buy or make", "{currency}"),
    "contracted_offers": ("Offers contracted by this plan", "list of offer ids"),
    "built_processes": ("Processes this plan builds", "list of process ids"),
    "storage_taken": ("Storage options this plan takes (room to stock, paid once)", "list of option ids"),
    "substitutes_qualified": ("Substitutes whose qualification this plan starts", "list of demand_material>substitute"),
    "cost_bound": ("The solver's lower bound on this point's min expected cost: the cost is known to lie in "
                   "[cost_bound, expected_cost]", "{currency}"),
    **{c: (f"Expected cost part: {_COMPONENT_MEANING[c[len('cost_'):]]}; the cost_ columns sum to "
           "expected_cost", "{currency}") for c in COST_COLUMNS},
    # suppliers
    "offer": ("Offer id (offers sheet of the case)", "id"),
    "site": ("Site id (sites sheet of the case)", "id"),
    "owner": ("Company owning the site", "text"),
    "material": ("Material id (materials sheet of the case)", "id"),
    "origin_country": ("Country the material really comes from", "ISO code"),
    "origin_group": ("Origin group the material carries (free, covered, ..., least to most controlled)", "group"),
    "spot": ("A spot offer: no contract needed, usable in any period at its price", YES_NO),
    "contracted": ("The plan contracts this offer (fixed cost and take-or-pay minimum apply)", YES_NO),
    "qualified": ("The offer may be ordered: qualified in the case, or qualification started by the plan",
                  YES_NO),
    "qualification_started": ("The plan starts qualifying this offer (qualification cost paid)", YES_NO),
    "volume": ("Quantity bought over the horizon in the nominal scenario", "units of the material"),
    "expected_volume": ("Quantity bought over the horizon, probability-weighted over the scenarios",
                        "units of the material"),
    "share": ("Share of the material's nominal-scenario purchases bought from this offer", "share, 0..1"),
    "price": ("Base price of the offer (before price events)", "{currency} per unit"),
    "role": ("What the offer is for: supplies the nominal scenario; a backup (contracted or being qualified, "
             "not bought in the nominal scenario) with the scenarios that use it; or spot bought only in "
             "some scenarios", "text"),
    # processes
    "process": ("Process id (processes sheet of the case)", "id"),
    "output": ("Material the process makes", "id"),
    "exists": ("The process exists at the start (no build needed)", YES_NO),
    "built": ("The plan builds this process", YES_NO),
    "technology": ("Technology tag of the process", "text"),
    "technology_origin": ("Country whose technology the process uses", "ISO code"),
    # storage options
    "option": ("Storage option id (storage_options sheet of the case)", "id"),
    "materials": ("Materials that may use the option's room", "list of material ids"),
    "extra_max_stock": ("Room the option adds, shared by its materials", "units"),
    "ready_from_period": ("First period in which the room exists (build_periods + 1)", "{period_unit} number"),
    "taken": ("The plan takes this option (its cost paid once)", YES_NO),
    "peak_room_used": ("Most of the option's room in use at the end of any period, any scenario", "units"),
    # substitutes
    "substitute": ("Substitute id: demand_material>substitute material", "id"),
    "demand_material": ("Material demanded", "id"),
    "substitute_material": ("Material delivered instead", "id"),
    "per_unit": ("Units of substitute delivered per unit of demand served", "units per unit"),
    "max_share": ("Most of each demand row's quantity per period the substitute may serve", "share, 0..1"),
    "usable_from_period": ("First period the substitute can serve (qualification_periods + 1)",
                           "{period_unit} number"),
    "qualification_cost": ("Cost of qualifying the substitute, paid once", "{currency}"),
    "nominal_quantity_served": ("Demand served by the substitute over the horizon, nominal scenario",
                                "units of the demand material"),
    "expected_quantity_served": ("Demand served by the substitute over the horizon, probability-weighted",
                                 "units of the demand material"),
    "delivered_by_substitute": ("Part of the demand row's delivery made by substitutes (in units of the "
                                "demand material)", "units of the material"),
    # routes
    "scenario": ("Scenario id (scenarios sheet of the case)", "id"),
    "route": ("The offer (purchase), lane from>to (shipment) or process (production, coproduct)", "id"),
    "from": ("Where the flow starts: origin country (purchase) or site", "id"),
    "to": ("Where the flow arrives", "site id"),
    "period": ("Planning period", "{period_unit} number"),
    "arrival_period": ("Period in which the flow is usable at its destination (period + lead time)",
                       "{period_unit} number"),
    "quantity": ("Quantity of the flow in the period", "units of the material"),
    "nominal": ("The row belongs to the nominal scenario", YES_NO),
    # stockpile
    "level": ("Stock at the end of the period, nominal scenario", "units of the material"),
    "days_of_cover": ("Stock / average outflow per period x days per period (nominal scenario)", "days"),
    # shortfall
    "demand": ("Demand row id (site/material/row)", "id"),
    "demand_quantity": ("Quantity demanded in the period", "units of the material"),
    "delivered": ("Quantity delivered in the period", "units of the material"),
    "unmet": ("Quantity not delivered in the period", "units of the material"),
    "max_origin_group": ("The most controlled origin group the demand accepts (blank: any)", "group"),
    # scenarios
    "probability": ("Probability of the scenario", "0..1"),
    "cost": ("Cost of the plan in this scenario: fixed costs plus the scenario's period costs", "{currency}"),
    "unmet_units": ("Demand not delivered in the scenario, all periods and rows", "units"),
    "unmet_share": ("Demand not delivered over total demand in the scenario", "share, 0..1"),
    # mix
    "total_volume": ("Total nominal-scenario purchase volume of the point, every material together",
                     "units (mixed materials)"),
    # changes
    "from_point": ("The efficient point the step starts from (the riskier, cheaper one)", "point number"),
    "to_point": ("The next efficient point, in order of falling risk", "point number"),
    "extra_expected_cost": ("Expected cost of to_point minus that of from_point", "{currency}"),
    "risk_reduction": ("Risk of from_point minus risk of to_point ({measure})", "{risk_unit}"),
    "risk_reduction_per_cost": ("risk_reduction / extra_expected_cost: the risk each unit of money buys",
                                "{risk_unit} per {currency}"),
    "risk_bought": ("The same in words, per a round amount of money", "text"),
    "contracts_added": ("Offers contracted at to_point and not at from_point", "list of offer ids"),
    "contracts_dropped": ("Offers contracted at from_point and not at to_point", "list of offer ids"),
    "qualifications_added": ("Offers whose qualification to_point starts and from_point does not",
                             "list of offer ids"),
    "qualifications_dropped": ("Offers whose qualification from_point starts and to_point does not",
                               "list of offer ids"),
    "builds_added": ("Processes to_point builds and from_point does not", "list of process ids"),
    "builds_dropped": ("Processes from_point builds and to_point does not", "list of process ids"),
    "storage_added": ("Storage options to_point takes and from_point does not", "list of option ids"),
    "storage_dropped": ("Storage options from_point takes and to_point does not", "list of option ids"),
    "substitutes_added": ("Substitutes to_point qualifies and from_point does not", "list of substitute ids"),
    "substitutes_dropped": ("Substitutes from_point qualifies and to_point does not", "list of substitute ids"),
    "stockpile_value_change": ("Change in the strategic stockpile's value", "{currency}"),
    "stockpile_change": ("Change in the strategic stockpile per material and site", "units of each material"),
    "origin_mix_change": ("Change in the origin mix of nominal-scenario purchase volume",
                          "percentage points"),
    # plan charts
    "series": ("What the chart series shows", "text"),
    # summary and run_info
    "item": ("What the row is", "text"),
    "value": ("Its value", "as the row says"),
    # compare
    "label": ("The compared workbook's label (--labels, or its file name)", "text"),
    "file": ("The compared results workbook", "path"),
    "inner_label": ("The label the workbook itself gave the row (a compare workbook compared again)", "text"),
    "case": ("Case name of the compared workbook", "text"),
    "verb": ("The verb that wrote the workbook", "text"),
    "risk_measure": ("The risk measure of the workbook's frontier", "name"),
    "cvar_alpha": ("The CVaR confidence level of the workbook's case", "0..1"),
    "currency": ("The currency of the workbook's costs", "code"),
    "toggles_applied": ("What-if toggles the workbook's run applied", "text"),
    "knee_point": ("The workbook's recommended (knee) point", "point number"),
    "input_sha256": ("SHA-256 of the input case workbook", "hex"),
    "risk_at": ("A risk level common to both frontiers: an efficient point's risk in either", "{risk_unit}"),
    "reference": ("The frontier compared against (the first file)", "label"),
    "reference_cost": ("The reference frontier's expected cost at this risk, interpolated linearly between its "
                       "efficient points", "{currency}"),
    "compared_cost": ("This frontier's expected cost at this risk, interpolated linearly between its efficient "
                      "points", "{currency}"),
    "cost_difference": ("compared_cost - reference_cost at equal risk", "{currency}"),
    "cost_difference_share": ("cost_difference / reference_cost", "share"),
    # what-if
    "risk_level": ("The baseline point's risk, kept as a limit in the toggled case", "{risk_unit}"),
    "baseline_cost": ("Expected cost in the baseline case", "{currency}"),
    "toggled_cost": ("Expected cost with the toggles applied", "{currency}"),
    "extra_cost": ("toggled_cost - baseline_cost", "{currency}"),
    "baseline_risk": ("Risk in the baseline case", "{risk_unit}"),
    "toggled_risk": ("Risk with the toggles applied", "{risk_unit}"),
    "suppliers_added": ("Offers used or contracted with the toggles and not in the baseline", "list of offer ids"),
    "suppliers_dropped": ("Offers used or contracted in the baseline and not with the toggles", "list of offer ids"),
    "routes_moved": ("Lanes whose nominal volume changed most (+ more, - less)", "lane quantity change"),
    # stress
    "rank": ("Rank by damage (1: the most damaging)", "number"),
    "rules": ("The scenario rules put in force (+ joins a pair)", "rule ids"),
    "description": ("The rules' descriptions from the case", "text"),
    "start_period": ("Period the disruption starts", "{period_unit} number"),
    "added_expected_cost": ("Expected cost with the rules in force minus the baseline's", "{currency}"),
    "unmet_units_nominal": ("Demand not met in the nominal scenario with the rules in force", "units"),
    "min_risk": ("The least risk reachable with the rules in force", "{risk_unit}"),
    "min_risk_cost": ("Expected cost of that least-risk plan", "{currency}"),
    "first_shortfall_period": ("First period with demand not met (nominal scenario)", "{period_unit} number"),
    "periods_survived": ("Periods from the start of the disruption to the first shortfall", "{period_unit}s"),
    "fails_first": ("Demand rows that fail first", "demand ids"),
    "time_to_survive": ("Periods from the disruption's start through which every demand can still be met, "
                        "with the baseline plan's contracts, qualifications and builds", "{period_unit}s"),
    "time_to_survive_redesigned": ("The same when contracts, qualifications and builds may change",
                                   "{period_unit}s"),
    "survives_horizon": ("Demand never fails to the horizon", YES_NO),
    "disruption": ("The disruption: a scenario rule put in force, or a site's outage (+ joins a pair)", "text"),
    "survives_horizon_redesigned": ("Demand never fails to the horizon when contracts, qualifications and "
                                    "builds may change too", YES_NO),
    "rest_of_horizon_periods": ("Periods from the disruption's start to the horizon, both counted: the most a "
                                "time to survive can be", "{period_unit}s"),
    "survival_note": ("Why a time to survive has no answer, or what limited its solves (redesigned: those of "
                      "the redesigned network)", "text"),
}

_VALUE_BOUNDS = {  # the value sheet's headline and options tables alike
    "value_low": ("The lowest value the solves' MIP bounds allow", "{currency}"),
    "value_high": ("The highest value the solves' MIP bounds allow", "{currency}"),
}

SHEET_NOTES: dict[str, dict[str, tuple[str, str]]] = {
    "routes": {"kind": ("purchase (from an offer), shipment (on a lane), production or coproduct (of a "
                        "process)", "text"),
               "period": ("Period the order, shipment or production is placed", "{period_unit} number")},
    "stockpile": {"period": ("Period at whose end the stock is counted", "{period_unit} number")},
    "mix": {"point": ("Frontier point number", "number")},
    "plan_charts": {"period": ("Planning period (0: the initial stock)", "{period_unit} number")},
    "summary": {"value": ("Its value (units as the row or the column notes say)", "as the row says")},
    "run_info": {"item": ("Provenance, options and timings of the run", "text"),
                 "value": ("Its value (times in seconds)", "as the row says")},
    "compared_files": {"status": ("The workbook's run status", "text")},
    "stress_chart": {
        "disruption": ("Chart data: the disruption of the stress_ranking row (in rank order)", "text"),
        "periods_before_start": ("Chart data: periods before the disruption starts", "{period_unit}s"),
        "periods_served": ("Chart data: periods from the start through which the network as it stands meets "
                           "every demand (the time to survive)", "{period_unit}s"),
        "periods_served_only_if_redesigned": ("Chart data: further periods served in full only if contracts, "
                                              "qualifications and builds may change", "{period_unit}s"),
        "periods_not_served": ("Chart data: the rest of the horizon, which no network can serve in full",
                               "{period_unit}s"),
    },
    # the value sheet's three tables (written by valuesheet.py)
    "value_headline": {
        "item": ("The decision value: the point's expected cost, z*, wait-and-see cost, EVPI, EV-plan cost, VSS "
                 "(and, at an interior point, the reference cost and the risk limit)", "text"),
        "value": ("Its value (the risk_limit row: a risk)", "{currency}"),
        **_VALUE_BOUNDS,
        "status": ("Status of the solves behind the value (optimal, time_limit, infeasible, ...)", "text"),
        "meaning": ("What the value is, in words", "text"),
    },
    "value_options": {
        "rank": ("Rank: options the limit cannot be met without first, then by value, largest first", "number"),
        "option": ("The offer, process, storage option or substitute valued", "id"),
        "kind": ("contract, qualify, build, storage or substitute", "text"),
        "taken": ("Whether the point's plan takes the option", YES_NO),
        "value": ("Taken: the rise in expected cost were it forbidden; not taken: the fall in expected cost were "
                  "it free of its cost; blank where there is none (infeasible: see status)", "{currency}"),
        "note": ("What the value means for this option", "text"),
        "status": ("Status of the option's solve (infeasible: taken, the point's limits cannot be met without it; "
                   "not taken, it cannot be taken within them, or a technology ban forbids the build)", "text"),
        "option_cost": ("The option's fixed, qualification or build cost", "{currency}"),
        "break_even_cost": ("The option's cost at which the decision flips: a taken option stays worth taking "
                            "below it, one not taken pays below it", "{currency}"),
        **_VALUE_BOUNDS,
        "expected_cost_changed": ("Expected cost re-optimised with the option forbidden (taken) or forced, its "
                                  "cost paid (not taken)", "{currency}"),
        "mip_gap": ("Relative MIP gap of the option's solve", "share (shown in %)"),
        "solve_seconds": ("Wall-clock seconds of the option's solve", "seconds"),
        "label": ("Chart data: the bar's label", "text"),
        "value_if_forbidden": ("Chart data: the value of an option the plan takes", "{currency}"),
        "value_if_free": ("Chart data: the value of an option the plan does not take", "{currency}"),
    },
    "value_scenarios": {
        "scenario": ("Scenario id (scenarios sheet of the case)", "id"),
        "probability": ("Probability of the scenario", "0..1"),
        "cost_alone": ("Min cost of the scenario solved alone, with perfect foresight", "{currency}"),
        "status": ("Status of that solve", "text"),
        "mip_gap": ("Relative MIP gap of that solve", "share (shown in %)"),
        "solve_seconds": ("Wall-clock seconds of that solve", "seconds"),
    },
}

# the summary's rows (a note on each item cell)
ITEM_NOTES: dict[str, tuple[str, str]] = {
    "answer": ("The recommendation in one line (or why there is none)", "text"),
    "knee_point": ("The recommended point: the efficient point farthest below the line between the "
                   "frontier's two ends (cost and risk scaled 0..1)", "point number"),
    "cheapest_plan": ("The min-cost efficient point, its cost and risk", "text"),
    "least_risk_plan": ("The min-risk point, its cost and risk", "text"),
    "expected_cost": ("The recommended plan's expected cost against the cheapest plan's", "{currency}"),
    "risk": ("The recommended plan's risk in words, against the cheapest plan's", "text, %"),
    "risk_measure_meaning": ("What the case's risk measure measures", "text"),
    "buys": ("What the recommended plan buys in the nominal scenario, per material: offer (owner, origin "
             "group) share", "text"),
    "backups": ("Offers contracted or being qualified but not bought in the nominal scenario, and the "
                "scenarios that use them", "text"),
    "qualifies": ("Offers whose qualification the plan starts", "text"),
    "builds": ("Processes the plan builds", "text"),
    "holds": ("The strategic stockpile: what is held when the first disruption becomes known", "text"),
    "warnings": ("What to know before trusting the numbers: time limits, points the solver's gap cannot "
                 "tell apart, input warnings", "text"),
    "cost_at_equal_risk": ("Each compared frontier's cost against the first's at equal risk", "{currency}"),
    "cost_at_equal_risk_method": ("How the costs at equal risk are found", "text"),
    "case": ("Case name", "text"), "verb": ("The command that wrote this workbook", "text"),
    "date": ("When the run finished", "date"), "input_file": ("The case workbook read", "path"),
    "input_sha256": ("SHA-256 of the case workbook: the exact input", "hex"),
    "tool_version": ("Version of this tool", "version"), "highs_version": ("HiGHS solver version", "version"),
    "pyomo_version": ("Pyomo version", "version"), "python_version": ("Python version", "version"),
    "toggles_applied": ("What-if toggles applied to the case", "text"),
    "status": ("Overall solver status of the run", "text"),
    "risk_measure": ("The case's risk measure", "name"), "cvar_alpha": ("CVaR confidence level", "0..1"),
    "currency": ("Currency of every cost", "code"), "points": ("Frontier points solved", "count"),
    "efficient_points": ("Efficient plans: points not dominated, a point that repeats an earlier one counted once",
                         "count"),
    "min_expected_cost": ("Least expected cost on the frontier", "{currency}"),
    "min_risk": ("Least risk on the frontier", "{risk_unit}"),
    "knee_plan": ("The recommended plan in words", "text"),
    "files": ("The compared workbooks", "text"),
    # frontier
    "same_decisions": ("Every efficient point takes the same contracts, qualifications and builds (and "
                       "storage): what the cost span buys instead (recourse in the scenarios)", "text, %"),
    "risk_is_one_scenario": ("The worst 1 - cvar_alpha of probability is one scenario: the risk is its "
                             "shortfall (or cost)", "text, %"),
    "shortfall_penalties": ("The share of the recommended plan's expected cost that is shortfall penalties "
                            "(with none recommended: the cheapest and the least-risk plans')", "%, {currency}"),
    "against_cheapest_plan": ("What the recommended plan does differently from the cheapest plan: contracts, "
                              "qualifications and builds added or dropped, the stockpile", "text, {currency}"),
    "decision_values": ("EVPI and VSS at the knee point (frontier --values)", "{currency}, % of expected cost"),
    # whatif
    "baseline": ("The baseline (no toggle): min cost, knee cost and min risk", "{currency}, %"),
    "toggled": ("The toggled case: min cost, knee cost and min risk", "{currency}, %"),
    "difference_min_cost": ("Min expected cost, toggled minus baseline", "{currency}"),
    "difference_knee_cost": ("The knee's expected cost, toggled minus baseline", "{currency}"),
    "difference_min_risk": ("Min risk, toggled minus baseline", "points of % ({risk_unit})"),
    "difference_knee_risk": ("The knee's risk, toggled minus baseline", "points of % ({risk_unit})"),
    "plan_differently": ("What the toggled recommended plan does differently from the baseline's: "
                         "contracts, qualifications, builds, stock, origin mix", "text"),
    "cost_of_keeping_baseline_knee_risk": ("What keeping the baseline knee's risk costs under the toggle",
                                           "{currency}"),
    # stress
    "shortest_time_to_survive": ("The disruptions the network as it stands survives the shortest, and what "
                                 "each adds to the expected cost", "{period_unit}s, {currency}"),
    "bounded_by_undisrupted": ("Disruptions whose time to survive ends where the undisrupted network's does",
                               "count"),
    "survived_to_horizon": ("Disruptions the network survives to the horizon", "count"),
    "costliest": ("The disruption that adds most to the expected cost", "{currency}"),
    "see": ("Where the full answer is", "sheet"),
    "period_unit": ("The case's period", "text"), "horizon_periods": ("Periods in the horizon", "{period_unit}s"),
    "time_to_survive_undisrupted": ("Periods the network as it stands meets every demand with nothing disrupted",
                                    "{period_unit}s"),
    "disruptions_stressed": ("Disruptions stressed", "count"), "stress_seconds": ("Stress run time", "seconds"),
    # value
    "value_of_perfect_information": ("EVPI in words: what knowing the scenario in advance is worth",
                                     "{currency}, % of expected cost"),
    "value_of_the_stochastic_solution": ("VSS in words: what planning for the scenarios is worth over planning "
                                         "for the nominal one", "{currency}, % of expected cost"),
    "option_values": ("The options worth most at the point valued", "text"),
    "evpi": ("Expected value of perfect information", "{currency}"),
    "vss": ("Value of the stochastic solution", "{currency}"),
}


def context(risk_measure: str, currency: str, period_unit: str = "") -> dict[str, str]:
    cur = currency or "currency"
    return {"currency": cur, "measure": risk_measure or "risk measure",
            "risk_unit": cur if in_money(risk_measure) else "share, 0..1",
            "period_unit": period_unit or "period"}


def note_for(column: str, sheet: str = "", ctx: dict | None = None,
             dynamic: dict[str, tuple[str, str]] | None = None) -> str | None:
    """The note of a column on a sheet: "meaning. Unit: unit." (None when the table has none)."""
    entry = ((dynamic or {}).get(column) or SHEET_NOTES.get(sheet, {}).get(column) or COLUMN_NOTES.get(column))
    if entry is None:
        return None
    return _text(entry, ctx)


def item_note(item: str, ctx: dict | None = None) -> str | None:
    entry = ITEM_NOTES.get(item)
    if entry is None and str(item).startswith("frontier "):  # compare: one row per compared frontier
        entry = ("This compared frontier's min cost, knee and min risk", "{currency}, %")
    return None if entry is None else _text(entry, ctx)


def _text(entry: tuple[str, str], ctx: dict | None) -> str:
    meaning, unit = entry
    values = {"currency": "currency", "measure": "the risk measure", "risk_unit": "share or currency",
              "period_unit": "period", **(ctx or {})}
    return f"{meaning.format(**values)}. Unit: {unit.format(**values)}."


def add_note(cell, text: str | None) -> None:
    """An Excel comment on ``cell`` (sized to its text)."""
    if not text:
        return
    comment = Comment(text, AUTHOR)
    comment.width = 300
    comment.height = max(60, 18 * (len(text) // 45 + 2))
    cell.comment = comment


def annotate_headers(ws, headers: list[str], sheet: str, ctx: dict | None = None, row: int = 1, start_col: int = 1,
                     dynamic: dict[str, tuple[str, str]] | None = None) -> None:
    for j, head in enumerate(headers):
        add_note(ws.cell(row=row, column=start_col + j), note_for(head, sheet, ctx, dynamic))
