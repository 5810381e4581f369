"""Issue 15's attack list, one regression test per break (each failed before its fix)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest

from cli_helpers import run
from koen.cli import main
from mt.errors import KoenError
from mt.textio import atomic_writer, check_argv, clean_stale_temps, refuse_same_file, write_text_atomic




# -- 1. output onto special files and symlinks ---------------------------------------------------

def test_dev_null_stays_a_device():
    with atomic_writer("/dev/null") as handle:
        handle.write("gone\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_fifo_reader_gets_the_output_and_the_fifo_stays(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text_atomic(fifo, "annyeong\n")
    reader.join(10)
    assert got == [b"annyeong\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_unix_socket_is_written_through(tmp_path):
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    got = []

    def serve():
        conn, _ = server.accept()
        with conn:
            chunks = []
            while data := conn.recv(4096):
                chunks.append(data)
            got.append(b"".join(chunks))

    thread = threading.Thread(target=serve)
    thread.start()
    with atomic_writer(path, "wb") as handle:
        handle.write(b"through\n")
    thread.join(10)
    server.close()
    assert got == [b"through\n"]
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_symlink_is_followed_and_kept(tmp_path, capsys):
    target = tmp_path / "real.txt"
    target.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    source = tmp_path / "in.txt"
    source.write_text("안녕 hello\n", encoding="utf-8")
    code, _, err = run(["translate", str(source), "-o", str(link), "--backend", "romanize", "-g", "none"], capsys)
    assert code == 0, err
    assert link.is_symlink()
    assert target.read_text() == "annyeong hello\n"


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "new.txt")
    write_text_atomic(link, "x\n")
    assert link.is_symlink() and (tmp_path / "new.txt").read_text() == "x\n"


# -- 2. output path equal to an input ------------------------------------------------------------

def test_translate_refuses_to_overwrite_its_input(tmp_path, capsys):
    source = tmp_path / "x.txt"
    source.write_text("안녕\n", encoding="utf-8")
    code, _, err = run(["translate", str(source), "-o", str(tmp_path / "." / "x.txt"), "--backend", "romanize"], capsys)
    assert code == 2 and "is also an input" in err and len(err.strip().splitlines()) == 1
    assert source.read_text(encoding="utf-8") == "안녕\n"


def test_refuse_same_file_sees_hard_links_and_symlinks(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("a")
    os.link(a, tmp_path / "hard.txt")
    (tmp_path / "soft.txt").symlink_to(a)
    for other in ("hard.txt", "soft.txt", "a.txt"):
        with pytest.raises(KoenError, match="is also an input"):
            refuse_same_file(tmp_path / other, None, "-", a)
    refuse_same_file(tmp_path / "b.txt", a)          # a new file is fine
    refuse_same_file(None, a)


@pytest.mark.parametrize("option", ["--segments", "--save-baseline"])
def test_eval_score_refuses_to_overwrite_the_hypothesis_or_reference(tmp_path, capsys, option):
    hyp = tmp_path / "hyp.txt"
    ref = tmp_path / "ref.txt"
    hyp.write_text("the cat sat\n")
    ref.write_text("the cat sat down\n")
    for victim in (hyp, ref):
        code, _, err = run(["eval", "score", "--hyp", str(hyp), "--ref", str(ref), option, str(victim)], capsys)
        assert code == 2 and "is also an input" in err, err
    assert hyp.read_text() == "the cat sat\n" and ref.read_text() == "the cat sat down\n"


# -- 7. tracebacks: non-UTF-8 arguments ----------------------------------------------------------

def test_invalid_utf8_argument_is_one_line():
    bad = os.fsdecode(b"/tmp/\xff.txt")
    with pytest.raises(KoenError, match="not valid UTF-8"):
        check_argv(["translate", bad])
    check_argv(["translate", "한국어.txt"])
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-m", "koen", "glossary", "find", b"\xff\xfe"], capture_output=True, env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().startswith("koen: error: argument") and b"Traceback" not in done.stderr


# -- 9. a kill -9 during a save leaves temporaries: the next save removes them -----------------

def test_stale_temporaries_of_dead_writers_are_cleaned(tmp_path):
    target = tmp_path / "g.tsv"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".g.tsv.{int(dead.stdout)}.abc123.tmp"
    stale.write_text("half")
    live = tmp_path / f".g.tsv.{os.getppid()}.abc123.tmp"      # a writer that still runs
    live.write_text("busy")
    write_text_atomic(target, "new\n")
    assert not stale.exists() and live.exists()
    assert clean_stale_temps(target) == []


# -- 6. a Korean term starting with '#'; two-column glossaries (issue 11.6) ----------------------

from glossary.lint import lint_file  # noqa: E402
from glossary.termbase import HEADER, Entry, Termbase  # noqa: E402


def test_hash_term_added_loads_back(tmp_path, capsys):
    path = tmp_path / "g.tsv"
    Termbase.create(path)
    for term in ("#태그", "\\#백슬래시", "  #공백"):
        code, out, err = run(["glossary", "add", term, "tag", "-g", str(path), "--force"], capsys)
        assert code == 0, err
    loaded = Termbase.load(path)
    assert [e.korean for e in loaded.entries] == ["#태그", "\\#백슬래시", "  #공백"]
    assert Termbase.from_text(loaded.to_text()).entries == loaded.entries


def test_create_writes_an_empty_glossary_and_never_replaces(tmp_path):
    path = tmp_path / "new.tsv"
    assert Termbase.create(path).entries == []
    assert path.read_text() == HEADER + "\n"
    with pytest.raises(KoenError, match="already exists"):
        Termbase.create(path)


@pytest.mark.parametrize("name,content", [
    ("deepl.tsv", "서울시\tSeoul Metropolitan Government\n국토교통부\tMinistry of Land\n"),
    ("google.csv", "ko,en\n서울시,Seoul Metropolitan Government\n국토교통부,Ministry of Land\n"),
    ("noheader.csv", "서울시,Seoul Metropolitan Government\n\"국토교통부\",\"Ministry of Land\"\n"),
    ("named.tsv", "english\tkorean\tnote\nSeoul Metropolitan Government\t서울시\tx\nMinistry of Land\t국토교통부\t\n"),
])
def test_two_column_glossaries_load(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    entries = Termbase.load(path).entries
    assert [(e.korean, e.english, e.status, e.kind) for e in entries] == [
        ("서울시", "Seoul Metropolitan Government", "approved", "general"),
        ("국토교통부", "Ministry of Land", "approved", "general")]
    assert lint_file(path) == []


def test_two_column_glossary_is_linted_the_same_way(tmp_path):
    path = tmp_path / "two.tsv"
    path.write_text("서울시 \tSeoul\n서울시\tSeoul City\n", encoding="utf-8")
    codes = {f.code for f in lint_file(path)}
    assert {"whitespace", "conflict"} <= codes
    bad = tmp_path / "bad.tsv"
    bad.write_text("서울시\tSeoul\n부산\n", encoding="utf-8")
    with pytest.raises(KoenError, match=r"bad.tsv:2: expected 2 columns"):
        Termbase.load(bad)


def test_glossary_option_of_translate_takes_a_two_column_file(tmp_path, capsys):
    glossary = tmp_path / "g.csv"
    glossary.write_text("korean,english\n서울시,Seoul City\n", encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text("서울시는 발표했다.\n", encoding="utf-8")
    code, out, err = run(["translate", str(source), "--backend", "romanize", "-g", str(glossary)], capsys)
    assert code == 0, err
    assert "Seoul City" in out


# -- 9. import runs the same whitespace lint as add ----------------------------------------------

def test_import_refuses_what_add_refuses(tmp_path, capsys):
    path = tmp_path / "g.tsv"
    Termbase.create(path)
    code, _, err = run(["glossary", "add", "서울시 ", "Seoul", "-g", str(path)], capsys)
    assert code != 0 and "stray whitespace" in err
    source = tmp_path / "in.csv"
    source.write_text("korean,english\n서울시 ,Seoul\n", encoding="utf-8")
    code, _, err = run(["glossary", "import", str(source), "-g", str(path)], capsys)
    assert code == 2 and "stray whitespace" in err, err
    assert Termbase.load(path).entries == [] and lint_file(path) == []


# -- 7. TBX: other roots, the ISO 30042:2019 form; importing a directory -------------------------

from glossary.formats import get_format  # noqa: E402

TBX_2019 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>from a terminology tool</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <descrip type="subjectField">organisation</descrip>
      <langSec xml:lang="en"><termSec><term>Ministry of Land, Infrastructure and Transport</term></termSec></langSec>
      <langSec xml:lang="ko">
        <termSec><term>국토교통부</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>국토부</term></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


def test_tbx_2019_imports_with_languages_in_any_order_and_aliases(tmp_path, capsys):
    source = tmp_path / "terms.tbx"
    source.write_text(TBX_2019, encoding="utf-8")
    glossary = tmp_path / "g.tsv"
    Termbase.create(glossary)
    code, out, err = run(["glossary", "import", str(source), "-g", str(glossary)], capsys)
    assert code == 0, err
    [entry] = Termbase.load(glossary).entries
    assert (entry.korean, entry.english, entry.aliases, entry.kind, entry.status) == (
        "국토교통부", "Ministry of Land, Infrastructure and Transport", ("국토부",), "organisation", "approved")


def test_tbx_2019_export_on_request_round_trips(tmp_path, capsys):
    import datetime

    entries = [Entry("국토교통부", "MOLIT", ("국토부",), "organisation", "candidate", datetime.date(2020, 1, 1), None, False, "n"),
               Entry("#해시", "", (), "general", "approved", None, None, True, "")]
    fmt = get_format("tbx2019")
    data = fmt.write(entries)
    assert b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"' in data and b"conceptEntry" in data and b"martif" not in data
    assert get_format(None, "x.tbx").read(data, "x.tbx") == entries


@pytest.mark.parametrize("xml", ["<foo/>", "<tmx version='1.4'/>", "not xml at all", ""])
def test_tbx_with_another_root_is_one_line(tmp_path, capsys, xml):
    source = tmp_path / "bad.tbx"
    source.write_text(xml)
    glossary = tmp_path / "g.tsv"
    Termbase.create(glossary)
    code, out, err = run(["glossary", "import", str(source), "-g", str(glossary)], capsys)
    assert code == 2 and err.startswith("koen: error:") and len(err.strip().splitlines()) == 1, err


def test_importing_a_directory_is_one_line(tmp_path, capsys):
    folder = tmp_path / "dir.tbx"
    folder.mkdir()
    glossary = tmp_path / "g.tsv"
    Termbase.create(glossary)
    code, out, err = run(["glossary", "import", str(folder), "-g", str(glossary)], capsys)
    assert code == 2 and "is a directory" in err, err


# -- 9. a TMX written English first imports the right way round -----------------------------------

def test_tmx_languages_by_xml_lang():
    tmx = """<?xml version="1.0"?><tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="phrase"
    adminlang="en" creationtool="x" creationtoolversion="1" o-tmf="x"/><body>
    <tu><tuv xml:lang="en-US"><seg>Seoul</seg></tuv><tuv xml:lang="ko-KR"><seg>서울</seg></tuv></tu>
    <tu><tuv xml:lang="ko"><seg>부산</seg></tuv><tuv xml:lang="en"><seg>Busan</seg></tuv></tu>
    <tu><tuv xml:lang="fr"><seg>Paris</seg></tuv><tuv xml:lang="en"><seg>Paris</seg></tuv></tu>
    </body></tmx>""".encode()
    entries = get_format("tmx").read(tmx, "m.tmx")
    assert [(e.korean, e.english) for e in entries] == [("서울", "Seoul"), ("부산", "Busan")]


# -- 5. archive jobs: one run per OUTDIR; issue 11.3; OUTDIR inside a folder input ---------------

from archive_helpers import write_listing  # noqa: E402
from koen.archive.job import ArchiveJob, JobOptions  # noqa: E402
from koen.archive.lock import LOCK_FILE, OutdirLock, check_records  # noqa: E402
from mt.archive.readers import open_reader  # noqa: E402
from mt.backends import load_backend  # noqa: E402


def _romanize():
    return load_backend("romanize")


def _job(archive, outdir, make=_romanize, settings=None):
    return ArchiveJob(open_reader(archive), outdir, make, settings or {"backend": "romanize"},
                      options=JobOptions(chunk_records=4), warn=lambda m: None)


def test_second_run_on_one_outdir_is_refused_naming_the_holder(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 3)
    outdir = tmp_path / "out"
    outdir.mkdir()
    with OutdirLock(outdir):
        with pytest.raises(KoenError, match=rf"in use by another koen archive run \(pid {os.getpid()}\)"):
            _job(archive, outdir).run()
    assert _job(archive, outdir).run().translated_now == 3
    assert not (outdir / LOCK_FILE).exists()


def test_stale_lock_of_a_killed_run_is_taken_over(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 3)
    outdir = tmp_path / "out"
    outdir.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDWR|os.O_CREAT);"
                               "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, b'%d' % os.getpid()); print('locked', flush=True);"
                               "time.sleep(60)", str(outdir / LOCK_FILE)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(KoenError, match=rf"pid {holder.pid}"):
        _job(archive, outdir).run()
    holder.kill()
    holder.wait()
    assert (outdir / LOCK_FILE).exists()
    assert _job(archive, outdir).run().translated_now == 3


def test_garbage_job_database_is_one_line(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 2)
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / ".koen-job.sqlite").write_bytes(b"this is not a database, just garbage " * 100)
    with pytest.raises(KoenError, match=r"\.koen-job\.sqlite: not a koen job database"):
        _job(archive, outdir).run()


def test_failed_model_load_does_not_claim_the_outdir(tmp_path):
    archive = write_listing(tmp_path / "listing.txt", 2)
    outdir = tmp_path / "out"

    def offline():
        raise KoenError("model x: not available offline")

    with pytest.raises(KoenError, match="offline"):
        _job(archive, outdir, offline, {"backend": "transformers"}).run()
    report = _job(archive, outdir).run()              # the README's fallback: --backend romanize
    assert report.translated_now == 2


def test_records_are_checked_before_success(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("a\n")
    with pytest.raises(KoenError, match="holds 1 lines, expected 2"):
        check_records(path, ["a\n", "b\n"], 2)
    with pytest.raises(KoenError, match="1 of 2 records done"):
        check_records(path, ["a\n"], 2)
    check_records(path, ["a\n"], 1)


def test_outdir_inside_a_folder_input_is_not_read_back(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("안녕 hello\n", encoding="utf-8")
    (folder / "b.md").write_text("# 제목\n", encoding="utf-8")
    outdir = folder / "out"
    first = _job(folder, outdir).run()
    second = _job(folder, outdir).run()
    assert first.records == second.records == 2 and second.translated_now == 0


# -- 8. workbench ---------------------------------------------------------------------------------

from glossary.termbase import default_glossary_path  # noqa: E402
from koen.workbench.app import create_app  # noqa: E402
from koen.workbench.hosts import server_url  # noqa: E402


@pytest.fixture()
def workbench(tmp_path):
    from starlette.testclient import TestClient

    path = tmp_path / "glossary.tsv"
    path.write_bytes(default_glossary_path().read_bytes())
    with TestClient(create_app(path), base_url="http://127.0.0.1:8765", raise_server_exceptions=False) as client:
        yield client, path


def test_entry_with_thousands_of_digits_is_404(workbench):
    client, _ = workbench
    assert client.get("/entry/" + "9" * 4301).status_code == 404
    assert client.get("/entry/3").status_code in (200, 404)


@pytest.mark.parametrize("breakage", ["directory", "bad-utf8", "removed"])
def test_glossary_broken_while_serving_gives_a_readable_page(workbench, breakage):
    client, path = workbench
    assert client.get("/").status_code == 200
    path.unlink()
    if breakage == "directory":
        path.mkdir()
    elif breakage == "bad-utf8":
        path.write_bytes(b"korean\tenglish\n\xff\xfe\n")
    response = client.get("/")
    assert response.status_code == 503
    assert "The glossary cannot be read" in response.text and "Traceback" not in response.text
    assert str(path.name) in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_ipv6_loopback_host_is_allowed_and_printed_with_brackets(tmp_path):
    from starlette.testclient import TestClient

    path = tmp_path / "glossary.tsv"
    path.write_bytes(default_glossary_path().read_bytes())
    app = create_app(path, allowed_hosts=("127.0.0.1", "localhost", "::1"))
    with TestClient(app, base_url="http://[::1]:8765") as client:
        assert client.get("/health").status_code == 200
    with TestClient(app, base_url="http://[::2]:8765") as client:
        assert client.get("/health").status_code == 400
    assert server_url("::1", 8765) == "http://[::1]:8765/"
    assert server_url("127.0.0.1", 80) == "http://127.0.0.1:80/"


# -- 9. invisible characters inside a Korean term --------------------------------------------------

from glossary.match import Matcher  # noqa: E402


@pytest.mark.parametrize("mark", ["\u200f", "\u200d", "\ufeff", "\u00ad", "\u200b", "\u2060"])
def test_format_characters_do_not_defeat_the_match(mark):
    matcher = Matcher([Entry("국토교통부", "MOLIT", kind="organisation"), Entry("데이터허브", "Data Hub")])
    text = f"지난해 국토{mark}교통부는 데이터{mark}허브{mark}를 열었다."
    hits = matcher.find(text)
    assert [(h.entry.english, h.surface) for h in hits] == [
        ("MOLIT", f"국토{mark}교통부"), ("Data Hub", f"데이터{mark}허브")]
    assert all(text[h.start:h.end] == h.surface for h in hits)
    assert [h.entry.english for h in matcher.find(f"{mark}국토교통부{mark}")] == ["MOLIT"]
    assert matcher.find(f"국토교통부{mark}청사") == matcher.find("국토교통부청사")
