"""The workbench app without a browser (Starlette's TestClient): CSRF, paths, versions, lint."""

import re
import shutil

import pytest
from starlette.testclient import TestClient

from glossary.lint import lint_file
from glossary.termbase import Termbase, default_glossary_path
from koen.workbench.app import create_app

from conftest import ARCHIVE

BASE = "http://127.0.0.1:8765"
CANDIDATES = (
    "노후계획도시\taged planned city\t\tgeneral\tcandidate\t\t\t\tmined from mixed-releases.txt: 4x in 2 documents\n"
    "버티포트\tvertiport\t\tgeneral\tcandidate\t\t\t\tmined from mixed-releases.txt: 4x in 2 documents\n"
)


@pytest.fixture()
def glossary(tmp_path):
    path = tmp_path / "glossary.tsv"
    shutil.copy(default_glossary_path(), path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(CANDIDATES)
    assert lint_file(path) == []
    return path


@pytest.fixture()
def client(glossary):
    app = create_app(glossary)
    with TestClient(app, base_url=BASE) as client:
        client.headers["Origin"] = BASE
        yield client


def line_of(path, korean):
    return next(e.line for e in Termbase.load(path).entries if e.korean == korean)


def page_state(client, url="/"):
    page = client.get(url)
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    version = re.search(r'name="version" value="([0-9a-f]{64})"', page.text).group(1)
    return page, csrf, version


def edit_fields(entry, **changes):
    fields = {"korean": entry.korean, "english": entry.english, "aliases": "|".join(entry.aliases), "kind": entry.kind,
              "status": entry.status, "valid_from": str(entry.valid_from or ""), "valid_to": str(entry.valid_to or ""),
              "note": entry.note}
    if entry.dnt:
        fields["dnt"] = "yes"
    fields.update(changes)
    return fields


def test_list_search_and_filters(client, glossary):
    page = client.get("/", params={"q": "데이터 허브"})
    assert page.status_code == 200
    assert "스마트도시 데이터허브" in page.text and "국토교통부" not in page.text.split("<tbody>")[1]
    assert client.get("/", params={"q": "Data Hub"}).text.count('class="korean"') >= 2
    candidates = client.get("/", params={"status": "candidate"}).text
    expected = sum(e.status == "candidate" for e in Termbase.load(glossary).entries)
    assert candidates.count('class="korean"') == expected and "버티포트" in candidates and "국토교통부" not in candidates
    people = client.get("/", params={"kind": "person"}).text
    assert "박상우" in people and "버티포트" not in people
    # Validity: 국토교통부's dated rows; the 2008-2013 name is not valid in 2025.
    in_2025 = client.get("/", params={"q": "국토해양부", "valid_on": "2025-07-01"}).text
    in_2010 = client.get("/", params={"q": "국토해양부", "valid_on": "2010-01-01"}).text
    assert in_2025.count('class="korean"') < in_2010.count('class="korean"')
    assert "not a date" in client.get("/", params={"valid_on": "July"}).text
    assert page.headers["x-frame-options"] == "DENY" and "default-src 'self'" in page.headers["content-security-policy"]


def test_approve_writes_the_file_lint_clean(client, glossary):
    line = line_of(glossary, "버티포트")
    _, csrf, version = page_state(client)
    response = client.post(f"/entry/{line}/status", data={"csrf": csrf, "version": version, "action": "approve"},
                           follow_redirects=False)
    assert response.status_code == 303
    entry = next(e for e in Termbase.load(glossary).entries if e.korean == "버티포트")
    assert entry.status == "approved" and entry.line == line
    assert lint_file(glossary) == []


def test_reject_keeps_the_row_as_deprecated(client, glossary):
    line = line_of(glossary, "노후계획도시")
    _, csrf, version = page_state(client)
    client.post(f"/entry/{line}/status", data={"csrf": csrf, "version": version, "action": "reject"})
    entry = next(e for e in Termbase.load(glossary).entries if e.korean == "노후계획도시")
    assert entry.status == "deprecated" and entry.note.startswith("rejected ")


def test_edit_saves_in_place_and_only_that_row_changes(client, glossary):
    before = glossary.read_text(encoding="utf-8").splitlines()
    line = line_of(glossary, "버티포트")
    entry = Termbase.load(glossary).entries[-1]
    _, csrf, version = page_state(client, f"/entry/{line}")
    response = client.post(f"/entry/{line}", data={"csrf": csrf, "version": version,
                                                   **edit_fields(entry, english="Vertiport", status="approved")})
    assert response.status_code == 200 and "Saved line" in response.text
    after = glossary.read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == [line - 1] and after[line - 1].startswith("버티포트\tVertiport\t")


def test_edit_that_breaks_lint_is_refused_with_the_message(client, glossary):
    before = glossary.read_bytes()
    line = line_of(glossary, "버티포트")
    entry = Termbase.load(glossary).entries[-1]
    _, csrf, version = page_state(client, f"/entry/{line}")
    # The English keeps Hangul: lint's hangul-in-english.
    refused = client.post(f"/entry/{line}", data={"csrf": csrf, "version": version,
                                                  **edit_fields(entry, english="버티포트 port")})
    assert refused.status_code == 422
    assert "Hangul left in the English term" in refused.text and "hangul-in-english" in refused.text
    assert 'value="버티포트 port"' in refused.text  # the editor's typing is kept to fix it
    # Taking a term another row already has: conflict; a bad date: bad-date.
    clash = client.post(f"/entry/{line}", data={"csrf": csrf, "version": version,
                                                **edit_fields(entry, korean="국토교통부", english="Land Ministry")})
    assert clash.status_code == 422 and "[conflict]" in clash.text or "[overlapping-dates]" in clash.text
    bad_date = client.post(f"/entry/{line}", data={"csrf": csrf, "version": version,
                                                   **edit_fields(entry, valid_from="2025-13-01")})
    assert bad_date.status_code == 422 and "is not a date" in bad_date.text
    assert glossary.read_bytes() == before


def test_concurrent_edit_is_refused_never_overwritten(client, glossary):
    line = line_of(glossary, "버티포트")
    entry = Termbase.load(glossary).entries[-1]
    _, csrf, version = page_state(client, f"/entry/{line}")
    # Another editor (or git pull) changes the file after the page was loaded.
    theirs = glossary.read_text(encoding="utf-8").replace("버티포트\tvertiport\t", "버티포트\tvertiport (landing site)\t")
    glossary.write_text(theirs, encoding="utf-8")
    refused = client.post(f"/entry/{line}", data={"csrf": csrf, "version": version,
                                                  **edit_fields(entry, english="Vertiport")})
    assert refused.status_code == 409
    assert "changed on disk" in refused.text and "nothing was saved" in refused.text
    assert glossary.read_text(encoding="utf-8") == theirs
    # The refusal shows the file as it is now in the form, the editor's attempt beside it.
    assert 'value="vertiport (landing site)"' in refused.text and "Your edit, not saved" in refused.text
    approve = client.post(f"/entry/{line}/status", data={"csrf": csrf, "version": version, "action": "approve"})
    assert approve.status_code == 409 and glossary.read_text(encoding="utf-8") == theirs


def test_csrf_token_and_origin_are_required(client, glossary):
    before = glossary.read_bytes()
    line = line_of(glossary, "버티포트")
    _, csrf, version = page_state(client)
    data = {"csrf": csrf, "version": version, "action": "approve"}
    no_token = client.post(f"/entry/{line}/status", data={**data, "csrf": ""})
    wrong_token = client.post(f"/entry/{line}/status", data={**data, "csrf": "0" * 64})
    foreign = client.post(f"/entry/{line}/status", data=data, headers={"Origin": "http://evil.example"})
    no_origin = client.post(f"/entry/{line}/status", data=data, headers={"Origin": "", "Referer": ""})
    for response in (no_token, wrong_token, foreign, no_origin):
        assert response.status_code == 403
    # A token from another session (cookie) is not valid here.
    with TestClient(create_app(glossary), base_url=BASE) as other:
        other.get("/")
        stolen = other.post(f"/entry/{line}/status", data=data, headers={"Origin": BASE})
        assert stolen.status_code == 403
    assert glossary.read_bytes() == before
    # Referer from the same origin is accepted when a client sends no Origin.
    same = client.post(f"/entry/{line}/status", data=data, headers={"Origin": "", "Referer": BASE + "/"},
                       follow_redirects=False)
    assert same.status_code == 303
    cookie = client.get("/").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_no_path_outside_the_configured_files(client, glossary, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    for url in ("/static/../glossary.tsv", "/static/..%2f..%2fsecret.txt", "/static/%2e%2e/%2e%2e/secret.txt",
                "/static//etc/passwd", "/static/../../../../etc/passwd", "/entry/..%2f..%2fetc%2fpasswd",
                "/entry/-1", f"/?glossary={secret}", "/etc/passwd"):
        response = client.get(url)
        assert "top secret" not in response.text and "root:x:" not in response.text, url
        assert response.status_code in (200, 400, 404), url
        if url.startswith(("/static", "/entry")):
            assert response.status_code == 404, url
    assert client.get("/static/workbench.css").status_code == 200
    # Requests for another Host (DNS rebinding) are refused.
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_concordance_shows_translation_and_whether_the_term_was_honoured(glossary):
    app = create_app(glossary, ARCHIVE)
    with TestClient(app, base_url=BASE) as client:
        hub = line_of(glossary, "스마트도시 데이터허브")
        page = client.get(f"/entry/{hub}")
        assert page.status_code == 200
        table = page.text.split('id="concordance"')[1]
        assert "press-releases-2025.txt:3" in table and "2025-07-11" in table
        assert "<mark>스마트도시 데이터허브</mark>" in table
        assert "‘Smart City Data Hub’" in table and "honoured" in table
        assert "romanize" in page.text
        missing = client.get(f"/entry/{line_of(glossary, '버티포트')}")
        assert "Not found in press-releases-2025.txt" in missing.text


def test_an_existing_finding_reworded_by_an_edit_is_not_a_new_problem(tmp_path):
    """Row B already conflicts with row A; editing A's English rewords B's finding, adds nothing."""
    path = tmp_path / "glossary.tsv"
    shutil.copy(default_glossary_path(), path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("도시숲\turban forest\t\tgeneral\tapproved\t\t\t\ttest\n"
                     "도시숲\tcity forest\t\tgeneral\tapproved\t\t\t\ttest\n")
    before = {(f.line, f.code) for f in lint_file(path)}
    assert before, "the planted pair must conflict"
    with TestClient(create_app(path), base_url=BASE) as client:
        client.headers["Origin"] = BASE
        first = next(e for e in Termbase.load(path).entries if e.english == "urban forest")
        _, csrf, version = page_state(client, f"/entry/{first.line}")
        response = client.post(f"/entry/{first.line}", data={"csrf": csrf, "version": version,
                                                             **edit_fields(first, english="urban woods")})
        assert response.status_code in (200, 303)
    assert any(e.english == "urban woods" for e in Termbase.load(path).entries)
    assert {(f.line, f.code) for f in lint_file(path)} == before
