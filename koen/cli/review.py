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

from mt.textio import check_writable, refuse_same_file

from .. import xliff
from ..archive import RECORDS_FILE, approval, calibrate, review as loop
from ..exchange import export_memory
from .memory import write_exchange
from .options import EditedGlossary
from .serve import REVIEW_PORT, NoTokenOption, serve_command as serve_workbench

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Review flagged machine translations of an archive job; approved English is reused by reruns.")

OutdirArgument = typer.Argument(..., help="An archive job's output folder (koen archive translate INPUT OUTDIR).")
MemoryOption = typer.Option(None, "--memory", help="Translation memory file (default OUTDIR/translation-memory.sqlite).")
EditorOption = typer.Option(None, "--editor", help="Who decides (default: the OS user).")
RevisionOption = typer.Option(None, "--revision", min=0, help="The span's review revision you saw (`review list "
                              "--all --json`); needed to replace another editor's decision.")


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
    order: str = typer.Option("doubt", "--order", help="doubt (most doubtful first, ties in document order) | document"),
    memory: Optional[str] = MemoryOption,
) -> None:
    """The flagged spans, most doubtful first: id, source line with the span marked, machine English,
    reasons and confidence."""
    if order not in loop.ORDERS:
        raise KoenError(f"--order {order}: expected doubt or document")
    tm = open_memory(outdir, memory, write=False)
    try:
        items = loop.queue(_items(outdir, tm, threshold), include_reviewed, order)
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
    pending = sum(1 for item in items if item.state == "unreviewed")
    done = f", {len(items) - pending} already reviewed" if len(items) > pending else ""
    typer.echo(f"koen: {pending} span(s) to review{done}", err=True)


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
    revision: Optional[int] = RevisionOption,
    override: Optional[str] = typer.Option(None, "--override", metavar="REASON",
                                           help="Approve although the checks (terms, numbers, kept English) fail; "
                                                "the reason is recorded."),
    memory: Optional[str] = MemoryOption,
) -> None:
    """Record a human translation for the span, checked like machine output; every rerun of the
    job uses it."""
    with _flagged_span(outdir, memory, span) as (tm, item):
        review = loop.approve(tm, item, english, editor, revision, override)
    typer.echo(f"koen: approved {item.id} by {review.editor}: {review.english!r} ({len(item.occurrences)} "
               f"occurrence(s)); rerun `koen archive translate` on {outdir} to re-render them", err=True)


@app.command("reject")
def reject_command(
    outdir: str = OutdirArgument,
    span: str = typer.Argument(..., metavar="ID", help="The span's id from `koen review list`."),
    editor: Optional[str] = EditorOption,
    revision: Optional[int] = RevisionOption,
    memory: Optional[str] = MemoryOption,
) -> None:
    """Mark the span reviewed, keeping the machine English."""
    with _flagged_span(outdir, memory, span) as (tm, item):
        review = loop.reject(tm, item, editor, revision)
    typer.echo(f"koen: {item.id} reviewed by {review.editor}: machine English kept", err=True)


@app.command("history")
def history_command(
    outdir: str = OutdirArgument,
    span: str = typer.Argument(..., metavar="ID", help="The span's id from `koen review list`."),
    as_json: bool = typer.Option(False, "--json", help='Print {"history": [...]} instead of text.'),
    memory: Optional[str] = MemoryOption,
) -> None:
    """Every decision on the span, oldest first: revision, who, when, the English and the one it replaced."""
    with _flagged_span(outdir, memory, span) as (tm, item):
        chain = approval.history(tm, item.korean)
    if as_json:
        typer.echo(json.dumps({"id": item.id, "korean": item.korean, "history": [vars(e) for e in chain]},
                              ensure_ascii=False, indent=1))
        return
    typer.echo(f"{item.id}  {for_terminal(item.korean)}")
    for entry in chain:
        what = repr(entry.english) if entry.english is not None else "machine English kept"
        typer.echo(f"  r{entry.revision} {entry.at} {for_terminal(entry.editor)} {entry.state}: "
                   f"{for_terminal(what)}")
        if entry.replaced:
            typer.echo(f"      replaced {for_terminal(repr(entry.replaced))}")
        if entry.override:
            typer.echo(f"      override: {for_terminal(entry.override)}")
    if not chain:
        typer.echo("  no decisions yet")


