"""What-if tables (pure pandas): the cost of keeping each baseline risk level under the toggle,
and per point what changed in the plan."""

from __future__ import annotations

import pandas as pd

from .report_data import Report


def cost_of_keeping(baseline: Report, kept) -> pd.DataFrame:
    """Per baseline point: its risk, its cost, and the toggled case's min cost at that risk."""
    base_cost = baseline.frontier.set_index("point")["expected_cost"]
    return pd.DataFrame([{"point": k.point, "risk_level": k.risk_level, "baseline_cost": base_cost[k.point],
                          "toggled_cost": k.cost,
                          "extra_cost": (k.cost - base_cost[k.point]) if k.cost is not None else None,
                          "status": k.status if k.cost is not None else f"{k.status}: this risk level cannot be kept",
                          "mip_gap": k.gap} for k in kept])


def plan_changes(base: Report, tog: Report) -> pd.DataFrame:
    """Per point: suppliers added or dropped, stockpile change, the lanes whose nominal volume moved most."""
    rows = []
    bs, ts = base.tables.get("suppliers", pd.DataFrame()), tog.tables.get("suppliers", pd.DataFrame())
    br, tr = base.tables.get("routes", pd.DataFrame()), tog.tables.get("routes", pd.DataFrame())
    bf, tf = base.frontier.set_index("point"), tog.frontier.set_index("point")
    for point in sorted(set(bf.index) & set(tf.index)):
        def used(df):
            if df.empty:
                return set()
            sel = df[(df["point"] == point) & ((df["contracted"] == "yes") | (df["volume"] > 1e-7))]
            return set(sel["offer"])
        b_used, t_used = used(bs), used(ts)

        def lane_volumes(df):
            if df.empty:
                return pd.Series(dtype=float)
            sel = df[(df["point"] == point) & (df["kind"] == "shipment") & (df["nominal"] == "yes")]
            return sel.groupby("route")["quantity"].sum()
        moved = lane_volumes(tr).sub(lane_volumes(br), fill_value=0.0)
        moved = moved[moved.abs() > 1e-6].sort_values(key=lambda s: -s.abs()).head(5)
        rows.append({
            "point": point,
            "baseline_cost": bf.loc[point, "expected_cost"], "toggled_cost": tf.loc[point, "expected_cost"],
            "baseline_risk": bf.loc[point, "risk"], "toggled_risk": tf.loc[point, "risk"],
            "suppliers_added": ", ".join(sorted(t_used - b_used)),
            "suppliers_dropped": ", ".join(sorted(b_used - t_used)),
            "stockpile_value_change": _num(tf.loc[point, "stockpile_value"]) - _num(bf.loc[point, "stockpile_value"]),
            "routes_moved": ", ".join(f"{k} {v:+,.1f}" for k, v in moved.items()),
        })
    return pd.DataFrame(rows)


def _num(x) -> float:
    return 0.0 if x is None or pd.isna(x) else float(x)
