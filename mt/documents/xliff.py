"""XLIFF 1.2 and 2.x: each unit's source translated into its target, inline codes kept.

One line per ``trans-unit`` (1.2) or ``segment`` (2.x) to translate: its ``<source>`` with the
inline codes as markers, pairs for the codes that wrap text (``<g>``, ``<mrk>``, ``<pc>``),
standalone markers for the others (``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph>``, ``<bpt>``,
``<ept>``, ``<it>``, ``<sc/>``, ``<ec/>``, ``<sm/>``, ``<em/>``, ``<cp/>``), each written back
as it was. The target's state follows koen's review flags: 1.2 ``state="translated"``, or
``needs-review-translation`` for a flagged line; 2.x ``state="translated"``, with
``subState="koen:needs-review"`` for a flagged one. A unit marked ``translate="no"`` and a unit
already translated (a target with text whose state is not ``new``/``needs-translation`` in 1.2,
not ``initial`` in 2.x) are left alone unless ``retranslate`` is asked for.

The file is edited with lxml and only the units koen translates change; translate-toolkit's
XLIFF stores re-serialise and normalise the whole file, so they are not used here.
"""

from __future__ import annotations

import copy
from typing import Sequence

from lxml import etree

from ..errors import KoenError
from .base import LineBuilder, check_count, tokens
from .runs import parse, serialize

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"
_PAIRS = {"g", "mrk", "pc"}
_UNTRANSLATED_12 = {"new", "needs-translation"}
NEEDS_REVIEW_12 = "needs-review-translation"
NEEDS_REVIEW_2 = "koen:needs-review"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _line(source: etree._Element) -> tuple[str, list]:
    builder = LineBuilder()

    def walk(element: etree._Element) -> None:
        builder.text(element.text or "")
        for child in element:
            if _local(child) in _PAIRS:
                number = builder.open(child)
                walk(child)
                builder.close(number)
            else:
                builder.empty(child)
            builder.text(child.tail or "")

    walk(source)
    return builder.line(), builder.payloads


def _has_text(element: etree._Element | None) -> bool:
    return element is not None and "".join(element.itertext()).strip() != ""


class XliffFormat:
    name = "xliff"
    suffixes = (".xlf", ".xliff", ".xlf2")

    def __init__(self, retranslate: bool = False):
        self.retranslate = retranslate

    def _units(self, data: bytes, path: str):
        """(root, version, [(holder, source, target)]) for every unit to translate."""
        root = parse(data, path)
        namespace = etree.QName(root).namespace
        if _local(root) != "xliff" or namespace not in (XLIFF_12, XLIFF_2):
            raise KoenError(f"{path}: not an XLIFF 1.2 or 2.x file (root {root.tag!r})")
        units = []
        if namespace == XLIFF_12:
            for unit in root.iter(f"{{{XLIFF_12}}}trans-unit"):
                source, target = unit.find(f"{{{XLIFF_12}}}source"), unit.find(f"{{{XLIFF_12}}}target")
                if source is None or unit.get("translate") == "no":
                    continue
                if not self.retranslate and _has_text(target) and target.get("state") not in _UNTRANSLATED_12:
                    continue
                units.append((unit, source, target))
        else:
            for unit in root.iter(f"{{{XLIFF_2}}}unit"):
                if unit.get("translate") == "no":
                    continue
                for segment in unit.iter(f"{{{XLIFF_2}}}segment"):
                    source, target = segment.find(f"{{{XLIFF_2}}}source"), segment.find(f"{{{XLIFF_2}}}target")
                    if source is None:
                        continue
                    if not self.retranslate and _has_text(target) and segment.get("state", "initial") != "initial":
                        continue
                    units.append((segment, source, target))
        return root, namespace, units

    def extract(self, data: bytes, path: str) -> list[str]:
        return [_line(source)[0] for _, source, _ in self._units(data, path)[2]]

    def rebuild(self, data: bytes, path: str, translations: Sequence[str],
                flagged: Sequence[bool] | None = None) -> bytes:
        root, namespace, units = self._units(data, path)
        lines = [_line(source) for _, source, _ in units]
        check_count(path, [line for line, _ in lines], translations)
        flagged = list(flagged) if flagged is not None else [False] * len(units)
        for (holder, source, target), (_, payloads), english, doubtful in zip(units, lines, translations, flagged):
            if target is None:
                target = etree.Element(f"{{{namespace}}}target")
                target.tail = source.tail
                source.addnext(target)
            else:
                for child in list(target):
                    target.remove(child)
                target.text = None
            _write(target, english, payloads)
            if namespace == XLIFF_12:
                target.set("state", NEEDS_REVIEW_12 if doubtful else "translated")
            else:
                holder.set("state", "translated")
                if doubtful:
                    holder.set("subState", NEEDS_REVIEW_2)
                elif holder.get("subState") == NEEDS_REVIEW_2:
                    del holder.attrib["subState"]
        return serialize(root, data)


def _write(target: etree._Element, english: str, payloads: list) -> None:
    parents = [target]

    def add_text(text: str) -> None:
        parent = parents[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    for token in tokens(english, payloads):
        if token.kind == "text":
            add_text(token.value)
        elif token.kind == "open":
            pair = etree.SubElement(parents[-1], token.value.tag, attrib=dict(token.value.attrib))
            parents.append(pair)
        elif token.kind == "close":
            if len(parents) > 1:
                parents.pop()
        else:
            code = copy.deepcopy(token.value)
            code.tail = None
            parents[-1].append(code)
