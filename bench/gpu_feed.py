"""Does the archive job keep a GPU busy? Run by hand (never by the test suite):

    python bench/gpu_feed.py                       # 4,000 dev sentences, --batch-size 192, local + ray
    python bench/gpu_feed.py --no-ray              # local engine only
    python bench/gpu_feed.py --smoke               # few records: proves the script works

The GPU is a stand-in decoder registered through the backend registry (``register_backend``, the
way a third-party backend joins ``--backend NAME``). It sleeps what an H200 takes per batch
(docs/benchmarks.md, 2026-11-27: big model, fp16, ~0.19 s for 32 decoding steps whether the batch
holds 48 or 192 sentences) and answers with the letter-by-letter romanization of its input (cheap,
deterministic, keeps the protected English). Sleeping releases the GIL, as torch and CTranslate2
do while a kernel runs, so what the job does meanwhile can overlap with it.

The archive is 1,000 records of 4 sentences, the first 4,000 unique sentences of the development
corpora in ../shared/corpora (flores200-dev, jhe dev, news-park dev, tatoeba), or of the committed
FLORES sample where those are absent. The real command runs on it: ``koen archive translate
ARCHIVE OUTDIR --backend standin --batch-size 192`` (default chunking), in this process.

Printed, local engine:
  decoder share    the stand-in's busy time over the time from its first call to the job's end
  mean batch       sentences per decoder call
  CPU per segment  this process's CPU time (all threads) over the Korean spans translated
                   (summary.json's korean_spans)
Ray driver (``--engine ray``, 2 workers on the tiny random-weight Marian model, CTranslate2): the
driver process's CPU time while it runs the chunks (``RayEngine.run``, all its threads; start-up,
model files and Ray's start left out) over the same count, on --ray-records records.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
SHARED = ROOT.parent / "shared" / "corpora"
DEV_CORPORA = ["flores200-dev/dev.ko", "jhe/dev.ko", "news-park/dev.ko", "tatoeba/test.ko"]
SAMPLE = ROOT / "tests" / "data" / "corpus" / "flores200-dev.200.ko"
SECONDS_PER_32_STEPS = 0.19
STEPS = 32

from mt.backends.base import GenerationOptions, register_backend  # noqa: E402
from mt.backends.checkpoint import decoder_batches  # noqa: E402
from mt.backends.romanize import romanize  # noqa: E402


class DecoderClock:
    """When the stand-in decoded, and how much at a time (shared by every stand-in instance)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls: list[tuple[float, float, int]] = []

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()


CLOCK = DecoderClock()


@register_backend("standin", help="bench/gpu_feed.py: sleeps an H200's time per batch")
class GpuStandIn:
    name = "standin"
    max_input_tokens = 510

    def __init__(self, options: GenerationOptions = GenerationOptions(), **_ignored):
        self.options = options

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text) // 2 + 2 for text in texts]       # about a Korean SentencePiece token per 2 chars

    def translate(self, texts: Sequence[str]) -> list[str]:
        texts = list(texts)
        outputs = [""] * len(texts)
        for batch in decoder_batches(self.count_tokens(texts), self.options):
            began = time.perf_counter()
            time.sleep(SECONDS_PER_32_STEPS * STEPS / 32)
            for index in batch:
                outputs[index] = romanize(texts[index])
            with CLOCK.lock:
                CLOCK.calls.append((began, time.perf_counter(), len(batch)))
        return outputs

    def provenance(self) -> dict:
        return {"backend": self.name, "model": "h200-stand-in", "revision": f"{SECONDS_PER_32_STEPS}s-per-32-steps"}


def dev_sentences(count: int, corpora: Path) -> tuple[list[str], str]:
    paths = [corpora / name for name in DEV_CORPORA if (corpora / name).exists()]
    source = f"{corpora} dev sets" if paths else "tests/data FLORES sample"
    seen: dict[str, None] = {}
    for path in paths or [SAMPLE]:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = " ".join(line.split())
            if line:
                seen.setdefault(line, None)
            if len(seen) >= count:
                return list(seen), source
    return list(seen), source


def write_archive(path: Path, sentences: list[str], per_record: int = 4) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(0, len(sentences) - per_record + 1, per_record):
            handle.write(json.dumps({"id": f"r{n // per_record:05d}", "date": "2025-06-01",
                                     "body": " ".join(sentences[n:n + per_record])}, ensure_ascii=False) + "\n")
    return len(sentences) // per_record


