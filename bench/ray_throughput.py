"""Archive throughput: `--engine local` against `--engine ray` (run by hand, never by the tests).

    python bench/ray_throughput.py                 # base model, CTranslate2 int8, 32 tokens out
    python bench/ray_throughput.py --smoke         # tiny model, few records: proves the script works

The model is a random-weight Marian checkpoint with the dimensions of Helsinki-NLP/opus-mt-ko-en
(built offline by bench/benchmark.py's ``build``) converted to CTranslate2 int8; every output is
decoded greedily to the same fixed number of tokens, so runs compare on equal work. The archive is
a synthetic listing (tests/archive_helpers.write_listing): one FLORES Korean sentence per record
plus a boilerplate sentence the translation memory serves after its first time.

Configurations, one process, each on a fresh output folder and memory:
  local        the job's own loop, CTranslate2 with 2 threads (this machine's cores)
  ray, 1 wkr   one actor, 1 CPU / 1 thread
  ray, 2 wkr   two actors, 1 CPU / 1 thread each
"Once started" is measured the same way for every engine, at the job's own commits (the progress
bar's updates): records committed after the first commit over the time from the first commit to
the last. The fixed cost is the time to the first commit less one chunk at that rate (model load;
for Ray also the actor pool start and the model load in each actor). ray.init is timed apart.
"""

from __future__ import annotations

import functools
import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from archive_helpers import write_listing  # noqa: E402
from benchmark import build  # noqa: E402

from koen.archive.ray_engine import RayEngine, import_ray  # noqa: E402
from koen.archive.job import ArchiveJob, JobOptions  # noqa: E402
from koen.compose import load_terms, make_backend  # noqa: E402
from mt.archive.readers import open_reader  # noqa: E402


def backend_options(options: dict) -> dict:
    return {key: value for key, value in options.items() if key != "glossary"}


class Commits:
    """A progress bar stand-in that notes when each chunk is committed."""

    def __init__(self):
        self.times: list[tuple[float, int]] = []

    def update(self, count: int) -> None:
        self.times.append((time.perf_counter(), count))

    def close(self) -> None:
        pass


def run(source: Path, outdir: Path, options: dict, engine: RayEngine | None) -> dict:
    shutil.rmtree(outdir, ignore_errors=True)
    commits = Commits()
    load = engine.make_backend if engine else functools.partial(make_backend, **backend_options(options))
    job = ArchiveJob(open_reader(source), outdir, load, {"options": options}, terms=load_terms(options.get("glossary")),
                     options=JobOptions(chunk_records=16), warn=lambda message: None, engine=engine,
                     progress=lambda total, initial: commits)
    began = time.perf_counter()
    report = job.run()
    (first, first_count), (last, _) = commits.times[0], commits.times[-1]
    rate = (report.translated_now - first_count) / max(1e-9, last - first)
    return {"wall_s": time.perf_counter() - began, "records": report.translated_now, "segments": report.memory_misses,
            "records_per_s": rate, "segments_per_s": rate * report.memory_misses / report.translated_now,
            "fixed_s": (first - began) - first_count / rate,
            "engine": engine.summary()["engine"] if engine else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=192, help="at most 200: one FLORES sentence each, none repeated")
    parser.add_argument("--output-tokens", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--workdir", default="/tmp/koen-bench")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", help="also write the raw results here")
    args = parser.parse_args()
    if args.smoke:
        args.records, args.output_tokens = 40, 4
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    _, ct2 = build("base", workdir, "cpu", args.smoke)
    options = dict(model=str(ct2), backend="ctranslate2", device="cpu", batch_size=args.batch_size, beam_size=1,
                   glossary=None, dtype="auto", compute_type="default", fixed_output_tokens=args.output_tokens)
    source = write_listing(workdir / f"ray-listing-{args.records}.txt", args.records)

    ray = import_ray()
    began = time.perf_counter()
    ray.init(include_dashboard=False, logging_level="ERROR")
    ray_init_s = time.perf_counter() - began
    configs = {"local (2 threads)": None, "ray, 1 worker x 1 thread": 1, "ray, 2 workers x 1 thread": 2}
    results = {}
    for name, workers in configs.items():
        engine = RayEngine(options, workers=workers, cpus_per_worker=1) if workers else None
        results[name] = run(source, workdir / "ray-out", options, engine)
        print(f"{name:28s} {results[name]['wall_s']:.1f} s", file=sys.stderr, flush=True)

    local = results["local (2 threads)"]["records_per_s"]
    print(f"\nbase model (opus-mt-ko-en dims, random weights), CTranslate2 int8, {args.output_tokens} tokens out, "
          f"batch {args.batch_size}, chunks of 16; {args.records} records, "
          f"{results['local (2 threads)']['segments']} model segments\n")
    print("| engine | wall (s) | records/s once started | segments/s once started | fixed cost (s) | first batch's round trip (s) |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        batches = r["engine"]["timings"]["rounds"] if r["engine"] else []
        first = f"{batches[0]['seconds']:.1f}" if batches else ""
        print(f"| {name} | {r['wall_s']:.1f} | {r['records_per_s']:.2f} ({r['records_per_s'] / local:.0%} of local) | "
              f"{r['segments_per_s']:.2f} | {r['fixed_s']:.1f} | {first} |")
    print(f"\nray.init (local instance): {ray_init_s:.1f} s, once per run")
    if args.json:
        Path(args.json).write_text(json.dumps({"ray_init_s": ray_init_s, "runs": results}, indent=2) + "\n",
                                   encoding="utf-8")
    ray.shutdown()


if __name__ == "__main__":
    main()
