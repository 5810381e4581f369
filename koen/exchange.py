"""Translation memory exchange with CAT tools: TMX (through translate-toolkit, as the glossary's
TMX format) and a plain TSV.

Export writes, in CAT terms:
- editors' translations (origin ``human``) keyed by the Korean span as written in the document;
- with the job's records (an OUTDIR), the machine English of every other translated span, also
  keyed by the Korean as written (never the model input, which no CAT tool could match);
- the standard TMX attributes ``tuid`` (``koen-human-…`` / ``koen-machine-…``), ``creationid``,
  ``creationdate``, ``changeid``, ``changedate``, a ``<note>`` saying who or what made it, and
  koen's own ``x-origin``, ``x-editor``/``x-model``, ``x-confidence`` properties.
A unit that TMX cannot carry exactly (a control character XML 1.0 forbids) is left out and
reported: a round trip must never move an approval to another key or change its English.

Import reads Korean/English pairs by ``xml:lang`` as human translations, checked strictly:
anything machine-like (an ``x-origin`` other than ``human`` in any spelling, on the unit or a
variant, repeated or conflicting; ``x-model``/``x-confidence``; a koen machine ``tuid``) is
skipped; units with inline codes (``<ph>``, ``<bpt>``, …) or characters no approval may hold are
refused; two different English for one Korean are both refused; everything lands in one
transaction (a killed import leaves the memory as it was), each approval with its history.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from translate.storage import tmx

from glossary.formats.tmx import read_units
from mt.editorial import unsafe_character
from mt.errors import KoenError
from mt.memory import APPROVED, TranslationMemory, normalise
from mt.textio import read_file_bytes

from .archive import approval
from .archive.review import spans_of

TSV_COLUMNS = ["origin", "korean", "english", "editor_or_model", "date", "confidence", "machine_english"]
MACHINE_PROPS = ("x-model", "x-confidence")


def _tmx_date(stamp: str | None) -> str | None:
    """TMX's date form (YYYYMMDDThhmmssZ) from an ISO date or timestamp."""
    if not stamp:
        return None
    try:
        moment = datetime.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%SZ")


@dataclass
class ExportEntry:
    origin: str                  # human | machine
    korean: str                  # as written in the document (or the memory's key without records)
    english: str
    who: str
    date: str | None
    confidence: float | None = None
    machine: str | None = None   # the machine English an approval replaced
    first_who: str | None = None
    first_date: str | None = None


def _model_label(memory: TranslationMemory) -> str:
    names = sorted({str(json.loads(identity).get("model") or json.loads(identity).get("backend"))
                    for (identity,) in memory.connection.execute("SELECT identity FROM models")})
    return ", ".join(names) or "machine"


def _entries(memory: TranslationMemory, rows: list[dict] | None) -> list[ExportEntry]:
    written: dict[str, str] = {}
    machine: dict[str, tuple[str, float | None]] = {}
    for _row, _name, _line, span in spans_of(rows or []):
        key = normalise(span["source"])
        written.setdefault(key, span["source"].strip())
        if span.get("origin") != "human" and span.get("translation"):
            machine.setdefault(key, (span["translation"], span.get("confidence")))
    entries, approved = [], set()
    for review in memory.all_reviews():
        if review.state == APPROVED and review.english:
            chain = approval.history(memory, review.source)
            first = chain[0] if chain else None
            approved.add(review.source)
            entries.append(ExportEntry("human", written.get(review.source, review.source), review.english,
                                       review.editor, review.at, None, review.machine,
                                       first.editor if first else review.editor, first.at if first else review.at))
    if machine:
        model, today = _model_label(memory), datetime.date.today().isoformat()
        for key, (english, confidence) in machine.items():
            if key not in approved:
                entries.append(ExportEntry("machine", written[key], english, model, today, confidence))
    return entries


def _tuid(entry: ExportEntry) -> str:
    return f"koen-{entry.origin}-" + hashlib.sha256(normalise(entry.korean).encode("utf-8")).hexdigest()[:12]


def _add_unit(store: tmx.tmxfile, entry: ExportEntry) -> None:
    store.addtranslation(entry.korean, "ko", entry.english, "en")
    element = store.units[-1].xmlelement
    element.set("tuid", _tuid(entry))
    created, changed = _tmx_date(entry.first_date or entry.date), _tmx_date(entry.date)
    element.set("creationid", entry.first_who or entry.who)
    if created:
        element.set("creationdate", created)
    if entry.origin == "human":
        element.set("changeid", entry.who)
        if changed:
            element.set("changedate", changed)
    props = {"x-origin": entry.origin, ("x-editor" if entry.origin == "human" else "x-model"): entry.who}
    if entry.confidence is not None:
        props["x-confidence"] = f"{entry.confidence:.4f}"
    if entry.machine:
        props["x-machine-english"] = entry.machine
    if entry.date:
        props["x-date"] = entry.date
    note = etree.Element("note")
    note.text = (f"human translation by {entry.who}" if entry.origin == "human"
                 else f"machine translation by {entry.who}, not reviewed")
    element.insert(0, note)
    for position, (kind, value) in enumerate(props.items(), start=1):
        prop = etree.Element("prop", type=kind)
        prop.text = value
        element.insert(position, prop)       # TMX: notes and props come before the tuvs


