"""Pass 2 of reading a workbook: the typed rows of every sheet into a checked :class:`Case`.

One builder per sheet, in the order of ``SHEET_BUILDERS`` (a sheet's references must be built
before the sheets that use them). Each builder reads its rows from the shared :class:`Building`
state, reports every problem it finds (sheet, cell, what is wrong, what was expected) and stores
what it built for the builders after it; :func:`build_case` runs them and assembles the case.
"""

from __future__ import annotations

from .case import (Case, Country, Demand, Event, Inventory, Lane, Material, Offer, Policy, Process,
                   Rule, Scenario, ScheduledReceipt, Site, StorageOption, Substitute)
from .cells import Row, _fmt
from .issues import Report
from .refs import (_INVALID, _Refs, _event_target, _expand_materials, _ok, _stocking_site, _unbuilt,
                   read_settings)
from .schema import STOCKING_ROLES


class Building:
    """What the builders share: the rows of every sheet, the report, the settings, and what each
    builder has built so far (countries, materials, sites, ... as attributes)."""

    def __init__(self, rows: dict[str, list[Row]], report: Report):
        self.rows = rows
        self.report = report
        self.settings = read_settings(rows["settings"], report)
        self.T = self.settings.periods if self.settings else None
        self.groups = self.settings.origin_groups if self.settings else ()
        self.group_lookup = {g.lower(): g for g in self.groups}
        self.stock_floors: list = []  # inventory rows whose floors are checked after storage_options

    def group_ref(self, row: Row, column: str, value=None):
        """The origin group a cell names, or _INVALID (reported) when it is not a declared one."""
        value = row[column] if value is None else value
        if value is None or value is _INVALID:
            return value
        if self.settings is None:  # the settings are wrong (reported): the groups cannot be checked
            return value
        g = self.group_lookup.get(str(value).lower())
        if g is None:
            self.report.error(row.sheet, row.cell(column), f"{column} '{value}' is not a declared origin group, "
                              "expected one of: " + ", ".join(self.groups))
            return _INVALID
        return g

    def period_ok(self, row: Row, column: str, value) -> bool:
        """A period within the horizon (reported where it is not)."""
        if value is None or value is _INVALID or self.T is None:
            return True
        if value > self.T:
            self.report.error(row.sheet, row.cell(column), f"{column} is {value}, expected a period within "
                              f"1..{self.T}")
            return False
        return True


def build_countries(ctx: Building) -> None:
    """countries: each country's origin group."""
    ctx.countries, ctx.invalid_countries = {}, set()
    for row in ctx.rows["countries"]:
        if row["country"] is None or not _ok(row["country"]):
            continue
        g = ctx.group_ref(row, "origin_group")
        if _ok(g, *row.values.values()) and g is not None:
            ctx.countries[row["country"]] = Country(row["country"], row["name"] or row["country"], g)
        else:
            ctx.invalid_countries.add(row["country"])
    ctx.country_refs = _Refs("country", ctx.countries, ctx.report, ctx.invalid_countries, sheet_reported=not ctx.rows["countries"])


def build_materials(ctx: Building) -> None:
    """materials: stage, unit and the groups rules may name."""
    ctx.materials, ctx.invalid_materials = {}, set()
    for row in ctx.rows["materials"]:
        if row["material"] is None or not _ok(row["material"]):
            continue
        if not _ok(*row.values.values()):
            ctx.invalid_materials.add(row["material"])
            if isinstance(row["groups"], tuple):  # a rule naming its group is no second problem
                ctx.invalid_materials.update(row["groups"])
            continue
        ctx.materials[row["material"]] = Material(row["material"], row["name"] or row["material"],
                                              row["stage"], row["unit"] or "t", tuple(row["groups"] or ()))
    ids = {str(m).strip().lower() for m in ctx.materials}
    for row in ctx.rows["materials"]:
        m = ctx.materials.get(row["material"]) if _ok(row["material"]) else None
        clash = [g for g in (m.groups if m else ()) if str(g).strip().lower() in ids]
        if clash:  # a rule, lane or policy naming it could mean the material or the group
            ctx.report.error("materials", row.cell("groups"), f"groups names {', '.join(clash)}, which is also a "
                             "material id; expected group names that are not material ids")
    ctx.material_refs = _Refs("material", ctx.materials, ctx.report, ctx.invalid_materials, sheet_reported=not ctx.rows["materials"])


