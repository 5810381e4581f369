"""Fuzzy matches from the memory (mt/fuzzy.py): the CAT scale, numbers substituted at 99, the
index answering what a full scan answers, and near-exact matches never applied by a rerun."""

from __future__ import annotations

import random
import re

from hypothesis import given, strategies as st
from rapidfuzz import fuzz, process

from desk_helpers import client, desk_job, form_of, items_of
from fuzz_settings import FUZZ
from mt.fuzzy import FuzzyEntry, FuzzyIndex, band
from mt.memory import normalise

from conftest import ROOT

CORPUS = ROOT / "tests" / "data" / "corpus" / "flores200-dev.200.ko"
SENTENCES = [line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
WORDS = st.sampled_from(sorted({w for s in SENTENCES[:50] for w in s.split() if not re.search(r"\d", w)}))


@FUZZ
@given(st.lists(WORDS, min_size=3, max_size=10), st.lists(st.integers(0, 99999), min_size=1, max_size=3, unique=True),
       st.lists(st.integers(0, 99999), min_size=1, max_size=3), st.booleans())
def test_a_match_differing_only_in_numbers_is_99_with_the_sources_numbers(words, old, new, reverse):
    new = (new + old)[:len(old)]
    korean = " ".join(words[:2] + [f"{n}개" for n in old] + words[2:])
    # English may put the numbers in another order than the Korean.
    english = "Selected " + " and ".join(f"{n} regions" for n in (old[::-1] if reverse else old)) + "."
    index = FuzzyIndex([FuzzyEntry(korean, english, "human")])
    query = " ".join(words[:2] + [f"{n}개" for n in new] + words[2:])
    [match] = index.lookup(query)
    if new == old:
        assert match.score == 100 and match.english == english
    else:
        assert match.score == 99 and match.why == "numbers"
        pairs = list(zip(old, new))
        assert match.english == "Selected " + " and ".join(f"{n} regions" for _, n in (pairs[::-1] if reverse else pairs)) + "."

    ambiguous = FuzzyIndex([FuzzyEntry(f"{words[0]} 7개 7명", "7 teams of 7", "human")]).lookup(f"{words[0]} 7개 8명")
    assert ambiguous[0].score == 95 and ambiguous[0].english == "7 teams of 7"      # offered, not rewritten


@FUZZ
@given(st.lists(WORDS, min_size=3, max_size=10), st.sampled_from(["spacing", "punctuation"]))
def test_spacing_or_punctuation_only_scores_98_or_97(words, change):
    korean = " ".join(words) + "."
    query = "  ".join(words) + "." if change == "spacing" else " ".join(words) + ","
    if normalise(query) == normalise(korean):
        return
    [match] = FuzzyIndex([FuzzyEntry(korean, "English", "machine")]).lookup(query)
    assert match.score == (98 if change == "spacing" else 97) and match.band == "95-99"


def test_bands():
    assert [band(s) for s in (100, 99, 95, 94, 85, 84, 75)] == ["100", "95-99", "95-99", "85-94", "85-94",
                                                                 "75-84", "75-84"]


def test_the_index_finds_the_best_match_a_full_scan_finds():
    rng = random.Random(3)
    pool = [w for s in SENTENCES for w in s.split()]
    entries = []
    for n in range(3000):
        words = rng.choice(SENTENCES).split()
        for _ in range(rng.randint(0, 4)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
        entries.append(FuzzyEntry(" ".join(words), f"english {n}", "human"))
    index = FuzzyIndex(entries)
    keys = [normalise(e.korean) for e in entries]
    for _ in range(150):
        words = rng.choice(SENTENCES).split()
        del words[rng.randrange(len(words))]
        words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
        query = " ".join(words)
        best = process.extractOne(normalise(query), keys, scorer=fuzz.ratio, score_cutoff=75)
        found = index.lookup(query, limit=1)
        if best is None:
            assert not found or found[0].score >= 95        # near-exact on letters, below 75 by edit ratio
            continue
        assert found, query
        expected = 100 if best[1] == 100 else min(94, int(best[1]))
        assert found[0].score == expected or found[0].score >= 95


def test_the_grid_offers_a_fuzzy_match_with_its_percentage_and_a_rerun_never_applies_it(tmp_path):
    from desk_helpers import run_job

    glossary, outdir = desk_job(tmp_path)
    items = items_of(outdir)
    first, numbers_only = items[0], items[1]
    english = "The Ministry of Land, Infrastructure and Transport selected 3 regions in the 2025 Smart City public competition."
    with client(glossary, outdir) as web:
        page = web.get("/review").text
        assert web.post(f"/review/{first.id}", data={**form_of(page, first.id), "action": "approve",
                                                     "english": english}).status_code == 200
        page = web.get("/review").text
    row = page.split(f'id="item-{numbers_only.id}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="percent">99%</span>' in row
    assert english.replace("3 regions", "5 regions").replace("2025", "2026") in row
    run_job(tmp_path / "listing.txt", outdir)                    # the rerun: only the exact span is the editor's
    rerun = {item.id: item for item in items_of(outdir)}
    assert rerun[first.id].origin == "human" and rerun[numbers_only.id].origin != "human"
