"""Picking the reader for an input: by ``--format``, or from what the input looks like."""

from __future__ import annotations

from pathlib import Path

from ..errors import KoenError
from .base import ArchiveReader
from .documents import is_document
from .folder import FolderReader
from .hfdatasets import DatasetsReader, is_saved_dataset
from .jsonl import JsonlReader
from .listing import ListingReader
from .rows import RowFields

FORMATS = ("auto", "listing", "jsonl", "folder", "datasets")


def detect_format(path: Path) -> str:
    if path.is_dir():
        if is_saved_dataset(path) or any(path.glob("*.parquet")) or any(path.glob("*.arrow")):
            return "datasets"
        return "folder"
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".arrow"):
        return "datasets"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "listing"


def open_reader(input: str | Path, format: str = "auto", fields: RowFields = RowFields(),
                split: str = "train") -> ArchiveReader:
    path = Path(input)
    if not path.exists():
        raise KoenError(f"{path}: no such file or folder")
    if format not in FORMATS:
        raise KoenError(f"--format {format}: expected one of {', '.join(FORMATS)}")
    if format == "auto" and path.is_file() and is_document(path):
        raise KoenError(f"{path}: one document: translate it with `koen translate {path} -o OUT`, "
                        f"or give the folder holding it")
    if format == "auto":
        format = detect_format(path)
    if format in ("listing", "jsonl") and path.is_dir():
        raise KoenError(f"{path}: is a folder; --format {format} reads one file")
    if format == "folder" and not path.is_dir():
        raise KoenError(f"{path}: --format folder expects a folder of .txt/.md files or documents")
    if format == "listing":
        return ListingReader(path)
    if format == "jsonl":
        return JsonlReader(path, fields)
    if format == "folder":
        return FolderReader(path)
    return DatasetsReader(path, fields, split)