def _unexportable(entry: ExportEntry) -> str | None:
    for text in (entry.korean, entry.english, entry.who, entry.machine or ""):
        for char in text:
            code = ord(char)
            if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000):
                return f"holds U+{code:04X}, which TMX (XML 1.0) cannot carry"
    return None


def export_memory(memory: TranslationMemory, fmt: str, rows: list[dict] | None = None) -> tuple[bytes, list[str]]:
    """The memory as TMX or TSV, and what was left out (with why). ``rows``: the job's records,
    for the Korean as written and the machine units."""
    entries = _entries(memory, rows)
    left_out: list[str] = []
    if rows is None and memory.stats()["segments"]:
        left_out.append("machine units need the job's records: export from its OUTDIR to include them")
    if fmt == "tsv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(TSV_COLUMNS)
        for e in entries:
            writer.writerow([e.origin, e.korean, e.english, e.who, e.date or "",
                             "" if e.confidence is None else f"{e.confidence:.4f}", e.machine or ""])
        return buffer.getvalue().encode("utf-8"), left_out
    if fmt != "tmx":
        raise KoenError(f"--format {fmt}: expected tmx or tsv")
    exported = []
    for entry in entries:
        problem = _unexportable(entry)
        if problem:
            left_out.append(f"{entry.origin} unit for {entry.korean!r} left out: it {problem}")
        else:
            exported.append(entry)
    data = _tmx_bytes(exported)
    # What a CAT tool reads back must be what koen meant, unit for unit: a unit the format would
    # change is left out (and said), never written changed.
    changed = [entry for entry, unit in zip(exported, read_units(data, "export"))
               if unit.texts.get("ko") != entry.korean or unit.texts.get("en") != entry.english]
    if changed:
        left_out += [f"{e.origin} unit for {e.korean!r} left out: TMX would not carry it unchanged" for e in changed]
        data = _tmx_bytes([entry for entry in exported if entry not in changed])
    return data, left_out


def _tmx_bytes(entries: list[ExportEntry]) -> bytes:
    store = tmx.tmxfile(sourcelanguage="ko", targetlanguage="en")
    for entry in entries:
        _add_unit(store, entry)
    return bytes(store)


# -- import -----------------------------------------------------------------------------------

def _machine_like(unit) -> str | None:
    origins = {value.strip().casefold() for kind, value in unit.all_props if kind.strip().casefold() == "x-origin"}
    if origins - {"human"}:
        return f"x-origin {', '.join(sorted(origins))}"
    present = sorted({kind for kind, _ in unit.all_props if kind.strip().casefold() in MACHINE_PROPS})
    if present:
        return f"machine properties ({', '.join(present)})"
    if str((unit.attributes or {}).get("tuid", "")).startswith("koen-machine-"):
        return "a koen machine tuid"
    return None


def import_tmx(memory: TranslationMemory, path: Path, editor: str) -> tuple[int, list[str]]:
    """Add a TMX file's pairs as human translations, all in one transaction; returns (imported,
    skipped-with-reasons)."""
    units = read_units(read_file_bytes(path, "a TMX file"), str(path))
    skipped: list[str] = []
    chosen: dict[str, tuple[str, object, str]] = {}      # key → (english, unit, where)
    refused_keys: set[str] = set()
    for unit in units:
        korean, english = unit.texts.get("ko", ""), unit.texts.get("en", "")
        if not korean.strip() or not english.strip():
            continue
        where = f"{path}: unit {unit.number}"
        machine = _machine_like(unit)
        if machine:
            skipped.append(f"{where}: machine output ({machine}); not imported as a human translation")
            continue
        if unit.inline_codes:
            skipped.append(f"{where}: inline codes <{'>, <'.join(sorted(set(unit.inline_codes)))}> in the text; "
                           f"koen keeps plain text, not imported")
            continue
        bad = unsafe_character(korean.replace("\t", " ").replace("\n", " ").replace("\r", " "))
        if bad and "Hangul" not in bad:
            skipped.append(f"{where}: the Korean holds {bad}")
            continue
        try:
            text = approval.clean_english(english)
        except KoenError as exc:
            skipped.append(f"{where}: {exc}")
            continue
        key = normalise(korean)
        if key in chosen and chosen[key][0] != text:
            skipped.append(f"{where}: another English for the Korean of {chosen[key][2].rsplit(' ', 1)[-1]} "
                           f"({chosen[key][0]!r} against {text!r}); neither imported")
            refused_keys.add(key)
            continue
        chosen.setdefault(key, (text, unit, where))
    imported = 0
    with memory.transaction():
        for key, (text, unit, _where) in chosen.items():
            if key in refused_keys:
                continue
            current = memory.review(key)
            if current.state == APPROVED and current.english == text:
                continue
            approval.record_decision(memory, key, APPROVED, text, unit.props.get("x-editor") or editor,
                                     unit.props.get("x-machine-english") or None, current.revision, "tmx import",
                                     at=unit.props.get("x-date") or None)
            imported += 1
    return imported, skipped
