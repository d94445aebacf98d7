"""The one way CLI tests run the command and check a failure.

``run`` invokes the typer app in-process. ``assert_fails`` is what every error test asserts: the
exit code (1 bad input, 2 no solution, 130 interrupted: never 3, an internal error), a fragment of
the message, and that no exception escaped the command. Typer's runner turns an exception that
escapes the app into exit code 1 without printing it, so "exit 1 and no Traceback in the output"
alone would pass a crash; ``res.exception`` is the only evidence, and it must be None or the
SystemExit that carries the exit code.
"""

from __future__ import annotations

from typer.testing import CliRunner

from model.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_no_crash(res) -> None:
    """No exception escaped the command, and it did not report an internal error of its own."""
    assert res.exception is None or isinstance(res.exception, SystemExit), (
        f"an exception escaped the command: {res.exception!r}\n{res.output}")
    assert res.exit_code != 3 and "internal error" not in res.output, res.output
    assert "Traceback" not in res.output, res.output


def assert_fails(res, code: int, *fragments: str) -> None:
    """The command failed the way a user is told about: exit ``code``, every fragment in the
    message (standard output and error together), no exception escaped."""
    assert_no_crash(res)
    assert res.exit_code == code, f"exit {res.exit_code}, expected {code}:\n{res.output}"
    for fragment in fragments:
        assert fragment in res.output, f"{fragment!r} not in:\n{res.output}"