def build_sites(ctx: Building) -> None:
    """sites: country, owner and role."""
    ctx.sites, ctx.invalid_sites, ctx.invalid_owners = {}, set(), set()
    for row in ctx.rows["sites"]:
        if row["site"] is None or not _ok(row["site"]):
            continue
        c = ctx.country_refs.get(row, "country")
        if _ok(c, *row.values.values()) and c is not None and row["role"] is not None:
            ctx.sites[row["site"]] = Site(row["site"], row["name"] or row["site"], c,
                                      row["owner"] or row["site"], row["role"])
        else:
            ctx.invalid_sites.add(row["site"])
            if row["owner"] is not _INVALID:
                ctx.invalid_owners.add(str(row["owner"] or row["site"]).lower())
    ctx.site_refs = _Refs("site", ctx.sites, ctx.report, ctx.invalid_sites, sheet_reported=not ctx.rows["sites"])
    ctx.owners = {s.owner for s in ctx.sites.values()}


def build_offers(ctx: Building) -> None:
    """offers: what can be bought, and on what terms (spot, qualification, take-or-pay)."""
    report = ctx.report
    ctx.offers = {}
    for row in ctx.rows["offers"]:
        v = row.values
        site = ctx.site_refs.get(row, "site")
        mat = ctx.material_refs.get(row, "material")
        origin = ctx.country_refs.get(row, "origin_country") if v["origin_country"] else None
        if not (_ok(site, mat, origin, *v.values()) and v["offer"] and site and mat):
            continue
        cap = v["capacity_per_period"]
        min_q = v["min_per_period"] or 0.0
        if cap is not None and min_q > cap:
            report.error("offers", row.cell("min_per_period"),
                         f"min_per_period is {_fmt(min_q)}, expected at most capacity_per_period ({_fmt(cap)})")
            continue
        if v["spot"] and (min_q > 0 or (v["fixed_cost"] or 0) > 0):
            report.warn("offers", row.cell("spot"), "a spot offer needs no contract: its min_per_period and "
                        "fixed_cost are ignored")
            min_q = 0.0
        if v["qualified"] and (v["qualification_periods"] or v["qualification_cost"]):
            report.warn("offers", row.cell("qualified"), "offer is qualified: qualification_periods and "
                        "qualification_cost are ignored")
        if ctx.T is not None and (v["lead_time"] or 0) >= ctx.T:
            report.warn("offers", row.cell("lead_time"), f"lead_time {v['lead_time']} leaves no period in which "
                        f"an order can arrive within the {ctx.T}-period horizon")
        ctx.offers[v["offer"]] = Offer(
            offer=v["offer"], site=site, material=mat, price=v["price"], capacity_per_period=cap,
            min_per_period=min_q, fixed_cost=0.0 if v["spot"] else (v["fixed_cost"] or 0.0),
            lead_time=v["lead_time"] or 0, qualified=bool(v["qualified"]),
            qualification_periods=0 if v["qualified"] else (v["qualification_periods"] or 0),
            qualification_cost=0.0 if v["qualified"] else (v["qualification_cost"] or 0.0),
            origin_country=origin or ctx.sites[site].country, spot=bool(v["spot"]))


def build_process_inputs(ctx: Building) -> None:
    """process_inputs: the bill of materials of each process."""
    ctx.inputs: dict[str, list] = {}
    process_ids = {row["process"] for row in ctx.rows["processes"] if row["process"] and _ok(row["process"])}
    ctx.process_refs = _Refs("process", process_ids, ctx.report)
    for row in ctx.rows["process_inputs"]:
        proc = ctx.process_refs.get(row, "process")
        mat = ctx.material_refs.get(row, "input")
        if _ok(proc, mat, row["per_unit_output"]) and proc and mat and row["per_unit_output"] is not None:
            ctx.inputs.setdefault(proc, []).append((mat, float(row["per_unit_output"])))


def build_process_coproducts(ctx: Building) -> None:
    """process_coproducts: the basket a process makes beside its output."""
    report = ctx.report
    ctx.coproducts: dict[str, list] = {}
    for row in ctx.rows.get("process_coproducts", []):
        proc = ctx.process_refs.get(row, "process")
        mat = ctx.material_refs.get(row, "material")
        if _ok(proc, mat, row["per_unit_output"]) and proc and mat and row["per_unit_output"] is not None:
            if any(m == mat for m, _ in ctx.inputs.get(proc, ())):
                report.error("process_coproducts", row.cell("material"), f"co-product {mat} of process {proc} is "
                             "also one of its inputs, expected a material other than the process's inputs")
                continue
            ctx.coproducts.setdefault(proc, []).append((mat, float(row["per_unit_output"]), row))


