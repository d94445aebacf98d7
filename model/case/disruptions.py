"""A stress run's disruptions as data (docs: the model, "Stress"): scenario rules put in force and
sites out, together; :data:`NO_DISRUPTION` is the world as it stands. The solves live in
:mod:`model.solving.stress`, the ranking in :mod:`model.results.stress`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .case import Case

# the period a site outage starts in
OUTAGE_START = 1


@dataclass(frozen=True)
class Disruption:
    """Scenario rules put in force and sites out (factor 0), together."""
    rules: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "+".join(self.rules + tuple(f"outage {s}" for s in self.sites)) or "none"

    @property
    def kind(self) -> str:
        n = len(self.rules) + len(self.sites)
        if n > 1:
            return "pair"
        return "rule" if self.rules else ("site outage" if self.sites else "none")

    def start(self, case: Case) -> int:
        starts = [case.rules[r].start_period for r in self.rules] + [OUTAGE_START] * bool(self.sites)
        return min(starts) if starts else 1

    def describe(self, case: Case) -> str:
        parts = [case.rules[r].description or f"rule {r}" for r in self.rules]
        for s in self.sites:
            site = case.sites[s]
            parts.append(f"outage of {site.name or s} ({site.role}, {site.country}, {site.owner})")
        return "; ".join(parts)


NO_DISRUPTION = Disruption()
