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


def write_quoted(path: Path, count: int) -> Path:
    """Records whose sentences quote a Korean title: each decode group goes round twice (the titles
    first, then the sentences holding their English)."""
    korean = (TESTS / "data" / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").splitlines()
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(count):
            title = korean[(n * 7) % len(korean)].split()[0].strip(".,")
            body = f"「{title} 사업 {n + 1}」에 대해 시는 설명했다. {korean[n % len(korean)]}"
            handle.write(json.dumps({"id": f"q{n}", "title": f"보고 {n + 1}", "body": body}, ensure_ascii=False) + "\n")
    return path


def test_the_next_group_is_decoded_while_a_group_waits_for_its_titles(tmp_path, monkeypatch):
    """Steps (decode group, round) are formed by diagonals: group g + 1's first round goes to the
    model before group g's second, which must wait for g's titles to come back and be planned."""
    from koen.archive import feed

    archive = write_quoted(tmp_path / "quoted.jsonl", 40)
    submitted = []
    submit = feed.InlineDecoder.submit
    monkeypatch.setattr(feed.InlineDecoder, "submit",
                        lambda self, ticket, texts: (submitted.append(ticket[:2]), submit(self, ticket, texts))[1])
    serial: list[CountingBackend] = []
    _job(archive, tmp_path / "serial", serial, batch_size=4)
    steps = list(dict.fromkeys(submitted))
    assert steps == sorted(steps, key=lambda step: (step[0] + step[1], step[1]))
    second = [group for group, round_ in steps if round_ == 2]
    assert len(second) >= 2 and all((group + 1, 1) not in steps or steps.index((group + 1, 1)) < steps.index((group, 2))
                                    for group in second)
    # the same batches, and bytes, with planning processes
    overlapped: list[CountingBackend] = []
    _job(archive, tmp_path / "overlapped", overlapped, batch_size=4, planners=2)
    assert overlapped[0].texts == serial[0].texts and overlapped[0].sizes == serial[0].sizes
    assert output_files(tmp_path / "overlapped") == output_files(tmp_path / "serial")


@FUZZ
@given(st.lists(st.integers(0, 4), min_size=1, max_size=12))
def test_the_step_order_forms_every_round_once_by_diagonals(rounds):
    """``step_order`` against a simulated feeder: a group's rounds become known only once its last
    round was formed and its chunks answered without more inputs (then its next step is refused)."""
    from koen.archive.feed import step_order

    formed, known = [0] * len(rounds), [False] * len(rounds)
    seen = []
    for group, round_ in step_order(len(rounds), lambda g: rounds[g] if known[g] else None):
        assert round_ == formed[group] + 1
        if round_ > rounds[group]:
            known[group] = True
            continue
        formed[group] = round_
        seen.append((group, round_))
    assert formed == rounds
    assert seen == sorted(seen, key=lambda step: (step[0] + step[1], step[1]))


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
def test_kill_inside_a_decode_group_then_resume_gives_identical_bytes(tmp_path, plugin_env, monkeypatch, planners):
    from test_archive_job import _kill_and_resume

    # one record per chunk, 4 inputs per batch: a decode group spans many committed chunks, and
    # the kills fall inside one, after some of its chunks committed (one chunk per transaction)
    monkeypatch.setenv("STALL_COMMIT_CHUNKS", "1")
    _kill_and_resume(tmp_path, ["--backend", BATCH_SENSITIVE, "--batch-size", "4", "--planners", planners],
                     ["translated:3", "committed:2", "translated:2"], chunk="1")


@pytest.mark.parametrize("planners", ["2", "0"])
def test_kill_inside_a_transaction_of_several_chunks_then_resume_gives_identical_bytes(tmp_path, plugin_env, monkeypatch,
                                                                                       planners):
    from test_archive_job import _kill_and_resume

    # chunks whose lines are back together commit in one transaction: killed inside one (its
    # fifth chunk stored, nothing of it committed) and after one, the resumed run still matches
    monkeypatch.setenv("STALL_COMMIT_CHUNKS", "0")              # the job's own transactions
    _kill_and_resume(tmp_path, ["--backend", BATCH_SENSITIVE, "--batch-size", "4", "--planners", planners],
                     ["translated:5", "committed:1"], chunk="1")


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


MINIMAL_BACKENDS = '''
from mt.backends.base import register_backend


@register_backend("bare-minimum")
class BareMinimum:
    """Only translate(): no name, options, count_tokens, max_input_tokens or provenance."""

    def __init__(self, **_):
        pass

    def translate(self, texts):
        with open(__file__ + ".sizes", "a") as handle:
            handle.write(f"{len(texts)}\\n")
        return ["[" + str(len(text)) + "]" for text in texts]


@register_backend("no-translate")
class NoTranslate:
    def __init__(self, **_):
        pass


@register_backend("fails-to-start")
def fails_to_start(**_):
    raise RuntimeError("no such device")
'''


def test_a_backend_from_outside_with_only_translate_gets_the_batches_asked_for(tmp_path):
    (tmp_path / "minimal_backends.py").write_text(MINIMAL_BACKENDS)
    env = {"KOEN_BACKENDS": "minimal_backends",
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    archive = write_listing(tmp_path / "listing.txt", 30)
    run = _koen(["archive", "translate", str(archive), str(tmp_path / "out"), "--backend", "bare-minimum",
                 "--batch-size", "12", "--chunk-records", "1"], env)
    assert run.returncode == 0, run.stderr
    sizes = [int(n) for n in (tmp_path / "minimal_backends.py.sizes").read_text().split()]
    assert max(sizes) == 12 and len(sizes) < 30          # the command line's batch size, across chunks
    records = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text().splitlines()]
    assert records[0]["provenance"]["backend"] == "bare-minimum"
    assert "minimal_backends.BareMinimum" in records[0]["provenance"]["model"]
    assert all("[" in record["translation"]["body"] for record in records)
    for name, words in [("no-translate", "no translate(texts)"), ("fails-to-start", "no such device")]:
        broken = _koen(["archive", "translate", str(archive), str(tmp_path / name), "--backend", name], env)
        assert broken.returncode != 0 and words in broken.stderr and "Traceback" not in broken.stderr, broken.stderr


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
