"""JSON Lines archives: one JSON object per line, text fields chosen with ``--fields``.

The rendered output is the same file with the text fields of each object replaced by their
translation (other keys and their order kept); skipped lines are copied as they were.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import KoenError
from ..jsonlines import parse_json, split_jsonl
from ..textio import read_file_bytes
from .base import BadRecord, RenderedFile, Scan, decode_line, sha256_chunks
from .rows import RowFields, dump_row, row_record


class JsonlReader:
    name = "jsonl"

    def __init__(self, path: str | Path, fields: RowFields = RowFields()):
        self.path = Path(path)
        self.fields = fields
        self._raw: list[bytes] = []
        self._rows: dict[int, tuple[int, dict]] = {}     # position -> (line index, parsed object)

    def describe(self) -> dict:
        return {"format": self.name, "input": self.path.name, **self.fields.describe()}

    def scan(self) -> Scan:
        data = read_file_bytes(self.path)
        if not data.strip():
            raise KoenError(f"{self.path}: empty file: no records (expected one JSON object per line)")
        self._raw = split_jsonl(data)
        records, bad = [], []
        for index, raw in enumerate(self._raw):
            text, problem = decode_line(raw)
            if index == 0:
                text = text.removeprefix("\ufeff")
            if not text.strip():
                continue
            position = len(records) + len(bad)
            location = f"{self.path}:{index + 1}"
            if problem:
                bad.append(BadRecord(position, str(position + 1), location, problem))
                continue
            try:
                row = parse_json(text)
            except ValueError as exc:
                bad.append(BadRecord(position, str(position + 1), location, str(exc)))
                continue
            record = row_record(row, position, location, self.fields)
            if isinstance(record, BadRecord):
                bad.append(record)
            else:
                self._rows[position] = (index, row)
                records.append(record)
        return Scan(records, bad, sha256_chunks([data]))

    def render(self, scan: Scan, translations: dict[int, dict[str, str]]) -> list[RenderedFile]:
        out = list(self._raw)
        for position, fields in translations.items():
            index, row = self._rows[position]
            raw = out[index]
            ending = raw[len(raw.rstrip(b"\r\n")):] or b"\n"
            out[index] = dump_row(row, fields).encode("utf-8") + ending
        return [RenderedFile(self.path.name, b"".join(out))]
