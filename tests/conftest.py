"""Shared fixtures: tiny random-weight checkpoints of the real architectures, built offline.

They are built once per test session from committed text and saved to a temporary directory,
then loaded through the same public code path users take (``--model DIR``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
ARCHIVE = ROOT / "examples" / "press-releases-2025.txt"   # the sample archive (examples/SOURCE.md)

sys.path.insert(0, str(TESTS))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory) -> Path:
    from model_factory import build_marian

    return build_marian(tmp_path_factory.mktemp("models") / "tiny-marian")


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory) -> Path:
    from model_factory import build_m2m100

    return build_m2m100(tmp_path_factory.mktemp("models") / "tiny-m2m100")


@pytest.fixture(scope="session")
def tiny_marian_ct2(tiny_marian, tmp_path_factory) -> Path:
    from mt.backends.ct2 import convert_checkpoint

    return convert_checkpoint(str(tiny_marian), tmp_path_factory.mktemp("models") / "tiny-marian-ct2")


@pytest.fixture(scope="session")
def archive_lines() -> list[str]:
    return ARCHIVE.read_text(encoding="utf-8").splitlines(keepends=True)
