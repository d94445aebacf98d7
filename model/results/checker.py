"""An independent check of a plan: plain pandas on the plan's tables and the case, no Pyomo and
none of the model's index code. It re-derives, from DESIGN.md §4 directly, that balances close
(co-products and their discards included), capacities hold, lead times are respected, active bans
carry nothing, origin rules hold and clean stores hold only clean stock; scheduled receipts,
storage options' room and substitutes' shares and qualifications are accounted for.

``check_plan`` returns a list of violations in words; an empty list means the plan is consistent.
"""

from __future__ import annotations

from collections import defaultdict

from ..case.case import Case
from .tables import Plan

TOL = 1e-5


def _rank(case: Case) -> dict[str, int]:
    return {g: i for i, g in enumerate(case.groups)}


def _active_events(case: Case, scenario: str, kind: str, t: int):
    return [e for e in case.events if e.scenario == scenario and e.event == kind
            and e.start_period <= t <= e.end_period]


def _outage(case: Case, scenario: str, t: int, targets: set[tuple[str, str]]) -> float:
    """Share of capacity left; targets are (kind, id) pairs, material groups in lower case."""
    f = 1.0
    for e in _active_events(case, scenario, "outage", t):
        key = (e.target_kind, e.target.lower() if e.target_kind == "group" else e.target)
        if key in targets:
            f *= e.factor
    return f


def _offer_targets(case: Case, o) -> set[tuple[str, str]]:
    """An offer is hit by an outage on itself, its site, its material or one of the material's groups."""
    groups = {("group", g.lower()) for g in case.materials[o.material].groups}
    return {("offer", o.offer), ("site", o.site), ("material", o.material)} | groups


def _rule_cap(case: Case, rule, scenario: str, t: int):
    """What the rule allows in (scenario, period): None if inactive."""
    if rule.status == "in_force":
        windows = [(rule.start_period, rule.end_period)]
    elif rule.status == "scenario":
        windows = [(e.start_period, e.end_period) for e in case.events
                   if e.scenario == scenario and e.event == "rule" and e.target == rule.rule]
    else:
        windows = []
    caps = []
    for a, b in windows:
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
        return rule.extraterritorial and bool(rule.to_owners) and (
            "*" in rule.to_owners or dest.owner in rule.to_owners)
    return True


