"""Throughput benchmark, run by hand (never by the test suite):

    python bench/benchmark.py                      # CPU: base and big, 32 FLORES sentences, 32 tokens out
    python bench/benchmark.py --device cuda        # GPU: fp16, length-sorted batches of 128, 64 tokens out
    python bench/benchmark.py --smoke              # tiny dims, proves the script works (seconds)

Random-weight Marian checkpoints with the exact dimensions of Helsinki-NLP/opus-mt-ko-en (base)
and opus-mt-tc-big-ko-en (big, koen's default) are built offline with tests/model_factory.py and
converted with koen's own converter. Every configuration decodes greedily to the same fixed number
of target tokens from the same Korean inputs (tests/data/corpus/flores200-dev.200.ko):

  (a) transformers, one sentence at a time (what ``pipeline("translation")`` did; transformers 5
      dropped that pipeline task, so ``generate`` is called per sentence, exactly as it did)
  (b) koen's batched transformers backend (length-sorted batches)
  (c) koen's CTranslate2 backend, int8 on CPU (float16 on CUDA)
  (d) koen end to end on CTranslate2: segmentation, glossary and number protection, restore

Timing: all configurations are loaded in one process and run in alternation for --repeats rounds,
the fastest round of each kept, so load that comes and goes on a shared machine hits them alike.
Peak RSS: each configuration once more, alone in its own process.

Printed: target tokens/s (credited per input line, so (d) compares on the same inputs), the
ratios c/a, c/b, d/c, peak RSS per configuration, and the share of (d)'s time spent outside the
model (segmentation + glossary + numbers + restore).
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


# -- the configurations ---------------------------------------------------------------------------

class Config:
    """One way of translating the inputs: ``run()`` translates them once; ``tokens`` it produces."""

    def __init__(self, name: str, args, lines: list[str]):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from mt.backends.base import GenerationOptions

        self.name, self.args, self.inputs = name, args, lines[:args.sentences]
        # Kiwi, the glossary matcher and the number tables initialise lazily: warm up on other lines.
        self.warmup = lines[-2 - args.sentences:-2] if name == "d" else lines[-2:]
        self.n = args.output_tokens
        self.options = GenerationOptions(beam_size=1, batch_size=args.batch_size, fixed_output_tokens=self.n)
        self.model_seconds = 0.0
        self.segments = len(self.inputs)
        getattr(self, f"_setup_{name}")()
        self.translate(self.warmup)

    @property
    def tokens(self) -> int:
        """Target tokens for the inputs: (d) is credited with the same count as the others, so its
        throughput compares on the same inputs even where segmentation makes more model calls."""
        return len(self.inputs) * self.n

    def run(self) -> float:
        start = time.perf_counter()
        self.translate(self.inputs)
        self._sync()
        return time.perf_counter() - start

    def _sync(self):
        if self.args.device == "cuda" and self.name in ("a", "b"):
            import torch

            torch.cuda.synchronize()

    def _setup_a(self):
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        device, n = self.args.device, self.n
        dtype = torch.float16 if device == "cuda" else torch.float32
        tokenizer = AutoTokenizer.from_pretrained(self.args.model)
        model = AutoModelForSeq2SeqLM.from_pretrained(self.args.model, dtype=dtype).to(device).eval()

        def translate(texts):
            for text in texts:              # what pipeline("translation") did: one generate per sentence
                encoded = tokenizer([text], return_tensors="pt").to(device)
                with torch.inference_mode():
                    model.generate(**encoded, num_beams=1, do_sample=False, max_new_tokens=n, min_new_tokens=n)

        self.translate = translate

    def _setup_b(self):
        from mt.backends import load_backend

        self.translate = load_backend("transformers", model=self.args.model, device=self.args.device,
                                      options=self.options).translate

    def _setup_c(self):
        from mt.backends import load_backend

        self.translate = load_backend("ctranslate2", model=self.args.ct2, device=self.args.device,
                                      options=self.options).translate

    def _setup_d(self):
        from glossary.termbase import default_glossary_path
        from koen.compose import build_pipeline

        pipeline = build_pipeline(model=self.args.ct2, backend="ctranslate2", device=self.args.device,
                                  batch_size=self.args.batch_size, glossary=str(default_glossary_path()),
                                  fixed_output_tokens=self.n)
        inner = pipeline.backend.translate_scored       # what the pipeline calls (outputs with confidence)

        def timed(texts):
            began = time.perf_counter()
            result = inner(texts)
            self.model_seconds += time.perf_counter() - began
            self.segments += len(texts)
            return result

        pipeline.backend.translate_scored = timed

        def translate(texts):
            self.model_seconds, self.segments = 0.0, 0
            pipeline.translate_lines(texts)

        self.translate = translate


def peak_rss_worker(args) -> dict:
    """One configuration alone in this process, run once: its peak RSS is its own."""
    config = Config(args.worker, args, FLORES.read_text(encoding="utf-8").splitlines())
    config.run()
    return {"config": args.worker, "peak_rss_mb": peak_rss_mb()}


def timing_worker(args) -> dict:
    """All configurations loaded in one process and run in alternation, ``repeats`` rounds, the
    fastest round of each kept: load that comes and goes on a shared machine hits all alike, so
    the ratios hold even where absolute numbers wander."""
    lines = FLORES.read_text(encoding="utf-8").splitlines()
    configs = [Config(name, args, lines) for name in args.configs_list]
    best: dict[str, dict] = {}
    for _ in range(max(1, args.repeats)):
        for config in configs:
            seconds = config.run()
            if config.name not in best or seconds < best[config.name]["seconds"]:
                best[config.name] = {"config": config.name, "seconds": seconds, "tokens": config.tokens,
                                     "tokens_per_s": config.tokens / seconds}
                if config.name == "d":
                    best["d"].update(model_seconds=config.model_seconds, segments=config.segments,
                                     outside_model_share=1 - config.model_seconds / seconds)
    return best


# -- the driver ----------------------------------------------------------------------------------

def build(kind: str, workdir: Path, device: str, smoke: bool, convert: bool = True) -> tuple[Path, Path]:
    from model_factory import MARIAN_BASE, MARIAN_BIG, TINY, build_marian

    dims = {"base": MARIAN_BASE, "big": MARIAN_BIG}[kind] if not smoke else TINY
    name = f"{kind}-tiny" if smoke else kind
    model = workdir / f"marian-{name}"
    if not (model / "config.json").exists():
        print(f"building random-weight {name} checkpoint in {model} ...", file=sys.stderr, flush=True)
        build_marian(model, dims=dict(dims))
    quantization = "float16" if device == "cuda" else "int8"
    ct2 = workdir / f"marian-{name}-ct2-{quantization}"
    if convert and not (ct2 / "model.bin").exists():      # (c) and (d) only: --configs a,b needs no ctranslate2
        from mt.backends.ct2 import convert_checkpoint

        print(f"converting to CTranslate2 {quantization} ...", file=sys.stderr, flush=True)
        convert_checkpoint(str(model), ct2, quantization=quantization, force=True)
    return model, ct2


def run_worker(mode: str, model: Path, ct2: Path, args) -> dict:
    command = [sys.executable, __file__, "--worker", mode, "--model", str(model), "--ct2", str(ct2),
               "--device", args.device, "--sentences", str(args.sentences), "--output-tokens", str(args.output_tokens),
               "--batch-size", str(args.batch_size), "--repeats", str(args.repeats), "--configs", args.configs]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if run.returncode != 0:
        raise SystemExit(f"benchmark worker {mode} failed:\n{run.stderr[-3000:]}")
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
    for name in ("torch", "transformers", "ctranslate2"):
        try:
            text += f", {name} {__import__(name).__version__}"
        except ImportError:
            pass
    try:
        import torch

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
                        help="alternating timing rounds; the fastest round of each configuration is kept")
    parser.add_argument("--worker", choices=(*CONFIGS, "timing"), help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--ct2", help=argparse.SUPPRESS)
    args = parser.parse_args()
    gpu = args.device == "cuda"
    defaults = (4, 8, 4) if args.smoke else ((200, 64, 128) if gpu else (32, 32, 32))
    args.sentences = args.sentences or defaults[0]
    args.output_tokens = args.output_tokens or defaults[1]
    args.batch_size = args.batch_size or defaults[2]
    args.configs_list = [c.strip() for c in args.configs.split(",") if c.strip()]
    if args.worker:
        print(json.dumps(timing_worker(args) if args.worker == "timing" else peak_rss_worker(args)))
        return
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"# koen benchmark\n\nMachine: {machine()}\n")
    everything = {}
    for kind in [k.strip() for k in args.models.split(",") if k.strip()]:
        model, ct2 = build(kind, workdir, args.device, args.smoke, convert=bool({"c", "d"} & set(args.configs_list)))
        print(f"  {kind}: timing {args.configs} in one process, {args.repeats} alternating rounds ...",
              file=sys.stderr, flush=True)
        results = run_worker("timing", model, ct2, args)
        for config in args.configs_list:
            results[config].update(run_worker(config, model, ct2, args))
            print(f"  {kind} ({config}) {CONFIGS[config]}: {results[config]['tokens_per_s']:.0f} tok/s, "
                  f"peak RSS {results[config]['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
        everything[kind] = results
        print("\n".join(report(kind, results, args)) + "\n", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "args": vars(args), "results": everything},
                                              indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
