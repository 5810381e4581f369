"""Segmentation time on huge lines, run by hand (never by the test suite):

    python bench/segment_long.py                    # 100 KB, 400 KB and 2 MB lines
    python bench/segment_long.py --sizes 0.1 0.4    # sizes in MB
    python bench/segment_long.py --window 0         # without windows (Kiwi sees each stretch whole)

Each line is built from committed sample text only: Korean and English FLORES sentences
(tests/data/corpus) and the hand-written mixed lines (tests/data/mixed), shuffled with a fixed
seed and joined with spaces into one line with no line breaks, in the mixture of half-translated
press releases (Korean sentences, English sentences, bullets, quotes, labels). Sizes are UTF-8
bytes. ``segment`` is timed once per size after one warm-up call (Kiwi's model load is not
counted); the spans are checked to concatenate back to the line. Printed: seconds and seconds
per MB, so linearity shows as a flat s/MB column. Goal: the 2 MB line in under a minute.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mt import segment as segment_module  # noqa: E402  (after the path set-up above)

DATA = ROOT / "tests" / "data"


def sample_pieces() -> list[str]:
    korean = (DATA / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").splitlines()
    english = (DATA / "corpus" / "flores200-dev.200.en").read_text(encoding="utf-8").splitlines()
    mixed = [json.loads(line)["line"] for line in
             (DATA / "mixed" / "mixed-lines.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [piece for piece in korean + english + mixed if piece.strip()]


def build_line(size_bytes: int, pieces: list[str], seed: int = 7) -> str:
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size_bytes:
        piece = rng.choice(pieces)
        parts.append(piece)
        total += len(piece.encode("utf-8")) + 1
    line = " ".join(parts)
    return line.encode("utf-8")[:size_bytes].decode("utf-8", errors="ignore")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 0.4, 2.0], help="line sizes in MB")
    parser.add_argument("--window", type=int, default=None,
                        help="characters Kiwi analyses at once (default: mt.segment.WINDOW; 0: no windows)")
    args = parser.parse_args()
    if args.window is not None:
        segment_module.WINDOW = args.window or 10 ** 12
    pieces = sample_pieces()
    segment_module.segment("국토교통부는 3개 지역을 선정했다. It was good.")   # warm-up: loads Kiwi
    print(f"window: {segment_module.WINDOW if segment_module.WINDOW < 10 ** 12 else 'none'} characters")
    print(f"{'size':>8} {'chars':>9} {'spans':>7} {'seconds':>9} {'s/MB':>7}")
    for size in args.sizes:
        size_bytes = int(size * 1_000_000)
        line = build_line(size_bytes, pieces)
        start = time.perf_counter()
        spans = segment_module.segment(line)
        seconds = time.perf_counter() - start
        if "".join(span.text for span in spans) != line:
            raise SystemExit(f"spans do not concatenate to the {size} MB line")
        print(f"{size:>6.1f}MB {len(line):>9} {len(spans):>7} {seconds:>9.2f} {seconds / (size_bytes / 1e6):>7.2f}",
              flush=True)


if __name__ == "__main__":
    main()
