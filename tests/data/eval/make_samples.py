"""Regenerate the synthetic system outputs in this folder (deterministic; run from the repo root).

    python tests/data/eval/make_samples.py

Each "system" is the reference perturbed line by line with a seeded generator: words dropped,
neighbours swapped, articles and a few function words substituted. They stand in for MT output
of two quality levels so tests can score, compare and gate without a model.
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"
SUBSTITUTES = {"the": "a", "a": "the", "is": "was", "are": "were", "of": "for", "in": "on", "to": "for"}


def perturb(line: str, rng: random.Random, drop: float, swap: float, substitute: float) -> str:
    words = [w for w in line.split() if rng.random() >= drop] or line.split()[:1]
    for i in range(len(words) - 1):
        if rng.random() < swap:
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(SUBSTITUTES.get(w, w) if rng.random() < substitute else w for w in words)


def make(reference: Path, output: Path, seed: int, **rates: float) -> None:
    rng = random.Random(seed)
    lines = reference.read_text(encoding="utf-8").splitlines()
    output.write_text("".join(perturb(line, rng, **rates) + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    flores = CORPUS / "flores200-dev.200.en"
    make(flores, HERE / "flores200-dev.200.sys-a.en", 1, drop=0.08, swap=0.05, substitute=0.3)
    make(flores, HERE / "flores200-dev.200.sys-b.en", 2, drop=0.2, swap=0.12, substitute=0.6)
    make(HERE / "tatoeba.100.en", HERE / "tatoeba.100.sys-a.en", 3, drop=0.1, swap=0.05, substitute=0.3)