@app.command("calibrate")
def calibrate_command(
    outdir: str = OutdirArgument,
    threshold: float = typer.Option(loop.DEFAULT_THRESHOLD, "--threshold", help="The threshold to assess."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
    memory: Optional[str] = MemoryOption,
) -> None:
    """Precision and recall of "flagged" at the threshold, from editors' decisions (approved with
    changes = should have been flagged; kept = should not), and the threshold they suggest."""
    tm = open_memory(outdir, memory)
    try:
        decided = calibrate.decisions(_items(outdir, tm, threshold))
    finally:
        tm.close()
    current, best = calibrate.score(decided, threshold), calibrate.suggest(decided, threshold)
    enough = len(decided) >= calibrate.MIN_DECISIONS
    if as_json:
        typer.echo(json.dumps({"decisions": len(decided), "changed": sum(d.changed for d in decided),
                               "enough": enough, "current": vars(current), "suggested": vars(best)}, indent=1))
        return

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.0f}%"

    typer.echo(f"{len(decided)} decided span(s), {sum(d.changed for d in decided)} approved with changes")
    typer.echo(f"threshold {threshold:g}: {current.flagged} flagged, precision {pct(current.precision)}, "
               f"recall {pct(current.recall)}")
    typer.echo(f"suggested {best.threshold:.2f}: {best.flagged} flagged, precision {pct(best.precision)}, "
               f"recall {pct(best.recall)}")
    if not enough:
        typer.echo(f"koen: warning: only {len(decided)} decisions; calibrate again after "
                   f"{calibrate.MIN_DECISIONS} or more", err=True)


@app.command("export")
def export_command(
    outdir: str = OutdirArgument,
    fmt: str = typer.Option("xliff", "--format", help="xliff (the job's segments) | tmx (the memory, in CAT terms)"),
    version: str = typer.Option("1.2", "--xliff-version", help="XLIFF 1.2 or 2.1"),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="File to write (atomically); default "
                                         "OUTDIR/review.xlf or OUTDIR/review.tmx."),
    threshold: float = typer.Option(loop.DEFAULT_THRESHOLD, "--threshold", help="As for `koen review list`."),
    memory: Optional[str] = MemoryOption,
) -> None:
    """Write the job's segments for a CAT tool: Korean sources, koen's English as targets, states
    from the review and the flags as notes (XLIFF); or the memory as TMX."""
    if fmt not in ("xliff", "tmx"):
        raise KoenError(f"--format {fmt}: expected xliff or tmx")
    if version not in xliff.VERSIONS:
        raise KoenError(f"--xliff-version {version}: expected 1.2 or 2.1")
    target = Path(output) if output else Path(outdir) / ("review.xlf" if fmt == "xliff" else "review.tmx")
    check_writable(target)
    refuse_same_file(target, loop.memory_path(outdir, memory), Path(outdir) / RECORDS_FILE)
    tm = open_memory(outdir, memory, write=False)
    try:
        rows = loop.read_records(outdir)
        if fmt == "xliff":
            items = sorted(loop.collect(rows, tm, threshold).values(), key=lambda item: item.position)
            data, left_out = xliff.export_xliff(items, version, str(Path(outdir).resolve())), []
        else:
            data, left_out = export_memory(tm, "tmx", rows)
    finally:
        tm.close()
    write_exchange(target, data, left_out)


@app.command("import")
def import_command(
    xliff_file: Path = typer.Argument(..., metavar="FILE.xlf", help="An XLIFF file made by `koen review export`, "
                                      "edited in a CAT tool."),
    outdir: Optional[str] = typer.Argument(None, help="The job's OUTDIR (default: the one the file names)."),
    editor: Optional[str] = EditorOption,
    memory: Optional[str] = MemoryOption,
) -> None:
    """Bring edited targets back as human translations, checked and recorded like `review approve`."""
    original, units = xliff.read_xliff(xliff_file)
    outdir = outdir or original
    if not outdir:
        raise KoenError(f"{xliff_file}: names no job folder; pass the OUTDIR")
    tm = open_memory(outdir, memory)
    try:
        approved, kept, problems = xliff.import_xliff(tm, _items(outdir, tm, loop.DEFAULT_THRESHOLD), units,
                                                      editor or loop.default_editor(), xliff_file)
    finally:
        tm.close()
    for problem in problems:
        typer.echo(f"koen: warning: {for_terminal(problem)}", err=True)
    typer.echo(f"koen: {approved} approved, {kept} kept as machine English, {len(problems)} refused "
               f"(of {len(units)} units); rerun `koen archive translate` on {outdir} to re-render", err=True)
    if problems:
        raise typer.Exit(1)


@app.command("serve")
def serve_command(
    outdir: str = OutdirArgument,
    glossary: EditedGlossary = None,
    memory: Optional[str] = MemoryOption,
    threshold: float = typer.Option(loop.DEFAULT_THRESHOLD, "--threshold", help="As for `koen review list`."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(REVIEW_PORT, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    no_token: bool = NoTokenOption,
) -> None:
    """Serve the workbench with its Review grid over OUTDIR (-g FILE also lets editors add terms)."""
    open_memory(outdir, memory, write=False).close()
    serve_workbench(glossary=glossary, archive=None, host=host, port=port, no_token=no_token, model=None,
                    backend=None, archive_output=Path(outdir), memory=Path(memory) if memory else None,
                    threshold=threshold)