def check_plan(case: Case, plan: Plan) -> list[str]:
    problems: list[str] = []
    T = case.settings.periods
    rank = _rank(case)
    routes = plan.routes
    stock = plan.detail["stock"]
    deliveries = plan.detail["deliveries"]
    inputs = plan.detail["inputs"]
    discards = plan.detail["discards"]
    lanes = {ln.lane: ln for ln in case.lanes}

    # lead times and the horizon
    for r in routes.itertuples():
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
            supplier = plan.suppliers.set_index("offer").loc[r.route]
            if o.needs_contract and supplier["contracted"] != "yes":
                problems.append(f"purchase {r.route} without a contract")
            if not o.qualified and supplier["qualification_started"] != "yes":
                problems.append(f"purchase {r.route} without qualification")

    # balances per scenario, site, material, group, period
    net = defaultdict(float)
    for r in routes.itertuples():
        if r.kind == "purchase":
            net[(r.scenario, r.to, r.material, r.origin_group, r.arrival_period)] += r.quantity
        elif r.kind == "shipment":
            net[(r.scenario, r.to, r.material, r.origin_group, r.arrival_period)] += r.quantity
            net[(r.scenario, r.route.split(">", 1)[0], r.material, r.origin_group, r.period)] -= r.quantity
        else:  # production of an output or of a co-product
            net[(r.scenario, r.to, r.material, r.origin_group, r.period)] += r.quantity
    for r in discards.itertuples():
        net[(r.scenario, r.site, r.material, r.origin_group, r.period)] -= r.quantity
        if not any(r.material == cp for p in case.processes.values() if p.site == r.site for cp, _ in p.coproducts):
            problems.append(f"{r.material} discarded at {r.site}, which makes no such co-product")
    for r in inputs.itertuples():
        net[(r.scenario, r.site, r.material, r.origin_group, r.period)] -= r.quantity
    for r in deliveries.itertuples():
        net[(r.scenario, r.site, r.material, r.origin_group, r.period)] -= r.quantity
    served = plan.substitutes_served
    for r in served.itertuples():
        net[(r.scenario, r.site, r.substitute_material, r.origin_group, r.period)] -= r.quantity_delivered
    for s in case.scenarios:  # open orders arrive in every scenario
        for rc in case.receipts:
            net[(s, rc.site, rc.material, rc.origin_group, rc.period)] += rc.quantity
    level = defaultdict(float)
    for r in stock.itertuples():
        level[(r.scenario, r.site, r.material, r.origin_group, r.period)] = r.level
        if not case.sites[r.site].stocks:
            problems.append(f"stock at non-stocking site {r.site}")
    for s in case.scenarios:  # initial stock must be accounted for even if nothing else moves
        for inv in case.inventories.values():
            if inv.initial_stock:
                net[(s, inv.site, inv.material, inv.initial_origin_group, 1)] += 0.0
    keys = {k[:4] for k in list(net) + list(level)}
    for (s, site, mat, g) in keys:
        inv = case.inventories.get((site, mat))
        prev = inv.initial_stock if inv is not None and inv.initial_origin_group == g else 0.0
        for t in range(1, T + 1):
            now = level.get((s, site, mat, g, t), 0.0)
            gap = prev + net.get((s, site, mat, g, t), 0.0) - now
            if abs(gap) > TOL * max(1.0, abs(now)):
                problems.append(f"balance off by {gap:.6g} at {site} {mat} {g} period {t} scenario {s}")
            prev = now

    # stock limits; a clean store (max_origin_group) holds no dirtier stock, and only its clean stock
    # counts towards min_stock and end_stock_min
    totals = stock.groupby(["scenario", "site", "material", "period"])["level"].sum()
    taken = set(plan.storage[plan.storage["taken"] == "yes"]["option"]) if len(plan.storage) else set()
    room_used = defaultdict(float)  # (option, scenario, period) -> room its materials use above max_stock
    hard_end = case.hard_end_stock_scenario
    for (site, mat), inv in case.inventories.items():
        held = stock[(stock["site"] == site) & (stock["material"] == mat)]
        if inv.max_origin_group is not None:
            dirty = held[held["origin_group"].map(rank) > rank[inv.max_origin_group]]
            for r in dirty.itertuples():
                if r.level > TOL:
                    problems.append(f"stock {site} {mat} holds {r.level:.6g} of group {r.origin_group} in period "
                                    f"{r.period} scenario {r.scenario}, above its max_origin_group")
            held = held[held["origin_group"].map(rank) <= rank[inv.max_origin_group]]
        clean_totals = held.groupby(["scenario", "period"])["level"].sum()
        for s in case.scenarios:
            for t in range(1, T + 1):
                v = float(totals.get((s, site, mat, t), 0.0))
                v_clean = float(clean_totals.get((s, t), 0.0))
                if inv.max_stock is not None and v > inv.max_stock + TOL:
                    # above max_stock only in the room of a storage option taken, ready and naming it
                    rooms = [o for o in case.storage_options.values() if o.option in taken and o.site == site
                             and mat in o.materials and t > o.build_periods]
                    if not rooms:
                        problems.append(f"stock {site} {mat} {v:.6g} above max in period {t} scenario {s}")
                    else:  # shared room: charged to the first option, checked in total below
                        room_used[(rooms[0].option, s, t)] += v - inv.max_stock
                if v_clean < inv.min_stock - TOL:
                    problems.append(f"stock {site} {mat} {v_clean:.6g} below min in period {t} scenario {s}")
                if t == T and s == hard_end and v_clean < inv.end_stock_min - TOL:
                    problems.append(f"end stock {site} {mat} {v_clean:.6g} below end_stock_min in scenario {s}")
    for (opt, s, t), used in room_used.items():
        site_options = [o for o in case.storage_options.values() if o.option in taken
                        and o.site == case.storage_options[opt].site and t > o.build_periods]
        if used > sum(o.extra_max_stock for o in site_options) + TOL:
            problems.append(f"stock at {case.storage_options[opt].site} uses {used:.6g} of storage room in period "
                            f"{t} scenario {s}, more than the options taken add")

    # capacities (with outages)
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
            if not p.exists and (t <= p.build_periods or
                                 plan.processes.set_index("process").loc[route, "built"] != "yes"):
                problems.append(f"process {route} produces in period {t} without being built and ready")
        limit = (cap * f) if cap is not None else (float("inf") if f > 0 else 0.0)
        if q > limit + TOL * max(1.0, limit if limit != float("inf") else 1.0):
            problems.append(f"{kind} {route} moves {q:.6g} in period {t} scenario {s}, capacity {limit:.6g}")

    # bills of materials and origin: inputs no more controlled than the output they make
    made = routes[routes["kind"] == "production"]
    for p in case.processes.values():
        out = made[made["route"] == p.process]
        for mat, ratio in p.inputs:
            used = inputs[(inputs["process"] == p.process) & (inputs["material"] == mat)]
            for (s, t), grp in used.groupby(["scenario", "period"]):
                produced = out[(out["scenario"] == s) & (out["period"] == t)]
                if abs(grp["quantity"].sum() - ratio * produced["quantity"].sum()) > TOL * max(1.0, grp["quantity"].sum()):
                    problems.append(f"process {p.process} uses {grp['quantity'].sum():.6g} {mat} in period {t}")
                for k in range(1, len(case.groups)):
                    dirty_in = grp[grp["origin_group"].map(rank) >= k]["quantity"].sum()
                    dirty_out = produced[produced["origin_group"].map(rank) >= k]["quantity"].sum()
                    if dirty_in > ratio * dirty_out + TOL:
                        problems.append(f"process {p.process} launders {mat} of group rank >= {k} in period {t}")
        site_rank = rank[case.countries[case.sites[p.site].country].origin_group]
        if len(out) and (out["origin_group"].map(rank) < site_rank).any():
            problems.append(f"process {p.process} output cleaner than its site's group")
        # co-products: ratio x output, with the output's origin group, in the same period
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

    # demand: origin limits and no over-delivery
    demand_by_id = {(d.demand, d.period): d for d in case.demands}
    for r in deliveries.itertuples():
        d = demand_by_id[(r.demand, r.period)]
        if d.max_origin_group is not None and rank[r.origin_group] > rank[d.max_origin_group]:
            problems.append(f"demand {r.demand} period {r.period} gets {r.origin_group} material")
    got = deliveries.groupby(["scenario", "demand", "period"])["quantity"].sum()
    if len(served):  # a substitute serves quantity_delivered / per_unit of the demand row
        got = got.add(served.groupby(["scenario", "demand", "period"])["quantity_served"].sum(), fill_value=0.0)
    for (s, d_id, t), q in got.items():
        if q > demand_by_id[(d_id, t)].quantity + TOL:
            problems.append(f"demand {d_id} period {t} over-delivered in scenario {s}")
    subs = {sub.key: sub for sub in case.substitutes}
    qualified = set(plan.substitutes[plan.substitutes["qualified"] == "yes"]["substitute"]) if len(
        plan.substitutes) else set()
    for r in served.itertuples():
        d, sub = demand_by_id[(r.demand, r.period)], subs[r.substitute]
        if abs(r.quantity_served * sub.per_unit - r.quantity_delivered) > TOL * max(1.0, r.quantity_delivered):
            problems.append(f"substitute {r.substitute} serves {r.quantity_served:.6g} with {r.quantity_delivered:.6g}")
        if d.max_origin_group is not None and rank[r.origin_group] > rank[d.max_origin_group]:
            problems.append(f"demand {r.demand} period {r.period} gets substitute {r.origin_group} material")
        if r.substitute not in qualified or r.period < sub.first_period:
            problems.append(f"substitute {r.substitute} serves demand {r.demand} in period {r.period} before it is "
                            "qualified and usable")
    if len(served):
        share = served.groupby(["scenario", "demand", "period", "substitute"])["quantity_served"].sum()
        for (s, d_id, t, key), q in share.items():
            if q > subs[key].max_share * demand_by_id[(d_id, t)].quantity + TOL:
                problems.append(f"substitute {key} serves {q:.6g} of demand {d_id} period {t} scenario {s}, "
                                "above its max_share")

    # export controls, re-derived
    for rule in case.rules.values():
        if rule.is_technology_ban:
            continue
        flows = defaultdict(float)
        for r in routes[routes["kind"].isin(("purchase", "shipment"))].itertuples():
            if r.kind == "purchase":
                o = case.offers[r.route]
                covered = _covered(case, rule, o.material, o.origin_country, o.site, r.origin_group)
            else:
                from_site = r.route.split(">", 1)[0]
                covered = _covered(case, rule, r.material, case.sites[from_site].country, r.to, r.origin_group)
            if covered:
                flows[(r.scenario, r.period)] += r.quantity
        for (s, t), q in flows.items():
            cap = _rule_cap(case, rule, s, t)
            if cap is not None and q > cap + TOL:
                problems.append(f"rule {rule.rule} allows {cap:.6g} in period {t} scenario {s}, flows {q:.6g}")
    return problems
