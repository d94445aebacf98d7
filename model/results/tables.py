"""A solved model's plan as plain pandas tables (the last layer that reads Pyomo values).

Node variables are expanded to the scenarios passing through each node, so every table reads per
scenario. Tiny solver noise (|x| < 1e-7) is written as 0 and zero rows are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
import pyomo.environ as pyo

from ..formulation.index import CaseIndex
from .metrics import risk_metrics
from .views import unit_values

EPS = 1e-7
SHARE_EPS = 1e-9  # of demand
DAYS_PER_PERIOD = {"day": 1.0, "week": 7.0, "month": 365.0 / 12, "quarter": 365.0 / 4, "year": 365.0}


def _snapped(value: float, eps: float) -> float:
    return 0.0 if abs(value) < eps else value


def _val(var) -> float:
    v = var.value
    if v is None:
        return 0.0
    return 0.0 if abs(v) < EPS else float(v)


STORAGE_COLUMNS = ["option", "site", "materials", "extra_max_stock", "cost", "ready_from_period", "taken",
                   "peak_room_used"]
SUBSTITUTE_COLUMNS = ["substitute", "demand_material", "substitute_material", "per_unit", "max_share",
                      "usable_from_period", "qualification_cost", "qualified", "qualification_started",
                      "nominal_quantity_served", "expected_quantity_served"]
SERVED_COLUMNS = ["scenario", "demand", "site", "demand_material", "substitute", "substitute_material", "period",
                  "origin_group", "quantity_delivered", "quantity_served"]


@dataclass
class Plan:
    """One point's plan and its outcomes, free of Pyomo."""
    expected_cost: float
    metrics: dict[str, float]
    scenarios: pd.DataFrame  # scenario, probability, cost, unmet_units, unmet_share
    suppliers: pd.DataFrame
    processes: pd.DataFrame
    routes: pd.DataFrame
    stockpile: pd.DataFrame
    shortfall: pd.DataFrame
    detail: dict[str, pd.DataFrame] = field(default_factory=dict)  # stock, deliveries, inputs per scenario
    extras: dict = field(default_factory=dict)
    storage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STORAGE_COLUMNS))
    substitutes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SUBSTITUTE_COLUMNS))
    substitutes_served: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SERVED_COLUMNS))

    @property
    def n_suppliers(self) -> int:
        used = self.suppliers[(self.suppliers["contracted"] == "yes") | (self.suppliers["volume"] > EPS)]
        return int(used["owner"].nunique()) if len(used) else 0


def _scenarios_of_node(ix: CaseIndex) -> dict[tuple[int, str], list[str]]:
    out = defaultdict(list)
    for (t, s), n in ix.node_of.items():
        out[(t, n)].append(s)
    return out


def strategic_period(case) -> int:
    """The period in which the first disruption becomes known (1 when there are no events)."""
    known = [max(1, e.known_period) for e in case.events]
    return min(known) if known else 1


