"""Stress runs (docs/model.md "Stress"): each scenario rule and each site as an outage, alone (and in
pairs), in the nominal scenario, the disruption active from its start to the horizon.

Per disruption:
- the time to survive with the baseline network (the once-decisions of the baseline stochastic
  min-cost plan held) and redesigned (once-decisions free): :mod:`model.solving.survival`;
- the re-optimised plans of the disrupted nominal world: min cost (its added cost and shortfall)
  and min risk.

All of these are independent solves on the one executor's job queue (:class:`model.executor.JobQueue`:
local processes, this process, or a Dask cluster; handed out as workers free up, the longest first). The baseline network's solve and the cost solves start at once; the survival searches,
which need the baseline network, are sent as soon as it is known.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field, replace

from ..case.case import Case, Event
from ..case.disruptions import NO_DISRUPTION, OUTAGE_START, Disruption
from ..case.issues import CaseError
from ..case.toggles import only_scenario
from ..executor import Job, JobQueue, executor_for
from .frontier import FrontierResult, Point
from .highs import NoSolution, SolveOutcome
from .staged import RISK_FLOOR, SolveOptions, StagedModel
from .survival import PrefixService, Survival, time_to_survive

STAGES = ("min_cost", "min_risk")
# The many small one-scenario models of a stress run are solved at the run's MIP gap unless they
# are tiny (hand-solvable cases): the frontier's exact-gap threshold (5,000 columns) costs the
# default case's nominal world ~24 s a solve at a zero gap against ~4 s at 0.5 %.
STRESS_EXACT_BELOW_COLUMNS = 1_000
SUPPLIER_COUNT_POLICIES = ("min_suppliers", "max_suppliers")
USED_TOL = 1e-7  # units: a flow below this does not use a site


@dataclass
class StressResult:
    """Every solved plan as points (``world`` = the disruption's label, ``baseline`` the nominal
    world undisrupted, ``network`` the baseline stochastic min-cost plan whose once-decisions are
    held) and, per disruption, its plans and survival."""
    result: FrontierResult
    disruptions: list[Disruption]
    plans: dict[Disruption, dict[str, tuple[SolveOutcome, object]]]
    survival: dict[Disruption, tuple[Survival, Survival]]
    network_plan: object = None
    network_once: dict = field(default_factory=dict)
    horizon: int = 0
    seconds: float = 0.0


# ------------------------------------------------------------------------------------ worlds
def stress_disruptions(case: Case, pairs: bool) -> list[Disruption]:
    """Each scenario rule, then each site, alone; with ``pairs`` also every pair of them."""
    singles = [Disruption(rules=(r.rule,)) for r in case.rules.values() if r.status == "scenario"]
    singles += [Disruption(sites=(s,)) for s in case.sites]
    out = list(singles)
    if pairs:
        out += [Disruption(a.rules + b.rules, a.sites + b.sites) for a, b in itertools.combinations(singles, 2)]
    return out


def disrupted_world(case: Case, d: Disruption) -> Case:
    """The nominal scenario alone (probability 1) with the disruption active from its start to the
    horizon: each rule as a rule event of that scenario from its start_period (the window
    ``whatif --ban`` gives it), each site out (an outage event at factor 0 on every offer, process
    and lane of the site) from period 1.

    A rule event rather than the rule put in force, for technology bans: in force, a ban forbids
    the build whatever its start, so a held network that built such a plant would have no plan at
    all; as an event from period a it strands a plant with build_periods >= a and lets an earlier
    one run (docs/model.md), which is what the ban does to a network already committed. For flow
    rules the two are the same window.

    This is the definition. The run itself builds one model per rule set and puts sites out by
    bounds on it (:class:`OutageBounds`), which is the same feasible set (tests check it)."""
    T = case.settings.periods
    nominal = case.nominal_scenario
    world = only_scenario(case, nominal, f"stress: scenario {nominal} alone")
    events = tuple(Event(nominal, "rule", r, case.rules[r].start_period, T, 0, 1.0, "rule") for r in d.rules)
    events += tuple(Event(nominal, "outage", s, OUTAGE_START, T, 0, 0.0, "site") for s in d.sites)
    words = tuple(f"rule {r} from period {case.rules[r].start_period}" for r in d.rules)
    words += tuple(f"outage {s} from period {OUTAGE_START}" for s in d.sites)
    return replace(world, events=world.events + events, toggles=world.toggles + words)


def capability_world(world: Case) -> Case:
    """What time to survive is measured on: the world without the two rules that are about cost,
    not capability. The end-of-horizon stock minimum (``end_stock_min``, by default the initial
    stock: a guard against a cost-minimising plan emptying the stockpile at the horizon) would
    forbid drawing a stockpile down during a disruption that lasts to the horizon; the
    purchase-share policies are nominal-scenario sourcing rules that a crisis may break
    (docs/model.md). ``min_stock`` floors, ``max_stock`` caps, clean-stock rules and supplier counts stay."""
    inventories = {k: replace(inv, end_stock_min=0.0) for k, inv in world.inventories.items()}
    policies = tuple(p for p in world.policies if p.policy in SUPPLIER_COUNT_POLICIES)
    return replace(world, inventories=inventories, policies=policies)


class OutageBounds:
    """Sites out on a built model by variable bounds: purchases from the site's offers, output of
    its processes and shipments on every lane into or out of it held at 0 in every period (what an
    outage event at factor 0 from period 1 to the horizon does to the capacity rows). Stock held
    at the site and deliveries from it are untouched, as with the event."""

    def __init__(self, staged: StagedModel):
        case, m = staged.case, staged.model
        self.by_site: dict[str, list] = {s: [] for s in case.sites}
        for (o_id, t, n), var in m.buy.items():
            self.by_site[case.offers[o_id].site].append(var)
        for (p_id, g, t, n), var in m.make.items():
            self.by_site[case.processes[p_id].site].append(var)
        lanes = {ln.lane: ln for ln in case.lanes}
        for (l_id, mat, g, t, n), var in m.ship.items():
            lane = lanes[l_id]
            self.by_site[lane.from_site].append(var)
            if lane.to_site != lane.from_site:
                self.by_site[lane.to_site].append(var)

    def used(self) -> frozenset[str]:
        """Sites the loaded plan buys from, makes at, or ships into or out of."""
        return frozenset(s for s, variables in self.by_site.items()
                         if any((v.value or 0.0) > USED_TOL for v in variables))

    def apply(self, sites: tuple[str, ...]) -> None:
        for s in sites:
            for var in self.by_site[s]:
                var.setub(0.0)

    def clear(self, sites: tuple[str, ...]) -> None:
        for s in sites:
            for var in self.by_site[s]:
                var.setub(None)  # flows have no upper bound of their own (capacities are rows)


def _staged(world: Case, measure: str, options: SolveOptions) -> StagedModel:
    return StagedModel(world, measure, options, exact_below_columns=STRESS_EXACT_BELOW_COLUMNS)


# ------------------------------------------------------------------------------------ jobs
def _network_job(case: Case, measure: str, options: SolveOptions):
    """The baseline stochastic min-cost plan (every scenario) and its once-decisions."""
    staged = StagedModel(case, measure, options)
    try:
        outcome, plan = staged.min_cost()
    except NoSolution as exc:
        return SolveOutcome.none(exc.status), None, {}
    return outcome, plan, staged.once_decisions()


def _cost_batch(case: Case, rules: tuple[str, ...], items: list[tuple[tuple[str, ...], tuple[str, ...]]],
                measure: str, options: SolveOptions):
    """Min-cost and min-risk plans (once-decisions free) of the nominal world with ``rules`` in
    force, for each (set of sites out, stages to solve): one model, the sites put out and back by
    bounds. Returns, per item, the disruption, its solved stages and the sites each stage's plan
    uses (so that the caller can tell which outages leave a plan as it is)."""
    staged = _staged(disrupted_world(case, Disruption(rules)), measure, options)
    outages = OutageBounds(staged)
    results = []
    for sites, stages in items:
        outages.apply(sites)
        out, used = {}, {}
        if "min_cost" in stages:
            try:
                out["min_cost"] = staged.min_cost()
                used["min_cost"] = outages.used()
            except NoSolution as exc:
                out["min_cost"] = (SolveOutcome.none(exc.status), None)
        if "min_risk" in stages:
            plan = out.get("min_cost", (None, None))[1]
            if plan is not None and plan.extras["risk"] <= RISK_FLOOR:
                # every measure is >= 0: the min-cost plan is the min-risk plan (then min cost) too
                out["min_risk"] = (replace(out["min_cost"][0], seconds=0.0), plan)
                used["min_risk"] = used["min_cost"]
            else:
                try:
                    outcome, plan, _ = staged.min_risk()
                    used["min_risk"] = outages.used()
                except NoSolution as exc:
                    outcome, plan = SolveOutcome.none(exc.status), None
                out["min_risk"] = (outcome, plan)
        outages.clear(sites)
        results.append((Disruption(rules, sites), out, used))
    return results


def _survival_batch(case: Case, rules: tuple[str, ...], site_sets: list[tuple[str, ...]], once: dict,
                    measure: str, options: SolveOptions):
    """Per set of sites out (with ``rules`` in force): time to survive with the baseline network
    held, then, unless that survives the horizon, with contracts, qualifications and builds free,
    starting from what the network proved (the redesign can only do better)."""
    staged = _staged(capability_world(disrupted_world(case, Disruption(rules))), measure, options)
    outages = OutageBounds(staged)
    redesignable = bool(once) or staged.size["binaries"] > 0
    results = []
    with PrefixService(staged) as service:  # one objective for the batch: between solves only bounds change
        for sites in site_sets:
            d = Disruption(rules, sites)
            outages.apply(sites)
            start = d.start(case)
            staged.fix_once_decisions(once)
            fixed = time_to_survive(staged, start, service=service)
            staged.free_once_decisions()
            if fixed.survives_horizon or not redesignable or d == NO_DISRUPTION:
                free = replace(fixed, solves=0, seconds=0.0)  # nothing to redesign, or nothing to gain
            else:
                # the redesign keeps the held network's allowance before the start (it may only do
                # better), so what the held network proved is a floor for it
                floor = fixed.last_served_period if fixed.status == "optimal" and fixed.last_served_period else None
                free = time_to_survive(staged, start, floor=floor, service=service,
                                       allowance=fixed.allowance if fixed.short_before_start else None)
            outages.clear(sites)
            results.append((d, fixed, free))
    return results


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _groups(worlds: list[Disruption]) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Disruptions by rule set (one model each): rule set -> the sets of sites out with it."""
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for d in worlds:
        groups.setdefault(d.rules, []).append(d.sites)
    return groups


