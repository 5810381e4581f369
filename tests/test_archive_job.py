"""The resumable archive job: memory reuse, dates, bad records, settings, and real kill -9 resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive_helpers import BOILERPLATE, CountingBackend, output_files, write_listing
from koen.archive.job import ArchiveJob, JobOptions
from koen.compose import load_terms
from mt.backends import load_backend
from mt.archive.readers import open_reader
from mt.errors import KoenError

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = DATA.parent.parent


def romanize_factory(backends: list):
    def make():
        backend = CountingBackend(load_backend("romanize"))
        backends.append(backend)
        return backend
    return make


def run_job(archive, outdir, backends, memory=None, settings=None, **options):
    job = ArchiveJob(open_reader(archive), outdir, romanize_factory(backends), settings or {"backend": "romanize"},
                     memory_path=memory, options=JobOptions(**{"chunk_records": 4, **options}), warn=lambda m: None)
    return job.run()


def test_rerun_translates_nothing_and_output_is_identical(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 10)
    backends: list[CountingBackend] = []
    first = run_job(archive, tmp_path / "out1", backends)
    # the 3 chunks' 12 unique inputs (10 sentences, the boilerplate, one title) share one batch of 32
    assert first.translated_now == 10 and first.model_loaded and backends[0].calls == 1
    # the boilerplate sentence repeated in every record reached the model once
    assert sum(text.count("스마트도시 확산") for text in backends[0].texts) == 1
    assert (first.memory_hits, first.memory_misses) == (0, len(backends[0].texts))
    expected = output_files(tmp_path / "out1")
    assert set(expected) == {"records.jsonl", "summary.json", "rendered/listing.txt"}
    records = [json.loads(line) for line in expected["records.jsonl"].decode().splitlines()]
    assert [r["id"] for r in records] == [str(n) for n in range(1, 11)]
    assert all(BOILERPLATE not in r["translation"]["body"] and "[...]" in r["translation"]["body"] for r in records)
    assert records[0]["provenance"]["backend"] == "romanize" and records[0]["provenance"]["glossary_sha256"] is None

    again = run_job(archive, tmp_path / "out1", backends)                   # finished: nothing to load
    assert again.translated_now == 0 and not again.model_loaded and len(backends) == 1
    redo = run_job(archive, tmp_path / "out1", backends, redo=True)         # everything again, all from memory
    assert redo.translated_now == 10 and backends[1].calls == 0 and redo.memory_misses == 0
    assert output_files(tmp_path / "out1") == expected
    shared = run_job(archive, tmp_path / "out2", backends, memory=tmp_path / "out1" / "translation-memory.sqlite")
    assert shared.translated_now == 10 and backends[2].calls == 0
    assert output_files(tmp_path / "out2") == expected


def test_record_dates_select_dated_glossary_entries(tmp_path):
    from glossary.termbase import default_glossary_path

    archive = tmp_path / "dated.txt"
    archive.write_text("Home/Policy/Report\n\nOld\n\n2010-05-01T10:00:00+09:002010.05.01|Report|\n\n국토부는 발표하였다.\n\n"
                       "New\n\n2025-07-01T10:00:00+09:002025.07.01|Report|\n\n국토부는 발표하였다.\n", encoding="utf-8")
    job = ArchiveJob(open_reader(archive), tmp_path / "out", romanize_factory([]),
                     {"backend": "romanize"}, terms=load_terms(default_glossary_path()), warn=lambda m: None)
    job.run()
    old, new = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text().splitlines()]
    assert old["date"] == "2010-05-01" and new["date"] == "2025-07-01"
    assert "Ministry of Land, Transport and Maritime Affairs" in old["translation"]["body"]
    assert "Ministry of Land, Infrastructure and Transport" in new["translation"]["body"]
    assert old["audit"]["body"][0]["terms"][0]["expected"] == "Ministry of Land, Transport and Maritime Affairs"


def test_bad_records_stop_the_job_or_are_skipped(tmp_path):
    bad = DATA / "archive-bad" / "no-date-line.txt"
    with pytest.raises(KoenError, match=r"no-date-line.txt:9: record 2: .*no date line"):
        run_job(bad, tmp_path / "stopped", [])
    assert not (tmp_path / "stopped").exists()
    warnings = []
    job = ArchiveJob(open_reader(bad), tmp_path / "out", romanize_factory([]), {}, options=JobOptions(skip_bad=True),
                     warn=warnings.append)
    report = job.run()
    assert report.records == 2 and report.skipped == 1
    assert warnings and "skipped" in warnings[0] and "no-date-line.txt:9" in warnings[0]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["records"] == 2 and summary["skipped"][0]["id"] == "2"
    rendered = (tmp_path / "out" / "rendered" / "no-date-line.txt").read_text().splitlines()
    source = bad.read_text().splitlines()
    assert rendered[8:11] == source[8:11]          # the skipped record is kept as it was
    assert rendered[6] != source[6]                  # record 1's body was translated


def test_changed_settings_do_not_resume(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 3)
    run_job(archive, tmp_path / "out", [], settings={"model": "a"})
    with pytest.raises(KoenError, match="different job") as refused:
        run_job(archive, tmp_path / "out", [], settings={"model": "b"})
    assert "--model a → b" in str(refused.value) and "glossary" not in str(refused.value)
    assert run_job(archive, tmp_path / "out", [], settings={"model": "b"}, redo=True).translated_now == 3


@pytest.mark.parametrize("change,named", [
    ({"settings": {"model": "b", "beam_size": 4}}, "--beam-size 1 → 4"),
    ({"settings": {"model": "b", "glossary_sha256": "f00d"}}, "the glossary"),
    ({"chunk_records": 2}, "--chunk-records"),
    ({"input": True}, "the input's contents"),
])
def test_the_different_job_refusal_names_what_changed(tmp_path, change, named):
    archive = write_listing(tmp_path / "listing.txt", 3)
    run_job(archive, tmp_path / "out", [], settings={"model": "b", "beam_size": 1}, chunk_records=3)
    if change.pop("input", False):
        write_listing(archive, 4)
    options = {"chunk_records": change.get("chunk_records", 3)}
    settings = {"model": "b", "beam_size": 1, **change.get("settings", {})}
    with pytest.raises(KoenError, match="different job") as refused:
        run_job(archive, tmp_path / "out", [], settings=settings, **options)
    message = str(refused.value)
    assert named in message and "the input, model, glossary or options changed" not in message, message
    others = [words for words in ("--beam-size", "the glossary", "--chunk-records", "the input's contents")
              if words not in named]
    assert not any(words in message for words in others), message


# -- kill -9 ----------------------------------------------------------------------------------

def _command(archive: Path, outdir: Path, extra: list[str], chunk: str = "3") -> list[str]:
    return ["archive", "translate", str(archive), str(outdir), "--chunk-records", chunk, *extra]


def _run_until_stalled(args: list[str], point: str) -> None:
    """Run koen in a subprocess, wait until it pauses at ``point``, then SIGKILL it. Chunks commit
    one per transaction there (unless the test sets STALL_COMMIT_CHUNKS), so every commit is a
    point: the job commits the chunks whose lines are back together, which may be all of them."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "STALL_COMMIT_CHUNKS": os.environ.get("STALL_COMMIT_CHUNKS", "1")}
    process = subprocess.Popen([sys.executable, str(TESTS / "stall_koen.py"), point, *args], cwd=ROOT, env=env,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    watchdog = threading.Timer(180, process.kill)
    watchdog.start()
    try:
        seen = []
        for line in process.stderr:
            seen.append(line)
            if "koen-archive-stall:" in line:
                os.kill(process.pid, signal.SIGKILL)
                break
        assert process.wait() == -signal.SIGKILL, "".join(seen)
    finally:
        watchdog.cancel()
        process.stderr.close()


def _kill_and_resume(tmp_path: Path, extra: list[str], points: list[str], checks=None, chunk: str = "3") -> None:
    from typer.testing import CliRunner

    from koen.cli.archive import app

    archive = write_listing(tmp_path / "listing.txt", 12)
    baseline = CliRunner().invoke(app, _command(archive, tmp_path / "baseline", extra, chunk)[1:])
    assert baseline.exit_code == 0, baseline.output
    expected = output_files(tmp_path / "baseline")
    outdir = tmp_path / "killed"
    for point in points:
        _run_until_stalled(_command(archive, outdir, extra, chunk), point)
        if checks and point in checks:
            checks[point](outdir)
    final = subprocess.run([sys.executable, "-m", "koen", *_command(archive, outdir, extra, chunk)], cwd=ROOT,
                           capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert final.returncode == 0, final.stderr
    assert output_files(outdir) == expected
    assert len((outdir / "records.jsonl").read_text().splitlines()) == 12


def test_kill_at_every_stage_then_resume_gives_identical_bytes(tmp_path):
    def torn(outdir):
        assert not (outdir / "records.jsonl").read_bytes().endswith(b"\n")

    def temp_left(outdir):
        assert list((outdir / "rendered").glob(".listing.txt.*.tmp"))

    _kill_and_resume(tmp_path, ["--backend", "romanize"],
                     ["translated:2", "appending:1", "committed:1", "rendering:1"],
                     {"appending:1": torn, "rendering:1": temp_left})


def test_kill_resume_with_a_real_model(tmp_path, tiny_marian_ct2):
    _kill_and_resume(tmp_path, ["--backend", "ctranslate2", "--model", str(tiny_marian_ct2), "--batch-size", "4"],
                     ["translated:2", "committed:2"])
