"""The benchmark script runs end to end (tiny dims, a few sentences); its numbers are not checked here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "benchmark.py"), "--smoke", "--models", "base",
                          "--configs", "b,d", "--workdir", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    assert "| (b) koen transformers, batched |" in out and "| (d) koen end to end (CTranslate2) |" in out
    assert "time outside the model" in out and "peak RSS (MB)" in out
    assert (tmp_path / "marian-base-tiny-ct2-int8" / "model.bin").exists()


def test_gpu_feed_smoke(tmp_path):
    """bench/gpu_feed.py registers its stand-in decoder through the backend registry and runs the
    real `koen archive translate --backend standin` (local engine only: Ray is slow to start)."""
    import json

    run = subprocess.run([sys.executable, str(ROOT / "bench" / "gpu_feed.py"), "--smoke", "--no-ray",
                          "--workdir", str(tmp_path), "--corpora", str(tmp_path / "no-corpora")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout)
    assert results["source"] == "tests/data FLORES sample" and results["records"] == 50
    local = results["local"]
    assert 0 < local["decoder_share"] <= 1 and local["decoder_calls"] >= 1 and local["cpu_ms_per_segment"] > 0
    assert local["model_sentences"] / local["decoder_calls"] == local["mean_batch"]
    record = json.loads((tmp_path / "out-local" / "records.jsonl").read_text().splitlines()[0])
    assert record["provenance"]["backend"] == "standin"
