"""Translation memory exchange with CAT tools: TMX (through translate-toolkit, as the glossary's
TMX format) and a plain TSV.

Export writes editors' translations (origin ``human``: editor, date, the machine English they
replaced) and machine segments (origin ``machine``: the model input as the model saw it, the
model, confidence, date) as TMX properties. Import reads Korean/English pairs, finding the
languages by ``xml:lang``; they arrive as human translations. Units that koen itself exported as
machine output are skipped: a round trip must not turn model output into approved English.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

from lxml import etree
from translate.storage import tmx

from glossary.formats.tmx import read_units
from mt.errors import KoenError
from mt.korean import has_hangul
from mt.memory import APPROVED, TranslationMemory
from mt.textio import read_file_bytes

TSV_COLUMNS = ["origin", "korean", "english", "editor_or_model", "date", "confidence", "machine_english"]


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


def _entries(memory: TranslationMemory) -> list[dict]:
    entries = []
    for review in memory.all_reviews():
        if review.state == APPROVED and review.english:
            entries.append({"origin": "human", "korean": review.source, "english": review.english,
                            "who": review.editor, "date": review.at, "confidence": None, "machine": review.machine})
    for source, translation, confidence, created, identity in memory.machine_segments():
        model = json.loads(identity).get("model") or json.loads(identity).get("backend")
        entries.append({"origin": "machine", "korean": source, "english": translation, "who": str(model),
                        "date": created, "confidence": confidence, "machine": None})
    return entries


def export_memory(memory: TranslationMemory, fmt: str) -> bytes:
    entries = _entries(memory)
    if fmt == "tsv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(TSV_COLUMNS)
        for e in entries:
            writer.writerow([e["origin"], e["korean"], e["english"], e["who"], e["date"] or "",
                             "" if e["confidence"] is None else f"{e['confidence']:.4f}", e["machine"] or ""])
        return buffer.getvalue().encode("utf-8")
    if fmt != "tmx":
        raise KoenError(f"--format {fmt}: expected tmx or tsv")
    store = tmx.tmxfile(sourcelanguage="ko", targetlanguage="en")
    for e in entries:
        store.addtranslation(e["korean"], "ko", e["english"], "en")
        element = store.units[-1].xmlelement
        date = _tmx_date(e["date"])
        if date:
            element.set("creationdate", date)
        props = {"x-origin": e["origin"], ("x-editor" if e["origin"] == "human" else "x-model"): e["who"]}
        if e["confidence"] is not None:
            props["x-confidence"] = f"{e['confidence']:.4f}"
        if e["machine"]:
            props["x-machine-english"] = e["machine"]
        if e["date"]:
            props["x-date"] = e["date"]
        for position, (kind, value) in enumerate(props.items()):
            prop = etree.Element("prop", type=kind)
            prop.text = value
            element.insert(position, prop)       # TMX: props come before the tuvs
    return bytes(store)


def read_tmx(path: Path) -> list[dict]:
    """Korean/English pairs of a TMX file with their properties; languages by xml:lang."""
    return [{"unit": unit.number, "korean": unit.texts["ko"].strip(), "english": unit.texts["en"].strip(),
             "props": unit.props, "date": unit.date}
            for unit in read_units(read_file_bytes(path, "a TMX file"), str(path))
            if unit.texts.get("ko", "").strip() and unit.texts.get("en", "").strip()]


def import_tmx(memory: TranslationMemory, path: Path, editor: str) -> tuple[int, list[str]]:
    """Add a TMX file's pairs as human translations; returns (imported, skipped-with-reasons)."""
    imported, skipped = 0, []
    for pair in read_tmx(path):
        where = f"{path}: unit {pair['unit']}"
        if pair["props"].get("x-origin") == "machine":
            skipped.append(f"{where}: machine output exported by koen; not imported as a human translation")
            continue
        english = " ".join(pair["english"].split())
        if has_hangul(english):
            skipped.append(f"{where}: the English holds Hangul")
            continue
        current = memory.review(pair["korean"])
        if current.state == APPROVED and current.english == english:
            continue
        memory.set_review(pair["korean"], APPROVED, english, pair["props"].get("x-editor") or editor,
                          pair["props"].get("x-machine-english") or None, current.revision,
                          at=pair["props"].get("x-date") or None)
        imported += 1
    return imported, skipped
