"""Costs, shortfall, purchase spend and the objective (the risk measures are in ``risk.py``).

The objective is ``cost_weight x expected cost + risk_weight x risk - slack_reward x risk slack``
with mutable weights, so one built model serves every stage of a frontier (min cost, min risk,
epsilon points with the AUGMECON2 slack reward) by changing parameters only.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from .index import CaseIndex


# the parts of expected cost, in the order a planner reads them (docs/results.md): paid once, then per period
FIXED_COST_COMPONENTS = ("contracts", "qualification", "builds")
NODE_COST_COMPONENTS = ("purchases", "take_or_pay_excess", "processing", "transport", "holding",
                        "shortfall_penalties", "end_stock")
COST_COMPONENTS = FIXED_COST_COMPONENTS + NODE_COST_COMPONENTS


def add_costs(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """node_cost[node] = purchases (price x price factor x (bought + unpaid minimum)) + processing +
    transport + holding (end-of-period stock) + shortfall penalties + end-stock replacement
    (end_stock_value x units below end_stock_min, at the horizon outside the nominal scenario);
    fixed_cost = contracting + qualification (offers and substitutes) + building (processes and
    storage options), paid once; scenario_cost[s] = fixed + its nodes' costs;
    expected_cost = probability-weighted scenario cost.

    expected_cost_part[c] is the same expected cost split by component c (COST_COMPONENTS:
    contracts, qualification, builds, purchases (price x bought), take_or_pay_excess (price x the
    minimum paid but not taken), processing, transport, holding, shortfall_penalties, end_stock); the parts
    share their terms with node_cost and sum to expected_cost. They are read for the report only:
    neither the objective nor any constraint uses them."""
    case = ix.case
    terms = defaultdict(list)
    parts = {c: defaultdict(list) for c in NODE_COST_COMPONENTS}

    def add(component: str, node, term) -> None:
        terms[node].append(term)
        parts[component][node].append(term)

    for (o_id, t, n), var in m.buy.items():
        o = case.offers[o_id]
        add("purchases", (t, n), o.price * ix.price_factor(o, t, n) * var)
    for (o_id, t, n), var in m.unpaid_minimum.items():
        o = case.offers[o_id]
        add("take_or_pay_excess", (t, n), o.price * ix.price_factor(o, t, n) * var)
    for (p_id, g, t, n), var in m.make.items():
        c = case.processes[p_id].cost_per_unit
        if c:
            add("processing", (t, n), c * var)
    lane_cost = {ln.lane: ln.cost_per_unit for ln in case.lanes}
    for (l_id, mat, g, t, n), var in m.ship.items():
        if lane_cost[l_id]:
            add("transport", (t, n), lane_cost[l_id] * var)
    for (site, mat, g, t, n), var in m.stock.items():
        inv = case.inventories.get((site, mat))
        if inv is not None and inv.holding_cost_per_period:
            add("holding", (t, n), inv.holding_cost_per_period * var)
    for (d_id, t, n), var in m.unmet.items():
        penalty = ix.demand[(d_id, t)].shortfall_penalty
        if penalty:
            add("shortfall_penalties", (t, n), penalty * var)
    for (site, mat, n), var in m.end_stock_below.items():
        value = case.inventories[(site, mat)].end_stock_value
        if value:
            add("end_stock", (ix.T, n), value * var)
    m.node_cost = pyo.Expression(ix.nodes, rule=lambda _, t, n: sum(terms[(t, n)]))
    subs = ix.substitutes_by_key
    fixed = {"contracts": sum(case.offers[o].fixed_cost * m.contract[o] for o in m.contract),
             "qualification": sum(case.offers[o].qualification_cost * m.qualify[o] for o in m.qualify)
             + sum(subs[k].qualification_cost * m.qualify_substitute[k] for k in m.qualify_substitute),
             "builds": sum(case.processes[p].build_cost * m.build[p] for p in m.build)
             + sum(case.storage_options[o].cost * m.take_storage[o] for o in m.take_storage)}
    m.fixed_cost = pyo.Expression(expr=sum(fixed.values()))
    m.scenario_cost = pyo.Expression(list(case.scenarios), rule=lambda _, s: m.fixed_cost + sum(
        m.node_cost[ix.node(t, s)] for t in case.periods))
    m.expected_cost = pyo.Expression(expr=m.fixed_cost + sum(
        ix.node_probability[node] * m.node_cost[node] for node in ix.nodes))

    def part(_, component):
        if component in fixed:
            return fixed[component]
        return sum(ix.node_probability[node] * sum(ts) for node, ts in parts[component].items())
    m.expected_cost_part = pyo.Expression(list(COST_COMPONENTS), rule=part)


def add_shortfall(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """unmet_share[s] = units not delivered in scenario s / total demand, all periods and rows."""
    case = ix.case
    total = case.total_demand
    by_node = defaultdict(list)
    for (d_id, t, n), var in m.unmet.items():
        by_node[(t, n)].append(var)
    m.unmet_share = pyo.Expression(list(case.scenarios), rule=lambda _, s: (sum(
        v for t in case.periods for v in by_node[ix.node(t, s)]) / total) if total > 0 else 0.0)


def add_exposure(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Nominal scenario purchase spend at base prices: all offers, and offers whose origin group is
    the most controlled one (exposure = controlled / total)."""
    case = ix.case
    nominal = case.nominal_scenario
    top = case.most_controlled_group
    total, controlled = [], []
    for (o_id, t, n), var in m.buy.items():
        if ix.node_of[(t, nominal)] != n:
            continue
        o = case.offers[o_id]
        total.append(o.price * var)
        if case.offer_group(o_id) == top:
            controlled.append(o.price * var)
    m.spend_total = pyo.Expression(expr=sum(total))
    m.spend_controlled = pyo.Expression(expr=sum(controlled))


