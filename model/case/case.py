"""The typed, checked case: what the model is built from (no files, no Pyomo).

Every reference is resolved and every default applied by the reader; the model can trust it.
Quantities are in each material's unit, money in the case currency, time in periods 1..periods.
``None`` for a capacity means unlimited.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Settings:
    case_name: str
    periods: int
    period_unit: str = "month"
    currency: str = "USD"
    origin_groups: tuple[str, ...] = ("free", "covered", "CN")
    risk_measure: str = "cvar_shortfall"
    cvar_alpha: float = 0.9
    frontier_points: int = 11
    time_limit_s: float = 300.0
    mip_gap: float | None = None  # None: auto


@dataclass(frozen=True)
class Country:
    country: str
    name: str
    origin_group: str


@dataclass(frozen=True)
class Material:
    material: str
    name: str
    stage: str
    unit: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Site:
    site: str
    name: str
    country: str
    owner: str
    role: str

    @property
    def stocks(self) -> bool:
        return self.role in ("own", "warehouse")


@dataclass(frozen=True)
class Offer:
    offer: str
    site: str
    material: str
    price: float
    capacity_per_period: float | None
    min_per_period: float
    fixed_cost: float
    lead_time: int
    qualified: bool
    qualification_periods: int
    qualification_cost: float
    origin_country: str
    spot: bool

    @property
    def needs_contract(self) -> bool:
        return not self.spot

    @property
    def needs_qualification(self) -> bool:
        return not self.qualified


@dataclass(frozen=True)
class Process:
    process: str
    site: str
    output: str
    capacity_per_period: float | None
    cost_per_unit: float
    exists: bool
    build_cost: float
    build_periods: int
    technology: str
    technology_origin: str
    inputs: tuple[tuple[str, float], ...] = ()  # (input material, units per unit of output)
    coproducts: tuple[tuple[str, float], ...] = ()  # (co-product material, units per unit of output)


@dataclass(frozen=True)
class Lane:
    from_site: str
    to_site: str
    materials: tuple[str, ...]  # resolved material ids
    cost_per_unit: float
    lead_time: int
    capacity_per_period: float | None

    @property
    def lane(self) -> str:
        return f"{self.from_site}>{self.to_site}"


@dataclass(frozen=True)
class Demand:
    demand: str  # the demand row's id, site/material/rROW; (demand, period) is unique
    site: str
    material: str
    period: int
    quantity: float
    shortfall_penalty: float
    max_origin_group: str | None


@dataclass(frozen=True)
class Inventory:
    site: str
    material: str
    initial_stock: float
    initial_origin_group: str
    max_stock: float | None
    holding_cost_per_period: float
    min_stock: float
    end_stock_min: float
    max_origin_group: str | None = None  # most controlled group the end-of-period stock may carry
    end_stock_value: float = 0.0  # cost of each unit below end_stock_min at the horizon, outside the nominal scenario


@dataclass(frozen=True)
class ScheduledReceipt:
    """An open order already on its way: arrives at a stocking site in ``period``, in every scenario,
    already paid for, carrying ``origin_group``."""
    site: str
    material: str
    period: int
    quantity: float
    origin_group: str


@dataclass(frozen=True)
class StorageOption:
    """Room to stock as a once-decision: taken (``cost``, paid once), it adds ``extra_max_stock``
    units of room at ``site`` from period ``build_periods`` + 1, shared by ``materials``."""
    option: str
    site: str
    materials: tuple[str, ...]  # resolved: only materials with an inventory row at the site
    extra_max_stock: float
    cost: float
    build_periods: int


@dataclass(frozen=True)
class Substitute:
    """A demand of ``demand_material`` may be served by ``substitute``: ``per_unit`` units of it per
    unit of demand served, at most ``max_share`` of each demand row's quantity per period."""
    demand_material: str
    substitute: str
    per_unit: float
    max_share: float
    qualification_periods: int
    qualification_cost: float

    @property
    def key(self) -> str:
        """The substitute's id in tables and option values: demand_material>substitute."""
        return f"{self.demand_material}>{self.substitute}"

    @property
    def needs_qualification(self) -> bool:
        """0 or blank qualification (periods and cost): already qualified, usable from period 1."""
        return self.qualification_periods > 0 or self.qualification_cost > 0

    @property
    def first_period(self) -> int:
        return self.qualification_periods + 1 if self.needs_qualification else 1


