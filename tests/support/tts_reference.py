"""Cross-check case for ``time_to_survive``: the public Databricks method, re-derived.

Reference only: the public accelerator ``databricks-industry-solutions/supply-chain-stress-test``
(``scripts/utils.py``: ``generate_data`` and ``build_and_solve_multi_tier_tts``; notebooks
``02_stress_testing (small network)`` and ``04_appendix``), following Simchi-Levi et al.'s
time-to-survive model. Nothing here is their code; the numbers are theirs (see below). Design
context: docs/model.md "Stress".

Their network (``databricks_network``)
  Three tiers: tier 1 = finished-goods plants (demand), tier 2 = direct suppliers, tier 3 =
  sub-suppliers (raw sources). Every tier-2/3 node makes one part type (three adjacent tier-2
  nodes share a type, two adjacent tier-3 nodes share a type); every tier-1 node makes its own
  product. A node needs one unit of each part type its suppliers make per unit it makes. Per node:
  on-hand stock s (of its own output), capacity c per time unit; per tier-1 node: demand d per
  time unit (and a profit margin, used only by their time-to-recover model). Drawn with Python's
  standard ``random`` (not numpy) after ``random.seed(777)``: shuffle, randint, choice for the
  edges; then uniform (margins), randint (stock, demand, capacity). We make the same calls in the
  same order on ``random.Random(seed)``, so the stream and the numbers are identical; checked
  against what their notebooks print (T2_8 holds 1,569 units; T2_10 is the only supplier of its
  part type to T1_1, T1_3, T1_5; T2_8 the only one of its type to T1_1 and T1_3; their per-node
  recovery times drawn after a second ``random.seed(777)`` give T3_14 five and T3_15 ten).

Their time-to-survive programme (``reference_tts``), one aggregate window [0, t]
  variables: t >= 0 (continuous, in their time unit), u_n >= 0 units node n makes in the window,
  y_ij >= 0 units supplier i sends customer j (one per edge); u and y are integers in their code;
  maximise t subject to
    assembly     u_j <= sum of y_ij over the suppliers i of part type k of j, for every tier-1/2
                 node j and every part type k it needs (one unit per unit: their r is 1);
    supply       sum_j y_ij <= s_i + u_i for every tier-2/3 node i (stock plus what it makes);
    capacity     u_n <= c_n t for every node; the disrupted node: u_n = 0 (its stock still ships);
    demand       u_j + s_j >= d_j t for every tier-1 node j (no lost sales at all).
  Lead times, costs and the order of events inside the window are ignored (their stated
  assumption). Unbounded (t can grow forever) when the network without the disrupted node meets
  every demand rate from capacity alone; ``reference_tts`` returns ``math.inf`` then (this
  network never does: even undisrupted it runs out at t = 14.24, because T2_10 alone makes part
  type aad, capacity 1,808 per time unit, for 2,409 per time unit of demand; the LP value is
  (2465 + 1630 + 2306 + 2155) / (2409 - 1808) = 14.2363, stock of T2_10 and of its three customers).
  ``integral=True`` keeps their integer u and y (a small MIP, their numbers); ``integral=False``
  is the LP relaxation.

Our case (``case_rows``), one period = one of their time units
  tier 3 -> supplier sites, a spot, qualified offer of the part type, capacity c per period;
  tier 2 -> processor sites, one existing process, process_inputs one per needed part type at 1;
  tier 1 -> own sites, a process making product ``P_<node>``, the product's stock, demand d per
  period (penalty 1000); lanes along every edge carrying only the supplier's output, lead time 0.
  Their stock sits at the node, but only own and warehouse sites hold stock in our model, and a
  site outage stops every lane into or out of the site: so each tier-2/3 node's stock is at a
  warehouse ``<node>_stock`` beside it with its own lanes to the node's customers. An outage of
  the node's site then stops what it makes (offer or process, and its lanes) and leaves its stock
  usable, exactly their u_n = 0. A tier-1 node (role own) holds its product's stock itself and its
  demand is delivered there; an outage of it stops its process and lanes, not deliveries from its
  own stock (docs/inputs.md, docs/model.md: an outage hits offers, processes, lanes). Every inventory row has
  ``end_stock_min`` 0 (the default, the initial stock, would forbid using stock at all); there are
  no contracts, qualifications or builds to decide, so "once-decisions fixed" changes nothing.
  Horizon: 14 periods, the longest over which the undisrupted network serves all demand
  (floor(14.2363)); with 15 the baseline falls short by 459 units. Nodes whose TTS is the
  network's own 14.23 "survive the horizon" in our terms.

Translation: ours = min(periods, floor(t_LP))  (t_LP = their LP relaxation's value)
  Holds when demand and capacities are constant per period, lead times are zero, stock is
  usable in any period with no floors, caps or end-of-horizon minimum, and the outage runs from
  period 1 to the horizon. Proof sketch:
  (k served => k <= t_LP) Sum a plan that meets every demand of periods 1..k over those periods:
    what each node makes is at most c k (0 if out); what a processor consumes of each input is
    what it makes and at most what arrived (it starts with none); what leaves a node's two sites
    is at most its stock plus what it made; deliveries d k are at most stock plus production. So
    (sums, t = k) is feasible for their LP.
  (k <= t_LP => k served) The LP's feasible t form an interval [0, t_LP] (scale a solution at t
    by k/t: capacities and demands scale, stock terms only loosen). Take a solution at t = k,
    trim y so each input arrives exactly as consumed and u of tier-2/3 nodes to what they send
    (both only loosen), and run it stationary: per period make u/k, send y/k, draw the rest from
    stock. Per period that is within capacity, processors and suppliers pass on all they get,
    stock draws total at most s, and each demand gets (u_j + s_j)/k >= d_j. Flows in our model
    are continuous, so no rounding is needed.
  Integer (their) values: t_MIP <= t_LP, so floor(t_MIP) <= floor(t_LP); equality is not
  guaranteed in general (an assembly column has one +1 per needed part type: the matrix is not
  totally unimodular), but holds for every node of this network (t_MIP is below t_LP by at most
  0.0017). The brute force (``brute_force_tts``: the product's model with the outage as its only
  scenario, a prohibitive penalty on periods 1..k and none after, bisection on k) agrees with
  min(14, floor(t_LP)) for all 35 nodes and all 30 stock sites (a stock site out is their
  programme with that node's stock set to 0, an extension: their method puts out nodes only);
  the values are in tests/test_tts_reference.py.
  It would not hold with lead times (their model ignores them: ours would be shorter), with
  demand varying by period, with ``end_stock_min`` left at its default, or with a node's stock at
  the node's own (outaged) site.
"""

