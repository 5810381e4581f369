"""Term mining: candidates from the archive and from committed mixed samples (tests/data/mine)."""

import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from koen.cli.glossary import app
from glossary.lint import lint_file, lint_text
from glossary.match import Matcher
from glossary.mine import (
    MemorySuggestions,
    archive_glosses,
    candidates_to_text,
    mine,
    read_documents,
)
from glossary.termbase import Termbase, default_glossary_path, match_key
from mt.memory import TranslationMemory

from conftest import ARCHIVE, DATA

SAMPLES = DATA / "mine" / "mixed-releases.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def starter():
    return Termbase.load(default_glossary_path())


@pytest.fixture(scope="module")
def archive_docs():
    return read_documents(ARCHIVE)


@pytest.fixture(scope="module")
def sample_docs():
    return read_documents(SAMPLES)


@pytest.fixture(scope="module")
def archive_empty(archive_docs):
    return mine(archive_docs, Termbase.from_entries([]))


@pytest.fixture(scope="module")
def samples_empty(sample_docs):
    return mine(sample_docs, None)


@pytest.fixture(scope="module")
def samples_starter(sample_docs, starter):
    return mine(sample_docs, starter)


def by_korean(candidates):
    return {c.korean: c for c in candidates}


def test_archive_is_read_as_dated_records(archive_docs):
    assert len(archive_docs) == 20
    first = archive_docs[0]
    assert first.id == "press-releases-2025.txt:3"
    assert str(first.date) == "2025-07-11"
    assert first.title.startswith("City data + AI")
    assert [u.line for u in first.units] == [3, 7]


def test_archive_with_empty_glossary_lists_its_terms_on_top(archive_empty):
    top = [c.korean for c in archive_empty[:15]]
    for expected in ("스마트도시 데이터허브", "스마트도시 데이터허브 시범솔루션 발굴사업", "스마트도시 시범솔루션 발굴사업",
                     "울산광역시", "제주특별자치도", "충청북도", "제천시"):
        assert expected in top, (expected, top)
    assert top.index("스마트도시 데이터허브") < 5
    found = by_korean(archive_empty)
    assert found["스마트도시 데이터허브 시범솔루션 발굴사업"].kind == "programme"
    assert found["울산광역시"].kind == "place"
    # Pieces that never occur outside a longer phrase, verbs and lone common nouns are not terms.
    for absent in ("데이터허브 시범솔루션", "선정", "결과", "지역 선정", "공모 결과", "제천시 공동수행"):
        assert absent not in found
    hub = found["스마트도시 데이터허브"]
    assert hub.count == 2 and hub.documents == 1
    assert 1 <= len(hub.contexts) <= 3
    assert all(c.doc_id == "press-releases-2025.txt:3" and str(c.date) == "2025-07-11" for c in hub.contexts)
    assert all("스마트도시 데이터허브" in c.text for c in hub.contexts)


def _covered_by(termbase, surface):
    hits = Matcher(termbase, statuses=("approved", "candidate", "deprecated"), title_context=False).find(surface)
    return bool(hits) and hits[0].start == 0 and hits[-1].end == len(surface)


def test_archive_with_starter_glossary_lists_none_of_its_terms(archive_docs, starter):
    candidates = mine(archive_docs, starter)
    forms = {match_key(f) for e in starter.entries for f in e.forms}
    assert candidates, "the archive still has phrases the starter glossary lacks"
    for candidate in candidates:
        assert match_key(candidate.korean) not in forms, candidate.korean
        assert not _covered_by(starter, candidate.korean), candidate.korean
    assert "시범솔루션 발굴사업" in by_korean(candidates)


