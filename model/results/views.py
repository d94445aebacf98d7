"""Views of a plan that a planner reads (pure pandas, no Pyomo): what role each offer plays (a
supplier in the nominal scenario, or a backup and the scenarios that use it), the strategic
stockpile (what is held against the first disruption, valued at what each material costs to buy
or make), and the data of the recommended plan's charts (stock over time; supply to demand by
origin group, with what goes unmet, in the nominal and in the worst scenario)."""

from __future__ import annotations

import pandas as pd

EPS = 1e-7
UNMET = "unmet"  # the series of demand not met, beside the origin groups


def unit_values(case) -> dict[str, float]:
    """What a unit of each material costs to buy or make, at base prices: the lower of its cheapest
    offer's price and, for each process that makes it, the process's cost per unit plus its inputs
    (units per unit of output) at their own values (transport, fixed and build costs left out).
    A material that is neither bought nor made as a process's main output (only ever a co-product,
    or only in the initial stock) is valued at 0."""
    inf = float("inf")
    value = {m: inf for m in case.materials}
    for o in case.offers.values():
        value[o.material] = min(value[o.material], float(o.price))
    for _ in range(len(case.materials) + 1):  # costs are >= 0: relaxing converges within |materials| passes
        changed = False
        for p in case.processes.values():
            made = float(p.cost_per_unit) + sum(ratio * value.get(mat, inf) for mat, ratio in p.inputs)
            if made < value.get(p.output, inf) - 1e-9:
                value[p.output] = made
                changed = True
        if not changed:
            break
    return {m: (v if v < inf else 0.0) for m, v in value.items()}


def supplier_roles(suppliers: pd.DataFrame, routes: pd.DataFrame, nominal: str,
                   scenario_order: list[str] | None = None) -> list[str]:
    """Per suppliers row (columns point, offer, contracted, qualification_started, volume):
    ``supplies the nominal scenario`` when it is bought from in the nominal scenario; else, when it
    is contracted or being qualified, ``backup: used in scenarios A, B`` (in ``scenario_order``) or
    ``backup: not used in any scenario``; a spot offer (no contract) bought only outside the
    nominal scenario is ``spot: bought in scenarios A, B``; else blank."""
    if suppliers is None or suppliers.empty:
        return []
    used: dict[tuple, list[str]] = {}
    if routes is not None and not routes.empty and {"point", "kind", "route", "scenario"} <= set(routes.columns):
        buys = routes[(routes["kind"] == "purchase") & (routes["quantity"] > EPS)]
        rank = {s: i for i, s in enumerate(scenario_order or [])}
        for (point, offer), scen in buys.groupby(["point", "route"])["scenario"]:
            names = {s for s in scen if s != nominal}
            used[(point, offer)] = sorted(names, key=lambda s: (rank.get(s, len(rank)), s))
    out = []
    for r in suppliers.to_dict("records"):
        others = used.get((r.get("point"), r["offer"]), [])
        held = r.get("contracted") == "yes" or r.get("qualification_started") == "yes"
        if (r.get("volume") or 0) > EPS:
            out.append("supplies the nominal scenario")
        elif others:
            scen = ("scenarios " if len(others) > 1 else "scenario ") + ", ".join(others)
            out.append(f"backup: used in {scen}" if held else f"spot: bought in {scen}")
        elif held:
            out.append("backup: not used in any scenario")
        else:
            out.append("")
    return out


def strategic_stock(case, plan, point: int, values: dict[str, float]) -> pd.DataFrame:
    """What one plan holds against the first disruption: per stocking site and material, the
    nominal scenario's stock at the end of the period before the first disruption becomes known
    (the initial stock when it is known from the start), its value at ``values`` (per unit) and its
    days of cover. Columns: point, period, site, material, unit, level, unit_value, value,
    days_of_cover; rows with no stock left out."""
    sp = plan.extras.get("strategic_period", 1)
    rows = []
    if sp > 1:
        at = plan.stockpile[plan.stockpile["period"] == sp - 1]
        for r in at.to_dict("records"):
            rows.append({"site": r["site"], "material": r["material"], "level": r["level"],
                         "days_of_cover": r.get("days_of_cover")})
    else:
        for inv in case.inventories.values():
            rows.append({"site": inv.site, "material": inv.material, "level": inv.initial_stock,
                         "days_of_cover": None})
    cols = ["point", "period", "site", "material", "unit", "level", "unit_value", "value", "days_of_cover"]
    out = []
    for r in rows:
        if (r["level"] or 0) <= EPS:
            continue
        mat = case.materials.get(r["material"])
        v = values.get(r["material"], 0.0)
        out.append({"point": point, "period": max(0, sp - 1), "site": r["site"], "material": r["material"],
                    "unit": getattr(mat, "unit", "") or "", "level": r["level"], "unit_value": v,
                    "value": r["level"] * v, "days_of_cover": r["days_of_cover"]})
    return pd.DataFrame(out, columns=cols)