def build_processes(ctx: Building) -> None:
    """processes: routes, with their inputs and co-products attached."""
    report = ctx.report
    ctx.processes = {}
    for row in ctx.rows["processes"]:
        v = row.values
        site = ctx.site_refs.get(row, "site")
        out = ctx.material_refs.get(row, "output")
        tech_origin = ctx.country_refs.get(row, "technology_origin") if v["technology_origin"] else None
        if not (_ok(site, out, tech_origin, *v.values()) and v["process"] and site and out):
            continue
        if any(m == out for m, _ in ctx.inputs.get(v["process"], ())):
            report.error("processes", row.cell("output"), f"process {v['process']} has its output {out} as an input, "
                         "expected inputs other than the output")
            continue
        made_too = ctx.coproducts.get(v["process"], ())
        clash = [r for m, _, r in made_too if m == out]
        if clash:
            report.error("process_coproducts", clash[0].cell("material"), f"co-product {out} of process "
                         f"{v['process']} is its output, expected a material other than the output")
            continue
        if not any(ratio > 0 for _, ratio in ctx.inputs.get(v["process"], ())):
            report.warn("processes", row.cell("process"), f"process {v['process']} has no input (no process_inputs "
                        f"row with per_unit_output > 0): it makes {out} from nothing but its cost_per_unit")
        if ctx.T is not None and not v["exists"] and (v["build_periods"] or 0) >= ctx.T:
            report.warn("processes", row.cell("build_periods"), f"build_periods {v['build_periods']}: the process "
                        f"could only produce after the {ctx.T}-period horizon")
        ctx.processes[v["process"]] = Process(
            process=v["process"], site=site, output=out, capacity_per_period=v["capacity_per_period"],
            cost_per_unit=v["cost_per_unit"] or 0.0, exists=bool(v["exists"]),
            build_cost=0.0 if v["exists"] else (v["build_cost"] or 0.0),
            build_periods=0 if v["exists"] else (v["build_periods"] or 0),
            technology=v["technology"] or "", technology_origin=tech_origin or "",
            inputs=tuple(ctx.inputs.get(v["process"], ())),
            coproducts=tuple((m, ratio) for m, ratio, _ in made_too))


def build_lanes(ctx: Building) -> None:
    """lanes: movement between sites, with the materials each carries."""
    report = ctx.report
    ctx.lanes = []
    for row in ctx.rows["lanes"]:
        v = row.values
        a = ctx.site_refs.get(row, "from_site")
        b = ctx.site_refs.get(row, "to_site")
        if not _ok(v["materials"]):  # a list cell reported as wrong (a formula without value, merged)
            continue
        mats = _expand_materials(v["materials"] or ("*",), row, "materials", ctx.materials, ctx.report, ctx.invalid_materials)
        if not (_ok(a, b, mats, *v.values()) and a and b):
            continue
        if a == b:
            report.error("lanes", row.cell("to_site"), f"lane from {a} to itself, expected two different sites")
            continue
        ctx.lanes.append(Lane(a, b, mats, v["cost_per_unit"] or 0.0, v["lead_time"] or 0, v["capacity_per_period"]))


def build_demand(ctx: Building) -> None:
    """demand: one row per demand row and period (a * period is every period)."""
    ctx.demands = []
    for row in ctx.rows["demand"]:
        v = row.values
        site = ctx.site_refs.get(row, "site")
        mat = ctx.material_refs.get(row, "material")
        maxg = ctx.group_ref(row, "max_origin_group")
        if not (_ok(site, mat, maxg, *v.values()) and site and mat and v["period"] is not None):
            continue
        if v["period"] != "*" and not ctx.period_ok(row, "period", v["period"]):
            continue
        periods = range(1, (ctx.T or 0) + 1) if v["period"] == "*" else [v["period"]]
        for t in periods:
            ctx.demands.append(Demand(f"{site}/{mat}/r{row.number}", site, mat, int(t), float(v["quantity"] or 0.0),
                                  float(v["shortfall_penalty"] or 0.0), maxg))