def cpu_seconds() -> float:
    """This process's CPU time and its finished children's (the planning processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_cli(args: list[str]) -> tuple[float, float]:
    """``koen ARGS`` in this process; (wall seconds, CPU seconds)."""
    from koen.cli import main

    wall, cpu = time.perf_counter(), cpu_seconds()
    try:
        main(args)
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise
    return time.perf_counter() - wall, cpu_seconds() - cpu


def segments_of(outdir: Path) -> int:
    """Korean spans the job translated, from its own summary."""
    summary = json.loads((outdir / "summary.json").read_text(encoding="utf-8"))
    return int(summary["korean_spans"])


def local_run(archive: Path, outdir: Path, batch_size: int, extra: list[str]) -> dict:
    shutil.rmtree(outdir, ignore_errors=True)
    CLOCK.reset()
    wall, cpu = run_cli(["archive", "translate", str(archive), str(outdir), "--backend", "standin",
                         "--batch-size", str(batch_size), "--fields", "body", *extra])
    end = time.perf_counter()
    calls = list(CLOCK.calls)
    busy = sum(stop - start for start, stop, _ in calls)
    sentences = sum(n for _, _, n in calls)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "decoder_calls": len(calls),
            "decoder_busy_s": round(busy, 2), "decoder_share": round(busy / max(1e-9, end - calls[0][0]), 3),
            "mean_batch": round(sentences / max(1, len(calls)), 1), "model_sentences": sentences}


def ray_run(archive: Path, outdir: Path, workdir: Path, batch_size: int) -> dict:
    from model_factory import build_marian
    from mt.backends.ct2 import convert_checkpoint

    ct2 = workdir / "tiny-marian-ct2"
    if not (ct2 / "model.bin").exists():
        convert_checkpoint(str(build_marian(workdir / "tiny-marian")), ct2, force=True)
    from koen.archive.ray_engine import RayEngine

    shutil.rmtree(outdir, ignore_errors=True)
    measured = {}
    run = RayEngine.run

    def timed(self, work):                  # the driver's CPU while it runs the chunks (all its threads)
        began = time.process_time()
        try:
            return run(self, work)
        finally:
            measured["cpu_s"] = time.process_time() - began

    RayEngine.run = timed
    wall, cpu = run_cli(["archive", "translate", str(archive), str(outdir), "--backend", "ctranslate2",
                         "--model", str(ct2), "--batch-size", str(batch_size), "--engine", "ray",
                         "--workers", "2", "--cpus-per-worker", "1", "--fields", "body"])
    RayEngine.run = run
    summary = json.loads((outdir / "summary.json").read_text(encoding="utf-8"))
    return {"wall_s": round(wall, 2), "process_cpu_s": round(cpu, 2), "driver_cpu_s": round(measured["cpu_s"], 2),
            "summary_driver": summary.get("engine", {}).get("driver")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=4000)
    parser.add_argument("--batch-size", type=int, default=192)
    parser.add_argument("--ray-records", type=int, default=250, help="records of the Ray run (a prefix of the archive)")
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--no-local", action="store_true")
    parser.add_argument("--extra", default="", help="more options for the local run, e.g. '--chunk-records 256'")
    parser.add_argument("--workdir", default="/tmp/koen-gpu-feed")
    parser.add_argument("--corpora", default=str(SHARED), help="folder of the development corpora")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", help="also write the raw results here")
    args = parser.parse_args()
    if args.smoke:
        args.sentences, args.ray_records = 200, 10
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sentences, source = dev_sentences(args.sentences, Path(args.corpora))
    archive = workdir / "archive.jsonl"
    records = write_archive(archive, sentences)
    results: dict = {"source": source, "sentences": len(sentences), "records": records, "cores": os.cpu_count(),
                     "batch_size": args.batch_size}
    print(f"{records} records, {len(sentences)} sentences ({source}), --batch-size {args.batch_size} {args.extra}",
          file=sys.stderr)
    if not args.no_local:
        results["local"] = local = local_run(archive, workdir / "out-local", args.batch_size, args.extra.split())
        local["cpu_ms_per_segment"] = round(1000 * local["cpu_s"] / segments_of(workdir / "out-local"), 3)
        print(f"local: decoder share {local['decoder_share']:.2f}, mean batch {local['mean_batch']:.1f} "
              f"({local['decoder_calls']} calls), wall {local['wall_s']:.1f} s, "
              f"CPU {local['cpu_ms_per_segment']:.2f} ms per segment", file=sys.stderr)
    if not args.no_ray:
        prefix = workdir / "archive-ray.jsonl"
        lines = archive.read_text(encoding="utf-8").splitlines(keepends=True)[:args.ray_records]
        prefix.write_text("".join(lines), encoding="utf-8")
        results["ray"] = ray = ray_run(prefix, workdir / "out-ray", workdir, args.batch_size)
        ray["cpu_ms_per_segment"] = round(1000 * ray["driver_cpu_s"] / segments_of(workdir / "out-ray"), 3)
        print(f"ray driver ({len(lines)} records, 2 workers, tiny model): CPU {ray['cpu_ms_per_segment']:.2f} ms "
              f"per segment, wall {ray['wall_s']:.1f} s; summary.json says {ray['summary_driver']}", file=sys.stderr)
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
