"""An independent check of a plan: plain pandas and Python on the plan's tables and the case, none
of the model's code (no Pyomo, no formulation index). Every rule is re-derived from the model's
timing and scope rules as the project documents them, so that a wrong answer the model produces
and reports is caught here rather than repeated.

``check_plan`` runs every check in ``CHECKS`` and returns the violations in words; an empty list
means the plan is consistent. Each check is one function ``check_x(case, plan) -> list[str]``; a
new mechanic gets its own function, added to ``CHECKS``.

What is checked:
- flows: lead times and the horizon, purchase origin tags, qualification and contracts
  (``check_orders``); balances per site, material, origin group, period and scenario
  (``check_balances``); stock limits and clean stores (``check_stock_limits``); capacities under
  outages (``check_capacities``); bills of materials, origin labels and co-products
  (``check_processes``); demand origin limits (``check_demand``);
- rules: export controls (``check_export_controls``), technology bans (``check_technology_bans``),
  policies (``check_policies``), take-or-pay (``check_take_or_pay``);
- figures: the cost breakdown per scenario and expected, recomputed from the flows
  (``check_costs``), and every risk measure recomputed from the scenario outcomes
  (``check_risk_measures``);
- foresight: scenarios that cannot yet be told apart take the same decisions
  (``check_non_anticipativity``).
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..case.case import Case, merged_windows
from .tables import Plan

TOL = 1e-5  # quantities, relative to max(1, the quantity)
COST_REL_TOL = 1e-6  # money, relative to max(1, the scenario's cost)
RISK_TOL = 1e-6  # shares of demand (and exposure), absolute
MAX_MESSAGES = 20  # per check: a badly broken plan is named, not listed row by row

# the parts of a scenario's cost this checker re-derives, each from the flows that make it
COST_PARTS = ("contracts", "qualification", "builds", "purchases", "take_or_pay_excess", "processing",
              "transport", "holding", "shortfall_penalties", "end_stock")


# ------------------------------------------------------------------------------------ shared facts

def _rank(case: Case) -> dict[str, int]:
    return {g: i for i, g in enumerate(case.groups)}


def _nominal(case: Case) -> str:
    """The most probable scenario without events, else the first listed."""
    with_events = {e.scenario for e in case.events}
    quiet = [s for s in case.scenarios.values() if s.scenario not in with_events]
    if not quiet:
        return next(iter(case.scenarios))
    best = max(s.probability for s in quiet)
    return next(s.scenario for s in quiet if s.probability == best)


def _active_events(case: Case, scenario: str, kind: str, t: int):
    return [e for e in case.events if e.scenario == scenario and e.event == kind
            and e.start_period <= t <= e.end_period]


def _event_hits(e, targets: set[tuple[str, str]]) -> bool:
    key = (e.target_kind, e.target.lower() if e.target_kind == "group" else e.target)
    return key in targets


def _outage(case: Case, scenario: str, t: int, targets: set[tuple[str, str]]) -> float:
    """Share of capacity left; targets are (kind, id) pairs, material groups in lower case."""
    f = 1.0
    for e in _active_events(case, scenario, "outage", t):
        if _event_hits(e, targets):
            f *= e.factor
    return f


def _material_targets(case: Case, material: str) -> set[tuple[str, str]]:
    return {("material", material)} | {("group", g.lower()) for g in case.materials[material].groups}


def _offer_targets(case: Case, o) -> set[tuple[str, str]]:
    """An offer is hit by an outage on itself, its site, its material or one of the material's groups."""
    return {("offer", o.offer), ("site", o.site)} | _material_targets(case, o.material)


def _price_factor(case: Case, o, scenario: str, t: int) -> float:
    """Price events multiply: on the offer, its origin or site country, its material or a group of it."""
    targets = {("offer", o.offer), ("country", o.origin_country), ("country", case.sites[o.site].country)}
    targets |= _material_targets(case, o.material)
    f = 1.0
    for e in _active_events(case, scenario, "price", t):
        if _event_hits(e, targets):
            f *= e.factor
    return f


def _rule_windows(case: Case, rule, scenario: str) -> list[tuple[int, int]]:
    if rule.status == "in_force" and not rule.keeps_scenario_windows:
        return [(rule.start_period, rule.end_period)]
    if rule.status not in ("in_force", "scenario"):
        return []
    events = [(e.start_period, e.end_period) for e in case.events
              if e.scenario == scenario and e.event == "rule" and e.target == rule.rule]
    # put in force by whatif --ban: its scenario windows stay, joined to its own
    return merged_windows([(rule.start_period, rule.end_period)] + events) if rule.status == "in_force" else events


def _rule_cap(case: Case, rule, scenario: str, t: int):
    """What the rule allows in (scenario, period): None if inactive."""
    caps = []
    for a, b in _rule_windows(case, rule, scenario):
        if a <= t <= b:
            if rule.kind == "ban" or (rule.kind == "licence" and t < a + rule.licence_lead_time):
                caps.append(0.0)
            elif rule.quota_per_period is not None:
                caps.append(rule.quota_per_period)
    return min(caps) if caps else None


def _covered(case: Case, rule, material, from_country, to_site, group) -> bool:
    dest = case.sites[to_site]
    if material not in rule.materials:
        return False
    # the destination must match both lists; a blank or * list matches everything
    if rule.to_countries and "*" not in rule.to_countries and dest.country not in rule.to_countries:
        return False
    if rule.to_owners and "*" not in rule.to_owners and dest.owner not in rule.to_owners:
        return False
    issuer_group = case.countries[rule.issuer].origin_group
    if from_country != rule.issuer and not (rule.extraterritorial and group == issuer_group):
        return False
    if from_country == rule.issuer == dest.country:
        # not an export, unless extraterritorial to a named owner (* names none, like a blank)
        return rule.extraterritorial and dest.owner in rule.to_owners
    return True


