"""The listing format of the press-release archive (examples/FORMAT.md).

An optional breadcrumb line (``Home/Policy/Report``), then records separated by blank lines:
a title line, a date line (``2025-07-11T11:14:02+09:002025.07.11|Report|``: publication time,
release date, category) and one body paragraph. The release date selects dated glossary entries.
The rendered output is the same file with each title and body line replaced by its translation;
every other byte (breadcrumb, date lines, blank lines, line endings) is kept.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from ..errors import KoenError
from ..textio import read_file_bytes
from .base import BadRecord, Record, RenderedFile, Scan, decode_line, sha256_chunks, split_lines

_DATE_LINE_START = re.compile(r"\s*\d{4}-\d{2}-\d{2}T\d")
_DATE_LINE = re.compile(r"\s*(?P<published>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:?\d{2}|Z)?)"
                        r"(?P<date>\d{4}\.\d{2}\.\d{2})\|(?P<category>[^|]*)\|\s*")
_BREADCRUMB = re.compile(r"\s*[^\s/]+(?:/[^\s/]+)+\s*")
EXAMPLE_DATE_LINE = "2025-07-11T11:14:02+09:002025.07.11|Report|"


def _snippet(text: str, width: int = 40) -> str:
    text = text.strip()
    return repr(text if len(text) <= width else text[:width - 1] + "…")


class ListingReader:
    name = "listing"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._raw: list[bytes] = []
        self._bom = b""
        self._lines: dict[int, dict[str, int]] = {}

    def describe(self) -> dict:
        return {"format": self.name, "input": self.path.name}

    def scan(self) -> Scan:
        data = read_file_bytes(self.path)
        fingerprint = sha256_chunks([data])
        if data.startswith(b"\xef\xbb\xbf"):
            self._bom, data = data[:3], data[3:]
        if not data.strip():
            raise KoenError(f"{self.path}: empty file: no records (expected title, date line and body per record)")
        self._raw = split_lines(data)
        decoded = [decode_line(raw) for raw in self._raw]
        texts = [text.rstrip("\r\n") for text, _ in decoded]
        problems = {i: problem for i, (_, problem) in enumerate(decoded) if problem}
        content = [i for i, text in enumerate(texts) if text.strip()]   # indices of non-blank lines

        def is_date(k: int) -> bool:
            return k < len(content) and bool(_DATE_LINE_START.match(texts[content[k]]))

        def next_title(k: int) -> int:
            """First position >= k that starts a dated record (a line followed by a date line)."""
            while k < len(content) and not (not is_date(k) and is_date(k + 1)):
                k += 1
            return k

        records: list[Record] = []
        bad: list[BadRecord] = []
        k = 0
        if content and _BREADCRUMB.fullmatch(texts[content[0]]) and not is_date(1):
            k = 1
        while k < len(content):
            position = len(records) + len(bad)
            number = str(position + 1)
            first = content[k]
            where = f"{self.path}:{first + 1}"
            if is_date(k):
                end = next_title(k + 1)
                bad.append(BadRecord(position, number, where, "a date line with no title line before it"))
                k = end
                continue
            if not is_date(k + 1):
                end = next_title(k + 1)
                bad.append(BadRecord(position, number, where,
                                     f"title {_snippet(texts[first])} has no date line after it "
                                     f"(expected a line like {EXAMPLE_DATE_LINE})"))
                k = end
                continue
            date_index = content[k + 1]
            body_k = k + 2
            has_body = body_k < len(content) and not is_date(body_k) and not is_date(body_k + 1)
            end = body_k + 1 if has_body else body_k
            used = [content[m] for m in range(k, end)]
            broken = [i for i in used if i in problems]
            if broken:
                bad.append(BadRecord(position, number, f"{self.path}:{broken[0] + 1}",
                                     f"(title {_snippet(texts[first])}) {problems[broken[0]]}"))
                k = end
                continue
            match = _DATE_LINE.fullmatch(texts[date_index])
            day = None
            if match:
                try:
                    day = datetime.date(*(int(x) for x in match["date"].split(".")))
                except ValueError:
                    match = None
            if not match:
                bad.append(BadRecord(position, number, f"{self.path}:{date_index + 1}",
                                     f"(title {_snippet(texts[first])}) malformed date line "
                                     f"{_snippet(texts[date_index], 60)} (expected e.g. {EXAMPLE_DATE_LINE})"))
                k = end
                continue
            lines = {"title": first + 1, "date": date_index + 1}
            fields = {"title": texts[first], "body": ""}
            if has_body:
                lines["body"] = content[body_k] + 1
                fields["body"] = texts[content[body_k]]
            self._lines[position] = lines
            records.append(Record(position, number, where, fields, day,
                                  {"published": match["published"], "release_date": match["date"],
                                   "category": match["category"], "lines": lines}))
            k = end
        if not records and not bad:
            raise KoenError(f"{self.path}: no records found (expected title, date line and body per record)")
        return Scan(records, bad, fingerprint)

    def render(self, scan: Scan, translations: dict[int, dict[str, str]]) -> list[RenderedFile]:
        out = list(self._raw)
        for position, fields in translations.items():
            for name, line in self._lines[position].items():
                if name in fields:
                    raw = out[line - 1]
                    ending = raw[len(raw.rstrip(b"\r\n")):]
                    out[line - 1] = fields[name].encode("utf-8") + ending
        return [RenderedFile(self.path.name, self._bom + b"".join(out))]