def build_inventory(ctx: Building) -> None:
    """inventory: stock rows, their floors, ceilings, clean-stock limit and end-of-horizon value."""
    report = ctx.report
    ctx.inventories = {}
    for row in ctx.rows["inventory"]:
        v = row.values
        site = ctx.site_refs.get(row, "site")
        mat = ctx.material_refs.get(row, "material")
        g = ctx.group_ref(row, "initial_origin_group")
        clean = ctx.group_ref(row, "max_origin_group")
        if not (_ok(site, mat, g, clean, *v.values()) and site and mat):
            continue
        if ctx.sites[site].role not in STOCKING_ROLES:
            report.error("inventory", row.cell("site"), f"site {site} has role {ctx.sites[site].role}, expected a "
                         "stocking site (role own or warehouse)")
            continue
        init = v["initial_stock"] or 0.0
        end_min = init if v["end_stock_min"] is None else v["end_stock_min"]
        max_s = v["max_stock"]
        bad = False
        ctx.stock_floors.append((row, site, mat))  # checked against max_stock once storage room is known
        if clean is not None and ctx.settings is not None:
            rank = {grp: i for i, grp in enumerate(ctx.groups)}
            if g is None and init > 0:
                report.error("inventory", row.cell("initial_origin_group"), "initial_origin_group is blank (read "
                             f"as the most controlled group, {ctx.groups[-1]}) but the stock is held under "
                             f"max_origin_group {clean}, expected the initial stock's group, {clean} or cleaner")
                bad = True
            elif g is not None and rank[g] > rank[clean]:
                report.error("inventory", row.cell("initial_origin_group"), f"initial_origin_group {g} is more "
                             f"controlled than max_origin_group {clean}, expected {clean} or a cleaner group")
                bad = True
            g = g or clean  # no initial stock: its group does not matter
        if bad:
            continue
        if v["end_stock_value"] is not None:
            end_value = float(v["end_stock_value"])
        else:  # what a unit costs to put back: the material's cheapest offer, 0 where none is offered
            prices = [o.price for o in ctx.offers.values() if o.material == mat and isinstance(o.price, (int, float))]
            end_value = min(prices) if prices else 0.0
        ctx.inventories[(site, mat)] = Inventory(site, mat, init, g or (ctx.groups[-1] if ctx.groups else ""), max_s,
                                             v["holding_cost_per_period"] or 0.0, v["min_stock"] or 0.0, end_min,
                                             clean, end_value)


def build_controls(ctx: Building) -> None:
    """controls: bans, licences, quotas and technology bans, their destinations resolved."""
    report = ctx.report
    ctx.rules = {}
    for row in ctx.rows["controls"]:
        v = row.values
        issuer = ctx.country_refs.get(row, "issuer")
        if not _ok(v["technologies"], v["materials"], v["to_countries"], v["to_owners"]):
            continue  # a list cell reported as wrong (a formula without value, merged)
        techs = tuple(v["technologies"] or ())
        mats = () if techs else _expand_materials(v["materials"] or ("*",), row, "materials", ctx.materials, ctx.report, ctx.invalid_materials)
        to_c = tuple(v["to_countries"] or ())
        if to_c and "*" not in to_c:
            resolved = tuple(ctx.country_refs.get(row, "to_countries", c) for c in to_c)
            to_c = resolved if _ok(*resolved) else _INVALID
        elif to_c:
            to_c = ("*",)
        to_o = tuple(v["to_owners"] or ())
        if to_o and "*" not in to_o:
            owner_lookup = {o.lower(): o for o in ctx.owners}
            resolved = []
            for o in to_o:
                if o.lower() not in owner_lookup and o.lower() in ctx.invalid_owners:
                    resolved.append(_INVALID)  # its site's row has a bad cell, reported there
                elif o.lower() not in owner_lookup:
                    report.error("controls", row.cell("to_owners"), f"to_owners names '{o}', which owns no site, "
                                 "expected an owner from the sites sheet")
                    resolved.append(_INVALID)
                else:
                    resolved.append(owner_lookup[o.lower()])
            to_o = tuple(resolved) if _ok(*resolved) else _INVALID
        elif to_o:
            to_o = ("*",)
        if not (_ok(issuer, mats, to_c, to_o, *v.values()) and issuer and v["rule"]):
            continue
        start = v["start_period"] or 1
        end = v["end_period"] if v["end_period"] is not None else (ctx.T or start)
        if not (ctx.period_ok(row, "start_period", start) and ctx.period_ok(row, "end_period", end)):
            continue
        if end < start:
            report.error("controls", row.cell("end_period"), f"end_period is {end}, expected >= start_period ({start})")
            continue
        if v["kind"] == "quota" and v["quota_per_period"] is None and not techs:
            report.error("controls", row.cell("quota_per_period"), "quota_per_period is blank, expected a number >= 0 "
                         "for a quota rule")
            continue
        if techs and v["materials"] and v["materials"] != ("*",):
            report.warn("controls", row.cell("materials"), "a technology ban covers no material flow: materials ignored")
        ctx.rules[v["rule"]] = Rule(
            rule=v["rule"], description=v["description"] or "", issuer=issuer, materials=mats,
            technologies=techs, to_countries=to_c, to_owners=to_o, extraterritorial=bool(v["extraterritorial"]),
            kind=v["kind"] or "ban", licence_lead_time=v["licence_lead_time"] or 0,
            quota_per_period=v["quota_per_period"], status=v["status"] or "in_force", start_period=start,
            end_period=end)
    ctx.rule_refs = _Refs("rule", ctx.rules, ctx.report, _unbuilt(ctx.rows["controls"], "rule", ctx.rules))


