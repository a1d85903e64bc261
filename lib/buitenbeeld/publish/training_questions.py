"""The exercises of the training notebooks: questions whose right answers come from the workbench's own code.

Each builder derives its questions and answers from the code the reports use,
never from a second copy:

* :func:`type_questions` from :func:`buitenbeeld.analysis.roles.type_advice_table`
  (the advice per type in the scoring configuration);
* :func:`role_questions` from :func:`buitenbeeld.analysis.roles.advise_roles`
  (through :func:`buitenbeeld.analysis.compare.compare_organisations`);
* :func:`reading_questions` from the sensitivity analysis
  (:mod:`buitenbeeld.analysis.uncertainty`): does the order of two profiles
  stay the same with other weights and estimates, or does it depend on those
  choices? A difference between profiles is never presented as a certainty
  about an organisation;
* :func:`myth_questions` from the CBS figures of
  :func:`buitenbeeld.publish.report.load_report_data`.

Change the advice table in the scoring configuration and the exercises follow.
How they are shown (widgets, HTML, slides) is :mod:`buitenbeeld.publish.training`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd

from buitenbeeld.common.formatting import escape, format_count, format_number, format_share, is_missing
from buitenbeeld.common.vocabulary import ORGANISATION_TYPES, ROLES

__all__ = [
    "TYPE_QUESTIONS", "FORMAL", "STEADY",
    "Question", "type_questions", "role_questions", "reading_questions", "myth_questions",
]

#: Type and role pairs the type quiz asks about (the answers come from the configuration).
TYPE_QUESTIONS = (("commercieel", "bereiken"), ("commercieel", "activeren"), ("sociale onderneming", "plaatsen"),
                  ("interesse/hobby", "behouden"), ("leefgebieden", "plaatsen"), ("cultuur/religie", "activeren"))
#: The type of formal organisations (no type advice: the comparison group).
FORMAL = "formeel"
#: The choices of a reading question: the order of two profiles holds whatever the choices, or it depends on them.
STEADY = ("ja, bij bijna alle keuzes", "nee, het hangt af van de keuzes")
_TYPE_ANSWERS = ("ja", "mogelijk", "nee")
_TRUE_FALSE = ("waar", "niet waar")


@dataclass(frozen=True)
class Question:
    """One exercise: a question with its facts, the choices, the right answer and why.

    ``vraag`` and the lines of ``feiten`` are plain text (escaped when shown);
    ``antwoord`` is one of ``keuzes``; ``uitleg`` says why, in plain Dutch.
    """

    vraag: str
    keuzes: tuple[str, ...]
    antwoord: str
    uitleg: str
    feiten: tuple[str, ...] = ()

    def __post_init__(self):
        if self.antwoord not in self.keuzes:
            raise ValueError(f"answer {self.antwoord!r} is not one of the choices {self.keuzes}")

    def feedback(self, keuze: str | None) -> str:
        """The feedback on a choice, as HTML: right or not, the right answer and the reason."""
        if keuze is None:
            return ""
        goed = keuze == self.antwoord
        kop = "Goed!" if goed else f"Niet helemaal. Het antwoord is: {self.antwoord}."
        kleur = "#029e73" if goed else "#d55e00"
        return (f'<p><strong style="color:{kleur}">{escape(kop)}</strong> '
                f"{escape(self.uitleg)}</p>")


def type_questions(config: Any, pairs: Sequence[tuple[str, str]] = TYPE_QUESTIONS) -> list[Question]:
    """Questions on the guide's advice per type and role; the answers come from :func:`roles.type_advice_table`.

    Parameters
    ----------
    config : ScoringConfig
        The scoring configuration whose ``[roladvies.types]`` holds the advice.
    pairs
        (type, role) pairs to ask about; formal organisations have no type advice.
    """
    from buitenbeeld.analysis.roles import type_advice_table

    table = type_advice_table(config)
    cautions = config.roladvies["types"]
    questions = []
    for kind, role in pairs:
        advice = table.at[kind, role]
        if advice not in _TYPE_ANSWERS:
            continue
        meaning = {"ja": "deze rol past bij dit type", "mogelijk": "het hangt af van de relatie en van de organisatie",
                   "nee": "deze rol wordt bij dit type afgeraden"}[advice]
        questions.append(Question(
            vraag=f"Past de rol {role} bij een organisatie van het type {kind}?",
            keuzes=_TYPE_ANSWERS, antwoord=advice,
            uitleg=f"Het advies voor {kind} en {role} is '{advice}': {meaning}. {cautions[kind].get('let_op', '')}".strip()))
    return questions


def _role_names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        from buitenbeeld.common.values import parse_roles

        return parse_roles(value)
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return ()


def role_questions(comparison: Any, aantal: int = 6, include_formal: bool = False) -> list[Question]:
    """Questions "which advice fits this organisation for this role?" from the comparison's role advice.

    The answers and reasons are the ``advies_<rol>`` and ``reden_<rol>`` columns
    of :func:`buitenbeeld.analysis.roles.advise_roles`, as in the reports. The selection
    is deterministic: it takes turns over the outcomes (past, met zorg, niet
    aanbevolen) and, within an outcome, the type asked least so far, one
    question per organisation, informal organisations only unless
    ``include_formal``.

    Parameters
    ----------
    comparison : Comparison
        The result of :func:`buitenbeeld.analysis.compare.compare_organisations`.
    aantal
        The number of questions (fewer when there are not enough organisations).
    """
    from buitenbeeld.analysis.roles import OUTCOMES

    advice, organisaties, profiles = comparison.advice, comparison.organisaties, comparison.profiles
    if advice.empty:
        return []
    type_rank = {kind: rank for rank, kind in enumerate(ORGANISATION_TYPES)}
    candidates = [(index, role, advice.at[index, f"advies_{role}"])
                  for index in sorted(organisaties.index, key=lambda i: (type_rank.get(organisaties.at[i, "type"], 99), i))
                  if include_formal or organisaties.at[index, "type"] != FORMAL
                  for role in ROLES]
    chosen: list[tuple[Any, str]] = []
    asked_types: dict[str, int] = {}
    for turn in range(aantal):
        used = {index for index, _ in chosen}
        open_ = [c for c in candidates if c[0] not in used]
        wanted = [c for c in open_ if c[2] == OUTCOMES[turn % len(OUTCOMES)]] or open_
        if not wanted:
            break
        index, role, _ = min(wanted, key=lambda c: asked_types.get(organisaties.at[c[0], "type"], 0))
        asked_types[organisaties.at[index, "type"]] = asked_types.get(organisaties.at[index, "type"], 0) + 1
        chosen.append((index, role))
    questions = []
    for index, role in chosen:
        kind = organisaties.at[index, "type"]
        value = profiles.at[index, role]
        doing = _role_names(organisaties.at[index, "rollen_nu"]) if "rollen_nu" in organisaties else ()
        willing = _role_names(organisaties.at[index, "rollen_bereid"]) if "rollen_bereid" in organisaties else ()
        caution = advice.at[index, "let_op"]
        questions.append(Question(
            vraag=f"Welk advies past bij {comparison.names[index]} voor de rol {role}?",
            keuzes=tuple(OUTCOMES), antwoord=advice.at[index, f"advies_{role}"],
            uitleg=f"Reden: {advice.at[index, f'reden_{role}']}." + (f" Let op bij dit type: {caution}" if caution else ""),
            feiten=(f"Type: {kind}",
                    f"Profiel {role}: " + ("onbekend" if is_missing(value) else f"{format_number(value)} (0-10)"),
                    "Doet nu: " + (", ".join(doing) or "niets genoemd"),
                    "Wil graag: " + (", ".join(willing) or "niets genoemd"))))
    return questions


def reading_questions(comparison: Any, rol: str = "bereiken", aantal: int = 3) -> list[Question]:
    """Questions on reading positions: does the order of two profiles hold with other weights and estimates?

    From the sensitivity analysis of ``rol`` (:func:`buitenbeeld.analysis.uncertainty.sensitivity`),
    which varies only the weights and the estimates: for neighbours in the
    ranking the answer is "ja, bij bijna alle keuzes" (:data:`STEADY`) only when
    the 90% intervals of their positions do not overlap, else "it depends on the
    choices". Either way it is said of the profiles in this map, never as a
    certainty about the organisations. Pairs are taken from the top down, so the
    first question is the one a gemeente is most tempted by.
    """
    sensitivity = comparison.sensitivity.get(rol)
    if sensitivity is None:
        return []
    known = sensitivity.dropna(subset=["rang"]).sort_values(["rang", "rang_laag"], kind="stable")
    questions = []
    for (a, first), (b, second) in zip(known.iterrows(), list(known.iterrows())[1:]):
        if len(questions) >= aantal:
            break
        steady = first["rang_hoog"] < second["rang_laag"]
        name_a, name_b = comparison.names[a], comparison.names[b]
        bars = f"De balken ({_interval(first)} en {_interval(second)})"
        questions.append(Question(
            vraag=(f"Het profiel van {name_a} staat voor {rol} hoger dan dat van {name_b}. "
                   "Blijft dat zo met andere gewichten en schattingen?"),
            keuzes=STEADY, antwoord=STEADY[0] if steady else STEADY[1],
            uitleg=(f"{bars} overlappen niet: bij bijna alle redelijke gewichten en schattingen die de werkbank "
                    f"probeerde, staat het profiel van {name_a} hoger. Dat gaat over de profielen in deze kaart. "
                    "Het zegt niet dat de ene organisatie beter is dan de andere." if steady else
                    f"{bars} overlappen: met andere redelijke gewichten of schattingen kan de volgorde omdraaien. "
                    "De volgorde hangt dus af van de keuzes. Zeg niet dat de een sterker is dan de ander."),
            feiten=(f"{name_a}: positie {format_count(first['rang'])}, 90%-interval {_interval(first)}",
                    f"{name_b}: positie {format_count(second['rang'])}, 90%-interval {_interval(second)}")))
    return questions


def _interval(row: pd.Series) -> str:
    return f"{format_count(row['rang_laag'])} tot {format_count(row['rang_hoog'])}"


def myth_questions(data: Any) -> list[Question]:
    """Myths about jongeren buiten beeld against the figures: "waar of niet waar?".

    The figures come from the CBS table of the report data (the national row and
    the gemeente's row, small counts suppressed as in the reports) and from the
    gemeente's sociale kaart.
    """
    from buitenbeeld.privacy.disclosure import show_count
    from buitenbeeld.publish.report import shares

    national = data.youth.nederland
    total, without = national.get("buiten_beeld"), national.get("zonder_bekende_reden")
    own_share, national_share = shares(data)
    questions = [Question(
        vraag="Alle jongeren die buiten beeld zijn, zijn probleemjongeren.",
        keuzes=_TRUE_FALSE, antwoord="niet waar",
        uitleg=(f"Van de {format_count(total)} jongeren buiten beeld heeft "
                f"{format_share((total - without) / total if total else None, 0)} een bekende reden: "
                "ze studeerden of werkten kort geleden, hebben een partner of kind, wonen in een instelling, zitten "
                f"vast of zijn bekend bij jeugdzorg. Voor {format_count(without)} is geen reden bekend "
                f"({format_share(without / total if total else None)}). Ook zij zijn niet allemaal zorgwekkend: "
                "iedereen heeft het recht om onzichtbaar te zijn."))]
    if national_share is not None:
        questions.append(Question(
            vraag="Het gaat maar om een heel kleine groep jongeren.",
            keuzes=_TRUE_FALSE, antwoord="niet waar",
            uitleg=(f"Op 1 oktober {data.youth.peiljaar or data.peiljaar} was {format_share(national_share)} van alle "
                    f"jongeren van 15 tot 27 jaar buiten beeld: ongeveer 1 op de {round(1 / national_share)}.")))
    row = data.youth_row or {}
    if not is_missing(row.get("buiten_beeld")) and row.get("buiten_beeld", 0) > 0:
        share = f" ({format_share(own_share)} van de jongeren)" if own_share is not None else ""
        questions.append(Question(
            vraag=f"In {data.gemeente.naam} speelt dit niet.",
            keuzes=_TRUE_FALSE, antwoord="niet waar",
            uitleg=(f"Volgens de CBS-tabel waren in {data.gemeente.naam} {show_count(row['buiten_beeld'], data.drempel)} "
                    f"jongeren buiten beeld{share}. Kijk wel naar de wijk: achter één getal voor de hele gemeente "
                    "zitten grote verschillen.")))
    informal = int((data.organisaties["type"] != FORMAL).sum()) if len(data.organisaties) else 0
    questions.append(Question(
        vraag="Als de gemeente goed zoekt, vindt ze deze jongeren zelf wel.",
        keuzes=_TRUE_FALSE, antwoord="niet waar",
        uitleg=("Veel van deze jongeren komen niet vanzelf naar de gemeente: ze hebben het vertrouwen in de overheid "
                "verloren of willen geen contact. Informele organisaties zien hen vaak wel"
                + (f"; in de sociale kaart van {data.gemeente.naam} staan {informal} informele organisaties."
                   if informal else ".") + " Zo'n organisatie kan een brug zijn, met een jongerenscout.")))
    questions.append(Question(
        vraag="De CBS-cijfers laten zien hoeveel jongeren hulp nodig hebben.",
        keuzes=_TRUE_FALSE, antwoord="niet waar",
        uitleg=("Het CBS telt wie niet in de registers van school, werk, uitkering en UWV staat. Of iemand hulp "
                "nodig heeft, staat er niet in. Daarvoor is contact nodig: praten, niet tellen.")))
    return questions
