"""The post-editing loop: confidence and origin per span, the review queue, approvals reused by
reruns, TMX exchange, concurrent approvals, kill -9 during an approval, --backend none."""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive_helpers import output_files
from koen.archive import review as loop
from mt.backends import load_backend
from koen.archive.job import ArchiveJob
from mt.archive.readers import open_reader
from mt.memory import APPROVED, ReviewConflict, TranslationMemory, normalise
from mt.results import WarningCode

from conftest import ARCHIVE

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def koen(*args, check=True, stdin=None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "koen", *map(str, args)], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, input=stdin)
    if check and done.returncode != 0:
        raise AssertionError(f"koen {' '.join(map(str, args))} exited {done.returncode}: {done.stderr}")
    return done


def records(outdir: Path) -> list[dict]:
    return [json.loads(line) for line in (outdir / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def test_confidence_is_the_same_per_token_mean_for_both_model_backends(tiny_marian, tmp_path):
    from mt.backends.ct2 import convert_checkpoint

    ct2_dir = convert_checkpoint(str(tiny_marian), tmp_path / "ct2", quantization="float32")
    texts = ["국토교통부는 오늘 발표하였다.", "서울"]
    hf = load_backend("transformers", model=str(tiny_marian), device="cpu").translate_scored(texts)
    ct = load_backend("ctranslate2", model=str(ct2_dir), device="cpu").translate_scored(texts)
    for a, b in zip(hf, ct):
        assert a.confidence is not None and b.confidence is not None
        assert -20 < a.confidence < 0 and -20 < b.confidence < 0      # a per-token mean, not a sum
        assert abs(a.confidence - b.confidence) < 0.5, (a, b)
    # CTranslate2's score is the mean over the generated tokens: rescoring the hypothesis agrees.
    backend = load_backend("ctranslate2", model=str(ct2_dir), device="cpu")
    tokens = backend.tokenizer.convert_ids_to_tokens(backend.tokenizer(texts[1])["input_ids"])
    result = backend.translator.translate_batch([tokens], beam_size=1, return_scores=True, max_decoding_length=6,
                                                end_token="0")[0]
    rescored = backend.translator.score_batch([tokens], [result.hypotheses[0] + ["0"]])[0].log_probs
    generated = rescored[:len(result.hypotheses[0]) + 1]
    assert result.scores[0] == pytest.approx(sum(generated) / len(generated), abs=1e-3)


def test_the_loop_end_to_end_with_a_random_model(tiny_marian, tmp_path):
    outdir = tmp_path / "out"
    koen("archive", "translate", ARCHIVE, outdir, "--model", tiny_marian, "--device", "cpu")
    first = records(outdir)
    spans = [s for r in first for lines in r["audit"].values() for line in lines for s in line["spans"]
             if "translation" in s]
    assert spans and all(s["origin"] == "model" and -20 < s["confidence"] < 0 for s in spans)

    listed = json.loads(koen("review", "list", outdir, "--json").stdout)["items"]
    assert listed, "a random model's output must be flagged"
    assert all("low-confidence" in item["reasons"] for item in listed)
    order = [loop.SEVERITY.index(loop.WarningCode(min(i["reasons"], key=lambda r: loop.SEVERITY.index(
        loop.WarningCode(r))))) for i in listed]
    assert order == sorted(order)                                  # most doubtful first
    item = listed[0]
    assert item["marked"].count("⟦") == 1 and f"⟦{item['korean']}⟧" in item["marked"]
    assert json.loads(koen("review", "list", outdir, "--json").stdout)["items"][0]["id"] == item["id"]   # stable

    before = output_files(outdir)
    english = "The approved English of this span"
    koen("review", "approve", outdir, item["id"], "--english", english, "--editor", "kim",
         "--override", "a random model: nothing to keep")
    rerun = koen("archive", "translate", ARCHIVE, outdir, "--model", tiny_marian, "--device", "cpu")
    assert "0 translated now" in rerun.stderr and "re-rendered with editors' translations" in rerun.stderr
    after = records(outdir)
    assert english in (outdir / "rendered" / ARCHIVE.name).read_text(encoding="utf-8")
    changed = [i for i, (a, b) in enumerate(zip(first, after)) if a != b]
    holding = [i for i, r in enumerate(first) if any(s["source"] == item["korean"] for lines in r["audit"].values()
                                                     for line in lines for s in line["spans"])]
    assert changed == holding
    for index in changed:
        human = [s for lines in after[index]["audit"].values() for line in lines for s in line["spans"]
                 if s.get("origin") == "human"]
        assert human and all(s["translation"] == english for s in human)
        assert english in "".join(after[index]["translation"].values())
    old_lines = before["records.jsonl"].decode().splitlines()
    new_lines = (outdir / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert [a == b for a, b in zip(old_lines, new_lines)] == [i not in changed for i in range(len(old_lines))]
    assert json.loads((outdir / "summary.json").read_text())["human_spans"] >= 1
    assert item["id"] not in {i["id"] for i in json.loads(koen("review", "list", outdir, "--json").stdout)["items"]}

    # TMX export and import round trip: the human entry arrives; machine output is not laundered.
    tmx = tmp_path / "memory.tmx"
    koen("memory", "export", outdir, "--format", "tmx", "-o", tmx)
    text = tmx.read_text(encoding="utf-8")
    assert 'type="x-origin">human' in text and 'type="x-origin">machine' in text and 'type="x-editor">kim' in text
    koen("memory", "init", tmp_path / "fresh.sqlite")        # importing needs a memory that exists
    koen("memory", "import", tmx, "--memory", tmp_path / "fresh.sqlite")
    fresh = TranslationMemory(tmp_path / "fresh.sqlite")
    try:
        assert fresh.human_translations([item["korean"]]) == {item["korean"]: english}
        assert fresh.approved_count() == 1 and fresh.review(item["korean"]).editor == "kim"
    finally:
        fresh.close()
    tsv = tmp_path / "memory.tsv"
    koen("memory", "export", tmp_path / "fresh.sqlite", "--format", "tsv", "-o", tsv)
    assert f"human\t{normalise(item['korean'])}\t{english}\tkim" in tsv.read_text(encoding="utf-8")

    # `koen translate --memory` uses the human translation too (no model needed for it).
    line = next(occurrence for occurrence in [item["source_line"]])
    done = koen("translate", "--backend", "none", "--glossary", "none", "--memory", outdir / "translation-memory.sqlite",
                "--format", "jsonl", check=False, stdin=line + "\n")
    audit = json.loads(done.stdout.splitlines()[0])
    assert any(s.get("origin") == "human" and s["translation"] == english for s in audit["spans"])


def test_review_commands_refuse_bad_input(tmp_path):
    outdir = tmp_path / "out"
    koen("archive", "translate", ARCHIVE, outdir, "--backend", "romanize")
    tm = TranslationMemory(outdir / "translation-memory.sqlite")
    any_id = next(iter(loop.collect(records(outdir), tm)))
    tm.close()
    for args, message in [(["nope", "--english", "x"], "no span with id 'nope'"),
                          ([any_id, "--english", "  "], "is empty"),
                          ([any_id, "--english", "서울 City"], "holds Hangul")]:
        done = koen("review", "approve", outdir, *args, check=False)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert "no span with id" in koen("review", "reject", outdir, "zzz", check=False).stderr
    assert "no records.jsonl" in koen("review", "list", tmp_path, check=False).stderr


def test_concurrent_approval_of_one_span_one_wins(tmp_path):
    path = tmp_path / "memory.sqlite"
    TranslationMemory(path).close()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def editor(name: str) -> None:
        memory = TranslationMemory(path)       # one connection per client, as two processes would have
        try:
            seen = memory.review("국토교통부는 발표했다").revision        # both loaded the page at revision 0
            barrier.wait()
            memory.set_review("국토교통부는 발표했다", APPROVED, f"{name}'s English", name, "machine", seen)
            outcomes.append(f"won:{name}")
        except ReviewConflict as exc:
            outcomes.append(f"conflict:{name}:{exc}")
        finally:
            memory.close()

    threads = [threading.Thread(target=editor, args=(name,)) for name in ("kim", "lee")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("won:")]
    conflicts = [o for o in outcomes if o.startswith("conflict:")]
    assert len(winners) == 1 and len(conflicts) == 1 and "reviewed by someone else" in conflicts[0]
    memory = TranslationMemory(path)
    review = memory.review("국토교통부는  발표했다")          # the key is normalised: spacing does not matter
    memory.close()
    assert review.revision == 1 and review.english == f"{winners[0][4:]}'s English"


APPROVER = """
import sys
from mt.memory import APPROVED, TranslationMemory
memory = TranslationMemory(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    memory.set_review(f"구간 {n}", APPROVED, f"English {n} " + "x" * 2000, "kim", f"machine {n}", 0)
    n += 1
    if n % 50 == 0:
        print(n, flush=True)
"""


def test_kill_9_during_approvals_never_corrupts_the_memory(tmp_path):
    path = tmp_path / "memory.sqlite"
    TranslationMemory(path).close()
    process = subprocess.Popen([sys.executable, "-c", APPROVER, str(path)], cwd=ROOT, env={**ENV, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        for line in process.stdout:
            if line.strip().isdigit() and int(line) >= 200:
                os.kill(process.pid, signal.SIGKILL)
                break
        assert process.wait() == -signal.SIGKILL
    finally:
        watchdog.cancel()
        process.stdout.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    memory = TranslationMemory(path)
    try:
        rows = memory.all_reviews()
        numbers = sorted(int(r.source.split()[1]) for r in rows)
        assert len(numbers) >= 200 and numbers == list(range(len(numbers)))     # every approval whole, none torn
        for review in rows:
            n = review.source.split()[1]
            assert review.english == f"English {n} " + "x" * 2000 and review.machine == f"machine {n}"
            assert review.revision == 1 and review.state == APPROVED
        memory.set_review("구간 new", APPROVED, "still writable", "lee", None, 0)
    finally:
        memory.close()


def test_a_schema_1_memory_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE models (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, identity TEXT NOT NULL);
        CREATE TABLE segments (model INTEGER NOT NULL, source TEXT NOT NULL, translation TEXT NOT NULL,
                               PRIMARY KEY (model, source)) WITHOUT ROWID;
        INSERT INTO meta VALUES ('schema', '1');
    """)
    db.commit()
    db.close()
    memory = TranslationMemory(path)
    bound = memory.bind({"backend": "x"})
    bound.put_many({"예전 문장": "old sentence"})
    memory.close()
    # a schema-1 file with content: the old rows stay readable, confidence unknown
    memory = TranslationMemory(path)
    assert memory.bind({"backend": "x"}).get_scored(["예전 문장"]) == {"예전 문장": ("old sentence", None)}
    assert memory.connection.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "2"
    memory.close()


def test_backend_none_translates_only_what_glossary_and_editors_cover(tmp_path):
    memory_file = tmp_path / "memory.sqlite"
    memory = TranslationMemory(memory_file)
    memory.set_review("서울에서 회의가 열렸다.", APPROVED, "A meeting was held in Seoul.", "kim", None, 0)
    memory.close()
    text = "국토교통부\n서울에서 회의가 열렸다.\n오늘 새로운 정책을 발표했다.\nEnglish only\n"
    done = koen("translate", "--backend", "none", "--memory", memory_file, "--format", "jsonl", stdin=text, check=False)
    assert done.returncode == 3, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0]["translation"] == "Ministry of Land, Infrastructure and Transport\n"
    assert lines[0]["spans"][0]["origin"] == "protected"
    assert lines[1]["translation"] == "A meeting was held in Seoul.\n" and lines[1]["spans"][0]["origin"] == "human"
    assert lines[2]["translation"] == "오늘 새로운 정책을 발표했다.\n"
    assert lines[2]["spans"][0]["origin"] == "kept" and lines[2]["spans"][0]["untranslated"] is True
    assert lines[3]["translation"] == "English only\n"
    assert lines[-1]["summary"]["untranslated_spans"] == 1 and "1 left untranslated" in done.stderr
    # Kept spans never enter the machine memory (a later model run must translate them).
    memory = TranslationMemory(memory_file)
    assert memory.stats()["segments"] == 0
    memory.close()
    assert koen("translate", "--backend", "none", stdin="국토교통부\n").returncode == 0


def test_archive_with_backend_none_reports_untranslated(tmp_path):
    done = koen("archive", "translate", ARCHIVE, tmp_path / "out", "--backend", "none", check=False)
    assert done.returncode == 3 and "left untranslated" in done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["untranslated_spans"] > 0
    items = json.loads(koen("review", "list", tmp_path / "out", "--json").stdout)["items"]
    assert items and all("untranslated" in i["reasons"] and i["confidence"] is None for i in items)
    assert not math.isnan(summary["untranslated_spans"])


def test_every_flag_a_span_can_carry_ranks_in_the_queue(tmp_path):
    # An impossible date is kept as written and flagged: the queue must rank it like any reason.
    assert set(loop.SEVERITY) == set(WarningCode)
    listing = tmp_path / "dated.txt"
    listing.write_text("Home/Policy/Report\n\nEvent\n\n2025-07-01T10:00:00+09:002025.07.01|Report|\n\n"
                       "행사는 13월 1일~2일에 열린다.\n", encoding="utf-8")
    outdir = tmp_path / "out"
    ArchiveJob(open_reader(listing), outdir, lambda: load_backend("romanize"), {"backend": "romanize"},
               warn=lambda m: None).run()
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    try:
        [item] = loop.queue(loop.collect(loop.read_records(outdir), memory))
    finally:
        memory.close()
    assert WarningCode.NUMBER_KEPT.value in item.reasons


def test_memory_import_finds_languages_by_xml_lang_in_any_order(tmp_path):
    tmx = tmp_path / "cat-tool.tmx"
    tmx.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en-US"/><body>'
                   '<tu><tuv xml:lang="en-US"><seg>Smart City Data Hub</seg></tuv>'
                   '<tuv xml:lang="ko-KR"><seg>스마트도시 데이터허브</seg></tuv></tu>'
                   '<tu><tuv xml:lang="ko_KR"><seg>국토교통부</seg></tuv>'
                   '<tuv xml:lang="eng"><seg>Ministry of Land, Infrastructure and Transport</seg></tuv></tu>'
                   '</body></tmx>', encoding="utf-8")
    koen("memory", "init", tmp_path / "m.sqlite")
    koen("memory", "import", tmx, "--memory", tmp_path / "m.sqlite")
    memory = TranslationMemory(tmp_path / "m.sqlite")
    try:
        assert memory.human_translations(["스마트도시 데이터허브", "국토교통부"]) == {
            "스마트도시 데이터허브": "Smart City Data Hub", "국토교통부": "Ministry of Land, Infrastructure and Transport"}
    finally:
        memory.close()
    bad = tmp_path / "not.tmx"
    bad.write_text("<martif/>", encoding="utf-8")
    result = koen("memory", "import", bad, "--memory", tmp_path / "m.sqlite", check=False)
    assert result.returncode == 2 and "not a TMX file" in result.stderr and "Traceback" not in result.stderr