def build_scenarios(ctx: Building) -> None:
    """scenarios: probabilities summing to 1 (one nominal scenario when there are none)."""
    report = ctx.report
    ctx.scenarios = {}
    for row in ctx.rows["scenarios"]:
        if row["scenario"] and _ok(row["scenario"], row["probability"]) and row["probability"] is not None:
            ctx.scenarios[row["scenario"]] = Scenario(row["scenario"], float(row["probability"]), row["description"] or "")
    if ctx.rows["scenarios"]:
        total = sum(s.probability for s in ctx.scenarios.values())
        if ctx.scenarios and abs(total - 1.0) > 1e-6 and len(ctx.scenarios) == len(ctx.rows["scenarios"]):
            rows = ctx.rows["scenarios"]  # the probability cells that sum wrong, together
            report.error("scenarios", f"{rows[0].cell('probability')}:{rows[-1].cell('probability')}",
                         f"probabilities sum to {total:.6g}, expected 1 (within 1e-6)")
    elif ctx.rows["scenario_events"]:
        report.error("scenarios", "", "sheet 'scenarios' is missing or empty, but scenario_events has rows: "
                     "expected the scenarios they name, with probabilities")
    if not ctx.scenarios:
        ctx.scenarios = {"nominal": Scenario("nominal", 1.0, "the case as given")}
    ctx.scenario_refs = _Refs("scenario", ctx.scenarios, ctx.report, _unbuilt(ctx.rows["scenarios"], "scenario", ctx.scenarios))


