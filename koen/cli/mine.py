"""`koen glossary mine`: term candidates from an archive, as candidate glossary rows."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from glossary.mine import MemorySuggestions, candidates_to_text, mine, read_documents
from glossary.termbase import Termbase, default_glossary_path
from mt.errors import KoenError
from mt.textio import refuse_same_file, write_text_atomic

from ..compose import make_backend
from .options import BackendName


def mine_command(
    archive: Path = typer.Argument(..., help="Archive to mine: the press-release listing, JSONL, a folder of .txt/.md, a datasets folder."),
    format: str = typer.Option("auto", "--format", help="auto | listing | jsonl | folder | datasets (as for koen archive)."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Report malformed records and go on without them."),
    glossary: Optional[Path] = typer.Option(None, "--glossary", "-g", help="Glossary whose terms are left out (default: the starter glossary; 'none' for no glossary)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the candidates TSV here (atomically) instead of standard output."),
    min_count: int = typer.Option(1, "--min-count", min=1, help="Leave out phrases seen fewer times."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Keep only the best N candidates."),
    memory: Optional[Path] = typer.Option(None, "--memory", help="Translation memory (SQLite) to suggest English from."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Also suggest the model's translation of each term (hub id or local directory)."),
    backend: BackendName = "transformers",
) -> None:
    """Mine term candidates from an archive, with evidence and suggested English, as candidate rows."""
    refuse_same_file(output, archive, glossary if glossary is not None else default_glossary_path(), memory)
    documents = read_documents(archive, format, skip_bad, lambda message: typer.echo(f"koen: warning: {message}", err=True))
    if not documents:
        raise KoenError(f"{archive}: no text to mine")
    termbase = None
    if glossary is None or str(glossary).lower() != "none":
        termbase = Termbase.load(glossary if glossary is not None else default_glossary_path())
    tm = None
    if memory is not None:
        tm = MemorySuggestions(memory)
        if tm.warning:
            typer.echo(f"koen: warning: {tm.warning}", err=True)
    translate = None
    if model is not None:
        translate = make_backend(model=model, backend=backend).translate
    candidates = mine(documents, termbase, min_count=min_count, limit=limit, memory=tm,
                      model_translate=translate, model_name=model or "")
    text = candidates_to_text(candidates, Path(archive).name)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomic(output, text)
        typer.echo(f"{len(candidates)} candidate(s) from {len(documents)} document(s) written to {output}", err=True)
