"""The origin mix of a report's plans: per point, the share of nominal purchase volume by origin
group, groups ordered least to most controlled as the case orders them (pure pandas)."""

from __future__ import annotations

import pandas as pd

from .report_data import Report


def given_groups(report: Report, summary: dict | None = None) -> list[str]:
    """The case's origin groups, least to most controlled: the report's own, else ``origin_groups``
    in the summary argument, report.summary or report.run_info (a list or a comma-separated string)."""
    given = (list(report.origin_groups) or (summary or {}).get("origin_groups")
             or report.summary.get("origin_groups") or report.run_info.get("origin_groups"))
    if isinstance(given, str):
        given = [g.strip() for g in given.split(",") if g.strip()]
    return [str(g) for g in (given or [])]


def origin_groups_order(report: Report, suppliers: pd.DataFrame, summary: dict | None = None) -> list[str]:
    """Origin groups least to most controlled as the case orders them; groups it does not name
    follow in order of first appearance."""
    seen = [str(g) for g in pd.unique(suppliers["origin_group"].dropna())]
    order = [g for g in given_groups(report, summary) if g in seen]
    return order + [g for g in seen if g not in order]


def origin_mix(report: Report, summary: dict | None = None) -> pd.DataFrame:
    """Per point: share of nominal purchase volume by origin group (columns in group order) and the
    total volume; empty when there is no supplier table."""
    sup = report.tables.get("suppliers")
    if sup is None or sup.empty or not {"point", "origin_group", "volume"} <= set(sup.columns):
        return pd.DataFrame()
    groups = origin_groups_order(report, sup, summary)
    vol = (sup.assign(volume=pd.to_numeric(sup["volume"], errors="coerce").fillna(0.0))
           .groupby(["point", "origin_group"])["volume"].sum().unstack(fill_value=0.0))
    vol = vol.reindex(columns=groups, fill_value=0.0)
    total = vol.sum(axis=1)
    share = vol.div(total.where(total > 0), axis=0)  # no purchases: blank, not 0
    share.columns = [str(c) for c in share.columns]
    share["total_volume"] = total
    return share.reset_index()
