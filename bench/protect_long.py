"""Protection time on long dense spans (issue 22, item 24), run by hand (never by the test suite):

    python bench/protect_long.py                       # 16 KB and 256 KB of each pattern
    python bench/protect_long.py --sizes 16 64 256     # sizes in KB
    python bench/protect_long.py --backend empty       # a model that returns nothing: all put back

Each line is one pattern repeated into a single Korean span: title-quoted Korean (``「가」 ``), dense
glossary terms (``국토교통부 ``), numbers (``2,025명 ``), English glued to Korean (``SRT노선 ``),
mixed. Timed: planning the span (terms, numbers, islands, quotes), substitution and restore, with
a backend that echoes its input without Hangul (or returns nothing); segmentation and the model
are not counted. Printed: seconds per size and the ratio to the smallest size, next to the ratio
of the sizes; a linear pipeline shows the two ratios alike (quadratic: the square of it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.match import Matcher  # noqa: E402  (after the path set-up above)
from glossary.termbase import Termbase, default_glossary_path  # noqa: E402
from mt.korean import HANGUL_RE  # noqa: E402
from mt.pipeline import Pipeline  # noqa: E402

PATTERNS = {
    "quotes": "「가」 ",
    "terms": "국토교통부 ",
    "numbers": "2,025명 ",
    "glued": "SRT노선 ",
    "mixed": "국토교통부는 「스마트도시」 AI와 3개 KTX-이음을 ",
}


class Echo:
    """A model that copies its input, Hangul left out (``empty``: returns nothing)."""

    name, max_input_tokens = "echo", 10 ** 9

    def __init__(self, empty: bool = False):
        self.empty = empty

    def count_tokens(self, texts):
        return [1 for _ in texts]

    def translate(self, texts):
        return ["" if self.empty else HANGUL_RE.sub("", text) for text in texts]

    def provenance(self):
        return {"backend": self.name}


def build(pattern: str, size_bytes: int) -> str:
    unit = len(pattern.encode("utf-8"))
    return (pattern * (size_bytes // unit + 1)).encode("utf-8")[:size_bytes].decode("utf-8", "ignore").strip() + "."


def protect_time(pipeline: Pipeline, text: str) -> float:
    start = time.perf_counter()
    job = pipeline._plan(text, None)
    pipeline._run([job])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 256], help="span sizes in KB")
    parser.add_argument("--backend", choices=["echo", "empty"], default="echo")
    parser.add_argument("--patterns", nargs="+", default=list(PATTERNS), choices=list(PATTERNS))
    args = parser.parse_args()
    pipeline = Pipeline(Echo(args.backend == "empty"), terms=Matcher(Termbase.load(default_glossary_path())))
    protect_time(pipeline, build(PATTERNS["mixed"], 2000))        # warm-up: loads Kiwi
    base = args.sizes[0]
    print(f"backend {args.backend}; ratio: seconds / seconds at {base} KB (sizes ratio for a linear time)")
    print(f"{'pattern':>8} " + " ".join(f"{f'{size} KB':>10}" for size in args.sizes) + "   ratios")
    for name in args.patterns:
        seconds = [protect_time(pipeline, build(PATTERNS[name], size * 1024)) for size in args.sizes]
        ratios = " ".join(f"{s / seconds[0]:.1f} (x{size / base:.0f})" for s, size in zip(seconds[1:], args.sizes[1:]))
        print(f"{name:>8} " + " ".join(f"{s:>9.2f}s" for s in seconds) + f"   {ratios}", flush=True)


if __name__ == "__main__":
    main()