def _yes(frame: pd.DataFrame, key: str, column: str) -> set[str]:
    if frame is None or not len(frame) or column not in frame:
        return set()
    return set(frame.loc[frame[column] == "yes", key])


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_MESSAGES:
        return problems
    return problems[:MAX_MESSAGES] + [f"... and {len(problems) - MAX_MESSAGES} more like these"]


def _purchases(plan: Plan) -> pd.DataFrame:
    return plan.routes[plan.routes["kind"] == "purchase"]


def _delivered(plan: Plan) -> dict[tuple[str, str, int], float]:
    """(scenario, demand, period) -> units of demand met, all origin groups: deliveries of the
    material, and the demand substitutes serve (quantity delivered / per_unit)."""
    keys = ["scenario", "demand", "period"]
    d = plan.detail["deliveries"]
    got = d.groupby(keys)["quantity"].sum().to_dict() if len(d) else {}
    served = plan.substitutes_served
    if len(served):
        for key, q in served.groupby(keys)["quantity_served"].sum().items():
            got[key] = got.get(key, 0.0) + q
    return got


def _hard_end_scenario(case: Case) -> str:
    """The scenario whose end stock must reach end_stock_min: the nominal one (or, for a scenario
    solved alone, the one the case names)."""
    return case.end_stock_scenario if case.end_stock_scenario is not None else _nominal(case)


def _clean_end_stock(case: Case, plan: Plan) -> dict[tuple[str, str, str], float]:
    """(site, material, scenario) -> stock at the horizon that counts towards end_stock_min (of the
    row's max_origin_group or cleaner, where it sets one)."""
    rank = _rank(case)
    stock = plan.detail["stock"]
    at_end = stock[stock["period"] == case.settings.periods]
    out: dict = defaultdict(float)
    for r in at_end.itertuples():
        inv = case.inventories.get((r.site, r.material))
        if inv is not None and (inv.max_origin_group is None or rank[r.origin_group] <= rank[inv.max_origin_group]):
            out[(r.site, r.material, r.scenario)] += r.level
    return out


def unmet_by_scenario(case: Case, plan: Plan) -> dict[str, float]:
    """Units of demand not delivered per scenario, from the deliveries (not from the solver's unmet)."""
    got = _delivered(plan)
    out = {}
    for s in case.scenarios:
        out[s] = sum(max(0.0, d.quantity - got.get((s, d.demand, d.period), 0.0)) for d in case.demands)
    return out


# ------------------------------------------------------------------------------------ flows

def check_orders(case: Case, plan: Plan) -> list[str]:
    """Lead times and the horizon; a purchase carries its origin country's group, waits for its
    qualification, and needs a contract (unless spot) and a started qualification (unless qualified)."""
    problems: list[str] = []
    T = case.settings.periods
    lanes = {ln.lane: ln for ln in case.lanes}
    contracted = _yes(plan.suppliers, "offer", "contracted")
    qualifying = _yes(plan.suppliers, "offer", "qualification_started")
    for r in plan.routes.itertuples():
        if r.kind == "purchase":
            lead = case.offers[r.route].lead_time
        elif r.kind == "shipment":
            lead = lanes[r.route].lead_time
        else:
            lead = 0
        if r.arrival_period != r.period + lead or r.arrival_period > T:
            problems.append(f"{r.kind} {r.route} in period {r.period} arrives {r.arrival_period}, lead time {lead}")
        if r.kind == "purchase":
            o = case.offers[r.route]
            if r.origin_group != case.countries[o.origin_country].origin_group:
                problems.append(f"purchase {r.route} tagged {r.origin_group}")
            if not o.qualified and r.period <= o.qualification_periods:
                problems.append(f"purchase {r.route} in period {r.period} before qualification ends")
            if not o.spot and r.route not in contracted:
                problems.append(f"purchase {r.route} without a contract")
            if not o.qualified and r.route not in qualifying:
                problems.append(f"purchase {r.route} without qualification")
    return _capped(problems)


