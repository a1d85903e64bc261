"""The pilot evaluation as a reader sees it: every table of young people with disclosure control.

:mod:`buitenbeeld.analysis.journeys` computes the journeys and the pilot
figures, :mod:`buitenbeeld.analysis.evaluatie` chooses the pilot and the
period; this module turns the results into tables and sentences that are safe
to show, for the notebook ``pilot_evaluatie``, the gemeente report and the
training. Every count of young people goes through
:mod:`buitenbeeld.privacy.disclosure` (``<10``, and ``x`` where a difference
would reveal a small count), and scouts are only shown together, never one by
one. The warm-handover comparison is always shown with
:data:`WARM_HANDOVER_NOTE`, pilots side by side with :data:`CAUTION`.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from buitenbeeld.analysis import journeys
from buitenbeeld.analysis.evaluatie import GROUP, Evaluation
from buitenbeeld.common.formatting import MISSING, format_date, format_number, format_share, is_missing
from buitenbeeld.common.vocabulary import FUNNEL
from buitenbeeld.privacy.disclosure import (
    DEFAULT_THRESHOLD,
    SECONDARY,
    is_shown,
    is_suppressed,
    share_is_safe,
    show_count,
    shown_value,
    suppress_table,
    suppress_table_given,
)

__all__ = [
    "WARM_HANDOVER_NOTE", "CAUTION", "MIN_SCOUTS",
    "show_funnel", "show_table", "show_durations", "show_warm_handover", "show_retention", "show_relapses",
    "per_period", "summary_points", "scouts_overview", "pilots_side_by_side", "per_organisation",
]

#: The sentence every presentation of the warm-handover comparison carries.
WARM_HANDOVER_NOTE = (
    "Dit is een samenhang, geen effect: jongeren met en zonder warme overdracht kunnen ook op andere punten "
    "verschillen, bijvoorbeeld in hoe ver ze al waren of bij welke scout ze liepen. De cijfers laten zien wat "
    "samengaat, niet wat de warme overdracht heeft veroorzaakt.")
#: Said wherever pilots are put side by side.
CAUTION = ("De pilots verschillen in opzet: andere gemeenten, andere organisaties, andere scouts en een andere "
           "start. Verschillen tussen pilots zijn daarom geen maat voor wie het beter deed; lees ze als vragen "
           "voor het gesprek, niet als uitslag.")
#: A group of fewer scouts shows no figures of their young people: it would be one scout's record.
MIN_SCOUTS = 3
#: The groups of the warm-handover table, always shown, ``onbekend`` included.
_WARM_GROUPS = ("ja", "nee", journeys.UNKNOWN)
#: The columns of :func:`~buitenbeeld.analysis.journeys.measure_retention` after the keys.
_RETENTION_COLUMNS = ("maanden", "geplaatst", "nog_niet", "venster_voorbij", "behouden", "uitgevallen", "onbekend",
                      "noemer")


# --------------------------------------------------------------------------- journeys tables


def _show_share(share, *counts: str, threshold: int | None = None) -> str:
    """A share as text, or ``x`` when one of the counts it is computed from is not shown.

    With ``threshold`` and counts ``(numerator, denominator)``, also ``x`` when the
    rest (denominator - numerator, say the young people not placed) is a small
    count: share and denominator together would give it away.
    """
    if any(not is_shown(c) for c in counts):
        return SECONDARY
    if threshold is not None and len(counts) == 2 and \
            not share_is_safe(shown_value(counts[0]), shown_value(counts[1]), threshold) and shown_value(counts[1]) > 0:
        return SECONDARY
    return format_share(share, 0)


def _show_interval(low, high, *counts: str) -> str:
    if any(not is_shown(c) for c in counts) or is_missing(low):
        return SECONDARY if any(not is_shown(c) for c in counts) else MISSING
    return f"{format_share(low, 0)} – {format_share(high, 0)}"


def show_funnel(funnel: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The funnel of :func:`~buitenbeeld.analysis.journeys.count_funnel` as a report shows it: counts
    suppressed, shares with intervals.

    A count ``1 .. threshold - 1`` is shown as ``<threshold``
    (:func:`~buitenbeeld.privacy.disclosure.show_count`).
    Because the stages are nested, a reader could subtract two shown counts; a
    stage whose count differs from the last shown stage before it by
    ``1 .. threshold - 1`` is therefore hidden too (``x``). A share is shown
    only when both its counts are.
    """
    keys = [c for c in funnel.columns if c not in ("stap", "jongeren", "vorige") and not c.startswith("van_")]
    records = []
    for key, group in journeys.each_group(funnel, keys):
        last_shown = None
        texts = {}
        for row in group.itertuples(index=False):
            count = int(row.jongeren)
            text = show_count(count, threshold)
            if is_shown(text) and last_shown is not None and is_suppressed(last_shown - count, threshold):
                text = SECONDARY
            if is_shown(text):
                last_shown = count
            texts[row.stap] = text
            previous = texts.get(FUNNEL[FUNNEL.index(row.stap) - 1]) if row.stap != FUNNEL[0] else None
            records.append(journeys.with_keys(keys, key, {
                "stap": row.stap, "jongeren": text,
                "van vorige stap": "" if previous is None else _show_share(row.van_vorige, text, previous),
                "95%-interval": "" if previous is None else _show_interval(row.van_vorige_laag, row.van_vorige_hoog,
                                                                           text, previous),
                "van bereikt": _show_share(row.van_bereikt, text, texts[FUNNEL[0]])}))
    return pd.DataFrame(records)


