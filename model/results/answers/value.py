"""The answer of ``value`` (docs: the results workbook; the model's "Decision values"): EVPI and
VSS in words and as a share of expected cost, then the options worth most. Pure Python on a
:class:`model.solving.value.ValueResult`.
"""

from __future__ import annotations

from ..value import no_option_worth, point_label, ranked_options
from ..words import amount, pct
from . import Answer, RunKind


def _share(x, z) -> str:
    return pct(x / z) if z else "n/a"


def _share_base(result, currency: str) -> str:
    """What EVPI's and VSS's shares are of: the stochastic min cost, which is the expected cost of
    the point valued only at the min-cost point (at another point it is said with its amount)."""
    z, cost = result.stochastic.cost, result.expected_cost
    if z is None or cost is None or abs(cost - z) <= 1e-9 * max(1.0, abs(z)):
        return "of the expected cost"
    return f"of the min expected cost, {amount(z, currency)}"


def value_rows(result, currency: str = "") -> dict:
    """The words on EVPI, VSS and the options, each value also as a share of the expected cost."""
    out = {}
    z = result.stochastic.cost
    of = _share_base(result, currency)
    if result.evpi is not None:
        out["evpi"] = result.evpi
        if result.evpi <= 1e-9 * max(1.0, abs(z)):
            out["value_of_perfect_information"] = (
                f"Knowing in advance which scenario will happen would be worth nothing (EVPI 0): the best "
                f"plan for the scenarios, {amount(z, currency)} in expectation, already does in each "
                "scenario as well as a plan made with perfect foresight.")
        else:
            out["value_of_perfect_information"] = (
                f"Knowing in advance which scenario will happen would be worth {amount(result.evpi, currency)} "
                f"(EVPI, {_share(result.evpi, z)} {of}): the best plan for the scenarios costs {amount(z, currency)} in expectation, against "
                f"{amount(result.wait_and_see_cost, currency)} if each scenario's plan could be made with "
                "perfect foresight (wait-and-see). No forecast can be worth more.")
    else:
        out["value_of_perfect_information"] = "not known: a solve ended without a value (see warnings)"
    vss = result.vss
    nominal = result.case.nominal_scenario
    if vss == "infeasible":
        out["vss"] = "infeasible"
        out["value_of_the_stochastic_solution"] = (
            f"A plan made for the nominal scenario ({nominal}) alone is infeasible in the other scenarios: "
            "its contracts, qualifications and builds cannot meet their hard limits, so planning for the "
            "scenarios is indispensable (VSS infeasible).")
    elif vss is not None:
        out["vss"] = vss
        if vss <= 1e-9 * max(1.0, abs(z)):
            out["value_of_the_stochastic_solution"] = (
                f"Planning for the scenarios buys nothing here over planning for the nominal scenario "
                f"({nominal}) alone (VSS 0): that plan's contracts, qualifications and builds, held and "
                f"re-planned around, cost the same {amount(z, currency)} in expectation.")
        else:
            out["value_of_the_stochastic_solution"] = (
                f"Planning for the scenarios is worth {amount(vss, currency)} (VSS, {_share(vss, z)} {of}): "
                f"a plan made for the "
                f"nominal scenario ({nominal}) alone, its contracts, qualifications and builds held and "
                f"everything else re-planned, costs {amount(result.ev_plan.cost, currency)} in expectation, "
                f"against {amount(z, currency)}.")
    else:
        out["value_of_the_stochastic_solution"] = "not known: a solve ended without a value (see warnings)"
    ranked = ranked_options(result)
    held = [o for o in ranked if o.taken and (o.status == "infeasible" or (o.value or 0) > 0)]
    open_ = [o for o in ranked if not o.taken and (o.value or 0) > 0]
    parts = []
    if held:
        parts.append("Most valuable held: " + "; ".join(
            f"{o.option} ({o.kind}): " + ("indispensable within the risk limit" if o.value is None
                                          else f"{amount(o.value, currency)} dearer without it")
            for o in held[:3]))
    if open_:
        parts.append("Closest to paying off: " + "; ".join(
            f"{o.option} ({o.kind}): pays if its cost of {amount(o.option_cost, currency)} falls below "
            f"{amount(o.value, currency)}" for o in sorted(open_, key=lambda o: o.option_cost - o.value)[:3]))
    if not parts:
        parts.append(no_option_worth(result.options))
    out["option_values"] = f"At {point_label(result)}. " + ". ".join(parts) + ". See the value sheet."
    return out


def value_answer(result, currency: str = "") -> Answer:
    """The summary's first rows of ``value`` (and of ``frontier --values``, after the frontier's),
    the console's lines and the numbers."""
    words = value_rows(result, currency)
    z = result.stochastic.cost
    evpi, vss = result.evpi, result.vss
    first = [f"at {point_label(result)} (expected cost {amount(result.expected_cost, currency)})"]
    first.append("EVPI " + (f"{amount(evpi, currency)} ({_share(evpi, z)} {_share_base(result, currency)})"
                            if evpi is not None else "not known"))
    first.append("VSS " + (f"{amount(vss, currency)} ({_share(vss, z)})" if isinstance(vss, float) else
                           (str(vss) if vss is not None else "not known")))
    if _share_base(result, currency) != "of the expected cost":  # another point than the min-cost plan
        first.append(f"EVPI and VSS, by their definition, at the min expected cost with the risk unconstrained "
                     f"({amount(z, currency)}); the option values at this point, its risk limit kept")
    rows = [("answer", "decision values " + ", ".join(first)),
            ("value_of_perfect_information", words["value_of_perfect_information"]),
            ("value_of_the_stochastic_solution", words["value_of_the_stochastic_solution"]),
            ("option_values", words["option_values"])]
    for key in ("evpi", "vss"):
        if key in words:
            rows.append((key, words[key]))
    numbers = {"evpi": evpi, "vss": vss, "expected_cost": result.expected_cost,
               "evpi_share": evpi / z if evpi is not None and z else None,
               "vss_share": vss / z if isinstance(vss, float) and z else None}
    return Answer(RunKind.VALUE, rows, ["decision values " + ", ".join(first)], numbers)