def check_balances(case: Case, plan: Plan) -> list[str]:
    """Per scenario, site, material, origin group and period: stock in + arrivals + production =
    stock out + shipments out + process inputs + deliveries + discarded co-products."""
    problems: list[str] = []
    T = case.settings.periods
    routes = plan.routes
    net = defaultdict(float)
    for r in routes.itertuples():
        if r.kind == "purchase":
            net[(r.scenario, r.to, r.material, r.origin_group, r.arrival_period)] += r.quantity
        elif r.kind == "shipment":
            net[(r.scenario, r.to, r.material, r.origin_group, r.arrival_period)] += r.quantity
            net[(r.scenario, r.route.split(">", 1)[0], r.material, r.origin_group, r.period)] -= r.quantity
        else:  # production of an output or of a co-product
            net[(r.scenario, r.to, r.material, r.origin_group, r.period)] += r.quantity
    for r in plan.detail["discards"].itertuples():
        net[(r.scenario, r.site, r.material, r.origin_group, r.period)] -= r.quantity
        if not any(r.material == cp for p in case.processes.values() if p.site == r.site for cp, _ in p.coproducts):
            problems.append(f"{r.material} discarded at {r.site}, which makes no such co-product")
    for r in plan.detail["inputs"].itertuples():
        net[(r.scenario, r.site, r.material, r.origin_group, r.period)] -= r.quantity
    for r in plan.detail["deliveries"].itertuples():
        net[(r.scenario, r.site, r.material, r.origin_group, r.period)] -= r.quantity
    for r in plan.substitutes_served.itertuples():  # a substitute leaves its own material's balance
        net[(r.scenario, r.site, r.substitute_material, r.origin_group, r.period)] -= r.quantity_delivered
    for s in case.scenarios:  # open orders arrive in every scenario, already paid
        for rc in case.receipts:
            net[(s, rc.site, rc.material, rc.origin_group, rc.period)] += rc.quantity
    level = defaultdict(float)
    for r in plan.detail["stock"].itertuples():
        level[(r.scenario, r.site, r.material, r.origin_group, r.period)] = r.level
        if not case.sites[r.site].stocks:
            problems.append(f"stock at non-stocking site {r.site}")
    for s in case.scenarios:  # initial stock must be accounted for even if nothing else moves
        for inv in case.inventories.values():
            if inv.initial_stock:
                net[(s, inv.site, inv.material, inv.initial_origin_group, 1)] += 0.0
    keys = {k[:4] for k in list(net) + list(level)}
    for (s, site, mat, g) in sorted(keys):
        inv = case.inventories.get((site, mat))
        prev = inv.initial_stock if inv is not None and inv.initial_origin_group == g else 0.0
        for t in range(1, T + 1):
            now = level.get((s, site, mat, g, t), 0.0)
            gap = prev + net.get((s, site, mat, g, t), 0.0) - now
            if abs(gap) > TOL * max(1.0, abs(now)):
                problems.append(f"balance off by {gap:.6g} at {site} {mat} {g} period {t} scenario {s}")
            prev = now
    return _capped(problems)


def check_stock_limits(case: Case, plan: Plan) -> list[str]:
    """Stock within [min_stock, max_stock] (above max_stock only in the room of storage options
    taken, ready and naming the material, their room summed per site), in the nominal scenario at
    the horizon at least end_stock_min; a clean store (max_origin_group) holds no dirtier stock,
    and only its clean stock counts towards the floors."""
    problems: list[str] = []
    T = case.settings.periods
    rank = _rank(case)
    stock = plan.detail["stock"]
    limit = {key: rank[inv.max_origin_group] for key, inv in case.inventories.items()
             if inv.max_origin_group is not None}
    level_rank = stock["origin_group"].map(rank)
    cap_rank = pd.Series([limit.get(k, len(rank)) for k in zip(stock["site"], stock["material"])],
                         index=stock.index, dtype=float)
    for r in stock[(level_rank > cap_rank) & (stock["level"] > TOL)].itertuples():
        problems.append(f"stock {r.site} {r.material} holds {r.level:.6g} of group {r.origin_group} in period "
                        f"{r.period} scenario {r.scenario}, above its max_origin_group")
    keys = ["site", "material", "scenario", "period"]
    totals = stock.groupby(keys)["level"].sum().to_dict()
    clean = stock[level_rank <= cap_rank].groupby(keys)["level"].sum().to_dict()
    taken = _yes(plan.storage, "option", "taken")
    hard_end = _hard_end_scenario(case)
    above = defaultdict(float)  # (site, scenario, period) -> stock above max_stock, all materials
    for (site, mat), inv in case.inventories.items():
        for s in case.scenarios:
            for t in range(1, T + 1):
                v = totals.get((site, mat, s, t), 0.0)
                v_clean = clean.get((site, mat, s, t), 0.0)
                if inv.max_stock is not None and v > inv.max_stock + TOL:
                    room = [o for o in case.storage_options.values() if o.option in taken and o.site == site
                            and mat in o.materials and t > o.build_periods]
                    if not room:
                        problems.append(f"stock {site} {mat} {v:.6g} above max in period {t} scenario {s}")
                    above[(site, s, t)] += v - inv.max_stock
                if v_clean < inv.min_stock - TOL:
                    problems.append(f"stock {site} {mat} {v_clean:.6g} below min in period {t} scenario {s}")
                if t == T and s == hard_end and v_clean < inv.end_stock_min - TOL:
                    problems.append(f"end stock {site} {mat} {v_clean:.6g} below end_stock_min in scenario {s}")
    for (site, s, t), excess in above.items():
        room = sum(o.extra_max_stock for o in case.storage_options.values()
                   if o.option in taken and o.site == site and t > o.build_periods)
        if excess > room + TOL * max(1.0, room):
            problems.append(f"stock at {site} is {excess:.6g} above its max_stock in period {t} scenario {s}, more "
                            f"than the {room:.6g} of room the storage options taken add")
    return _capped(problems)


def check_capacities(case: Case, plan: Plan) -> list[str]:
    """Purchases, shipments and production within capacity times any active outage (0: nothing
    flows, even where capacity is blank); a new process produces only once built and ready."""
    problems: list[str] = []
    routes = plan.routes
    lanes = {ln.lane: ln for ln in case.lanes}
    built = _yes(plan.processes, "process", "built")
    by = routes[routes["kind"] != "coproduct"].groupby(["scenario", "kind", "route", "period"])["quantity"].sum()
    for (s, kind, route, t), q in by.items():
        if kind == "purchase":
            o = case.offers[route]
            cap, f = o.capacity_per_period, _outage(case, s, t, _offer_targets(case, o))
        elif kind == "shipment":
            ln = lanes[route]
            cap, f = ln.capacity_per_period, _outage(case, s, t, {("lane", ln.lane), ("site", ln.from_site),
                                                                  ("site", ln.to_site)})
        else:
            p = case.processes[route]
            cap, f = p.capacity_per_period, _outage(case, s, t, {("process", p.process), ("site", p.site)})
            if not p.exists and (t <= p.build_periods or route not in built):
                problems.append(f"process {route} produces in period {t} without being built and ready")
        limit = (cap * f) if cap is not None else (float("inf") if f > 0 else 0.0)
        if q > limit + TOL * max(1.0, limit if limit != float("inf") else 1.0):
            problems.append(f"{kind} {route} moves {q:.6g} in period {t} scenario {s}, capacity {limit:.6g}")
    return _capped(problems)