def worst_scenario(plan) -> tuple[str | None, str]:
    """(scenario, why): the scenario with the largest unmet share (ties: the more probable, then the
    first listed); when no scenario leaves demand unmet, the costliest one."""
    sc = plan.scenarios
    if sc is None or sc.empty:
        return None, ""
    sc = sc.reset_index(drop=True)
    if (sc["unmet_share"] > EPS).any():
        order = sc.assign(_i=range(len(sc))).sort_values(["unmet_share", "probability", "_i"],
                                                         ascending=[False, False, True])
        return str(order.iloc[0]["scenario"]), "the largest unmet share"
    order = sc.assign(_i=range(len(sc))).sort_values(["cost", "_i"], ascending=[False, True])
    return str(order.iloc[0]["scenario"]), "no scenario leaves demand unmet: the costliest scenario"


def stock_over_time(plan, case) -> pd.DataFrame:
    """The nominal scenario's end-of-period stock, one column per stocking site and material that
    ever holds stock (``MATERIAL at SITE``), one row per period (0: the initial stock)."""
    st = plan.stockpile
    if st is None or st.empty:
        return pd.DataFrame()
    st = st.assign(series=st["material"] + " at " + st["site"])
    pair = dict(zip(st["series"], zip(st["site"], st["material"])))
    wide = st.pivot_table(index="period", columns="series", values="level", aggfunc="sum").fillna(0.0)
    initial = {}
    for c in wide.columns:
        inv = case.inventories.get(pair[c])
        initial[c] = inv.initial_stock if inv is not None else 0.0
    keep = [c for c in wide.columns if max(wide[c].max(), initial[c]) > EPS]
    if not keep:
        return pd.DataFrame()
    # largest stocks first, so the legend reads from what matters most
    keep.sort(key=lambda c: -max(wide[c].max(), initial[c]))
    wide = wide[keep]
    initial = {c: initial[c] for c in keep}
    wide = pd.concat([pd.DataFrame([initial], index=[0]), wide])
    wide.index.name = "period"
    return wide.reset_index()


def supply_by_group(plan, case, scenario: str) -> pd.DataFrame:
    """Deliveries to demand by origin group (columns in the case's order, least to most
    controlled) and the demand left unmet (``unmet``), per period, in one scenario."""
    dl = plan.detail.get("deliveries") if plan.detail else None
    periods = list(case.periods)
    groups = list(case.groups)
    frame = pd.DataFrame(0.0, index=periods, columns=groups + [UNMET])
    if dl is not None and not dl.empty:
        d = dl[dl["scenario"] == scenario].groupby(["period", "origin_group"])["quantity"].sum()
        for (t, g), q in d.items():
            if g not in frame.columns:
                frame[g] = 0.0
            frame.loc[t, g] += q
    sf = plan.shortfall
    if sf is not None and not sf.empty:
        u = sf[sf["scenario"] == scenario].groupby("period")["unmet"].sum()
        for t, q in u.items():
            frame.loc[t, UNMET] += q
    frame.index.name = "period"
    return frame.reset_index()


def plan_charts(case, plan, point: int) -> dict:
    """The recommended plan's chart data: ``stock`` (stock_over_time), ``supply_nominal`` and
    ``supply_worst`` (supply_by_group) and their scenarios, the unit of the supply series, and the
    point. The worst scenario's table is left out when it is the nominal one."""
    nominal = case.nominal_scenario
    worst, why = worst_scenario(plan)
    demand_units = sorted({getattr(case.materials.get(d.material), "unit", "") or "" for d in case.demands})
    out = {"point": point, "stock": stock_over_time(plan, case),
           "supply_nominal": supply_by_group(plan, case, nominal), "nominal": nominal,
           "supply_unit": demand_units[0] if len(demand_units) == 1 else "units of each demand's material",
           "stock_units": sorted({getattr(case.materials.get(mat), "unit", "") or ""
                                  for mat in (plan.stockpile["material"] if len(plan.stockpile) else [])}),
           "worst": worst, "worst_why": why}
    if worst is not None and worst != nominal:
        out["supply_worst"] = supply_by_group(plan, case, worst)
    return out
