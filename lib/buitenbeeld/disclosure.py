"""Disclosure control: small counts of young people never reach a report.

Every table and figure that shows counts of young people passes them through
here. A count below the threshold is shown as ``<threshold``.
"""
from __future__ import annotations

import math

from .formatting import format_count

__all__ = ["DEFAULT_THRESHOLD", "is_suppressed", "show_count"]

#: Counts of young people below this are suppressed.
DEFAULT_THRESHOLD = 10


def is_suppressed(value, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when ``value`` is a count too small to show."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and 0 < value < threshold


def show_count(value, threshold: int = DEFAULT_THRESHOLD) -> str:
    """A count of young people as a report shows it: ``<10`` when small, else Dutch-formatted."""
    return f"<{threshold}" if is_suppressed(value, threshold) else format_count(value)
