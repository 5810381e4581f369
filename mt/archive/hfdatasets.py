"""Large archives through Hugging Face ``datasets``: a folder saved with ``save_to_disk``, or
Parquet / Arrow / JSON Lines files loaded with ``load_dataset`` (memory-mapped, not read into RAM).

Text fields are chosen with ``--fields`` as for JSONL. The rendered output is JSON Lines, one row
per line, translated fields in place.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import KoenError
from .base import BadRecord, RenderedFile, Scan
from .rows import RowFields, dump_row, row_record

_BUILDERS = {".parquet": "parquet", ".arrow": "arrow", ".jsonl": "json", ".json": "json"}


def is_saved_dataset(path: Path) -> bool:
    return path.is_dir() and ((path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists()
                              or (path / "state.json").exists())


class DatasetsReader:
    name = "datasets"

    def __init__(self, path: str | Path, fields: RowFields = RowFields(), split: str = "train"):
        self.path = Path(path)
        self.fields = fields
        self.split = split
        self._dataset = None

    def describe(self) -> dict:
        return {"format": self.name, "input": self.path.name, "split": self.split, **self.fields.describe()}

    def _load(self):
        import datasets   # late: ~1 s to import (pyarrow, pandas), needed by this reader only

        datasets.disable_progress_bars()
        datasets.logging.set_verbosity_error()
        try:
            if is_saved_dataset(self.path):
                loaded = datasets.load_from_disk(str(self.path))
            else:
                files = sorted(p for p in self.path.rglob("*") if p.suffix in _BUILDERS) if self.path.is_dir() \
                    else [self.path]
                kinds = {_BUILDERS.get(p.suffix) for p in files}
                if not files or None in kinds or len(kinds) != 1:
                    raise KoenError(f"{self.path}: expected a saved dataset folder or .parquet/.arrow/.jsonl files "
                                    f"of one kind")
                loaded = datasets.load_dataset(kinds.pop(), data_files=[str(p) for p in files], split="train")
        except KoenError:
            raise
        except Exception as exc:                       # datasets raises many types for unreadable input
            raise KoenError(f"{self.path}: cannot load with datasets ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
        if isinstance(loaded, datasets.DatasetDict):
            if self.split not in loaded:
                raise KoenError(f"{self.path}: no split {self.split!r} (splits: {', '.join(loaded)}); use --split")
            loaded = loaded[self.split]
        return loaded

    def scan(self) -> Scan:
        dataset = self._dataset = self._load()
        if len(dataset) == 0:
            raise KoenError(f"{self.path}: the dataset has no rows")
        missing = [name for name in self.fields.text_fields if name not in dataset.column_names]
        if missing:
            raise KoenError(f"{self.path}: no column {missing[0]!r} (columns: {', '.join(dataset.column_names)}); "
                            f"choose text fields with --fields")
        records, bad = [], []
        for position, row in enumerate(dataset):
            record = row_record(row, position, f"{self.path} row {position + 1}", self.fields)
            (bad if isinstance(record, BadRecord) else records).append(record)
        return Scan(records, bad, f"datasets:{dataset._fingerprint}")

    def render(self, scan: Scan, translations: dict[int, dict[str, str]]) -> list[RenderedFile]:
        lines = [dump_row(row, translations.get(position)) + "\n" for position, row in enumerate(self._dataset)]
        return [RenderedFile(f"{self.path.stem if self.path.is_file() else self.path.name}.jsonl",
                             "".join(lines).encode("utf-8"))]
