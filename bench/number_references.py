"""Numbers against human references, per corpus, run by hand (the test suite runs the same check):

    python bench/number_references.py                        # committed samples and ../shared/corpora
    python bench/number_references.py --misses 20            # also list the first misses per corpus
    python bench/number_references.py --write-disagreements  # rewrite tests/data/numbers/reference-disagreements.tsv

For each Korean source line, the numbers koen forces into any translation (``find_numbers``
renderings) must be stated by the human reference. Printed per corpus: koen's forced numbers and
how many of them the reference states (the **precision** the held-out check measures, goal ≥ 97%),
and the **recall** (of the reference's numbers, the share koen's renderings state; low by nature,
since a reference also states numbers the Korean writes in words koen leaves to the model).

``--write-disagreements`` keeps every explanation already in the list, drops rows that no longer
occur and adds new ones with a suggested reason (weekday, converted unit, dateline, ...): read and
correct each new reason before committing.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.number_match import forced_number_check, match_numbers  # noqa: E402
from mt.numbers import find_numbers  # noqa: E402
from mt.numbers.words import stated_numbers, supported_values  # noqa: E402
from mt.textio import write_text_atomic  # noqa: E402

DISAGREEMENTS = ROOT / "tests" / "data" / "numbers" / "reference-disagreements.tsv"
COLUMNS = ("corpus", "line", "source", "english", "reference", "why")
SAMPLES = [ROOT / "tests" / "data" / "corpus", ROOT / "tests" / "data" / "eval"]
SHARED = ROOT.parent / "shared" / "corpora"

_WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|\b(?:yesterday|today|tomorrow|tonight|"
                      r"last (?:week|month)|this (?:week|month)|next (?:week|month)|weekend)\b", re.I)
_IMPERIAL = re.compile(r"\b(?:miles?|feet|foot|pounds?|inch(?:es)?|yards?|Fahrenheit|acres?|gallons?|mph|"
                       r"square-foot|ounces?)\b|\d\s?°?F\b", re.I)
_METRIC = re.compile(r"\b(?:km|m|kg|cm|mm|ha|tons?|m²|km²|km/h)\b|°C")
_OTHER_CURRENCY = re.compile(r"\$|US\$|\b(?:dollars?|yuan|yen|euros?|pounds?|won)\b|€|£|¥", re.I)


def corpora() -> list[tuple[str, Path, Path]]:
    """(name, Korean file, English file): the committed samples, then ../shared/corpora when present."""
    found = []
    for folder in SAMPLES:
        for ko in sorted(folder.glob("*.ko")):
            en = ko.with_suffix(".en")
            if en.exists():
                found.append((f"samples/{ko.stem}", ko, en))
    if SHARED.is_dir():
        for ko in sorted(SHARED.glob("*/*.ko")):
            en = ko.with_suffix(".en")
            if en.exists():
                found.append((f"shared/{ko.parent.name}/{ko.stem}", ko, en))
    return found


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def misses(name: str, ko: Path, en: Path):
    """(report, rows): the forced check of one corpus, and one row per miss (``why`` empty)."""
    sources, references = lines(ko), lines(en)
    report = forced_number_check(sources, references)
    rows = [{"corpus": name, "line": str(m.line), "source": m.source, "english": m.english,
             "reference": references[m.line - 1][:100], "why": ""} for m in report.misses]
    return report, rows


def forced_recall(sources: list[str], references: list[str]):
    renderings = [" ; ".join(e.english for e in find_numbers(s)) for s in sources]
    return match_numbers(renderings, [references])


def key(row: dict) -> tuple[str, str, str, str]:
    return row["corpus"], row["line"], row["source"], row["english"]


def read_disagreements(path: Path = DISAGREEMENTS) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def suggest_why(row: dict, source_line: str, reference: str) -> str:
    """A first explanation for a new disagreement, from what the reference does instead."""
    english = row["english"]
    shares_any = any(m.matches(supported_values(reference)) for e in find_numbers(source_line)
                     for m in stated_numbers(e.english))
    if re.fullmatch(r"\d{4}\.\d{2}", row["source"]) and source_line.rstrip().endswith(row["source"]):
        return "dateline: the Korean ends with the article's year and month, the reference has no dateline"
    if re.fullmatch(r"the \d+(?:st|nd|rd|th)", english) and _WEEKDAY.search(reference):
        return "weekday: the reference names the day of the week (or today/yesterday) for a bare day of the month"
    if not stated_numbers(reference):
        return "unaligned: the reference states no number at all (free translation or partly aligned pair)"
    if not shares_any:
        return "unaligned: the reference states none of this line's numbers (partly aligned pair)"
    if _METRIC.search(english) and _IMPERIAL.search(reference):
        return "converted: the reference gives the quantity in imperial units"
    if "KRW" in english and _OTHER_CURRENCY.search(reference):
        return "converted: the Korean added a won conversion; the reference gives the original currency"
    return "differs: the reference states another number here (check by hand)"


def write_disagreements(rows: list[dict], sources: dict[str, list[str]], references: dict[str, list[str]]) -> int:
    known = {key(r): r["why"] for r in read_disagreements()}
    added = 0
    for row in rows:
        why = known.get(key(row))
        if why is None:
            line = int(row["line"]) - 1
            why = suggest_why(row, sources[row["corpus"]][line], references[row["corpus"]][line])
            added += 1
        row["why"] = why
    text = "\t".join(COLUMNS) + "\n" + "".join(
        "\t".join(row[c].replace("\t", " ") for c in COLUMNS) + "\n" for row in rows)
    write_text_atomic(DISAGREEMENTS, text)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=0, help="list the first N misses per corpus")
    parser.add_argument("--write-disagreements", action="store_true", help=f"rewrite {DISAGREEMENTS.name}")
    args = parser.parse_args(argv)
    all_rows, sources, references = [], {}, {}
    listed = {key(r) for r in read_disagreements()}
    print(f"{'corpus':34} {'lines':>6} {'forced':>7} {'stated':>7} {'precision':>10} {'recall':>8} {'unlisted':>9}")
    for name, ko, en in corpora():
        report, rows = misses(name, ko, en)
        sources[name], references[name] = lines(ko), lines(en)
        recall = forced_recall(sources[name], references[name]).recall
        unlisted = sum(key(r) not in listed for r in rows)
        precision = "-" if report.precision is None else f"{100 * report.precision:.2f}%"
        print(f"{name:34} {len(sources[name]):>6} {report.numbers:>7} {report.stated:>7} {precision:>10} "
              f"{'-' if recall is None else f'{100 * recall:.1f}%':>8} {unlisted:>9}")
        for row in rows[:args.misses]:
            print(f"    {row['line']:>5} {row['source']!r} -> {row['english']!r}   | {row['reference'][:70]}")
        all_rows.extend(rows)
    if args.write_disagreements:
        added = write_disagreements(all_rows, sources, references)
        print(f"wrote {DISAGREEMENTS} ({len(all_rows)} rows, {added} new: check their reasons)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
