"""English kept on the real-text regression set (tests/data/realtext, public pages), by hand:

    python bench/realtext.py                        # romanize backend, starter glossary
    python bench/realtext.py --model DIR            # a model (a tiny random one: tests/model_factory.py)
    python bench/realtext.py --show 10              # also print 10 lines that lost or doubled English
    python bench/realtext.py --model DIR --max-output-tokens 24    # a random model, short babble

Printed: the share of English words kept in order (each line's own English, glossary terms as their
approved English, eval.english_check), the lines with English doubled, and lines with Hangul, Han,
Kana or Cyrillic left in the translation. Goal with a model: >= 99.5% kept, at most one line doubled,
no Korean left.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.english_check import english_report  # noqa: E402  (after the path set-up above)
from koen.compose import build_pipeline  # noqa: E402
from glossary.termbase import default_glossary_path  # noqa: E402
from mt.korean import foreign_script  # noqa: E402

LINES = ROOT / "tests" / "data" / "realtext" / "lines.tsv"


def realtext_lines() -> list[str]:
    rows = [line.split("\t", 1) for line in LINES.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return [text for _, text in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model directory (default: the romanize backend)")
    parser.add_argument("--glossary", default=str(default_glossary_path()), help="glossary TSV ('none': no glossary)")
    parser.add_argument("--show", type=int, default=0, help="lines to print that lost or doubled English")
    parser.add_argument("--max-output-tokens", type=int, default=None,
                        help="cap on generated tokens (a random model babbles up to its limit otherwise)")
    args = parser.parse_args()
    glossary = None if args.glossary == "none" else args.glossary
    if args.model:
        pipeline = build_pipeline(glossary=glossary, model=args.model, backend="transformers", device="cpu",
                                  max_output_tokens=args.max_output_tokens)
    else:
        pipeline = build_pipeline(glossary=glossary, backend="romanize")
    lines = realtext_lines()
    results = pipeline.translate_lines(lines)
    audits = [result.audit() for result in results]
    report = english_report(audits)
    foreign = [i for i, result in enumerate(results) if foreign_script(result.translation)]
    print(f"{len(lines)} lines, {'model ' + args.model if args.model else 'romanize'}")
    print(report.line())
    print(f"lines with Hangul, Han, Kana or Cyrillic left: {len(foreign)}")
    doubled = dict(report.doubled)
    shown = sorted({i for i, _ in report.missing} | set(doubled))[:args.show]
    for index in shown:
        print(f"\n{lines[index]}\n  -> {results[index].translation}\n  doubled: {doubled.get(index)}")


if __name__ == "__main__":
    main()
