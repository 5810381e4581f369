"""The Review grid on a large job, run by hand (never by the test suite):

    python bench/review_grid.py                    # 10,000 segments
    python bench/review_grid.py --segments 2000

Writes a synthetic job (records.jsonl with one translated span per record, Korean sentences made
from tests/data/corpus/flores200-dev.200.ko by seeded edits, every seventh flagged, and an empty
translation memory), serves it with the real app through Starlette's TestClient and prints the
time of: the first page (reading the job and building the fuzzy index), a page after that, a
filtered page, the last page, and one approval with the page that follows it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from glossary.termbase import default_glossary_path  # noqa: E402
from koen.workbench.app import create_app  # noqa: E402
from mt.memory import TranslationMemory  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus" / "flores200-dev.200.ko"


def write_job(outdir: Path, count: int) -> None:
    rng = random.Random(5)
    sentences = [line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    pool = [w for s in sentences for w in s.split()]
    outdir.mkdir(parents=True)
    with open(outdir / "records.jsonl", "w", encoding="utf-8") as out:
        for n in range(count):
            words = rng.choice(sentences).split()
            words.insert(rng.randrange(len(words) + 1), f"{n}번")
            words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
            korean = " ".join(words)
            flagged = n % 7 == 0
            span = {"start": 0, "end": len(korean), "kind": "translate", "source": korean,
                    "translation": f"English of segment {n}", "origin": "model",
                    "confidence": -2.0 if flagged else -0.4, "flags": [], "warnings": []}
            record = {"id": str(n), "location": f"bench:{n}", "date": "2025-07-11", "meta": {},
                      "source": {"title": f"Release {n}", "body": korean},
                      "translation": {"title": f"Release {n}", "body": span["translation"]},
                      "audit": {"body": [{"line": 1, "spans": [span], "terms": [], "numbers": [], "digit_runs": [],
                                          "warnings": []}]},
                      "warnings": [], "provenance": {}}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    TranslationMemory(outdir / "translation-memory.sqlite").close()


def timed(label: str, call) -> object:
    started = time.perf_counter()
    result = call()
    print(f"{label}: {1000 * (time.perf_counter() - started):.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        outdir = Path(tmp) / "out"
        write_job(outdir, args.segments)
        glossary = Path(tmp) / "glossary.tsv"
        glossary.write_bytes(default_glossary_path().read_bytes())
        base = "http://127.0.0.1:8766"
        with TestClient(create_app(glossary, archive_output=outdir), base_url=base) as web:
            web.headers["Origin"] = base
            page = timed("first page (reads the job, builds the fuzzy index)", lambda: web.get("/review")).text
            progress = re.search(r"<strong>([^<]+)</strong>", page).group(1)
            pages = re.search(r"page 1 of (\d+)", page).group(1)
            print(f"  {progress}; {pages} pages of 50")
            timed("next page", lambda: web.get("/review?page=2"))
            timed("flagged only", lambda: web.get("/review?flag=low-confidence"))
            timed("search", lambda: web.get("/review?q=segment 9999"))
            timed("last page", lambda: web.get(f"/review?page={pages}"))
            item = re.search(r'id="item-([0-9a-f]{12})"', page).group(1)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            timed("approve and the page after it", lambda: web.post(f"/review/{item}", data={
                "csrf": csrf, "revision": "0", "action": "approve", "english": "Approved", "override": "bench"}))


if __name__ == "__main__":
    main()
