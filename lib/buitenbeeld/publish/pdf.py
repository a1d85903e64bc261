"""A PDF of a report, printed by a headless Chromium when one is installed.

The HTML report is the product; the PDF is a convenience for people who want to
print or mail it. Chromium is not a Python dependency: :func:`find_chromium`
looks for it, and :func:`html_to_pdf` raises :class:`ChromiumMissingError` (with
how to get it) when there is none.

Chromium runs with a fresh, temporary profile and with everything that phones
home switched off; host names resolve to nothing, so a report that (wrongly)
refers to something online prints without it instead of fetching it.

The page is laid out by the report's own print CSS (the ``rapport`` template's
``static/rapport.css``): A4 (``@page { size: A4 }``, which ``--print-to-pdf``
follows), and "pagina N van M", the report's title and, for synthetic data, the
marking SYNTHETISCHE DEMONSTRATIEGEGEVENS in the page margins of every page
(CSS ``@page`` margin boxes with the ``page`` and ``pages`` counters, printed
by Chromium :data:`MARGIN_BOXES_SINCE` and later). Chromium's own header and
footer stay off: they print the date and the file's URL, a local path.
An older Chromium still prints the report, without the margin texts, and
:func:`html_to_pdf` warns.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

from buitenbeeld.common.files import write_atomic
from buitenbeeld.errors import BuitenbeeldError, ChromiumMissingError
from buitenbeeld.settings import CHROMIUM_ENV, configured

__all__ = [
    "CHROMIUM_NAMES",
    "MARGIN_BOXES_SINCE",
    "find_chromium",
    "chromium_command",
    "html_to_pdf",
    "printed_by",
]

#: Executable names looked up on ``PATH``, in this order.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

#: Flags for a headless print without network traffic, sandbox (we may run as
#: root), GPU, first-run dialogs or background services.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    # No date, title and file URL (a local path) in Chromium's own header and footer: the report's
    # CSS puts its page numbers there. The second spelling is the flag's name before Chromium 111.
    "--no-pdf-header-footer",
    "--print-to-pdf-no-header",
)
#: The first Chromium that prints CSS ``@page`` margin boxes (the reports' page numbers).
MARGIN_BOXES_SINCE = 131
#: Chromium names itself in the PDF's /Creator (its user agent), e.g. "HeadlessChrome/150.0.0.0".
_CREATOR_VERSION = re.compile(rb"/Creator \((?:[^()\\]|\\.)*?Chrome/(\d+)\.")
#: Chromium's stderr lines that are noise in a container without a desktop session.
_NOISE = ("dbus/", "unexpected operator", "Fontconfig", "fontconfig")


def find_chromium() -> str | None:
    """The Chromium executable to use, or ``None``.

    ``BUITENBEELD_CHROMIUM`` (a path or a name on ``PATH``) wins when set; when
    it is set but not an executable, the answer is ``None``, not some other
    Chromium. Otherwise the first of ``chromium``, ``chromium-browser`` and
    ``google-chrome`` on ``PATH``.
    """
    chosen = configured(CHROMIUM_ENV)
    if chosen:
        return shutil.which(os.path.expanduser(chosen))
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(chromium: str, html_path: Path, pdf_path: Path, profile_dir: Path) -> list[str]:
    """The command line that prints ``html_path`` to ``pdf_path`` with a fresh profile in ``profile_dir``."""
    return [
        chromium,
        *_FLAGS,
        f"--user-data-dir={profile_dir}",
        f"--print-to-pdf={pdf_path}",
        Path(html_path).resolve().as_uri(),
    ]


def printed_by(pdf: bytes) -> int | None:
    """The major version of the Chromium that printed ``pdf`` (from its /Creator), or ``None``."""
    found = _CREATOR_VERSION.search(pdf)
    return int(found.group(1)) if found else None


def _tail(stderr: bytes | str | None, lines: int = 12) -> str:
    """The last lines of Chromium's stderr worth reading (desktop-bus noise left out when there is more)."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", errors="replace")
    all_lines = [line for line in (stderr or "").splitlines() if line.strip()]
    useful = [line for line in all_lines if not any(noise in line for noise in _NOISE)] or all_lines
    return "\n".join(useful[-lines:]) or "(no output on stderr)"


def _kill_group(process: subprocess.Popen) -> None:
    """Stop Chromium and the helper processes it started (they share its process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, timeout: float = 60) -> Path:
    """Print a standalone HTML page (a report) to PDF with a headless Chromium.

    Parameters
    ----------
    html_path
        The HTML file; images must be embedded (as the reports' are), since
        Chromium is kept off the network.
    pdf_path
        Where the PDF goes. Written to a temporary file in the same folder and
        moved into place only when it is a PDF, so an existing PDF is replaced
        only by a good one. The folder is created when missing.
    timeout
        Seconds to wait for Chromium.

    Returns
    -------
    Path
        ``pdf_path``.

    Warns
    -----
    UserWarning
        When the Chromium is older than :data:`MARGIN_BOXES_SINCE`: its PDF has
        no page numbers (and no marking of synthetic data beyond page 1).

    Raises
    ------
    ChromiumMissingError
        When no Chromium is found (see :func:`find_chromium`).
    BuitenbeeldError
        When the HTML file is missing, Chromium fails or times out (with the
        tail of its stderr), or its output is not a PDF.
    """
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    if not html_path.is_file():
        raise BuitenbeeldError(f"Cannot make a PDF of {html_path}: the HTML file does not exist.")
    chromium = find_chromium()
    if chromium is None:
        chosen = configured(CHROMIUM_ENV)
        detail = (f"{CHROMIUM_ENV} is set to {chosen!r}, which is not an executable program."
                  if chosen else "No chromium, chromium-browser or google-chrome on PATH.")
        raise ChromiumMissingError(detail)

    def print_to(temporary: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="buitenbeeld-chromium-") as profile:
            command = chromium_command(chromium, html_path, temporary, Path(profile))
            started = time.monotonic()
            try:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, start_new_session=True)
            except OSError as error:
                raise BuitenbeeldError(
                    f"Cannot start Chromium ({chromium}) for the PDF of {html_path}: {error}") from error
            try:
                _, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                _, stderr = process.communicate()
                raise BuitenbeeldError(
                    f"Chromium ({chromium}) did not finish the PDF of {html_path} within {timeout:g} s; "
                    f"try a longer timeout. Chromium said:\n{_tail(stderr)}") from None
            finally:
                if process.poll() is None:  # interrupted: leave no Chromium behind
                    _kill_group(process)
                    process.wait()
            elapsed = time.monotonic() - started
            if process.returncode != 0:
                raise BuitenbeeldError(
                    f"Chromium ({chromium}) failed with exit code {process.returncode} after {elapsed:.1f} s "
                    f"printing {html_path} to PDF. Chromium said:\n{_tail(stderr)}")
        with temporary.open("rb") as stream:
            start = stream.read(5)
        if start != b"%PDF-":
            raise BuitenbeeldError(
                f"Chromium ({chromium}) wrote no PDF for {html_path} "
                f"({temporary.stat().st_size} bytes, starting with {start!r}). Chromium said:\n{_tail(stderr)}")

    write_atomic(pdf_path, print_to)  # a failed or interrupted print leaves no half PDF
    version = printed_by(pdf_path.read_bytes())
    if version is not None and version < MARGIN_BOXES_SINCE:
        warnings.warn(f"Chromium {version} ({chromium}) printed {pdf_path} without page numbers: they need "
                      f"Chromium {MARGIN_BOXES_SINCE} or newer (CSS @page margin boxes).", stacklevel=2)
    return pdf_path
