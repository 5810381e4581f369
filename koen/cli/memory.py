"""`koen memory`: exchange the translation memory with CAT tools (TMX, TSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from mt.controls import for_terminal
from mt.errors import KoenError
from mt.memory import TranslationMemory
from mt.textio import atomic_writer, check_writable, refuse_same_file

from ..archive import RECORDS_FILE
from ..archive.review import default_editor, memory_path, read_records
from ..exchange import export_memory, import_tmx

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Export and import the translation memory (TMX for CAT tools, TSV).")


def _memory_file(place: str, must_exist: bool) -> Path:
    """An archive job's OUTDIR (its translation-memory.sqlite) or a memory file."""
    path = memory_path(place) if Path(place).is_dir() else Path(place)
    if must_exist and not path.is_file():
        raise KoenError(f"{place}: no translation memory there")
    return path


@app.command("init")
def init_command(
    path: Path = typer.Argument(..., metavar="FILE", help="The new memory file (SQLite)."),
) -> None:
    """Create an empty translation memory (`koen translate --memory` and `koen memory import` use
    only memories that exist, so that a mistyped path is an error, not a new empty store)."""
    if path.exists() or path.is_symlink():
        raise KoenError(f"{path}: already exists; not replaced")
    check_writable(path)
    TranslationMemory(path).close()
    typer.echo(f"koen: created {path} (an empty translation memory)", err=True)


@app.command("export")
def export_command(
    source: str = typer.Argument(..., metavar="OUTDIR|FILE", help="An archive job's output folder or a memory file."),
    fmt: str = typer.Option("tmx", "--format", help="tmx | tsv"),
    output: str = typer.Option(..., "-o", "--output", help="File to write (atomically)."),
) -> None:
    """Write human and machine entries, with origin, editor or model, confidence and dates."""
    if fmt not in ("tmx", "tsv"):
        raise KoenError(f"--format {fmt}: expected tmx or tsv")
    check_writable(output)
    path = _memory_file(source, must_exist=True)
    refuse_same_file(output, path)
    # From an OUTDIR the job's records give the Korean as written and the machine units.
    rows = read_records(source) if (Path(source) / RECORDS_FILE).is_file() else None
    memory = TranslationMemory.read_only(path)
    try:
        data, left_out = export_memory(memory, fmt, rows)
    finally:
        memory.close()
    write_exchange(output, data, left_out)


def write_exchange(output: str | Path, data: bytes, left_out: list[str]) -> None:
    """An exchange file written atomically, then what it could not carry, one warning line each."""
    with atomic_writer(output, "wb") as handle:
        handle.write(data)
    for reason in left_out:
        typer.echo(f"koen: warning: {for_terminal(reason)}", err=True)
    typer.echo(f"koen: wrote {output}", err=True)


@app.command("import")
def import_command(
    tmx_file: Path = typer.Argument(..., metavar="FILE.tmx", help="A TMX file (Korean and English by xml:lang)."),
    memory: str = typer.Option(..., "--memory", help="An archive job's output folder or a memory file."),
    editor: Optional[str] = typer.Option(None, "--editor", help="Editor for units without an x-editor property "
                                         "(default: the OS user)."),
) -> None:
    """Add the file's translation units as human translations (they win over the model)."""
    if not tmx_file.is_file():
        raise KoenError(f"{tmx_file}: no such TMX file")
    tm = TranslationMemory(_memory_file(memory, must_exist=True), create=False)
    try:
        imported, skipped = import_tmx(tm, tmx_file, editor or default_editor())
    finally:
        tm.close()
    for reason in skipped:
        typer.echo(f"koen: warning: {for_terminal(reason)}", err=True)
    typer.echo(f"koen: {imported} human translation(s) imported, {len(skipped)} skipped", err=True)
