"""XLIFF for CAT tools (memoQ, Trados, OmegaT): a job's segments out, editors' targets back in.

Export (XLIFF 1.2 or 2.1, written by translate-toolkit): one unit per translated Korean span, id
= the span's review id, source = the Korean as written, target = koen's English (the approved
one where there is one). The target's state follows the review: flagged and unreviewed →
``needs-review-translation`` (2.x ``initial``), unflagged → ``translated``, kept machine English →
``signed-off`` (``reviewed``), approved → ``final``. The flags, confidence and origin go in a note;
a second note carries the review revision the file was made at, for the compare-and-set on import.

Import: every target that differs from what was exported comes back as an editor's approval,
through the same checks and history as ``koen review approve`` (refused units are reported, the
others land in one transaction); an unchanged target marked final/signed-off on an unreviewed
span is recorded as "machine English kept". A span someone else decided on since the export is
reported as a conflict, never overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from translate.storage import xliff, xliff2

from mt.errors import KoenError
from mt.memory import APPROVED, REJECTED, UNREVIEWED, ReviewConflict, TranslationMemory
from mt.textio import read_file_bytes

from .archive import review as loop

VERSIONS = ("1.2", "2.1")
_REVISION_RE = re.compile(r"^koen review revision (\d{1,9})$")


def _state_12(item: loop.ReviewItem) -> str:
    if item.state == APPROVED or item.origin == "human":
        return "final"
    if item.state == REJECTED:
        return "signed-off"
    return "needs-review-translation" if item.reasons else "translated"


def _state_2(item: loop.ReviewItem) -> str:
    return {"final": "final", "signed-off": "reviewed", "needs-review-translation": "initial"}.get(_state_12(item),
                                                                                                  "translated")


def target_of(item: loop.ReviewItem) -> str:
    return item.review.english if item.state == APPROVED and item.review and item.review.english else item.english


def _note(item: loop.ReviewItem) -> str:
    confidence = "none" if item.confidence is None else f"{item.confidence:.2f}"
    flags = ", ".join(item.reasons) or "none"
    occurrence = item.occurrences[0]
    return (f"koen flags: {flags}; confidence {confidence}; origin {item.origin}; "
            f"record {occurrence.record} {occurrence.field}:{occurrence.line}")


def export_xliff(items: list[loop.ReviewItem], version: str, original: str) -> bytes:
    """The segments (document order) as XLIFF ``version``; ``original`` names the job's OUTDIR."""
    if version not in VERSIONS:
        raise KoenError(f"--xliff-version {version}: expected {' or '.join(VERSIONS)}")
    store = xliff.xlifffile(sourcelanguage="ko", targetlanguage="en") if version == "1.2" else \
        xliff2.Xliff2File(sourcelanguage="ko", targetlanguage="en")
    for item in items:
        unit = store.UnitClass(item.korean)
        store.addunit(unit)
        unit.setid(item.id)
        unit.settarget(target_of(item))
        unit.addnote(_note(item), origin="koen")
        unit.addnote(f"koen review revision {item.revision}", origin="koen")
        if version == "1.2":
            unit.xmlelement.find(unit.namespaced("target")).set("state", _state_12(item))
            unit.xmlelement.set("approved", "yes" if _state_12(item) == "final" else "no")
        else:
            unit.xmlelement.set("state", _state_2(item))
    root = store.document.getroot()
    for node in root.iter("{*}file"):
        node.set("original", original)
        if version == "2.1":
            node.set("id", "koen-job")
    if version == "2.1":
        root.set("version", "2.1")        # 2.1 keeps the 2.0 core namespace
        return bytes(store)
    # translate-toolkit writes XLIFF 1.1; 1.2 is the same vocabulary under its own namespace.
    data = bytes(store)
    old = b'xmlns="urn:oasis:names:tc:xliff:document:1.1" version="1.1"'
    if old not in data[:400]:
        raise KoenError("XLIFF export: unexpected translate-toolkit output; nothing written")
    return data.replace(old, b'xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"', 1)


@dataclass(frozen=True)
class XliffTarget:
    id: str
    source: str
    target: str
    state: str
    revision: int | None


def read_xliff(path: Path) -> tuple[str, list[XliffTarget]]:
    """(the OUTDIR named in the file, its units)."""
    data = read_file_bytes(path, "an XLIFF file")
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise KoenError(f"{path}: not an XLIFF file: {exc}") from None
    version = root.get("version", "")
    if etree.QName(root).localname != "xliff" or not (version.startswith("1.") or version.startswith("2.")):
        raise KoenError(f"{path}: not an XLIFF 1.2 or 2.x file")
    try:
        store = (xliff.xlifffile if version.startswith("1.") else xliff2.Xliff2File).parsestring(data)
    except Exception as exc:  # translate-toolkit raises assorted parse errors for malformed files
        raise KoenError(f"{path}: not a readable XLIFF file ({exc})") from None
    files = root.findall(".//{*}file")
    original = files[0].get("original", "") if files else ""
    units = []
    for unit in store.units:
        notes = unit.getnotes().splitlines()
        revision = next((int(m.group(1)) for m in map(_REVISION_RE.match, notes) if m), None)
        element = unit.xmlelement
        target_node = element.find(unit.namespaced("target")) if version.startswith("1.") else None
        state = (target_node.get("state", "") if target_node is not None else "") if version.startswith("1.") \
            else element.get("state", "")
        holder = element if version.startswith("1.") else element.getparent()
        units.append(XliffTarget(str(holder.get("id", "") if holder is not None else ""), str(unit.source or ""),
                                 str(unit.target or ""), state, revision))
    return original, units


DONE_STATES = ("final", "signed-off", "reviewed")


def import_xliff(memory: TranslationMemory, items: dict[str, loop.ReviewItem], units: list[XliffTarget],
                 editor: str, path: Path) -> tuple[int, int, list[str]]:
    """Apply the file's targets; returns (approved, kept, problems). Checked units land in one
    transaction; refused ones are reported with why."""
    approved = kept = 0
    problems: list[str] = []
    with memory.transaction():
        for unit in units:
            where = f"{path}: unit {unit.id}"
            item = items.get(unit.id)
            if item is None:
                problems.append(f"{where}: no such span in this job")
                continue
            if " ".join(unit.source.split()) != " ".join(item.korean.split()):
                problems.append(f"{where}: the source was changed; only targets come back")
                continue
            try:
                if " ".join(unit.target.split()) != " ".join(target_of(item).split()):
                    loop.approve(memory, item, unit.target, editor, unit.revision, via="xliff import")
                    approved += 1
                elif unit.state in DONE_STATES and item.state == UNREVIEWED and item.origin != "human":
                    loop.reject(memory, item, editor, unit.revision, via="xliff import")
                    kept += 1
            except ReviewConflict:
                problems.append(f"{where}: decided by someone else since the export; review it again")
            except KoenError as exc:
                problems.append(f"{where}: {exc}")
    return approved, kept, problems
