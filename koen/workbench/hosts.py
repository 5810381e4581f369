"""Host names as the Host header carries them, and the URL the workbench prints.

An IPv6 literal travels in brackets (``Host: [::1]:8765``, ``http://[::1]:8765/``), so the Host
check must allow ``[::1]``, not ``::1``.
"""

from __future__ import annotations

import ipaddress


def _bracketed(host: str) -> str:
    bare = host.strip("[]")
    try:
        return f"[{bare}]" if ipaddress.ip_address(bare).version == 6 else bare
    except ValueError:
        return host


def allowed_host_patterns(hosts) -> list[str]:
    """The Host-header forms of ``hosts`` (IPv6 literals bracketed), for TrustedHostMiddleware."""
    return sorted({_bracketed(host).lower() for host in hosts})


def server_url(host: str, port: int) -> str:
    return f"http://{_bracketed(host)}:{port}/"


def parse_line_number(raw: str) -> int | None:
    """A line number from a URL: ASCII digits, at most 9 (never int() of thousands of digits)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