def test_samples_expected_candidates_and_glosses(samples_empty):
    found = by_korean(samples_empty)
    for expected in ("자율주행 시범운행지구", "국토안전관리원", "버티포트", "노후계획도시", "노후계획도시 정비 선도지구",
                     "시설물통합정보관리시스템", "정밀안전진단", "도심항공교통", "스마트도시 데이터허브"):
        assert expected in found, expected
    assert found["자율주행 시범운행지구"].suggestions[0].english == "Pilot Zone for Autonomous Vehicles"
    assert found["자율주행 시범운행지구"].suggestions[0].source == "archive gloss"
    assert found["국토안전관리원"].english == "Korea Authority of Land & Infrastructure Safety"
    assert found["국토안전관리원"].kind == "organisation"
    assert found["도심항공교통"].english == "UAM"
    assert found["스마트도시 데이터허브"].english == "Smart City Data Hub"
    # The tail of a glossed phrase does not take the whole phrase's gloss.
    assert all(s.source != "archive gloss" for s in found["시범운행지구"].suggestions)
    # 버티포트 occurs in two documents: a lone noun kept for its spread; 가이드라인 (one document) is not.
    assert found["버티포트"].documents == 2 and "가이드라인" not in found


def test_spacing_variants_and_particles_make_one_candidate(samples_empty):
    hubs = [c for c in samples_empty if match_key(c.korean) == "스마트도시데이터허브"]
    assert len(hubs) == 1
    # 스마트 도시 데이터 허브에, (스마트도시 데이터허브), 스마트도시 데이터허브를
    assert hubs[0].count == 3 and hubs[0].documents == 2
    assert hubs[0].korean == "스마트도시 데이터허브"
    assert {c.doc_id for c in hubs[0].contexts} == {"mixed-releases.txt:3", "mixed-releases.txt:27"}


def test_samples_with_starter_drop_known_terms(samples_starter, starter):
    found = by_korean(samples_starter)
    for known in ("국토교통부", "국토부", "도심항공교통", "스마트도시 데이터허브", "데이터허브", "스마트도시", "한국교통안전공단"):
        assert known not in found, known
    for candidate in samples_starter:
        assert not _covered_by(starter, candidate.korean), candidate.korean
    for new in ("자율주행 시범운행지구", "국토안전관리원", "버티포트", "노후계획도시"):
        assert new in found


def test_ranking_prefers_frequent_and_spread_terms(samples_empty):
    scores = [c.score for c in samples_empty]
    assert scores == sorted(scores, reverse=True)
    found = by_korean(samples_empty)
    assert found["노후계획도시"].score > found["노후계획도시 특별법"].score


def test_rejected_candidates_are_not_proposed_again(sample_docs, starter):
    entries = list(starter.entries)
    rejected = Termbase.from_text("korean\tenglish\taliases\tkind\tstatus\tvalid_from\tvalid_to\tdnt\tnote\n"
                                  "버티포트\tvertiport\t\tgeneral\tdeprecated\t\t\t\trejected\n")
    again = by_korean(mine(sample_docs, Termbase.from_entries(entries + rejected.entries)))
    assert "버티포트" not in again and "노후계획도시" in again


def test_output_is_lint_clean_candidate_rows(samples_empty, tmp_path, starter):
    text = candidates_to_text(samples_empty, "mixed-releases.txt")
    assert lint_text(text, "candidates.tsv") == []
    rows = Termbase.from_text(text).entries
    assert len(rows) == len(samples_empty)
    assert {r.status for r in rows} == {"candidate"}
    uav = next(r for r in rows if r.korean == "자율주행 시범운행지구")
    assert "(archive gloss)" in uav.note and "[mixed-releases.txt:3 2025-05-14]" in uav.note
    placeholder = next(r for r in rows if r.korean == "정밀안전진단")
    assert placeholder.english == "jeongmilanjeonjindan" and "romanized placeholder" in placeholder.note
    # The editor's workflow: import the candidates into the glossary, which stays lint clean.
    glossary = tmp_path / "g.tsv"
    shutil.copy(default_glossary_path(), glossary)
    starter_rows = candidates_to_text(mine(read_documents(SAMPLES), starter), "mixed-releases.txt")
    (tmp_path / "c.tsv").write_text(starter_rows, encoding="utf-8")
    result = runner.invoke(app, ["import", str(tmp_path / "c.tsv"), "-g", str(glossary)])
    assert result.exit_code == 0, result.output
    assert lint_file(glossary) == []