def check_processes(case: Case, plan: Plan) -> list[str]:
    """Inputs at per_unit_output x output; inputs no more controlled than the output they make and
    no output cleaner than its site; co-products at their ratio, with the output's group."""
    problems: list[str] = []
    rank = _rank(case)
    routes = plan.routes
    inputs = plan.detail["inputs"]
    made = routes[routes["kind"] == "production"]
    out_by = made.groupby(["route", "scenario", "period"])["quantity"].sum()
    in_by = inputs.groupby(["process", "material", "scenario", "period"])["quantity"].sum()
    in_by_group = inputs.groupby(["process", "material", "scenario", "period", "origin_group"])["quantity"].sum()
    # dirty[k]: quantity of group rank >= k, for each k that can be dirtier than the cleanest group
    made_rank = made["origin_group"].map(rank)
    in_rank = inputs["origin_group"].map(rank)
    dirty_out = {k: made[made_rank >= k].groupby(["route", "scenario", "period"])["quantity"].sum()
                 for k in range(1, len(case.groups))}
    dirty_in = {k: inputs[in_rank >= k].groupby(["process", "material", "scenario", "period"])["quantity"].sum()
                for k in range(1, len(case.groups))}
    for p in case.processes.values():
        produced = out_by[p.process] if p.process in out_by.index.get_level_values(0) else pd.Series(dtype=float)
        for mat, ratio in p.inputs:
            key = (p.process, mat)
            used = in_by.loc[key] if key in in_by.index.droplevel([2, 3]) else pd.Series(dtype=float)
            for st in sorted(set(used.index) | set(produced.index)):
                u, q = float(used.get(st, 0.0)), float(produced.get(st, 0.0))
                if abs(u - ratio * q) > TOL * max(1.0, u):
                    problems.append(f"process {p.process} uses {u:.6g} {mat} in period {st[1]} scenario {st[0]}, "
                                    f"expected {ratio} x its output {q:.6g}")
            for k in range(1, len(case.groups)):
                d_in = dirty_in[k]
                d_out = dirty_out[k]
                if key not in d_in.index.droplevel([2, 3]):
                    continue
                for st, v in d_in.loc[key].items():
                    o = float(d_out.get((p.process, *st), 0.0))
                    if v > ratio * o + TOL:
                        problems.append(f"process {p.process} launders {mat} of group rank >= {k} in period {st[1]} "
                                        f"scenario {st[0]}")
        out = made[made["route"] == p.process]
        site_rank = rank[case.countries[case.sites[p.site].country].origin_group]
        if len(out) and (out["origin_group"].map(rank) < site_rank).any():
            problems.append(f"process {p.process} output cleaner than its site's group")
        # output of a group above its site's holds an input of that group (no label dodges a rule)
        for (scenario, period, group), q in out.groupby(["scenario", "period", "origin_group"])["quantity"].sum().items():
            if rank[group] <= site_rank or q <= TOL:
                continue
            backing = sum(float(in_by_group.get((p.process, mat, scenario, period, group), 0.0)) / ratio
                          for mat, ratio in p.inputs if ratio > 0)
            if q > backing + TOL * max(1.0, q):
                problems.append(f"process {p.process} labels {q:.6g} of its output {group} in period {period} "
                                f"scenario {scenario} with inputs of that group for only {backing:.6g}")
        made_with = routes[(routes["kind"] == "coproduct") & (routes["route"] == p.process)]
        for cp, ratio in p.coproducts:
            want = out.groupby(["scenario", "period", "origin_group"])["quantity"].sum() * ratio
            got = made_with[made_with["material"] == cp].groupby(["scenario", "period", "origin_group"])["quantity"].sum()
            for key in set(want.index) | set(got.index):
                if abs(float(want.get(key, 0.0)) - float(got.get(key, 0.0))) > TOL * max(1.0, float(want.get(key, 0.0))):
                    problems.append(f"process {p.process} makes {float(got.get(key, 0.0)):.6g} of co-product {cp} "
                                    f"in {key}, expected {ratio} x its output")
        if not p.coproducts and len(made_with):
            problems.append(f"process {p.process} makes co-products it has none of")
    return _capped(problems)


def check_demand(case: Case, plan: Plan) -> list[str]:
    """A demand row takes nothing more controlled than its max_origin_group, and no more than its quantity."""
    problems: list[str] = []
    rank = _rank(case)
    deliveries = plan.detail["deliveries"]
    demand_by_id = {(d.demand, d.period): d for d in case.demands}
    for r in deliveries.itertuples():
        d = demand_by_id[(r.demand, r.period)]
        if d.max_origin_group is not None and rank[r.origin_group] > rank[d.max_origin_group]:
            problems.append(f"demand {r.demand} period {r.period} gets {r.origin_group} material")
    for (s, d_id, t), q in _delivered(plan).items():
        if q > demand_by_id[(d_id, t)].quantity + TOL:
            problems.append(f"demand {d_id} period {t} over-delivered in scenario {s}")
    problems += _substitute_problems(case, plan, demand_by_id, rank)
    return _capped(problems)


