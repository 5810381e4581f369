"""A folder of ``.txt`` / ``.md`` files and documents (``.hwpx``, ``.hwp``, ``.docx``, ``.html``,
``.xlf``; see mt/archive/documents.py), one record per file (searched recursively, sorted by path).

Each file's text is translated line by line; the rendered output mirrors the folder, same
relative paths, each document in its own format. A subfolder that cannot be listed or entered, a
file that cannot be read and a file name that is not UTF-8 are bad records naming the path
(skipped with ``--skip-bad``). Markdown syntax is ASCII and passes through the segmenter as English.
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
        self._files: list[tuple[str, bytes | None]] = []

    def describe(self) -> dict:
        return {"format": self.name, "input": self.path.name, "suffixes": list(self.suffixes)}

    def _walk(self) -> tuple[list[Path], list[tuple[Path, str]]]:
        """The folder's text files, in one walk that never enters an archive job's output folder
        (an OUTDIR inside the input is output, not input), and the parts it could not read:
        (path, why) for a subfolder it cannot list or enter."""
        found, unreadable = [], []

        def cannot_list(exc: OSError) -> None:
            unreadable.append((Path(exc.filename), f"cannot list the folder ({exc.strerror})"))

        def output_folder(folder: Path) -> bool:
            try:
                return is_output_folder(folder)
            except OSError as exc:              # a subfolder that can be listed but not entered
                unreadable.append((folder, f"cannot enter the folder ({exc.strerror})"))
                return True

        for root, folders, names in os.walk(self.path, onerror=cannot_list):
            folders[:] = [name for name in folders if not output_folder(Path(root, name))]
            found += [Path(root, name) for name in names
                      if Path(name).suffix.lower() in self.suffixes and not name.startswith(".")
                      and Path(root, name).is_file()]
        return found, unreadable

    def scan(self) -> Scan:
        files, unreadable = self._walk()
        if not files and not unreadable:
            raise KoenError(f"{self.path}: no {' or '.join(self.suffixes)} files in this folder")
        entries = sorted([(file, None) for file in files] + unreadable, key=lambda entry: entry[0])
        records, bad, chunks = [], [], []
        for position, (file, problem) in enumerate(entries):
            relative = file.relative_to(self.path).as_posix()
            shown = relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            location = str(file).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            self._files.append((shown, None))
            if problem is None and shown != relative:
                problem = f"the file name is not valid UTF-8 ({shown!r}); rename it"
            if problem is None:
                try:
                    data = read_file_bytes(file)
                except KoenError as exc:
                    problem = str(exc).removeprefix(f"{file}: ")
            if problem is not None:
                bad.append(BadRecord(position, shown, location, problem))
                chunks.extend([shown.encode("utf-8"), problem.encode("utf-8")])
                continue
            self._files[-1] = (relative, data)
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
            if data is None:                  # unreadable or unnamable: nothing to copy
                continue
            if position in translations and is_document(relative):
                out.append(render_document(relative, data, translations[position], (audits or {}).get(position)))
                continue
            if position in translations:
                bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
                data = bom + translations[position]["text"].encode("utf-8")
            out.append(RenderedFile(relative, data))
        return out
