"""Inline markup over many generated documents, run by hand (never by the test suite):

    python bench/documents.py [--documents 40] [--paragraphs 6]

Builds HWPX, DOCX, HTML and XLIFF 1.2 documents with tests/document_factory.py (FLORES Korean
sentences cut at random characters into bold, italic and link stretches, plus English runs),
translates them with the romanize backend and prints per format: lines, tag integrity (lines
whose tags are intact / all lines with tags), formatted stretches that kept English words, Korean
left anywhere, HWPX packages failing python-hwpx's validation, and seconds per document.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from document_factory import (docx_bytes, has_hangul, html_bytes, hwpx_bytes, korean_paragraphs,  # noqa: E402
                              wrapped, xliff12_bytes)

from mt import inline  # noqa: E402
from mt.backends import load_backend  # noqa: E402
from mt.documents import format_for, translate_document  # noqa: E402
from mt.documents.hwpx import validate  # noqa: E402
from mt.pipeline import Pipeline  # noqa: E402


def stretches(source: str, translation: str) -> tuple[int, int]:
    """(pairs that wrapped words in the source, of which wrapping words in the translation)."""
    before, after = wrapped(source), wrapped(translation)
    worded = [n for n, text in before.items() if any(c.isalnum() for c in text)]
    return len(worded), sum(1 for n in worded if after.get(n, "").strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--paragraphs", type=int, default=6)
    args = parser.parse_args()
    pipeline = Pipeline(load_backend("romanize"))
    builders = {"press.hwpx": hwpx_bytes, "press.docx": docx_bytes, "press.html": html_bytes, "press.xlf": xliff12_bytes}
    for name, build in builders.items():
        lines = tagged = intact = worded = kept = korean = invalid = 0
        began = time.perf_counter()
        for seed in range(1000, 1000 + args.documents):
            out, results = translate_document(format_for(name), build(korean_paragraphs(seed, args.paragraphs)), name,
                                              pipeline)
            for result in results:
                lines += 1
                if inline.has_markers(result.source):
                    tagged += 1
                    intact += inline.integrity(result.source, result.translation) is None
                korean += has_hangul(result.translation)
                counted = stretches(result.source, result.translation)
                worded, kept = worded + counted[0], kept + counted[1]
            if name.endswith(".hwpx"):
                invalid += bool(validate(out))
        seconds = (time.perf_counter() - began) / args.documents
        print(f"{name.split('.')[1]:5}  lines {lines:4}  tag integrity {intact}/{tagged} = {intact / max(tagged, 1):.1%}  "
              f"formatted stretches with English {kept}/{worded} = {kept / max(worded, 1):.1%}  "
              f"lines with Korean left {korean}  invalid packages {invalid}  {seconds:.2f} s/document")


if __name__ == "__main__":
    main()
