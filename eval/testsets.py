"""Named test sets: line-aligned ``X.ko`` / ``X.en`` pairs in a directory tree, no downloads.

Naming, relative to the test-set directory:
- a pair ``X.ko``/``X.en`` directly in the directory is named ``X``;
- a pair in folder ``F`` (any depth, ``/``-separated) is named ``F/X``;
- a folder holding exactly one pair is also, and primarily, named ``F`` (``flores200-dev``,
  ``tatoeba``); a folder with several pairs lends its name ``F`` to its held-out split, the first
  of ``test``, ``devtest``, ``eval`` it holds (``news-park`` = ``news-park/test``,
  ``jhe`` = ``jhe/eval``); without one of those, ``F`` alone names nothing.

The directory is ``--dir``, else ``$KOEN_TESTSETS``, else ``../shared/corpora`` (beside the
working directory or beside the koen checkout) when it exists, else the samples bundled with koen
(``BUNDLED``: 200 FLORES dev sentences and 100 Tatoeba pairs, with their sources and licenses).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from mt.errors import KoenError
from .textfiles import read_file_bytes

SOURCE_SUFFIX = ".ko"
TARGET_SUFFIX = ".en"
HELD_OUT_SPLITS = ("test", "devtest", "eval")
_CHECKOUT = Path(__file__).resolve().parent.parent
BUNDLED = (_CHECKOUT / "tests" / "data" / "corpus", _CHECKOUT / "tests" / "data" / "eval")


@dataclass
class TestSet:
    name: str
    source: Path
    reference: Path
    aliases: list[str] = field(default_factory=list)

    def count_lines(self) -> tuple[int, int]:

        def count(p: Path) -> int:
            data = read_file_bytes(p)
            return data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)

        return count(self.source), count(self.reference)


def default_testsets_dir() -> Path | None:
    env = os.environ.get("KOEN_TESTSETS")
    if env:
        return Path(env)
    candidates = [Path.cwd().parent / "shared" / "corpora",
                  Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


def _resolve_dirs(directory: str | Path | None) -> list[Path]:
    chosen = Path(directory) if directory else default_testsets_dir()
    if chosen is None:
        bundled = [folder for folder in BUNDLED if folder.is_dir()]
        if not bundled:
            raise KoenError("no test-set directory: pass --dir or set KOEN_TESTSETS")
        return bundled
    if not chosen.is_dir():
        raise KoenError(f"{chosen}: test-set directory does not exist")
    return [chosen]


def discover(directory: str | Path | None = None) -> list[TestSet]:
    """Every ``X.ko``/``X.en`` pair under the directory (or the bundled samples), named as the module
    doc says, sorted."""
    return sorted((testset for root in _resolve_dirs(directory) for testset in _discover_in(root)),
                  key=lambda t: t.name)


def _discover_in(root: Path) -> list[TestSet]:
    by_folder: dict[Path, list[TestSet]] = {}
    for source in sorted(root.rglob(f"*{SOURCE_SUFFIX}")):
        reference = source.with_suffix(TARGET_SUFFIX)
        if not source.is_file() or not reference.is_file():
            continue
        folder = source.parent.relative_to(root)
        stem = source.name[: -len(SOURCE_SUFFIX)]
        full = stem if folder == Path(".") else f"{folder.as_posix()}/{stem}"
        by_folder.setdefault(folder, []).append(TestSet(full, source, reference))
    sets: list[TestSet] = []
    for folder, pairs in by_folder.items():
        if folder != Path("."):
            folder_name = folder.as_posix()
            if len(pairs) == 1:
                only = pairs[0]
                only.aliases.append(only.name)
                only.name = folder_name
            else:
                stems = {p.name.rsplit("/", 1)[-1]: p for p in pairs}
                for split in HELD_OUT_SPLITS:
                    if split in stems:
                        stems[split].aliases.append(folder_name)
                        break
        sets.extend(pairs)
    return sets


def resolve(name: str, directory: str | Path | None = None) -> TestSet:
    sets = discover(directory)
    for testset in sets:
        if name == testset.name or name in testset.aliases:
            return testset
    known = ", ".join(t.name for t in sets) or "none"
    where = ", ".join(str(root) for root in _resolve_dirs(directory))
    raise KoenError(f"unknown test set {name!r} in {where} (known: {known})")
