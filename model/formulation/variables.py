"""Decision variables, on sparse index sets only (existing offers, lanes, processes, reachable
(site, material, origin group) triples and scenario-tree nodes).

Quantities are in the material's unit per period; nodes are (period, representative scenario).
"""

from __future__ import annotations

import pyomo.environ as pyo

from .index import CaseIndex


def add_first_stage_decisions(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """Once for every scenario: contract an offer, start qualifying it, build a process, take a
    storage option, qualify a substitute."""
    case = ix.case
    m.contract = pyo.Var([o.offer for o in case.offers.values() if o.needs_contract], domain=pyo.Binary)
    m.qualify = pyo.Var([o.offer for o in case.offers.values() if o.needs_qualification], domain=pyo.Binary)
    m.build = pyo.Var([p.process for p in case.processes.values() if not p.exists], domain=pyo.Binary)
    m.take_storage = pyo.Var(list(case.storage_options), domain=pyo.Binary)
    m.qualify_substitute = pyo.Var([s.key for s in case.substitutes if s.needs_qualification], domain=pyo.Binary)


def add_purchase_variables(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """buy[offer, period, node]: ordered in the period, usable at the offer's site lead_time later;
    unpaid_minimum[offer, period, node]: the part of a take-or-pay minimum not taken but paid."""
    case = ix.case
    buy_index = [(o.offer, t, ix.node_of[(t, s)]) for o in case.offers.values() for t in ix.order_periods(o)
                 for s in case.scenarios]
    m.buy = pyo.Var(list(dict.fromkeys(buy_index)), domain=pyo.NonNegativeReals)  # first-seen order
    top_index = [(o.offer, t, ix.node_of[(t, s)]) for o in case.offers.values()
                 for t in ix.take_or_pay_periods(o) for s in case.scenarios]
    m.unpaid_minimum = pyo.Var(list(dict.fromkeys(top_index)), domain=pyo.NonNegativeReals)


def add_flow_variables(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """ship[lane, material, origin group, period, node]; make[process, origin group, period, node]
    (output carrying that group); use[process, input, origin group, period, node];
    discard[site, co-product, origin group, period, node] (co-product neither used, shipped nor
    stocked: thrown away at no cost)."""
    case = ix.case
    nodes_by_t: dict[int, list[str]] = {}
    for t, n in ix.nodes:
        nodes_by_t.setdefault(t, []).append(n)
    ship = []
    for lane in case.lanes:
        for mat in lane.materials:
            for g in ix.groups_at(lane.from_site, mat):
                ship.extend((lane.lane, mat, g, t, n) for t in ix.ship_periods(lane) for n in nodes_by_t[t])
    m.ship = pyo.Var(ship, domain=pyo.NonNegativeReals)
    make, use = [], []
    for p in case.processes.values():
        out_groups = ix.output_groups(p)
        if not out_groups:
            continue
        for t in ix.production_periods(p):
            for n in nodes_by_t[t]:
                make.extend((p.process, g, t, n) for g in out_groups)
                for mat, _ in p.inputs:
                    use.extend((p.process, mat, g, t, n) for g in ix.groups_at(p.site, mat))
    m.make = pyo.Var(make, domain=pyo.NonNegativeReals)
    m.use = pyo.Var(use, domain=pyo.NonNegativeReals)
    discard = []
    for p in case.processes.values():
        if p.coproducts:
            discard.extend((p.site, cp, g, t, n) for cp, _ in p.coproducts for g in ix.output_groups(p)
                           for t in ix.production_periods(p) for n in nodes_by_t[t])
    m.discard = pyo.Var(list(dict.fromkeys(discard)), domain=pyo.NonNegativeReals)


def add_stock_and_delivery_variables(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """stock[site, material, origin group, period, node] at own/warehouse sites (end of period);
    deliver[demand, origin group, node]; unmet[demand, node] (units not delivered)."""
    case = ix.case
    stock = []
    for (site, mat, g) in sorted(ix.reachable):
        if case.sites[site].stocks:
            stock.extend((site, mat, g, t, n) for t, n in ix.nodes)
    m.stock = pyo.Var(stock, domain=pyo.NonNegativeReals)
    deliver, unmet = [], []
    for d in case.demands:
        for n in sorted({ix.node_of[(d.period, s)] for s in case.scenarios}):
            unmet.append((d.demand, d.period, n))
            deliver.extend((d.demand, d.period, g, n) for g in ix.groups_at(d.site, d.material))
    m.deliver = pyo.Var(deliver, domain=pyo.NonNegativeReals)
    m.unmet = pyo.Var(unmet, domain=pyo.NonNegativeReals)


def add_lever_variables(m: pyo.ConcreteModel, ix: CaseIndex) -> None:
    """storage_room[option, material, period, node]: the part of a storage option's room a material
    uses (from period build_periods + 1, only where the material's max_stock binds);
    deliver_substitute[demand, period, substitute, origin group, node]: units of the substitute
    material delivered to a demand row (from the period it is usable);
    end_stock_below[site, material, node]: units below end_stock_min at the horizon, in the nodes
    where the end stock is priced rather than held (every scenario but the nominal one)."""
    case = ix.case
    nodes_by_t: dict[int, list[str]] = {}
    for t, n in ix.nodes:
        nodes_by_t.setdefault(t, []).append(n)
    room = []
    for opt in case.storage_options.values():
        for mat in opt.materials:
            if case.inventories[(opt.site, mat)].max_stock is None:
                continue
            room.extend((opt.option, mat, t, n) for t in case.periods if t > opt.build_periods
                        for n in nodes_by_t[t])
    m.storage_room = pyo.Var(room, domain=pyo.NonNegativeReals)
    subs_of = ix.substitutes_of
    deliver = []
    for d in case.demands:
        for sub in subs_of.get(d.material, ()):
            if d.period < sub.first_period:
                continue
            for n in sorted({ix.node_of[(d.period, s)] for s in case.scenarios}):
                deliver.extend((d.demand, d.period, sub.key, g, n) for g in ix.groups_at(d.site, sub.substitute))
    m.deliver_substitute = pyo.Var(deliver, domain=pyo.NonNegativeReals)
    below = [(site, mat, n) for (site, mat), inv in case.inventories.items() if inv.end_stock_min > 0
             for n in ix.soft_end_nodes]
    m.end_stock_below = pyo.Var(below, domain=pyo.NonNegativeReals)
