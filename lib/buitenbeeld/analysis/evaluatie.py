"""The pilot evaluation as the notebook ``pilot_evaluatie`` and the gemeente report show it.

:mod:`buitenbeeld.analysis.journeys` computes; this module chooses the pilot and the
period, and turns the results into tables and figures that are safe to show:
every count of young people goes through the disclosure rules (``<10``, and
``x`` where a difference would reveal a small count), and scouts are only
shown together, never one by one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from buitenbeeld.analysis import journeys
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD, SECONDARY, share_is_safe, show_count
from buitenbeeld.errors import MissingDataError, UnknownGemeenteError
from buitenbeeld.common.formatting import MISSING, format_date, format_share
from buitenbeeld.reference.gemeenten import resolve_gemeente
from buitenbeeld.ingest.pilot import PilotResult
from buitenbeeld.common.vocabulary import FUNNEL

__all__ = ["CAUTION", "GROUP", "MIN_SCOUTS", "Evaluation", "select_pilots", "load_evaluation",
           "per_period", "summary_points", "scouts_overview", "pilots_side_by_side", "per_organisation"]

#: Said wherever pilots are put side by side.
CAUTION = ("De pilots verschillen in opzet: andere gemeenten, andere organisaties, andere scouts en een andere "
           "start. Verschillen tussen pilots zijn daarom geen maat voor wie het beter deed; lees ze als vragen "
           "voor het gesprek, niet als uitslag.")
GROUP = "gemeentenaam"
#: A group of fewer scouts shows no figures of their young people: it would be one scout's record.
MIN_SCOUTS = 3


@dataclass
class Evaluation:
    """The steps and scouts of the chosen pilot(s) in the chosen period."""

    label: str
    contacten: pd.DataFrame
    scouts: pd.DataFrame
    synthetic: bool
    van: dt.date | None = None
    tot: dt.date | None = None
    organisaties: pd.DataFrame | None = None  # the sociale kaart, for the names of organisations

    @property
    def empty(self) -> bool:
        return self.contacten.empty

    @property
    def period(self) -> str:
        """The period in Dutch, from the parameters or else from the data."""
        dates = self.contacten["datum"].dropna()
        start = self.van or (dates.min().date() if len(dates) else None)
        end = self.tot or (dates.max().date() if len(dates) else None)
        return f"{format_date(start)} tot en met {format_date(end)}" if start and end else "onbekend"

    @property
    def source(self) -> str:
        """The source line for tables and figures."""
        files = sorted(set(self.contacten["bron_bestand"])) if "bron_bestand" in self.contacten else []
        return f"pilotregistratie {self.label} ({', '.join(files)})"


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError as error:
        raise ValueError(f"'{text}' is geen datum; schrijf jjjj-mm-dd, bijvoorbeeld 2017-03-01") from error


def select_pilots(pilots: PilotResult, pilot: str = "", van: str = "", tot: str = "") -> Evaluation:
    """The pilot named ``pilot`` (its file name, or its gemeente by name, code or common name), or all pilots.

    ``van`` and ``tot`` (``jjjj-mm-dd``, inclusive) keep only the steps in that
    period; empty means from the first or up to the last step.

    Raises
    ------
    MissingDataError
        When no pilot matches (the message lists the pilots that are there), or
        the period holds no steps.
    """
    contacten, scouts = pilots.contacten, pilots.scouts
    label = "alle pilots"
    if pilot:
        by_label = contacten["pilot"].str.casefold() == pilot.strip().casefold()
        if by_label.any():
            keep, label = by_label, pilot.strip()
            codes = set(contacten.loc[by_label, "gemeentecode"])
        else:
            try:
                gemeente = resolve_gemeente(pilot)
            except UnknownGemeenteError:
                gemeente = None
            codes = {gemeente.code} if gemeente else set()
            keep = contacten["gemeentecode"].isin(codes)
            label = gemeente.naam if gemeente else pilot
        if not keep.any():
            present = ", ".join(sorted(set(contacten["gemeentenaam"].dropna()) | set(contacten["pilot"]))) or "geen"
            raise MissingDataError(f"Geen pilotgegevens voor '{pilot}'. Aanwezig: {present}. Zet de pilotbestanden "
                                   "onder raw/ en lees in met `buitenbeeld inlezen`.")
        contacten = contacten[keep]
        scouts = scouts[scouts["gemeentecode"].isin(codes)]
    start, end = _date(van), _date(tot)
    if start:
        contacten = contacten[contacten["datum"].dt.date >= start]
    if end:
        contacten = contacten[contacten["datum"].dt.date <= end]
    if (start or end) and contacten.empty:
        raise MissingDataError(f"Geen stappen van jongeren in {label} tussen {van or 'het begin'} en {tot or 'het eind'}: "
                               "kies een andere periode (van, tot) of laat die leeg.")
    return Evaluation(label, contacten.reset_index(drop=True), scouts.reset_index(drop=True), pilots.synthetic,
                      start, end)


def load_evaluation(data_dir: str | Path | None = None, pilot: str = "", van: str = "", tot: str = "") -> Evaluation:
    """Read the processed pilot tables of ``data_dir`` (rebuilt first when ``raw/`` changed) and select."""
    from buitenbeeld.ingest.pipeline import build_processed

    build = build_processed(data_dir)
    evaluation = select_pilots(build.pilots, pilot, van, tot)
    evaluation.organisaties = build.result.organisaties
    return evaluation


def per_period(evaluation: Evaluation, threshold: int = DEFAULT_THRESHOLD, eenheid: str = "kwartaal") -> pd.DataFrame:
    """Per quarter (or month): young people newly reached and placed, as text with small counts suppressed.

    The counts of :func:`journeys.count_per_month`, all pilots together. Quarters
    by default: monthly counts of a pilot are mostly below the threshold, and a
    column of ``<10`` tells nobody anything; researchers with a lower threshold
    for internal use can ask for months.
    """
    counts = journeys.count_per_month(evaluation.contacten, eenheid=eenheid)
    return pd.DataFrame({
        "periode": counts[eenheid],
        "nieuw bereikt": [show_count(v, threshold) for v in counts["nieuw_bereikt"]],
        "geplaatst": [show_count(v, threshold) for v in counts["geplaatst"]],
    })


def summary_points(evaluation: Evaluation, threshold: int = DEFAULT_THRESHOLD) -> list[str]:
    """Three to five Dutch sentences on what the pilot reached, every count suppressed where small."""
    if evaluation.empty:
        return []
    shown = journeys.show_funnel(journeys.count_funnel(evaluation.contacten), threshold).set_index("stap")
    points = [
        f"Van {evaluation.period} bereikten de jongerenscouts {shown.at['bereikt', 'jongeren']} jongeren; "
        f"{shown.at['geactiveerd', 'jongeren']} werden geactiveerd, {shown.at['geplaatst', 'jongeren']} geplaatst "
        f"(op school, werk of stage) en {shown.at['behouden', 'jongeren']} bleven daar bij een latere controle.",
    ]
    retention = journeys.measure_retention(evaluation.contacten).set_index("maanden")
    if 6 in retention.index and share_is_safe(retention.at[6, "behouden"], retention.at[6, "noemer"], threshold):
        row = retention.loc[6]
        points.append(f"Zes maanden na de plaatsing zat {format_share(row['aandeel_behouden'], 0)} nog op zijn plek "
                      f"(van de {show_count(row['noemer'], threshold)} jongeren bij wie die zes maanden voorbij zijn "
                      "en van wie het bekend is).")
    relapses = journeys.show_relapses(journeys.count_relapses(evaluation.contacten), threshold)
    if len(relapses):
        row = relapses.iloc[0]
        points.append(f"{row['teruggevallen']} jongeren vielen terug na een stap vooruit; "
                      f"{row['heractiveerd']} van hen pakten het daarna weer op. Nazorg telt: problemen komen terug.")
    warm = journeys.show_warm_handover(journeys.compare_warm_handover(evaluation.contacten), threshold)
    shares = dict(zip(warm["warme_overdracht"], warm["aandeel_geplaatst"]))
    if all(shares.get(k, SECONDARY) not in (SECONDARY, "", MISSING) for k in ("ja", "nee")):
        points.append(f"Met een warme overdracht werd {shares['ja']} van de geactiveerde jongeren geplaatst, "
                      f"zonder {shares['nee']}. " + journeys.WARM_HANDOVER_NOTE)
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
    shown = journeys.show_table(table, ["jongeren", "geplaatst"], {"aandeel_geplaatst": ("geplaatst", "jongeren")},
                                threshold=threshold, nested={"geplaatst": "jongeren"})
    few = table["scouts"] < MIN_SCOUTS
    shown.loc[few, ["jongeren", "geplaatst", "aandeel_geplaatst"]] = SECONDARY
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
    shown = journeys.show_table(table.drop(columns=["behouden_6m"]), _YOUTH_COUNTS,
                                {"geplaatst_van_bereikt": ("geplaatst", "bereikt")}, threshold,
                                nested={"heractiveerd": "teruggevallen", "warme_overdracht_ja": "geactiveerd"}
                                ).set_index(GROUP)
    # the stages are nested: take them as the funnel shows them, so no difference gives a small count away
    funnel = journeys.show_funnel(journeys.count_funnel(evaluation.contacten, GROUP), threshold)
    for stap, part in funnel.groupby("stap"):
        shown.loc[part[GROUP], stap] = part["jongeren"].to_numpy()
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
    as it is. Counts are suppressed as in :func:`journeys.show_funnel`.
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
    funnel = journeys.show_funnel(journeys.count_funnel(evaluation.contacten, [GROUP, "organisatie_id"]), threshold)
    table = funnel.pivot_table(index=[GROUP, "organisatie_id"], columns="stap", values="jongeren", aggfunc="first",
                               sort=False)[list(FUNNEL)]
    table.index = pd.MultiIndex.from_tuples([(g, names.get(i, i)) for g, i in table.index],
                                            names=[GROUP, "organisatie"])
    return table.rename_axis(None, axis=1)
