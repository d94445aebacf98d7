"""The input workbook's sheets and columns, declared as data (docs/inputs.md).

Everything that reads, validates or writes a case workbook (the reader, the template, the default
case generator) takes its sheet and column list from here, so there is one place to change a column.

Column kinds:
- ``str``: text (ids are stripped of stray spaces);
- ``int`` / ``float``: numbers (a number typed as text is accepted with a warning);
- ``yesno``: yes/no (also true/false, 1/0, y/n);
- ``list``: comma-separated list, ``*`` meaning "all";
- ``period``: a period number or ``*`` (every period);
- ``gap``: ``auto`` or a number (the MIP gap setting).
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES = ("ore", "concentrate", "oxide", "metal", "alloy", "magnet", "component")
ROLES = ("supplier", "processor", "own", "customer", "warehouse")
STOCKING_ROLES = ("own", "warehouse")
RISK_MEASURES = ("cvar_shortfall", "cvar_cost", "expected_shortfall", "worst_shortfall", "exposure")
RULE_KINDS = ("ban", "licence", "quota")
RULE_STATUSES = ("in_force", "scenario", "off")
EVENT_KINDS = ("rule", "outage", "price")
POLICY_KINDS = ("max_share_origin", "min_suppliers", "max_suppliers", "max_share_supplier")
PERIOD_UNITS = ("month", "quarter", "week", "year", "day")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"  # str, int, float, yesno, list, period
    required: bool = False
    default: object = None
    note: str = ""
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    example_width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = True
    note: str = ""
    key: tuple[str, ...] = ()  # columns whose values must be unique together
    free_form: bool = False  # sources: any columns, no checks

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name, kind="str", required=False, default=None, note="", choices=(), min_value=None,
       max_value=None, width=14):
    return Column(name, kind, required, default, note, tuple(choices), min_value, max_value, width)


SETTINGS_KEYS: dict[str, Column] = {
    c.name: c
    for c in (
        _c("case_name", "str", True, note="Name of the case, shown in every report."),
        _c("periods", "int", True, note="Number of planning periods (numbered 1..periods).",
           min_value=1, max_value=520),
        _c("period_unit", "str", False, "month", "Label of one period: month, quarter, week, year, day.",
           PERIOD_UNITS),
        _c("currency", "str", False, "USD", "Currency of every price and cost (e.g. USD)."),
        _c("origin_groups", "list", True,
           note="Origin groups, ordered from least to most controlled, e.g. free, covered, CN."),
        _c("risk_measure", "str", False, "cvar_shortfall",
           "Risk measure of the frontier: " + ", ".join(RISK_MEASURES) + ".", RISK_MEASURES),
        _c("cvar_alpha", "float", False, 0.9, "CVaR confidence level, strictly between 0 and 1.",
           min_value=0.0, max_value=0.999999),
        _c("frontier_points", "int", False, 11,
           "Number of frontier points, both ends included (>= 2).", min_value=2, max_value=201),
        _c("time_limit_s", "float", False, 300.0, "Solver time limit per point, seconds (more than 0).", min_value=0.0),
        _c("mip_gap", "gap", False, "auto", "auto (default: each point's gap chosen so that neighbouring "
           "points' cost intervals do not overlap) or a relative MIP gap, e.g. 0.005.",
           min_value=0.0, max_value=1.0),
    )
}

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "settings",
        (
            _c("key", "str", True, note="Setting name: " + ", ".join(SETTINGS_KEYS) + ".", width=18),
            _c("value", "str", False, note="Setting value (lists comma separated).", width=30),
        ),
        note="One row per setting.",
        key=("key",),
    ),
    Sheet(
        "countries",
        (
            _c("country", "str", True, note="ISO country code, e.g. CN, US, JP (the id other sheets use)."),
            _c("name", "str", False, note="Country name."),
            _c("origin_group", "str", True,
               note="Origin group of material from this country; one of settings origin_groups."),
        ),
        key=("country",),
    ),
    Sheet(
        "materials",
        (
            _c("material", "str", True, note="Material id, e.g. NdPr_oxide."),
            _c("name", "str", False, note="Material name."),
            _c("stage", "str", True, note="Stage: " + ", ".join(STAGES) + ".", choices=STAGES),
            _c("unit", "str", False, "t", "Unit of quantity for this material (all quantities, e.g. t)."),
            _c("groups", "list", False, note="Tags rules may name instead of materials, e.g. REE, heavy_REE, dual_use."),
        ),
        key=("material",),
    ),
    Sheet(
        "sites",
        (
            _c("site", "str", True, note="Site id."),
            _c("name", "str", False, note="Site name."),
            _c("country", "str", True, note="Country code of the site (countries sheet)."),
            _c("owner", "str", False, note="Company owning the site; entity bans target owners. Default: the site id."),
            _c("role", "str", True, note="Role: " + ", ".join(ROLES) + ". Stock can be held at own and warehouse sites.",
               choices=ROLES),
        ),
        key=("site",),
    ),
    Sheet(
        "offers",
        (
            _c("offer", "str", True, note="Offer id."),
            _c("site", "str", True, note="Selling site; the material is available there."),
            _c("material", "str", True, note="Material sold."),
            _c("price", "float", True, note="Price per unit of material (currency per unit, e.g. USD/t).", min_value=0),
            _c("capacity_per_period", "float", False, note="Most that can be ordered per period (units/period); blank = unlimited.", min_value=0),
            _c("min_per_period", "float", False, 0.0,
               "Take-or-pay: a contracted offer pays for at least this quantity in each period whose order can arrive within the horizon (units/period).",
               min_value=0),
            _c("fixed_cost", "float", False, 0.0, "Cost of contracting this offer, paid once for the horizon (currency).", min_value=0),
            _c("lead_time", "int", False, 0, "Periods from order to availability at the site (0: same period).", min_value=0),
            _c("qualified", "yesno", False, True, "yes: usable now; no: needs qualification first."),
            _c("qualification_periods", "int", False, 0, "Periods of qualification before the first order (orders from period qualification_periods + 1).", min_value=0),
            _c("qualification_cost", "float", False, 0.0, "Cost of qualifying the offer, paid once (currency).", min_value=0),
            _c("origin_country", "str", False, note="Where the material really comes from (country code); default: the site's country."),
            _c("spot", "yesno", False, False, "yes: a spot offer, no contract needed, usable in any period at its price."),
        ),
        key=("offer",),
    ),
    Sheet(
        "processes",
        (
            _c("process", "str", True, note="Process id."),
            _c("site", "str", True, note="Site where the process runs."),
            _c("output", "str", True, note="Material produced."),
            _c("capacity_per_period", "float", False, note="Most output per period (units of output/period); blank = unlimited.", min_value=0),
            _c("cost_per_unit", "float", False, 0.0, "Processing cost per unit of output (currency/unit).", min_value=0),
            _c("exists", "yesno", False, True, "yes: the process runs today; no: it must be built first."),
            _c("build_cost", "float", False, 0.0, "Cost of building the process, paid once (currency).", min_value=0),
            _c("build_periods", "int", False, 0, "Periods to build: a process built with build_periods = B produces from period B + 1.", min_value=0),
            _c("technology", "str", False, note="Technology tag (technology bans name it)."),
            _c("technology_origin", "str", False, note="Country whose technology the process uses (country code)."),
        ),
        key=("process",),
        required=False,
    ),
    Sheet(
        "process_inputs",
        (
            _c("process", "str", True, note="Process id (processes sheet)."),
            _c("input", "str", True, note="Input material."),
            _c("per_unit_output", "float", True, note="Units of input per unit of output (yields and losses included).", min_value=0),
        ),
        key=("process", "input"),
        required=False,
    ),
    Sheet(
        "process_coproducts",
        (
            _c("process", "str", True, note="Process id (processes sheet)."),
            _c("material", "str", True, note="Co-product material, made with the process's output (e.g. Dy oxide with NdPr oxide, or swarf)."),
            _c("per_unit_output", "float", True, note="Units of co-product made per unit of the process's output; what is not used, shipped or stocked is discarded at no cost.", min_value=0),
        ),
        key=("process", "material"),
        required=False,
        note="Optional: the basket a process makes beside its output. A co-product carries the output's origin group and needs no capacity of its own.",
    ),
    Sheet(
        "lanes",
        (
            _c("from_site", "str", True, note="Site the lane leaves."),
            _c("to_site", "str", True, note="Site the lane reaches."),
            _c("materials", "list", False, ("*",), "Materials (or groups) the lane carries, comma separated; * = all."),
            _c("cost_per_unit", "float", False, 0.0, "Transport cost per unit shipped (currency/unit).", min_value=0),
            _c("lead_time", "int", False, 0, "Periods from shipment to arrival (0: same period).", min_value=0),
            _c("capacity_per_period", "float", False, note="Most shipped per period, all materials together (units/period); blank = unlimited.", min_value=0),
        ),
        key=("from_site", "to_site"),
        required=False,
    ),
    Sheet(
        "demand",
        (
            _c("site", "str", True, note="Site where the demand is delivered."),
            _c("material", "str", True, note="Material demanded."),
            _c("period", "period", True, note="Period number, or * for every period.", min_value=1),
            _c("quantity", "float", True, note="Quantity demanded in the period (units).", min_value=0),
            _c("shortfall_penalty", "float", False, 0.0, "Penalty per unit not delivered (currency/unit).", min_value=0),
            _c("max_origin_group", "str", False, note="Most controlled origin group this demand accepts (e.g. free for DFARS); blank = any."),
        ),
    ),
    Sheet(
        "inventory",
        (
            _c("site", "str", True, note="Stocking site (role own or warehouse)."),
            _c("material", "str", True, note="Material stocked."),
            _c("initial_stock", "float", False, 0.0, "Stock at the start of period 1 (units).", min_value=0),
            _c("initial_origin_group", "str", False, note="Origin group of the initial stock; default: the most controlled group."),
            _c("max_stock", "float", False, note="Most stock at the end of a period (units); blank = unlimited.", min_value=0),
            _c("holding_cost_per_period", "float", False, 0.0, "Holding cost per unit of end-of-period stock per period (currency/unit/period).", min_value=0),
            _c("min_stock", "float", False, 0.0, "Policy floor on end-of-period stock (units).", min_value=0),
            _c("end_stock_min", "float", False, note="Least stock at the end of the horizon (units); default: initial_stock.", min_value=0),
            _c("max_origin_group", "str", False, note="Most controlled origin group the stock held at the end of any period may carry (e.g. free for a DFARS store); min_stock and end_stock_min then count only such stock; blank = any."),
            _c("end_stock_value", "float", False, note="What each unit below end_stock_min at the horizon costs to put back, in every scenario but the nominal one (where end_stock_min is a hard limit) (currency/unit); default: the lowest base price of an offer of the material, 0 where none is offered.", min_value=0),
        ),
        key=("site", "material"),
        required=False,
    ),
    Sheet(
        "scheduled_receipts",
        (
            _c("site", "str", True, note="Stocking site (role own or warehouse) the open order arrives at."),
            _c("material", "str", True, note="Material on its way."),
            _c("period", "int", True, note="Period in which it arrives and can be used.", min_value=1),
            _c("quantity", "float", True, note="Quantity arriving (units); already paid for, it costs nothing.", min_value=0),
            _c("origin_group", "str", False, note="Origin group of the material; default: the most controlled group."),
        ),
        required=False,
        note="Optional: open orders already on their way when the horizon starts. They arrive in every scenario and no rule that starts later stops them.",
    ),
    Sheet(
        "storage_options",
        (
            _c("option", "str", True, note="Storage option id."),
            _c("site", "str", True, note="Stocking site (role own or warehouse) where the room is added."),
            _c("material", "str", False, "*", "A material, a material group or * (every material with an inventory row at the site) that may use the room."),
            _c("extra_max_stock", "float", True, note="Units of room added, shared by the materials named (units).", min_value=0),
            _c("cost", "float", False, 0.0, "Cost of taking the option, paid once, like a build (currency).", min_value=0),
            _c("build_periods", "int", False, 0, "Periods until the room exists: it is usable from period build_periods + 1.", min_value=0),
        ),
        key=("option",),
        required=False,
        note="Optional: room to stock as a decision. Taken, each named material's stock at the site may exceed its max_stock by its part of the room, the parts summing to at most extra_max_stock. A material needs an inventory row at the site. A min_stock or end_stock_min (or an initial_stock that is the default end_stock_min) above max_stock is allowed up to max_stock plus the room of the options that may hold the material there: the plan then has to take room.",
    ),
    Sheet(
        "substitutes",
        (
            _c("demand_material", "str", True, note="Material demanded (the demand sheet's material)."),
            _c("substitute", "str", True, note="Material that may serve that demand instead (e.g. a low-Dy grade)."),
            _c("per_unit", "float", False, 1.0, "Units of substitute delivered per unit of demand served.", min_value=0),
            _c("max_share", "float", False, 1.0, "Share of each demand row's quantity in each period the substitute may serve (0..1).", min_value=0, max_value=1),
            _c("qualification_periods", "int", False, 0, "Periods of qualification: usable from period qualification_periods + 1 (0 and a 0 cost: already qualified).", min_value=0),
            _c("qualification_cost", "float", False, 0.0, "Cost of qualifying the substitute, paid once (currency); 0 with 0 periods: already qualified, usable from period 1.", min_value=0),
        ),
        key=("demand_material", "substitute"),
        required=False,
        note="Optional: a demand served by another material. A substitute delivered to a demand row obeys that row's max_origin_group.",
    ),
    Sheet(
        "controls",
        (
            _c("rule", "str", True, note="Rule id."),
            _c("description", "str", False, note="What the rule is (free text)."),
            _c("issuer", "str", True, note="Country issuing the rule (country code)."),
            _c("materials", "list", False, ("*",), "Materials or material groups covered, comma separated; * = all. Ignored by technology bans."),
            _c("technologies", "list", False, note="Technology tags: a non-blank cell makes the rule a technology ban on building processes."),
            _c("to_countries", "list", False, note="Destination countries covered; blank or * = every country. A flow is covered when its destination matches both to_countries and to_owners."),
            _c("to_owners", "list", False, note="Destination owners (companies) covered, e.g. MP Materials; blank or * = every owner. An entity ban: to_countries * (or blank), to_owners the companies."),
            _c("extraterritorial", "yesno", False, False, "yes: also covers items of the issuer's origin wherever they ship from."),
            _c("kind", "str", False, "ban", "ban, licence or quota.", RULE_KINDS),
            _c("licence_lead_time", "int", False, 0, "Licence: periods with no covered flow after the rule starts.", min_value=0),
            _c("quota_per_period", "float", False, note="Quota (or licensed volume) per period, all covered flows together (units/period).", min_value=0),
            _c("status", "str", False, "in_force", "in_force (every scenario), scenario (only where a scenario event switches it on), off.", RULE_STATUSES),
            _c("start_period", "int", False, 1, "First period the rule is active (in_force rules, or a whatif --ban).", min_value=1),
            _c("end_period", "int", False, note="Last period the rule is active; blank = to the horizon.", min_value=1),
        ),
        key=("rule",),
        required=False,
    ),
    Sheet(
        "scenarios",
        (
            _c("scenario", "str", True, note="Scenario id."),
            _c("probability", "float", True, note="Probability; all scenarios sum to 1.", min_value=0, max_value=1),
            _c("description", "str", False, note="What happens in the scenario."),
        ),
        key=("scenario",),
        required=False,
    ),
    Sheet(
        "scenario_events",
        (
            _c("scenario", "str", True, note="Scenario id."),
            _c("event", "str", True, note="rule (switch a scenario rule on), outage (capacity loss) or price (price multiplier).", choices=EVENT_KINDS),
            _c("target", "str", True, note="rule: a rule id; outage: a site, process, offer, lane from_site>to_site, or a material or material group (every offer of it); price: an offer, a country, or a material or material group (every offer of it)."),
            _c("start_period", "int", True, note="First period of the event.", min_value=1),
            _c("duration", "int", False, note="Periods the event lasts; blank = to the horizon.", min_value=1),
            _c("notice", "int", False, 0, "Periods of warning before the start (known at start_period - notice).", min_value=0),
            _c("factor", "float", False, note="outage: share of capacity left (default 0); price: price multiplier.", min_value=0),
        ),
        required=False,
    ),
    Sheet(
        "policies",
        (
            _c("policy", "str", True, note="max_share_origin, min_suppliers, max_suppliers or max_share_supplier.", choices=POLICY_KINDS),
            _c("material", "str", False, "*", "A material, a material group, or * (the policy holds for each material named)."),
            _c("target", "str", False, note="Origin group (max_share_origin)."),
            _c("value", "float", True, note="A share in 0..1 (max_share_*) or a count (min/max_suppliers).", min_value=0),
        ),
        required=False,
    ),
    Sheet(
        "sources",
        (
            _c("item", "str", False, note="What the figure is.", width=30),
            _c("value", "str", False, note="The figure.", width=16),
            _c("source", "str", False, note="Where it comes from.", width=50),
            _c("reliability", "str", False, note="P primary, S secondary, W weak, D derived, E estimate.", width=12),
        ),
        required=False,
        free_form=True,
    ),
)

SHEETS_BY_NAME = {s.name: s for s in SHEETS}
IGNORED_COLUMNS = {"de_minimis_share": "de minimis was dropped: any controlled input taints the output"}
