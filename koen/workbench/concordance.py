"""A term's concordance: the archive sentences it occurs in, translated now, term honoured or not."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from glossary.match import Matcher
from glossary.mine import Document, read_documents
from glossary.termbase import Entry
from mt.backends import Backend
from mt.korean import split_sentences
from mt.pipeline import Pipeline

MAX_LINES = 20


@dataclass(frozen=True)
class ConcordanceLine:
    doc_id: str
    date: datetime.date | None
    before: str
    term: str
    after: str
    translation: str
    honoured: bool
    enforced: bool           # the glossary made the translation use the term (approved entries only)


class Concordance:
    """Occurrences of glossary entries in one archive, translated with one backend (loaded by
    ``load_backend`` on first use) under the glossary as it is now."""

    def __init__(self, archive: str | Path, load_backend: Callable[[], Backend], label: str):
        self.archive = Path(archive).resolve()
        self.documents: list[Document] = read_documents(self.archive)
        self.label = label
        self._load_backend = load_backend
        self._backend: Backend | None = None
        self._matchers: dict[str, Matcher] = {}
        self._lock = threading.Lock()   # one Kiwi and one model, used one request at a time

    def _pipeline(self, entries: list[Entry], version: str) -> Pipeline:
        if self._backend is None:
            self._backend = self._load_backend()
        matcher = self._matchers.get(version)
        if matcher is None:
            matcher = Matcher(entries)
            self._matchers = {version: matcher}
        return Pipeline(self._backend, terms=matcher)

    def lines(self, entry: Entry, entries: list[Entry], version: str, limit: int = MAX_LINES) -> list[ConcordanceLine]:
        with self._lock:
            finder = Matcher([dataclasses.replace(entry, status="approved")], title_context=False)
            def occurrences():
                for document in self.documents:
                    for unit in document.units:
                        if not any(form and form[:1] in unit.text for form in entry.forms):
                            continue
                        for start, end in split_sentences(unit.text):
                            sentence = unit.text[start:end].strip()
                            for hit in finder.find(sentence, document.date):
                                yield document, sentence, hit

            found = list(itertools.islice(occurrences(), limit))
            if not found:
                return []
            pipeline = self._pipeline(entries, version)
            results = pipeline.translate_lines([s for _, s, _ in found], dates=[d.date for d, _, _ in found])
        lines = []
        for (document, sentence, hit), result in zip(found, results):
            records = [t for t in result.audit()["terms"] if t.get("entry") == entry.id]
            enforced = bool(records)
            honoured = all(t["found"] for t in records) if records else \
                bool(entry.target) and entry.target.lower() in result.translation.lower()
            lines.append(ConcordanceLine(document.id, document.date, sentence[:hit.start], hit.surface,
                                         sentence[hit.end:], result.translation, honoured, enforced))
        return lines
