"""The once-decisions of a plan (made before any scenario is known): the one list of their kinds
that every answer reads, so that a new kind (a storage option, a substitute qualification) is
added here once and every verb's "what the plan does differently" names it. Pure pandas.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class OnceDecision:
    """One kind of once-decision, as a report table shows it: the rows of ``table`` whose
    ``column`` reads ``yes`` at a point, named by ``key``."""
    kind: str  # as the value sheet names options: contract, qualify, build, storage, substitute
    plural: str  # in words: "contracts"
    one: str  # "contract"
    verb: str  # what the plan does: "contracts"
    table: str
    column: str
    key: str


ONCE_DECISIONS: tuple[OnceDecision, ...] = (
    OnceDecision("contract", "contracts", "contract", "contracts", "suppliers", "contracted", "offer"),
    OnceDecision("qualify", "qualifications", "qualification", "qualifies", "suppliers", "qualification_started",
                 "offer"),
    OnceDecision("build", "builds", "build", "builds", "processes", "built", "process"),
    OnceDecision("storage", "storage options", "storage option", "stores in", "storage", "taken", "option"),
    OnceDecision("substitute", "substitute qualifications", "substitute qualification", "qualifies substitutes",
                 "substitutes", "qualification_started", "substitute"),
)


OPTIONAL_KINDS = ("storage", "substitute")  # named only where the case has such options


def decisions_at(tables: dict[str, pd.DataFrame], point) -> dict[str, frozenset[str]]:
    """kind -> the ids taken at ``point``, for every kind whose table the report has (a kind the
    report has no table for is left out, not shown as "none")."""
    out: dict[str, frozenset[str]] = {}
    for d in ONCE_DECISIONS:
        df = (tables or {}).get(d.table)
        if df is None or not {"point", d.column, d.key} <= set(df.columns):
            continue
        if df.empty and d.kind in OPTIONAL_KINDS:
            continue  # a case without storage options or substitutes: nothing to name
        sel = df[(df["point"] == point) & (df[d.column].astype(str).str.lower() == "yes")]
        out[d.kind] = frozenset(str(x) for x in sel[d.key])
    return out


def decision(kind: str) -> OnceDecision:
    return next(d for d in ONCE_DECISIONS if d.kind == kind)


def kinds_in_words(kinds) -> str:
    """contracts, qualifications and builds (the kinds given, in the list's order)."""
    words = [d.plural for d in ONCE_DECISIONS if d.kind in set(kinds)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else "nothing"


def differences(before: dict[str, frozenset[str]], after: dict[str, frozenset[str]]) -> list[str]:
    """What ``after`` takes that ``before`` does not, and drops, per kind, in words; empty when
    they take the same."""
    out = []
    for d in ONCE_DECISIONS:
        if d.kind not in before and d.kind not in after:
            continue
        a, b = before.get(d.kind, frozenset()), after.get(d.kind, frozenset())
        added, dropped = sorted(b - a), sorted(a - b)
        if added:
            out.append(f"adds {d.plural} {', '.join(added)}")
        if dropped:
            out.append(f"drops {d.plural} {', '.join(dropped)}")
    return out


def difference_counts(before: dict[str, frozenset[str]], after: dict[str, frozenset[str]]) -> str:
    """The differences as counts, without ids (for the console): "adds 2 contracts, 1 build; drops
    1 qualification"; "takes the same once-decisions" when there are none."""
    added, dropped = [], []
    for d in ONCE_DECISIONS:
        a, b = before.get(d.kind, frozenset()), after.get(d.kind, frozenset())
        for n, out in ((len(b - a), added), (len(a - b), dropped)):
            if n:
                out.append(f"{n} {d.one if n == 1 else d.plural}")
    parts = [f"adds {', '.join(added)}" if added else "", f"drops {', '.join(dropped)}" if dropped else ""]
    return "; ".join(p for p in parts if p) or "takes the same once-decisions"
