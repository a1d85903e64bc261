"""Profiles of organisations: four sub-scores from the interview answers.

Each role (bereiken, activeren, plaatsen, behouden) has components, each of
which turns one interview answer into a value between 0 and 1 (a logarithm for
counts, a linear share, a 1-5 scale or a category); the sub-score is the
weighted mean of the answered components, times the scale (0-10). Everything
that is a choice (components, weights, reference values, transformations, the
share of weight that must be answered) lives in the configuration file
``config/scoring.toml``; ``docs/scoring.md`` explains it with a worked example.

A missing answer never counts as zero: its component is left out and named;
when too little of a role is answered, the sub-score is unknown, with the
reason. Too little is a share of the weight below ``min_beantwoord_gewicht`` or
fewer answers than ``min_beantwoord_vragen`` (two: a sub-score never rests on
one answer). Estimates (``ca. 40``, ``30-50``) carry their range into a low and a
high sub-score.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from buitenbeeld.common.vocabulary import ROLES
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.settings import resource

__all__ = [
    "DEFAULT_CONFIG",
    "TRANSFORMATIONS",
    "Component",
    "ScoringConfig",
    "load_config",
    "component_scores",
    "transform_component",
    "compute_profiles",
    "components_table",
]

DEFAULT_CONFIG = resource("config/scoring.toml")
TRANSFORMATIONS = ("log", "lineair", "schaal", "categorie", "aantal")
STATUS_COMPLETE, STATUS_PARTIAL, STATUS_UNKNOWN = "volledig", "gedeeltelijk", "onbekend"


@dataclass(frozen=True)
class Component:
    """One interview answer's part in a sub-score."""

    kolom: str
    transformatie: str
    gewicht: float
    referentie: float | None = None
    waarden: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class ScoringConfig:
    """The parsed configuration file (see ``config/scoring.toml``)."""

    versie: str
    schaal: float
    min_beantwoord_gewicht: float
    rollen: dict[str, tuple[Component, ...]]
    uitleg: dict[str, str]
    gevoeligheid: dict[str, Any]
    roladvies: dict[str, Any]
    path: Path
    min_beantwoord_vragen: int = 2

    def needed(self, role: str) -> int:
        """How many of a role's questions must be answered for a sub-score: ``min_beantwoord_vragen``, at most all."""
        return min(self.min_beantwoord_vragen, len(self.rollen[role]))

    def weights(self, role: str) -> np.ndarray:
        """The weights of a role's components, scaled to sum to 1."""
        raw = np.array([c.gewicht for c in self.rollen[role]], dtype=float)
        return raw / raw.sum()


def _invalid(path: Path, where: str, what: str) -> BuitenbeeldError:
    return BuitenbeeldError(f"{path}: {where}: {what}. Correct the configuration file (see docs/scoring.md).")


def _component(path: Path, role: str, raw: dict) -> Component:
    where = f"[rollen.{role}] component {raw.get('kolom', '?')!r}"
    transformation = raw.get("transformatie")
    if transformation not in TRANSFORMATIONS:
        raise _invalid(path, where, f"transformatie must be one of {', '.join(TRANSFORMATIONS)}")
    if not isinstance(raw.get("gewicht"), (int, float)) or raw["gewicht"] <= 0:
        raise _invalid(path, where, "gewicht must be a positive number")
    reference = raw.get("referentie")
    if transformation in ("log", "lineair", "aantal") and (not isinstance(reference, (int, float)) or reference <= 0):
        raise _invalid(path, where, "referentie must be a positive number")
    values = tuple((str(k), float(v)) for k, v in raw.get("waarden", {}).items())
    if transformation == "categorie" and not values:
        raise _invalid(path, where, "a categorie component needs waarden")
    return Component(raw["kolom"], transformation, float(raw["gewicht"]),
                     None if reference is None else float(reference), values)


