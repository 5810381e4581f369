"""Run `koen` with a pause at one named point of the archive job, so a test can kill -9 it there.

    python tests/stall_koen.py POINT:N archive translate ...

Points: ``translated`` (a chunk is translated, its transaction not yet committed), ``committed``
(committed, records.jsonl not yet appended), ``appending`` (half of the chunk's lines written),
``rendering`` (half of a rendered file written to its temporary file). The pause prints
``koen-archive-stall: POINT N`` on stderr and sleeps until killed. Production code has no hooks:
this wraps the job's methods from outside. ``STALL_COMMIT_CHUNKS=N`` in the environment commits
at most N chunks per transaction (the job commits the chunks whose lines are back together, up to
koen.archive.feed.COMMIT_CHUNKS; 0 or unset: as the job does).
"""

from __future__ import annotations

import os
import sys
import time

from koen.archive import feed as feed_module
from koen.archive import job as job_module
from koen.cli import main

point, _, count = sys.argv[1].partition(":")
target = int(count or 1)
seen = {"n": 0}


def stall(name: str) -> None:
    if name != point:
        return
    seen["n"] += 1
    if seen["n"] == target:
        print(f"koen-archive-stall: {name} {target}", file=sys.stderr, flush=True)
        while True:
            time.sleep(1)


if int(os.environ.get("STALL_COMMIT_CHUNKS") or 0) > 0:
    feed_module.COMMIT_CHUNKS = int(os.environ["STALL_COMMIT_CHUNKS"])

Job = job_module.ArchiveJob
store, append, write = Job._store, Job._append, Job._write


def _store(self, *args):
    store(self, *args)
    stall("translated")


def _append(self, path, lines):
    stall("committed")
    if point == "appending":
        data = "".join(lines).encode("utf-8")
        with open(path, "ab") as handle:
            handle.write(data[:len(data) // 2])
            handle.flush()
            stall("appending")
    append(self, path, lines)


def _write(self, path, data):
    if point == "rendering":
        path.parent.mkdir(parents=True, exist_ok=True)
        with job_module.atomic_writer(path, "wb") as handle:
            handle.write(data[:len(data) // 2])
            handle.flush()
            stall("rendering")
    write(self, path, data)


Job._store, Job._append, Job._write = _store, _append, _write
main(sys.argv[2:])
