"""Risk measures computed from a plan's scenario outcomes (the true values, not solver bounds)."""

from __future__ import annotations

RISK_COLUMNS = ("cvar_shortfall", "cvar_cost", "expected_shortfall", "worst_shortfall", "exposure")


def cvar(values: list[float], probabilities: list[float], alpha: float) -> float:
    """Conditional value-at-risk (Rockafellar-Uryasev) of a discrete distribution:
    min over eta of eta + E[(X - eta)+] / (1 - alpha); the minimum sits at one of the outcomes."""
    if not values:
        return 0.0
    best = None
    for eta in values:
        v = eta + sum(p * max(0.0, x - eta) for x, p in zip(values, probabilities)) / (1.0 - alpha)
        best = v if best is None or v < best else best
    return best


def risk_metrics(costs: dict[str, float], shares: dict[str, float], probs: dict[str, float],
                 alpha: float, spend_controlled: float, spend_total: float) -> dict[str, float]:
    scenarios = list(probs)
    p = [probs[s] for s in scenarios]
    share_values = [shares[s] for s in scenarios]
    return {
        "cvar_shortfall": cvar(share_values, p, alpha),
        "cvar_cost": cvar([costs[s] for s in scenarios], p, alpha),
        "expected_shortfall": sum(pi * x for pi, x in zip(p, share_values)),
        "worst_shortfall": max(share_values, default=0.0),  # every scenario listed, as the model bounds it
        "exposure": spend_controlled / spend_total if spend_total > 1e-9 else 0.0,
    }