LABEL_PENALTY_PER_PRICE = 1e-6  # per unit made and rank step, as a share of the mean offer price


def origin_label_penalty_per_unit(case) -> float:
    """The weight of the origin-label tie-break: a millionth of the mean offer price per unit."""
    prices = [o.price for o in case.offers.values() if o.price > 0]
    return LABEL_PENALTY_PER_PRICE * max(1.0, sum(prices) / len(prices) if prices else 1.0)


def add_origin_label_rank(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """label_rank = expected sum over production of (rank of its origin group) x quantity.

    A process's output may be labelled any group at least as controlled as its inputs and site, and
    a more controlled label is never cheaper, so without a tie-break the solver may report a clean
    chain's output as, say, CN. A tiny weight on this sum in the objective (only while cost is
    minimised) makes each output carry the least controlled label its inputs and site allow
    (docs/model.md: the most controlled of its inputs' groups and its site's group)."""
    rank = ix.rank
    m.label_rank = pyo.Expression(expr=sum(
        ix.node_probability[(t, n)] * rank[g] * var for (p_id, g, t, n), var in m.make.items() if rank[g] > 0))


def add_objective(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """min cost_weight x expected_cost + risk_weight x risk - slack_reward x risk_slack
    + label_weight x label_rank (the origin-label tie-break, zero while risk is minimised).
    (The lexicographic second stage adds expected_cost <= its optimum only while it runs.)"""
    add_origin_label_rank(m, ix)
    m.cost_weight = pyo.Param(initialize=1.0, mutable=True)
    m.risk_weight = pyo.Param(initialize=0.0, mutable=True)
    m.slack_reward = pyo.Param(initialize=0.0, mutable=True)
    m.label_weight = pyo.Param(initialize=origin_label_penalty_per_unit(ix.case), mutable=True)
    expr = (m.cost_weight * m.expected_cost + m.risk_weight * m.risk - m.slack_reward * m.risk_slack
            + m.label_weight * m.label_rank)
    if ix.elastic:  # explaining infeasibility: the rows that cannot hold, as little as they must
        m.elastic_weight = pyo.Param(initialize=1.0, mutable=True)
        expr = expr + m.elastic_weight * sum(m.elastic_slack.values())
    m.objective = pyo.Objective(expr=expr, sense=pyo.minimize)
