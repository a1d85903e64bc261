"""Section 3 of the gemeente report, "Wat is er veranderd": the sociale kaart over two rounds.

When a gemeente has interviewed its organisations in more than one round
(:mod:`buitenbeeld.ingest.rounds`), the report's kaart is the latest round and this
section puts it beside the round before: which organisations are new, which are
no longer in the kaart, what changed for the others (type, roles, what they are
willing to do, reach), the role coverage per wijk then and now, and the possible
matches a person should confirm (:func:`buitenbeeld.analysis.changes.compare_rounds`).
With one round there is nothing to show: :func:`changes_markdown` returns None.

Organisations are named as in the rest of the report: the neutral label for an
organisation without consent to publish. Reach is a count of young people and goes
through :func:`~buitenbeeld.privacy.disclosure.show_count`; every input value goes
through :func:`~buitenbeeld.common.formatting.escape`.
"""
from __future__ import annotations

import weakref

import pandas as pd

from buitenbeeld.analysis.changes import KaartChanges, compare_rounds, gemeente_rounds
from buitenbeeld.analysis.scoring import ScoringConfig
from buitenbeeld.common.formatting import escape, format_count, markdown_table
from buitenbeeld.common.vocabulary import ROLES
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD, show_count

__all__ = ["report_changes", "changes_markdown", "changes_tables", "change_texts", "changes_frame", "coverage_frame",
           "matches_frame"]

_NEW, _GONE = "nieuw in de kaart", "niet meer in de kaart"


def report_changes(data, config: ScoringConfig | None = None) -> KaartChanges | None:
    """The changes between the gemeente's previous round and its current kaart; None with fewer than two rounds.

    ``data`` is the report's :class:`~buitenbeeld.publish.report.ReportData`. The
    comparison is made once per report data object and kept while it lives (replace a
    table on it, or build a new one, to compare again; a table changed in place is not noticed).
    """
    return _memoised(data, config)[0]


#: Per ``id(data)``: a weak reference to the report data, the inputs the result was made from, and the result.
_MEMO: dict[int, tuple] = {}


def _memoised(data, config: ScoringConfig | None) -> tuple[KaartChanges | None, int]:
    """The changes and the number of rounds of ``data``'s gemeente, computed once for a report.

    The result is kept for as long as ``data`` lives and reused only for the very same
    inputs (the same objects: kaart, its tables, the gemeente and ``config``); replacing
    any of them on ``data`` computes it again. The entry goes when ``data`` is
    collected, so a later object with the same ``id`` never sees it. A table changed in
    place is not noticed: build a new report data object for new data.
    """
    kaart = data.kaart
    earlier = getattr(kaart, "eerdere_rondes", None)
    inputs = (kaart, kaart.organisaties, earlier, data.organisaties, data.gemeente, config)
    entry = _MEMO.get(id(data))
    if entry is not None and entry[0]() is data and all(a is b for a, b in zip(entry[1], inputs)):
        return entry[2]
    result = _compute(data, config)
    if entry is None or entry[0]() is not data:
        weakref.finalize(data, _MEMO.pop, id(data), None)
    _MEMO[id(data)] = (weakref.ref(data), inputs, result)
    return result


def _compute(data, config: ScoringConfig | None) -> tuple[KaartChanges | None, int]:
    earlier = getattr(data.kaart, "eerdere_rondes", None)
    if earlier is None or earlier.empty or data.organisaties.empty:
        return None, 1
    rounds = gemeente_rounds(data.kaart.organisaties, earlier, data.gemeente.code)
    if len(rounds) < 2:
        return None, len(rounds)
    return compare_rounds(rounds[-2], data.organisaties, config), len(rounds)


def _n(count: int, one: str, many: str) -> str:
    return f"**{format_count(count)}** {one if count == 1 else many}"


def _reach(row: pd.Series | None, drempel: int) -> str:
    """Reach as the report shows it: ``ca. 40``, ``<10``, ``onbekend``."""
    if row is None or pd.isna(row.get("jongeren_bereik")):
        return "onbekend"
    shown = show_count(row["jongeren_bereik"], drempel)
    return f"ca. {shown}" if bool(row.get("jongeren_bereik_geschat")) and not shown.startswith("<") else shown


def _roles(roles) -> str:
    return ", ".join(roles)


def change_texts(changes: KaartChanges, drempel: int = DEFAULT_THRESHOLD) -> dict[str, list[str]]:
    """Per organisation id in both rounds: its changes as short Dutch texts (plain text: escape them for Markdown)."""
    before = changes.eerder.drop_duplicates("organisatie_id").set_index("organisatie_id")
    after = changes.nu.drop_duplicates("organisatie_id").set_index("organisatie_id")
    texts: dict[str, list[str]] = {}
    for row in changes.changes.itertuples(index=False):
        if row.wat == "type":
            text = f"type was {row.eerder}, nu {row.nu}"
        elif row.wat in ("rollen_nu", "rollen_bereid"):
            verb = "doet" if row.wat == "rollen_nu" else "wil"
            parts = ([f"{verb} nu ook {_roles(row.erbij)}"] if row.erbij else []) + \
                    ([f"{verb} niet meer {_roles(row.eraf)}"] if row.eraf else [])
            text = " en ".join(parts)
        else:
            then = _reach(before.loc[row.organisatie_id], drempel)
            now = _reach(after.loc[row.organisatie_id], drempel)
            text = f"bereik {then} → {now} jongeren per maand ({row.richting})"
        texts.setdefault(row.organisatie_id, []).append(text)
    return texts


