"""A folder of ``.txt`` / ``.md`` files and documents (``.hwpx``, ``.hwp``, ``.docx``, ``.html``,
``.xlf``; see mt/archive/documents.py), one record per file (searched recursively, sorted by path).

Each file's text is translated line by line; the rendered output mirrors the folder, same
relative paths, each document in its own format. Markdown syntax is ASCII and passes through the
segmenter as English.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import KoenError
from ..textio import read_file_bytes
from ..documents import SUFFIXES as DOCUMENT_SUFFIXES
from .base import BadRecord, Record, RenderedFile, Scan, decode_line, is_output_folder, sha256_chunks, split_lines
from .documents import document_record, is_document, render_document

SUFFIXES = (".txt", ".md") + DOCUMENT_SUFFIXES


class FolderReader:
    name = "folder"
    wants_audits = True       # render() marks doubtful lines in documents that record a review state

    def __init__(self, path: str | Path, suffixes: tuple[str, ...] = SUFFIXES):
        self.path = Path(path)
        self.suffixes = suffixes
        self._files: list[tuple[str, bytes]] = []

    def describe(self) -> dict:
        return {"format": self.name, "input": self.path.name, "suffixes": list(self.suffixes)}

    def _text_files(self) -> list[Path]:
        """The folder's text files, in one walk that never enters an archive job's output folder
        (an OUTDIR inside the input is output, not input)."""
        found = []
        for root, folders, names in os.walk(self.path):
            folders[:] = [name for name in folders if not is_output_folder(Path(root, name))]
            found += [Path(root, name) for name in names
                      if Path(name).suffix.lower() in self.suffixes and not name.startswith(".")
                      and Path(root, name).is_file()]
        return sorted(found)

    def scan(self) -> Scan:
        files = self._text_files()
        if not files:
            raise KoenError(f"{self.path}: no {' or '.join(self.suffixes)} files in this folder")
        records, bad, chunks = [], [], []
        for position, file in enumerate(files):
            relative = file.relative_to(self.path).as_posix()
            data = read_file_bytes(file)
            self._files.append((relative, data))
            chunks.extend([relative.encode("utf-8"), data])
            if not data.strip():
                bad.append(BadRecord(position, relative, str(file), "empty file"))
                continue
            if is_document(file):
                record = document_record(position, relative, file, data)
                (records if isinstance(record, Record) else bad).append(record)
                continue
            body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
            lines = []
            for number, raw in enumerate(split_lines(body), start=1):
                text, problem = decode_line(raw)
                if problem:
                    bad.append(BadRecord(position, relative, f"{file}:{number}", problem))
                    break
                lines.append(text)
            else:
                records.append(Record(position, relative, str(file), {"text": "".join(lines)}))
        return Scan(records, bad, sha256_chunks(chunks))

    def render(self, scan: Scan, translations: dict[int, dict[str, str]],
               audits: dict[int, dict] | None = None) -> list[RenderedFile]:
        out = []
        for position, (relative, data) in enumerate(self._files):
            if position in translations and is_document(relative):
                out.append(render_document(relative, data, translations[position], (audits or {}).get(position)))
                continue
            if position in translations:
                bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
                data = bom + translations[position]["text"].encode("utf-8")
            out.append(RenderedFile(relative, data))
        return out
