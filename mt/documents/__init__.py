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


__all__ = ["DocumentFormat", "FORMATS", "SUFFIXES", "format_for"]
