"""The Content-Security-Policy of the pages the workbench writes."""
from __future__ import annotations

import base64
import hashlib

import pytest

from buitenbeeld.publish.webpage import BASE_POLICY, content_security_policy, inline_scripts, with_policy


def test_a_page_without_scripts_forbids_them_all():
    page = with_policy("<html><head><title>t</title></head><body><script>alert(1)</script></body></html>")
    assert page.startswith('<html><head>\n<meta http-equiv="Content-Security-Policy" content="default-src \'none\';')
    assert "script-src" not in page  # default-src 'none' forbids every script, also the one in the body
    assert BASE_POLICY.startswith("default-src 'none'") and "unsafe-inline'; img" in BASE_POLICY


def test_only_the_named_scripts_are_allowed_by_their_hash():
    own = "sort();"
    digest = base64.b64encode(hashlib.sha256(own.encode()).digest()).decode()
    assert content_security_policy([own, own]) == f"{BASE_POLICY}; script-src 'sha256-{digest}'"
    html = "<head></head><body><script>evil()</script><script src='x.js'></script><script>sort();</script></body>"
    assert inline_scripts(html) == ["evil()", "sort();"]
    page = with_policy(html, [own])
    assert f"'sha256-{digest}'" in page and "unsafe-inline'" not in page.split("script-src")[1]


def test_a_page_without_head_is_refused():
    with pytest.raises(ValueError, match="head"):
        with_policy("<p>geen kop</p>")