@dataclass(frozen=True)
class Rule:
    rule: str
    description: str
    issuer: str
    materials: tuple[str, ...]  # resolved material ids (empty for technology bans)
    technologies: tuple[str, ...]  # non-empty: a technology ban; ("*",) = every technology
    to_countries: tuple[str, ...]  # ("*",) = all
    to_owners: tuple[str, ...]  # ("*",) = all
    extraterritorial: bool
    kind: str
    licence_lead_time: int
    quota_per_period: float | None
    status: str
    start_period: int
    end_period: int
    # a scenario rule that whatif --ban put in force: still active in its scenarios' own windows too
    keeps_scenario_windows: bool = False

    @property
    def is_technology_ban(self) -> bool:
        return bool(self.technologies)


def merged_windows(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Periods [start, end] with overlapping or adjacent windows joined: one unbroken stretch of a
    rule is one window (a licence's lead time counts from the start of the stretch)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@dataclass(frozen=True)
class Scenario:
    scenario: str
    probability: float
    description: str = ""


@dataclass(frozen=True)
class Event:
    scenario: str
    event: str  # rule, outage, price
    target: str
    start_period: int
    end_period: int  # last active period (start + duration - 1, or the horizon)
    notice: int
    factor: float
    target_kind: str = ""  # rule, site, process, offer, lane, material, group (of materials), country

    @property
    def known_period(self) -> int:
        return self.start_period - self.notice

    def active(self, period: int) -> bool:
        return self.start_period <= period <= self.end_period


@dataclass(frozen=True)
class Policy:
    policy: str
    materials: tuple[str, ...]  # resolved: the policy holds for each
    target: str | None
    value: float


@dataclass(frozen=True)
class Case:
    settings: Settings
    countries: dict[str, Country]
    materials: dict[str, Material]
    sites: dict[str, Site]
    offers: dict[str, Offer]
    processes: dict[str, Process]
    lanes: tuple[Lane, ...]
    demands: tuple[Demand, ...]
    inventories: dict[tuple[str, str], Inventory]
    rules: dict[str, Rule]
    scenarios: dict[str, Scenario]
    events: tuple[Event, ...]
    policies: tuple[Policy, ...] = ()
    sources: tuple[dict, ...] = ()
    toggles: tuple[str, ...] = field(default=())  # what-if toggles applied, in words
    receipts: tuple[ScheduledReceipt, ...] = ()
    storage_options: dict[str, StorageOption] = field(default_factory=dict)
    substitutes: tuple[Substitute, ...] = ()
    # the scenario in which end_stock_min is a hard limit; None: the nominal scenario. A scenario
    # solved alone keeps its original role (a crisis solved alone still prices its end stock).
    end_stock_scenario: str | None = None

    # --- small derived facts used everywhere -------------------------------------------------
    @property
    def periods(self) -> range:
        return range(1, self.settings.periods + 1)

    @property
    def groups(self) -> tuple[str, ...]:
        return self.settings.origin_groups

    def group_rank(self, group: str) -> int:
        return self.settings.origin_groups.index(group)

    def country_group(self, country: str) -> str:
        return self.countries[country].origin_group

    def site_group(self, site: str) -> str:
        return self.country_group(self.sites[site].country)

    def offer_group(self, offer: str) -> str:
        return self.country_group(self.offers[offer].origin_country)

    @property
    def most_controlled_group(self) -> str:
        return self.settings.origin_groups[-1]

    @property
    def nominal_scenario(self) -> str:
        """The most probable scenario without events, else the first listed."""
        with_events = {e.scenario for e in self.events}
        quiet = [s for s in self.scenarios.values() if s.scenario not in with_events]
        if quiet:
            best = max(s.probability for s in quiet)
            return next(s.scenario for s in quiet if s.probability == best)
        return next(iter(self.scenarios))

    @property
    def hard_end_stock_scenario(self) -> str:
        """The scenario whose end stock must reach end_stock_min (business as usual hands the
        stockpile on as it found it); in every other scenario a unit below costs end_stock_value."""
        return self.end_stock_scenario if self.end_stock_scenario is not None else self.nominal_scenario

    @property
    def total_demand(self) -> float:
        return sum(d.quantity for d in self.demands)

    def with_rules(self, rules: dict[str, Rule], toggles: tuple[str, ...]) -> "Case":
        return replace(self, rules=rules, toggles=self.toggles + toggles)
