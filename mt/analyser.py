"""Kiwi, loaded for what the job needs: the process-wide Korean analyser.

Most of a fresh Kiwi's cost (about three quarters of its CPU time: reading and then building
into its lattice) is the multi-word noun dictionary (``multi.dict``: 250,000 WikiData names with
spaces, such as ``페르난도 알론소``). A job of a few lines meets none or a handful of them. So
the analyser starts without that dictionary and, before each analysis, adds the entries that
could occur in the text (those whose letters, spaces ignored, appear in it, with the entries
they are aliases of). The results are Kiwi's own with the whole dictionary, scores included
(``tests/test_analyser.py`` compares them); only the loading is partial. A job tells the
analyser its lines first (``expect``: one look at the file for all of them); pieces of those lines
need no further look. Each addition makes Kiwi rebuild, so past a few lines (``FULL_AFTER_CHARS``,
``MAX_SCANS``, ``MAX_ADDITIONS``) the analyser switches to a Kiwi with the whole dictionary.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

__all__ = ["Analyser", "FULL_AFTER_CHARS", "MAX_ADDITIONS", "MAX_SCANS"]

# Past these, the whole dictionary costs less than looking for entries and adding them: text
# looked at (characters, spaces aside), separate looks at the file, additions (each a rebuild).
FULL_AFTER_CHARS = 20_000
MAX_SCANS = 8
MAX_ADDITIONS = 2
_SPACE = re.compile(r"\s+")


class _MultiWordNouns:
    """``multi.dict`` as it is on disk; entries are found by regular expression (one pass in C
    over the file, much cheaper than indexing its 250,000 lines in Python for one short text)."""

    def __init__(self, path: Path):
        self.text = "\n" + path.read_text(encoding="utf-8")

    def _line(self, offset: int) -> str:
        end = self.text.find("\n", offset)
        return self.text[offset:end if end >= 0 else None]

    def entries_in(self, text: str) -> dict[int, str]:
        """The entries (by their offset in the file) that may match inside ``text``, with the
        originals they are aliases of."""
        squeezed = _SPACE.sub("", text)
        starts = {squeezed[i:i + 2] for i in range(len(squeezed) - 1)}
        if not starts:
            return {}
        pattern = "|".join(re.escape(pair[0]) + r" *" + re.escape(pair[1]) for pair in sorted(starts))
        found: dict[int, str] = {}
        for match in re.finditer(rf"(?m)^(?:{pattern})[^\t\n]*\t[^\n]*", self.text):
            line = match.group()
            if line.partition("\t")[0].replace(" ", "") in squeezed:
                found[match.start()] = line
        pending = list(found.values())
        while pending:                       # an alias needs the entry it points at
            target = pending.pop().split("\t")[1]
            if "/" not in target:
                continue
            for morpheme in target.split(" + "):
                form = morpheme.rpartition("/")[0].replace("++", "+")
                offset = self.text.find(f"\n{form}\t")
                if offset >= 0 and offset + 1 not in found:
                    found[offset + 1] = line = self._line(offset + 1)
                    pending.append(line)
        return found


class Analyser:
    """Kiwi's ``tokenize`` and ``split_into_sents`` with the multi-word dictionary loaded as needed."""

    def __init__(self):
        from kiwipiepy import Kiwi   # late: a command that meets no Korean never pays for it
        import kiwipiepy_model

        self._kiwi_class = Kiwi
        self._kiwi = None
        self._nouns_path = Path(kiwipiepy_model.__file__).parent / "multi.dict"
        self._nouns: _MultiWordNouns | None = None
        self._loaded: set[int] = set()          # offsets of the entries added
        self._covered: list[str] = []           # texts (spaces removed) whose entries are added
        self._analysed = 0
        self._scans = 0
        self._additions = 0
        self._full = not self._nouns_path.is_file()   # a model without the file: nothing to add
        self._lock = threading.RLock()

    @property
    def complete(self) -> bool:
        """Whether the whole multi-word dictionary is loaded."""
        return self._full

    def expect(self, texts) -> None:
        """The texts a job will analyse (pieces of them, too): one look at them all at once."""
        self._prepare("\n".join(texts))

    def load_all(self) -> None:
        """The whole dictionary, loaded now: for a process about to fork workers, which must never
        add entries themselves (a Kiwi rebuilding in a forked child can wait forever on a lock its
        parent's threads held at the fork)."""
        with self._lock:
            if not self._full:
                self._load_everything()
            self._analyser()

    def _prepare(self, text) -> None:
        with self._lock:
            if self._full:
                return
            if not isinstance(text, str):
                return self._load_everything()
            squeezed = _SPACE.sub("", text)
            if any(squeezed in seen for seen in self._covered):
                return
            self._analysed += len(squeezed)
            self._scans += 1
            if self._analysed > FULL_AFTER_CHARS or self._scans > MAX_SCANS:
                return self._load_everything()
            if self._nouns is None:
                self._nouns = _MultiWordNouns(self._nouns_path)
            found = self._nouns.entries_in(squeezed)
            new = [found[offset] for offset in sorted(found.keys() - self._loaded)]
            if new:
                if self._additions >= MAX_ADDITIONS:
                    return self._load_everything()
                self._add(new)
                self._loaded.update(found)
            self._covered.append(squeezed)

    def _analyser(self):
        if self._kiwi is None:
            self._kiwi = self._kiwi_class(load_multi_dict=self._full)
        return self._kiwi

    def _add(self, lines: list[str]) -> None:
        with tempfile.TemporaryDirectory(prefix="koen-kiwi-") as folder:
            path = os.path.join(folder, "multi.dict")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("".join(line + "\n" for line in lines))
            try:
                self._analyser().load_user_dictionary(path)
            except ValueError:            # an entry refers to one we did not find: take them all
                return self._load_everything()
        self._additions += 1

    def _load_everything(self) -> None:
        self._full = True
        self._kiwi = None if self._kiwi is None else self._kiwi_class()
        self._nouns = None
        self._covered = []

    def tokenize(self, text, **options):
        self._prepare(text)
        return self._analyser().tokenize(text, **options)

    def split_into_sents(self, text, **options):
        self._prepare(text)
        return self._analyser().split_into_sents(text, **options)
