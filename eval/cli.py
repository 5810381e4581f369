"""`koen eval ...` commands (filled in by the eval work)."""

import typer

app = typer.Typer(no_args_is_help=True)
