"""`koen archive translate --engine ray`: identical output to the local engine, worker and driver
kills, and the one-line errors. One local Ray instance (2 CPUs, no dashboard) serves the module."""

from __future__ import annotations

import functools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")      # CI installs the extra; this only keeps a bare checkout green

from archive_helpers import output_files, write_listing  # noqa: E402
from glossary.termbase import default_glossary_path  # noqa: E402
from koen.archive.ray_engine import INSTALL_HINT, RayEngine  # noqa: E402
from koen.archive.job import ArchiveJob, JobOptions  # noqa: E402
from koen.compose import load_terms, make_backend  # noqa: E402
from mt.archive.readers import open_reader  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent
ARCHIVE = ROOT / "examples" / "press-releases-2025.txt"
WORKER_CLASS = "BatchTranslator"


@pytest.fixture(scope="module")
def cluster():
    context = ray.init(num_cpus=2, include_dashboard=False, object_store_memory=80 * 1024 * 1024,
                       logging_level="ERROR")
    yield context.address_info["gcs_address"]
    ray.shutdown()


def backend_options(options: dict) -> dict:
    return {key: value for key, value in options.items() if key != "glossary"}


def _options(backend="romanize", model="romanize", glossary=None, batch_size=32) -> dict:
    return dict(model=model, backend=backend, device="cpu", batch_size=batch_size, beam_size=1, glossary=glossary,
                dtype="auto", compute_type="default")


def _run(source: Path, outdir: Path, options: dict, engine: RayEngine | None = None, memory=None, chunk=3):
    load = engine.make_backend if engine else functools.partial(make_backend, **backend_options(options))
    job = ArchiveJob(open_reader(source), outdir, load, {"options": options}, terms=load_terms(options.get("glossary")),
                     memory_path=memory, options=JobOptions(chunk_records=chunk), warn=lambda message: None,
                     engine=engine)
    return job.run()


def _same_output(local: Path, distributed: Path) -> None:
    expected, got = output_files(local), output_files(distributed)
    summary, ray_summary = json.loads(expected.pop("summary.json")), json.loads(got.pop("summary.json"))
    assert got == expected                         # records.jsonl and rendered/, byte for byte
    assert ray_summary.pop("engine")["name"] == "ray" and ray_summary.pop("worker_segments") is not None
    assert ray_summary == summary


def _inputs(tmp_path: Path) -> dict[str, Path]:
    """The real archive as each reader takes it: listing, JSONL, a folder of .txt, a parquet file."""
    import datasets

    records = open_reader(ARCHIVE).scan().records
    rows = [{"id": r.id, "title": r.fields["title"], "body": r.fields["body"], "date": r.meta["release_date"]}
            for r in records]
    jsonl = tmp_path / "archive.jsonl"
    jsonl.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    for row in rows:
        (folder / f"{int(row['id']):03d}.txt").write_text(f"{row['title']}\n\n{row['body']}\n", encoding="utf-8")
    parquet = tmp_path / "archive.parquet"
    datasets.Dataset.from_list(rows).to_parquet(str(parquet))
    return {"listing": ARCHIVE, "jsonl": jsonl, "folder": folder, "datasets": parquet}


def test_every_reader_gives_the_local_bytes(tmp_path, cluster):
    glossary = str(default_glossary_path())
    runs = [(name, source, glossary) for name, source in _inputs(tmp_path).items()] + [("bare", ARCHIVE, None)]
    for name, source, terms in runs:
        options = _options(glossary=terms)
        local = _run(source, tmp_path / f"{name}-local", options)
        engine = RayEngine(options, workers=2 if name == "listing" else 1)
        report = _run(source, tmp_path / f"{name}-ray", options, engine)
        _same_output(tmp_path / f"{name}-local", tmp_path / f"{name}-ray")
        assert (report.memory_hits, report.memory_misses) == (local.memory_hits, local.memory_misses)
        assert sum(engine.worker_segments.values()) >= local.memory_misses > 0
        if name == "bare":
            # Without the glossary (which has the first record's quoted title as a term) the title
            # is translated first and its English becomes part of its sentence: the first decode
            # group goes round twice, each round's batches numbered from 0
            batches = [(timing["group"], timing["batch"]) for timing in engine.timings["rounds"]]
            assert batches.count((0, 0)) == 2


def test_real_model_same_bytes_and_memory_segments_never_travel(tmp_path, cluster, tiny_marian):
    options = _options("transformers", str(tiny_marian), str(default_glossary_path()), batch_size=4)
    source = write_listing(tmp_path / "listing.txt", 10)
    _run(source, tmp_path / "local", options)
    engine = RayEngine(options, workers=2)
    _run(source, tmp_path / "ray", options, engine)
    _same_output(tmp_path / "local", tmp_path / "ray")
    assert len(engine.worker_segments) == 2 and all(engine.worker_segments.values())
    again = RayEngine(options, workers=1)          # a new job on the same memory: every segment is known
    report = _run(source, tmp_path / "again", options, again, memory=tmp_path / "ray" / "translation-memory.sqlite")
    assert report.memory_misses == 0 and not again.worker_segments and not again.timings["rounds"]
    _same_output(tmp_path / "local", tmp_path / "again")