def build_scenario_events(ctx: Building) -> None:
    """scenario_events: rule, outage and price events with their targets resolved."""
    report = ctx.report
    lane_ids = [f"{ln.from_site}>{ln.to_site}" for ln in ctx.lanes]
    material_groups = list(dict.fromkeys(g for m in ctx.materials.values() for g in m.groups))
    pools = {"outage": [("site", ctx.sites), ("process", ctx.processes), ("offer", ctx.offers), ("lane", lane_ids),
                        ("material", ctx.materials), ("material group", material_groups)],
             "price": [("offer", ctx.offers), ("country", ctx.countries), ("material", ctx.materials),
                       ("material group", material_groups)]}
    # targets whose own row has a bad cell (reported there): naming them is no second problem
    unbuilt_lanes = {f"{r['from_site']}>{r['to_site']}".lower() for r in ctx.rows["lanes"]
                     if isinstance(r["from_site"], str) and isinstance(r["to_site"], str)} - {
        lane.lower() for lane in lane_ids}
    unbuilt = {"outage": {i.lower() for i in ctx.invalid_sites | _unbuilt(ctx.rows["processes"], "process", ctx.processes)
                          | _unbuilt(ctx.rows["offers"], "offer", ctx.offers) | ctx.invalid_materials} | unbuilt_lanes,
               "price": {i.lower() for i in _unbuilt(ctx.rows["offers"], "offer", ctx.offers) | ctx.invalid_countries
                         | ctx.invalid_materials}}
    ctx.events = []
    for row in ctx.rows["scenario_events"]:
        v = row.values
        sc = ctx.scenario_refs.get(row, "scenario")
        if not (_ok(sc, *v.values()) and sc and v["event"] and v["target"] and v["start_period"]):
            continue
        target = v["target"]
        kind = v["event"]
        target_kind = kind
        if kind == "rule":
            target = ctx.rule_refs.get(row, "target")
            if target is _INVALID:
                continue
            if ctx.rules[target].status == "off":
                report.warn("scenario_events", row.cell("target"), f"rule {target} has status off: this event never "
                            "switches it on")
            elif ctx.rules[target].status == "in_force":
                report.warn("scenario_events", row.cell("target"), f"rule {target} is in_force in every scenario; "
                            "this event changes nothing")
        else:
            found = _event_target(target, pools[kind])
            low = target.lower()
            if not found and (low in unbuilt[kind] or low.replace(" ", "") in unbuilt[kind]):
                continue
            if not found:
                expected = ("a known site, process, offer or lane (written from_site>to_site), nor a material or "
                            "material group; expected one of those ids" if kind == "outage"
                            else "a known offer or country, nor a material or material group; expected an offer "
                            "id, a country code, a material or a group tag")
                report.error("scenario_events", row.cell("target"), f"{kind} target '{target}' is not {expected}")
                continue
            if len(found) > 1:
                report.error("scenario_events", row.cell("target"), f"{kind} target '{target}' could be read as "
                             + " or as ".join(f"the {k} {name}" for k, name in found)
                             + "; expected a name that means one thing (rename one of them)")
                continue
            target_kind, target = found[0]
            target_kind = "group" if target_kind == "material group" else target_kind
            if kind == "price" and v["factor"] is None:
                report.error("scenario_events", row.cell("factor"), "factor is blank, expected the price multiplier "
                             "(a number >= 0) for a price event")
                continue
        if not ctx.period_ok(row, "start_period", v["start_period"]):
            continue
        end = ctx.T if v["duration"] is None else min(ctx.T or 0, v["start_period"] + v["duration"] - 1)
        factor = v["factor"] if v["factor"] is not None else (0.0 if kind == "outage" else 1.0)
        if kind == "outage" and factor > 1:
            report.warn("scenario_events", row.cell("factor"), f"outage factor {factor} > 1 raises capacity")
        if (v["notice"] or 0) >= v["start_period"]:
            report.warn("scenario_events", row.cell("notice"), f"notice {_fmt(v['notice'])} reaches back before "
                        f"period 1 (the event starts in period {v['start_period']}): it is known from period 1, as "
                        f"with notice {v['start_period'] - 1}")
        ctx.events.append(Event(sc, kind, target, v["start_period"], end, v["notice"] or 0, float(factor), target_kind))


def build_policies(ctx: Building) -> None:
    """policies: share and supplier-count policies on the materials they name."""
    report = ctx.report
    ctx.policies = []
    counts: dict[str, dict[str, list]] = {}  # material -> min/max_suppliers -> [(value, row)]
    for row in ctx.rows["policies"]:
        v = row.values
        if not (_ok(*v.values()) and v["policy"] and v["value"] is not None):
            continue
        mats = _expand_materials((v["material"] or "*",), row, "material", ctx.materials, ctx.report, ctx.invalid_materials)
        if mats is _INVALID:
            continue
        target = None
        if v["policy"] == "max_share_origin":
            target = ctx.group_ref(row, "target")
            if target is None:
                report.error("policies", row.cell("target"), "target is blank, expected an origin group for max_share_origin")
                continue
            if target is _INVALID:
                continue
        if v["policy"].startswith("max_share") and v["value"] > 1:
            report.error("policies", row.cell("value"), f"value is {_fmt(v['value'])}, expected a share in 0..1")
            continue
        if v["policy"].endswith("suppliers") and not float(v["value"]).is_integer():
            report.error("policies", row.cell("value"), f"value is {v['value']}, expected a whole number of suppliers")
            continue
        ctx.policies.append(Policy(v["policy"], mats, target, float(v["value"])))
        if v["policy"] in ("min_suppliers", "max_suppliers"):
            for mat in mats:
                counts.setdefault(mat, {}).setdefault(v["policy"], []).append((float(v["value"]), row))
    for mat, bounds in counts.items():  # each material's highest minimum against its lowest maximum
        if "min_suppliers" in bounds and "max_suppliers" in bounds:
            (low, row), (high, _) = max(bounds["min_suppliers"], key=lambda b: b[0]), min(
                bounds["max_suppliers"], key=lambda b: b[0])
            if low > high:
                report.error("policies", row.cell("value"), f"min_suppliers {_fmt(low)} is above max_suppliers "
                             f"{_fmt(high)} for {mat}; expected a minimum no larger than the maximum")