def show_table(table: pd.DataFrame, counts: Iterable[str], shares: dict[str, tuple[str, str]] | None = None,
               threshold: int = DEFAULT_THRESHOLD, total_column: str | None = None,
               nested: dict[str, str] | None = None) -> pd.DataFrame:
    """Any table of :mod:`buitenbeeld.analysis.journeys` as a report shows it.

    ``counts`` name the columns that count young people: they go through
    :func:`~buitenbeeld.privacy.disclosure.suppress_table` (``total_column`` names
    the column holding each row's total, as in
    :func:`~buitenbeeld.analysis.journeys.count_placements`).
    ``shares`` maps a share column to its (numerator, denominator) count
    columns; the share is shown when both counts are, and its ``_laag``/``_hoog``
    interval, when present, becomes ``<share> (95%)``. ``nested`` maps a count
    column to the column it is part of (heractiveerd of teruggevallen): when both
    are shown and differ by ``1 .. threshold - 1``, the part is hidden (``x``), as
    :func:`show_funnel` does for its stages. Other columns are formatted as text
    (numbers Dutch-style).
    """
    counts = list(counts)
    shown = table.copy().astype(object)
    if counts:
        shown[counts] = suppress_table(table[counts], threshold, total_column=total_column)
    for part, whole in (nested or {}).items():
        for i in table.index:
            if is_shown(shown.at[i, part]) and is_shown(shown.at[i, whole]) and \
                    is_suppressed(table.at[i, whole] - table.at[i, part], threshold):
                shown.at[i, part] = SECONDARY
    for share, (numerator, denominator) in (shares or {}).items():
        texts = [_show_share(v, shown.at[i, numerator], shown.at[i, denominator], threshold=threshold)
                 for i, v in table[share].items()]
        if f"{share}_laag" in table:
            intervals = [SECONDARY if text == SECONDARY else
                         _show_interval(table.at[i, f"{share}_laag"], table.at[i, f"{share}_hoog"],
                                        shown.at[i, numerator], shown.at[i, denominator])
                         for text, i in zip(texts, table.index)]
            shown[f"{share} (95%)"] = intervals
            shown = shown.drop(columns=[f"{share}_laag", f"{share}_hoog"])
        shown[share] = texts
    for column in shown.columns:
        if column not in counts and column not in (shares or {}) and not column.endswith("(95%)"):
            shown[column] = [MISSING if is_missing(v) else format_number(v, 0) if isinstance(v, (float, np.floating))
                             else str(v) for v in shown[column]]
    return shown


