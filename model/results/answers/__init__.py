"""Each verb's answer to its own question (docs: the results workbook, "every verb answers its own
question on its first printed page"), built in one module per verb: :mod:`.frontier` (also
``solve``), :mod:`.whatif`, :mod:`.compare`, :mod:`.stress`, :mod:`.value`.

An :class:`Answer` is the summary's first rows, the console's short answer and the numbers behind
them; :func:`model.results.report.summary_items` alone lays the summary out around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class RunKind(str, Enum):
    """What a report is the result of: the verb whose question its summary answers."""
    SOLVE = "solve"
    FRONTIER = "frontier"
    WHATIF = "whatif"
    COMPARE = "compare"
    STRESS = "stress"
    VALUE = "value"

    @property
    def has_frontier(self) -> bool:
        """Whether the report's frontier rows are one frontier of one case (knee, efficient points,
        min cost and min risk mean something): not for stress (one world per disruption) or
        compare (several frontiers)."""
        return self in (RunKind.SOLVE, RunKind.FRONTIER, RunKind.WHATIF, RunKind.VALUE)

    @property
    def headline_numbers(self) -> bool:
        """Whether the summary lists the frontier's own headline numbers (points, efficient
        points, min cost, min risk, knee): not for a what-if, whose answer gives both worlds'."""
        return self in (RunKind.SOLVE, RunKind.FRONTIER, RunKind.VALUE)


@dataclass
class Answer:
    """A verb's answer: ``rows`` open the summary (item, value), ``console`` is what the command
    line prints (short, no ids), ``numbers`` the figures the rows are made of (for scripts and
    tests)."""
    kind: RunKind
    rows: list[tuple[str, object]]
    console: list[str] = field(default_factory=list)
    numbers: dict = field(default_factory=dict)

    def extend(self, other: "Answer | None") -> "Answer":
        """This answer with another's rows and console lines after its own (frontier --values)."""
        if other is None:
            return self
        return Answer(self.kind, self.rows + other.rows, self.console + other.console,
                      {**self.numbers, **other.numbers})
