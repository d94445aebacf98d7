"""A planner's units (docs: the results workbook): risk in %, money with thousands separators and
M where large, chart axes with units that say when they are zoomed, a stock chart whose legend fits."""

from __future__ import annotations

import pandas as pd

from model.results.excel.charts import money_axis, risk_axis, zoomed
from model.results.excel.plan_sheet import STOCK_SERIES, largest_stocks
from model.results.words import amount, pct, risk_difference, signed_amount


def test_money_and_risk_in_words():
    assert amount(1_910_345_678, "USD") == "1,910.3 M USD"
    assert amount(35_600, "USD") == "35,600 USD"
    assert signed_amount(-35_600_000, "USD") == "-35.6 M USD"
    assert pct(0.2834) == "28.3 %"
    assert risk_difference("cvar_shortfall", -0.004) == "-0.4 points"
    assert risk_difference("cvar_cost", 2e7, "USD") == "+20.0 M USD"


def test_chart_axes_carry_units_and_say_when_zoomed():
    title, fmt = money_axis([2.02e9, 2.05e9], "USD")
    assert title == "expected cost (M USD)" and fmt == '#,##0,,"M"'
    assert money_axis([150, 185], "USD") == ("expected cost (USD)", "#,##0")
    title, fmt = risk_axis([0.282, 0.288], "cvar_shortfall", "USD")
    assert title == "risk: cvar_shortfall (% of demand unmet)" and fmt == "0.0%"
    assert zoomed(title, 0.28, lambda v: f"{v * 100:.4g} %").endswith("; axis zoomed, from 28 %")
    assert zoomed(title, 0.0, str) == title


def test_the_stock_chart_keeps_the_largest_series_and_sums_the_rest():
    stock = pd.DataFrame({"period": [0, 1, 2], **{f"s{i}": [float(i), float(i), 0.0] for i in range(16)}})
    shown, summed = largest_stocks(stock)
    assert summed == 16 - (STOCK_SERIES - 1)
    assert list(shown.columns) == ["period", "s15", "s14", "s13", "s12", "s11", f"{summed} others (sum)"]
    assert shown[f"{summed} others (sum)"].tolist() == [sum(range(11)), sum(range(11)), 0.0]
    small = stock[["period", "s1", "s2"]]
    assert largest_stocks(small) == (small, 0)
