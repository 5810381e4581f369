"""Feeding the decoder (koen/archive/feed.py): batches formed across committed chunks, planning in
other processes while a thread decodes, the same bytes as a serial run and after kill -9 anywhere,
and backends registered from outside koen (KOEN_BACKENDS, entry points)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from archive_helpers import CountingBackend, output_files, write_listing
from batch_sensitive_backend import NAME as BATCH_SENSITIVE, BatchSensitiveBackend, batch_tag
from fuzz_settings import FUZZ
from koen.archive.feed import FeedOptions, decode_groups
from koen.archive.job import ArchiveJob, JobOptions
from mt.archive.readers import open_reader
from mt.backends import GenerationOptions
from mt.backends.checkpoint import length_sorted_batches, token_budget_batches

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def _job(archive: Path, outdir: Path, backends: list, batch_size: int = 8, chunk: int = 1, planners: int = 0,
         batch_tokens: int | None = None):
    def make():
        backend = CountingBackend(BatchSensitiveBackend(GenerationOptions(batch_size=batch_size,
                                                                          batch_tokens=batch_tokens)))
        backends.append(backend)
        return backend
    job = ArchiveJob(open_reader(archive), outdir, make, {"backend": BATCH_SENSITIVE, "batch_size": batch_size},
                     options=JobOptions(chunk_records=chunk, planners=planners), warn=lambda m: None)
    return job.run()


def test_batches_span_chunks_and_planning_processes_change_no_byte(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 30)
    serial: list[CountingBackend] = []
    report = _job(archive, tmp_path / "serial", serial)
    overlapped: list[CountingBackend] = []
    _job(archive, tmp_path / "overlapped", overlapped, planners=2)
    assert output_files(tmp_path / "overlapped") == output_files(tmp_path / "serial")
    # 30 one-record chunks; the model saw batches of 8 formed across them, not one call per chunk
    sizes = serial[0].sizes
    assert serial[0].sizes == overlapped[0].sizes and len(sizes) < 30 / 2
    assert sum(size == 8 for size in sizes) >= len(sizes) - len(decode_groups_of(archive, 8)) * 2
    assert report.batches == (len(sizes), sum(sizes))
    # the records carry the tags of those batches: byte-identity above compared the batches too
    body = json.loads((tmp_path / "serial" / "records.jsonl").read_text().splitlines()[0])["translation"]["body"]
    assert any(batch_tag([]) != word and len(word) == 6 and word.isalpha() and word.islower()
               for word in body.split())


def decode_groups_of(archive: Path, batch_size: int) -> list:
    records = open_reader(archive).scan().records
    return decode_groups([(i, [record]) for i, record in enumerate(records)], FeedOptions(batch_size))


def test_token_budget_forms_the_batches_when_given(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 12)
    backends: list[CountingBackend] = []
    _job(archive, tmp_path / "out", backends, batch_size=1000, batch_tokens=120)
    lengths = backends[0].inner.count_tokens(backends[0].texts)
    position = 0
    for size in backends[0].sizes:
        batch = lengths[position:position + size]
        assert size == 1 or max(batch) * size <= 120
        position += size
    assert max(backends[0].sizes) > 1


@FUZZ
@given(st.lists(st.integers(1, 60), max_size=80), st.integers(1, 400))
def test_token_budget_batches_cover_every_input_once_within_the_budget(lengths, budget):
    batches = list(token_budget_batches(lengths, budget))
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget
        assert [lengths[i] for i in batch] == sorted((lengths[i] for i in batch), reverse=True)
    # greedy: the next batch's first input would not have fitted
    for batch, following in zip(batches, batches[1:]):
        assert (len(batch) + 1) * lengths[batch[0]] > budget


@FUZZ
@given(st.lists(st.integers(1, 60), max_size=80), st.integers(1, 50))
def test_a_formed_batch_stays_one_batch_in_the_backend(lengths, size):
    """The feeder forms batches; the backend batches each again and must get the same batch back."""
    for batch in length_sorted_batches(lengths, size):
        again = list(length_sorted_batches([lengths[i] for i in batch], size))
        assert len(again) == 1
    for batch in token_budget_batches(lengths, size * 10):
        assert len(list(token_budget_batches([lengths[i] for i in batch], size * 10))) == 1


# -- kill -9 inside a decode group --------------------------------------------------------------

@pytest.fixture
def plugin_env(monkeypatch):
    """Subprocesses find the batch-sensitive backend the way a third party's would be found."""
    monkeypatch.setenv("KOEN_BACKENDS", "batch_sensitive_backend")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), str(ROOT), os.environ.get("PYTHONPATH", "")]))


