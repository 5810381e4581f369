"""`koen glossary ...` commands (filled in by the glossary work)."""

import typer

app = typer.Typer(no_args_is_help=True)
