"""The workbench's Review page without a browser: approve, conflicts, refusals, add to glossary."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from starlette.testclient import TestClient

from glossary.lint import lint_file
from glossary.termbase import Termbase, default_glossary_path
from koen.archive.job import ArchiveJob
from koen.workbench.app import create_app
from mt.archive.readers import open_reader
from mt.backends import load_backend

from conftest import ARCHIVE

BASE = "http://127.0.0.1:8765"


def run_offline_job(outdir):
    """An archive job with --backend none: every Korean span stays Korean and is flagged."""
    ArchiveJob(open_reader(ARCHIVE), outdir, lambda: load_backend("none"), {"backend": "none"},
               warn=lambda m: None).run()
    return outdir


@pytest.fixture()
def setup(tmp_path):
    glossary = tmp_path / "glossary.tsv"
    shutil.copy(default_glossary_path(), glossary)
    outdir = run_offline_job(tmp_path / "out")
    return glossary, outdir


def client_for(glossary, outdir):
    client = TestClient(create_app(glossary, archive_output=outdir), base_url=BASE)
    client.headers["Origin"] = BASE
    return client


def first_item(page_text):
    block = re.split(r'<tr class="item[^"]*"', page_text, maxsplit=1)[1]
    item = re.search(r'data-id="([0-9a-f]{12})"', block).group(1)
    revision = re.search(r'name="revision" value="(\d+)"', block).group(1)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)
    return item, revision, csrf


def test_approve_from_the_page_then_rerun_uses_it(setup):
    glossary, outdir = setup
    with client_for(glossary, outdir) as client:
        page = client.get("/review")
        assert page.status_code == 200 and "untranslated" in page.text
        assert page.headers["x-frame-options"] == "DENY"
        item, revision, csrf = first_item(page.text)
        done = client.post(f"/review/{item}", data={"csrf": csrf, "revision": revision, "action": "approve",
                                                   "english": "Approved in the browser", "editor": "kim",
                                                   "override": "a whole sentence, checked by hand"},
                           follow_redirects=False)
        assert done.status_code == 303
        assert re.search(rf'<tr class="item approved[^"]*" id="item-{item}"', client.get("/review").text)
    run_offline_job(outdir)
    assert "Approved in the browser" in (outdir / "rendered" / ARCHIVE.name).read_text(encoding="utf-8")
    spans = [s for line in (outdir / "records.jsonl").read_text(encoding="utf-8").splitlines()
             for lines in json.loads(line)["audit"].values() for audit in lines for s in audit["spans"]
             if s.get("origin") == "human"]
    assert spans and all(s["translation"] == "Approved in the browser" for s in spans)


def test_two_editors_approve_the_same_span_one_gets_a_conflict(setup):
    glossary, outdir = setup
    with client_for(glossary, outdir) as first, client_for(glossary, outdir) as second:
        item, revision, csrf_a = first_item(first.get("/review").text)
        _, revision_b, csrf_b = first_item(second.get("/review").text)
        assert revision == revision_b == "0"
        won = first.post(f"/review/{item}", data={"csrf": csrf_a, "revision": revision, "action": "approve",
                                                  "english": "First editor", "override": "test"}, follow_redirects=False)
        lost = second.post(f"/review/{item}", data={"csrf": csrf_b, "revision": revision_b, "action": "approve",
                                                    "english": "Second editor", "override": "test"})
    assert won.status_code == 303
    assert lost.status_code == 409 and "reviewed by someone else" in lost.text


def test_review_posts_need_token_and_origin_and_valid_english(setup):
    glossary, outdir = setup
    with client_for(glossary, outdir) as client:
        item, revision, csrf = first_item(client.get("/review").text)
        data = {"csrf": csrf, "revision": revision, "action": "approve", "english": "x"}
        assert client.post(f"/review/{item}", data={**data, "csrf": "0" * 64}).status_code == 403
        assert client.post(f"/review/{item}", data=data, headers={"Origin": "http://evil.example"}).status_code == 403
        hangul = client.post(f"/review/{item}", data={**data, "english": "서울 City"})
        assert hangul.status_code == 422 and "holds Hangul" in hangul.text
        empty = client.post(f"/review/{item}", data={**data, "english": " "})
        assert empty.status_code == 422 and "is empty" in empty.text
        unknown = client.post("/review/000000000000", data=data)
        assert unknown.status_code == 422 and "no span with id" in unknown.text
        assert client.get("/review", headers={"Host": "evil.example"}).status_code == 400


def test_add_a_selected_term_to_the_glossary(setup):
    glossary, outdir = setup
    with client_for(glossary, outdir) as client:
        page = client.get("/review")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        version = re.search(r'name="version" value="([0-9a-f]{64})"', page.text).group(1)
        added = client.post("/review-glossary", data={"csrf": csrf, "version": version, "korean": "공동수행",
                                                      "english": "joint implementation"})
        assert added.status_code == 200 and "Added 공동수행" in added.text
        entry = next(e for e in Termbase.load(glossary).entries if e.korean == "공동수행")
        assert entry.status == "candidate" and entry.english == "joint implementation"
        assert lint_file(glossary) == []
        stale = client.post("/review-glossary", data={"csrf": csrf, "version": version, "korean": "버티포트",
                                                      "english": "vertiport"})
        assert stale.status_code == 409 and "changed on disk" in stale.text
        page = client.get("/review")
        version = re.search(r'name="version" value="([0-9a-f]{64})"', page.text).group(1)
        bad = client.post("/review-glossary", data={"csrf": csrf, "version": version, "korean": "버티포트",
                                                    "english": "버티 port"})
        assert bad.status_code == 422 and "hangul-in-english" in bad.text


def test_no_review_page_without_an_archive_output(tmp_path):
    glossary = tmp_path / "glossary.tsv"
    shutil.copy(default_glossary_path(), glossary)
    with TestClient(create_app(glossary), base_url=BASE) as client:
        assert client.get("/review").status_code == 404