@pytest.mark.parametrize("planners", ["2", "0"])
def test_kill_inside_a_decode_group_then_resume_gives_identical_bytes(tmp_path, plugin_env, planners):
    from test_archive_job import _kill_and_resume

    # one record per chunk, 4 inputs per batch: a decode group spans many committed chunks, and
    # the kills fall inside one, after some of its chunks committed
    _kill_and_resume(tmp_path, ["--backend", BATCH_SENSITIVE, "--batch-size", "4", "--planners", planners],
                     ["translated:3", "committed:2", "translated:2"], chunk="1")


# -- backends from outside koen -----------------------------------------------------------------

def _koen(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "koen", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **env})


def test_a_backend_from_an_entry_point_or_koen_backends_runs_from_the_cli(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 3)
    path = os.pathsep.join([str(TESTS), str(ROOT), os.environ.get("PYTHONPATH", "")])
    by_module = _koen(["archive", "translate", str(archive), str(tmp_path / "a"), "--backend", BATCH_SENSITIVE],
                      {"KOEN_BACKENDS": "batch_sensitive_backend", "PYTHONPATH": path})
    assert by_module.returncode == 0, by_module.stderr
    # an installed distribution's entry point, in the group koen.backends, names the factory
    site = tmp_path / "site"
    dist = site / "koen_standin_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: koen-standin-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[koen.backends]\nstandin = batch_sensitive_backend:BatchSensitiveBackend\n")
    by_entry_point = _koen(["archive", "translate", str(archive), str(tmp_path / "b"), "--backend", "standin",
                            "--batch-size", "192"], {"PYTHONPATH": os.pathsep.join([str(site), path])})
    assert by_entry_point.returncode == 0, by_entry_point.stderr
    first = [json.loads(line) for line in (tmp_path / "a" / "records.jsonl").read_text().splitlines()]
    second = [json.loads(line) for line in (tmp_path / "b" / "records.jsonl").read_text().splitlines()]
    assert [r["translation"] for r in first] and all(r["provenance"]["model"] == BATCH_SENSITIVE for r in second)
    broken = _koen(["translate", "--backend", "nothing-like-it"], {"KOEN_BACKENDS": "no_such_module_here"})
    assert broken.returncode == 2 and broken.stderr.count("\n") == 1 and "no_such_module_here" in broken.stderr


def test_the_decoder_thread_hands_over_the_next_batch_before_collecting_the_last():
    import queue
    import threading

    from koen.archive.feed import ThreadDecoder
    from mt.backends.base import Scored

    log: list[tuple[str, str]] = []
    all_queued = threading.Event()

    class Asynchronous:               # what CTranslate2Backend.submit_scored offers
        def submit_scored(self, texts):
            if texts[0] == "t0":
                all_queued.wait(10)
            log.append(("submit", texts[0]))

            def collect():
                log.append(("collect", texts[0]))
                return [Scored(text.upper()) for text in texts]
            return collect

    events: queue.Queue = queue.Queue()
    decoder = ThreadDecoder(Asynchronous(), events)
    for number in range(3):
        decoder.submit(number, [f"t{number}"])
    all_queued.set()
    got = [events.get(timeout=10) for _ in range(3)]
    decoder.close()
    assert [(ticket, outputs[0].text) for _, ticket, _, outputs in got] == [(0, "T0"), (1, "T1"), (2, "T2")]
    assert log.index(("submit", "t1")) < log.index(("collect", "t0"))
