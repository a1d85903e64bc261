"""The gemeente's aanpak (the five steps) measured against what the data show.

Pure functions on the tables of :class:`~buitenbeeld.ingest.aanpak.AanpakResult`
(one gemeente's, :meth:`~buitenbeeld.ingest.aanpak.AanpakResult.select`), the
interviews and the CBS figures; no files, no display. What is filled in per step
(:func:`step_status`); the roles wanted per wijk against the organisations that
fit them (:func:`role_gaps`, on the coverage of
:func:`~buitenbeeld.analysis.compare.wijk_role_coverage`); the intended target
group against the CBS figures (:func:`target_group`); review dates that have
passed (:func:`passed_reviews`); young people per wijk beside organisations per
wijk (:func:`wijk_overview`). None of it is a grade: it says what is there.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from buitenbeeld.analysis.sociale_kaart import NO_WIJK, count_by_wijk
from buitenbeeld.ingest.aanpak_template import FORMS, INZET_SOORTEN, KADERS, STEP_TITLES, STEPS

__all__ = [
    "STATUSES", "CBS_AGES", "ITEM_LABELS", "step_status", "role_gaps", "TargetGroup", "target_group",
    "passed_reviews", "wijk_overview",
]

#: The status of a step: everything, something or nothing filled in.
STATUSES = ("ingevuld", "deels", "ontbreekt")
#: The ages CBS counts as young people buiten beeld (15 up to and including 26: "15 tot 27 jaar").
CBS_AGES = (15, 26)
#: What each item of a step is called in a report (Dutch).
ITEM_LABELS = {
    "missie": "missie", "visie": "visie", "standpunt_gemeenteraad": "standpunt van de gemeenteraad",
    "datum_raadsbesluit": "datum van het raadsbesluit", "budget": "budget per jaar",
    "leeftijd_van": "leeftijd vanaf", "leeftijd_tot": "leeftijd tot en met", "omschrijving": "omschrijving",
    "zorgwekkend": "wie zorgwekkend is", "beoogd_aantal": "beoogd aantal jongeren", "gegevensbronnen": "gegevensbronnen",
    "focus_wijken": "focus-wijken", "rollen": "gewenste rollen per wijk", "jongerenscout": "jongerenscouts",
    "jongerenwerker": "jongerenwerkers", **{kader: kader for kader in KADERS},
}


def _filled(value) -> bool:
    if isinstance(value, (tuple, list)):
        return len(value) > 0
    return value is not None and not pd.isna(value) and str(value).strip() != ""


def _form_items(frame: pd.DataFrame, step: str) -> dict[str, bool]:
    row = frame.iloc[0].to_dict() if len(frame) else {}
    return {column.name: _filled(row.get(column.name)) for column in FORMS[step]}


def step_status(aanpak) -> pd.DataFrame:
    """Per step what is filled in and what is missing.

    ``aanpak`` is one gemeente's :class:`~buitenbeeld.ingest.aanpak.AanpakResult`.
    Returns one row per step: ``stap``, ``titel``, ``status`` (one of
    :data:`STATUSES`), ``ingevuld`` and ``ontbreekt`` (tuples of the
    :data:`ITEM_LABELS` keys). Step 4 asks for jongerenscouts and
    jongerenwerkers (partner organisations may be added); step 5 for an answer
    (ja, nee or deels) on each of the five kaders.
    """
    soorten = set(aanpak.inzet["soort"]) if len(aanpak.inzet) else set()
    answered = set(aanpak.kaders.loc[aanpak.kaders["afgesproken"].map(_filled), "kader"]) if len(aanpak.kaders) else set()
    items = {
        "stap1": {**_form_items(aanpak.stap1, "stap1"), "budget": len(aanpak.budget) > 0},
        "stap2": _form_items(aanpak.stap2, "stap2"),
        "stap3": {"rollen": len(aanpak.rollen) > 0},
        "stap4": {soort: soort in soorten for soort in INZET_SOORTEN[:2]},
        "stap5": {kader: kader in answered for kader in KADERS},
    }
    rows = []
    for step in STEPS:
        done = tuple(k for k, v in items[step].items() if v)
        missing = tuple(k for k, v in items[step].items() if not v)
        status = "ingevuld" if not missing else "ontbreekt" if not done else "deels"
        rows.append({"stap": step, "titel": STEP_TITLES[step], "status": status, "ingevuld": done, "ontbreekt": missing})
    return pd.DataFrame(rows, columns=["stap", "titel", "status", "ingevuld", "ontbreekt"])


def role_gaps(rollen: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """The roles wanted per wijk (step 3) beside the organisations found that fit them.

    ``coverage`` is wijk x role: how many organisations in the wijk fit the
    role (:func:`~buitenbeeld.analysis.compare.wijk_role_coverage`: advice
    ``past``, which needs the role among ``rollen_nu``/``rollen_bereid``). Wijken
    are matched without regard to case and spaces; a wijk without any
    organisation has 0. Returns ``wijk`` (as the aanpak writes it), ``rol``,
    ``gewenst``, ``gevonden`` and ``tekort`` (found fewer than wanted), in the
    order of the aanpak.
    """
    columns = ["wijk", "rol", "gewenst", "gevonden", "tekort"]
    if rollen.empty:
        return pd.DataFrame(columns=columns)
    known = coverage.drop(index=NO_WIJK, errors="ignore") if len(coverage) else pd.DataFrame()
    by_key = {" ".join(str(w).split()).casefold(): w for w in known.index}
    rows = []
    for row in rollen.itertuples():
        wijk = by_key.get(" ".join(str(row.wijk).split()).casefold())
        found = int(known.at[wijk, row.rol]) if wijk is not None and row.rol in known.columns else 0
        wanted = int(row.minimaal_aantal)
        rows.append({"wijk": row.wijk, "rol": row.rol, "gewenst": wanted, "gevonden": found, "tekort": found < wanted})
    return pd.DataFrame(rows, columns=columns)


@dataclass
class TargetGroup:
    """The intended target group (step 2) beside the CBS figures.

    ``leeftijden``: the chosen ages (from, to; None when not filled in) and
    ``andere_leeftijden`` True when they differ from CBS's 15 to 27 (:data:`CBS_AGES`).
    ``beoogd`` the intended number of young people; ``cbs_jaar``, ``cbs_aantal``
    and ``cbs_aandeel`` the latest CBS count buiten beeld and its share;
    ``deel_van_cbs`` beoogd / cbs_aantal. ``maatwerk_jaar``,
    ``maatwerk_aantal`` and ``zonder_reden`` the CBS maatwerk split (2013), and
    ``deel_van_zonder_reden`` beoogd / zonder_reden. Unknown values are None.
    """

    leeftijden: tuple[int | None, int | None]
    andere_leeftijden: bool
    beoogd: float | None
    beoogd_geschat: bool
    cbs_jaar: int | None
    cbs_aantal: float | None
    cbs_aandeel: float | None
    maatwerk_jaar: int | None
    maatwerk_aantal: float | None
    zonder_reden: float | None

    @property
    def deel_van_cbs(self) -> float | None:
        return self.beoogd / self.cbs_aantal if self.beoogd is not None and self.cbs_aantal else None

    @property
    def deel_van_zonder_reden(self) -> float | None:
        return self.beoogd / self.zonder_reden if self.beoogd is not None and self.zonder_reden else None


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def target_group(stap2: pd.DataFrame, latest: dict | None, latest_year: int | None, share: float | None,
                 maatwerk: dict | None, maatwerk_year: int | None) -> TargetGroup:
    """The intended target group against the CBS figures the report already has.

    ``latest`` is the row of the latest year (``buiten_beeld``: the StatLine
    series or the maatwerk table, as :func:`~buitenbeeld.publish.report_cbs.latest_figures`
    chose it) and ``share`` its share as the report shows it (None when hidden);
    ``maatwerk`` the gemeente's row of the maatwerk table (``buiten_beeld``,
    ``zonder_bekende_reden``). Nothing is computed from CBS beyond dividing.
    """
    row = stap2.iloc[0].to_dict() if len(stap2) else {}
    low, high = (None if pd.isna(row.get(k, None)) else int(row[k]) for k in ("leeftijd_van", "leeftijd_tot"))
    # "15 tot 27 jaar" is up to and including 26; a gemeente that writes 27 means the same group
    differ = (low is not None and low != CBS_AGES[0]) or (high is not None and high not in (CBS_AGES[1], CBS_AGES[1] + 1))
    return TargetGroup(
        (low, high), bool(differ), _number(row.get("beoogd_aantal")), bool(row.get("beoogd_aantal_geschat") or False),
        latest_year if latest else None, _number((latest or {}).get("buiten_beeld")), share,
        maatwerk_year if maatwerk else None, _number((maatwerk or {}).get("buiten_beeld")),
        _number((maatwerk or {}).get("zonder_bekende_reden")))


def passed_reviews(kaders: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The kaders whose evaluatiedatum lies before ``today``: ``kader`` and ``evaluatiedatum``, earliest first."""
    if kaders.empty:
        return pd.DataFrame(columns=["kader", "evaluatiedatum"])
    dates = kaders["evaluatiedatum"].map(lambda v: None if v is None or pd.isna(v) else pd.Timestamp(v).date())
    passed = kaders.assign(evaluatiedatum=dates)[dates.map(lambda d: d is not None and d < today)]
    return passed[["kader", "evaluatiedatum"]].sort_values("evaluatiedatum", kind="stable").reset_index(drop=True)


