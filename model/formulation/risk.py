"""The risk measures (docs/model.md "Objective and risk"), one small class each: how it is added to
the model, how it is limited, how it is minimised and how its true value is evaluated from a plan's
scenario outcomes.

Every measure adds ``m.risk`` (a linear expression, with its auxiliary variables) and the limit
``risk + risk_slack == risk_level`` in AUGMECON2 form. The limit lives on a variable's bounds (fixed
at the limit, or free for "no limit"): a bound change is cheap on the persistent interface and has
no +inf Param trap (docs/performance.md). Exposure is a ratio, so it has its own linear limit and is
minimised by Dinkelbach steps; that special case lives here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from ..case.schema import RISK_MEASURES
from .index import CaseIndex

LEX_REL_TOL = 1e-10  # how far a lexicographic stage may move the optimum it holds


@dataclass(frozen=True)
class Outcomes:
    """A plan's outcomes, all a risk measure is evaluated from (plain numbers, no Pyomo)."""
    probability: dict[str, float]
    cost: dict[str, float]  # scenario -> scenario cost
    unmet_share: dict[str, float]  # scenario -> share of demand not met
    spend_controlled: float  # nominal purchase spend at base prices on the most controlled group
    spend_total: float
    alpha: float


def _cvar_at(eta: float, values: list[float], probabilities: list[float], alpha: float) -> float:
    return eta + sum(p * max(0.0, x - eta) for x, p in zip(values, probabilities)) / (1.0 - alpha)


def cvar(values: list[float], probabilities: list[float], alpha: float) -> float:
    """Conditional value-at-risk (Rockafellar-Uryasev) of a discrete distribution:
    min over eta of eta + E[(X - eta)+] / (1 - alpha); the minimum sits at one of the outcomes."""
    if not values:
        return 0.0
    return min(_cvar_at(eta, values, probabilities, alpha) for eta in values)


def cvar_threshold(values: list[float], probabilities: list[float], alpha: float) -> float:
    """The eta at which the Rockafellar-Uryasev minimum is reached (a value-at-risk)."""
    if not values:
        return 0.0
    return min(values, key=lambda eta: _cvar_at(eta, values, probabilities, alpha))


class RiskMeasure:
    """Base: a measure written as ``m.risk``, limited by ``risk + risk_slack == risk_level``.

    Each measure also owns what a planner reads of it: its unit (money, or a share 0..1),
    :meth:`meaning` (what it measures), :meth:`words` (one plan's risk in a sentence) and ``note``
    (the results column's note: meaning and unit). The results layer formats the numbers
    (:mod:`model.results.words`) and asks the measure for the sentence around them."""
    name = ""
    in_money = False  # its values are money (the case's currency); else a share, 0..1
    tail = False  # a CVaR: the worst (1 - alpha) of scenarios by probability
    note: tuple[str, str] = ("", "")  # the column note: (meaning, unit); "{currency}" is filled in
    axis_unit = "share"  # a share measure's unit on a chart's risk axis
    # a ratio (exposure): its minimum is found by Dinkelbach steps, each as hard as a min-cost
    # solve; otherwise one solve minimises ``m.risk`` (model/solving/risk_minimum.py)
    is_ratio = False

    # --- words ---------------------------------------------------------------------------------
    def meaning(self, alpha: float | None, tail: str, most_controlled: str) -> str:
        """What the measure is, in words (the summary's risk_measure row); ``tail`` is the CVaR's
        tail in words (10 %), ``most_controlled`` the case's most controlled origin group."""
        raise NotImplementedError  # every concrete measure defines it

    def against(self, reference: str, label: str, reference_worst: str | None) -> str:
        """The comparison after a plan's risk: ", against 19.6 % at the cheapest plan"."""
        return f", against {reference} {label}"

    def words(self, shown: str, against: str, tail: str, worst: str | None, most_controlled: str) -> str:
        """One plan's risk in a sentence: ``shown`` its value in its unit, ``against`` the
        comparison (or ""), ``worst`` the plan's worst scenario when known."""
        raise NotImplementedError  # every concrete measure defines it

    # --- building ------------------------------------------------------------------------------
    def add(self, m: pyo.ConcreteModel, ix: CaseIndex) -> None:
        m.risk_level = pyo.Var(domain=pyo.Reals)
        m.risk_slack = pyo.Var(domain=pyo.NonNegativeReals)
        self.add_expression(m, ix)
        self.add_limit(m)

    def add_expression(self, m: pyo.ConcreteModel, ix: CaseIndex) -> None:
        raise NotImplementedError  # every concrete measure defines it

    def add_limit(self, m: pyo.ConcreteModel) -> None:
        """risk + slack == risk_level; risk_level free (no limit) or fixed at the limit."""
        m.risk_limit_con = pyo.Constraint(expr=m.risk + m.risk_slack == m.risk_level)

    # --- stages --------------------------------------------------------------------------------
    def set_limit(self, m: pyo.ConcreteModel, limit: float | None) -> None:
        m.risk_level.setlb(limit)
        m.risk_level.setub(limit)

    def holding_limit(self, best: float) -> float:
        """The limit that holds a minimum found by :meth:`minimise` in a later stage."""
        return best + LEX_REL_TOL * max(1.0, abs(best))

    def slack_units(self, m: pyo.ConcreteModel) -> float:
        """How many risk units one unit of ``risk_slack`` is (for the AUGMECON2 reward)."""
        return 1.0

    def fit_auxiliaries(self, m: pyo.ConcreteModel, case) -> None:
        """Set the measure's auxiliary variables to their best values for the plan now loaded, so
        that the plan is a complete, good MIP start for a stage that minimises risk (its own
        auxiliaries were left anywhere by a stage that ignored risk)."""

    # --- evaluation ----------------------------------------------------------------------------
    def evaluate(self, o: Outcomes) -> float:
        raise NotImplementedError  # every concrete measure defines it


