"""HTML pages: text nodes and the attributes meant for people, rewritten in the page's own bytes.

The page is tokenised by the standard library's ``html.parser`` (it reports where each tag, text
and entity starts), never re-serialised: a translated block replaces exactly its own stretch of
the source and every other byte stays as it was. A *block* is the text between block-level tags
(``p``, ``li``, ``td``, ``h1``…); inline elements inside it (``b``, ``a``, ``span``…) are pairs
of markers and their tags are written back exactly as they were, around the English they belong
to. ``<br>``, ``<img>``, comments and entities that stand for a line break are standalone
markers. ``alt``, ``title``, ``placeholder`` and ``aria-label`` values are lines of their own.

Never touched: ``script``, ``style``, ``template``, ``textarea``, anything marked
``translate="no"`` or ``class="notranslate"`` (inside a sentence such an element is a standalone
marker: kept byte for byte, moved to the nearest word edge).
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Sequence

from .. import inline
from ..errors import KoenError
from .base import LineBuilder, check_count, tokens

INLINE = frozenset("a abbr b bdi bdo big cite code data dfn em font i kbd label mark nobr q rp rt ruby s samp "
                   "small span strike strong sub sup time tt u var del ins".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
INLINE_VOID = frozenset("br img wbr input".split())
RAW = frozenset("script style template textarea".split())
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
_ATTRIBUTE_RE = re.compile(r"""(\s(?:alt|title|placeholder|aria-label)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""",
                           re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass
class _Event:
    kind: str                 # start, end, startend, text, other
    tag: str
    start: int
    end: int
    attrs: dict = field(default_factory=dict)
    text: str = ""            # decoded text of a text event


class _Tokenizer(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.source = text
        # html.parser counts lines by "\n" alone (a CR is a column like any other character).
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.events: list[_Event] = []

    def _at(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _add(self, kind: str, tag: str = "", attrs=None, text: str = "") -> None:
        self.events.append(_Event(kind, tag, self._at(), -1, dict(attrs or []), text))

    def handle_starttag(self, tag, attrs):
        self._add("startend" if tag in VOID else "start", tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._add("startend", tag, attrs)

    def handle_endtag(self, tag):
        self._add("end", tag)

    def handle_data(self, data):
        self._add("text", text=data)

    def handle_entityref(self, name):
        self._add("text", text=html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self._add("text", text=html.unescape(f"&#{name};"))

    def handle_comment(self, data):
        self._add("other")

    def handle_decl(self, decl):
        self._add("other")

    def handle_pi(self, data):
        self._add("other")

    def unknown_decl(self, data):
        self._add("other")

    def run(self) -> list[_Event]:
        self.feed(self.source)
        self.close()
        for event, following in zip(self.events, self.events[1:] + [None]):
            event.end = following.start if following is not None else len(self.source)
        return self.events


def _skipped(event: _Event) -> bool:
    classes = (event.attrs.get("class") or "").split()
    return event.tag in RAW or (event.attrs.get("translate") or "").strip().lower() == "no" or "notranslate" in classes


@dataclass
class _Block:
    start: int
    end: int
    line: str
    payloads: list            # ["raw", first, last event] or ["pair", start tag event, end tag event]


@dataclass
class _Attribute:
    event: int
    start: int                # the value's stretch in the source (quotes included)
    end: int
    quote: str
    line: str


class _Page:
    def __init__(self, text: str):
        self.text = text
        self.events = _Tokenizer(text).run()
        self.blocks: list[_Block] = []
        self.attributes: list[_Attribute] = []
        self._read()

    def lines(self) -> list[str]:
        return [b.line for b in self.blocks] + [a.line for a in self.attributes]

    def _subtree_end(self, index: int) -> int:
        """Index of the event closing the element opened at ``index`` (or the last event)."""
        tag, depth = self.events[index].tag, 0
        for position in range(index, len(self.events)):
            event = self.events[position]
            if event.kind == "start" and event.tag == tag:
                depth += 1
            elif event.kind == "end" and event.tag == tag:
                depth -= 1
                if depth == 0:
                    return position
        return len(self.events) - 1

    def _read(self) -> None:
        builder, first, last, open_pairs = LineBuilder(), None, None, []

        def finish() -> None:
            nonlocal builder, first, last, open_pairs
            for number, _ in reversed(open_pairs):      # a pair left open at the block's end: a plain tag
                builder.parts[builder.parts.index(inline.opening(number))] = inline.standalone(number)
                builder.payloads[number] = ["raw", builder.payloads[number][1], builder.payloads[number][1]]
            if first is not None and builder.has_text and any(c.isalpha() for c in builder.line()):
                start, end = self.events[first].start, self.events[last].end
                self.blocks.append(_Block(start, end, builder.line(), builder.payloads))
            builder, first, last, open_pairs = LineBuilder(), None, None, []

        index = 0
        while index < len(self.events):
            event = self.events[index]
            if event.kind in ("start", "startend") and not _skipped(event):
                self._read_attributes(index)
            if event.kind == "start" and _skipped(event):
                end = self._subtree_end(index)
                if event.tag in INLINE and first is not None:
                    builder.empty(["raw", index, end])
                    last = end
                else:
                    finish()
                index = end + 1
                continue
            if event.kind == "text" or (event.kind == "other" and first is not None):
                if first is None:
                    if not event.text.strip():
                        index += 1
                        continue
                    first = index
                if event.kind == "text":
                    builder.text(event.text)
                else:
                    builder.empty(["raw", index, index])
                last = index
            elif event.tag in INLINE_VOID and event.kind in ("start", "startend") and first is not None:
                builder.empty(["raw", index, index])
                last = index
            elif event.tag in INLINE and event.kind == "start":
                if first is None:
                    first = index
                open_pairs.append((builder.open(["pair", index, None]), event.tag))
                last = index
            elif event.tag in INLINE and event.kind == "end" and open_pairs and open_pairs[-1][1] == event.tag:
                number = open_pairs.pop()[0]
                builder.payloads[number][2] = index
                builder.close(number)
                last = index
            elif event.tag in INLINE and event.kind == "end" and first is not None:
                builder.empty(["raw", index, index])   # a stray end tag inside the block
                last = index
            else:
                finish()
            index += 1
        finish()

    def _read_attributes(self, index: int) -> None:
        event = self.events[index]
        raw = self.text[event.start:event.end]
        for match in _ATTRIBUTE_RE.finditer(raw):
            value = match.group(2)
            quote = value[0] if value[0] in "\"'" else ""
            inner = value[1:-1] if quote else value
            decoded = html.unescape(inner)
            if not any(c.isalpha() for c in decoded):
                continue
            builder = LineBuilder()
            builder.text(decoded)
            self.attributes.append(_Attribute(index, event.start + match.start(2), event.start + match.end(2),
                                              quote, builder.line()))

    # -- rebuild ---------------------------------------------------------------------------------

    def rebuild(self, translations: Sequence[str]) -> str:
        blocks, attributes = translations[:len(self.blocks)], translations[len(self.blocks):]
        new_values = {}
        for attribute, english in zip(self.attributes, attributes):
            if english != attribute.line:
                text = "".join(t.value for t in tokens(english, []))
                quote = attribute.quote or '"'
                new_values[(attribute.start, attribute.end)] = quote + html.escape(text, quote=True) + quote
        edits, inside = [], set()
        for block, english in zip(self.blocks, blocks):
            if english == block.line:
                continue
            inside.update(range(block.start, block.end))
            edits.append((block.start, block.end, self._block_text(block, english, new_values)))
        for (start, end), value in new_values.items():
            if start not in inside:
                edits.append((start, end, value))
        out, position = [], 0
        for start, end, value in sorted(edits):
            out.append(self.text[position:start])
            out.append(value)
            position = end
        out.append(self.text[position:])
        return "".join(out)

    def _raw(self, first: int, last: int, new_values: dict) -> str:
        start, end = self.events[first].start, self.events[last].end
        raw = self.text[start:end]
        for (value_start, value_end), value in sorted(new_values.items(), reverse=True):
            if start <= value_start and value_end <= end:
                raw = raw[:value_start - start] + value + raw[value_end - start:]
        return raw

    def _block_text(self, block: _Block, english: str, new_values: dict) -> str:
        out = []
        for token in tokens(english, block.payloads):
            if token.kind == "text":
                out.append(html.escape(token.value, quote=False))
            elif token.kind == "close":
                out.append(self._raw(token.value[2], token.value[2], new_values))
            else:
                out.append(self._raw(token.value[1], token.value[2 if token.kind == "empty" else 1], new_values))
        return "".join(out)


def _decode(data: bytes, path: str) -> tuple[str, str, bytes]:
    """(text, codec, BOM): a BOM, else the page's meta charset, else UTF-8."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body, declared = data[len(bom):], codec
            break
    else:
        bom, body = b"", data
        found = _META_CHARSET_RE.search(data[:4096])
        declared = found.group(1).decode("ascii").lower() if found else "utf-8"
    try:
        codecs.lookup(declared)
    except LookupError:
        raise KoenError(f"{path}: unknown charset {declared!r} in the page's meta tag") from None
    try:
        return body.decode(declared), declared, bom
    except UnicodeDecodeError as exc:
        raise KoenError(f"{path}: not valid {declared} at byte {exc.start + len(bom)}") from None


class HtmlFormat:
    name = "html"
    suffixes = (".html", ".htm", ".xhtml")

    def extract(self, data: bytes, path: str) -> list[str]:
        text, _, _ = _decode(data, path)
        return _Page(text).lines()

    def rebuild(self, data: bytes, path: str, translations: Sequence[str],
                flagged: Sequence[bool] | None = None) -> bytes:
        text, codec, bom = _decode(data, path)
        page = _Page(text)
        check_count(path, page.lines(), translations)
        out = page.rebuild(translations)
        try:
            return bom + out.encode(codec, errors="xmlcharrefreplace")
        except UnicodeEncodeError:       # utf-16 etc. have no xmlcharrefreplace problem; kept for safety
            raise KoenError(f"{path}: the translation cannot be written in the page's charset {codec}") from None
