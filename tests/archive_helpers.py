"""Helpers for the archive tests: synthetic listing archives and a backend that counts its calls."""

from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
FLORES_KO = DATA / "corpus" / "flores200-dev.200.ko"
BOILERPLATE = "□ 국토교통부는 이번 사업을 통해 스마트도시 확산을 추진한다."


def write_listing(path: Path, count: int, dates: list[str] | None = None) -> Path:
    """A listing archive in the real layout: FLORES Korean sentences as bodies, plus a repeated
    boilerplate sentence (what the translation memory is for)."""
    korean = FLORES_KO.read_text(encoding="utf-8").splitlines()
    parts = ["Home/Policy/Report\n"]
    for n in range(count):
        day = dates[n] if dates else f"2025.06.{1 + n % 28:02d}"
        parts += ["\n", f"Release {n + 1}: smart city news\n", "\n",
                  f"2025-07-01T10:00:00+09:00{day}|Report|\n", "\n",
                  f"- {korean[n % len(korean)]} {BOILERPLATE} [...]\n"]
    path.write_text("".join(parts), encoding="utf-8")
    return path


class CountingBackend:
    """Wraps a backend and counts what reaches the model."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.max_input_tokens = inner.max_input_tokens
        self.calls = 0
        self.segments = 0
        self.texts: list[str] = []
        self.sizes: list[int] = []          # inputs per call
        self.options = getattr(inner, "options", None)

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def translate(self, texts):
        self.calls += 1
        self.segments += len(texts)
        self.sizes.append(len(texts))
        self.texts.extend(texts)
        return self.inner.translate(texts)

    def provenance(self):
        return self.inner.provenance()


# The state and memory databases and SQLite's own files beside them are not output. A run killed
# inside a commit across the ATTACHed databases can leave an orphan super-journal (``-mjXXXXXXXX``)
# that SQLite itself never removes; it holds nothing the job reads.
_DATABASE_FILE = re.compile(r"\.sqlite(?:-journal|-wal|-shm|-mj[0-9A-Fa-f]+)?$")


def output_files(outdir: Path) -> dict[str, bytes]:
    """Every output file of a job."""
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*"))
            if p.is_file() and not _DATABASE_FILE.search(p.name)}
