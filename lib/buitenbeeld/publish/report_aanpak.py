"""The section of the gemeente report on its aanpak: the five steps and what the data say beside them.

:func:`aanpak_markdown` writes the section from the report's ``ReportData``
(:mod:`buitenbeeld.publish.report`): per step whether it is filled in, then the
choices measured against the data (:mod:`buitenbeeld.analysis.aanpak`): the
target group against the CBS figures of section 2 (the same latest year, trend
and 2013 split, through :mod:`~buitenbeeld.publish.report_cbs`), young people per
wijk beside the organisations per wijk, the roles wanted per wijk against the
organisations found, and review dates that have passed. Neutral wording: it says
what is there and what differs, never a grade. Every input value goes through
:func:`~buitenbeeld.common.formatting.escape`, counts of young people through
:func:`~buitenbeeld.privacy.disclosure.show_count`, and the contact person of
step 5 only as whether it is filled in.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from buitenbeeld.analysis.aanpak import (
    CBS_AGES,
    ITEM_LABELS,
    passed_reviews,
    role_gaps,
    step_status,
    target_group,
    wijk_overview,
)
from buitenbeeld.common.formatting import escape, format_count, format_date, format_share, markdown_table
from buitenbeeld.privacy.disclosure import is_suppressed, share_is_safe, show_count
from buitenbeeld.publish import report_cbs

__all__ = ["aanpak_markdown"]

#: At most this many wijken in the table of young people and organisations per wijk.
MAX_WIJKEN = 30


def _listing(items) -> str:
    items = [escape(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1] if items else ""


def _steps(aanpak) -> str:
    status = step_status(aanpak)
    rows = [[str(i), r.titel, r.status, ", ".join(ITEM_LABELS[k] for k in r.ontbreekt) if r.status != "ingevuld" else ""]
            for i, r in enumerate(status.itertuples(), start=1)]
    counts = status["status"].value_counts()
    said = ", ".join(f"{int(counts[s])} {s}" for s in ("ingevuld", "deels", "ontbreekt") if s in counts)
    return (f"Per stap wat er is ingevuld ({said}). *Deels* en *ontbreekt* zeggen alleen wat nog open staat.\n\n"
            + markdown_table(["Stap", "Wat", "Status", "Nog open"], rows))


def _step1(aanpak) -> str | None:
    row = aanpak.stap1.iloc[0].to_dict() if len(aanpak.stap1) else {}
    parts = []
    standpunt, datum = row.get("standpunt_gemeenteraad"), row.get("datum_raadsbesluit")
    if isinstance(standpunt, str):
        when = f" (besluit van {format_date(pd.Timestamp(datum).date())})" if datum is not None and not pd.isna(datum) else ""
        parts.append(f"Standpunt van de gemeenteraad: {escape(standpunt)}{when}.")
    if len(aanpak.budget):
        budget = aanpak.budget.sort_values("jaar")
        parts.append("Budget: " + _listing(f"€ {format_count(r.budget)} in {int(r.jaar)}" for r in budget.itertuples())
                     + ".")
    return " ".join(parts) or None


def _about(count, estimate: bool, threshold: int) -> str:
    """A count of young people in a sentence: 'minder dan 10' when it is hidden, else 'ongeveer 250' or '250'."""
    shown = show_count(count, threshold)
    if is_suppressed(count, threshold):
        return "minder dan " + shown.lstrip("<")
    return ("ongeveer " if estimate else "") + shown


def _target(data, aanpak, naam: str) -> str:
    """Step 2 against the CBS figures of section 2: the ages, the intended number, the trend, the 2013 split."""
    latest = report_cbs.latest_figures(data)
    share = report_cbs.share_of(latest.row, data.drempel) if latest is not None else None
    maatwerk_year = (data.youth.peiljaar or data.peiljaar) if data.youth is not None else None
    group = target_group(aanpak.stap2, latest.row if latest else None, latest.jaar if latest else None, share,
                         data.youth_row, maatwerk_year)
    parts = []
    low, high = group.leeftijden
    if low is None and high is None:
        parts.append("De leeftijden van de doelgroep zijn nog niet ingevuld.")
    else:
        ages = f"van {low if low is not None else '?'} tot en met {high if high is not None else '?'} jaar"
        same = " Dat zijn dezelfde leeftijden als die van het CBS."
        parts.append(f"De gemeente richt zich op jongeren {ages}." + (
            f" Het CBS telt jongeren van {CBS_AGES[0]} tot 27 jaar: de CBS-cijfers hieronder gaan dus over een andere "
            "leeftijdsgroep dan de doelgroep." if group.andere_leeftijden else same))
    if group.beoogd is None:
        parts.append("Het beoogde aantal jongeren is nog niet ingevuld.")
    else:
        parts.append(f"Het beoogde aantal is {_about(group.beoogd, group.beoogd_geschat, data.drempel)} jongeren.")
    if group.cbs_aantal is not None:
        about = _about(group.cbs_aantal, latest.statline, data.drempel)
        text = (f"Volgens het CBS waren in {group.cbs_jaar} in {naam} {about} "
                f"jongeren van 15 tot 27 jaar buiten beeld" + (f" ({format_share(share)})" if share is not None else ""))
        ratio = group.deel_van_cbs
        if ratio is not None and group.beoogd >= data.drempel and group.cbs_aantal >= data.drempel:
            text += f"; het beoogde aantal is {format_share(ratio, 0)} daarvan"
        parts.append(text + ".")
    else:
        parts.append(f"Er zijn geen CBS-cijfers over jongeren buiten beeld in {naam} om het beoogde aantal naast te leggen.")
    change = report_cbs.change_since_start(data)
    if change is not None and change.wording is not None and change.start != change.end:
        parts.append(f"Sinds {change.start} is het aandeel buiten beeld {change.wording} (zie de CBS-cijfers hierboven).")
    if group.zonder_reden is not None and group.maatwerk_aantal is not None:
        if share_is_safe(group.zonder_reden, group.maatwerk_aantal, data.drempel):  # 'X of Y' gives Y - X away
            parts.append(f"In {group.maatwerk_jaar} was voor {show_count(group.zonder_reden, data.drempel)} van de "
                         f"{show_count(group.maatwerk_aantal, data.drempel)} jongeren buiten beeld geen reden bekend. "
                         "Ook zij zijn niet allemaal zorgwekkend: iedereen mag onzichtbaar zijn.")
        elif group.zonder_reden > 0:
            parts.append(f"In {group.maatwerk_jaar} was voor een deel van de jongeren buiten beeld geen reden bekend. "
                         "Hoeveel dat er waren, staat hier niet, om kleine aantallen te beschermen. Ook zij zijn niet "
                         "allemaal zorgwekkend: iedereen mag onzichtbaar zijn.")
    row = aanpak.stap2.iloc[0].to_dict() if len(aanpak.stap2) else {}
    parts.append("Wie de gemeente zorgwekkend noemt en wie niet, is " +
                 ("beschreven." if isinstance(row.get("zorgwekkend"), str) else "nog niet beschreven."))
    return " ".join(parts)


def _wijken(data, aanpak) -> str | None:
    """Young people per wijk (CBS wijk table) beside organisations per wijk (interviews)."""
    row = aanpak.stap2.iloc[0].to_dict() if len(aanpak.stap2) else {}
    focus = tuple(row.get("focus_wijken") or ())
    wijken = data.wijken if data.wijken is not None else pd.DataFrame(columns=["wijk", "jaar", "jongeren_15_24",
                                                                               "leeftijdsgroep"])
    table = wijk_overview(wijken, data.organisaties, focus)
    if table.empty:
        return None
    bands = sorted({str(b) for b in table["leeftijdsgroep"].dropna()})
    years = sorted({int(y) for y in wijken["jaar"].dropna()}) if len(wijken) else []
    if len(wijken):
        band = _listing(f"{b.replace('-', ' tot en met ')} jaar" for b in bands) or "een andere leeftijd"
        intro = (f"Jongeren per wijk komen uit de CBS-cijfers per wijk ({years[-1] if years else 'jaar onbekend'}). "
                 f"Het CBS telt daar de jongeren van {band}, niet van 15 tot 27. ")
    else:
        intro = "Er zijn geen CBS-cijfers per wijk: hoeveel jongeren er per wijk wonen, staat er daarom niet. "
    shown = table.head(MAX_WIJKEN)
    rows = [[w.wijk, show_count(w.jongeren, data.drempel) if not pd.isna(w.jongeren) else ".",
             format_count(w.organisaties), "ja" if w.focus else ""] for w in shown.itertuples()]
    more = f"\n\nEn nog {len(table) - MAX_WIJKEN} wijken." if len(table) > MAX_WIJKEN else ""
    return (intro + "Organisaties: hoeveel organisaties uit de sociale kaart in de wijk werken. Een punt (.) is onbekend.\n\n"
            + markdown_table(["Wijk", "Jongeren (CBS)", "Organisaties", "Focus-wijk"], rows) + more)


def _roles(data, aanpak, comparison) -> str | None:
    if aanpak.rollen.empty:
        return None
    if comparison is None:
        from buitenbeeld.analysis.compare import compare_organisations  # the notebook passes its own

        comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code)
    gaps = role_gaps(aanpak.rollen, comparison.coverage)
    rows = [[g.wijk, g.rol, format_count(g.gewenst), format_count(g.gevonden)] for g in gaps.itertuples()]
    text = ("De gemeente koos per wijk welke rollen ze wil zien en hoeveel organisaties daar minimaal voor nodig zijn. "
            "*Gevonden* telt de organisaties in de sociale kaart die in die wijk werken en bij de rol passen (zie het "
            "roladvies).\n\n" + markdown_table(["Wijk", "Rol", "Gewenst (minimaal)", "Gevonden"], rows))
    short = gaps[gaps["tekort"]]
    if short.empty:
        return text + "\n\nIn elke gekozen wijk zijn minstens zoveel passende organisaties gevonden als gewenst."
    lines = [f"- Gewenst: minimaal {format_count(g.gewenst)} voor {escape(g.rol)} in {escape(g.wijk)}, "
             f"gevonden {format_count(g.gevonden)}."
             for g in short.itertuples()]
    return (text + "\n\nWaar minder is gevonden dan gewenst (een vraag voor de volgende ronde interviews of gesprekken, "
            "geen oordeel):\n\n" + "\n".join(lines))


def _inzet(aanpak) -> str | None:
    if aanpak.inzet.empty:
        return None
    parts = []
    for soort, rows in aanpak.inzet.groupby("soort", sort=False):
        count = int(rows["aantal"].sum())
        wijken = sorted({w for w in rows["wijk"] if isinstance(w, str)})
        parts.append(f"{count} × {escape(soort)}" + (f" ({_listing(wijken)})" if wijken else ""))
    return "Ingezet of gepland: " + "; ".join(parts) + "."


def _kaders(aanpak, today: dt.date) -> str | None:
    if aanpak.kaders.empty:
        return None
    rows = [[k.kader, k.afgesproken if isinstance(k.afgesproken, str) else "nog niet ingevuld",
             "ingevuld" if k.contactpersoon_ingevuld else "niet ingevuld",
             format_date(pd.Timestamp(k.evaluatiedatum).date()) if k.evaluatiedatum is not None
             and not pd.isna(k.evaluatiedatum) else "."] for k in aanpak.kaders.itertuples()]
    text = markdown_table(["Kader", "Afgesproken", "Vaste contactpersoon", "Evaluatie"], rows)
    passed = passed_reviews(aanpak.kaders, today)
    if passed.empty:
        return text + f"\n\nGeen evaluatiedatum ligt voor {format_date(today)}."
    lines = [f"- {escape(p.kader)}: de evaluatie stond op {format_date(p.evaluatiedatum)}; die datum is voorbij."
             for p in passed.itertuples()]
    return text + f"\n\nEvaluaties waarvan de datum voor {format_date(today)} ligt:\n\n" + "\n".join(lines)


def aanpak_markdown(data, today: dt.date, comparison=None) -> str:
    """The section "De aanpak van <gemeente>" of the gemeente report, in Markdown (Dutch, B1).

    Parameters
    ----------
    data : ReportData
        From :func:`buitenbeeld.publish.report.load_report_data` (its ``aanpak`` and ``wijken``).
    today : datetime.date
        The date against which review dates count as passed (the report's date).
    comparison : Comparison, optional
        The report's :func:`~buitenbeeld.analysis.compare.compare_organisations` (its
        ``coverage``); computed here when not given.

    Returns
    -------
    str
        Without an aanpak workbook for the gemeente, one line on how to start (the command itself is in the
        verantwoording beside the report, with the other how-to notes: a report holds no commands or paths).
    """
    naam = escape(data.gemeente.naam)
    aanpak = getattr(data, "aanpak", None)
    if aanpak is None or aanpak.gemeenten.empty:
        return (f"**De aanpak van {naam}** is nog niet ingevuld. Begin met het lege invulbestand voor de vijf stappen: "
                "hoe u dat maakt, staat in de verantwoording bij dit rapport.")
    parts = [f"**De aanpak van {naam}.** De gemeente legde haar aanpak vast in vijf stappen. Hier staat wat is "
             "ingevuld en hoe de keuzes zich verhouden tot de cijfers en de sociale kaart. Het is een overzicht, geen "
             "beoordeling: een verschil is een vraag voor het volgende gesprek.", _steps(aanpak)]
    sections = [("Stap 1. Missie en visie", _step1(aanpak)),
                ("Stap 2. De doelgroep en de cijfers", _target(data, aanpak, naam)),
                ("Stap 2. Jongeren en organisaties per wijk", _wijken(data, aanpak)),
                ("Stap 3. Gewenste rollen per wijk en wat de sociale kaart laat zien", _roles(data, aanpak, comparison)),
                ("Stap 4. Jongerenwerkers en jongerenscouts", _inzet(aanpak)),
                ("Stap 5. Kaders voor de samenwerking", _kaders(aanpak, today))]
    parts += [f"**{title}**\n\n{text}" for title, text in sections if text]
    return "\n\n".join(parts)