def build_scheduled_receipts(ctx: Building) -> None:
    """scheduled_receipts: open orders arriving at a stocking site, in every scenario."""
    out = []
    for row in ctx.rows.get("scheduled_receipts", []):
        v = row.values
        site = ctx.site_refs.get(row, "site")
        mat = ctx.material_refs.get(row, "material")
        g = ctx.group_ref(row, "origin_group")
        if not (_ok(site, mat, g, *v.values()) and site and mat and v["period"] is not None):
            continue
        if not _stocking_site(row, site, ctx.sites, ctx.report) or not ctx.period_ok(row, "period", v["period"]):
            continue
        out.append(ScheduledReceipt(site, mat, int(v["period"]), float(v["quantity"] or 0.0),
                                    g or (ctx.groups[-1] if ctx.groups else "")))
    ctx.receipts = tuple(out)


def build_storage_options(ctx: Building) -> None:
    """storage_options: room at a stocking site, shared by the named materials that have an
    inventory row there."""
    report, inventories, T = ctx.report, ctx.inventories, ctx.T
    rows_at = {(r["site"], r["material"]) for r in ctx.rows["inventory"]
               if isinstance(r["site"], str) and isinstance(r["material"], str)}
    invalid_inventories = rows_at - set(inventories)  # rows with a bad cell, reported there
    out = {}
    for row in ctx.rows.get("storage_options", []):
        v = row.values
        site = ctx.site_refs.get(row, "site")
        if not (_ok(site, *v.values()) and site and v["option"] and v["extra_max_stock"] is not None):
            continue
        if not _stocking_site(row, site, ctx.sites, report):
            continue
        named = v["material"] or "*"
        mats = _expand_materials((named,), row, "material", ctx.materials, report, ctx.invalid_materials)
        if mats is _INVALID:
            continue
        stocked = tuple(m for m in mats if (site, m) in inventories)
        if not stocked and any((site, m) in invalid_inventories for m in mats):
            continue  # its inventory row has a bad cell, reported there
        if named.lower() in {m.lower() for m in ctx.materials} and not stocked:
            report.error("storage_options", row.cell("material"), f"material {mats[0]} has no inventory row at "
                         f"site {site}, expected a material stocked there (add its inventory row)")
            continue
        if not stocked:
            report.error("storage_options", row.cell("material"), f"material '{named}' names no material with an "
                         f"inventory row at site {site}, expected a material, group or * stocked there")
            continue
        build = v["build_periods"] or 0
        if T is not None and build >= T:
            report.warn("storage_options", row.cell("build_periods"), f"build_periods {build} leaves no period of "
                        f"the {T}-period horizon in which the room exists")
        if all(inventories[(site, m)].max_stock is None for m in stocked):
            report.warn("storage_options", row.cell("extra_max_stock"), f"every material it names has a blank "
                        f"(unlimited) max_stock at {site}: the room adds nothing")
        out[v["option"]] = StorageOption(v["option"], site, stocked, float(v["extra_max_stock"]),
                                         float(v["cost"] or 0.0), int(build))
    ctx.storage = out


