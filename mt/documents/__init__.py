"""Documents in, documents out: each format one module behind ``base.DocumentFormat``.

``format_for(path)`` picks the format by the file's suffix; the archive's folder reader and
``koen translate`` use the same table.
"""

from __future__ import annotations

from pathlib import Path

from .base import DocumentFormat
from .docx import DocxFormat
from .html import HtmlFormat
from .hwpx import HwpxFormat
from .xliff import XliffFormat

FORMATS: tuple[DocumentFormat, ...] = (HwpxFormat(), DocxFormat(), HtmlFormat(), XliffFormat())
SUFFIXES: tuple[str, ...] = tuple(suffix for fmt in FORMATS for suffix in fmt.suffixes)


def format_for(path: str | Path) -> DocumentFormat | None:
    suffix = Path(path).suffix.lower()
    return next((fmt for fmt in FORMATS if suffix in fmt.suffixes), None)




def flagged(audit: dict, threshold: float | None = None) -> bool:
    """Whether koen doubts a line (a JSONL audit): a warning, a review flag on one of its spans,
    or (with ``threshold``) a span's confidence below it."""
    if audit.get("warnings"):
        return True
    for span in audit.get("spans", []):
        if span.get("flags"):
            return True
        confidence = span.get("confidence")
        if threshold is not None and confidence is not None and confidence < threshold:
            return True
    return False


def translate_document(fmt: DocumentFormat, data: bytes, path: str, pipeline, date=None,
                       threshold: float | None = None):
    """(the translated document's bytes, one LineResult per line) through ``pipeline``."""
    lines = fmt.extract(data, path)
    results = pipeline.translate_lines(lines, date=date) if lines else []
    translations = [result.translation for result in results]
    return fmt.rebuild(data, path, translations, [flagged(r.audit(), threshold) for r in results]), results


def output_name(path: str) -> str:
    """The rendered file's name: an HWP 5 file is written as HWPX."""
    return str(Path(path).with_suffix(".hwpx")) if Path(path).suffix.lower() == ".hwp" else str(path)

__all__ = ["DocumentFormat", "FORMATS", "SUFFIXES", "XliffFormat", "flagged", "format_for", "output_name", "translate_document"]