# ------------------------------------------------------------------------------------ the run
def run_stress(case: Case, measure: str, options: SolveOptions, pairs: bool = False,
               progress=None, costs: bool = True) -> StressResult:
    """Every disruption's time to survive (held and redesigned network) and, unless ``costs`` is
    False (time to survive only), its re-optimised min-cost and min-risk plans.

    Jobs: the baseline network (the stochastic min-cost plan) and, per rule set, the plans of its
    world with no site out start at once. When a rule set's plans are in, its site outages follow:
    an outage of sites a plan does not use leaves that plan optimal (the outage only removes
    options the plan does not take), so only the stages whose plan uses a site out are solved.
    When the network is in, the survival searches follow, in batches of one model per rule set."""
    t0 = time.perf_counter()
    disruptions = stress_disruptions(case, pairs)
    if not disruptions:
        raise CaseError("sites: the case has no site to put out and no scenario rule, so there is nothing "
                        "to stress; expected at least one site or a rule with status 'scenario'")
    worlds = [NO_DISRUPTION] + disruptions
    total = 1 + (2 if costs else 1) * len(worlds)
    workers = max(1, min(options.workers, total))
    job_options = replace(options, workers=1, scheduler=None, write_mps=None)
    if options.write_mps:  # the baseline network's first solve, written here without solving it
        StagedModel(case, measure, job_options).write_first_model(options.write_mps)
    groups = _groups(worlds)
    chunk = max(1, -(-len(worlds) // (3 * workers)))  # about three jobs a worker
    plans: dict[Disruption, dict] = {}
    reused: dict[Disruption, str] = {}  # disruption -> note, for plans taken from its rule set's world
    survival: dict[Disruption, tuple[Survival, Survival]] = {}
    network: tuple = (None, None, {})
    done = 0

    def tick(n: int, outcome: SolveOutcome, seconds: float):
        nonlocal done
        done += n
        if progress:
            progress(done, total, Point(done, "stress", None, outcome, None, seconds))

    # expected lengths, in one-scenario solves: the network is the stochastic model (about a
    # scenario's model per scenario) solved with its tie-break; a survival search is a few solves
    network_weight = 2.0 * len(case.scenarios)

    def site_outages(queue: JobQueue, rules: tuple[str, ...], base: dict, used: dict) -> None:
        """A rule set's site outages, once the plans of its world without them are known."""
        items = []
        for sites in groups[rules]:
            if not sites:
                continue
            d = Disruption(rules, sites)
            todo = tuple(st for st in STAGES if base[st][1] is None or set(sites) & used.get(st, set()))
            keep = {st: base[st] for st in STAGES if st not in todo}
            if keep:
                plans[d] = dict(keep)
                reused[d] = f"the plan of {Disruption(rules).label if rules else 'the baseline'}: it uses no site out"
            if todo:
                items.append((sites, todo))
            else:
                tick(1, base["min_cost"][0], 0.0)
        for part in _chunks(items, chunk):
            queue.add(Job(_cost_batch, (case, rules, part, measure, job_options),
                          weight=sum(len(stages) for _, stages in part), tag="cost"))

    def on_result(queue: JobQueue, job: Job, result) -> None:
        """Results as they come; each result may send the jobs that waited for it."""
        nonlocal network
        what = job.tag
        if what == "network":
            network = result
            outcome, plan, once = network
            tick(1, outcome, outcome.seconds)
            if plan is None:
                raise NoSolution(f"baseline: no solution ({outcome.status})", outcome.status)
            for rules, site_sets in groups.items():
                for part in _chunks(site_sets, chunk):
                    queue.add(Job(_survival_batch, (case, rules, part, once, measure, job_options),
                                  weight=3.0 * len(part), tag="survival"))
        elif what in ("cost", "base"):
            for d, out, used in result:
                plans[d] = {**plans.get(d, {}), **out}
                tick(1, plans[d]["min_cost"][0], sum(o.seconds for o, _ in out.values()))
                if what == "base":
                    site_outages(queue, d.rules, plans[d], used)
        else:
            for d, fixed, free in result:
                survival[d] = (fixed, free)
                tick(1, SolveOutcome(fixed.status, fixed.periods is not None, None, None, None,
                                     fixed.seconds), fixed.seconds + free.seconds)

    with executor_for(workers, options.scheduler) as ex:
        queue = JobQueue(ex)
        queue.add(Job(_network_job, (case, measure, job_options), weight=network_weight, tag="network"))
        for rules in (groups if costs else []):
            queue.add(Job(_cost_batch, (case, rules, [((), STAGES)], measure, job_options), weight=len(STAGES),
                          tag="base"))
        queue.run(lambda job, result: on_result(queue, job, result))
    if not costs:
        plans = {d: {stage: (SolveOutcome.none("not solved"), None) for stage in STAGES} for d in worlds}
    base_outcome, base_plan = plans[NO_DISRUPTION]["min_cost"]
    if base_plan is None and costs:
        raise NoSolution(f"baseline (scenario {case.nominal_scenario} alone): no solution ({base_outcome.status})",
                         base_outcome.status)
    net_outcome, net_plan, once = network
    points = [Point(1, "min_cost", None, net_outcome, net_plan, net_outcome.seconds, world="network")]
    solved_seconds = 0.0
    for d in worlds:
        for stage in STAGES:
            outcome, plan = plans[d][stage]
            note = reused.get(d, "") if plans[d][stage] is plans[Disruption(d.rules)][stage] and d.sites else ""
            seconds = 0.0 if note else outcome.seconds
            solved_seconds += seconds
            points.append(Point(len(points) + 1, stage, None, outcome, plan, seconds, note=note,
                                world="baseline" if d == NO_DISRUPTION else d.label))
    timings = {"stress_network_solve_s": round(net_outcome.seconds, 2),
               "stress_cost_solve_s": round(solved_seconds, 2),
               "stress_plans_kept": sum(1 for p in points if p.note),
               "stress_survival_solve_s": round(sum(a.seconds + b.seconds for a, b in survival.values()), 2),
               "stress_survival_solves": sum(a.solves + b.solves for a, b in survival.values())}
    return StressResult(FrontierResult(case, measure, points, options, timings=timings), disruptions, plans,
                        survival, net_plan, once, case.settings.periods, time.perf_counter() - t0)
