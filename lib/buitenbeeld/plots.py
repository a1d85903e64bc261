"""Figures for the reports and notebooks, in Dutch, with a title and a source line.

Colours come from seaborn's colour-blind palette. Each function returns a
closed matplotlib Figure: nothing is shown twice in a notebook and no figures
pile up in a batch; ``display(fig)`` shows it (pyplot makes the figure so that
the notebook's inline backend is set up to draw it).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .formatting import format_share

__all__ = [
    "PALETTE", "show", "plot_youth_share", "plot_type_counts", "plot_wijk_type", "plot_ingest_counts",
    "plot_problems_by_column", "plot_profiles", "plot_coverage", "plot_rank_intervals", "plot_reach_gap",
    "plot_comparable",
]

PALETTE = sns.color_palette("colorblind")
_SYNTHETIC_NOTE = " (SYNTHETISCHE DEMODATA)"


def _finish(fig: Figure, source: str, synthetic: bool, bottom: float) -> Figure:
    """Add the source line, lay out, and close the figure (it stays displayable).

    The figure keeps a Dutch description (its title and source) for screen readers;
    :func:`show` hands it to the report as the image's alt text.
    """
    line = "Bron: " + source + (_SYNTHETIC_NOTE if synthetic else "")
    fig.text(0.01, 0.01, line, fontsize=8, color="#444444")
    fig.tight_layout(rect=(0, bottom, 1, 1))
    titles = [fig._suptitle.get_text()] if fig._suptitle else [ax.get_title(loc="left") for ax in fig.axes[:1]]
    fig.beschrijving = "Figuur: " + "; ".join(t for t in titles if t) + ". " + line
    plt.close(fig)
    return fig


def show(fig: Figure) -> None:
    """Display a figure in a notebook with its description as alt text."""
    from IPython.display import display

    display(fig, metadata={"image/png": {"alt": getattr(fig, "beschrijving", "Figuur")}})


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


_ROLE_ORDER = ("bereiken", "activeren", "plaatsen", "behouden")


def plot_profiles(profiles: pd.DataFrame, names: pd.Series, titel: str, source: str,
                  synthetic: bool = False) -> Figure:
    """Per organisation (a row) its four strengths as bars on 0-10, side by side per role, with the
    range of its estimates; an unknown strength is written as 'onbekend', never drawn as zero."""
    count, band = len(profiles), 12.0  # each role gets 0-10 plus a gap
    y = np.arange(count)
    fig, ax = plt.subplots(figsize=(8.5, 0.34 * count + 1.7))
    for k, role in enumerate(_ROLE_ORDER):
        left = k * band
        values = profiles[role].to_numpy(dtype=float)
        known = ~np.isnan(values)
        ax.barh(y, np.full(count, 10.0), left=left, color="#eeeeee", height=0.7, zorder=0)
        ax.barh(y[known], values[known], left=left, color=PALETTE[k], height=0.7, zorder=1)
        low, high = profiles[f"{role}_min"].to_numpy(dtype=float), profiles[f"{role}_max"].to_numpy(dtype=float)
        ranged = known & (high > low)
        ax.hlines(y[ranged], left + low[ranged], left + high[ranged], color="#222222", lw=1.3, zorder=2)
        for row in y[~known]:
            ax.text(left + 0.4, row, "onbekend", va="center", fontsize=7, color="#444444", style="italic")
    ax.set_yticks(y, [str(names[i])[:36] for i in profiles.index], fontsize=8)
    ax.set_ylim(count - 0.5, -0.5)
    ax.set_xticks([k * band + 5 for k in range(4)], list(_ROLE_ORDER))
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0)
    ax.set_xlim(-0.3, 3 * band + 10.3)
    ax.spines[["top", "right", "bottom", "left"]].set_visible(False)
    ax.set_title(titel + " (0-10 per rol)", loc="left", pad=22)
    return _finish(fig, source + "; lijn = bereik van geschatte antwoorden", synthetic, 0.04)


def plot_coverage(coverage: pd.DataFrame, naam: str, source: str, synthetic: bool = False) -> Figure:
    """Heatmap wijk x role: organisations that fit the role; 0 shows a gap in the wijk."""
    fig, ax = plt.subplots(figsize=(6.5, max(2.5, 0.4 * len(coverage) + 1.6)))
    sns.heatmap(coverage, annot=True, fmt="d", cmap="Greens", cbar=False, linewidths=0.5, linecolor="white",
                ax=ax, vmin=0)
    ax.set_xlabel("rol (organisaties waarvoor de rol past)")
    ax.set_ylabel("wijk")
    ax.set_title(f"Welke rollen zijn per wijk gedekt? {naam}", loc="left")
    return _finish(fig, source, synthetic, 0.05)


def plot_rank_intervals(sensitivity: pd.DataFrame, names: pd.Series, role: str, naam: str, source: str,
                        synthetic: bool = False) -> Figure:
    """Per organisation its position for one role, with the interval from the sensitivity analysis."""
    known = sensitivity.dropna(subset=["rang"]).sort_values(["rang", "rang_laag"])
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.32 * len(known) + 1.4)))
    y = np.arange(len(known))
    ax.hlines(y, known["rang_laag"], known["rang_hoog"], color=PALETTE[0], lw=5, alpha=0.4)
    ax.plot(known["rang"], y, "o", color=PALETTE[0])
    ax.set_yticks(range(len(known)), [str(names[i])[:34] for i in known.index], fontsize=8)
    ax.invert_yaxis()
    ax.invert_xaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("positie in de gemeente (1 = sterkst op deze rol); balk = 90%-interval")
    ax.set_title(f"{role.capitalize()}: hoe vast ligt de positie? {naam}", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source, synthetic, 0.06)


def plot_reach_gap(gap: pd.DataFrame, naam: str, source: str, synthetic: bool = False) -> Figure:
    """The gemeente's prior estimate of young people buiten beeld against the interview answer."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    estimated = gap["interview_geschat"].astype(bool)
    ax.scatter(gap.loc[~estimated, "interview"], gap.loc[~estimated, "inschatting_gemeente"], color=PALETTE[0],
               label="interview: precies getal")
    ax.scatter(gap.loc[estimated, "interview"], gap.loc[estimated, "inschatting_gemeente"], color=PALETTE[1],
               marker="s", label="interview: schatting")
    top = float(max(gap["interview"].max(), gap["inschatting_gemeente"].max(), 1)) * 1.1
    ax.plot([0, top], [0, top], color="#777777", lw=1, ls="--", label="inschatting = interview")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("jongeren buiten beeld volgens het interview")
    ax.set_ylabel("inschatting van de gemeente vooraf")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.set_title(f"Inschatting vooraf en interview, {naam}", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source + "; boven de lijn: gemeente schatte hoger", synthetic, 0.07)


def plot_comparable(table: pd.DataFrame, national_share: float, peiljaar: int | None, source: str,
                    synthetic: bool = False) -> Figure:
    """Share buiten beeld of the gemeente beside gemeenten of similar size, with the national share."""
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(table) + 1.5))
    colours = [PALETTE[0] if own else "#b0b0b0" for own in table["eigen"]]
    y = np.arange(len(table))
    ax.barh(y, table["aandeel"], color=colours)
    if national_share is not None:
        ax.axvline(national_share, color=PALETTE[3], lw=1.5, ls="--")
        ax.text(national_share, -0.8, f" Nederland {format_share(national_share)}", color=PALETTE[3], fontsize=8)
    ax.set_yticks(y, table["gemeentenaam"], fontsize=8)
    ax.set_ylim(len(table) - 0.5, -1.2)
    ax.xaxis.set_major_formatter(lambda x, _: format_share(x, 0))
    ax.set_xlabel("aandeel jongeren (15-27 jaar) buiten beeld")
    ax.set_title(f"Vergelijkbare gemeenten (naar aantal jongeren), {peiljaar or ''}", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source, synthetic, 0.06)