def load_config(path: str | Path | None = None) -> ScoringConfig:
    """Read and check a scoring configuration (default: the shipped ``config/scoring.toml``).

    Raises
    ------
    BuitenbeeldError
        When the file is missing or a role, transformation, weight or reference is
        invalid; the message names the file and the place.
    """
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BuitenbeeldError(f"configuration file {path} not found") from error
    except tomllib.TOMLDecodeError as error:
        raise BuitenbeeldError(f"{path}: not valid TOML ({error})") from error
    roles = raw.get("rollen", {})
    missing = [r for r in ROLES if r not in roles]
    if missing:
        raise _invalid(path, "[rollen]", f"missing role(s) {', '.join(missing)}")
    minimum = float(raw.get("min_beantwoord_gewicht", 1.0))
    if not 0 < minimum <= 1:
        raise _invalid(path, "min_beantwoord_gewicht", "must lie between 0 and 1")
    questions = raw.get("min_beantwoord_vragen", 2)
    if not isinstance(questions, int) or isinstance(questions, bool) or questions < 1:
        raise _invalid(path, "min_beantwoord_vragen", "must be a whole number of at least 1")
    return ScoringConfig(
        versie=str(raw.get("versie", "?")),
        schaal=float(raw.get("schaal", 10)),
        min_beantwoord_gewicht=minimum,
        rollen={r: tuple(_component(path, r, c) for c in roles[r]["componenten"]) for r in ROLES},
        uitleg={r: roles[r].get("uitleg", "") for r in ROLES},
        gevoeligheid=dict(raw.get("gevoeligheid", {})),
        roladvies=dict(raw.get("roladvies", {})),
        path=path,
        min_beantwoord_vragen=questions,
    )


def transform_component(values: np.ndarray, component: Component) -> np.ndarray:
    """Raw answers of one component on the 0-1 scale of its transformation (``log``, ``lineair``, ...)."""
    kind = component.transformatie
    if kind == "log":
        result = np.log1p(values) / np.log1p(component.referentie)
    elif kind in ("lineair", "aantal"):
        result = values / component.referentie
    elif kind == "schaal":
        result = (values - 1.0) / 4.0
    else:  # categorie: already mapped to its value
        result = values
    return np.clip(result, 0.0, 1.0)


