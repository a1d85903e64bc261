"""Figures for the reports and notebooks, in Dutch, with a title and a source line.

Colours come from seaborn's colour-blind palette. Each function returns a
closed matplotlib Figure: nothing is shown twice in a notebook and no figures
pile up in a batch; ``display(fig)`` shows it (pyplot makes the figure so that
the notebook's inline backend is set up to draw it).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .formatting import format_share

__all__ = [
    "PALETTE", "plot_youth_share", "plot_type_counts", "plot_wijk_type", "plot_ingest_counts",
    "plot_problems_by_column",
]

PALETTE = sns.color_palette("colorblind")
_SYNTHETIC_NOTE = " (SYNTHETISCHE DEMODATA)"


def _finish(fig: Figure, source: str, synthetic: bool, bottom: float) -> Figure:
    """Add the source line, lay out, and close the figure (it stays displayable)."""
    fig.text(0.01, 0.01, "Bron: " + source + (_SYNTHETIC_NOTE if synthetic else ""), fontsize=8, color="#444444")
    fig.tight_layout(rect=(0, bottom, 1, 1))
    plt.close(fig)
    return fig


def plot_youth_share(naam: str, share: float, national_share: float, peiljaar: int | None,
                     source: str, synthetic: bool = False) -> Figure:
    """Bars of the gemeente's share of young people buiten beeld against the national share."""
    fig, ax = plt.subplots(figsize=(7, 2.4))
    labels, shares = [naam, "Nederland"], [share, national_share]
    ax.barh(labels, shares, color=[PALETTE[0], PALETTE[7]])
    for y, value in enumerate(shares):
        ax.text(value, y, " " + format_share(value), va="center")
    ax.invert_yaxis()
    ax.set_xlim(0, max(s for s in shares if s == s) * 1.3)
    ax.xaxis.set_major_formatter(lambda x, _: format_share(x, 0))
    ax.set_xlabel("aandeel jongeren (15-27 jaar) buiten beeld")
    ax.set_title(f"Jongeren buiten beeld, {peiljaar or 'peiljaar onbekend'}", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source, synthetic, 0.07)


def plot_type_counts(counts: pd.Series, naam: str, source: str, synthetic: bool = False) -> Figure:
    """Horizontal bars: organisations per type (all six types, zeros shown)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.barh(counts.index, counts.values, color=PALETTE[: len(counts)])
    for y, value in enumerate(counts.values):
        ax.text(value, y, f" {value}", va="center")
    ax.invert_yaxis()
    ax.set_xlabel("aantal organisaties")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Sociale kaart {naam}: organisaties per type", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source, synthetic, 0.07)


def plot_wijk_type(table: pd.DataFrame, naam: str, source: str, synthetic: bool = False) -> Figure:
    """Heatmap of organisations per wijk and type; empty cells show where no such organisation works."""
    height = max(2.5, 0.4 * len(table) + 1.8)
    fig, ax = plt.subplots(figsize=(8, height))
    sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5,
                linecolor="white", ax=ax, vmin=0)
    ax.set_xlabel("type organisatie")
    ax.set_ylabel("wijk")
    ax.tick_params(axis="x", rotation=30)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.set_title(f"Sociale kaart {naam}: organisaties per wijk en type", loc="left")
    return _finish(fig, source, synthetic, 0.05)


def plot_ingest_counts(files: pd.DataFrame, synthetic: bool = False) -> Figure:
    """Per file: rows loaded and rejected, stacked, so a glance shows where the problems are."""
    labels = files["file"].tolist()
    fig, ax = plt.subplots(figsize=(8, max(2.2, 0.45 * len(labels) + 1.4)))
    ax.barh(labels, files["loaded"], color=PALETTE[2], label="geladen")
    ax.barh(labels, files["rejected"], left=files["loaded"], color=PALETTE[3], label="afgewezen")
    for y, (loaded, rejected) in enumerate(zip(files["loaded"], files["rejected"])):
        ax.text(loaded + rejected, y, f" {loaded} + {rejected}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("rijen")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title("Ingelezen rijen per bestand: geladen en afgewezen", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "interviewbestanden in raw/", synthetic, 0.07)


def plot_problems_by_column(problems: pd.DataFrame, synthetic: bool = False) -> Figure:
    """Problems per column, errors and warnings apart: which questions cause trouble."""
    table = pd.crosstab(problems["column"].fillna("(bestand)"), problems["severity"])
    table = table.reindex(columns=["error", "warning"], fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(8, max(2.2, 0.4 * len(table) + 1.4)))
    ax.barh(table.index, table["error"], color=PALETTE[3], label="fout (rij afgewezen)")
    ax.barh(table.index, table["warning"], left=table["error"], color=PALETTE[1], label="waarschuwing (rij geladen)")
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("meldingen")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title("Meldingen per kolom", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "validatie van de interviewbestanden", synthetic, 0.07)
