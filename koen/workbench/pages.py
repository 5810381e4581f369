"""Pages the workbench shows when it cannot show the glossary (no template, nothing to fail)."""

from __future__ import annotations

import html


def error_page(message: str) -> str:
    """A readable page for a glossary that cannot be read or parsed right now (e.g. made unreadable
    on disk while serving): what is wrong, and that reloading after fixing it is enough."""
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Glossary unavailable</title>"
            "<link rel=\"stylesheet\" href=\"/static/workbench.css\"></head><body><main>"
            "<h1>The glossary cannot be read</h1>"
            f"<p>{html.escape(message)}</p>"
            "<p>Nothing was changed. Fix the file (permissions, content) and reload this page.</p>"
            "</main></body></html>\n")
