"""Constraint families, one function each, named after what it enforces (docs/model.md).

Every family is indexed on the scenario tree's nodes (period, representative scenario): scenarios
that cannot yet be told apart share the node's variables, which is how non-anticipativity holds.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from .index import CaseIndex

_SKIP = pyo.Constraint.Skip


def _slack(m: pyo.ConcreteModel, ix: CaseIndex, *key):
    """0, or in an elastic model (explaining an infeasible case) a penalised slack on the row
    ``key`` names, so that the rows that cannot hold come out with a positive slack."""
    return m.elastic_slack[key] if ix.elastic else 0.0


def _cap(value: float | None, factor: float, big_m: float) -> float:
    """Capacity after an outage factor; a blank capacity is unlimited (big-M) unless factor is 0."""
    if factor == 0:
        return 0.0
    return big_m if value is None else value * factor


def material_balance(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """For each site, material, origin group and node: stock carried in (the initial stock in
    period 1) + arrivals (purchases and shipments placed lead_time earlier, and scheduled receipts
    of the period) + production (a process's output, and ratio x output of each of its co-products)
    = stock carried out + shipments out + process inputs + deliveries (to demands of the material,
    and to demands it substitutes for) + co-products discarded. Sites other than own/warehouse carry
    no stock."""
    case = ix.case
    inflow: dict[tuple, list] = defaultdict(list)
    outflow: dict[tuple, list] = defaultdict(list)
    nodes_by_t = defaultdict(list)
    for t, n in ix.nodes:
        nodes_by_t[t].append(n)
    offers = case.offers
    lanes = ix.lanes_by_id
    # arrivals: an order placed at node (t0, n0) arrives in every node (t0 + L, n) descending from it
    descendants = defaultdict(list)
    for t, n in ix.nodes:
        for t0 in range(1, t + 1):
            descendants[(t0, ix.node_of[(t0, n)], t)].append(n)
    for (o_id, t0, n0), var in m.buy.items():
        o = offers[o_id]
        t = t0 + o.lead_time
        for n in set(descendants[(t0, n0, t)]):
            inflow[(o.site, o.material, case.offer_group(o_id), t, n)].append(var)
    for (l_id, mat, g, t0, n0), var in m.ship.items():
        lane = lanes[l_id]
        t = t0 + lane.lead_time
        for n in set(descendants[(t0, n0, t)]):
            inflow[(lane.to_site, mat, g, t, n)].append(var)
        outflow[(lane.from_site, mat, g, t0, n0)].append(var)
    for (p_id, g, t, n), var in m.make.items():
        p = case.processes[p_id]
        inflow[(p.site, p.output, g, t, n)].append(var)
        for cp, ratio in p.coproducts:  # the basket: ratio x output, with the output's group
            inflow[(p.site, cp, g, t, n)].append(ratio * var)
    for key, var in m.discard.items():
        outflow[key].append(var)
    for (p_id, mat, g, t, n), var in m.use.items():
        outflow[(case.processes[p_id].site, mat, g, t, n)].append(var)
    demand_by_id = ix.demand
    for (d_id, t, g, n), var in m.deliver.items():
        d = demand_by_id[(d_id, t)]
        outflow[(d.site, d.material, g, t, n)].append(var)
    subs = ix.substitutes_by_key
    for (d_id, t, key, g, n), var in m.deliver_substitute.items():
        outflow[(demand_by_id[(d_id, t)].site, subs[key].substitute, g, t, n)].append(var)
    received: dict[tuple, float] = defaultdict(float)
    for r in case.receipts:  # already paid and on their way: the same arrival in every node
        received[(r.site, r.material, r.origin_group, r.period)] += r.quantity
    for (site, mat, g, t) in received:
        for n in nodes_by_t[t]:
            inflow.setdefault((site, mat, g, t, n), [])
    stock_keys = set(m.stock.keys())
    for (site, mat, g, t, n) in stock_keys:
        outflow[(site, mat, g, t, n)].append(m.stock[site, mat, g, t, n])
        if t > 1:
            inflow[(site, mat, g, t, n)].append(m.stock[site, mat, g, t - 1, ix.node_of[(t - 1, n)]])

    def initial(site, mat, g, t):
        inv = case.inventories.get((site, mat))
        start = inv.initial_stock if t == 1 and inv is not None and inv.initial_origin_group == g else 0.0
        return start + received.get((site, mat, g, t), 0.0)

    keys = sorted(set(inflow) | set(outflow), key=str)
    m.balance_index = pyo.Set(initialize=keys, dimen=5, ordered=True)

    def rule(_, site, mat, g, t, n):
        lhs = sum(inflow.get((site, mat, g, t, n), [])) + initial(site, mat, g, t)
        rhs = sum(outflow.get((site, mat, g, t, n), []))
        if isinstance(lhs, (int, float)) and isinstance(rhs, (int, float)):
            return _SKIP
        return lhs == rhs

    m.material_balance = pyo.Constraint(m.balance_index, rule=rule)


def process_bill_of_materials(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Each input is consumed at per_unit_output x output, over all origin groups together."""
    case = ix.case
    index = []
    for p in case.processes.values():
        for mat, ratio in p.inputs:
            for t, n in ix.nodes:
                if (p.process, case.groups[-1], t, n) in m.make or any(
                        (p.process, g, t, n) in m.make for g in case.groups):
                    index.append((p.process, mat, t, n))

    def rule(_, p_id, mat, t, n):
        p = case.processes[p_id]
        ratio = dict(p.inputs)[mat]
        used = sum(m.use[p_id, mat, g, t, n] for g in case.groups if (p_id, mat, g, t, n) in m.use)
        made = sum(m.make[p_id, g, t, n] for g in case.groups if (p_id, g, t, n) in m.make)
        return used == ratio * made

    m.process_bill_of_materials = pyo.Constraint(index, rule=rule)


def process_output_origin(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """A process's output carries exactly the most controlled group of its inputs and its site
    (its site's group by the index of make). Never cleaner: inputs of group k or more controlled
    can only go into output of group k or more controlled, i.e. for every k: input of groups >= k
    <= ratio x output of groups >= k. Never more controlled (a label that would escape a rule of a
    less controlled issuer): output of a group g above its site's holds an input of group g, i.e.
    output of group g <= the sum over inputs of (their group-g use / their ratio)."""
    _output_never_cleaner_than_inputs(m, ix)
    _output_never_more_controlled_than_inputs(m, ix)


def _output_never_more_controlled_than_inputs(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    case = ix.case
    index = [(p_id, g, t, n) for (p_id, g, t, n) in m.make
             if ix.rank[g] > ix.rank[case.site_group(case.processes[p_id].site)]]

    def rule(_, p_id, g, t, n):
        backing = [m.use[p_id, mat, g, t, n] / ratio for mat, ratio in case.processes[p_id].inputs
                   if ratio > 0 and (p_id, mat, g, t, n) in m.use]
        return m.make[p_id, g, t, n] <= sum(backing)

    m.process_output_origin_backed = pyo.Constraint(index, rule=rule)


def _output_never_cleaner_than_inputs(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    case = ix.case
    index = []
    for p in case.processes.values():
        for mat, _ in p.inputs:
            for t, n in ix.nodes:
                for k in range(1, len(case.groups)):
                    if any((p.process, mat, g, t, n) in m.use for g in case.groups[k:]):
                        index.append((p.process, mat, k, t, n))

    def rule(_, p_id, mat, k, t, n):
        ratio = dict(case.processes[p_id].inputs)[mat]
        dirty_in = sum(m.use[p_id, mat, g, t, n] for g in case.groups[k:] if (p_id, mat, g, t, n) in m.use)
        dirty_out = sum(m.make[p_id, g, t, n] for g in case.groups[k:] if (p_id, g, t, n) in m.make)
        return dirty_in <= ratio * dirty_out

    m.process_output_origin = pyo.Constraint(index, rule=rule)


def demand_satisfaction(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Deliveries of every origin group, plus deliveries of each substitute divided by its
    per_unit, plus the unmet quantity equal the demand, per node."""
    demand_by_id = ix.demand
    delivered = defaultdict(list)
    for (d_id, t, g, n), var in m.deliver.items():
        delivered[(d_id, t, n)].append(var)
    subs = ix.substitutes_by_key
    for (d_id, t, key, g, n), var in m.deliver_substitute.items():
        delivered[(d_id, t, n)].append(var / subs[key].per_unit)

    def rule(_, d_id, t, n):
        return sum(delivered[(d_id, t, n)]) + m.unmet[d_id, t, n] == demand_by_id[(d_id, t)].quantity

    m.demand_satisfaction = pyo.Constraint(list(m.unmet.keys()), rule=rule)


def demand_origin_limit(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """A demand with max_origin_group takes no delivery of a more controlled group (DFARS: free),
    of its own material or of a substitute."""
    demand_by_id = ix.demand

    def dirty(d_id, t, g) -> bool:
        d = demand_by_id[(d_id, t)]
        return d.max_origin_group is not None and ix.rank[g] > ix.rank[d.max_origin_group]

    index = [k for k in m.deliver.keys() if dirty(k[0], k[1], k[2])]
    m.demand_origin_limit = pyo.Constraint(index, rule=lambda _, d, t, g, n: m.deliver[d, t, g, n] == 0)
    sub_index = [k for k in m.deliver_substitute.keys() if dirty(k[0], k[1], k[3])]
    m.demand_origin_limit_substitute = pyo.Constraint(
        sub_index, rule=lambda _, d, t, key, g, n: m.deliver_substitute[d, t, key, g, n] == 0)


def substitute_limits(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Per demand row, substitute and node: deliveries of the substitute / per_unit (the demand it
    serves) <= max_share x the row's quantity, and zero unless the substitute is qualified (one
    that needs qualification is started once, and serves from period qualification_periods + 1:
    earlier periods have no delivery variable)."""
    demand_by_id = ix.demand
    subs = ix.substitutes_by_key
    served = defaultdict(list)
    for (d_id, t, key, g, n), var in m.deliver_substitute.items():
        served[(d_id, t, key, n)].append(var)

    def rule(_, d_id, t, key, n):
        sub = subs[key]
        cap = sub.max_share * demand_by_id[(d_id, t)].quantity
        lhs = sum(served[(d_id, t, key, n)]) / sub.per_unit
        return lhs <= cap * m.qualify_substitute[key] if sub.needs_qualification else lhs <= cap

    m.substitute_limits = pyo.Constraint(sorted(served, key=str), rule=rule)


def offer_capacity(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Purchases per period are within the offer's capacity times any outage factor, and zero unless
    the offer is contracted (spot offers need no contract)."""
    case = ix.case

    def rule(_, o_id, t, n):
        o = case.offers[o_id]
        cap = _cap(o.capacity_per_period, ix.offer_factor(o, t, n), ix.big_m)
        if o.needs_contract:
            return m.buy[o_id, t, n] <= cap * m.contract[o_id]
        return m.buy[o_id, t, n] <= cap

    m.offer_capacity = pyo.Constraint(list(m.buy.keys()), rule=rule)


def offer_qualification(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """An unqualified offer is bought from only if its qualification was started (orders before
    period qualification_periods + 1 do not exist at all, see the buy index)."""
    case = ix.case
    index = [k for k in m.buy.keys() if case.offers[k[0]].needs_qualification]

    def rule(_, o_id, t, n):
        o = case.offers[o_id]
        cap = _cap(o.capacity_per_period, 1.0, ix.big_m)
        return m.buy[o_id, t, n] <= cap * m.qualify[o_id]

    m.offer_qualification = pyo.Constraint(index, rule=rule)


def take_or_pay(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """A contracted offer with min_per_period pays for max(bought, minimum) in every period whose
    order can arrive within the horizon: unpaid_minimum >= minimum x contract - bought."""
    case = ix.case

    def rule(_, o_id, t, n):
        o = case.offers[o_id]
        bought = m.buy[o_id, t, n] if (o_id, t, n) in m.buy else 0.0
        return m.unpaid_minimum[o_id, t, n] >= o.min_per_period * m.contract[o_id] - bought

    m.take_or_pay = pyo.Constraint(list(m.unpaid_minimum.keys()), rule=rule)


def process_capacity(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Output per period (all origin groups) is within capacity times any outage factor, and zero
    unless the process exists or is built (it produces from period build_periods + 1)."""
    case = ix.case
    made = defaultdict(list)
    for (p_id, g, t, n), var in m.make.items():
        made[(p_id, t, n)].append(var)

    def rule(_, p_id, t, n):
        p = case.processes[p_id]
        cap = _cap(p.capacity_per_period, ix.process_factor(p, t, n), ix.big_m)
        if not p.exists:
            return sum(made[(p_id, t, n)]) <= cap * m.build[p_id]
        return sum(made[(p_id, t, n)]) <= cap

    m.process_capacity = pyo.Constraint(sorted(made, key=str), rule=rule)


def technology_bans(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """A technology ban in force forbids building a process of the issuer's named technology; a
    scenario ban active from a period <= build_periods leaves a built plant idle in that scenario."""
    case = ix.case
    forbidden = [p.process for p in case.processes.values() if not p.exists and ix.build_forbidden(p)]
    m.technology_ban_build = pyo.Constraint(forbidden, rule=lambda _, p: m.build[p] == 0)
    stranded = [k for k in m.make.keys() if not case.processes[k[0]].exists
                and ix.build_stranded(case.processes[k[0]], k[3])]
    m.technology_ban_output = pyo.Constraint(stranded, rule=lambda _, p, g, t, n: m.make[p, g, t, n] == 0)


def lane_capacity(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Shipments on a lane per period (all materials and groups) are within its capacity times any
    outage factor; a lane under a full outage carries nothing even if its capacity is blank."""
    lanes = ix.lanes_by_id
    shipped = defaultdict(list)
    for (l_id, mat, g, t, n), var in m.ship.items():
        shipped[(l_id, t, n)].append(var)
    index = [k for k in shipped if lanes[k[0]].capacity_per_period is not None
             or ix.lane_factor(lanes[k[0]], k[1], k[2]) == 0]

    def rule(_, l_id, t, n):
        lane = lanes[l_id]
        return sum(shipped[(l_id, t, n)]) <= _cap(lane.capacity_per_period, ix.lane_factor(lane, t, n), ix.big_m)

    m.lane_capacity = pyo.Constraint(sorted(index, key=str), rule=rule)


def _stock_sums(m: pyo.ConcreteModel, ix: CaseIndex, period: int | None = None):
    """End-of-period stock per (site, material, period, node): all groups, and the groups that count
    towards the row's floors (group max_origin_group or cleaner, where the row sets one); only
    ``period``'s where one is given."""
    case = ix.case
    stocked = defaultdict(list)
    clean = defaultdict(list)
    for (site, mat, g, t, n), var in m.stock.items():
        if period is not None and t != period:
            continue
        stocked[(site, mat, t, n)].append(var)
        inv = case.inventories.get((site, mat))
        if inv is None or inv.max_origin_group is None or ix.rank[g] <= ix.rank[inv.max_origin_group]:
            clean[(site, mat, t, n)].append(var)
    return stocked, clean


def stock_limits(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """End-of-period stock (all origin groups) is within [min_stock, max_stock + the room the
    material uses of the storage options taken at its site]. Where the inventory row sets
    max_origin_group g, min_stock counts only stock of group g or cleaner."""
    case = ix.case
    stocked, clean = _stock_sums(m, ix)
    room = defaultdict(list)
    for (opt, mat, t, n), var in m.storage_room.items():
        room[(case.storage_options[opt].site, mat, t, n)].append(var)
    low, high = [], []
    for key in stocked:
        inv = case.inventories.get(key[:2])
        if inv is None:
            continue
        if inv.min_stock > 0:
            low.append(key)
        if inv.max_stock is not None:
            high.append(key)
    m.stock_min = pyo.Constraint(low, rule=lambda _, s, mt, t, n: sum(clean[(s, mt, t, n)])
                                 + _slack(m, ix, "min_stock", s, mt, t, n) >= case.inventories[(s, mt)].min_stock)
    m.stock_max = pyo.Constraint(high, rule=lambda _, s, mt, t, n: sum(stocked[(s, mt, t, n)])
                                 <= case.inventories[(s, mt)].max_stock + sum(room[(s, mt, t, n)]))


def storage_option_room(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Per storage option, period (from build_periods + 1) and node: the room its materials use,
    summed, is at most extra_max_stock x taken."""
    case = ix.case
    used = defaultdict(list)
    for (opt, mat, t, n), var in m.storage_room.items():
        used[(opt, t, n)].append(var)
    m.storage_option_room = pyo.Constraint(sorted(used, key=str), rule=lambda _, o, t, n: sum(used[(o, t, n)])
                                           <= case.storage_options[o].extra_max_stock * m.take_storage[o])


def end_of_horizon_stock(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """At the horizon, in the nominal scenario's node: stock (of group max_origin_group or cleaner,
    where the row sets one) >= end_stock_min (business as usual hands the stockpile on as it found
    it). In every other node at the horizon: end_stock_below >= end_stock_min - that stock, each
    unit below priced at end_stock_value in the scenario's cost (a crisis that lasts to the horizon
    draws the stockpile down rather than leave customers short to refill it)."""
    case = ix.case
    T = ix.T
    _, clean = _stock_sums(m, ix, period=T)
    hard = [(s, mt, T, ix.hard_end_node) for (s, mt), inv in case.inventories.items()
            if inv.end_stock_min > 0 and ix.hard_end_node is not None]
    m.stock_end_min = pyo.Constraint(hard, rule=lambda _, s, mt, t, n: sum(clean[(s, mt, t, n)])
                                     + _slack(m, ix, "end_stock_min", s, mt, t, n)
                                     >= case.inventories[(s, mt)].end_stock_min)
    m.end_stock_priced = pyo.Constraint(
        list(m.end_stock_below.keys()), rule=lambda _, s, mt, n: m.end_stock_below[s, mt, n]
        + sum(clean[(s, mt, T, n)]) >= case.inventories[(s, mt)].end_stock_min)


def clean_stock(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """At a site whose inventory row sets max_origin_group g (a DFARS store: free), stock of a group
    more controlled than g held at the end of any period is zero; material of such a group may still
    pass through the site within the period."""
    case = ix.case
    dirty = [k for k in m.stock.keys()
             if (inv := case.inventories.get(k[:2])) is not None and inv.max_origin_group is not None
             and ix.rank[k[2]] > ix.rank[inv.max_origin_group]]
    m.clean_stock = pyo.Constraint(dirty, rule=lambda _, s, mt, g, t, n: m.stock[s, mt, g, t, n] == 0)


def export_controls(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """For each flow rule (ban, licence, quota) and node where it is active: covered purchases and
    shipments, summed, are at most what the rule allows (0 for a ban or a licence still in review)."""
    case = ix.case
    covered = defaultdict(list)
    rules = ix.flow_rules
    for r in rules:
        offer_covered = {o_id: ix.covers_purchase(r, o) for o_id, o in case.offers.items()}  # once per offer
        for (o_id, t, n), var in m.buy.items():
            if offer_covered[o_id]:
                covered[(r.rule, t, n)].append(var)
    lanes = ix.lanes_by_id
    cover_cache: dict = {}
    for (l_id, mat, g, t, n), var in m.ship.items():
        for r in rules:
            key = (r.rule, l_id, mat, g)
            if key not in cover_cache:
                cover_cache[key] = ix.covers_shipment(r, lanes[l_id], mat, g)
            if cover_cache[key]:
                covered[(r.rule, t, n)].append(var)
    limits = {}
    for (r_id, t, n) in covered:
        cap = ix.rule_limit(case.rules[r_id], t, n)
        if cap is not None:
            limits[(r_id, t, n)] = cap
    m.export_controls = pyo.Constraint(sorted(limits, key=str),
                                       rule=lambda _, r, t, n: sum(covered[(r, t, n)]) <= limits[(r, t, n)])


def _nominal_purchases(m, ix: CaseIndex):
    """buy variables of the nominal scenario, by offer."""
    nominal = ix.case.nominal_scenario
    out = defaultdict(list)
    for (o_id, t, n), var in m.buy.items():
        if ix.node_of[(t, nominal)] == n:
            out[o_id].append(var)
    return out


def sourcing_policies(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Policies sheet. Shares are of the material's purchases over the horizon in the nominal
    scenario: origin group >= target at most v x all; any one supplier (owner) at most v x all.
    Supplier counts: distinct owners with a contracted offer of the material within [min, max]."""
    case = ix.case
    bought = _nominal_purchases(m, ix)
    share_rows, count_rows = [], []
    owners_of: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for o in case.offers.values():
        owners_of[o.material][case.sites[o.site].owner].append(o.offer)
    for i, pol in enumerate(case.policies):
        for mat in pol.materials:
            offers = [o for o in case.offers.values() if o.material == mat]
            if not offers:
                continue
            total = sum(v for o in offers for v in bought[o.offer])
            if pol.policy == "max_share_origin":
                dirty = sum(v for o in offers if ix.rank[case.offer_group(o.offer)] >= ix.rank[pol.target]
                            for v in bought[o.offer])
                share_rows.append((dirty, pol.value * total, (i, mat, "")))
            elif pol.policy == "max_share_supplier":
                for owner, ids in owners_of[mat].items():
                    share_rows.append((sum(v for o in ids for v in bought[o]), pol.value * total, (i, mat, owner)))
            else:
                count_rows.append((i, mat, pol))
    m.policy_share = pyo.ConstraintList()
    for lhs, rhs, key in share_rows:
        if not (isinstance(lhs, (int, float)) and isinstance(rhs, (int, float))):
            m.policy_share.add(lhs <= rhs + _slack(m, ix, "policy", *key))
    used_index = sorted({(mat, owner) for _, mat, _ in count_rows for owner in owners_of[mat]})
    m.supplier_used = pyo.Var(used_index, domain=pyo.Binary)
    m.policy_supplier_count = pyo.ConstraintList()
    for mat, owner in used_index:
        contracted = [m.contract[o] for o in owners_of[mat][owner] if o in m.contract]
        m.policy_supplier_count.add(m.supplier_used[mat, owner] <= sum(contracted))
        for var in contracted:
            m.policy_supplier_count.add(m.supplier_used[mat, owner] >= var)
    for i, mat, pol in count_rows:
        count = sum(m.supplier_used[mat, owner] for owner in owners_of[mat])
        if pol.policy == "min_suppliers":
            m.policy_supplier_count.add(count + _slack(m, ix, "policy", i, mat, "") >= pol.value)
        else:
            m.policy_supplier_count.add(count - _slack(m, ix, "policy", i, mat, "") <= pol.value)


CONSTRAINT_FAMILIES = (
    material_balance,
    process_bill_of_materials,
    process_output_origin,
    demand_satisfaction,
    demand_origin_limit,
    offer_capacity,
    offer_qualification,
    take_or_pay,
    process_capacity,
    technology_bans,
    lane_capacity,
    stock_limits,
    storage_option_room,
    end_of_horizon_stock,
    substitute_limits,
    clean_stock,
    export_controls,
    sourcing_policies,
)
