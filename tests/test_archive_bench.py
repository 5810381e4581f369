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
