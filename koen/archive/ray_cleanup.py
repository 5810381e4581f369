"""Ray processes a killed koen run left behind.

When ``--engine ray`` starts its own local Ray instance and the driver dies by ``kill -9``, Ray's
head processes go with it but some of its agents (``ray::DashboardAgent``, ``RuntimeEnvAgent``)
stay, orphaned. koen marks each session it starts (:func:`mark_session`: a file in the session's
folder naming the driver's pid and start time); the next run that starts a local instance, or
:func:`end_orphans` called by hand, ends the processes of marked sessions whose driver is gone,
and only those: a process is a session's when its command line or one of its open files lies in
the session's folder, and it runs as the same user. Sessions koen did not start are never touched.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from pathlib import Path

MARK = "koen-driver.json"


def ray_temp_root() -> Path:
    return Path(os.environ.get("RAY_TMPDIR") or tempfile.gettempdir()) / "ray"


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (tells a pid reused since from it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def mark_session(context) -> None:
    """Note in the session's folder that this process started it."""
    session = (getattr(context, "address_info", None) or {}).get("session_dir")
    if not session or not Path(session).is_dir():
        return
    pid = os.getpid()
    try:
        (Path(session) / MARK).write_text(json.dumps({"pid": pid, "started": _started(pid)}) + "\n")
    except OSError:
        pass        # no mark: a later run just will not clean this session up


def session_processes(session: Path) -> list[int]:
    """Processes of this user whose command line or open files lie in ``session``."""
    here, uid, found = str(session.resolve()), os.getuid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            if here in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"):
                found.append(int(entry.name))
                continue
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd).startswith(here + os.sep):
                    found.append(int(entry.name))
                    break
        except OSError:          # gone meanwhile, or not ours to read
            continue
    return found


def end_orphans(root: Path | None = None, grace: float = 3.0) -> int:
    """End the processes of sessions koen started whose driver is gone; how many were ended."""
    ended = 0
    for mark in sorted((root or ray_temp_root()).glob(f"session_*/{MARK}")):
        if mark.parent.is_symlink():         # session_latest: another name of one of them
            continue
        try:
            driver = json.loads(mark.read_text())
        except (OSError, ValueError):
            continue
        if driver.get("started") is not None and _started(int(driver["pid"])) == driver["started"]:
            continue                 # its driver still runs
        pids = session_processes(mark.parent)
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        _wait_gone(pids, grace)
        for pid in pids:
            if _alive(pid):
                _signal(pid, signal.SIGKILL)
        _wait_gone(pids, grace)               # a killed process lingers until the kernel has torn it down
        ended += len(pids)
        mark.unlink(missing_ok=True)
    return ended


def _wait_gone(pids, grace: float) -> None:
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except OSError:
        pass