def _substitute_problems(case: Case, plan: Plan, demand_by_id, rank) -> list[str]:
    """Deliveries by substitute: of a substitute of the row's material, per_unit of it per unit
    served, within the row's max_origin_group, only once qualified and usable, and at most
    max_share of the row's quantity per period and scenario."""
    problems = []
    served = plan.substitutes_served
    if not len(served):
        return problems
    subs = {sub.key: sub for sub in case.substitutes}
    qualified = {sub.key for sub in case.substitutes if not sub.needs_qualification} | _yes(
        plan.substitutes, "substitute", "qualification_started")
    for r in served.itertuples():
        d, sub = demand_by_id[(r.demand, r.period)], subs.get(r.substitute)
        if sub is None or sub.demand_material != d.material or sub.substitute != r.substitute_material:
            problems.append(f"demand {r.demand} is served by {r.substitute_material}, not one of its substitutes")
            continue
        if abs(r.quantity_served * sub.per_unit - r.quantity_delivered) > TOL * max(1.0, r.quantity_delivered):
            problems.append(f"substitute {r.substitute} serves {r.quantity_served:.6g} with {r.quantity_delivered:.6g} "
                            f"delivered, expected per_unit {sub.per_unit}")
        if d.max_origin_group is not None and rank[r.origin_group] > rank[d.max_origin_group]:
            problems.append(f"demand {r.demand} period {r.period} gets substitute material of group {r.origin_group}")
        if r.substitute not in qualified or r.period < sub.first_period:
            problems.append(f"substitute {r.substitute} serves demand {r.demand} in period {r.period} before it is "
                            "qualified and usable")
    share = served.groupby(["scenario", "demand", "period", "substitute"])["quantity_served"].sum()
    for (s, d_id, t, key), q in share.items():
        if key in subs and q > subs[key].max_share * demand_by_id[(d_id, t)].quantity + TOL:
            problems.append(f"substitute {key} serves {q:.6g} of demand {d_id} period {t} scenario {s}, above its "
                            "max_share")
    return problems


# ------------------------------------------------------------------------------------ rules

def check_export_controls(case: Case, plan: Plan) -> list[str]:
    """Covered purchases and shipments, summed per scenario and period, within what each active
    ban, licence or quota allows."""
    problems: list[str] = []
    routes = plan.routes
    moves = routes[routes["kind"].isin(("purchase", "shipment"))]
    for rule in case.rules.values():
        if rule.is_technology_ban:
            continue
        flows = defaultdict(float)
        for r in moves.itertuples():
            if r.kind == "purchase":
                o = case.offers[r.route]
                covered = _covered(case, rule, o.material, o.origin_country, o.site, r.origin_group)
            else:
                from_site = r.route.split(">", 1)[0]
                covered = _covered(case, rule, r.material, case.sites[from_site].country, r.to, r.origin_group)
            if covered:
                flows[(r.scenario, r.period)] += r.quantity
        for (s, t), q in sorted(flows.items()):
            cap = _rule_cap(case, rule, s, t)
            if cap is not None and q > cap + TOL:
                problems.append(f"rule {rule.rule} allows {cap:.6g} in period {t} scenario {s}, flows {q:.6g}")
    return _capped(problems)


def _technology_bans(case: Case, p) -> list:
    if p.exists or not p.technology_origin:
        return []
    return [r for r in case.rules.values() if r.technologies and r.status != "off"
            and r.issuer == p.technology_origin and ("*" in r.technologies or p.technology in r.technologies)]


def check_technology_bans(case: Case, plan: Plan) -> list[str]:
    """A technology ban in force forbids the build whatever its start; a scenario ban active from a
    period a <= build_periods leaves a built plant idle in that scenario for the whole horizon."""
    problems: list[str] = []
    built = _yes(plan.processes, "process", "built")
    made = plan.routes[plan.routes["kind"] == "production"]
    for p in case.processes.values():
        for rule in _technology_bans(case, p):
            if rule.status == "in_force" and p.process in built:
                problems.append(f"process {p.process} is built though technology ban {rule.rule} is in force")
            if rule.status != "scenario":
                continue
            for s in case.scenarios:
                starts = [a for a, _ in _rule_windows(case, rule, s)]
                if starts and min(starts) <= p.build_periods:
                    q = made[(made["route"] == p.process) & (made["scenario"] == s)]["quantity"].sum()
                    if q > TOL:
                        problems.append(f"process {p.process} makes {q:.6g} in scenario {s}, where technology ban "
                                        f"{rule.rule} starts in period {min(starts)}, before it is finished")
    return _capped(problems)


def check_policies(case: Case, plan: Plan) -> list[str]:
    """Shares of a material's nominal purchases over the horizon: of origin group >= target at most
    v (max_share_origin), from any one owner at most v (max_share_supplier); distinct owners with a
    contracted (not spot) offer of the material within min_suppliers / max_suppliers."""
    problems: list[str] = []
    rank = _rank(case)
    nominal = _nominal(case)
    bought = _purchases(plan)
    bought = bought[bought["scenario"] == nominal].groupby("route")["quantity"].sum().to_dict()
    contracted = _yes(plan.suppliers, "offer", "contracted")
    for i, pol in enumerate(case.policies, start=2):
        for mat in pol.materials:
            offers = [o for o in case.offers.values() if o.material == mat]
            if not offers:
                continue
            total = sum(bought.get(o.offer, 0.0) for o in offers)
            where = f"policies row {i}: {pol.policy} {pol.value:g} for {mat}"
            if pol.policy == "max_share_origin":
                dirty = sum(bought.get(o.offer, 0.0) for o in offers
                            if rank[case.countries[o.origin_country].origin_group] >= rank[pol.target])
                if dirty > pol.value * total + TOL * max(1.0, total):
                    problems.append(f"{where}: {dirty:.6g} of {total:.6g} bought of group {pol.target} or more "
                                    "controlled in the nominal scenario")
            elif pol.policy == "max_share_supplier":
                by_owner = defaultdict(float)
                for o in offers:
                    by_owner[case.sites[o.site].owner] += bought.get(o.offer, 0.0)
                for owner, q in sorted(by_owner.items()):
                    if q > pol.value * total + TOL * max(1.0, total):
                        problems.append(f"{where}: {owner} sells {q:.6g} of {total:.6g} in the nominal scenario")
            elif pol.policy in ("min_suppliers", "max_suppliers"):
                owners = {case.sites[o.site].owner for o in offers if not o.spot and o.offer in contracted}
                if (pol.policy == "min_suppliers" and len(owners) < pol.value - 1e-9) or (
                        pol.policy == "max_suppliers" and len(owners) > pol.value + 1e-9):
                    problems.append(f"{where}: {len(owners)} owners contracted ({', '.join(sorted(owners)) or 'none'})")
            else:
                problems.append(f"{where}: a policy this checker does not know")
    return _capped(problems)