def extract_plan(m: pyo.ConcreteModel, ix: CaseIndex) -> Plan:
    """The plan of the solution loaded in ``m``, the model built on index ``ix``."""
    case = ix.case
    nominal = case.nominal_scenario
    scen_of = _scenarios_of_node(ix)
    probs = {s: sc.probability for s, sc in case.scenarios.items()}

    costs = {s: float(pyo.value(m.scenario_cost[s])) for s in case.scenarios}
    # a share this small is the solver's tolerance (a lexicographic hold's 1e-10), not a shortfall
    shares = {s: _snapped(float(pyo.value(m.unmet_share[s])), SHARE_EPS) for s in case.scenarios}
    unmet_units = defaultdict(float)
    shortfall_rows = []
    demand_by_id = ix.demand
    for (d_id, t, n), var in m.unmet.items():
        v = _val(var)
        d = demand_by_id[(d_id, t)]
        for s in scen_of[(t, n)]:
            unmet_units[s] += v
            shortfall_rows.append({"scenario": s, "demand": d_id, "site": d.site, "material": d.material,
                                   "period": t, "demand_quantity": d.quantity, "unmet": v,
                                   "delivered": d.quantity - v, "max_origin_group": d.max_origin_group or ""})
    shortfall = pd.DataFrame(shortfall_rows, columns=["scenario", "demand", "site", "material", "period",
                                                      "demand_quantity", "delivered", "unmet", "max_origin_group"])
    shortfall = shortfall[shortfall["unmet"] > EPS].reset_index(drop=True)
    scenarios = pd.DataFrame([{"scenario": s, "probability": probs[s], "cost": costs[s],
                               "unmet_units": unmet_units[s], "unmet_share": shares[s],
                               "nominal": "yes" if s == nominal else "no"} for s in case.scenarios])
    metrics = risk_metrics(costs, shares, probs, case.settings.cvar_alpha,
                           float(pyo.value(m.spend_controlled)), float(pyo.value(m.spend_total)))

    # suppliers: volumes in the nominal scenario and expected over scenarios
    nominal_volume = defaultdict(float)
    expected_volume = defaultdict(float)
    route_rows = []
    for (o_id, t, n), var in m.buy.items():
        v = _val(var)
        if v <= EPS:
            continue
        o = case.offers[o_id]
        for s in scen_of[(t, n)]:
            expected_volume[o_id] += probs[s] * v
            if s == nominal:
                nominal_volume[o_id] += v
            route_rows.append({"scenario": s, "kind": "purchase", "route": o_id, "from": o.origin_country,
                               "to": o.site, "material": o.material, "origin_group": case.offer_group(o_id),
                               "period": t, "arrival_period": t + o.lead_time, "quantity": v})
    for (l_id, mat, g, t, n), var in m.ship.items():
        v = _val(var)
        if v <= EPS:
            continue
        a, b = l_id.split(">", 1)
        lead = ix.lanes_by_id[l_id].lead_time
        for s in scen_of[(t, n)]:
            route_rows.append({"scenario": s, "kind": "shipment", "route": l_id, "from": a, "to": b,
                               "material": mat, "origin_group": g, "period": t, "arrival_period": t + lead,
                               "quantity": v})
    for (p_id, g, t, n), var in m.make.items():
        v = _val(var)
        if v <= EPS:
            continue
        p = case.processes[p_id]
        for s in scen_of[(t, n)]:
            route_rows.append({"scenario": s, "kind": "production", "route": p_id, "from": p.site, "to": p.site,
                               "material": p.output, "origin_group": g, "period": t, "arrival_period": t,
                               "quantity": v})
            for cp, ratio in p.coproducts:
                route_rows.append({"scenario": s, "kind": "coproduct", "route": p_id, "from": p.site,
                                   "to": p.site, "material": cp, "origin_group": g, "period": t,
                                   "arrival_period": t, "quantity": ratio * v})
    routes = pd.DataFrame(route_rows, columns=["scenario", "kind", "route", "from", "to", "material",
                                               "origin_group", "period", "arrival_period", "quantity"])

    totals_by_material = defaultdict(float)
    for o_id, v in nominal_volume.items():
        totals_by_material[case.offers[o_id].material] += v
    bought_somewhere = {o_id for (o_id, _t, _n), var in m.buy.items() if _val(var) > EPS}
    counted_materials = {mat for pol in case.policies if pol.policy in ("min_suppliers", "max_suppliers")
                         for mat in pol.materials}
    supplier_rows = []
    for o in case.offers.values():
        # A free contract (no fixed cost, no minimum) that no scenario buys from and no supplier count
        # sees changes nothing: the solver may leave its binary at 1, the plan does not contract it.
        idle_free_contract = (o.fixed_cost <= 0 and (o.min_per_period or 0) <= 0
                              and o.offer not in bought_somewhere and o.material not in counted_materials)
        contracted = o.needs_contract and _val(m.contract[o.offer]) > 0.5 and not idle_free_contract
        qualified = o.qualified or (_val(m.qualify[o.offer]) > 0.5)
        vol = nominal_volume.get(o.offer, 0.0)
        total = totals_by_material[o.material]
        supplier_rows.append({
            "offer": o.offer, "site": o.site, "owner": case.sites[o.site].owner, "material": o.material,
            "origin_country": o.origin_country, "origin_group": case.offer_group(o.offer),
            "spot": "yes" if o.spot else "no", "contracted": "yes" if contracted else "no",
            "qualified": "yes" if qualified else "no",
            "qualification_started": "yes" if (o.needs_qualification and _val(m.qualify[o.offer]) > 0.5) else "no",
            "volume": vol, "expected_volume": expected_volume.get(o.offer, 0.0),
            "share": vol / total if total > EPS else 0.0, "price": o.price})
    suppliers = pd.DataFrame(supplier_rows)

    process_rows = []
    for p in case.processes.values():
        built = (not p.exists) and _val(m.build[p.process]) > 0.5
        process_rows.append({"process": p.process, "site": p.site, "output": p.output,
                             "exists": "yes" if p.exists else "no", "built": "yes" if built else "no",
                             "technology": p.technology, "technology_origin": p.technology_origin})
    processes = pd.DataFrame(process_rows, columns=["process", "site", "output", "exists", "built",
                                                    "technology", "technology_origin"])

    stockpile = _stockpile(m, ix, routes, nominal)
    detail = _detail(m, ix, scen_of)
    storage, substitutes, served = _levers(m, ix, scen_of, probs, nominal)
    if len(served):
        by_row = served.groupby(["scenario", "demand", "period"])["quantity_served"].sum()
        shortfall["delivered_by_substitute"] = [
            float(by_row.get((r.scenario, r.demand, r.period), 0.0)) for r in shortfall.itertuples()]
    else:
        shortfall["delivered_by_substitute"] = 0.0
    plan = Plan(expected_cost=float(pyo.value(m.expected_cost)), metrics=metrics, scenarios=scenarios,
                suppliers=suppliers, processes=processes, routes=routes, stockpile=stockpile,
                shortfall=shortfall, detail=detail, storage=storage, substitutes=substitutes,
                substitutes_served=served)
    # + 0.0: a part of no cost reads 0, never -0 (a negated empty sum)
    plan.extras["cost_breakdown"] = {c: float(pyo.value(m.expected_cost_part[c])) + 0.0 for c in m.expected_cost_part}
    sp = strategic_period(case)
    values = unit_values(case)
    at = stockpile[stockpile["period"] == sp - 1] if sp > 1 else None
    if at is not None:
        plan.extras["stockpile_value"] = float((at["level"] * at["material"].map(values)).sum())
    else:  # known from the start: the initial stock is the stockpile
        plan.extras["stockpile_value"] = float(sum(inv.initial_stock * values[inv.material]
                                                   for inv in case.inventories.values()))
    plan.extras["strategic_period"] = sp
    return plan


