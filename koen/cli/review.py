"""`koen review`: the queue of doubtful spans of an archive job, and editors' decisions on them."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Optional

import typer

from mt.controls import for_terminal, json_for_terminal
from mt.errors import KoenError
from mt.memory import TranslationMemory

from ..archive import review as loop
from .options import EditedGlossary
from .serve import serve_command as serve_workbench

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Review flagged machine translations of an archive job; approved English is reused by reruns.")

OutdirArgument = typer.Argument(..., help="An archive job's output folder (koen archive translate INPUT OUTDIR).")
MemoryOption = typer.Option(None, "--memory", help="Translation memory file (default OUTDIR/translation-memory.sqlite).")
EditorOption = typer.Option(None, "--editor", help="Who decides (default: the OS user).")


def open_memory(outdir: str, memory: Optional[str], write: bool = True) -> TranslationMemory:
    """The job's memory: for a decision (``write``) or, read-only, to list (a read-only OUTDIR serves)."""
    path = loop.memory_path(outdir, memory)
    try:
        folder = Path(outdir).is_dir()
    except OSError as exc:
        raise KoenError(f"{outdir}: cannot use as an output folder ({exc.strerror})") from None
    if not folder:
        raise KoenError(f"{outdir}: no such output folder")
    loop.read_records(outdir)          # says how to make one when there is none
    if not path.exists():
        raise KoenError(f"{path}: no translation memory (pass the job's --memory FILE)")
    return TranslationMemory(path, create=False) if write else TranslationMemory.read_only(path)


def _items(outdir: str, memory: TranslationMemory, threshold: float):
    return loop.collect(loop.read_records(outdir), memory, threshold)


@app.command("list")
def list_command(
    outdir: str = OutdirArgument,
    as_json: bool = typer.Option(False, "--json", help='Print {"items": [...]} instead of text.'),
    threshold: float = typer.Option(loop.DEFAULT_THRESHOLD, "--threshold",
                                    help="Flag spans whose confidence (mean token log-probability) is below this."),
    include_reviewed: bool = typer.Option(False, "--all", help="Also list spans already approved or rejected."),
    memory: Optional[str] = MemoryOption,
) -> None:
    """The flagged spans, most doubtful first: id, source line with the span marked, machine English,
    reasons and confidence."""
    tm = open_memory(outdir, memory, write=False)
    try:
        items = loop.queue(_items(outdir, tm, threshold), include_reviewed)
    finally:
        tm.close()
    if as_json:
        typer.echo(json_for_terminal(json.dumps({"items": [item.as_json() for item in items]}, ensure_ascii=False, indent=1)))
        return
    for item in items:
        data = item.as_json()
        confidence = "-" if item.confidence is None else f"{item.confidence:.2f}"
        seen = f", {len(item.occurrences)} occurrences" if len(item.occurrences) > 1 else ""
        state = "" if item.state == "unreviewed" else f" [{item.state}]"
        # Archive text and editors' English reach a terminal: escapes shown, never obeyed.
        typer.echo(for_terminal(f"{item.id}  confidence {confidence}  {', '.join(item.reasons)}  "
                                f"(record {data['record']} {data['field']}:{data['line']}{seen}){state}"))
        typer.echo(f"  ko: {for_terminal(data['marked'])}")
        typer.echo(f"  en: {for_terminal(item.english)}")
    typer.echo(f"koen: {len(items)} span(s) to review", err=True)


@contextlib.contextmanager
def _flagged_span(outdir: str, memory: Optional[str], span: str):
    """The memory (open for the decision) and the flagged span ``span`` of OUTDIR."""
    tm = open_memory(outdir, memory)
    try:
        yield tm, loop.find(_items(outdir, tm, loop.DEFAULT_THRESHOLD), outdir, span)
    finally:
        tm.close()


@app.command("approve")
def approve_command(
    outdir: str = OutdirArgument,
    span: str = typer.Argument(..., metavar="ID", help="The span's id from `koen review list`."),
    english: str = typer.Option(..., "--english", help="The approved English for the whole span."),
    editor: Optional[str] = EditorOption,
    memory: Optional[str] = MemoryOption,
) -> None:
    """Record a human translation for the span; every rerun of the job uses it."""
    with _flagged_span(outdir, memory, span) as (tm, item):
        review = loop.approve(tm, item, english, editor)
    typer.echo(f"koen: approved {item.id} by {review.editor}: {review.english!r} ({len(item.occurrences)} "
               f"occurrence(s)); rerun `koen archive translate` on {outdir} to re-render them", err=True)


@app.command("reject")
def reject_command(
    outdir: str = OutdirArgument,
    span: str = typer.Argument(..., metavar="ID", help="The span's id from `koen review list`."),
    editor: Optional[str] = EditorOption,
    memory: Optional[str] = MemoryOption,
) -> None:
    """Mark the span reviewed, keeping the machine English."""
    with _flagged_span(outdir, memory, span) as (tm, item):
        review = loop.reject(tm, item, editor)
    typer.echo(f"koen: {item.id} reviewed by {review.editor}: machine English kept", err=True)


@app.command("serve")
def serve_command(
    outdir: str = OutdirArgument,
    glossary: EditedGlossary = None,
    memory: Optional[str] = MemoryOption,
    threshold: float = typer.Option(loop.DEFAULT_THRESHOLD, "--threshold", help="As for `koen review list`."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8765, "--port", "-p", min=0, max=65535, help="Port to listen on."),
) -> None:
    """Serve the workbench with its Review page over OUTDIR."""
    open_memory(outdir, memory, write=False).close()
    serve_workbench(glossary=glossary, archive=None, host=host, port=port, model=None, backend=None,
          archive_output=Path(outdir), memory=Path(memory) if memory else None, threshold=threshold)