from __future__ import annotations

import math
import random
import string
from itertools import product

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs


# --------------------------------------------------------------------------------------------
# 1. The network: the same numbers as the public generator, from the same pseudo-random stream
# --------------------------------------------------------------------------------------------

def databricks_network(seed: int = 777, n1: int = 5, n2: int = 10, n3: int = 20) -> dict:
    """The three-tier network of the public Databricks stress-test accelerator, regenerated.

    Tier 1 (``T1_*``): finished-goods plants, each making its own product; tier 2 (``T2_*``):
    direct suppliers; tier 3 (``T3_*``): sub-suppliers (raw sources, no inputs). Edges run
    tier 3 -> tier 2 -> tier 1. The public generator draws everything from Python's standard
    ``random`` module (not numpy) after ``random.seed(777)``; this function makes the same calls,
    in the same order, on a private ``random.Random(seed)``, so the numbers are identical (and the
    global random state is left alone).

    Returns a dict:
      tiers: {1: [...], 2: [...], 3: [...]} node ids; edges: [(supplier, customer), ...] in draw order;
      part_type: node -> part type (tiers 2 and 3: three adjacent tier-2 nodes share one, two adjacent
      tier-3 nodes share one); part_types: all type names;
      needs: node (tiers 1, 2) -> sorted part types it needs, one unit of each per unit made;
      parents: (node, part type) -> suppliers of that type, in edge order;
      children: node (tiers 2, 3) -> sorted customers;
      margin: tier-1 node -> profit margin (used by their time-to-recover model only);
      stock: node -> on-hand units of the node's own output (every node);
      demand: tier-1 node -> units per time unit; capacity: node -> units made per time unit.
    """
    if n3 != 2 * n2:
        raise ValueError("the public generator requires n3 == 2 * n2")
    rnd = random.Random(seed)
    t1 = [f"T1_{i}" for i in range(1, n1 + 1)]
    t2 = [f"T2_{i}" for i in range(1, n2 + 1)]
    t3 = [f"T3_{i}" for i in range(1, n3 + 1)]
    edges: list[tuple[str, str]] = []

    # tier 2 -> tier 1: a random permutation of tier 2 gives each tier-1 node one supplier, then
    # each tier-2 node is topped up to a random 1..3 customers, drawn until new ones are found
    served: dict[str, set[str]] = {n: set() for n in t2}
    order = list(t2)
    rnd.shuffle(order)
    for customer, supplier in zip(t1, order):
        edges.append((supplier, customer))
        served[supplier].add(customer)
    for supplier in t2:
        wanted = rnd.randint(1, 3)
        while len(served[supplier]) < wanted:
            customer = rnd.choice(t1)
            if customer not in served[supplier]:
                edges.append((supplier, customer))
                served[supplier].add(customer)

    # tier 3 -> tier 2: every tier-3 node has one customer. Even positions 0, 2, 4, ... feed
    # tier-2 nodes 1, 2, 3, ... in turn; odd position 2m+1 feeds tier-2 node m+1 or m+2 at random
    # (the last odd one has only node n2 to feed: no draw)
    for m, node in enumerate(t3[0::2]):
        edges.append((node, t2[m]))
    for m, node in enumerate(t3[1::2]):
        hi = min(m + 1, n2 - 1)
        edges.append((node, t2[rnd.choice([m, hi])] if hi != m else t2[m]))

    # part types: names aaa, aab, ... (no random draws)
    n_tier2_types = math.ceil(n2 / 3)
    n_types = n_tier2_types + math.ceil(n3 / 2)
    names = ["".join(p) for p in product(string.ascii_lowercase, repeat=3)][:n_types]
    part_type = {node: names[i // 3] for i, node in enumerate(t2)}
    part_type.update({node: names[n_tier2_types + i // 2] for i, node in enumerate(t3)})

    needs: dict[str, set[str]] = {}
    parents: dict[tuple[str, str], list[str]] = {}
    children: dict[str, set[str]] = {}
    for supplier, customer in edges:
        k = part_type[supplier]
        needs.setdefault(customer, set()).add(k)
        parents.setdefault((customer, k), []).append(supplier)
        children.setdefault(supplier, set()).add(customer)

    # the numbers, in the generator's order: margins (tier 1), stock (all), demand (tier 1),
    # capacity (all); "all" is tier 1, then tier 2, then tier 3
    every = t1 + t2 + t3
    margin = {n: round(rnd.uniform(0.05, 0.30), 2) for n in t1}
    stock = {n: rnd.randint(1500, 3000) for n in every}
    demand = {n: rnd.randint(500, 1000) for n in t1}
    capacity = {n: rnd.randint(1500, 3000) for n in every}

    return {
        "tiers": {1: t1, 2: t2, 3: t3},
        "edges": edges,
        "part_type": part_type,
        "part_types": names,
        "needs": {n: sorted(v) for n, v in needs.items()},
        "parents": parents,
        "children": {n: sorted(v) for n, v in children.items()},
        "margin": margin,
        "stock": stock,
        "demand": demand,
        "capacity": capacity,
    }


# --------------------------------------------------------------------------------------------
# 2. Their time-to-survive programme, re-derived
# --------------------------------------------------------------------------------------------

def _tts_model(net: dict, disrupted: set[str], integral: bool, stock_scale: float = 1.0,
               fixed_t: float | None = None, lost_stock: frozenset[str] = frozenset()) -> pyo.ConcreteModel:
    """max t over one aggregate window [0, t] (see the module docstring for the formulation)."""
    t1, t2, t3 = net["tiers"][1], net["tiers"][2], net["tiers"][3]
    nodes = t1 + t2 + t3
    arcs = list(dict.fromkeys(net["edges"]))
    domain = pyo.NonNegativeIntegers if integral else pyo.NonNegativeReals
    m = pyo.ConcreteModel()
    m.made = pyo.Var(nodes, domain=domain)   # units of its output a node makes in the window
    m.sent = pyo.Var(arcs, domain=domain)    # units a supplier sends a customer in the window
    m.t = pyo.Var(domain=pyo.NonNegativeReals)
    if fixed_t is not None:
        m.t.fix(fixed_t)
    s = {n: 0.0 if n in lost_stock else net["stock"][n] * stock_scale for n in nodes}
    m.obj = pyo.Objective(expr=m.t, sense=pyo.maximize)
    m.assembly = pyo.ConstraintList()
    for n in t1 + t2:
        for k in net["needs"][n]:
            m.assembly.add(m.made[n] <= sum(m.sent[i, n] for i in net["parents"][(n, k)]))
    m.supply = pyo.ConstraintList()
    for i in t2 + t3:
        m.supply.add(sum(m.sent[i, j] for j in net["children"][i]) <= s[i] + m.made[i])
    m.cap = pyo.ConstraintList()
    for n in nodes:
        m.cap.add(m.made[n] <= (0.0 if n in disrupted else net["capacity"][n]) * m.t)
    m.serve = pyo.ConstraintList()
    for j in t1:
        m.serve.add(m.made[j] + s[j] >= net["demand"][j] * m.t)
    return m


def _solve(m: pyo.ConcreteModel):
    res = Highs().solve(m, load_solutions=False, raise_exception_on_nonoptimal_result=False,
                        rel_gap=0.0, solver_options={"mip_abs_gap": 1e-9})
    return res


def _split(network: dict, disrupted_node: str | list[str]) -> tuple[set[str], frozenset[str]]:
    """Node ids whose production stops, and nodes whose stock is lost (``<node>_stock``)."""
    names = [disrupted_node] if isinstance(disrupted_node, str) else list(disrupted_node)
    tiers = network["tiers"]
    nodes = set(tiers[1] + tiers[2] + tiers[3])
    stocks = {stock_site(n): n for n in tiers[2] + tiers[3]}
    unknown = [x for x in names if x not in nodes and x not in stocks]
    if unknown:
        raise KeyError(f"not a node or a stock site of this network: {unknown}")
    return {x for x in names if x in nodes}, frozenset(stocks[x] for x in names if x in stocks)


def survives_forever(network: dict, disrupted_node: str | list[str]) -> bool:
    """True when their programme is unbounded: the network minus the disrupted node(s) can meet
    every demand rate from capacity alone (the recession cone: stock 0, t = 1, is feasible)."""
    disrupted, _ = _split(network, disrupted_node)
    m = _tts_model(network, disrupted, integral=False, stock_scale=0.0, fixed_t=1.0)
    res = _solve(m)
    return res.termination_condition == TerminationCondition.convergenceCriteriaSatisfied


def reference_tts(network: dict, disrupted_node: str | list[str], integral: bool = True) -> float:
    """Their time to survive of a disruption, in their time unit; ``math.inf`` when the network
    never fails (their programme is unbounded).

    ``disrupted_node``: a node id (``T2_8``: it makes nothing, its stock still ships, their
    disruption), a list of them (``[]``: nothing out), or, beyond their method, a stock site of
    ``case_rows`` (``T2_8_stock``: that node's stock is lost, s = 0, and it still makes; so that
    every site our stress verb puts out has a reference value).
    ``integral=True`` keeps their variable domains (units made and sent are whole numbers, t is
    continuous: a small MIP); ``integral=False`` is the LP relaxation, the one our period model
    corresponds to exactly (module docstring)."""
    disrupted, lost = _split(network, disrupted_node)
    m = _tts_model(network, disrupted, integral, lost_stock=lost)
    res = _solve(m)
    # t = 0 with nothing made or sent is always feasible: "infeasible or unbounded" is unbounded
    if res.termination_condition in (TerminationCondition.unbounded, TerminationCondition.infeasibleOrUnbounded):
        return math.inf
    if res.termination_condition != TerminationCondition.convergenceCriteriaSatisfied:
        raise RuntimeError(f"time-to-survive programme for {disrupted_node}: {res.termination_condition}")
    res.solution_loader.load_vars()
    return float(pyo.value(m.t))


# --------------------------------------------------------------------------------------------
# 3. The same network as one of our case workbooks
# --------------------------------------------------------------------------------------------

DEFAULT_PERIODS = 14  # the longest horizon over which the undisrupted network serves every demand
SHORTFALL_PENALTY = 1000.0
RAW_PRICE = 1.0


def stock_site(node: str) -> str:
    """The warehouse that holds a tier-2 or tier-3 node's on-hand stock (tier 1 holds its own)."""
    return f"{node}_stock"


def output_material(network: dict, node: str) -> str:
    """The material a node makes: its part type (tiers 2, 3) or its own product (tier 1)."""
    return network["part_type"].get(node) or f"P_{node}"


def case_rows(network: dict, periods: int = DEFAULT_PERIODS) -> dict:
    """The network as a rows dict for ``model.case.workbook.write_case_workbook`` (module docstring).

    Tier 3 -> supplier sites with a spot offer of their part type (capacity per period = theirs per
    time unit); tier 2 -> processor sites with one process (inputs from ``process_inputs``, one unit of
    each needed part type per unit); tier 1 -> our own plants (role own) with a process making the
    node's product, the product's stock, and the product's demand per period. Each tier-2/3 node's
    stock sits at a warehouse ``<node>_stock`` beside it with its own lanes to the node's customers,
    so that an outage of the node's site stops its production but not its stock, as in their model.
    Every offer is spot and qualified, every process exists: there are no once-decisions to fix.
    """
    t1, t2, t3 = (network["tiers"][k] for k in (1, 2, 3))
    stage = {1: "magnet", 2: "alloy", 3: "oxide"}
    materials, seen = [], set()
    for tier in (3, 2, 1):
        for n in network["tiers"][tier]:
            mat = output_material(network, n)
            if mat not in seen:
                seen.add(mat)
                materials.append({"material": mat, "stage": stage[tier], "unit": "unit",
                                  "name": f"tier-{tier} output {mat}"})
    sites, offers, processes, inputs, inventory = [], [], [], [], []
    for n in t3:
        sites.append({"site": n, "country": "US", "role": "supplier"})
        offers.append({"offer": f"buy_{n}", "site": n, "material": output_material(network, n),
                       "price": RAW_PRICE, "capacity_per_period": network["capacity"][n],
                       "qualified": True, "spot": True})
    for n in t2 + t1:
        sites.append({"site": n, "country": "US", "role": "processor" if n in t2 else "own"})
        processes.append({"process": f"make_{n}", "site": n, "output": output_material(network, n),
                          "capacity_per_period": network["capacity"][n], "exists": True})
        inputs.extend({"process": f"make_{n}", "input": k, "per_unit_output": 1} for k in network["needs"][n])
    for n in t2 + t3:
        sites.append({"site": stock_site(n), "country": "US", "owner": n, "role": "warehouse"})
    for n in t1 + t2 + t3:
        inventory.append({"site": n if n in t1 else stock_site(n), "material": output_material(network, n),
                          "initial_stock": network["stock"][n], "initial_origin_group": "free",
                          "end_stock_min": 0})
    lanes = []
    for i, j in dict.fromkeys(network["edges"]):
        mat = output_material(network, i)
        lanes.append({"from_site": i, "to_site": j, "materials": mat})
        lanes.append({"from_site": stock_site(i), "to_site": j, "materials": mat})
    demand = [{"site": j, "material": output_material(network, j), "period": "*",
               "quantity": network["demand"][j], "shortfall_penalty": SHORTFALL_PENALTY} for j in t1]
    return {
        "settings": {"case_name": "databricks_tts", "periods": periods, "origin_groups": "free, covered, CN",
                     "frontier_points": 3, "mip_gap": 0.0, "time_limit_s": 120},
        "countries": [{"country": "US", "origin_group": "free"}],
        "materials": materials, "sites": sites, "offers": offers, "processes": processes,
        "process_inputs": inputs, "lanes": lanes, "demand": demand, "inventory": inventory,
        "controls": [], "scenarios": [], "scenario_events": [], "policies": [],
        "sources": [{"item": "network, stock, demand, capacity",
                     "value": "generate_data(N1=5, N2=10, N3=20), seed 777",
                     "source": "databricks-industry-solutions/supply-chain-stress-test (regenerated in "
                               "tests/support/tts_reference.py)", "reliability": "D"}],
    }


# --------------------------------------------------------------------------------------------
# 4. Our model's time to survive by brute force (uses the product's model, not its stress verb)
# --------------------------------------------------------------------------------------------

def outage_rows(rows: dict, site: str, served_through: int) -> dict:
    """``rows`` with one scenario: ``site`` out (factor 0) from period 1 to the horizon; demand in
    periods 1..served_through carries a prohibitive penalty and later demand none, so the min-cost
    plan meets every demand of those periods exactly when that is possible."""
    import copy
    out = copy.deepcopy(rows)
    periods = int(out["settings"]["periods"])
    out["scenarios"] = [{"scenario": f"out_{site}", "probability": 1.0}]
    out["scenario_events"] = [{"scenario": f"out_{site}", "event": "outage", "target": site,
                               "start_period": 1, "factor": 0}]
    demand = []
    for d in out["demand"]:
        for p in (range(1, periods + 1) if d["period"] == "*" else [int(d["period"])]):
            demand.append({**d, "period": p, "shortfall_penalty": 1e6 if p <= served_through else 0.0})
    out["demand"] = demand
    return out


def serves_through(rows: dict, site: str, k: int, workdir) -> bool:
    """Can every demand of periods 1..k be met in full with ``site`` out from period 1?"""
    from pathlib import Path

    from model.case.reader import read_case
    from model.case.workbook import write_case_workbook
    from model.solving.frontier import solve_single

    if k <= 0:
        return True
    path = write_case_workbook(Path(workdir) / f"out_{site}_{k}.xlsx", outage_rows(rows, site, k))
    point = solve_single(read_case(path)).points[0]
    if point.plan is None:
        raise RuntimeError(f"no plan for {site}, k={k}: {point.outcome.status}")
    short = point.plan.shortfall
    return float(short.loc[short["period"] <= k, "unmet"].sum()) <= 1e-6


def brute_force_tts(rows: dict, site: str, workdir) -> int:
    """Our whole-period time to survive of an outage of ``site``, by bisection on ``serves_through``
    (monotone in k): the largest k in 0..periods whose periods 1..k can all be served."""
    lo, hi = 0, int(rows["settings"]["periods"])  # serves through lo; hi is the most it can be
    if serves_through(rows, site, hi, workdir):
        return hi
    hi -= 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if serves_through(rows, site, mid, workdir):
            lo = mid
        else:
            hi = mid - 1
    return lo
