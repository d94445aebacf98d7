"""The ``--json`` document's rows: plain JSON values (missing numbers as null)."""

from __future__ import annotations

import json
import math

import pandas as pd


def json_rows(frontier: pd.DataFrame) -> list[dict]:
    rows = []
    for rec in frontier.to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if v is pd.NA or v is pd.NaT:
                v = None
            if hasattr(v, "item"):
                v = v.item()
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                v = None
            clean[k] = v
        rows.append(clean)
    return rows


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, default=str)
