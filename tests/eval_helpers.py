"""Shared helpers for the eval tests: run the real command lines, plant degradations."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CORPUS = TESTS / "data" / "corpus"
EVAL_DATA = TESTS / "data" / "eval"

FLORES_SRC = CORPUS / "flores200-dev.200.ko"
FLORES_REF = CORPUS / "flores200-dev.200.en"
FLORES_SYS_A = EVAL_DATA / "flores200-dev.200.sys-a.en"
FLORES_SYS_B = EVAL_DATA / "flores200-dev.200.sys-b.en"
TATOEBA_SRC = EVAL_DATA / "tatoeba.100.ko"
TATOEBA_REF = EVAL_DATA / "tatoeba.100.en"
TATOEBA_SYS_A = EVAL_DATA / "tatoeba.100.sys-a.en"
FLORES_BASELINE = EVAL_DATA / "baseline-flores200-dev.200.sys-a.json"

# (reference, hypothesis) pairs scored in the sacrebleu-equality tests.
SAMPLES = [(FLORES_REF, FLORES_SYS_A), (FLORES_REF, FLORES_SYS_B), (TATOEBA_REF, TATOEBA_SYS_A)]


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120)


def koen(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run("-m", "koen", *args, cwd=cwd)


def koen_json(*args: str | Path) -> dict:
    result = koen(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def plant_degradation(hypotheses: list[str], fraction: float, seed: int, how: str = "other") -> list[str]:
    """Replace ``fraction`` of the lines: with another line of the output, an empty line, or a half line."""
    rng = random.Random(seed)
    out = list(hypotheses)
    for i in rng.sample(range(len(out)), max(1, round(fraction * len(out)))):
        if how == "other":
            out[i] = hypotheses[(i + 1 + rng.randrange(len(out) - 1)) % len(out)]
        elif how == "empty":
            out[i] = ""
        elif how == "truncate":
            words = out[i].split()
            out[i] = " ".join(words[: len(words) // 2])
        else:
            raise ValueError(how)
    return out


def write_lines(path: Path, segments: list[str]) -> Path:
    path.write_text("".join(s + "\n" for s in segments), encoding="utf-8")
    return path
