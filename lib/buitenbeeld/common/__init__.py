"""Shared ground: domain vocabulary, Dutch formatting and escaping, file writing, reading spreadsheets and cell values."""
