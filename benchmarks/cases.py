"""Generated benchmark cases, default-shaped: the default case grown along the axes users grow.

- scenarios: each disruptive scenario (one with events) copied with its events 0..k-1 periods
  later, its probability split evenly (k = 8 turns the default case's 6 scenarios into 41);
- periods: the horizon stretched, event and rule windows stretched with it (a disruption in month
  8 of 24 is in month 20 of 60);
- materials and offers: ``lines`` copies of the whole material network (a second, third product
  line: its own materials, offers, processes and demand, sold by the same sites, under the same
  rules), and ``extra_offers`` (a share of offers that get a dearer alternative at the same site);
- every copy's prices drawn from a seeded random stream, so two runs build the same case.

The base is read from the default case workbook at run time, so the benchmark follows it when it
is recalibrated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASE = ROOT / "inputs" / "rare_earth_magnets.xlsx"


@dataclass(frozen=True)
class Size:
    name: str
    scenario_copies: int  # k: each disruptive scenario becomes k (events 0..k-1 periods later)
    periods: int
    lines: int  # copies of the material network
    extra_offers: float  # share of offers given a dearer alternative at the same site
    time_limit_s: float = 60.0  # per solve, written into the case's settings
    seed: int = 7

    def scenarios(self, base_disruptive: int, base_calm: int) -> int:
        return base_calm + base_disruptive * self.scenario_copies


SIZES = {
    "S": Size("S", scenario_copies=1, periods=12, lines=1, extra_offers=0.0, time_limit_s=60),
    "M": Size("M", scenario_copies=2, periods=24, lines=1, extra_offers=0.25, time_limit_s=120),
    "L": Size("L", scenario_copies=4, periods=30, lines=1, extra_offers=0.25, time_limit_s=300),
    "XL": Size("XL", scenario_copies=20, periods=60, lines=2, extra_offers=0.5, time_limit_s=300),
}


def read_rows(path: Path = DEFAULT_CASE) -> dict:
    """A case workbook as rows: settings a dict, every other sheet a list of dicts (blank = None)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    rows: dict = {}
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        if not values:
            continue
        header = [h for h in values[0]]
        table = [{h: v for h, v in zip(header, r) if h is not None} for r in values[1:]
                 if any(v is not None for v in r)]
        rows[ws.title] = table
    rows["settings"] = {r["key"]: r["value"] for r in rows.get("settings", [])}
    wb.close()
    return rows


def _listed(cell) -> list[str]:
    if cell is None:
        return []
    return [p.strip() for p in str(cell).split(",") if p.strip()]


def _join(items: list[str]) -> str:
    return ", ".join(items)


def stretch_periods(rows: dict, periods: int) -> None:
    """A horizon of ``periods``: event starts and durations, rule windows scaled with it."""
    base = int(rows["settings"]["periods"])
    if periods == base:
        return
    f = periods / base

    def at(t):
        return None if t is None else max(1, min(periods, 1 + round((int(t) - 1) * f)))

    for e in rows.get("scenario_events", []):
        e["start_period"] = at(e["start_period"])
        if e.get("duration") is not None:
            e["duration"] = max(1, round(int(e["duration"]) * f))
    for r in rows.get("controls", []):
        r["start_period"] = at(r.get("start_period"))
        r["end_period"] = at(r.get("end_period"))
    for d in rows.get("demand", []):
        if d.get("period") not in (None, "*") and int(d["period"]) > periods:
            d["period"] = None  # dropped below
    rows["demand"] = [d for d in rows.get("demand", []) if d.get("period") is not None]
    rows["settings"]["periods"] = periods


def multiply_scenarios(rows: dict, k: int) -> None:
    """Each disruptive scenario copied k times, its events 0..k-1 periods later (capped at the
    horizon), its probability split evenly."""
    if k <= 1:
        return
    periods = int(rows["settings"]["periods"])
    events_of: dict[str, list[dict]] = {}
    for e in rows.get("scenario_events", []):
        events_of.setdefault(e["scenario"], []).append(e)
    scenarios, events = [], []
    for s in rows["scenarios"]:
        own = events_of.get(s["scenario"], [])
        if not own:
            scenarios.append(s)
            continue
        for j in range(k):
            name = s["scenario"] if j == 0 else f"{s['scenario']}+{j}"
            scenarios.append({**s, "scenario": name, "probability": s["probability"] / k,
                              "description": f"{s.get('description') or ''} (events {j} periods later)"})
            for e in own:
                events.append({**e, "scenario": name, "start_period": min(periods, int(e["start_period"]) + j)})
    rows["scenarios"], rows["scenario_events"] = scenarios, events