class CvarShortfall(RiskMeasure):
    """CVaR at alpha of the unmet share: eta + 1/(1-alpha) x sum_s p_s excess_s, with
    excess_s >= outcome_s - eta and excess_s >= 0 (Rockafellar-Uryasev)."""
    name = "cvar_shortfall"
    axis_unit = "% of demand unmet"
    tail = True
    note = ("CVaR at cvar_alpha of the share of demand not met: the unmet share averaged over the worst "
            "(1 - alpha) of scenarios by probability", "share of demand, 0..1")

    def meaning(self, alpha, tail, most_controlled):
        return (f"cvar_shortfall at alpha {alpha if alpha is not None else 0.9:g}: the share of demand left "
                f"unmet, averaged over the worst {tail} of scenarios (by probability)")

    def words(self, shown, against, tail, worst, most_controlled):
        return f"in the worst {tail} of scenarios (by probability) {shown} of demand goes unmet on average{against}"

    def outcome(self, m):
        return m.unmet_share

    def add_expression(self, m, ix):
        case = ix.case
        outcome = self.outcome(m)
        m.value_at_risk = pyo.Var(domain=pyo.Reals)
        m.cvar_excess = pyo.Var(list(case.scenarios), domain=pyo.NonNegativeReals)
        m.cvar_excess_def = pyo.Constraint(list(case.scenarios), rule=lambda _, s: (
            m.cvar_excess[s] >= outcome[s] - m.value_at_risk))
        m.risk = pyo.Expression(expr=m.value_at_risk + (1.0 / (1.0 - case.settings.cvar_alpha)) * sum(
            sc.probability * m.cvar_excess[s] for s, sc in case.scenarios.items()))

    def fit_auxiliaries(self, m, case):
        values = {s: pyo.value(self.outcome(m)[s]) for s in case.scenarios}
        probs = {s: sc.probability for s, sc in case.scenarios.items()}
        eta = cvar_threshold(list(values.values()), list(probs.values()), case.settings.cvar_alpha)
        m.value_at_risk.set_value(eta)
        for s, x in values.items():
            m.cvar_excess[s].set_value(max(0.0, x - eta))

    def evaluate(self, o):
        return cvar([o.unmet_share[s] for s in o.probability], list(o.probability.values()), o.alpha)


class CvarCost(CvarShortfall):
    """CVaR at alpha of the scenario cost, written as for the shortfall."""
    name = "cvar_cost"
    in_money = True
    note = ("CVaR at cvar_alpha of the scenario cost: the cost averaged over the worst (1 - alpha) of "
            "scenarios by probability", "{currency}")

    def meaning(self, alpha, tail, most_controlled):
        return (f"cvar_cost at alpha {alpha if alpha is not None else 0.9:g}: the scenario cost averaged over "
                f"the worst {tail} of scenarios (by probability)")

    def words(self, shown, against, tail, worst, most_controlled):
        return f"in the worst {tail} of scenarios (by probability) the plan costs {shown} on average{against}"

    def outcome(self, m):
        return m.scenario_cost

    def evaluate(self, o):
        return cvar([o.cost[s] for s in o.probability], list(o.probability.values()), o.alpha)


class ExpectedShortfall(RiskMeasure):
    """sum_s p_s unmet_share_s."""
    name = "expected_shortfall"
    axis_unit = "% of demand unmet"
    note = ("Probability-weighted share of demand not met", "share of demand, 0..1")

    def meaning(self, alpha, tail, most_controlled):
        return ("expected_shortfall: the share of demand left unmet, averaged over the scenarios weighted by "
                "probability")

    def words(self, shown, against, tail, worst, most_controlled):
        return f"on average over the scenarios (weighted by probability) {shown} of demand goes unmet{against}"

    def add_expression(self, m, ix):
        m.risk = pyo.Expression(expr=sum(sc.probability * m.unmet_share[s] for s, sc in ix.case.scenarios.items()))

    def evaluate(self, o):
        return sum(p * o.unmet_share[s] for s, p in o.probability.items())