def wijk_overview(wijken: pd.DataFrame, organisaties: pd.DataFrame, focus: tuple[str, ...] = ()) -> pd.DataFrame:
    """Young people per wijk (CBS wijk table, latest year) beside the organisations per wijk (interviews).

    ``wijken`` is the gemeente's rows of the CBS wijk table (``wijk``, ``jaar``,
    ``jongeren_15_24``, ``leeftijdsgroep``); ``focus`` the focus-wijken of step 2.
    Wijken are matched without regard to case and spaces. Returns ``wijk``,
    ``jongeren`` (Int64, <NA> unknown or not in the CBS table), ``leeftijdsgroep``,
    ``organisaties`` (0 when none was interviewed there) and ``focus`` (bool):
    every CBS wijk, then the interview wijken CBS does not have; the focus-wijken first.
    """
    columns = ["wijk", "jongeren", "leeftijdsgroep", "organisaties", "focus"]
    if len(wijken) and wijken["jaar"].notna().any():
        wijken = wijken[wijken["jaar"] == wijken["jaar"].max()]
    key = lambda name: " ".join(str(name).split()).casefold()  # noqa: E731
    rows: dict[str, dict] = {}
    for row in wijken.itertuples():
        if isinstance(row.wijk, str) and row.wijk.strip():
            rows.setdefault(key(row.wijk), {"wijk": row.wijk, "jongeren": row.jongeren_15_24,
                                            "leeftijdsgroep": row.leeftijdsgroep, "organisaties": 0})
    counts = count_by_wijk(organisaties).drop(index=NO_WIJK, errors="ignore") if len(organisaties) else pd.Series(dtype=int)
    for wijk, count in counts.items():
        rows.setdefault(key(wijk), {"wijk": wijk, "jongeren": pd.NA, "leeftijdsgroep": None, "organisaties": 0})
        rows[key(wijk)]["organisaties"] += int(count)
    for wijk in focus:
        rows.setdefault(key(wijk), {"wijk": wijk, "jongeren": pd.NA, "leeftijdsgroep": None, "organisaties": 0})
    focused = {key(w) for w in focus}
    frame = pd.DataFrame([{**row, "focus": k in focused} for k, row in rows.items()], columns=columns)
    frame["jongeren"] = frame["jongeren"].astype("Int64")
    frame["organisaties"] = frame["organisaties"].astype(int)
    return frame.sort_values("focus", ascending=False, kind="stable").reset_index(drop=True)
