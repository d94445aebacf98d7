"""Everything the model is indexed by, worked out from the case in plain Python (no Pyomo).

- the scenario tree: which scenarios cannot yet be told apart in each period (non-anticipativity);
- the sparse (site, material, origin group) triples material can actually reach;
- which rule is active, and how, in each period of each scenario;
- which flows (purchases and lane shipments) each rule covers;
- capacity (outage) and price factors per period and scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..case.case import Case, Demand, Lane, Offer, Process, Rule, merged_windows

Node = tuple[int, str]  # (period, representative scenario)


def _event_key(e) -> tuple[str, str]:
    """An event's target as (kind, id); material groups compare without case."""
    return (e.target_kind, e.target.lower() if e.target_kind == "group" else e.target)


@dataclass(frozen=True)
class RuleLimit:
    """What a rule allows in one period of one scenario: ``cap`` units of covered flow (0 = none)."""
    rule: str
    cap: float


class CaseIndex:
    """Derived, read-only facts about a case that the model builder needs."""

    def __init__(self, case: Case, non_anticipative: bool = True, elastic: bool = False):
        self.case = case
        self.non_anticipative = non_anticipative
        self.elastic = elastic  # hard stock floors and policies get penalised slacks (explaining infeasibility)
        self.T = case.settings.periods
        self.rank = {g: i for i, g in enumerate(case.groups)}

    @cached_property
    def demand(self) -> dict[tuple[str, int], Demand]:
        """(demand id, period) -> the demand row of that period."""
        return {(d.demand, d.period): d for d in self.case.demands}

    @cached_property
    def lanes_by_id(self) -> dict[str, Lane]:
        return {ln.lane: ln for ln in self.case.lanes}

    # ---------------------------------------------------------------- scenario tree
    @cached_property
    def node_of(self) -> dict[tuple[int, str], str]:
        """(period, scenario) -> the representative scenario of its node.

        Two scenarios share a node in period t when every event known by then (known = start -
        notice <= t) is the same in both, including when it became known; the partition only gets
        finer with time, so this is a scenario tree.
        """
        events_by_scenario = {s: [] for s in self.case.scenarios}
        for e in self.case.events:
            events_by_scenario[e.scenario].append(e)
        out = {}
        if not self.non_anticipative:  # clairvoyant: every scenario its own node (tests only)
            return {(t, s): s for t in self.case.periods for s in self.case.scenarios}
        for t in self.case.periods:
            reps: dict[frozenset, str] = {}
            for s in self.case.scenarios:
                sig = frozenset((e.event, e.target, e.start_period, e.end_period, e.factor, e.known_period)
                                for e in events_by_scenario[s] if e.known_period <= t)
                out[(t, s)] = reps.setdefault(sig, s)
        return out

    @cached_property
    def nodes(self) -> list[Node]:
        return sorted({(t, n) for (t, s), n in self.node_of.items()},
                      key=lambda x: (x[0], list(self.case.scenarios).index(x[1])))

    @cached_property
    def node_probability(self) -> dict[Node, float]:
        prob: dict[Node, float] = {}
        for (t, s), n in self.node_of.items():
            prob[(t, n)] = prob.get((t, n), 0.0) + self.case.scenarios[s].probability
        return prob

    def node(self, t: int, n: str) -> Node:
        """The node, in an earlier (or the same) period t, that scenario n passed through."""
        return (t, self.node_of[(t, n)])

    @cached_property
    def substitutes_of(self) -> dict[str, list]:
        """demand material -> its substitutes (the substitutes sheet's rows)."""
        out: dict[str, list] = {}
        for sub in self.case.substitutes:
            out.setdefault(sub.demand_material, []).append(sub)
        return out

    @cached_property
    def substitutes_by_key(self) -> dict:
        return {sub.key: sub for sub in self.case.substitutes}

    @cached_property
    def hard_end_node(self) -> str | None:
        """The node at the horizon in which end_stock_min is a hard limit (the nominal scenario's);
        None when no scenario of the case holds it (a crisis scenario solved alone)."""
        hard = self.case.hard_end_stock_scenario
        return self.node_of[(self.T, hard)] if hard in self.case.scenarios else None

    @cached_property
    def soft_end_nodes(self) -> list[str]:
        """Nodes at the horizon in which each unit below end_stock_min costs end_stock_value."""
        return [n for t, n in self.nodes if t == self.T and n != self.hard_end_node]

    # ---------------------------------------------------------------- events
    @cached_property
    def _events_by_kind_and_scenario(self) -> dict[tuple[str, str], list]:
        out: dict[tuple[str, str], list] = {}
        for e in self.case.events:
            out.setdefault((e.event, e.scenario), []).append(e)
        return out

    def _events(self, kind: str, scenario: str, t: int):
        return [e for e in self._events_by_kind_and_scenario.get((kind, scenario), ()) if e.active(t)]

    def outage_factor(self, targets: set[tuple[str, str]], t: int, scenario: str) -> float:
        """Share of capacity left: the product of every active outage on any of the targets, each a
        (kind, id) pair as the reader resolved the event's target."""
        factor = 1.0
        for e in self._events("outage", scenario, t):
            if _event_key(e) in targets:
                factor *= e.factor
        return factor

    @cached_property
    def _material_target_sets(self) -> dict[str, frozenset[tuple[str, str]]]:
        return {name: frozenset({("material", name)} | {("group", g.lower()) for g in mat.groups})
                for name, mat in self.case.materials.items()}

    def _material_targets(self, material: str) -> frozenset[tuple[str, str]]:
        """A material and its groups, as event targets (an event on either reaches every offer of it)."""
        return self._material_target_sets[material]

    def price_factor(self, offer: Offer, t: int, scenario: str) -> float:
        """The product of every active price event on the offer, its origin or site country, its
        material or one of the material's groups."""
        site_country = self.case.sites[offer.site].country
        targets = {("offer", offer.offer), ("country", offer.origin_country), ("country", site_country)}
        targets |= self._material_targets(offer.material)
        factor = 1.0
        for e in self._events("price", scenario, t):
            if _event_key(e) in targets:
                factor *= e.factor
        return factor

    def offer_factor(self, o: Offer, t: int, n: str) -> float:
        return self.outage_factor({("offer", o.offer), ("site", o.site)} | self._material_targets(o.material), t, n)

    def process_factor(self, p: Process, t: int, n: str) -> float:
        return self.outage_factor({("process", p.process), ("site", p.site)}, t, n)

    def lane_factor(self, lane: Lane, t: int, n: str) -> float:
        return self.outage_factor({("lane", lane.lane), ("site", lane.from_site), ("site", lane.to_site)}, t, n)

    # ---------------------------------------------------------------- periods a flow may start in
    def order_periods(self, o: Offer) -> list[int]:
        """Orders arrive t + lead_time <= horizon; an unqualified offer orders after qualification."""
        first = o.qualification_periods + 1 if o.needs_qualification else 1
        return [t for t in self.case.periods if t >= first and t + o.lead_time <= self.T]

    def take_or_pay_periods(self, o: Offer) -> list[int]:
        return [t for t in self.case.periods if t + o.lead_time <= self.T] if (
            o.needs_contract and o.min_per_period > 0) else []

    def ship_periods(self, lane: Lane) -> list[int]:
        return [t for t in self.case.periods if t + lane.lead_time <= self.T]

    def production_periods(self, p: Process) -> list[int]:
        first = 1 if p.exists else p.build_periods + 1
        return [t for t in self.case.periods if t >= first]

    # ---------------------------------------------------------------- reachability
    @cached_property
    def reachable(self) -> set[tuple[str, str, str]]:
        """(site, material, origin group) triples some plan could put material into."""
        case = self.case
        reach: set[tuple[str, str, str]] = set()
        for o in case.offers.values():
            if self.order_periods(o):
                reach.add((o.site, o.material, case.offer_group(o.offer)))
        for inv in case.inventories.values():  # stock rows exist even when empty: their targets bind
            reach.add((inv.site, inv.material, inv.initial_origin_group))
        for r in case.receipts:
            reach.add((r.site, r.material, r.origin_group))
        changed = True
        while changed:
            changed = False
            for lane in case.lanes:
                for (s, m, g) in list(reach):
                    if s == lane.from_site and m in lane.materials and (lane.to_site, m, g) not in reach:
                        reach.add((lane.to_site, m, g))
                        changed = True
            for p in case.processes.values():
                for g in self.output_groups(p, reach):
                    for made in (p.output, *(cp for cp, _ in p.coproducts)):
                        if (p.site, made, g) not in reach:
                            reach.add((p.site, made, g))
                            changed = True
        return reach

    def output_groups(self, p: Process, reach=None) -> list[str]:
        """Origin groups the process's output can carry: the most controlled of its site's group and
        its inputs' groups. Only groups that the site or some input actually carries can result
        (no phantom labels), and none cleaner than the cleanest mix available."""
        reach = self.reachable if reach is None else reach
        site_rank = self.rank[self.case.site_group(p.site)]
        floor = site_rank
        carried = {site_rank}
        for material, _ in p.inputs:
            ranks = [self.rank[g] for (s, m, g) in reach if s == p.site and m == material]
            if not ranks:
                return []
            floor = max(floor, min(ranks))
            carried.update(ranks)
        return [g for g in self.case.groups if self.rank[g] >= floor and self.rank[g] in carried]

    def groups_at(self, site: str, material: str) -> list[str]:
        return [g for g in self.case.groups if (site, material, g) in self.reachable]

    # ---------------------------------------------------------------- rules
    def rule_windows(self, rule: Rule, scenario: str) -> list[tuple[int, int]]:
        """Periods [start, end] in which the rule is active in the scenario (docs/model.md rule windows);
        a scenario rule put in force by whatif --ban keeps its scenario windows, joined to its own."""
        if rule.status == "in_force" and not rule.keeps_scenario_windows:
            return [(rule.start_period, rule.end_period)]
        if rule.status not in ("in_force", "scenario"):
            return []
        events = [(e.start_period, e.end_period) for e in self._events_by_kind_and_scenario.get(("rule", scenario), ())
                  if e.target == rule.rule]
        return merged_windows([(rule.start_period, rule.end_period)] + events) if rule.status == "in_force" else events

    def rule_limit(self, rule: Rule, t: int, scenario: str) -> float | None:
        """Units of covered flow the rule allows in period t of the scenario; None = not active."""
        caps = []
        for a, b in self.rule_windows(rule, scenario):
            if not a <= t <= b:
                continue
            if rule.kind == "ban":
                caps.append(0.0)
            elif rule.kind == "licence":
                if t < a + rule.licence_lead_time:
                    caps.append(0.0)
                elif rule.quota_per_period is not None:
                    caps.append(rule.quota_per_period)
            else:  # quota
                caps.append(rule.quota_per_period)
        caps = [c for c in caps if c is not None]
        return min(caps) if caps else None

    @cached_property
    def flow_rules(self) -> list[Rule]:
        return [r for r in self.case.rules.values() if not r.is_technology_ban and r.status != "off"]

    def _destination_named(self, rule: Rule, site: str) -> bool:
        """The destination matches both to_countries and to_owners; a blank or * cell matches every
        destination (so to_countries *, to_owners MP Materials is an entity ban on MP Materials)."""
        s = self.case.sites[site]
        countries_match = not rule.to_countries or "*" in rule.to_countries or s.country in rule.to_countries
        owners_match = not rule.to_owners or "*" in rule.to_owners or s.owner in rule.to_owners
        return countries_match and owners_match

    def covers(self, rule: Rule, material: str, from_country: str, to_site: str, group: str) -> bool:
        """Does the rule cover a flow of material with this origin tag from a country to a site?"""
        if material not in rule.materials or not self._destination_named(rule, to_site):
            return False
        issuer_tag = self.case.country_group(rule.issuer)
        if not (from_country == rule.issuer or (rule.extraterritorial and group == issuer_tag)):
            return False
        dest = self.case.sites[to_site]
        if from_country == rule.issuer and dest.country == rule.issuer:
            # inside the issuer's own country: not an export, unless extraterritorial to a named owner
            # (a blank or * to_owners cell names no owner: it matches every destination alike)
            return rule.extraterritorial and dest.owner in rule.to_owners
        return True

    def covers_purchase(self, rule: Rule, o: Offer) -> bool:
        """A purchase is a flow from the offer's origin country to the offer's site."""
        return self.covers(rule, o.material, o.origin_country, o.site, self.case.offer_group(o.offer))

    def covers_shipment(self, rule: Rule, lane: Lane, material: str, group: str) -> bool:
        return self.covers(rule, material, self.case.sites[lane.from_site].country, lane.to_site, group)

    # ---------------------------------------------------------------- technology bans
    def technology_bans(self, p: Process) -> list[Rule]:
        if p.exists or not p.technology_origin:
            return []
        return [r for r in self.case.rules.values()
                if r.is_technology_ban and r.status != "off" and r.issuer == p.technology_origin
                and ("*" in r.technologies or p.technology in r.technologies)]

    def build_forbidden(self, p: Process) -> bool:
        """An in-force technology ban forbids the build, whatever its start period."""
        return any(r.status == "in_force" for r in self.technology_bans(p))

    def build_stranded(self, p: Process, scenario: str) -> bool:
        """A scenario technology ban active from period a <= build_periods stops the plant for good."""
        for r in self.technology_bans(p):
            if r.status == "scenario":
                starts = [a for a, _ in self.rule_windows(r, scenario)]
                if starts and min(starts) <= p.build_periods:
                    return True
        return False

    # ---------------------------------------------------------------- sizes for big-M
    @cached_property
    def big_m(self) -> float:
        """An upper bound on any single flow in a period, used only where a capacity is blank."""
        case = self.case
        need = sum(d.quantity for d in case.demands) * max([1.0] + [s.per_unit for s in case.substitutes])
        need += sum(max(i.min_stock, i.end_stock_min, i.max_stock or 0.0) for i in case.inventories.values())
        need += sum(o.min_per_period * self.T for o in case.offers.values())
        need += sum(r.quantity for r in case.receipts)
        need += sum(opt.extra_max_stock for opt in case.storage_options.values())
        factor = 1.0
        for p in case.processes.values():
            for _, ratio in p.inputs:
                factor = max(factor, ratio)
        depth = max(1, len(case.processes))
        return max(1.0, need) * min(factor ** depth, 1e6) * 2.0
