"""Reference data: gemeenten and their codes through time, the 2013->2026 crosswalk, boundary files."""
