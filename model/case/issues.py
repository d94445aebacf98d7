"""Problems found in a workbook, each pointing at a sheet and cell a user can open."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# Past this many problems of one kind (one severity, one sheet, one column) the text output says
# how many more there are instead of listing them; past KEPT_PER_KIND they are counted, not kept.
SHOWN_PER_KIND = 30
KEPT_PER_KIND = 1_000
_LETTERS = re.compile(r"[A-Za-z]*")


@dataclass(frozen=True)
class Issue:
    severity: str  # "error" or "warning"
    sheet: str
    cell: str  # e.g. "E7", "A1", or "" for the whole sheet/workbook
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else (self.sheet or "workbook")
        return f"{where}: {self.message}"

    @property
    def kind(self) -> tuple[str, str, str]:
        """What problems are summarised together: the severity, the sheet and the cell's column."""
        return self.severity, self.sheet, _LETTERS.match(self.cell).group(0)


@dataclass
class Report:
    """Every problem found. All count; past ``KEPT_PER_KIND`` of one kind only the count is kept (a
    sheet of 100,000 bad rows must not hold a million messages in memory)."""
    issues: list[Issue] = field(default_factory=list)
    omitted: Counter = field(default_factory=Counter)  # kind -> problems counted but not kept
    _per_kind: Counter = field(default_factory=Counter, repr=False)

    def _add(self, issue: Issue) -> None:
        kind = issue.kind
        self._per_kind[kind] += 1
        if self._per_kind[kind] > KEPT_PER_KIND:
            self.omitted[kind] += 1
        else:
            self.issues.append(issue)

    def error(self, sheet: str, cell: str, message: str) -> None:
        self._add(Issue("error", sheet, cell, message))

    def warn(self, sheet: str, cell: str, message: str) -> None:
        self._add(Issue("warning", sheet, cell, message))

    def count(self, severity: str) -> int:
        """How many errors (or warnings) there are, kept or only counted."""
        return sum(n for (sev, _, _), n in self._per_kind.items() if sev == severity)

    def summarised(self, severity: str, shown: int = SHOWN_PER_KIND) -> list[str]:
        """The errors (or warnings) as lines of text, in the order found: the first ``shown`` of each
        kind, then one line saying how many more of that kind there are."""
        out = []
        seen: Counter = Counter()
        for issue in self.issues:
            if issue.severity != severity:
                continue
            kind = issue.kind
            seen[kind] += 1
            if seen[kind] <= shown:  # a problem of an option or a file names itself, not "workbook"
                out.append(str(issue) if issue.sheet else issue.message)
            if seen[kind] == shown and self._per_kind[kind] > shown:
                _, sheet, column = kind
                where = f"{sheet}!{column}" if sheet and column else (sheet or "workbook")
                what = f"column {column} of sheet {sheet}" if sheet and column else f"sheet {sheet}" if sheet else "the workbook"
                out.append(f"{where}: ... and {self._per_kind[kind] - shown:,} more {severity}s of this kind ({what})")
        return out

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


class CaseError(Exception):
    """Bad input: the workbook (or a command-line toggle) cannot be used as it is."""

    def __init__(self, report: Report | str):
        if isinstance(report, str):
            rep = Report()
            rep.error("", "", report)
            report = rep
        self.report = report
        super().__init__("\n".join(str(i) for i in report.errors))