def _take_or_pay(case: Case, plan: Plan) -> dict[str, dict[str, float]]:
    """scenario -> offer -> money paid for minimum quantities not taken: for each contracted offer
    with min_per_period m, price_t x max(0, m - bought_t) in each period t whose order can arrive
    within the horizon (t + lead_time <= periods)."""
    T = case.settings.periods
    contracted = _yes(plan.suppliers, "offer", "contracted")
    bought = _purchases(plan).groupby(["scenario", "route", "period"])["quantity"].sum().to_dict()
    out: dict[str, dict[str, float]] = {s: {} for s in case.scenarios}
    for o in case.offers.values():
        if o.spot or o.min_per_period <= 0 or o.offer not in contracted:
            continue
        for s in case.scenarios:
            paid = 0.0
            for t in range(1, T + 1):
                if t + o.lead_time <= T:
                    short = o.min_per_period - bought.get((s, o.offer, t), 0.0)
                    if short > 0:
                        paid += o.price * _price_factor(case, o, s, t) * short
            out[s][o.offer] = paid
    return out


def check_take_or_pay(case: Case, plan: Plan) -> list[str]:
    """The take-or-pay excess reported (expected, and per scenario where the scenarios table has
    it) equals what the contracted minimums not taken cost."""
    problems: list[str] = []
    per_offer = _take_or_pay(case, plan)
    probs = {s: sc.probability for s, sc in case.scenarios.items()}
    expected = sum(probs[s] * sum(v.values()) for s, v in per_offer.items())
    reported = (plan.extras.get("cost_breakdown") or {}).get("take_or_pay_excess")
    scale = max(1.0, abs(plan.expected_cost))
    if reported is not None and abs(reported - expected) > COST_REL_TOL * scale:
        detail = ", ".join(f"{o} {sum(probs[s] * per_offer[s].get(o, 0.0) for s in per_offer):,.6g}"
                           for o in sorted({o for v in per_offer.values() for o in v})) or "no contracted minimum"
        problems.append(f"take_or_pay_excess reported {reported:,.6g}, the minimums not taken cost {expected:,.6g} "
                        f"({detail})")
    column = "cost_take_or_pay_excess"
    if column in plan.scenarios:
        for r in plan.scenarios.itertuples():
            want = sum(per_offer[r.scenario].values())
            got = getattr(r, column)
            if abs(got - want) > COST_REL_TOL * max(1.0, abs(r.cost)):
                problems.append(f"scenario {r.scenario}: take_or_pay_excess reported {got:,.6g}, recomputed {want:,.6g}")
    return _capped(problems)


# ------------------------------------------------------------------------------------ figures

def scenario_cost_parts(case: Case, plan: Plan) -> pd.DataFrame:
    """Each scenario's cost by part (COST_PARTS), recomputed from the plan's flows: once-decisions
    at their cost in every scenario; purchases at price x price events; take-or-pay minimums not
    taken; processing, transport and holding (end-of-period stock) at their unit costs; each unit
    of demand not delivered at its penalty; outside the nominal scenario, each unit of stock below
    end_stock_min at the horizon at its end_stock_value; storage options in builds, substitute
    qualifications in qualification."""
    subs = {sub.key: sub for sub in case.substitutes}
    once = {"contracts": sum(case.offers[o].fixed_cost for o in _yes(plan.suppliers, "offer", "contracted")),
            "qualification": sum(case.offers[o].qualification_cost
                                 for o in _yes(plan.suppliers, "offer", "qualification_started"))
            + sum(subs[k].qualification_cost for k in _yes(plan.substitutes, "substitute", "qualification_started")),
            "builds": sum(case.processes[p].build_cost for p in _yes(plan.processes, "process", "built"))
            + sum(case.storage_options[o].cost for o in _yes(plan.storage, "option", "taken"))}
    parts = {s: {c: 0.0 for c in COST_PARTS} | once for s in case.scenarios}
    lanes = {ln.lane: ln for ln in case.lanes}
    for r in plan.routes.itertuples():
        if r.kind == "purchase":
            o = case.offers[r.route]
            parts[r.scenario]["purchases"] += o.price * _price_factor(case, o, r.scenario, r.period) * r.quantity
        elif r.kind == "shipment":
            parts[r.scenario]["transport"] += lanes[r.route].cost_per_unit * r.quantity
        elif r.kind == "production":
            parts[r.scenario]["processing"] += case.processes[r.route].cost_per_unit * r.quantity
    for s, by_offer in _take_or_pay(case, plan).items():
        parts[s]["take_or_pay_excess"] = sum(by_offer.values())
    for r in plan.detail["stock"].itertuples():
        inv = case.inventories.get((r.site, r.material))
        if inv is not None:
            parts[r.scenario]["holding"] += inv.holding_cost_per_period * r.level
    got = _delivered(plan)
    for s in case.scenarios:
        parts[s]["shortfall_penalties"] = sum(
            d.shortfall_penalty * max(0.0, d.quantity - got.get((s, d.demand, d.period), 0.0)) for d in case.demands)
    hard_end, at_end = _hard_end_scenario(case), _clean_end_stock(case, plan)
    for s in case.scenarios:  # each unit below end_stock_min at the horizon, outside the nominal scenario
        if s != hard_end:
            parts[s]["end_stock"] = sum(inv.end_stock_value * max(0.0, inv.end_stock_min - at_end[(site, mat, s)])
                                        for (site, mat), inv in case.inventories.items())
    frame = pd.DataFrame.from_dict(parts, orient="index")[list(COST_PARTS)]
    frame["total"] = frame.sum(axis=1)
    return frame


