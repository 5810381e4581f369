"""The editors' desk without a browser: the access token, checked approvals with override and
history, compare-and-set between editors, refused characters, the request body cap, files read
safely, the grid's filters and paging, the servers' ports, the review list's order."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import httpx
import pytest
from hypothesis import given, strategies as st

from cli_helpers import run
from fuzz_settings import FUZZ
from desk_helpers import BASE, TOKEN, client, desk_job, form_of, items_of
from koen.archive import approval
from koen.archive import review as loop
from koen.workbench import grid as grids
from mt.editorial import has_any_hangul, unsafe_character
from mt.errors import KoenError
from mt.memory import TranslationMemory
from test_review import ENV, ROOT, koen


@pytest.fixture(scope="module")
def romanized(tmp_path_factory):
    return desk_job(tmp_path_factory.mktemp("desk"))


@pytest.fixture()
def fresh(tmp_path):
    return desk_job(tmp_path)


@pytest.fixture()
def offline(tmp_path):
    return desk_job(tmp_path, "none")


# -- defect 1: a revision that int() would choke on ------------------------------------------------

@pytest.mark.parametrize("revision", ["²", "١", "߁", "1" * 40, "-1", " 1", "", "0x1"])
def test_a_revision_that_is_not_plain_digits_is_a_400_not_a_500(offline, revision):
    glossary, outdir = offline
    with client(glossary, outdir) as web:
        page = web.get("/review")
        item = items_of(outdir)[0]
        form = form_of(page.text, item.id)
        done = web.post(f"/review/{item.id}", data={**form, "revision": revision, "action": "approve",
                                                    "english": "x", "override": "t"})
        assert done.status_code == 400 and "Traceback" not in done.text


# -- defect 2: the access token ------------------------------------------------------------------

def test_every_request_without_the_token_is_refused(offline):
    glossary, outdir = offline
    with client(glossary, outdir) as web:
        web.cookies.clear()
        for path in ("/", "/review", "/health", "/static/review.js", "/entry/2"):
            refused = web.get(path)
            assert refused.status_code == 403 and "access token" in refused.text, path
        assert web.get("/review?token=wrong").status_code == 403
        assert web.post("/review/0", data={"csrf": "x"}).status_code == 403
        first = web.get(f"/review?flag=untranslated&token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/review?flag=untranslated"
        assert "koen_token=" in first.headers["set-cookie"] and "HttpOnly" in first.headers["set-cookie"]
        assert web.get("/review").status_code == 200                 # the cookie from the first visit


def start_server(*args) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "koen", *map(str, args)], cwd=ROOT, env=ENV,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    line = process.stderr.readline()
    return process, line


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    process.stderr.close()


def test_review_serve_without_g_prints_a_token_url_and_refuses_requests_without_it(offline):
    _, outdir = offline
    process, line = start_server("review", "serve", outdir, "--port", "0")
    try:
        url = re.search(r"(http://\S+\?token=\S+)", line)
        assert url, line
        base = url.group(1).split("/review")[0]
        assert ":0/" not in url.group(1)
        assert httpx.get(base + "/review").status_code == 403
        with httpx.Client(follow_redirects=True) as browser:
            page = browser.get(url.group(1))
            assert page.status_code == 200 and "reviewed" in page.text and "Add to glossary" not in page.text
    finally:
        stop(process)
    process, line = start_server("review", "serve", outdir, "--port", "0", "--no-token")
    try:
        assert "warning: --no-token" in line
        url = re.search(r"(http://\S+/review)", process.stderr.readline()).group(1)
        assert httpx.get(url).status_code == 200
    finally:
        stop(process)


def test_a_taken_port_is_one_error_line_before_any_success_line(offline):
    _, outdir = offline
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = koen("review", "serve", outdir, "--port", port, check=False)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("koen: error:") and str(port) in lines[0]


def test_the_two_servers_default_to_different_ports():
    from koen.cli import review as review_cli, serve as serve_cli

    def default_port(command) -> int:
        return inspect.signature(command).parameters["port"].default.default

    assert default_port(review_cli.serve_command) != default_port(serve_cli.serve_command)


# -- checked approvals ----------------------------------------------------------------------------

def test_each_spans_own_checked_english_passes_and_losing_any_term_or_number_is_refused(romanized):
    _, outdir = romanized
    items = [item for item in items_of(outdir) if item.terms or item.numbers]
    assert items
    for item in items:
        assert loop.check_approval(item, item.english) == " ".join(item.english.split())
        for term in item.terms:
            damaged = re.sub(re.escape(term["expected"]), "something", item.english, flags=re.I)
            with pytest.raises(approval.ApprovalRefused) as refused:
                loop.check_approval(item, damaged)
            assert term["expected"] in str(refused.value)
        for number in item.numbers:
            damaged = re.sub(rf"(?<!\d){re.escape(number['english'])}(?!\d)", "", item.english, count=1)
            with pytest.raises(approval.ApprovalRefused) as refused:
                loop.check_approval(item, damaged)
            assert f"number {number['english']}" in str(refused.value)
        with pytest.raises(approval.ApprovalRefused) as refused:
            loop.check_approval(item, item.english + " 987654")
        assert "987654 is not in the source" in str(refused.value)
        assert loop.check_approval(item, "again", override="the client's wording") == "again"


def test_a_refused_approval_says_what_is_missing_and_an_override_is_recorded(fresh):
    _, outdir = fresh
    item = next(item for item in items_of(outdir) if len(item.terms) >= 2 and item.numbers)
    refused = koen("review", "approve", outdir, item.id, "--english", "again", check=False)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    for term in item.terms:
        assert term["expected"] in refused.stderr
    koen("review", "approve", outdir, item.id, "--english", "again", "--override", "the client's wording",
         "--editor", "kim")
    history = json.loads(koen("review", "history", outdir, item.id, "--json").stdout)["history"]
    assert [(h["editor"], h["english"], h["replaced"], h["override"]) for h in history] == [
        ("kim", "again", item.english, "the client's wording")]
    text = koen("review", "history", outdir, item.id).stdout
    assert "kim approved: 'again'" in text and "override: the client's wording" in text


def test_a_second_editor_needs_the_revision_they_saw(fresh):
    _, outdir = fresh
    item = items_of(outdir)[0]
    koen("review", "approve", outdir, item.id, "--english", "first", "--override", "t", "--editor", "kim")
    silent = koen("review", "approve", outdir, item.id, "--english", "second", "--override", "t", "--editor", "lee",
                  check=False)
    assert silent.returncode == 2 and "kim" in silent.stderr and "--revision 1" in silent.stderr
    stale = koen("review", "approve", outdir, item.id, "--english", "second", "--override", "t", "--editor", "lee",
                 "--revision", "0", check=False)
    assert stale.returncode == 4 and "reviewed by someone else" in stale.stderr
    koen("review", "approve", outdir, item.id, "--english", "second", "--override", "t", "--editor", "lee",
         "--revision", "1")
    koen("review", "approve", outdir, item.id, "--english", "second, again", "--override", "t", "--editor", "lee")
    chain = json.loads(koen("review", "history", outdir, item.id, "--json").stdout)["history"]
    assert [(h["revision"], h["editor"], h["english"], h["replaced"]) for h in chain] == [
        (1, "kim", "first", item.english), (2, "lee", "second", "first"), (3, "lee", "second, again", "second")]


REFUSED_TEXTS = ["Price: \u202e0001\u202c", "\u200b\u200b", "\u2060", "ok \x1b[31mred", "bell\x07", "\ufeffBOM",
                 "\uffa1\uffa4", "\u3260 circled", "\u321c", "line\u2028sep", "next\x85line", "\u115f filler"]


def test_editor_input_with_control_bidi_invisible_or_hidden_hangul_is_refused_on_the_cli(fresh, capsys):
    _, outdir = fresh
    item = items_of(outdir)[0]
    for english in REFUSED_TEXTS:
        code, _, err = run(["review", "approve", str(outdir), item.id, "--english", english, "--override", "t"], capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, english
        assert "\x1b" not in err and "\u202e" not in err


def test_the_page_refuses_the_same_characters_and_nul(offline):
    glossary, outdir = offline
    item = items_of(outdir)[0]
    with client(glossary, outdir) as web:
        for english in [*REFUSED_TEXTS, "nul\x00byte"]:
            form = form_of(web.get("/review").text, item.id)
            done = web.post(f"/review/{item.id}", data={**form, "action": "approve", "english": english,
                                                        "override": "t"})
            assert done.status_code == 422, english
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    try:
        assert memory.approved_count() == 0
    finally:
        memory.close()


@FUZZ
@given(st.text(min_size=1, max_size=30))
def test_fuzz_clean_english_refuses_exactly_the_unsafe_characters(text):
    spaced = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    unsafe = any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") for c in spaced) \
        or has_any_hangul(spaced)
    try:
        cleaned = approval.clean_english(text)
    except KoenError as exc:
        assert unsafe or not text.split(), (text, exc)
        return
    assert not unsafe and cleaned == " ".join(text.split())
    assert unsafe_character(cleaned) is None


# -- the review list ------------------------------------------------------------------------------

def test_review_list_ties_go_in_document_order_and_the_all_footer_counts_only_pending(offline):
    _, outdir = offline
    listed = json.loads(koen("review", "list", outdir, "--json").stdout)["items"]
    positions = [entry["position"] for entry in listed]
    assert positions == sorted(positions)             # all flagged alike: the tie is document order
    by_document = json.loads(koen("review", "list", outdir, "--json", "--order", "document").stdout)["items"]
    assert [e["position"] for e in by_document] == sorted(e["position"] for e in by_document)
    koen("review", "approve", outdir, listed[0]["id"], "--english", "done", "--override", "t")
    footer = koen("review", "list", outdir, "--all").stderr.strip().splitlines()[-1]
    assert footer == f"koen: {len(listed) - 1} span(s) to review, 1 already reviewed"


# -- the request body cap (issue 22 item 14) ------------------------------------------------------

def test_a_foreign_post_is_refused_before_any_of_its_body_is_read(offline):
    glossary, outdir = offline
    from koen.workbench.app import create_app

    app = create_app(glossary, archive_output=outdir)
    reads = []

    async def receive():
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/review/abc", "raw_path": b"/review/abc", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:8765"), (b"origin", b"http://evil.example"),
                         (b"content-type", b"application/x-www-form-urlencoded")],
             "scheme": "http", "server": ("127.0.0.1", 8765), "client": ("127.0.0.1", 1), "root_path": "",
             "http_version": "1.1"}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 403 and not reads


def test_a_form_over_the_cap_is_a_413_page(offline):
    glossary, outdir = offline
    item = items_of(outdir)[0]
    with client(glossary, outdir) as web:
        form = form_of(web.get("/review").text, item.id)
        big = web.post(f"/review/{item.id}", data={**form, "action": "approve", "english": "x" * (1024 * 1024 + 1)})
        assert big.status_code == 413 and "larger than" in big.text
        multipart = web.post(f"/review/{item.id}", data=form, files={"english": ("e.txt", b"y" * (2 * 1024 * 1024))})
        assert multipart.status_code == 413
        declared = web.post(f"/review/{item.id}", content=b"csrf=1", headers={
            "Content-Length": str(10 ** 12), "Content-Type": "application/x-www-form-urlencoded"})
        assert declared.status_code in (400, 413)


# -- files read safely (issue 22 item 22) -----------------------------------------------------------

def test_a_glossary_replaced_by_a_fifo_or_linked_to_dev_zero_gives_a_page_not_a_stall(fresh):
    glossary, outdir = fresh
    with client(glossary, outdir) as web:
        assert web.get("/").status_code == 200
        glossary.unlink()
        os.mkfifo(glossary)
        answers = []
        worker = threading.Thread(target=lambda: answers.append(web.get("/")), daemon=True)
        worker.start()
        worker.join(30)
        assert answers and answers[0].status_code == 503 and "not a regular file" in answers[0].text
        glossary.unlink()
        glossary.symlink_to("/dev/zero")
        zero = web.get("/review")
        assert zero.status_code == 503 and "not a regular file" in zero.text


def test_the_glossary_read_has_a_size_cap(tmp_path):
    from glossary.store import read_regular_file

    path = tmp_path / "big.tsv"
    path.write_bytes(b"a" * 200)
    assert read_regular_file(path, 200, "a glossary") == b"a" * 200
    with pytest.raises(KoenError, match="larger than"):
        read_regular_file(path, 199, "a glossary")


# -- the grid ---------------------------------------------------------------------------------------

def test_the_grid_shows_every_segment_with_progress_filters_and_release_titles(fresh):
    glossary, outdir = fresh
    items = items_of(outdir)
    with client(glossary, outdir) as web:
        page = web.get("/review").text
        assert len(re.findall(r'<tr class="item', page)) == len(items)          # not only the flagged ones
        assert f"0 of {len(items)} reviewed" in page
        assert "Smart city regions selected" in page and "2025-07-11" in page
        assert re.search(r'<mark class="span term" title="Ministry of Land, Infrastructure and Transport">', page)
        first = items[0]
        web.post(f"/review/{first.id}", data={**form_of(page, first.id), "action": "approve",
                                              "english": first.english})
        assert f"1 of {len(items)} reviewed" in web.get("/review").text

        def shown(query: str) -> list[str]:
            return re.findall(r'<tr class="item[^"]*" id="item-([0-9a-f]{12})"', web.get("/review" + query).text)

        assert shown("?status=approved") == [first.id]
        assert first.id not in shown("?status=unreviewed")
        assert shown("?q=" + "울산광역시") == [i.id for i in items if "울산광역시" in i.korean]
        assert shown("?q=ulsan") == [i.id for i in items if "ulsan" in i.english.lower()]
        assert shown("?term=Data Hub") == [i.id for i in items if any(t["expected"] == "Data Hub" for t in i.terms)]
        assert shown("?record=2") == [i.id for i in items if any(o.record == "2" for o in i.occurrences)]
        assert shown("?flag=flagged") == []
        assert shown("?status=nonsense&page=²") == [i.id for i in items]       # a bad filter is no filter


def test_paging_keeps_ten_thousand_segments_in_pages(romanized):
    _, outdir = romanized
    template = items_of(outdir)[0]
    many = [loop.ReviewItem(f"{n:012x}", f"{template.korean} {n}", template.english, "model", -0.5 - n % 3,
                            ["low-confidence"] if n % 7 == 0 else [], template.occurrences, position=n)
            for n in range(10_000)]
    first = grids.grid(many, grids.GridQuery())
    assert first.pages == 200 and len(first.rows) == grids.PAGE_SIZE and first.total == 10_000
    last = grids.grid(many, grids.GridQuery(page=999))
    assert last.page == 200 and last.rows[-1].id == many[-1].id
    flagged = grids.grid(many, grids.GridQuery(flag="flagged", page=2))
    assert flagged.shown == sum(1 for i in many if i.reasons) and all(r.reasons for r in flagged.rows)
    assert [r.position for r in flagged.rows] == sorted(r.position for r in flagged.rows)


def test_undo_takes_back_the_last_decision(offline):
    glossary, outdir = offline
    item = items_of(outdir)[0]
    with client(glossary, outdir) as web:
        page = web.get("/review").text
        web.post(f"/review/{item.id}", data={**form_of(page, item.id), "action": "approve", "english": "one",
                                             "override": "t"})
        page = web.get(f"/review?done={item.id}").text
        assert 'id="undo"' in page
        undone = web.post(f"/review/{item.id}", data={**form_of(page, item.id), "action": "undo"})
        assert undone.status_code == 200
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    try:
        review = memory.review(item.korean)
        assert review.state == "unreviewed" and review.revision == 2 and memory.approved_count() == 0
        assert [h.via for h in approval.history(memory, item.korean)] == ["page", "undo"]
    finally:
        memory.close()
