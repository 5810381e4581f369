"""Throughput benchmark, run by hand (never by the test suite):

    python bench/benchmark.py                      # CPU: base and big, 32 FLORES sentences, 32 tokens out
    python bench/benchmark.py --device cuda        # GPU: fp16, length-sorted batches of 128, 64 tokens out
    python bench/benchmark.py --smoke              # tiny dims, proves the script works (seconds)

Random-weight Marian checkpoints with the exact dimensions of Helsinki-NLP/opus-mt-ko-en (base)
and opus-mt-tc-big-ko-en (big, koen's default) are built offline with tests/model_factory.py and
converted with koen's own converter. Every configuration decodes greedily to the same fixed number
of target tokens from the same Korean inputs (tests/data/corpus/flores200-dev.200.ko), in its own
subprocess, so its peak RSS is its own:

  (a) transformers, one sentence at a time (what ``pipeline("translation")`` did; transformers 5
      dropped that pipeline task, so ``generate`` is called per sentence, exactly as it did)
  (b) koen's batched transformers backend (length-sorted batches)
  (c) koen's CTranslate2 backend, int8 on CPU (float16 on CUDA)
  (d) koen end to end on CTranslate2: segmentation, glossary and number protection, restore

Printed: target tokens/s, the ratios c/a, c/b, d/c, peak RSS per configuration, the share of
(d)'s time spent outside the model (segmentation + glossary + numbers + restore), and (d) against
the raw CTranslate2 backend timed in the same process on the same lines, runs alternating (the
fairest end-to-end ratio on a machine whose load varies between processes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
FLORES = ROOT / "tests" / "data" / "corpus" / "flores200-dev.200.ko"
CONFIGS = {"a": "transformers, one at a time", "b": "koen transformers, batched",
           "c": "koen CTranslate2", "d": "koen end to end (CTranslate2)"}


def peak_rss_mb() -> float:
    """This process's own peak resident memory. VmHWM belongs to the current address space;
    getrusage's ru_maxrss would also count the (large) driver process this worker was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # elsewhere: kilobytes (Linux)


# -- one configuration, in its own process --------------------------------------------------------

def fastest(run, repeats: int) -> float:
    """The shortest of ``repeats`` timed runs: the least disturbed by other load on a shared machine."""
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def worker(args) -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    lines = FLORES.read_text(encoding="utf-8").splitlines()
    inputs, warmup = lines[:args.sentences], lines[-2:]
    if args.worker == "d":
        # Kiwi instances, the glossary matcher's morphology and its caches initialise lazily on the
        # first texts that need them: warm up on as many other lines so (d) is measured warm too.
        warmup = lines[-2 - args.sentences:-2]
    n = args.output_tokens
    from mt.backends.base import GenerationOptions

    options = GenerationOptions(beam_size=1, batch_size=args.batch_size, fixed_output_tokens=n)
    model_seconds = paired_raw_seconds = None
    if args.worker == "a":
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        torch.set_num_threads(os.cpu_count() or 1)
        device = args.device
        dtype = torch.float16 if device == "cuda" else torch.float32
        tokenizer = AutoTokenizer.from_pretrained(args.model)
        model = AutoModelForSeq2SeqLM.from_pretrained(args.model, dtype=dtype).to(device).eval()

        def translate(texts):
            out = []
            for text in texts:
                encoded = tokenizer([text], return_tensors="pt").to(device)
                with torch.inference_mode():
                    out.append(model.generate(**encoded, num_beams=1, do_sample=False, max_new_tokens=n,
                                              min_new_tokens=n))
            if device == "cuda":
                torch.cuda.synchronize()
            return out

        translate(warmup)
        start = time.perf_counter()
        outputs = translate(inputs)
        seconds = time.perf_counter() - start
        tokens = sum(o.shape[-1] - 1 for o in outputs)              # generated tokens (decoder start excluded)
    elif args.worker in ("b", "c"):
        from mt.backends import load_backend

        if args.worker == "b":
            backend = load_backend("transformers", model=args.model, device=args.device, options=options)
        else:
            backend = load_backend("ctranslate2", model=args.ct2, device=args.device, options=options)
        backend.translate(warmup)

        def run_once():
            backend.translate(inputs)
            if args.device == "cuda" and args.worker == "b":
                import torch

                torch.cuda.synchronize()

        seconds = fastest(run_once, args.repeats)
        tokens = len(inputs) * n
    else:
        from glossary.termbase import default_glossary_path
        from mt.pipeline import Pipeline

        pipeline = Pipeline.from_options(model=args.ct2, backend="ctranslate2", device=args.device,
                                         batch_size=args.batch_size, glossary=str(default_glossary_path()),
                                         fixed_output_tokens=n)
        inner = pipeline.backend.translate
        counted = {"segments": 0, "seconds": 0.0}

        def timed(texts):
            began = time.perf_counter()
            result = inner(texts)
            counted["seconds"] += time.perf_counter() - began
            counted["segments"] += len(texts)
            return result

        pipeline.translate_lines(warmup)                       # loads Kiwi, the matcher, number tables
        pipeline.backend.translate = timed
        runs, raw_times = [], []

        def run_once():
            counted.update(segments=0, seconds=0.0)
            pipeline.translate_lines(inputs)
            runs.append(dict(counted))

        def raw_once():
            began = time.perf_counter()
            inner(inputs)
            raw_times.append(time.perf_counter() - began)

        # Pipeline and raw backend alternate in this one process on the same loaded model, so the
        # end-to-end ratio is not at the mercy of load that differs between processes.
        pipeline_times = []
        for _ in range(max(1, args.repeats)):
            began = time.perf_counter()
            run_once()
            pipeline_times.append(time.perf_counter() - began)
            raw_once()
        seconds = min(pipeline_times)
        best = runs[pipeline_times.index(seconds)]
        tokens = best["segments"] * n
        model_seconds = min(seconds, best["seconds"])
        paired_raw_seconds = min(raw_times)
    result = {"config": args.worker, "tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds,
              "peak_rss_mb": peak_rss_mb()}
    if model_seconds is not None:
        result.update(model_seconds=model_seconds, outside_model_share=1 - model_seconds / seconds,
                      segments=tokens // n, paired_raw_seconds=paired_raw_seconds,
                      paired_ratio=paired_raw_seconds / seconds)
    return result


