"""Problems found in a workbook, each pointing at a sheet and cell a user can open."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    severity: str  # "error" or "warning"
    sheet: str
    cell: str  # e.g. "E7", "A1", or "" for the whole sheet/workbook
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else (self.sheet or "workbook")
        return f"{where}: {self.message}"


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)

    def error(self, sheet: str, cell: str, message: str) -> None:
        self.issues.append(Issue("error", sheet, cell, message))

    def warn(self, sheet: str, cell: str, message: str) -> None:
        self.issues.append(Issue("warning", sheet, cell, message))

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