def _raw_answers(frame: pd.DataFrame, component: Component,
                 open_factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Point, low and high answer per organisation (NaN when missing), and a missing reason."""
    n, column = len(frame), component.kolom
    reasons = np.full(n, "niet gevraagd", dtype=object)
    if column not in frame:
        nan = np.full(n, np.nan)
        return nan, nan, nan, reasons
    if component.transformatie == "aantal":
        point = frame[column].map(lambda v: float(len(v)) if isinstance(v, (tuple, list)) and len(v) else np.nan)
        point = point.to_numpy(dtype=float)
        reasons[:] = "leeg"
        return point, point, point, reasons
    if component.transformatie == "categorie":
        mapping = dict(component.waarden)
        point = frame[column].map(lambda v: mapping.get(v, np.nan) if isinstance(v, str) else np.nan).to_numpy(dtype=float)
        reasons[:] = "leeg"
        return point, point, point, reasons
    point = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    low = pd.to_numeric(frame.get(f"{column}_min", frame[column]), errors="coerce").to_numpy(dtype=float)
    high = pd.to_numeric(frame.get(f"{column}_max", frame[column]), errors="coerce").to_numpy(dtype=float)
    high = np.where(np.isnan(high) & ~np.isnan(point), np.maximum(low, point) * open_factor, high)  # '40+'
    low = np.where(np.isnan(low), point, low)
    if f"{column}_onbekend" in frame:
        reasons = frame[f"{column}_onbekend"].fillna("leeg").astype(object).to_numpy()
    else:
        reasons[:] = "leeg"
    return point, low, high, reasons


def component_scores(frame: pd.DataFrame, config: ScoringConfig, role: str) -> dict[str, np.ndarray]:
    """The component values (0-1) of one role: ``point``, ``low``, ``high`` (n x C, NaN when
    missing), the raw answers ``raw_low``/``raw_high`` and the missing ``reasons`` (n x C).

    An organisation with fewer answers than :meth:`ScoringConfig.needed` gets no value at
    all (every component NaN): whoever weighs these values (the profiles, the sensitivity
    analysis) then finds its sub-score unknown, as :func:`compute_profiles` does.
    """
    parts = _answers(frame, config, role)
    too_few = (~np.isnan(parts["point"])).sum(axis=1) < config.needed(role)
    for key in ("point", "low", "high", "raw_low", "raw_high"):
        parts[key][too_few] = np.nan
    return parts


def _answers(frame: pd.DataFrame, config: ScoringConfig, role: str) -> dict[str, np.ndarray]:
    """:func:`component_scores` before the minimum number of answers is applied."""
    open_factor = float(config.gevoeligheid.get("open_bovengrens", 1.5))
    parts = {"point": [], "low": [], "high": [], "raw_low": [], "raw_high": [], "reasons": []}
    for component in config.rollen[role]:
        point, low, high, reasons = _raw_answers(frame, component, open_factor)
        parts["point"].append(transform_component(point, component))
        parts["low"].append(transform_component(low, component))
        parts["high"].append(transform_component(high, component))
        parts["raw_low"].append(low)
        parts["raw_high"].append(high)
        parts["reasons"].append(reasons)
    return {k: np.column_stack(v) if v else np.empty((len(frame), 0)) for k, v in parts.items()}


def _weighted(scores: np.ndarray, weights: np.ndarray, answered: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nansum(np.where(answered, scores, 0.0) * weights, axis=1) / (answered @ weights)


def compute_profiles(organisaties: pd.DataFrame, config: ScoringConfig | None = None) -> pd.DataFrame:
    """The profile of every organisation: per role the sub-score and what it rests on.

    Returns a frame with the index of ``organisaties`` and, per role ``r``:
    ``r`` (0 to the scale, NaN when unknown), ``r_min`` and ``r_max`` (the
    range its estimated answers allow), ``r_geschat`` (an estimate was used),
    ``r_status`` (``volledig``, ``gedeeltelijk`` or ``onbekend``) and ``r_reden``
    (which answers are missing, and why).
    """
    config = config or load_config()
    result = pd.DataFrame(index=organisaties.index)
    for role in ROLES:
        parts = _answers(organisaties, config, role)
        weights = config.weights(role)
        answered = ~np.isnan(parts["point"])
        share = answered @ weights
        count = answered.sum(axis=1)
        known = (share >= config.min_beantwoord_gewicht - 1e-12) & (count >= config.needed(role))
        scale = config.schaal
        result[role] = np.where(known, scale * _weighted(parts["point"], weights, answered), np.nan)
        result[f"{role}_min"] = np.where(known, scale * _weighted(parts["low"], weights, answered), np.nan)
        result[f"{role}_max"] = np.where(known, scale * _weighted(parts["high"], weights, answered), np.nan)
        estimated = (parts["low"] != parts["high"]) & answered
        for position, component in enumerate(config.rollen[role]):
            flag = f"{component.kolom}_geschat"
            if flag in organisaties:
                estimated[:, position] |= organisaties[flag].fillna(False).astype(bool).to_numpy() & answered[:, position]
        result[f"{role}_geschat"] = estimated.any(axis=1) & known
        result[f"{role}_status"] = np.where(~known, STATUS_UNKNOWN, np.where(share >= 1 - 1e-12, STATUS_COMPLETE, STATUS_PARTIAL))
        names = [c.kolom for c in config.rollen[role]]
        result[f"{role}_reden"] = [
            _reason(names, row_answered, row_reasons, row_share, row_known)
            for row_answered, row_reasons, row_share, row_known in zip(answered, parts["reasons"], share, known)
        ]
    return result


def _reason(names: list[str], answered: np.ndarray, reasons: np.ndarray, share: float, known: bool) -> str:
    missing = [f"{name} ({reason})" for name, ok, reason in zip(names, answered, reasons) if not ok]
    if not missing:
        return ""
    text = "ontbreekt: " + ", ".join(missing)
    if not known:
        text = f"te weinig beantwoord ({share:.0%} van het gewicht, {int(answered.sum())} van {len(names)} vragen); " + text
    return text


_HOW = {"log": "een aantal: de eerste tellen het zwaarst; vanaf {ref} telt het helemaal",
        "lineair": "een aantal; vanaf {ref} telt het helemaal",
        "aantal": "hoeveel er genoemd zijn; vanaf {ref} telt het helemaal",
        "schaal": "een antwoord van 1 tot 5", "categorie": "een keuze: {ref}"}


def components_table(config: ScoringConfig | None = None) -> pd.DataFrame:
    """The formula in a table for readers: per role its interview questions, how each counts and its weight (%).

    Columns ``Rol``, ``Vraag uit het interview``, ``Hoe het telt`` and ``Gewicht (%)`` (whole
    percentages within the role); from the configuration, so a changed weight shows.
    """
    config = config or load_config()
    rows = []
    for role in ROLES:
        for component, weight in zip(config.rollen[role], config.weights(role)):
            reference = ", ".join(f"{k} telt {v:.0%}" for k, v in component.waarden) if component.waarden else \
                f"{component.referentie or 0:g}"
            question = component.kolom.replace("_12m", " (12 maanden)").replace("_", " ")
            rows.append({"Rol": role, "Vraag uit het interview": question,
                         "Hoe het telt": _HOW[component.transformatie].format(ref=reference),
                         "Gewicht (%)": int(round(100 * weight))})
    return pd.DataFrame(rows)