def show_durations(durations: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Times between steps as a report shows them: median and quartiles only when ``n`` is at least ``threshold``."""
    shown = durations.copy().astype(object)
    small = [is_suppressed(n, threshold) for n in durations["n"]]
    shown["n"] = [show_count(n, threshold) for n in durations["n"]]
    for column in ("mediaan", "q1", "q3"):
        shown[column] = [SECONDARY if hide else format_number(v, 0) for v, hide in zip(durations[column], small)]
    return shown


def show_warm_handover(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD,
                       funnel: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`~buitenbeeld.analysis.journeys.compare_warm_handover` as a report shows it: the groups ``ja``,
    ``nee`` and ``onbekend`` (always all three, a group without young people as ``0``) and a row ``samen``
    per group of keys (show it with :data:`WARM_HANDOVER_NOTE`).

    ``ja``, ``nee`` and ``onbekend`` add up to the funnel's geactiveerd and
    geplaatst, which are shown elsewhere in the same document; so each group is
    suppressed as a table with that total row
    (:func:`~buitenbeeld.privacy.disclosure.suppress_table`): a hidden cell
    cannot be recomputed from the funnel and the other rows. ``funnel`` is the
    funnel as the document shows it (:func:`show_funnel`, same keys): a total the
    funnel hides is hidden in ``samen`` too, and protected as such
    (:func:`~buitenbeeld.privacy.disclosure.suppress_table_given`). Other tables
    that show a warm-handover count (:func:`pilots_side_by_side`) take it from here.
    """
    keys = [c for c in table.columns if c not in ("warme_overdracht", "geactiveerd", "geplaatst")
            and not c.startswith("aandeel_geplaatst")]
    funnel_keys = [c for c in (funnel.columns if funnel is not None else []) if c in keys]
    parts = []
    for _, group in (table.groupby(keys, sort=False) if keys else [(None, table)]):
        counts = group.set_index("warme_overdracht")[["geactiveerd", "geplaatst"]]
        counts = counts.reindex([*_WARM_GROUPS, *[g for g in counts.index if g not in _WARM_GROUPS]], fill_value=0)
        counts.loc["samen"] = counts.sum()
        hidden = pd.DataFrame(False, index=counts.index, columns=counts.columns)
        if funnel is not None:
            own = funnel
            for column in funnel_keys:
                own = own[own[column] == group[column].iloc[0]]
            steps = own.set_index("stap")["jongeren"]
            for column in counts.columns:
                hidden.at["samen", column] = column in steps.index and not is_shown(steps[column])
        shown = suppress_table_given(counts, hidden, threshold, total_row="samen")
        rates = journeys.add_rate_columns(counts.reset_index(), "aandeel_geplaatst", "geplaatst",
                                          "geactiveerd").set_index("warme_overdracht")
        shares = [_show_share(rates.at[r, "aandeel_geplaatst"], shown.at[r, "geplaatst"], shown.at[r, "geactiveerd"],
                              threshold=threshold) for r in counts.index]
        intervals = [share if share == SECONDARY else
                     _show_interval(rates.at[r, "aandeel_geplaatst_laag"], rates.at[r, "aandeel_geplaatst_hoog"],
                                    shown.at[r, "geplaatst"], shown.at[r, "geactiveerd"])
                     for share, r in zip(shares, counts.index)]
        frame = shown.assign(aandeel_geplaatst=shares, **{"aandeel_geplaatst (95%)": intervals}).reset_index()
        for column in reversed(keys):
            frame.insert(0, column, group[column].iloc[0])
        parts.append(frame)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def show_retention(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """:func:`~buitenbeeld.analysis.journeys.measure_retention` as a report shows it: behouden, uitgevallen,
    noemer and the share.

    ``noemer`` is ``behouden + uitgevallen``, so each row is suppressed as an
    equation with that total. The other columns (nog niet, window passed,
    onbekend) are left out: with ``geplaatst`` they would be sums that give the
    hidden counts back.
    """
    keys = [c for c in table.columns if c not in _RETENTION_COLUMNS and not c.startswith("aandeel_behouden")]
    part = table[[*keys, "maanden", "behouden", "uitgevallen", "noemer",
                  *[c for c in table.columns if c.startswith("aandeel_behouden")]]]
    return show_table(part, ["behouden", "uitgevallen", "noemer"], {"aandeel_behouden": ("behouden", "noemer")},
                      threshold, total_column="noemer")


def show_relapses(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """:func:`~buitenbeeld.analysis.journeys.count_relapses` as a report shows it; the nested counts
    (heractiveerd of teruggevallen of jongeren) are protected against subtraction."""
    return show_table(table, ["jongeren", "geplaatst", "teruggevallen", "heractiveerd"],
                      {"aandeel_heractiveerd": ("heractiveerd", "teruggevallen")}, threshold,
                      nested={"heractiveerd": "teruggevallen", "teruggevallen": "jongeren", "geplaatst": "jongeren"})


# --------------------------------------------------------------------------- the evaluation


def per_period(evaluation: Evaluation, threshold: int = DEFAULT_THRESHOLD, eenheid: str = "kwartaal") -> pd.DataFrame:
    """Per quarter (or month): young people newly reached and placed, as text with small counts suppressed.

    The counts of :func:`~buitenbeeld.analysis.journeys.count_per_month`, all pilots together.
    Quarters by default: monthly counts of a pilot are mostly below the threshold, and a
    column of ``<10`` tells nobody anything; researchers with a lower threshold
    for internal use can ask for months.
    """
    counts = journeys.count_per_month(evaluation.contacten, eenheid=eenheid)
    # the periods add up to the funnel's bereikt (and about its geplaatst), shown elsewhere: a total row
    table = counts.set_index(eenheid)[["nieuw_bereikt", "geplaatst"]]
    table.loc["samen"] = table.sum()
    shown = suppress_table(table, threshold, total_row="samen").drop(index="samen")
    return pd.DataFrame({
        "periode": counts[eenheid],
        "nieuw bereikt": shown["nieuw_bereikt"].to_numpy(),
        "geplaatst": shown["geplaatst"].to_numpy(),
    })


def summary_points(evaluation: Evaluation, threshold: int = DEFAULT_THRESHOLD) -> list[str]:
    """Three to five Dutch sentences on what the pilot reached, every count suppressed where small."""
    if evaluation.empty:
        return []
    funnel = show_funnel(journeys.count_funnel(evaluation.contacten), threshold)
    shown = funnel.set_index("stap")

    def said(step: str) -> str:  # a hidden count ('x', '<10') reads as words in a sentence, not as a symbol
        value = str(shown.at[step, "jongeren"])
        return "enkele" if value == "x" or value.startswith("<") else value

    points = [
        f"Van {evaluation.period} bereikten de jongerenscouts {said('bereikt')} jongeren; "
        f"{said('geactiveerd')} werden geactiveerd, {said('geplaatst')} geplaatst (op school, werk of stage) en "
        f"bij {said('behouden')} bleek bij een latere controle dat ze hun plek hadden gehouden.",
    ]
    retention = journeys.measure_retention(evaluation.contacten).set_index("maanden")
    if 6 in retention.index and share_is_safe(retention.at[6, "behouden"], retention.at[6, "noemer"], threshold):
        row = retention.loc[6]
        points.append(f"Zes maanden na de plaatsing zat {format_share(row['aandeel_behouden'], 0)} nog op zijn plek "
                      f"(van de {show_count(row['noemer'], threshold)} jongeren bij wie die zes maanden voorbij zijn "
                      "en van wie het bekend is).")
    relapses = show_relapses(journeys.count_relapses(evaluation.contacten), threshold)
    if len(relapses):
        row = relapses.iloc[0]
        points.append(f"{row['teruggevallen']} jongeren vielen terug na een stap vooruit; "
                      f"{row['heractiveerd']} van hen pakten het daarna weer op. Nazorg telt: problemen komen terug.")
    warm = show_warm_handover(journeys.compare_warm_handover(evaluation.contacten), threshold, funnel)
    shares = dict(zip(warm["warme_overdracht"], warm["aandeel_geplaatst"]))
    if all(shares.get(k, SECONDARY) not in (SECONDARY, "", MISSING) for k in ("ja", "nee")):
        points.append(f"Met een warme overdracht werd {shares['ja']} van de geactiveerde jongeren geplaatst, "
                      f"zonder {shares['nee']}. " + WARM_HANDOVER_NOTE)
    return points


def scouts_overview(evaluation: Evaluation, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The scouts together, never one by one: per pilot and by whether a scout meets all five profile criteria.

    Columns: ``scouts``, ``getraind`` and the forms of appreciation (numbers of
    scouts), then the young people their scouts reached and placed (suppressed)
    and the share placed (shown only when neither part nor rest is small). A
    group of fewer than :data:`MIN_SCOUTS` scouts shows ``x`` for those: it would
    describe one scout, and the evaluation is no judgement of a volunteer.
    """
    per_scout = journeys.summarise_scouts(evaluation.scouts, evaluation.contacten)
    if per_scout.empty:
        return pd.DataFrame()
    per_scout = per_scout.assign(
        gemeente=per_scout["gemeentenaam"].fillna(per_scout["gemeentecode"]),
        profiel=[("criteria onbekend" if pd.isna(n) else "alle vijf criteria" if n == 5 else "niet alle criteria")
                 for n in per_scout["criteria"]])
    table = per_scout.groupby(["gemeente", "profiel"]).agg(
        scouts=("scout_id", "size"), getraind=("training_gedaan", "sum"), vergoeding=("vergoeding", "sum"),
        certificaat=("certificaat", "sum"), faciliteiten=("faciliteiten", "sum"),
        jongeren=("jongeren", "sum"), geplaatst=("geplaatst", "sum")).reset_index()
    table["aandeel_geplaatst"] = table["geplaatst"] / table["jongeren"].where(table["jongeren"] > 0)
    shown = show_table(table, ["jongeren", "geplaatst"], {"aandeel_geplaatst": ("geplaatst", "jongeren")},
                       threshold=threshold, nested={"geplaatst": "jongeren"})
    few = table["scouts"] < MIN_SCOUTS
    shown.loc[few, ["jongeren", "geplaatst", "aandeel_geplaatst"]] = SECONDARY
    # per gemeente the groups add up to the funnel's bereikt and geplaatst, shown elsewhere: a hidden group
    # (small, or too few scouts) must not follow from the funnel minus the other group
    for _, rows in table.groupby("gemeente", sort=False):
        counts = rows[["jongeren", "geplaatst"]].copy()
        counts.loc["samen"] = counts.sum()
        hidden = pd.DataFrame(False, index=counts.index, columns=counts.columns)
        hidden.loc[rows.index[few[rows.index]], :] = True
        together = suppress_table_given(counts, hidden, threshold, total_row="samen").drop(index="samen")
        for i in rows.index:
            for column in ("jongeren", "geplaatst"):
                if is_shown(shown.at[i, column]) and not is_shown(together.at[i, column]):
                    shown.at[i, column] = SECONDARY
                    shown.at[i, "aandeel_geplaatst"] = SECONDARY
    return shown.rename(columns={"aandeel_geplaatst": "geplaatst van bereikt"})


_SIDE_BY_SIDE = {
    "scouts": "scouts", "scouts_alle_criteria": "scouts met alle vijf profielcriteria",
    "scouts_getraind": "scouts met afgeronde training", "bereikt": "jongeren bereikt",
    "geactiveerd": "geactiveerd", "geplaatst": "geplaatst", "behouden": "behouden",
    "geplaatst_van_bereikt": "geplaatst van bereikt", "geplaatst_van_bereikt (95%)": "95%-interval",
    "teruggevallen": "teruggevallen", "heractiveerd": "heractiveerd",
    "mediaan_dagen_tot_plaatsing": "dagen van bereikt tot geplaatst (mediaan)",
    "warme_overdracht_ja": "geactiveerd met warme overdracht", "eerste_datum": "eerste stap",
    "laatste_datum": "laatste stap",
}
_YOUTH_COUNTS = ["bereikt", "geactiveerd", "geplaatst", "behouden", "teruggevallen", "heractiveerd",
                 "warme_overdracht_ja"]


def pilots_side_by_side(evaluation: Evaluation, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The main figures per pilot (gemeente) in columns, for one view; read it with :data:`CAUTION`."""
    table = journeys.compare_pilots(evaluation.contacten, evaluation.scouts, by=GROUP)
    if table.empty:
        return table
    for column in ("eerste_datum", "laatste_datum"):
        table[column] = [format_date(value.date()) for value in table[column]]
    shown = show_table(table.drop(columns=["behouden_6m"]), _YOUTH_COUNTS,
                       {"geplaatst_van_bereikt": ("geplaatst", "bereikt")}, threshold,
                       nested={"heractiveerd": "teruggevallen", "warme_overdracht_ja": "geactiveerd"}
                       ).set_index(GROUP)
    # the stages are nested: take them as the funnel shows them, so no difference gives a small count away
    funnel = show_funnel(journeys.count_funnel(evaluation.contacten, GROUP), threshold)
    for stap, part in funnel.groupby("stap"):
        shown.loc[part[GROUP], stap] = part["jongeren"].to_numpy()
    # the warm handover as its own table shows it: ja, nee, onbekend and the funnel's total are one equation
    warm = show_warm_handover(journeys.compare_warm_handover(evaluation.contacten, GROUP), threshold, funnel)
    warm_ja = warm[warm["warme_overdracht"] == "ja"]
    shown.loc[warm_ja[GROUP], "warme_overdracht_ja"] = warm_ja["geactiveerd"].to_numpy()
    placed = funnel[funnel["stap"] == "geplaatst"].set_index(GROUP)
    hidden = placed["van bereikt"] == SECONDARY
    shown.loc[hidden[hidden].index, ["geplaatst_van_bereikt", "geplaatst_van_bereikt (95%)"]] = SECONDARY
    shown = shown[[c for c in _SIDE_BY_SIDE if c in shown.columns]]
    return shown.rename(columns=_SIDE_BY_SIDE).T.rename_axis(None, axis=1)


def per_organisation(evaluation: Evaluation, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The funnel per organisation the young people came through, one row each, as shown.

    Names come from the sociale kaart (``evaluation.organisaties``, the processed table):
    the name a report may show, or the neutral label of an organisation that gave
    no consent (:func:`~buitenbeeld.analysis.sociale_kaart.display_names`, lettered per
    gemeente as in the gemeente report); an id that is not in the kaart is shown
    as it is. Counts are suppressed as in :func:`show_funnel`.
    """
    from buitenbeeld.analysis.sociale_kaart import display_names

    if evaluation.empty:
        return pd.DataFrame()
    names: dict[str, str] = {}
    organisaties = evaluation.organisaties
    if organisaties is not None and len(organisaties):
        for _, own in organisaties.groupby("gemeentecode", sort=False):
            own = own.reset_index(drop=True)
            names.update(zip(own["organisatie_id"], display_names(own)))
    funnel = show_funnel(journeys.count_funnel(evaluation.contacten, [GROUP, "organisatie_id"]), threshold)
    table = funnel.pivot_table(index=[GROUP, "organisatie_id"], columns="stap", values="jongeren", aggfunc="first",
                               sort=False)[list(FUNNEL)]
    table.index = pd.MultiIndex.from_tuples([(g, names.get(i, i)) for g, i in table.index],
                                            names=[GROUP, "organisatie"])
    return table.rename_axis(None, axis=1)
