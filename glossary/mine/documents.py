"""The archive as documents for mining: id, date, title and text units, read by mt.archive's readers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from mt.archive.base import require_records
from mt.archive.readers import open_reader


@dataclass(frozen=True)
class TextUnit:
    line: int
    text: str

@dataclass
class Document:
    id: str
    date: Optional[datetime.date]
    title: str
    units: list[TextUnit]

def read_documents(path: str | Path, format: str = "auto", skip_bad: bool = False, warn=None) -> list[Document]:
    """The archive's documents, read by ``mt.archive``'s readers (listing, JSONL, folder, datasets).

    A bad record stops the mining with its location unless ``skip_bad``, as in ``koen archive``.
    """

    p = Path(path)
    scan = open_reader(p, format).scan()
    require_records(scan, str(p), skip_bad, warn or (lambda message: None))
    documents = []
    for record in scan.records:
        lines = record.meta.get("lines") or {}
        first = lines.get("title")
        doc_id = f"{p.name}:{first}" if first else f"{p.name}#{record.id}"
        units = [TextUnit(lines.get(name, 0), text) for name, text in record.fields.items() if text]
        documents.append(Document(doc_id, record.date, record.fields.get("title", "").strip(), units))
    return documents