# -- the driver ----------------------------------------------------------------------------------

def build(kind: str, workdir: Path, device: str, smoke: bool) -> tuple[Path, Path]:
    from model_factory import MARIAN_BASE, MARIAN_BIG, TINY, build_marian

    from mt.backends.ct2 import convert_checkpoint

    dims = {"base": MARIAN_BASE, "big": MARIAN_BIG}[kind] if not smoke else TINY
    name = f"{kind}-tiny" if smoke else kind
    model = workdir / f"marian-{name}"
    if not (model / "config.json").exists():
        print(f"building random-weight {name} checkpoint in {model} ...", file=sys.stderr, flush=True)
        build_marian(model, dims=dict(dims))
    quantization = "float16" if device == "cuda" else "int8"
    ct2 = workdir / f"marian-{name}-ct2-{quantization}"
    if not (ct2 / "model.bin").exists():
        print(f"converting to CTranslate2 {quantization} ...", file=sys.stderr, flush=True)
        convert_checkpoint(str(model), ct2, quantization=quantization, force=True)
    return model, ct2


def run_config(config: str, model: Path, ct2: Path, args) -> dict:
    command = [sys.executable, __file__, "--worker", config, "--model", str(model), "--ct2", str(ct2),
               "--device", args.device, "--sentences", str(args.sentences), "--output-tokens", str(args.output_tokens),
               "--batch-size", str(args.batch_size), "--repeats", str(args.repeats)]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if run.returncode != 0:
        raise SystemExit(f"configuration {config} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    text = f"{cpu}, {cores} cores available, Python {platform.python_version()}"
    try:
        import ctranslate2
        import torch
        import transformers

        text += f", torch {torch.__version__}, transformers {transformers.__version__}, ctranslate2 {ctranslate2.__version__}"
        if torch.cuda.is_available():
            text += f", GPU {torch.cuda.get_device_name(0)}"
    except ImportError:
        pass
    return text


def report(kind: str, results: dict[str, dict], args) -> list[str]:
    lines = [f"## {kind}: {args.sentences} sentences, {args.output_tokens} target tokens each, greedy, "
             f"batch {args.batch_size}, device {args.device}", "",
             "| configuration | target tokens/s | seconds | peak RSS (MB) |", "|---|---:|---:|---:|"]
    for config, result in results.items():
        lines.append(f"| ({config}) {CONFIGS[config]} | {result['tokens_per_s']:.0f} | {result['seconds']:.2f} | "
                     f"{result['peak_rss_mb']:.0f} |")
    rate = {config: result["tokens_per_s"] for config, result in results.items()}
    lines.append("")
    for top, bottom, label in (("c", "a", "c/a"), ("c", "b", "c/b"), ("d", "c", "d/c")):
        if top in rate and bottom in rate:
            lines.append(f"- {label} = {rate[top] / rate[bottom]:.2f}")
    if "d" in results:
        d = results["d"]
        lines.append(f"- (d) {d['segments']} model segments for {args.sentences} lines; time outside the model "
                     f"(segmentation, glossary, numbers, restore): {d['outside_model_share']:.1%} of "
                     f"{d['seconds']:.2f} s")
        lines.append(f"- end to end vs raw CTranslate2 on the same {args.sentences} lines, same process, runs "
                     f"alternating (raw time / koen time): {d['paired_ratio']:.2f} "
                     f"({d['paired_raw_seconds']:.2f} s raw, {d['seconds']:.2f} s koen)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--models", default="base,big", help="comma-separated: base, big")
    parser.add_argument("--configs", default="a,b,c,d", help="comma-separated subset of a,b,c,d")
    parser.add_argument("--sentences", type=int)
    parser.add_argument("--output-tokens", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--workdir", default=os.environ.get("KOEN_BENCH_DIR", "/tmp/koen-bench"),
                        help="where the built checkpoints are kept between runs")
    parser.add_argument("--smoke", action="store_true", help="tiny dims and few sentences: checks the script works")
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs per configuration; the fastest is kept")
    parser.add_argument("--worker", choices=tuple(CONFIGS), help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--ct2", help=argparse.SUPPRESS)
    args = parser.parse_args()
    gpu = args.device == "cuda"
    defaults = (4, 8, 4) if args.smoke else ((200, 64, 128) if gpu else (32, 32, 32))
    args.sentences = args.sentences or defaults[0]
    args.output_tokens = args.output_tokens or defaults[1]
    args.batch_size = args.batch_size or defaults[2]
    if args.worker:
        print(json.dumps(worker(args)))
        return
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"# koen benchmark\n\nMachine: {machine()}\n")
    everything = {}
    for kind in [k.strip() for k in args.models.split(",") if k.strip()]:
        model, ct2 = build(kind, workdir, args.device, args.smoke)
        results = {}
        for config in [c.strip() for c in args.configs.split(",") if c.strip()]:
            results[config] = run_config(config, model, ct2, args)
            print(f"  {kind} ({config}) {CONFIGS[config]}: {results[config]['tokens_per_s']:.0f} tok/s", file=sys.stderr,
                  flush=True)
        everything[kind] = results
        print("\n".join(report(kind, results, args)) + "\n", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "args": vars(args), "results": everything},
                                              indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