def _worker_pids() -> list[int]:
    from ray._private import state

    return [actor["Pid"] for actor in state.actors().values()
            if actor["ActorClassName"] == WORKER_CLASS and actor["State"] == "ALIVE" and actor["Pid"]]


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def test_a_killed_worker_actor_loses_and_duplicates_nothing(tmp_path, cluster, tiny_marian):
    options = _options("transformers", str(tiny_marian), None, batch_size=2)
    source = write_listing(tmp_path / "listing.txt", 16)
    _run(source, tmp_path / "local", options)
    engine = RayEngine(options, workers=2)
    killed: list[tuple[int, int]] = []

    def kill_one_worker_mid_run():
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            done = _lines(tmp_path / "ray" / "records.jsonl")
            decoded = {int(worker.rsplit(":", 1)[1]) for worker in list(engine.worker_segments)}
            pids = [pid for pid in _worker_pids() if pid in decoded]
            if pids and done < 16:                      # a worker has decoded and records are left
                os.kill(pids[0], signal.SIGKILL)
                killed.append((done, pids[0]))
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_one_worker_mid_run)
    killer.start()
    _run(source, tmp_path / "ray", options, engine)
    killer.join()
    assert killed and killed[0][0] < 16, "the run ended before a worker could be killed"
    _same_output(tmp_path / "local", tmp_path / "ray")
    # the killed actor's batches stay counted under its pid; the work left went on without it
    assert any(worker.endswith(f":{killed[0][1]}") for worker in engine.worker_segments)
    assert len(engine.worker_segments) >= 2
    records = (tmp_path / "ray" / "records.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in records] == [str(n) for n in range(1, 17)]


def _koen(*args: str) -> list[str]:
    return [sys.executable, "-m", "koen", "archive", "translate", *args]


def test_driver_kill_9_then_rerun_is_identical_and_sends_nothing_twice(tmp_path, cluster, tiny_marian):
    source = write_listing(tmp_path / "listing.txt", 16)
    common = ["--backend", "transformers", "--model", str(tiny_marian), "--device", "cpu", "--batch-size", "2",
              "--chunk-records", "2", "--glossary", "none"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    _run(source, tmp_path / "local", _options("transformers", str(tiny_marian), batch_size=2), chunk=2)
    args = _koen(str(source), str(tmp_path / "ray"), *common, "--engine", "ray", "--address", cluster, "--workers", "2")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600               # start-up on a loaded shared machine takes minutes
        while _lines(tmp_path / "ray" / "records.jsonl") < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    done = _lines(tmp_path / "ray" / "records.jsonl")
    assert 2 <= done < 16, "the driver was not killed mid-run"
    with sqlite3.connect(tmp_path / "ray" / "translation-memory.sqlite") as db:
        known = {source for (source,) in db.execute("SELECT source FROM segments")}
        db.execute("ATTACH DATABASE ? AS job", (str(tmp_path / "ray" / ".koen-job.sqlite"),))
        # what the committed chunks of the decode group the kill interrupted decoded: the rerun
        # decodes that group's batches again, to form them exactly as an uninterrupted run did
        redecoded = db.execute("SELECT COUNT(DISTINCT source) FROM job.written").fetchone()[0]
    rerun = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    _same_output(tmp_path / "local", tmp_path / "ray")
    summary = json.loads((tmp_path / "ray" / "summary.json").read_text())
    shipped = sum(summary["worker_segments"].values())
    with sqlite3.connect(tmp_path / "ray" / "translation-memory.sqlite") as db:
        total = db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
    # what the memory held before that group did not travel again
    assert known and total - len(known) <= shipped <= total - len(known) + redecoded


def test_missing_extra_and_unreachable_cluster_are_one_line_errors(tmp_path, monkeypatch, capsys):
    from koen.cli import main

    source = write_listing(tmp_path / "listing.txt", 2)
    args = ["archive", "translate", str(source), str(tmp_path / "out"), "--backend", "romanize", "--engine", "ray"]
    with socket_closed() as port:
        with pytest.raises(SystemExit) as exit_info:
            main([*args, "--address", f"127.0.0.1:{port}"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"koen: error: --address 127.0.0.1:{port}: no Ray cluster reachable there (Connection refused)"]
    monkeypatch.setitem(sys.modules, "ray", None)         # what an install without the extra sees
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"koen: error: {INSTALL_HINT}"]
    assert not (tmp_path / "out").exists()


class socket_closed:
    """A local port nothing listens on."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def __exit__(self, *exc) -> None:
        return None


def test_the_agents_a_killed_driver_leaves_are_ended_by_the_next_run(tmp_path, cluster):
    """kill -9 of a driver that started its own Ray instance orphans Ray's agents; the next run
    that starts one (here: the cleanup it calls first) ends exactly those, and nothing else."""
    import tempfile

    from koen.archive.ray_cleanup import MARK, end_orphans, session_processes

    root = Path(tempfile.mkdtemp(prefix="kr", dir="/tmp"))      # short: Ray's socket paths must fit
    source = write_listing(tmp_path / "listing.txt", 40)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAY_TMPDIR": str(root),
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    process = subprocess.Popen(_koen(str(source), str(tmp_path / "out"), "--backend", "romanize", "--engine", "ray",
                                     "--chunk-records", "1"), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not list((root / "ray").glob(f"session_2*/{MARK}")) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)                                     # its agents have started
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    (mark,) = [m for m in (root / "ray").glob(f"session_2*/{MARK}")]
    left, deadline = None, time.monotonic() + 30
    while time.monotonic() < deadline:                    # the head processes follow their parent out
        time.sleep(1)
        now = session_processes(mark.parent)
        if now == left:
            break
        left = now
    assert left, "no orphaned Ray process to end: the reproduction no longer holds"
    assert end_orphans(root / "ray") >= len(left)
    assert not [pid for pid in left if Path(f"/proc/{pid}").exists() and
                Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert not mark.exists()
    assert ray.cluster_resources()["CPU"] == 2           # the test's own cluster was not touched
