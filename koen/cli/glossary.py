"""`koen glossary ...`: edit, lint, match and exchange the terminology glossary."""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path
from typing import List, Optional

import typer

from mt.controls import for_terminal
from mt.errors import KoenError
from mt.textio import atomic_writer, read_file_bytes, refuse_same_file

from glossary.formats import get_format
from glossary.lint import character_problems, lint_entries, lint_file, refuse_untidy, whitespace_problems
from glossary.match import Matcher
from glossary.matchtest import load_cases, score
from glossary.termbase import KINDS, STATUSES, RowProblem, Termbase, default_glossary_path, escape_korean, parse_row

from .options import EditedGlossary, edited_path, parse_date

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

GlossaryOption = typer.Option(None, "--glossary", "-g", help="Glossary TSV file (default: the starter glossary).")
def _path(glossary: Optional[Path]) -> Path:
    return glossary if glossary is not None else default_glossary_path()


@app.command()
def init(
    path: Path = typer.Argument(..., help="The new glossary file (TSV)."),
    from_starter: bool = typer.Option(False, "--from-starter", help="Start from a copy of the starter glossary."),
) -> None:
    """Create a new glossary file: empty (the header row only) or a copy of the starter glossary."""
    if from_starter:
        if path.exists() or path.is_symlink():
            raise KoenError(f"{path}: already exists; not replaced")
        Termbase.load(default_glossary_path()).save(path)
        typer.echo(f"created {path} from the starter glossary")
    else:
        Termbase.create(path)
        typer.echo(f"created {path} (empty)")


@app.command()
def add(
    korean: str = typer.Argument(..., help="The Korean term."),
    english: str = typer.Argument("", help="The English term (may be empty with --dnt)."),
    alias: List[str] = typer.Option([], "--alias", "-a", help="Another Korean form (repeatable)."),
    kind: str = typer.Option("general", help=f"One of {', '.join(KINDS)}."),
    status: str = typer.Option("approved", help=f"One of {', '.join(STATUSES)}."),
    valid_from: Optional[str] = typer.Option(None, "--from", help="First day the term is valid (YYYY-MM-DD)."),
    valid_to: Optional[str] = typer.Option(None, "--to", help="Last day the term is valid (YYYY-MM-DD)."),
    dnt: bool = typer.Option(False, "--dnt", help="Do not translate: keep the term as written."),
    note: str = typer.Option("", help="Where the term comes from, caveats."),
    force: bool = typer.Option(False, help="Add even if lint finds a problem with the new entry."),
    glossary: EditedGlossary = None,
) -> None:
    """Add an entry; refuses one that lint would flag (duplicate, conflict, claimed alias...)."""

    path = edited_path(glossary)
    termbase = Termbase.load(path)
    cells = [escape_korean(korean), english, "|".join(alias), kind, status, valid_from or "", valid_to or "", "yes" if dnt else "", note]
    unsafe = character_problems(cells)
    if unsafe:
        raise KoenError(f"not added: {'; '.join(unsafe)} (not text: controls, bidi, invisible and line-separator "
                        f"characters are refused in glossary entries)")
    problems: list[RowProblem] = []
    entry = parse_row(cells, 0, problems)
    if problems or entry is None:
        raise KoenError("; ".join(p.message for p in problems))
    added = termbase.add(entry)
    new_findings = whitespace_problems(cells) + [f.message for f in lint_entries(termbase.entries, str(path)) if f.line == 0]
    if new_findings and not force:
        raise KoenError("not added: " + "; ".join(new_findings) + " (use --force to add anyway)", exit_code=1)
    termbase.save(path)
    typer.echo(f"added {added.korean} -> {added.english or '(do not translate)'} to {path}")


@app.command()
def remove(
    korean: str = typer.Argument(..., help="The Korean term to remove."),
    valid_from: Optional[str] = typer.Option(None, "--from", help="Only the entry valid from this date."),
    all_: bool = typer.Option(False, "--all", help="Remove every entry of the term."),
    glossary: EditedGlossary = None,
) -> None:
    """Remove an entry by its Korean term."""
    path = edited_path(glossary)
    termbase = Termbase.load(path)
    start = parse_date(valid_from, "--from")
    matching = [e for e in termbase.entries if e.korean == korean and (start is None or e.valid_from == start)]
    if not matching:
        raise KoenError(f"{path}: no entry {korean!r}" + (f" valid from {start}" if start else ""))
    if len(matching) > 1 and not all_:
        lines = ", ".join(str(e.line) for e in matching)
        raise KoenError(f"{path}: {korean!r} has {len(matching)} entries (lines {lines}); pick one with --from or use --all")
    for entry in matching:
        termbase.remove(entry)
    termbase.save(path)
    typer.echo(f"removed {len(matching)} entr{'y' if len(matching) == 1 else 'ies'} for {korean} from {path}")


@app.command("list")
def list_(
    kind: Optional[str] = typer.Option(None, help="Only this kind."),
    status: Optional[str] = typer.Option(None, help="Only this status."),
    date: Optional[str] = typer.Option(None, help="Only entries valid on this date."),
    glossary: Optional[Path] = GlossaryOption,
) -> None:
    """List entries as `line  korean -> english  [kind, status, dates]`."""
    termbase = Termbase.load(_path(glossary))
    on = parse_date(date, "--date")
    for e in termbase.entries:
        if (kind and e.kind != kind) or (status and e.status != status) or not e.valid_on(on):
            continue
        dates = f", {e.valid_from or '…'}..{e.valid_to or '…'}" if e.valid_from or e.valid_to else ""
        aliases = f" (also {', '.join(e.aliases)})" if e.aliases else ""
        typer.echo(for_terminal(f"{e.line:>5}  {e.korean}{aliases} -> {e.english or '(do not translate)'}  "
                                f"[{e.kind}, {e.status}{dates}]"))