class WorstShortfall(RiskMeasure):
    """w >= unmet_share_s for every listed scenario (a scenario of probability 0 counts too)."""
    name = "worst_shortfall"
    axis_unit = "% of demand unmet"
    note = ("Share of demand not met in the worst scenario", "share of demand, 0..1")

    def meaning(self, alpha, tail, most_controlled):
        return "worst_shortfall: the share of demand left unmet in the worst scenario"

    def against(self, reference, label, reference_worst):
        return f", against {reference} {label}" + (f" (in {reference_worst})" if reference_worst else "")

    def words(self, shown, against, tail, worst, most_controlled):
        where = f" ({worst})" if worst else ""
        return f"in its worst scenario{where} {shown} of demand goes unmet{against}"

    def add_expression(self, m, ix):
        m.worst_share = pyo.Var(domain=pyo.NonNegativeReals)
        m.worst_share_def = pyo.Constraint(list(ix.case.scenarios), rule=lambda _, s: (
            m.worst_share >= m.unmet_share[s]))
        m.risk = pyo.Expression(expr=m.worst_share)

    def fit_auxiliaries(self, m, case):
        m.worst_share.set_value(max((pyo.value(m.unmet_share[s]) for s in case.scenarios), default=0.0))

    def evaluate(self, o):
        return max((o.unmet_share[s] for s in o.probability), default=0.0)


class Exposure(RiskMeasure):
    """controlled spend / total spend in the nominal scenario at base prices. A ratio: its limit is
    written linearly, controlled - limit x total + slack == 0, with the limit a mutable coefficient
    in 0..1 (never infinite; 1 means no limit); its minimum is found by Dinkelbach steps on
    ``controlled - exposure_ratio x total`` (``m.risk``)."""
    name = "exposure"
    is_ratio = True  # its minimum is found by Dinkelbach steps (model/solving/risk_minimum.py)
    axis_unit = "% of purchase spend"
    note = ("Share of nominal-scenario purchase spend (base prices) on offers of the most controlled origin "
            "group", "share of spend, 0..1")

    def meaning(self, alpha, tail, most_controlled):
        group = most_controlled or "the most controlled origin group"
        return (f"exposure: the share of purchase spend (nominal scenario, base prices) on offers of {group} "
                "origin, the most controlled group")

    def words(self, shown, against, tail, worst, most_controlled):
        group = most_controlled or "the most controlled group"
        return (f"{shown} of purchase spend (nominal scenario, at base prices) goes to offers of {group} "
                f"origin{against}")

    def add_expression(self, m, ix):
        m.exposure_ratio = pyo.Param(initialize=0.0, mutable=True)
        m.risk = pyo.Expression(expr=m.spend_controlled - m.exposure_ratio * m.spend_total)

    def add_limit(self, m):
        m.exposure_limit = pyo.Param(initialize=1.0, mutable=True)
        m.risk_limit_con = pyo.Constraint(expr=m.spend_controlled - m.exposure_limit * m.spend_total
                                          + m.risk_slack == 0)

    def set_limit(self, m, limit):
        m.exposure_ratio.set_value(0.0)
        m.exposure_limit.set_value(1.0 if limit is None else min(1.0, max(0.0, limit)))

    def holding_limit(self, best):
        return best  # the Dinkelbach solution meets it exactly

    def slack_units(self, m):
        return max(1.0, pyo.value(m.spend_total) or 1.0)  # the slack is in spend units

    def set_ratio(self, m, ratio: float) -> None:
        """The ratio of the Dinkelbach step to minimise (``risk`` = controlled - ratio x total)."""
        m.exposure_ratio.set_value(ratio)

    def ratio_parts(self, m) -> tuple[float, float]:
        """(controlled spend, total spend) of the plan loaded."""
        return pyo.value(m.spend_controlled), pyo.value(m.spend_total)

    def evaluate(self, o):
        return o.spend_controlled / o.spend_total if o.spend_total > 1e-9 else 0.0


MEASURES: dict[str, RiskMeasure] = {cls.name: cls() for cls in
                                    (CvarShortfall, CvarCost, ExpectedShortfall, WorstShortfall, Exposure)}
assert tuple(MEASURES) == RISK_MEASURES, "every measure the workbook may name has its class here"


def known(name: str | None) -> RiskMeasure | None:
    """The measure of that name, or None (a name this version does not know)."""
    return MEASURES.get(name) if isinstance(name, str) else None


def measure(name: str) -> RiskMeasure:
    try:
        return MEASURES[name]
    except KeyError:
        raise ValueError(f"unknown risk measure {name}") from None


def evaluate_all(o: Outcomes) -> dict[str, float]:
    """Every measure's true value for one plan's outcomes."""
    return {name: rm.evaluate(o) for name, rm in MEASURES.items()}
