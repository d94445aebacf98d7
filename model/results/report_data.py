"""What a run's report is (:class:`Report`): everything a results workbook shows, as tables. The
answers (:mod:`model.results.answers`) read it and :mod:`model.results.report` builds it and lays
out its summary; this module holds only the record, so that both sit above it. Pure pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .answers import Answer, RunKind


@dataclass
class Report:
    """Everything a results workbook shows, as tables."""
    case_name: str
    risk_measure: str
    currency: str
    frontier: pd.DataFrame
    tables: dict[str, pd.DataFrame]  # suppliers, processes, routes, stockpile, shortfall, scenarios
    knee_point: int | None
    knee_text: str
    summary: dict = field(default_factory=dict)  # items the run adds (verb, input, status, toggles)
    run_info: dict = field(default_factory=dict)
    origin_groups: tuple[str, ...] = ()  # least to most controlled, as the case orders them
    extra_sheets: dict[str, pd.DataFrame] = field(default_factory=dict)  # after the decision tables
    sheet_charts: dict[str, str] = field(default_factory=dict)  # extra sheet -> chart kind (excel/charts.py)
    overlay: dict[str, pd.DataFrame] | None = None  # label -> frontier: one chart series each
    warnings: list[str] = field(default_factory=list)
    cvar_alpha: float | None = None
    period_unit: str = ""
    held: pd.DataFrame | None = None  # the strategic stockpile per point (views.strategic_stock)
    charts: dict = field(default_factory=dict)  # the recommended plan's chart data (views.plan_charts)
    values: object | None = None  # decision values (model.results.value.ValueTables): the value sheet
    kind: RunKind = RunKind.FRONTIER  # the verb whose question the summary answers
    answer: Answer | None = None  # its answer (model.results.answers); None: a frontier's, built on demand
                                 # (model.results.report.the_answer)
    interrupted: bool = False  # the run was stopped (Ctrl-C): no point is recommended
