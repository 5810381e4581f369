"""Documents (HWPX, HWP, DOCX, HTML, XLIFF) in a folder archive: one record per file.

A document's record holds one field, ``text``: its lines (``mt.documents``: one per paragraph,
table cell, note, text box paragraph, HTML block or XLIFF unit, inline markup as markers) joined
by line breaks, so the job translates, audits and gives review ids to each line like any other;
rendering writes the translated lines back into the document's own format.
"""

from __future__ import annotations

from pathlib import Path

from ..documents import flagged, format_for, output_name
from ..errors import KoenError
from .base import BadRecord, Record, RenderedFile

FIELD = "text"


def is_document(path: str | Path) -> bool:
    return format_for(path) is not None


def document_record(position: int, relative: str, file: Path, data: bytes) -> Record | BadRecord:
    fmt = format_for(file)
    try:
        lines = fmt.extract(data, str(file))
    except KoenError as exc:
        problem = str(exc).removeprefix(f"{file}: ")
        return BadRecord(position, relative, str(file), problem)
    return Record(position, relative, str(file), {FIELD: "\n".join(lines)}, meta={"format": fmt.name})


def render_document(relative: str, data: bytes, translation: dict[str, str], audits: dict | None) -> RenderedFile:
    """The translated document; ``audits`` (the record's per-line audits, when the job gives them)
    mark the lines koen doubts, for formats that record a review state (XLIFF)."""
    fmt = format_for(relative)
    text = translation[FIELD]
    lines = fmt.extract(data, relative)
    translations = text.split("\n") if lines else []
    doubtful = [False] * len(translations)
    for audit in (audits or {}).get(FIELD, []):
        if 0 < audit["line"] <= len(doubtful):
            doubtful[audit["line"] - 1] = flagged(audit)
    return RenderedFile(output_name(relative), fmt.rebuild(data, relative, translations, doubtful))