def add_lines(rows: dict, lines: int, rng: random.Random) -> None:
    """``lines`` - 1 copies of the material network (materials, offers, processes, their inputs and
    co-products, demand, inventory), sold and run at the same sites, carried on the same lanes
    (lane capacities and quotas scaled by ``lines``), covered by the same rules, hit by the same
    events; each copy's prices drawn up to 10 % away from the original's."""
    if lines <= 1:
        return
    materials = [m["material"] for m in rows["materials"]]
    offers = [o["offer"] for o in rows["offers"]]
    processes = [p["process"] for p in rows.get("processes", [])]
    for j in range(2, lines + 1):
        sfx = f"_L{j}"
        name = {x: x + sfx for x in materials + offers + processes}
        rows["materials"] += [{**m, "material": name[m["material"]], "name": f"{m.get('name') or m['material']} (line {j})"}
                              for m in list(rows["materials"]) if m["material"] in materials]
        rows["offers"] += [{**o, "offer": name[o["offer"]], "material": name[o["material"]],
                            "price": round(o["price"] * rng.uniform(0.95, 1.10), 2)}
                           for o in list(rows["offers"]) if o["offer"] in offers]
        rows["processes"] += [{**p, "process": name[p["process"]], "output": name[p["output"]],
                               "cost_per_unit": round((p.get("cost_per_unit") or 0) * rng.uniform(0.95, 1.10), 2)}
                              for p in list(rows["processes"]) if p["process"] in processes]
        for sheet in ("process_inputs", "process_coproducts"):
            key = "input" if sheet == "process_inputs" else "material"
            rows[sheet] = rows.get(sheet, []) + [{**r, "process": name[r["process"]], key: name[r[key]]}
                                                 for r in list(rows.get(sheet, [])) if r["process"] in processes]
        rows["demand"] += [{**d, "material": name[d["material"]]} for d in list(rows["demand"])
                           if d["material"] in materials]
        rows["inventory"] += [{**i, "material": name[i["material"]]} for i in list(rows.get("inventory", []))
                              if i["material"] in materials]
        for lane in rows.get("lanes", []):
            listed = _listed(lane.get("materials"))
            if listed and "*" not in listed:
                lane["materials"] = _join(listed + [name[m] for m in listed if m in materials and m + sfx not in listed])
        for r in rows.get("controls", []):
            listed = _listed(r.get("materials"))
            if listed and "*" not in listed:
                r["materials"] = _join(listed + [name[m] for m in listed if m in name])
        copied = [{**e, "target": name[e["target"]]} for e in rows.get("scenario_events", []) if e["target"] in name]
        rows["scenario_events"] = rows.get("scenario_events", []) + copied
    for lane in rows.get("lanes", []):
        if lane.get("capacity_per_period") is not None:
            lane["capacity_per_period"] = lane["capacity_per_period"] * lines
    for r in rows.get("controls", []):
        if r.get("quota_per_period") is not None:
            r["quota_per_period"] = r["quota_per_period"] * lines


def add_offers(rows: dict, share: float, rng: random.Random) -> None:
    """A dearer alternative (price x 1.05-1.25, half the capacity and fixed cost) at the same site for
    a seeded ``share`` of the contract offers; events on an offer hit its alternative too."""
    if share <= 0:
        return
    base = [o for o in rows["offers"] if str(o.get("spot") or "no").lower() not in ("yes", "true", "1")]
    chosen = [o for o in base if rng.random() < share]
    alt = {}
    for o in chosen:
        a = {**o, "offer": o["offer"] + "_ALT", "price": round(o["price"] * rng.uniform(1.05, 1.25), 2)}
        if o.get("capacity_per_period") is not None:
            a["capacity_per_period"] = o["capacity_per_period"] * 0.5
        if o.get("fixed_cost") is not None:
            a["fixed_cost"] = o["fixed_cost"] * 0.5
        if o.get("min_per_period") is not None:
            a["min_per_period"] = o["min_per_period"] * 0.5
        alt[o["offer"]] = a
    rows["offers"] += list(alt.values())
    rows["scenario_events"] = rows.get("scenario_events", []) + [
        {**e, "target": alt[e["target"]]["offer"]} for e in rows.get("scenario_events", []) if e["target"] in alt]


def generated_rows(size: Size, base: Path = DEFAULT_CASE) -> dict:
    rows = read_rows(base)
    rng = random.Random(size.seed)
    stretch_periods(rows, size.periods)
    add_lines(rows, size.lines, rng)
    add_offers(rows, size.extra_offers, rng)
    multiply_scenarios(rows, size.scenario_copies)
    rows["settings"]["time_limit_s"] = size.time_limit_s
    rows["settings"]["case_name"] = (f"benchmark {size.name}: {len(rows['scenarios'])} scenarios, {size.periods} periods, "
                                     f"{len(rows['materials'])} materials, {len(rows['offers'])} offers")
    return rows


def write_generated(size: Size, path: Path, base: Path = DEFAULT_CASE) -> Path:
    from model.case.workbook import write_case_workbook
    return write_case_workbook(path, generated_rows(size, base))


def default_multiplied(k: int, path: Path, base: Path = DEFAULT_CASE) -> Path:
    """The default case with its scenarios multiplied (k = 8: 41 scenarios), nothing else changed."""
    from model.case.workbook import write_case_workbook
    rows = read_rows(base)
    multiply_scenarios(rows, k)
    rows["settings"]["case_name"] = f"default case, scenarios x{k} ({len(rows['scenarios'])} scenarios)"
    return write_case_workbook(path, rows)