def _levers(m, ix: CaseIndex, scen_of, probs, nominal: str):
    """Storage options (taken, the most room used in any period and scenario), substitutes
    (qualified, quantity of demand served) and each delivery by substitute per scenario."""
    case = ix.case
    peak = defaultdict(float)
    for (opt, mat, t, n), var in m.storage_room.items():
        peak[opt] = max(peak[opt], _val(var))
    storage = pd.DataFrame([{
        "option": o.option, "site": o.site, "materials": ", ".join(o.materials),
        "extra_max_stock": o.extra_max_stock, "cost": o.cost, "ready_from_period": o.build_periods + 1,
        "taken": "yes" if _val(m.take_storage[o.option]) > 0.5 else "no", "peak_room_used": peak[o.option]}
        for o in case.storage_options.values()], columns=STORAGE_COLUMNS)
    subs = ix.substitutes_by_key
    demand_by_id = ix.demand
    served_rows = []
    nominal_served, expected_served = defaultdict(float), defaultdict(float)
    for (d_id, t, key, g, n), var in m.deliver_substitute.items():
        v = _val(var)
        if v <= EPS:
            continue
        d, sub = demand_by_id[(d_id, t)], subs[key]
        for s in scen_of[(t, n)]:
            served_rows.append({"scenario": s, "demand": d_id, "site": d.site, "demand_material": d.material,
                                "substitute": key, "substitute_material": sub.substitute, "period": t,
                                "origin_group": g, "quantity_delivered": v, "quantity_served": v / sub.per_unit})
            expected_served[key] += probs[s] * v / sub.per_unit
            if s == nominal:
                nominal_served[key] += v / sub.per_unit
    substitutes = pd.DataFrame([{
        "substitute": sub.key, "demand_material": sub.demand_material, "substitute_material": sub.substitute,
        "per_unit": sub.per_unit, "max_share": sub.max_share, "usable_from_period": sub.first_period,
        "qualification_cost": sub.qualification_cost,
        "qualified": "yes" if (not sub.needs_qualification or _val(m.qualify_substitute[sub.key]) > 0.5) else "no",
        "qualification_started": "yes" if (sub.needs_qualification
                                           and _val(m.qualify_substitute[sub.key]) > 0.5) else "no",
        "nominal_quantity_served": nominal_served[sub.key], "expected_quantity_served": expected_served[sub.key]}
        for sub in case.substitutes], columns=SUBSTITUTE_COLUMNS)
    return storage, substitutes, pd.DataFrame(served_rows, columns=SERVED_COLUMNS)


