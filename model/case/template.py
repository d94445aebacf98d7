"""A small, complete worked example of the input workbook (docs/cli.md, docs/inputs.md): the `template` verb.

Every sheet of the schema is filled with a few coherent rows: a magnet maker with its own plant in
the USA buys NdPr oxide and metal from China (Baotou) and oxide from Lynas (Malaysia, ore from
Mt Weld, Australia), can build its own metal line, holds a stockpile, and faces a Chinese export
licence in force and an entity ban that may come. The example reads with no errors and no warnings,
and it is small (6 periods) so that it solves in seconds. The defence demand (period 5, origin
group ``free``) can be met only by a clean chain: free-origin oxide (the warehouse stockpile, or Lynas
oxide once qualified: ordered in period 3, at the plant in period 5) through the own metal line, which
must be built first.

Some optional cells are deliberately left blank to show the defaults (they are described in each
header's note): the spot offer's lead time (0), the Chinese offer's origin country (the site's
country), the warehouse's end-of-horizon stock (its initial stock), a lane's materials (``*``).
"""

from __future__ import annotations

from pathlib import Path

from .workbook import write_case_workbook


def template_rows() -> dict:
    """Plain rows for every sheet, keyed by sheet name (``settings`` as a key -> value dict)."""
    return {
        "settings": {
            "case_name": "Template: NdFeB magnet maker (worked example)",
            "periods": 6,
            "period_unit": "month",
            "currency": "USD",
            "origin_groups": ("free", "covered", "CN"),
            "risk_measure": "cvar_shortfall",
            "cvar_alpha": 0.9,
            "frontier_points": 5,
            "time_limit_s": 60,
            "mip_gap": "auto",
        },
        "countries": [
            {"country": "CN", "name": "China", "origin_group": "CN"},
            {"country": "AU", "name": "Australia", "origin_group": "free"},
            {"country": "MY", "name": "Malaysia", "origin_group": "free"},
            {"country": "US", "name": "United States", "origin_group": "free"},
            {"country": "JP", "name": "Japan", "origin_group": "free"},
            {"country": "RU", "name": "Russia", "origin_group": "covered"},
        ],
        "materials": [
            {"material": "NdPr_oxide", "name": "NdPr oxide", "stage": "oxide", "unit": "t",
             "groups": ("REE", "light_REE", "dual_use")},
            {"material": "NdPr_metal", "name": "NdPr metal", "stage": "metal", "unit": "t",
             "groups": ("REE", "light_REE", "dual_use")},
            {"material": "NdFeB_magnet", "name": "Sintered NdFeB magnet", "stage": "magnet", "unit": "t",
             "groups": ("magnet", "dual_use")},
            {"material": "NdFeB_swarf", "name": "Magnet grinding swarf (recyclable)", "stage": "alloy",
             "unit": "t", "groups": ("scrap",)},
            {"material": "NdFeB_lowDy_magnet", "name": "Low-Dy NdFeB magnet (grain-boundary diffusion)",
             "stage": "magnet", "unit": "t", "groups": ("magnet", "dual_use")},
        ],
        "sites": [
            {"site": "cn_baotou", "name": "Baotou separation and metal plant", "country": "CN",
             "owner": "China Northern Rare Earth", "role": "supplier"},
            {"site": "my_kuantan", "name": "Lynas Kuantan separation plant", "country": "MY",
             "owner": "Lynas", "role": "supplier"},
            {"site": "us_plant", "name": "Own magnet plant", "country": "US", "owner": "OwnCo",
             "role": "own"},
            {"site": "us_warehouse", "name": "Bonded warehouse", "country": "US", "owner": "OwnCo",
             "role": "warehouse"},
            {"site": "jp_magnets", "name": "Magnet maker in Japan", "country": "JP",
             "owner": "JP Magnets", "role": "supplier"},
        ],
        "offers": [
            {"offer": "cn_oxide", "site": "cn_baotou", "material": "NdPr_oxide", "price": 62000,
             "capacity_per_period": 100, "min_per_period": 5, "fixed_cost": 20000, "lead_time": 1,
             "qualified": True, "spot": False},
            {"offer": "cn_metal_spot", "site": "cn_baotou", "material": "NdPr_metal", "price": 95000,
             "capacity_per_period": 20, "qualified": True, "spot": True},
            {"offer": "lynas_oxide", "site": "my_kuantan", "material": "NdPr_oxide", "price": 70000,
             "capacity_per_period": 60, "fixed_cost": 30000, "lead_time": 1, "qualified": False,
             "qualification_periods": 2, "qualification_cost": 40000, "origin_country": "AU",
             "spot": False},
            {"offer": "jp_lowdy_magnet", "site": "jp_magnets", "material": "NdFeB_lowDy_magnet",
             "price": 80000, "capacity_per_period": 15, "fixed_cost": 50000, "lead_time": 2,
             "qualified": True, "origin_country": "CN", "spot": False},
        ],
        "processes": [
            {"process": "us_metal_line", "site": "us_plant", "output": "NdPr_metal",
             "capacity_per_period": 30, "cost_per_unit": 6000, "exists": False, "build_cost": 2000000,
             "build_periods": 2, "technology": "molten_salt_electrolysis", "technology_origin": "JP"},
            {"process": "us_magnet_line", "site": "us_plant", "output": "NdFeB_magnet",
             "capacity_per_period": 80, "cost_per_unit": 15000, "exists": True,
             "technology": "sintering", "technology_origin": "JP"},
        ],
        "process_inputs": [
            {"process": "us_metal_line", "input": "NdPr_oxide", "per_unit_output": 1.2},
            {"process": "us_magnet_line", "input": "NdPr_metal", "per_unit_output": 0.31},
        ],
        "process_coproducts": [
            {"process": "us_magnet_line", "material": "NdFeB_swarf", "per_unit_output": 0.2},
        ],
        "lanes": [
            {"from_site": "cn_baotou", "to_site": "us_plant", "materials": ("NdPr_oxide", "NdPr_metal"),
             "cost_per_unit": 800, "lead_time": 2},
            {"from_site": "my_kuantan", "to_site": "us_plant", "materials": ("NdPr_oxide",),
             "cost_per_unit": 900, "lead_time": 1, "capacity_per_period": 80},
            {"from_site": "us_plant", "to_site": "us_warehouse", "cost_per_unit": 50},
            {"from_site": "us_warehouse", "to_site": "us_plant", "materials": ("*",), "cost_per_unit": 50},
            {"from_site": "jp_magnets", "to_site": "us_plant", "materials": ("NdFeB_lowDy_magnet",),
             "cost_per_unit": 1500, "lead_time": 1},
        ],
        "demand": [
            {"site": "us_plant", "material": "NdFeB_magnet", "period": "*", "quantity": 40,
             "shortfall_penalty": 500000},
            {"site": "us_plant", "material": "NdFeB_magnet", "period": 5, "quantity": 10,
             "shortfall_penalty": 2000000, "max_origin_group": "free"},
        ],
        "inventory": [
            {"site": "us_plant", "material": "NdPr_metal", "initial_stock": 10, "max_stock": 60,
             "holding_cost_per_period": 300, "min_stock": 0, "end_stock_min": 5},
            {"site": "us_warehouse", "material": "NdPr_oxide", "initial_stock": 30,
             "initial_origin_group": "free", "max_stock": 200, "holding_cost_per_period": 200,
             "min_stock": 5, "max_origin_group": "free", "end_stock_value": 75000},
            {"site": "us_plant", "material": "NdFeB_magnet", "initial_stock": 20, "max_stock": 40,
             "holding_cost_per_period": 400, "end_stock_min": 20},
        ],
        "scheduled_receipts": [
            {"site": "us_plant", "material": "NdFeB_magnet", "period": 1, "quantity": 30,
             "origin_group": "CN"},
        ],
        "storage_options": [
            {"option": "rent_bonded_bay", "site": "us_warehouse", "material": "NdPr_oxide",
             "extra_max_stock": 100, "cost": 150000, "build_periods": 1},
        ],
        "substitutes": [
            {"demand_material": "NdFeB_magnet", "substitute": "NdFeB_lowDy_magnet", "per_unit": 1.0,
             "max_share": 0.3, "qualification_periods": 3, "qualification_cost": 250000},
        ],
        "controls": [
            {"rule": "cn_licence", "description": "Export licence for NdPr metal and magnets",
             "issuer": "CN", "materials": ("NdPr_metal", "NdFeB_magnet"), "to_countries": ("*",),
             "extraterritorial": False, "kind": "licence", "licence_lead_time": 1, "status": "in_force",
             "start_period": 1},
            {"rule": "cn_entity_ban", "description": "Ban on dual-use exports to OwnCo, reaching "
             "Chinese-origin items shipped from anywhere", "issuer": "CN", "materials": ("REE",),
             "to_countries": ("*",), "to_owners": ("OwnCo",), "extraterritorial": True, "kind": "ban",
             "status": "scenario",
             "start_period": 1},
        ],
        "scenarios": [
            {"scenario": "calm", "probability": 0.7, "description": "Nothing happens"},
            {"scenario": "escalation", "probability": 0.3,
             "description": "The entity ban comes in period 3 (one period of notice); Chinese prices "
             "rise, and every buyer's turn to ex-China NdPr raises its price too"},
        ],
        "scenario_events": [
            {"scenario": "escalation", "event": "rule", "target": "cn_entity_ban", "start_period": 3,
             "notice": 1},
            {"scenario": "escalation", "event": "price", "target": "CN", "start_period": 3,
             "notice": 1, "factor": 1.5},
            {"scenario": "escalation", "event": "outage", "target": "my_kuantan>us_plant",
             "start_period": 5, "duration": 1, "factor": 0.5},
            {"scenario": "escalation", "event": "price", "target": "light_REE", "start_period": 3,
             "notice": 1, "factor": 1.4},
        ],
        "policies": [
            {"policy": "max_share_origin", "material": "NdPr_oxide", "target": "CN", "value": 0.8},
        ],
        "sources": [
            {"item": "NdPr oxide price", "value": "62000 USD/t",
             "source": "Illustrative figure for the template, not a market quote", "reliability": "E"},
            {"item": "Entity ban", "value": "scenario",
             "source": "Modelled on MOFCOM unreliable-entity listings (2025)", "reliability": "S"},
        ],
    }


def write_template(path: str | Path) -> Path:
    """Write the worked example as an input workbook (headers, notes, dropdowns, example rows)."""
    return write_case_workbook(path, template_rows())