def check_costs(case: Case, plan: Plan) -> list[str]:
    """Each scenario's cost, the expected cost and each part of the expected cost (the take-or-pay
    excess has its own check) equal what the flows cost; a reported part this checker does not
    re-derive is named (a new mechanic needs its own recomputation here)."""
    problems: list[str] = []
    parts = scenario_cost_parts(case, plan)
    probs = pd.Series({s: sc.probability for s, sc in case.scenarios.items()})
    reported = plan.scenarios.set_index("scenario")
    for s in case.scenarios:
        want, got = float(parts.loc[s, "total"]), float(reported.loc[s, "cost"])
        if abs(got - want) > COST_REL_TOL * max(1.0, abs(want)):
            by = ", ".join(f"{c} {parts.loc[s, c]:,.6g}" for c in COST_PARTS if parts.loc[s, c])
            problems.append(f"scenario {s} costs {got:,.6g} in the plan, its flows cost {want:,.6g} ({by})")
        for c in COST_PARTS:
            column = f"cost_{c}"
            if c != "take_or_pay_excess" and column in reported:
                if abs(float(reported.loc[s, column]) - float(parts.loc[s, c])) > COST_REL_TOL * max(1.0, abs(want)):
                    problems.append(f"scenario {s}: {c} reported {reported.loc[s, column]:,.6g}, recomputed "
                                    f"{parts.loc[s, c]:,.6g}")
    expected = parts.mul(probs, axis=0).sum()
    scale = max(1.0, abs(float(expected["total"])))
    if abs(plan.expected_cost - float(expected["total"])) > COST_REL_TOL * scale:
        problems.append(f"expected cost {plan.expected_cost:,.6g} in the plan, its flows cost {expected['total']:,.6g}")
    breakdown = plan.extras.get("cost_breakdown") or {}
    for c, value in breakdown.items():
        if c not in COST_PARTS:
            problems.append(f"cost part {c} ({value:,.6g}) is reported but this checker does not re-derive it")
        elif c != "take_or_pay_excess" and abs(value - float(expected[c])) > COST_REL_TOL * scale:
            problems.append(f"expected {c} reported {value:,.6g}, recomputed {expected[c]:,.6g}")
    if breakdown and abs(sum(breakdown.values()) - plan.expected_cost) > COST_REL_TOL * scale:
        problems.append(f"the cost breakdown sums to {sum(breakdown.values()):,.6g}, not the expected cost "
                        f"{plan.expected_cost:,.6g}")
    return _capped(problems)


def _cvar(values: dict[str, float], probs: dict[str, float], alpha: float) -> float:
    """Rockafellar-Uryasev: min over eta of eta + E[(X - eta)+] / (1 - alpha); for a discrete
    distribution the minimum is reached at one of the outcomes."""
    if not values:
        return 0.0
    return min(eta + sum(probs[s] * max(0.0, x - eta) for s, x in values.items()) / (1.0 - alpha)
               for eta in values.values())


def risk_measures(case: Case, plan: Plan) -> dict[str, float]:
    """Every risk measure, from the plan's flows: the unmet share of each scenario (undelivered
    over total demand), its CVaR at cvar_alpha, expectation and maximum; CVaR of the scenario cost;
    exposure, the nominal scenario's purchase spend at base prices on offers of the most
    controlled origin group over all its purchase spend."""
    probs = {s: sc.probability for s, sc in case.scenarios.items()}
    alpha = case.settings.cvar_alpha
    total = sum(d.quantity for d in case.demands)
    unmet = unmet_by_scenario(case, plan)
    share = {s: (u / total if total > 0 else 0.0) for s, u in unmet.items()}
    cost = scenario_cost_parts(case, plan)["total"].to_dict()
    nominal = _nominal(case)
    top = case.groups[-1]
    spend = controlled = 0.0
    for r in _purchases(plan).itertuples():
        if r.scenario == nominal:
            o = case.offers[r.route]
            spend += o.price * r.quantity
            if case.countries[o.origin_country].origin_group == top:
                controlled += o.price * r.quantity
    return {"cvar_shortfall": _cvar(share, probs, alpha), "cvar_cost": _cvar(cost, probs, alpha),
            "expected_shortfall": sum(probs[s] * share[s] for s in probs),
            "worst_shortfall": max(share.values(), default=0.0),
            "exposure": controlled / spend if spend > 1e-9 else 0.0}