def _stockpile(m, ix: CaseIndex, routes: pd.DataFrame, nominal: str) -> pd.DataFrame:
    """Nominal-scenario end-of-period stock per stocking site and material, with days of cover:
    level / average outflow per period (shipments out, process inputs, deliveries) x days per period."""
    case = ix.case
    levels = defaultdict(float)
    for (site, mat, g, t, n), var in m.stock.items():
        if ix.node_of[(t, nominal)] == n:
            levels[(site, mat, t)] += _val(var)
    outflow = defaultdict(float)
    for (p_id, mat, g, t, n), var in m.use.items():
        if ix.node_of[(t, nominal)] == n:
            outflow[(case.processes[p_id].site, mat)] += _val(var)
    demand_by_id = ix.demand
    for (d_id, t, g, n), var in m.deliver.items():
        if ix.node_of[(t, nominal)] == n:
            d = demand_by_id[(d_id, t)]
            outflow[(d.site, d.material)] += _val(var)
    subs = ix.substitutes_by_key
    for (d_id, t, key, g, n), var in m.deliver_substitute.items():
        if ix.node_of[(t, nominal)] == n:
            outflow[(demand_by_id[(d_id, t)].site, subs[key].substitute)] += _val(var)
    nominal_ships = routes[(routes["scenario"] == nominal) & (routes["kind"] == "shipment")]
    for (a, mat), q in nominal_ships.groupby(["from", "material"])["quantity"].sum().items():
        outflow[(a, mat)] += q
    days = DAYS_PER_PERIOD.get(case.settings.period_unit, 30.0)
    rows = []
    pairs = sorted({(s, mt) for (s, mt, t) in levels})
    for site, mat in pairs:
        per_period = outflow[(site, mat)] / ix.T
        for t in case.periods:
            level = levels[(site, mat, t)]
            rows.append({"site": site, "material": mat, "period": t, "level": level,
                         "days_of_cover": (level / per_period * days) if per_period > EPS else None})
    return pd.DataFrame(rows, columns=["site", "material", "period", "level", "days_of_cover"])


def _detail(m, ix: CaseIndex, scen_of) -> dict[str, pd.DataFrame]:
    """Per-scenario stock by origin group, deliveries, process inputs and discarded co-products:
    what an independent checker needs to re-verify every balance."""
    case = ix.case
    stock = [{"scenario": s, "site": site, "material": mat, "origin_group": g, "period": t, "level": _val(v)}
             for (site, mat, g, t, n), v in m.stock.items() if _val(v) > EPS for s in scen_of[(t, n)]]
    demand_by_id = ix.demand
    deliveries = [{"scenario": s, "demand": d_id, "site": demand_by_id[(d_id, t)].site,
                   "material": demand_by_id[(d_id, t)].material, "origin_group": g, "period": t,
                   "quantity": _val(v)}
                  for (d_id, t, g, n), v in m.deliver.items() if _val(v) > EPS for s in scen_of[(t, n)]]
    inputs = [{"scenario": s, "process": p_id, "site": case.processes[p_id].site, "material": mat,
               "origin_group": g, "period": t, "quantity": _val(v)}
              for (p_id, mat, g, t, n), v in m.use.items() if _val(v) > EPS for s in scen_of[(t, n)]]
    discards = [{"scenario": s, "site": site, "material": mat, "origin_group": g, "period": t, "quantity": _val(v)}
                for (site, mat, g, t, n), v in m.discard.items() if _val(v) > EPS for s in scen_of[(t, n)]]
    return {
        "discards": pd.DataFrame(discards, columns=["scenario", "site", "material", "origin_group", "period",
                                                    "quantity"]),
        "stock": pd.DataFrame(stock, columns=["scenario", "site", "material", "origin_group", "period", "level"]),
        "deliveries": pd.DataFrame(deliveries, columns=["scenario", "demand", "site", "material", "origin_group",
                                                        "period", "quantity"]),
        "inputs": pd.DataFrame(inputs, columns=["scenario", "process", "site", "material", "origin_group", "period",
                                                "quantity"]),
    }