def check_stock_floors(ctx: Building) -> None:
    """inventory: min_stock, end_stock_min and (where it is the default end_stock_min) initial_stock
    fit under max_stock plus the room of every storage option that may hold the material there (a
    floor above max_stock is what such room is rented for: the plan must then take it). max_stock
    bounds end-of-period stock (docs/model.md): a start above it is allowed when the stock may fall
    below it by the end of period 1, i.e. when end_stock_min is set at or below it."""
    report = ctx.report
    for row, site, mat in ctx.stock_floors:
        v = row.values
        max_s = v["max_stock"]
        if max_s is None:
            continue
        options = [o for o in ctx.storage.values() if o.site == site and mat in o.materials]
        # room counts from period build_periods + 1: min_stock binds from period 1, the end floors
        # at the horizon
        ready_at_once = sum(o.extra_max_stock for o in options if o.build_periods == 0)
        ready_by_end = sum(o.extra_max_stock for o in options if ctx.T is None or o.build_periods < ctx.T)

        def expected(room: float, when: str) -> str:
            return (f"at most max_stock ({_fmt(max_s)})" if not room else
                    f"at most max_stock ({_fmt(max_s)}) plus the room of the storage options that may hold "
                    f"{mat} at {site} {when} ({_fmt(room)})")

        init = v["initial_stock"] or 0.0
        checks = [("min_stock", v["min_stock"] or 0.0, ready_at_once, "from period 1"),
                  ("end_stock_min", v["end_stock_min"] or 0.0, ready_by_end, "by the horizon")]
        if v["end_stock_min"] is None:  # it is also the default end_stock_min
            checks.insert(0, ("initial_stock", init, ready_by_end, "by the horizon"))
        bad = False
        for col, val, room, when in checks:
            if val > max_s + room + 1e-9:
                report.error("inventory", row.cell(col), f"{col} is {_fmt(val)}, expected {expected(room, when)}")
                bad = True
        if not bad and init > max_s + 1e-9:
            unless = " unless storage room is taken" if init <= max_s + ready_at_once + 1e-9 and ready_at_once else ""
            report.warn("inventory", row.cell("initial_stock"), f"initial_stock is {_fmt(init)}, above max_stock "
                        f"({_fmt(max_s)}): the stock must come down to max_stock by the end of period 1{unless}")


def build_substitutes(ctx: Building) -> None:
    """substitutes: a demand material served in part by another material."""
    report, T = ctx.report, ctx.T
    out = []
    demanded = {d.material for d in ctx.demands}
    for row in ctx.rows.get("substitutes", []):
        v = row.values
        dm = ctx.material_refs.get(row, "demand_material")
        sub = ctx.material_refs.get(row, "substitute")
        if not (_ok(dm, sub, *v.values()) and dm and sub):
            continue
        if dm == sub:
            report.error("substitutes", row.cell("substitute"), f"substitute {sub} is its demand material, expected "
                         "another material")
            continue
        per_unit = 1.0 if v["per_unit"] is None else float(v["per_unit"])
        if per_unit <= 0:
            report.error("substitutes", row.cell("per_unit"), f"per_unit is {_fmt(per_unit)}, expected a number > 0 "
                         "(units of substitute per unit of demand served)")
            continue
        if dm not in demanded:
            report.warn("substitutes", row.cell("demand_material"), f"no demand row asks for {dm}: this "
                        "substitute serves nothing")
        q = v["qualification_periods"] or 0
        if T is not None and q >= T:
            report.warn("substitutes", row.cell("qualification_periods"), f"qualification_periods {q} leaves no "
                        f"period of the {T}-period horizon in which the substitute can serve")
        out.append(Substitute(dm, sub, per_unit, 1.0 if v["max_share"] is None else float(v["max_share"]),
                              int(q), float(v["qualification_cost"] or 0.0)))
    ctx.substitutes = tuple(out)


# sheet -> its builder, in the order they must run (references before their uses)
SHEET_BUILDERS = (
    ("countries", build_countries),
    ("materials", build_materials),
    ("sites", build_sites),
    ("offers", build_offers),
    ("process_inputs", build_process_inputs),
    ("process_coproducts", build_process_coproducts),
    ("processes", build_processes),
    ("lanes", build_lanes),
    ("demand", build_demand),
    ("inventory", build_inventory),
    ("controls", build_controls),
    ("scenarios", build_scenarios),
    ("scenario_events", build_scenario_events),
    ("policies", build_policies),
    ("scheduled_receipts", build_scheduled_receipts),
    ("storage_options", build_storage_options),
    ("inventory", check_stock_floors),  # after storage_options: their room counts
    ("substitutes", build_substitutes),
)


def build_case(rows: dict[str, list[Row]], report: Report) -> Case | None:
    """Every sheet's builder in turn, then the case; None when any problem was reported."""
    ctx = Building(rows, report)
    for _, builder in SHEET_BUILDERS:
        builder(ctx)
    if not report.ok or ctx.settings is None:
        return None
    return Case(settings=ctx.settings, countries=ctx.countries, materials=ctx.materials, sites=ctx.sites,
                offers=ctx.offers, processes=ctx.processes, lanes=tuple(ctx.lanes), demands=tuple(ctx.demands),
                inventories=ctx.inventories, rules=ctx.rules, scenarios=ctx.scenarios, events=tuple(ctx.events),
                policies=tuple(ctx.policies), sources=tuple(r.values for r in rows["sources"]),
                receipts=ctx.receipts, storage_options=ctx.storage, substitutes=ctx.substitutes)
