"""Command-line options shared by several commands, declared once so that a flag means the same
thing everywhere (``-m`` is always ``--model``)."""

from __future__ import annotations

import datetime
import enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from glossary.termbase import default_glossary_path
from mt.backends.checkpoint import DEFAULT_MODEL
from mt.errors import KoenError

__all__ = ["DEFAULT_MODEL", "Model", "BackendName", "Device", "DeviceOption", "BatchSize", "BeamSize", "Dtype",
           "ComputeType", "Glossary", "EditedGlossary", "DateOption", "EXIT_UNTRANSLATED", "edited_path", "parse_date",
           "resolve_glossary"]


class Device(str, enum.Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


def parse_date(value: Optional[str], option: str = "--date") -> Optional[datetime.date]:
    if value is None or value == "":
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise KoenError(f"{option} {value}: expected YYYY-MM-DD") from None


def resolve_glossary(value: Optional[str]) -> Optional[str]:
    """``--glossary``: a TSV path, ``none`` to enforce no glossary; default the bundled starter glossary
    (read only: commands that edit a glossary take an explicit path)."""
    if value is not None and value.lower() == "none":
        return None
    if value is None:
        return str(default_glossary_path())
    if Path(value).is_dir():
        raise KoenError(f"{value}: is a folder; --glossary takes a glossary file")
    if not Path(value).exists():
        raise KoenError(f"{value}: no such glossary file")
    return value


def edited_path(glossary: Optional[Path]) -> Path:
    """The glossary a command writes to: named explicitly, never the copy inside the installed package."""
    if glossary is None:
        raise KoenError("name the glossary to edit with -g FILE or $KOEN_GLOSSARY (the bundled starter glossary "
                        "is read-only; `koen glossary init FILE --from-starter` makes an editable copy)")
    if glossary.resolve() == default_glossary_path().resolve():
        raise KoenError(f"{glossary}: is the starter glossary inside the installed package; edit a copy "
                        f"(`koen glossary init FILE --from-starter`)")
    return glossary


Model = Annotated[str, typer.Option("--model", "-m", metavar="ID|DIR", help="Hub id or local checkpoint directory.")]
BackendName = Annotated[str, typer.Option("--backend", metavar="NAME", help=" | ".join(
    ["transformers", "ctranslate2", "romanize", "none (no model: glossary and editors' translations only)"]))]
# Exit status when the output still holds Korean no backend translated (``--backend none``).
EXIT_UNTRANSLATED = 3
DeviceOption = Annotated[Device, typer.Option("--device", help="auto picks CUDA when present.")]
BatchSize = Annotated[int, typer.Option("--batch-size", min=1, help="Model inputs per batch.")]
# Wider beams buy nothing for MT and a beam of thousands exhausts memory (std::bad_alloc).
MAX_BEAM_SIZE = 64
BeamSize = Annotated[int, typer.Option("--beam-size", min=1, max=MAX_BEAM_SIZE,
                                       help=f"Beam width (1 = greedy, at most {MAX_BEAM_SIZE}).")]
Dtype = Annotated[str, typer.Option("--dtype", metavar="DTYPE", help="transformers: auto (fp16 on CUDA) | float32 | float16 | bfloat16")]
ComputeType = Annotated[str, typer.Option("--compute-type", metavar="TYPE", help="ctranslate2: default | int8 | float16 | ...")]
Glossary = Annotated[Optional[str], typer.Option(
    "--glossary", "-g", metavar="FILE|none", help="Glossary to enforce (TSV; default: the starter glossary; 'none' to disable).")]
EditedGlossary = Annotated[Optional[Path], typer.Option(
    "--glossary", "-g", envvar="KOEN_GLOSSARY", metavar="FILE",
    help="Glossary TSV file to edit (or $KOEN_GLOSSARY); the bundled starter glossary is never edited.")]
DateOption = Annotated[Optional[str], typer.Option(
    "--date", metavar="YYYY-MM-DD", help="Document date YYYY-MM-DD: selects dated glossary entries.")]

