"""What every document format implements, and the line builder they share.

A format turns a document into *lines*, one per paragraph (or table cell, note, text box
paragraph, HTML block, XLIFF unit), in document order. Formatting runs, links, fields and inline
codes inside a paragraph become markers (``mt.inline``) that the pipeline carries to the English.
Rebuilding writes each translated line back into its own place and leaves every other byte as
it was: paragraphs whose translation equals their source are not touched, and a package's
members that hold none are copied as they are.

Both functions are pure: ``rebuild`` reads the document again and finds the same lines in the
same order, so the archive job can scan a folder, translate, and render much later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from .. import inline
from ..errors import KoenError

# The characters str.splitlines cuts at: inside a paragraph they become standalone markers, so one
# paragraph stays one line through the pipeline and the archive job.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


class DocumentFormat(Protocol):
    name: str
    suffixes: tuple[str, ...]

    def extract(self, data: bytes, path: str) -> list[str]:
        """The document's lines to translate, markers inline; KoenError when it cannot be read."""

    def rebuild(self, data: bytes, path: str, translations: Sequence[str],
                flagged: Sequence[bool] | None = None) -> bytes:
        """The document with line i replaced by ``translations[i]`` (same markers); ``flagged``
        says which lines koen doubts (formats with a review state, XLIFF, record it)."""


@dataclass(frozen=True)
class Literal:
    """A character a line cannot hold as it is (a line break, a marker code point)."""

    char: str


class LineBuilder:
    """Builds one line: text, pairs and standalone objects; ``payloads[n]`` is marker n's object."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.payloads: list[Any] = []
        self.has_text = False

    def text(self, text: str) -> None:
        for char in text:
            if char in LINE_BREAKS or inline.MARKER_RE.match(char):
                self.empty(Literal(char))
            else:
                self.parts.append(char)
                self.has_text = True

    def _number(self, payload: Any) -> int:
        if len(self.payloads) >= inline.MAX_MARKERS:
            raise KoenError("a paragraph holds more inline tags than koen can carry")
        self.payloads.append(payload)
        return len(self.payloads) - 1

    def open(self, payload: Any) -> int:
        number = self._number(payload)
        self.parts.append(inline.opening(number))
        return number

    def close(self, number: int) -> None:
        self.parts.append(inline.closing(number))

    def empty(self, payload: Any) -> None:
        self.parts.append(inline.standalone(self._number(payload)))

    def line(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Token:
    kind: str            # "text", "open", "close", "empty"
    value: Any           # the text, or the marker's payload


def tokens(line: str, payloads: Sequence[Any]) -> list[Token]:
    """A (translated) line as tokens; literal characters are text again, adjacent text joined."""
    out: list[Token] = []

    def add_text(text: str) -> None:
        if out and out[-1].kind == "text":
            out[-1] = Token("text", out[-1].value + text)
        elif text:
            out.append(Token("text", text))

    position = 0
    for match in inline.MARKER_RE.finditer(line):
        add_text(line[position:match.start()])
        position = match.end()
        number, kind = inline.decode(match.group())
        if number >= len(payloads):
            raise KoenError(f"a translated line holds an inline tag ({number}) its source did not")
        payload = payloads[number]
        if isinstance(payload, Literal):
            add_text(payload.char)
        else:
            out.append(Token(("open", "close", "empty")[kind], payload))
    add_text(line[position:])
    return out


def check_count(path: str, lines: Sequence[str], translations: Sequence[str]) -> None:
    if len(lines) != len(translations):
        raise KoenError(f"{path}: {len(translations)} translated lines for the document's {len(lines)}")
