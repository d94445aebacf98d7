"""The frontier as a PNG (matplotlib's Agg canvas, no pyplot state), written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ...files import write_atomically
from ..report import Report
from ..words import in_money
from .cells import _clean
from .charts import KNEE_COLOUR, MILLIONS, RISK_UNITS, SERIES_COLOURS, _efficient_flags


def write_plot(report_or_overlay, png_path: str | os.PathLike, *, risk_measure: str | None = None,
               currency: str | None = None, title: str | None = None) -> Path:
    """A PNG of the frontier (Agg, no pyplot state): efficient points joined in order of risk,
    points that are not efficient hollow, the knee point marked. ``report_or_overlay`` is a Report,
    a frontier DataFrame, or a dict label -> frontier DataFrame (one line per label)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    knee = None
    if isinstance(report_or_overlay, Report):
        frames = {"frontier": report_or_overlay.frontier}
        knee = report_or_overlay.knee_point
        risk_measure = risk_measure or report_or_overlay.risk_measure
        currency = currency if currency is not None else report_or_overlay.currency
        title = title or f"{report_or_overlay.case_name}: expected cost against risk ({risk_measure})"
    elif isinstance(report_or_overlay, pd.DataFrame):
        frames = {"frontier": report_or_overlay}
    elif isinstance(report_or_overlay, dict):
        frames = dict(report_or_overlay)
    else:
        raise TypeError("write_plot: expected a Report, a frontier DataFrame or a dict label -> DataFrame")

    fig = Figure(figsize=(8.5, 5.2), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    single = len(frames) == 1
    any_hollow = False
    for k, (label, df) in enumerate(frames.items()):
        colour = "#" + SERIES_COLOURS[k % len(SERIES_COLOURS)]
        if df is None or df.empty or not {"risk", "expected_cost"} <= set(df.columns):
            continue
        d = df.assign(risk=pd.to_numeric(df["risk"], errors="coerce"),
                      expected_cost=pd.to_numeric(df["expected_cost"], errors="coerce"))
        d = d.dropna(subset=["risk", "expected_cost"])
        flags = pd.Series(_efficient_flags(d), index=d.index)
        eff = d[flags].sort_values(["risk", "expected_cost"])
        other = d[~flags]
        name = "efficient points" if single else str(label)
        ax.plot(eff["risk"], eff["expected_cost"], "-o", color=colour, ms=6, lw=1.8, label=name, zorder=3)
        if len(other):
            any_hollow = True
            ax.plot(other["risk"], other["expected_cost"], "o", mfc="none", mec=colour, ms=7, mew=1.4,
                    zorder=3, label="_nolegend_")
        if "point" in d.columns and single:
            for p, x, y in zip(d["point"], d["risk"], d["expected_cost"]):
                p = _clean(p)
                if p is not None:
                    ax.annotate(str(p), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7,
                                color="#555555")
        if knee is not None and "point" in d.columns:
            hit = d[d["point"].map(_clean) == knee]
            if len(hit):
                ax.plot(hit["risk"].iloc[:1], hit["expected_cost"].iloc[:1], "D", color="#" + KNEE_COLOUR,
                        ms=11, zorder=4, label=f"recommended point ({knee})")
    handles, labels = ax.get_legend_handles_labels()
    if any_hollow:
        handles.append(Line2D([], [], ls="none", marker="o", mfc="none", mec="#555555", ms=7))
        labels.append("not efficient (dominated)")
    if handles:
        ax.legend(handles, labels, loc="best", fontsize=8, frameon=False)
    cur = f" {currency}" if currency else ""
    ys = [abs(v) for line in ax.get_lines() for v in line.get_ydata()]
    millions = bool(ys) and max(ys) >= MILLIONS

    def money(v, _=None):
        return f"{v / 1e6:,.0f} M" if millions and max(ys) >= 1e9 else (f"{v / 1e6:,.1f} M" if millions else f"{v:,.0f}")
    y_title = f"expected cost ({'M' if millions else ''}{cur.strip() if not millions else cur})".replace("()", "")
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    if in_money(risk_measure):
        ax.xaxis.set_major_formatter(FuncFormatter(money))
        x_title = f"risk: cvar_cost, tail cost ({'M' if millions else ''}{cur})"
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:.3g} %"))
        x_title = f"risk: {risk_measure or 'risk'} ({RISK_UNITS.get(risk_measure, 'share')})"
    lo_x, lo_y = ax.get_xlim()[0], ax.get_ylim()[0]
    if lo_x > 0:
        x_title += f"; axis zoomed, from {ax.xaxis.get_major_formatter()(lo_x, 0)}"
    if lo_y > 0:
        y_title += f"; zoomed, from {money(lo_y)}"
    ax.set_xlabel(x_title)
    ax.set_ylabel(y_title)
    ax.grid(alpha=0.3)
    import textwrap
    heading = title or "Expected cost against risk"
    ax.set_title("\n".join(textwrap.wrap(heading, 80)[:3]), fontsize=10)
    fig.tight_layout()

    return write_atomically(png_path, lambda fh: fig.savefig(fh, format="png"))
