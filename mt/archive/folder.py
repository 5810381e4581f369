"""A folder of ``.txt`` / ``.md`` files, one record per file (searched recursively, sorted by path).

Each file's text is translated line by line; the rendered output mirrors the folder, same
relative paths. Markdown syntax is ASCII and passes through the segmenter as English.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import KoenError
from ..textio import read_file_bytes
from .base import BadRecord, Record, RenderedFile, Scan, decode_line, is_output_folder, sha256_chunks, split_lines

SUFFIXES = (".txt", ".md")


class FolderReader:
    name = "folder"

    def __init__(self, path: str | Path, suffixes: tuple[str, ...] = SUFFIXES):
        self.path = Path(path)
        self.suffixes = suffixes
        self._files: list[tuple[str, bytes]] = []

    def describe(self) -> dict:
        return {"format": self.name, "input": self.path.name, "suffixes": list(self.suffixes)}

    def scan(self) -> Scan:
        outputs = [d for d in self.path.rglob("*") if d.is_dir() and is_output_folder(d)]   # an OUTDIR inside the input
        files = sorted(p for p in self.path.rglob("*")
                       if p.is_file() and p.suffix.lower() in self.suffixes and not p.name.startswith(".")
                       and not any(d in p.parents for d in outputs))
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

    def render(self, scan: Scan, translations: dict[int, dict[str, str]]) -> list[RenderedFile]:
        out = []
        for position, (relative, data) in enumerate(self._files):
            if position in translations:
                bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
                data = bom + translations[position]["text"].encode("utf-8")
            out.append(RenderedFile(relative, data))
        return out
