"""Exchange in CAT terms: the TMX export (Korean as written, standard attributes, machine units
marked, nothing stripped silently), the strict TMX import (machine-like units, inline codes,
duplicates, one transaction), XLIFF import through the approval checks, and calibration."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, strategies as st

from desk_helpers import desk_job, items_of
from fuzz_settings import FUZZ
from glossary.formats.tmx import read_units
from koen import exchange
from koen.archive import approval, calibrate
from koen.archive import review as loop
from mt.memory import APPROVED, TranslationMemory, normalise
from test_review import koen


@pytest.fixture()
def job(tmp_path):
    return desk_job(tmp_path)


def tmx(units: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="ko" segtype="sentence" '
            'o-tmf="x" adminlang="en" datatype="plaintext" creationtool="t" creationtoolversion="1"/><body>'
            + units + "</body></tmx>")


def tu(korean: str, english: str, props: str = "", ko_props: str = "", attributes: str = "") -> str:
    return (f'<tu{attributes}>{props}<tuv xml:lang="ko">{ko_props}<seg>{korean}</seg></tuv>'
            f'<tuv xml:lang="en"><seg>{english}</seg></tuv></tu>')


def test_the_tmx_export_is_keyed_by_the_korean_as_written_with_standard_attributes(job, tmp_path):
    _, outdir = job
    items = items_of(outdir)
    koen("review", "approve", outdir, items[0].id, "--english", "An editor's English", "--override", "t",
         "--editor", "kim")
    out = tmp_path / "m.tmx"
    koen("memory", "export", outdir, "-o", out)
    units = read_units(out.read_bytes(), str(out))
    written = {item.korean.strip() for item in items}
    assert {unit.texts["ko"] for unit in units} == written           # every span, as the document writes it
    for unit in units:
        attributes = unit.attributes
        assert attributes["tuid"].startswith(("koen-human-", "koen-machine-"))
        assert attributes["creationid"] and re.fullmatch(r"\d{8}T\d{6}Z", attributes["creationdate"])
        if unit.props["x-origin"] == "human":
            assert attributes["changeid"] == "kim" and re.fullmatch(r"\d{8}T\d{6}Z", attributes["changedate"])
            assert unit.texts["en"] == "An editor's English"
        else:
            assert attributes["tuid"].startswith("koen-machine-") and "x-model" in unit.props
    assert "<note>machine translation by romanize, not reviewed</note>" in out.read_text(encoding="utf-8")


MACHINE_MARKS = [
    tu("구간 하나", "One", '<prop type="x-origin">Machine</prop>'),
    tu("구간 둘", "Two", '<prop type="x-origin"> machine </prop>'),
    tu("구간 셋", "Three", '<prop type="x-origin">human</prop><prop type="x-origin">machine</prop>'),
    tu("구간 넷", "Four", '<prop type="x-origin">machine</prop><prop type="x-origin">human</prop>'),
    tu("구간 다섯", "Five", ko_props='<prop type="x-origin">machine</prop>'),
    tu("구간 여섯", "Six", '<prop type="x-model">opus</prop>'),
    tu("구간 일곱", "Seven", '<prop type="x-confidence">-0.3</prop>'),
    tu("구간 여덟", "Eight", attributes=' tuid="koen-machine-0123456789ab"'),
    tu("구간 아홉", "Nine", '<prop type="X-ORIGIN">MT</prop>'),
]


def test_tmx_import_treats_anything_machine_like_as_machine(tmp_path):
    path = tmp_path / "in.tmx"
    path.write_text(tmx("".join(MACHINE_MARKS) + tu("구간 열", "Ten", '<prop type="x-origin">HUMAN </prop>')),
                    encoding="utf-8")
    memory = TranslationMemory(tmp_path / "m.sqlite")
    try:
        imported, skipped = exchange.import_tmx(memory, path, "kim")
        assert imported == 1 and len(skipped) == len(MACHINE_MARKS)
        assert memory.human_translations(["구간 열", "구간 하나"]) == {"구간 열": "Ten"}
    finally:
        memory.close()


@FUZZ
@given(st.sampled_from(["machine", "Machine", "MACHINE", " machine", "machine ", "\tMachine\n", "mt", "model"]),
       st.booleans())
def test_fuzz_tmx_import_skips_any_spelling_of_a_machine_origin(tmp_path_factory, origin, on_variant):
    folder = tmp_path_factory.mktemp("tmx")
    prop = f'<prop type="x-origin">{origin}</prop>'
    path = folder / "in.tmx"
    path.write_text(tmx(tu("국토교통부", "MOLIT", "" if on_variant else prop, prop if on_variant else "")),
                    encoding="utf-8")
    memory = TranslationMemory(folder / "m.sqlite")
    try:
        assert exchange.import_tmx(memory, path, "kim")[0] == 0 and memory.approved_count() == 0
    finally:
        memory.close()


def test_inline_codes_duplicates_and_a_failed_import_leave_nothing_half_done(tmp_path, monkeypatch):
    path = tmp_path / "in.tmx"
    path.write_text(tmx(
        tu("첫째", 'Hello <ph x="1">&lt;b&gt;</ph>world') + tu("둘째", '<bpt i="1">&lt;i&gt;</bpt>x<ept i="1"/>')
        + tu("셋째", "Third") + tu("셋째", "Third, other") + tu("넷째", "Fourth") + tu("넷째", "Fourth")
        + tu("다섯째", "Fifth") + tu("여섯째", "Sixth")), encoding="utf-8")
    memory = TranslationMemory(tmp_path / "m.sqlite")
    try:
        imported, skipped = exchange.import_tmx(memory, path, "kim")
        assert imported == 3                                  # 넷째 (once), 다섯째, 여섯째
        assert memory.human_translations(["첫째", "둘째", "셋째", "넷째"]) == {"넷째": "Fourth"}
        assert sum("inline codes" in s for s in skipped) == 2 and sum("neither imported" in s for s in skipped) == 1
    finally:
        memory.close()
    calls = []
    real = approval.record_decision

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt        # killed in the middle of the import
        return real(*args, **kwargs)

    monkeypatch.setattr(approval, "record_decision", failing)
    fresh = TranslationMemory(tmp_path / "fresh.sqlite")
    try:
        with pytest.raises(KeyboardInterrupt):
            exchange.import_tmx(fresh, path, "kim")
        assert fresh.approved_count() == 0
    finally:
        fresh.close()


UNSAFE_FOR_XML = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


@FUZZ
@given(st.lists(st.tuples(UNSAFE_FOR_XML, UNSAFE_FOR_XML), min_size=1, max_size=6))
def test_fuzz_tmx_round_trip_never_moves_an_approval_or_changes_its_english(tmp_path_factory, pairs):
    folder = tmp_path_factory.mktemp("round")
    memory = TranslationMemory(folder / "m.sqlite")
    original = {}
    try:
        for korean, typed in pairs:
            key = normalise("구간 " + korean)
            english = " ".join(typed.split())          # stored as approvals are: spacing collapsed
            if key in original or not english:
                continue
            memory.set_review(key, APPROVED, english, "kim", None, memory.review(key).revision)
            original[key] = english
        data, left_out = exchange.export_memory(memory, "tmx")
    finally:
        memory.close()
    (folder / "m.tmx").write_bytes(data)
    fresh = TranslationMemory(folder / "fresh.sqlite")
    try:
        exchange.import_tmx(fresh, folder / "m.tmx", "lee")
        back = {review.source: review.english for review in fresh.all_reviews() if review.state == APPROVED}
    finally:
        fresh.close()
    for key, english in back.items():
        assert key in original and original[key] == english      # nothing moved, nothing changed
    assert len(back) + len(left_out) >= len([k for k, e in original.items() if approval_allowed(e)])


def approval_allowed(english: str) -> bool:
    try:
        approval.clean_english(english)
        return True
    except Exception:
        return False


def test_xliff_import_runs_the_approval_checks_and_records_history(job, tmp_path):
    _, outdir = job
    items = items_of(outdir)
    exported = tmp_path / "review.xlf"
    koen("review", "export", outdir, "--format", "xliff", "-o", exported)
    text = exported.read_text(encoding="utf-8")
    good, bad = items[0], items[-1]
    better = good.english.replace("gyeolgwa", "results")
    text = text.replace(f"<target state=\"translated\">{good.english}</target>",
                        f"<target state=\"translated\">{better}</target>")
    text = text.replace(f"<target state=\"translated\">{bad.english}</target>",
                        "<target state=\"translated\">again</target>")
    exported.write_text(text, encoding="utf-8")
    done = koen("review", "import", exported, "--editor", "park", check=False)
    assert done.returncode == 1 and "1 approved" in done.stderr and "1 refused" in done.stderr
    assert f"unit {bad.id}: refused" in done.stderr
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    try:
        assert memory.human_translations([good.korean]) == {good.korean: better}
        assert [(h.editor, h.via, h.replaced) for h in approval.history(memory, good.korean)] == [
            ("park", "xliff import", good.english)]
    finally:
        memory.close()
    again = koen("review", "import", exported, "--editor", "park", check=False)     # the same file again
    assert f"unit {good.id}: decided by someone else" not in again.stderr or "0 approved" in again.stderr


def test_calibration_measures_flagging_against_editors_decisions():
    decided = [calibrate.Decision(confidence, False, changed)
               for confidence, changed in [(-3.0, True), (-2.5, True), (-2.0, False), (-1.8, True), (-1.0, False),
                                           (-0.5, False), (-0.2, False), (-1.2, True)]]
    at = calibrate.score(decided, -1.5)
    assert (at.flagged, at.precision, at.recall) == (4, 3 / 4, 3 / 4)
    best = calibrate.suggest(decided, -1.5)
    assert best.f1 >= at.f1 and -1.2 < best.threshold <= -1.0
    everything = calibrate.score(decided, 0.0)
    assert everything.recall == 1.0 and everything.precision == 4 / 8


def test_review_calibrate_reads_the_decisions_of_a_job(job):
    _, outdir = job
    items = items_of(outdir)
    koen("review", "approve", outdir, items[0].id, "--english", items[0].english)            # kept as is
    koen("review", "approve", outdir, items[1].id, "--english", "changed", "--override", "t")
    koen("review", "reject", outdir, items[2].id)
    report = json.loads(koen("review", "calibrate", outdir, "--json").stdout)
    assert report["decisions"] == 3 and report["changed"] == 1 and report["enough"] is False
    assert "only 3 decisions" in koen("review", "calibrate", outdir).stderr