def test_translation_memory_comes_after_the_archive_gloss(sample_docs, tmp_path):
    db = tmp_path / "memory.sqlite"
    written = TranslationMemory(db)
    written.bind({"backend": "transformers", "model": "model-a"}).put_many({
        "국토안전관리원": "Korea Authority of Land and Infrastructure Safety",
        "정밀안전진단": "precision safety diagnosis",
        "버티포트": "버티포트",  # Hangul left in: never a suggestion
    })
    written.bind({"backend": "transformers", "model": "model-b"}).put_many({"정밀안전진단": "close safety inspection"})
    written.close()
    memory = MemorySuggestions(db)
    assert memory.warning == ""
    found = by_korean(mine(sample_docs, None, memory=memory))
    authority = found["국토안전관리원"].suggestions
    assert [s.source for s in authority] == ["archive gloss", "translation memory, model-a"]
    # each model's translation is its own suggestion, labelled with the model that made it
    assert [(s.english, s.source) for s in found["정밀안전진단"].suggestions[:2]] == [
        ("precision safety diagnosis", "translation memory, model-a"),
        ("close safety inspection", "translation memory, model-b")]
    assert found["버티포트"].suggestions[0].source.startswith("romanized")


def test_missing_or_foreign_memory_is_skipped_with_a_warning(tmp_path):
    assert "no translation memory" in MemorySuggestions(tmp_path / "none.sqlite").warning
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 10)
    assert MemorySuggestions(junk).warning
    assert MemorySuggestions(junk).lookup("버티포트") == []
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE segments (source TEXT, translation TEXT)")
    assert MemorySuggestions(foreign).warning and MemorySuggestions(foreign).lookup("버티포트") == []


def test_archive_glosses_both_directions_and_appositions():
    text = "국토교통부는 도심항공교통(UAM) 노선을"
    start = text.index("도심항공교통")
    assert archive_glosses(text, start, start + 6) == ["UAM"]
    text = "the 'Smart City Data Hub(스마트도시 데이터허브)' service"
    start = text.index("스마트도시")
    assert archive_glosses(text, start, start + len("스마트도시 데이터허브")) == ["Smart City Data Hub"]
    text = "Ministry of Land, Infrastructure, and Transport(장관 박상우)는"
    start = text.index("장관")
    assert archive_glosses(text, start, start + len("장관 박상우")) == []


def test_cli_writes_candidates_with_model_suggestions(tmp_path):
    out = tmp_path / "candidates.tsv"
    result = runner.invoke(app, ["mine", str(SAMPLES), "-g", "none", "-o", str(out), "--limit", "5",
                                 "--model", "romanize", "--backend", "romanize"])
    assert result.exit_code == 0, result.output
    rows = Termbase.load(out).entries
    assert len(rows) == 5
    assert all("(model romanize)" in r.note for r in rows)
    assert lint_file(out) == []


def test_cli_errors_are_one_line(tmp_path, capsys):
    from koen.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["glossary", "mine", str(tmp_path / "missing.txt")])
    assert exit_info.value.code == 2
    assert "koen: error:" in capsys.readouterr().err


def test_a_schema_1_memory_still_gives_suggestions(sample_docs, tmp_path):
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as con:
        con.executescript("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE models (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, identity TEXT NOT NULL);
            CREATE TABLE segments (model INTEGER NOT NULL, source TEXT NOT NULL, translation TEXT NOT NULL,
                                   PRIMARY KEY (model, source)) WITHOUT ROWID;
            INSERT INTO meta VALUES ('schema', '1');
            INSERT INTO models VALUES (1, 'k', '{"model": "old-model"}');
            INSERT INTO segments VALUES (1, '정밀안전진단', 'precision safety diagnosis');
        """)
    memory = MemorySuggestions(db)
    assert memory.warning == ""
    assert [(s.english, s.source) for s in memory.lookup("정밀안전진단")] == [
        ("precision safety diagnosis", "translation memory, old-model")]
