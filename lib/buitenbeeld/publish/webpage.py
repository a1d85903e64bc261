"""The Content-Security-Policy of every page the workbench writes.

A page opens offline and loads nothing from elsewhere; the only scripts that
may run are the page's own inline scripts, each allowed by its SHA-256 hash, so
a script that an input value smuggled in would not run even if it got past
:func:`buitenbeeld.common.formatting.escape`. A report has no script at all.
"""
from __future__ import annotations

import base64
import hashlib
import re

__all__ = ["BASE_POLICY", "content_security_policy", "inline_scripts", "with_policy"]

#: What every page may use: its own inline CSS, images and fonts inside the page; nothing else.
BASE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
_HEAD = re.compile(r"<head[^>]*>", re.I)


def content_security_policy(scripts: list[str] | tuple[str, ...] = ()) -> str:
    """The policy for a page whose inline scripts are exactly ``scripts`` (their text between the tags)."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode('ascii')}'"
                      for s in dict.fromkeys(scripts))
    return BASE_POLICY + (f"; script-src {hashes}" if hashes else "")


def inline_scripts(html: str) -> list[str]:
    """The text of every inline ``<script>`` in ``html``, in order."""
    return _INLINE_SCRIPT.findall(html)


def with_policy(page: str, scripts: list[str] | tuple[str, ...] = ()) -> str:
    """``page`` with a policy as the first element of its ``<head>`` that lets only ``scripts`` run.

    The caller names the scripts it wrote itself (by their text); any other
    script in the page, however it got there, is blocked by the browser.
    """
    policy = content_security_policy(scripts)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    head = _HEAD.search(page)
    if head is None:
        raise ValueError("the page has no <head> to hold its Content-Security-Policy")
    return page[:head.end()] + "\n" + meta + page[head.end():]