def check_risk_measures(case: Case, plan: Plan) -> list[str]:
    """Each scenario's unmet units and share, and every risk measure reported, equal their values
    recomputed from the flows."""
    problems: list[str] = []
    total = sum(d.quantity for d in case.demands)
    unmet = unmet_by_scenario(case, plan)
    for r in plan.scenarios.itertuples():
        if abs(r.unmet_units - unmet[r.scenario]) > TOL * max(1.0, total):
            problems.append(f"scenario {r.scenario}: {r.unmet_units:.6g} units unmet in the plan, "
                            f"{unmet[r.scenario]:.6g} not delivered")
        share = unmet[r.scenario] / total if total > 0 else 0.0
        if abs(r.unmet_share - share) > RISK_TOL:
            problems.append(f"scenario {r.scenario}: unmet share {r.unmet_share:.6g} in the plan, {share:.6g} from "
                            "its deliveries")
    want = risk_measures(case, plan)
    cost_scale = max(1.0, abs(plan.expected_cost))
    for name, value in want.items():
        if name not in plan.metrics:
            problems.append(f"risk measure {name} is not reported")
            continue
        tol = COST_REL_TOL * max(cost_scale, abs(value)) if name == "cvar_cost" else RISK_TOL
        if abs(plan.metrics[name] - value) > tol:
            problems.append(f"{name} reported {plan.metrics[name]:.6g}, recomputed {value:.6g}")
    for name in plan.metrics:
        if name not in want:
            problems.append(f"risk measure {name} is reported but this checker does not re-derive it")
    return _capped(problems)


# ------------------------------------------------------------------------------------ foresight

def information_classes(case: Case) -> dict[int, list[list[str]]]:
    """period -> the groups of scenarios that cannot yet be told apart in it. An event becomes
    known in period start - notice (decisions of that period may already differ); two scenarios
    are told apart in period t once an event known by t is in one and not, identically, in the
    other (same kind, target, window, factor and the same period of becoming known)."""
    known_by = {s: [] for s in case.scenarios}
    for e in case.events:
        known_by[e.scenario].append(e)
    out = {}
    for t in range(1, case.settings.periods + 1):
        groups: dict[frozenset, list[str]] = {}
        for s in case.scenarios:
            seen = frozenset((e.event, e.target, e.start_period, e.end_period, e.factor, e.start_period - e.notice)
                             for e in known_by[s] if e.start_period - e.notice <= t)
            groups.setdefault(seen, []).append(s)
        out[t] = list(groups.values())
    return out


def _decisions(plan: Plan) -> pd.DataFrame:
    """Every per-period decision of the plan as (scenario, what, period, value)."""
    frames = []
    r = plan.routes
    if len(r):
        frames.append(pd.DataFrame({"scenario": r["scenario"], "period": r["period"], "value": r["quantity"],
                                    "what": r["kind"] + " " + r["route"] + " " + r["material"] + " "
                                    + r["origin_group"]}))
    keys = {"stock": (["site", "material", "origin_group"], "level"),
            "deliveries": (["demand", "origin_group"], "quantity"),
            "inputs": (["process", "material", "origin_group"], "quantity"),
            "discards": (["site", "material", "origin_group"], "quantity")}
    served = plan.substitutes_served
    if len(served):
        frames.append(pd.DataFrame({"scenario": served["scenario"], "period": served["period"],
                                    "value": served["quantity_delivered"],
                                    "what": "substitute " + served["demand"] + " " + served["substitute"] + " "
                                    + served["origin_group"]}))
    for name, (cols, value) in keys.items():
        d = plan.detail.get(name)
        if d is None or not len(d):
            continue
        what = name + " " + d[cols].astype(str).agg(" ".join, axis=1)
        frames.append(pd.DataFrame({"scenario": d["scenario"], "period": d["period"], "value": d[value],
                                    "what": what}))
    if not frames:
        return pd.DataFrame(columns=["scenario", "period", "value", "what"])
    return pd.concat(frames, ignore_index=True)


def check_non_anticipativity(case: Case, plan: Plan) -> list[str]:
    """In every period, scenarios that cannot yet be told apart take the same decisions (purchases,
    shipments, production, stock, deliveries, process inputs, discards)."""
    problems: list[str] = []
    decisions = _decisions(plan)
    if not len(decisions) or len(case.scenarios) < 2:
        return problems
    table = decisions.pivot_table(index=["period", "what"], columns="scenario", values="value", aggfunc="sum",
                                  fill_value=0.0)
    for s in case.scenarios:
        if s not in table.columns:
            table[s] = 0.0
    for t, classes in information_classes(case).items():
        if t not in table.index.get_level_values(0):
            continue
        rows = table.loc[t]
        for members in classes:
            if len(members) < 2:
                continue
            first = rows[members[0]]
            for other in members[1:]:
                diff = (rows[other] - first).abs()
                bad = diff[diff > TOL * first.abs().clip(lower=1.0)]
                for what in bad.index[:3]:
                    problems.append(f"scenarios {members[0]} and {other} cannot be told apart in period {t}, but "
                                    f"{what} is {first[what]:.6g} in one and {rows.loc[what, other]:.6g} in the other")
    return _capped(problems)


CHECKS = (
    check_orders,
    check_balances,
    check_stock_limits,
    check_capacities,
    check_processes,
    check_demand,
    check_export_controls,
    check_technology_bans,
    check_policies,
    check_take_or_pay,
    check_costs,
    check_risk_measures,
    check_non_anticipativity,
)


def check_plan(case: Case, plan: Plan) -> list[str]:
    """Every check in CHECKS on one plan; an empty list means the plan is consistent."""
    problems: list[str] = []
    for check in CHECKS:
        problems.extend(check(case, plan))
    return problems
