"""Shared set-up for the editors' desk tests: small listing archives with near-duplicate
sentences (for fuzzy matches), jobs over them, and workbench clients that carry the access token."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from starlette.testclient import TestClient

from glossary.termbase import default_glossary_path
from koen.archive import review as loop
from koen.archive.job import ArchiveJob
from koen.compose import load_terms
from koen.workbench.app import create_app
from mt.archive.readers import open_reader
from mt.backends import load_backend
from mt.memory import TranslationMemory

BASE = "http://127.0.0.1:8765"
TOKEN = "desk-test-token"

# Press-release-like records: the second differs from the first only in its numbers, the third
# only in spacing and punctuation, the fourth by a word; the rest are unrelated.
RECORDS = [
    ("Smart city regions selected", "2025.07.11", "국토교통부는 2025년 스마트도시 공모 결과 3개 지역을 선정하였다."),
    ("Smart city regions selected again", "2025.08.12", "국토교통부는 2026년 스마트도시 공모 결과 5개 지역을 선정하였다."),
    ("Spacing", "2025.09.01", "국토교통부는  2025년 스마트도시 공모 결과, 3개 지역을 선정하였다"),
    ("Drones", "2025.09.02", "국토교통부는 2025년 스마트도시 공모 결과 3개 지역을 새로 선정하였다."),
    ("Data hub", "2025.09.03", "데이터허브에 모인 데이터를 분석해서 새로운 도시서비스를 만든다."),
    ("Minister", "2025.09.04", "박상우 장관은 울산광역시를 방문하였다."),
]


def write_listing(path: Path, records=RECORDS) -> Path:
    blocks = ["Home/Policy/Report"]
    for title, date, body in records:
        stamp = date.replace(".", "-")
        blocks += [title, f"{stamp}T10:00:00+09:00{date}|Report|", body]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def run_job(archive: Path, outdir: Path, backend: str = "romanize") -> Path:
    """The job with the starter glossary enforced (terms found, protected and audited)."""
    ArchiveJob(open_reader(archive), outdir, lambda: load_backend(backend), {"backend": backend},
               terms=load_terms(default_glossary_path()), warn=lambda m: None).run()
    return outdir


def desk_job(tmp: Path, backend: str = "romanize") -> tuple[Path, Path]:
    """(an editable glossary, the job's OUTDIR) over the near-duplicate listing."""
    glossary = tmp / "glossary.tsv"
    shutil.copy(default_glossary_path(), glossary)
    return glossary, run_job(write_listing(tmp / "listing.txt"), tmp / "out", backend)


def items_of(outdir: Path) -> list[loop.ReviewItem]:
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    try:
        return sorted(loop.collect(loop.read_records(outdir), memory).values(), key=lambda item: item.position)
    finally:
        memory.close()


def client(glossary: Path, outdir: Path | None = None, token: str | None = TOKEN, **options) -> TestClient:
    """A workbench client that has made its first visit (the token cookie set)."""
    app = create_app(glossary, archive_output=outdir, token=token, **options)
    test_client = TestClient(app, base_url=BASE, raise_server_exceptions=False)
    test_client.headers["Origin"] = BASE
    if token:
        test_client.cookies.set("koen_token", token)
    return test_client


def form_of(page_text: str, item_id: str) -> dict:
    """The hidden fields of one grid row's decision form, and the page's CSRF token."""
    row = page_text.split(f'id="item-{item_id}"', 1)[1].split("</tr>", 1)[0]
    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', page_text).group(1),
            "revision": re.search(r'name="revision" value="(\d+)"', row).group(1)}