@app.command()
def find(
    text: str = typer.Argument(..., help="A Korean sentence ('-' reads lines from standard input)."),
    date: Optional[str] = typer.Option(None, help="The document's date (YYYY-MM-DD): selects dated entries."),
    status: List[str] = typer.Option(["approved"], "--status", help="Statuses to match (repeatable)."),
    glossary: Optional[Path] = GlossaryOption,
) -> None:
    """Show the glossary terms found in a sentence, with their spans and English."""

    matcher = Matcher(Termbase.load(_path(glossary)), statuses=status)
    on = parse_date(date, "--date")
    lines = sys.stdin.read().splitlines() if text == "-" else [text]
    for number, line in enumerate(lines, start=1):
        hits = matcher.find(line, on)
        prefix = f"{number}: " if len(lines) > 1 else ""
        if not hits:
            typer.echo(f"{prefix}no terms")
        for hit in hits:
            typer.echo(for_terminal(f"{prefix}{hit.start}-{hit.end}\t{hit.surface}\t-> {hit.entry.target}\t"
                                    f"({hit.entry.kind}, line {hit.entry.line})"))


@app.command()
def lint(
    files: List[Path] = typer.Argument(None, help="Glossary files (default: --glossary or the starter glossary)."),
    glossary: Optional[Path] = GlossaryOption,
) -> None:
    """Check glossary files; prints file:line: problem (FILE: clean when there is none), exits 1 when there is any."""

    paths = files or [_path(glossary)]
    findings = []
    for path in paths:
        found = lint_file(path)
        for finding in found:
            typer.echo(str(finding))
        if not found:
            typer.echo(f"{path}: clean")
        findings.extend(found)
    if findings:
        typer.echo(f"{len(findings)} problem(s)", err=True)
        raise typer.Exit(1)


@app.command("import")
def import_(
    source: Path = typer.Argument(..., help="File to import (TSV, CSV, TBX, TMX)."),
    format_: Optional[str] = typer.Option(None, "--format", "-f", help="tsv, csv, tbx or tmx (default: from the suffix)."),
    glossary: EditedGlossary = None,
) -> None:
    """Add the entries of another file that the glossary does not have yet."""

    fmt = get_format(format_, source)
    incoming = fmt.read(read_file_bytes(source, f"a {fmt.name.upper()} file"), str(source))
    refuse_untidy(incoming, str(source))
    path = edited_path(glossary)
    termbase = Termbase.load(path)
    have = {dataclasses.replace(e, line=0) for e in termbase.entries}
    added = 0
    for entry in incoming:
        plain = dataclasses.replace(entry, line=0)
        if plain not in have:
            termbase.add(plain)
            have.add(plain)
            added += 1
    termbase.save(path)
    typer.echo(f"imported {added} new entr{'y' if added == 1 else 'ies'} of {len(incoming)} from {source} into {path}")
    problems = lint_file(path)
    if problems:
        typer.echo(f"warning: the glossary now has {len(problems)} lint problem(s); run `koen glossary lint {path}`", err=True)


@app.command()
def export(
    target: Path = typer.Argument(..., help="File to write ('-' for standard output)."),
    format_: Optional[str] = typer.Option(None, "--format", "-f", help="tsv, csv, tbx or tmx (default: from the suffix)."),
    glossary: Optional[Path] = GlossaryOption,
) -> None:
    """Write the glossary in another format (atomically)."""

    fmt = get_format(format_ or ("tsv" if str(target) == "-" else None), None if str(target) == "-" else target)
    refuse_same_file(target, _path(glossary))
    data = fmt.write(Termbase.load(_path(glossary)).entries)
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        return
    with atomic_writer(target, "wb") as handle:
        handle.write(data)
    typer.echo(f"exported to {target} ({fmt.name})", err=True)


@app.command()
def stats(glossary: Optional[Path] = GlossaryOption) -> None:
    """Counts by kind and status, dated entries, aliases."""
    path = _path(glossary)
    termbase = Termbase.load(path)
    entries = termbase.entries
    typer.echo(f"{path}: {len(entries)} entries, sha256 {termbase.sha256()[:12]}")
    for label, counter in (("status", Counter(e.status for e in entries)), ("kind", Counter(e.kind for e in entries))):
        typer.echo(f"  by {label}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    typer.echo(f"  dated: {sum(1 for e in entries if e.valid_from or e.valid_to)}, aliases: {sum(len(e.aliases) for e in entries)}, do-not-translate: {sum(e.dnt for e in entries)}")


@app.command("check-matching")
def check_matching(
    cases: Path = typer.Argument(..., help="TSV of sentence, date, expected 'surface=English' hits (see glossary/matchtest.py)."),
    glossary: Optional[Path] = GlossaryOption,
) -> None:
    """Score term matching on a test set: precision, recall, every miss; exits 1 below 100%."""

    result = score(Matcher(Termbase.load(_path(glossary))), load_cases(cases))
    for failure in result.failures:
        typer.echo(failure)
    typer.echo(f"precision {result.precision:.4f}  recall {result.recall:.4f}  (hits {result.true_positives}, false {result.false_positives}, missed {result.false_negatives})")
    if result.failures:
        raise typer.Exit(1)


# -- editors' workbench: `mine` and `serve` live in glossary/mine.py and glossary/web/ ------------
from .mine import mine_command  # noqa: E402
from .serve import serve_command  # noqa: E402

app.command("mine")(mine_command)
app.command("serve")(serve_command)
