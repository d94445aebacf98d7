"""Costs, shortfall, the risk measure, the risk limit and the objective.

The objective is ``cost_weight x expected cost + risk_weight x risk - slack_reward x risk slack``
with mutable weights, so one built model serves every stage of a frontier (min cost, min risk,
epsilon points with the AUGMECON2 slack reward) by changing parameters only.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from .index import CaseIndex



def add_costs(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """node_cost[node] = purchases (price x price factor x (bought + unpaid minimum)) + processing +
    transport + holding (end-of-period stock) + shortfall penalties; fixed_cost = contracting +
    qualification + building, paid once; scenario_cost[s] = fixed + its nodes' costs;
    expected_cost = probability-weighted scenario cost."""
    case = ix.case
    terms = defaultdict(list)
    for (o_id, t, n), var in m.buy.items():
        o = case.offers[o_id]
        terms[(t, n)].append(o.price * ix.price_factor(o, t, n) * var)
    for (o_id, t, n), var in m.unpaid_minimum.items():
        o = case.offers[o_id]
        terms[(t, n)].append(o.price * ix.price_factor(o, t, n) * var)
    for (p_id, g, t, n), var in m.make.items():
        c = case.processes[p_id].cost_per_unit
        if c:
            terms[(t, n)].append(c * var)
    lane_cost = {ln.lane: ln.cost_per_unit for ln in case.lanes}
    for (l_id, mat, g, t, n), var in m.ship.items():
        if lane_cost[l_id]:
            terms[(t, n)].append(lane_cost[l_id] * var)
    for (site, mat, g, t, n), var in m.stock.items():
        inv = case.inventories.get((site, mat))
        if inv is not None and inv.holding_cost_per_period:
            terms[(t, n)].append(inv.holding_cost_per_period * var)
    penalty = {(d.demand, d.period): d.shortfall_penalty for d in case.demands}
    for (d_id, t, n), var in m.unmet.items():
        if penalty[(d_id, t)]:
            terms[(t, n)].append(penalty[(d_id, t)] * var)
    m.node_cost = pyo.Expression(ix.nodes, rule=lambda _, t, n: sum(terms[(t, n)]))
    m.fixed_cost = pyo.Expression(expr=(
        sum(case.offers[o].fixed_cost * m.contract[o] for o in m.contract)
        + sum(case.offers[o].qualification_cost * m.qualify[o] for o in m.qualify)
        + sum(case.processes[p].build_cost * m.build[p] for p in m.build)))
    m.scenario_cost = pyo.Expression(list(case.scenarios), rule=lambda _, s: m.fixed_cost + sum(
        m.node_cost[ix.node(t, s)] for t in case.periods))
    m.expected_cost = pyo.Expression(expr=m.fixed_cost + sum(
        ix.node_probability[node] * m.node_cost[node] for node in ix.nodes))


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


def add_risk(m: pyo.ConcreteModel, ix: CaseIndex, measure: str) -> None:
    """The case's risk measure as a linear expression ``m.risk`` (with its auxiliary variables), and
    the limit ``risk + risk_slack == risk_limit`` (AUGMECON2 form).

    - cvar_shortfall / cvar_cost: Rockafellar-Uryasev, eta + 1/(1-alpha) x sum_s p_s excess_s with
      excess_s >= outcome_s - eta, excess_s >= 0;
    - expected_shortfall: sum_s p_s unmet_share_s; worst_shortfall: w >= unmet_share_s for every s;
    - exposure: a ratio, so its limit is written linearly, controlled - limit x total + slack == 0,
      and its minimum is found by Dinkelbach steps on ``controlled - exposure_ratio x total``.
    """
    case = ix.case
    prob = {s: sc.probability for s, sc in case.scenarios.items()}
    # The limit lives on a variable's bounds (fixed at the limit, or free for "no limit"): a bound
    # change is cheap on the persistent interface and has no +inf Param trap (DESIGN.md §6).
    m.risk_level = pyo.Var(domain=pyo.Reals)
    m.risk_slack = pyo.Var(domain=pyo.NonNegativeReals)
    if measure in ("cvar_shortfall", "cvar_cost"):
        outcome = m.unmet_share if measure == "cvar_shortfall" else m.scenario_cost
        alpha = case.settings.cvar_alpha
        m.value_at_risk = pyo.Var(domain=pyo.Reals)
        m.cvar_excess = pyo.Var(list(case.scenarios), domain=pyo.NonNegativeReals)
        m.cvar_excess_def = pyo.Constraint(list(case.scenarios), rule=lambda _, s: (
            m.cvar_excess[s] >= outcome[s] - m.value_at_risk))
        m.risk = pyo.Expression(expr=m.value_at_risk + (1.0 / (1.0 - alpha)) * sum(
            prob[s] * m.cvar_excess[s] for s in case.scenarios))
    elif measure == "expected_shortfall":
        m.risk = pyo.Expression(expr=sum(prob[s] * m.unmet_share[s] for s in case.scenarios))
    elif measure == "worst_shortfall":
        m.worst_share = pyo.Var(domain=pyo.NonNegativeReals)
        m.worst_share_def = pyo.Constraint(list(case.scenarios), rule=lambda _, s: (
            m.worst_share >= m.unmet_share[s]))
        m.risk = pyo.Expression(expr=m.worst_share)
    elif measure == "exposure":
        m.exposure_ratio = pyo.Param(initialize=0.0, mutable=True)
        m.risk = pyo.Expression(expr=m.spend_controlled - m.exposure_ratio * m.spend_total)
    else:
        raise ValueError(f"unknown risk measure {measure}")
    if measure == "exposure":
        # exposure <= limit, written linearly: controlled - limit x total + slack = 0; the limit is a
        # mutable coefficient in 0..1 (never infinite), and 1 means no limit
        m.exposure_limit = pyo.Param(initialize=1.0, mutable=True)
        m.risk_limit_con = pyo.Constraint(expr=m.spend_controlled - m.exposure_limit * m.spend_total
                                          + m.risk_slack == 0)
    else:
        m.risk_limit_con = pyo.Constraint(expr=m.risk + m.risk_slack == m.risk_level)


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
    (DESIGN §4: the most controlled of its inputs' groups and its site's group)."""
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
    m.objective = pyo.Objective(expr=m.cost_weight * m.expected_cost + m.risk_weight * m.risk
                                - m.slack_reward * m.risk_slack + m.label_weight * m.label_rank,
                                sense=pyo.minimize)
