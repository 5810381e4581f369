"""The top-level commands: translate, check, model, archive."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    files: list[str] = typer.Argument(..., help="English text files to scan for garbled numbers."),
) -> None:
    """Flag garbled number translations in English text (file:line: span: problem); exit 1 if any."""
    from mt.errors import KoenError
    from mt.qa import check_lines
    from mt.textio import read_lines

    total = 0
    for path in files:
        for finding in check_lines(read_lines(path)):
            total += 1
            print(f"{path}:{finding.line}:{finding.column}: {finding.message}: {finding.span!r}")
    if total:
        raise KoenError(f"{total} suspicious number span(s) found", exit_code=1)
