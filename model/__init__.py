"""Resilient sourcing of critical materials: a Pyomo + HiGHS MILP with cost-versus-risk frontiers."""

__version__ = "0.1.0"
