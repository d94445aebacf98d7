"""The verbs that solve nothing, ``template`` and ``validate``, and what a failed run tells its user:
the exit code, the headline and the lines to print for bad input, no solution, an interruption or
a bug of ours. The CLI prints what these hand back and exits with their code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import interrupt
from ..case.case import Case
from ..case.issues import CaseError, Report
from ..solving.highs import NoSolution
from .common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_NO_SOLUTION, EXIT_OK, case_path, writable_file


def template(path: Path, force: bool) -> str:
    """Write the template workbook at ``path`` (never over a file unless ``force``); the message
    that says what to do next."""
    from ..case.template import write_template
    if path.suffix.lower() != ".xlsx":
        raise CaseError(f"{path}: expected a file name ending in .xlsx (the template is an Excel workbook)")
    if path.exists() and not force:
        raise CaseError(f"{path}: the file exists; expected a new file name (or --force to overwrite it)")
    writable_file(path, "template")
    write_template(path)
    return f"wrote {path}: fill it in, then run: sourcing validate {path}"


def template_document(path: Path) -> dict:
    """``template --json``: the workbook written and its sheets; like every verb's document it has a
    ``frontier`` (empty: nothing is solved) and ``warnings``."""
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True)
    try:
        sheets = list(wb.sheetnames)
    finally:
        wb.close()
    return {"ok": True, "output": str(path), "sheets": sheets, "frontier": [], "warnings": []}


@dataclass
class Checked:
    """A workbook checked by ``validate``: the case (None when it has errors) and every problem."""
    path: Path
    case: Case | None
    report: Report

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.report.ok else EXIT_BAD_INPUT

    @property
    def document(self) -> dict:
        """The ``--json`` document: every error and warning (past a thousand of one kind, the
        first thousand), and how many."""
        r = self.report
        return {"file": str(self.path), "ok": r.ok,
                "errors": [str(i) for i in r.errors], "warnings": [str(i) for i in r.warnings],
                "error_count": r.count("error"), "warning_count": r.count("warning")}

    def error_lines(self) -> list[str]:
        return [f"error: {line}" for line in self.report.summarised("error")]

    def warning_lines(self) -> list[str]:
        return [f"warning: {line}" for line in self.report.summarised("warning")]

    def ok_line(self) -> str | None:
        """What the case holds, when it was read."""
        c = self.case
        if c is None:
            return None
        n = self.report.count("warning")
        return (f"{self.path}: ok ({n} warning{'' if n == 1 else 's'}). Case '{c.settings.case_name}': "
                f"{c.settings.periods} {c.settings.period_unit}s, {len(c.countries)} countries, "
                f"{len(c.materials)} materials, {len(c.sites)} sites, {len(c.offers)} offers, "
                f"{len(c.processes)} processes, {len(c.lanes)} lanes, {len(c.demands)} demand rows "
                f"(by period), {len(c.rules)} rules, {len(c.scenarios)} scenarios, {len(c.events)} events, "
                f"{len(c.policies)} policies.")

    def failed_line(self) -> str | None:
        n = self.report.count("error")
        return None if self.report.ok else f"{self.path}: {n} error{'' if n == 1 else 's'}"


def validate(case: Path | None) -> Checked:
    """Read and check a case workbook (default: the embedded case), every problem at once."""
    from ..case.reader import check_workbook
    path = case_path(case)
    loaded, report = check_workbook(path)
    return Checked(path, loaded, report)


@dataclass
class Failure:
    """A run that ended without its result: the exit code, a headline and lines for ``--json``,
    the text for standard error, and the warnings that came with it."""
    exit_code: int
    headline: str
    lines: list[str]
    text: str
    warnings: list[str] = field(default_factory=list)


def failure(exc: BaseException) -> Failure:
    """What a user is told when a verb raised ``exc``: bad input (sheet and cell, or the option or
    file named first), no solution (infeasible or out of time), interrupted, or an internal error."""
    if isinstance(exc, CaseError):
        # a problem in a sheet names its sheet and cell; one of an option or a file names that
        # itself (its message starts with it), never "workbook"
        lines = [str(i) if i.sheet else i.message for i in exc.report.errors]
        return Failure(EXIT_BAD_INPUT, "bad input", lines,
                       "error: bad input\n" + "\n".join(f"  {line}" for line in exc.report.summarised("error")))
    if isinstance(exc, NoSolution):
        if interrupt.requested():
            return Failure(EXIT_INTERRUPTED, "interrupted", [], "interrupted before any result was found")
        text = f"no solution: {exc}" + ("" if exc.warnings else
                                        " (the case is infeasible or the time limit is too short)")
        return Failure(EXIT_NO_SOLUTION, "no solution", [text, *exc.warnings],
                       "\n  ".join([text, *(w for w in exc.warnings if w not in text)]), exc.warnings)
    if isinstance(exc, KeyboardInterrupt):
        return Failure(EXIT_INTERRUPTED, "interrupted", [], "interrupted")
    text = f"internal error: {exc.__class__.__name__}: {exc}"
    return Failure(EXIT_INTERNAL, "internal error", [text], text)