def changes_frame(changes: KaartChanges, drempel: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per organisation that is new, gone or clearly changed: ``Organisatie``, ``Type``, ``Wat is er veranderd``."""
    texts, changed = change_texts(changes, drempel), set(changes.veranderd)
    rows = [{"Organisatie": changes.names[i], "Type": t, "Wat is er veranderd": "; ".join(texts[i])}
            for i, t in zip(changes.nu["organisatie_id"], changes.nu["type"]) if i in changed]
    rows += [{"Organisatie": changes.names[i], "Type": t, "Wat is er veranderd": _NEW}
             for i, t in zip(changes.nieuw["organisatie_id"], changes.nieuw["type"])]
    rows += [{"Organisatie": changes.names[i], "Type": t, "Wat is er veranderd": _GONE}
             for i, t in zip(changes.weg["organisatie_id"], changes.weg["type"])]
    return pd.DataFrame(rows, columns=["Organisatie", "Type", "Wat is er veranderd"])


def coverage_frame(changes: KaartChanges) -> pd.DataFrame:
    """Per wijk and role: organisations that fit, ``eerder`` and ``nu`` (flat Dutch headers)."""
    table = changes.coverage_table()
    flat = pd.DataFrame({"Wijk": table.index})
    for role in ROLES:
        for when in ("eerder", "nu"):
            flat[f"{role.capitalize()} {when}"] = table[(role, when)].to_numpy()
    return flat


def matches_frame(changes: KaartChanges) -> pd.DataFrame:
    """The possible matches to confirm: ``Eerder``, ``Nu`` (names as the report shows them), ``Wat hetzelfde is``."""
    matches = changes.matches
    return pd.DataFrame({"Eerder": [changes.names[i] for i in matches["organisatie_id_eerder"]],
                         "Nu": [changes.names[i] for i in matches["organisatie_id_nu"]],
                         "Wat hetzelfde is": matches["overeenkomst"].tolist()},
                        columns=["Eerder", "Nu", "Wat hetzelfde is"])


def changes_tables(data, config: ScoringConfig | None = None) -> dict[str, pd.DataFrame]:
    """The section's tables for the report's ``tabellen`` export; empty with fewer than two rounds.

    ``veranderingen`` (per organisation), ``dekking_per_wijk_eerder_en_nu`` and, when
    there are any, ``mogelijk_dezelfde_organisatie``.
    """
    changes = report_changes(data, config)
    if changes is None:
        return {}
    tables = {"veranderingen": changes_frame(changes, data.drempel),
              "dekking_per_wijk_eerder_en_nu": coverage_frame(changes)}
    if len(changes.matches):
        tables["mogelijk_dezelfde_organisatie"] = matches_frame(changes)
    return tables


def _markdown_table(frame: pd.DataFrame) -> str:
    return markdown_table(frame.columns, frame.itertuples(index=False))


def changes_markdown(data, config: ScoringConfig | None = None) -> str | None:
    """The Dutch section "Wat is er veranderd" (a subsection of section 3); None when the gemeente has one round."""
    changes, rounds = _memoised(data, config)
    if changes is None:
        return None
    counts = changes.counts()
    unclear = {r.organisatie_id for r in changes.changes.itertuples() if not r.duidelijk} - set(changes.veranderd)
    parts = [
        "### Wat is er veranderd",
        f"De gemeente heeft de organisaties in {rounds} rondes geïnterviewd. Deze sociale kaart komt uit de laatste "
        f"ronde: **{escape(changes.ronde_nu)}**. Hier staat wat er anders is dan in de ronde ervoor: "
        f"**{escape(changes.ronde_eerder)}**. Een verandering is geen oordeel over een organisatie. Organisaties "
        "veranderen, en een tweede gesprek geeft vaak een beter beeld.",
        "\n".join([
            f"- {_n(counts['nieuw'], 'organisatie is', 'organisaties zijn')} nieuw in de kaart.",
            f"- {_n(counts['weg'], 'organisatie staat', 'organisaties staan')} niet meer in de kaart.",
            f"- Bij {_n(counts['veranderd'], 'organisatie', 'organisaties')} is iets veranderd: het type, de rollen, "
            "wat ze willen doen of hoeveel jongeren ze bereiken.",
            f"- Bij {_n(counts['gelijk'], 'organisatie', 'organisaties')} is niets duidelijk veranderd.",
            *([f"- {_n(counts['bevestigen'], 'organisatie staat', 'organisaties staan')} er misschien onder een "
               "andere code in. Dat staat onderaan: graag bevestigen."] if counts["bevestigen"] else []),
        ]),
    ]
    if unclear:
        parts.append(f"Bij {_n(len(unclear), 'organisatie', 'organisaties')} is het bereik niet goed te vergelijken: "
                     "het was of is onbekend, of het is een schatting die bijna hetzelfde is. Dat telt niet als "
                     "verandering.")
    frame = changes_frame(changes, data.drempel)
    if len(frame):
        parts += ["**Veranderingen per organisatie.** Bereik is het aantal jongeren per maand waarmee de organisatie "
                  f"contact heeft; aantallen onder {data.drempel} staan als <{data.drempel}.", _markdown_table(frame)]
    coverage = coverage_frame(changes)
    if len(coverage):
        parts += ["**Rollen per wijk, eerder en nu.** Hoeveel organisaties in de wijk passen bij elke rol "
                  "(zie het roladvies). Zo ziet u of een gat in een wijk gedicht is, of juist nieuw is.",
                  _markdown_table(coverage.astype(str))]
    if counts["bevestigen"]:
        parts += ["**Mogelijk dezelfde organisatie, graag bevestigen.** Deze organisaties hebben in de twee rondes "
                  "een andere code, maar dezelfde naam. Is het dezelfde organisatie? Geef haar dan in beide rondes "
                  "dezelfde organisatie-id. Tot dan telt de werkbank ze niet als nieuw en niet als weg.",
                  _markdown_table(matches_frame(changes))]
    return "\n\n".join(parts) + "\n"
