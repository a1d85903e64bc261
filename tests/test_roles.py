"""Tests of the role advice: type advice table, the rules, conflicts with the gemeente's plans."""
from __future__ import annotations

import itertools
import math
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import buitenbeeld
from buitenbeeld.analysis.roles import ADVICE, OUTCOMES, _advise, advice_summary, advise_roles, type_advice_table
from buitenbeeld.common.vocabulary import ORGANISATION_TYPES, ROLES
from buitenbeeld.errors import BuitenbeeldError

CONFIG_FILE = Path(buitenbeeld.__file__).parent / "config" / "scoring.toml"
DOMAIN_FILE = Path(__file__).resolve().parents[2] / "shared" / "DOMAIN.md"
REPO = Path(__file__).resolve().parents[1]
# The guide's advice (DOMAIN.md), written out so the test also runs without ../shared.
EXPECTED = {
    "commercieel": ("mogelijk", "nee", "nee", "nee"),
    "sociale onderneming": ("ja", "ja", "ja", "ja"),
    "interesse/hobby": ("ja", "ja", "mogelijk", "mogelijk"),
    "leefgebieden": ("ja", "ja", "ja", "mogelijk"),
    "cultuur/religie": ("mogelijk", "mogelijk", "mogelijk", "mogelijk"),
    "formeel": ("-", "-", "-", "-"),
}
LEVELS = ("sterk", "midden", "weinig", "onbekend")


def load_config(path: Path = CONFIG_FILE) -> SimpleNamespace:
    """Stand-in for ``scoring.load_config``: roles.py only reads ``config.roladvies``."""
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    return SimpleNamespace(roladvies=raw["roladvies"], versie=str(raw.get("versie", "x")))


@pytest.fixture(scope="module")
def config():
    return load_config()


def _domain_table(text: str) -> dict[str, tuple[str, ...]]:
    """The types table of DOMAIN.md: type -> advice per role in ROLES order."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    header = next([c.strip() for c in line.strip("|").split("|")] for line in lines if "| bereiken |" in line)
    at = [header.index(role) for role in ROLES]
    table = {}
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ORGANISATION_TYPES:
            table[cells[0]] = tuple(cells[i] for i in at)
    return table


def test_type_advice_table_matches_hard_coded_guide(config):
    table = type_advice_table(config)
    assert list(table.index) == list(ORGANISATION_TYPES)
    assert list(table.columns) == list(ROLES)
    assert {kind: tuple(table.loc[kind]) for kind in table.index} == EXPECTED


def test_type_advice_table_matches_domain_md(config):
    if not DOMAIN_FILE.is_file():
        pytest.skip(f"{DOMAIN_FILE} not present (the shared folder is outside this repository)")
    domain = _domain_table(DOMAIN_FILE.read_text(encoding="utf-8"))
    assert set(domain) == set(ORGANISATION_TYPES), "DOMAIN.md types table not found or incomplete"
    table = type_advice_table(config)
    for kind in ORGANISATION_TYPES:
        for role, advice in zip(ROLES, domain[kind]):
            assert table.at[kind, role] == advice, (kind, role)
    assert domain == EXPECTED


@pytest.mark.parametrize("change, message", [
    (lambda t: t.pop("leefgebieden"), "leefgebieden"),
    (lambda t: t["formeel"].pop("behouden"), "behouden"),
    (lambda t: t["commercieel"].update(activeren="misschien"), "misschien"),
])
def test_type_advice_table_rejects_incomplete_config(change, message):
    config = load_config()
    change(config.roladvies["types"])
    with pytest.raises(BuitenbeeldError, match=message):
        type_advice_table(config)


def test_missing_roladvies_and_bad_thresholds_are_clear_errors():
    with pytest.raises(BuitenbeeldError, match="roladvies"):
        type_advice_table(SimpleNamespace(roladvies={}))
    config = load_config()
    config.roladvies["drempels"] = {"sterk": 2.0, "zwak": 6.0}
    with pytest.raises(BuitenbeeldError, match="zwak"):
        advise_roles(*_organisations(), config)


def test_let_op_for_commercieel_warns_against_flyers(config):
    advice = advise_roles(*_organisations(), config)
    assert "flyers" in advice.at["shisha", "let_op"].lower()
    assert advice.at["shisha", "let_op"] == config.roladvies["types"]["commercieel"]["let_op"]


# --- known answers on hand-made organisations ------------------------------------------------

def _organisations() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organisations covering every rule, and their profiles (0-10, NaN unknown)."""
    rows = [  # key, type, rollen_nu, rollen_bereid, rollen_gemeente, profile (4 roles), statuses
        ("shisha", "commercieel", ("bereiken",), ("bereiken", "activeren"), ("activeren", "plaatsen"),
         (9.0, 7.0, 1.0, 0.0), ("volledig",) * 4),
        ("kapper", "commercieel", ("bereiken", "activeren"), (), (), (8.0, 3.0, 0.0, 0.0), ("volledig",) * 4),
        ("werkplaats", "sociale onderneming", ("bereiken",), ("bereiken", "activeren"), ("bereiken", "plaatsen"),
         (9.0, 1.5, 8.0, 2.0), ("volledig",) * 4),
        ("boksschool", "interesse/hobby", ("bereiken",), ("bereiken", "activeren", "plaatsen"), (),
         (6.0, 1.99, 7.5, 5.9), ("volledig", "volledig", "gedeeltelijk", "volledig")),
        ("werkplein", "formeel", ("plaatsen",), (), ("plaatsen",), (4.0, 8.0, 9.5, 2.0), ("volledig",) * 4),
        ("schuldhulp", "leefgebieden", (), ("bereiken", "activeren"), (), (math.nan, math.nan, 3.0, 4.0),
         ("onbekend", "onbekend", "volledig", "volledig")),
        ("moskee", "cultuur/religie", ("bereiken",), ("bereiken", "activeren"), ("activeren",),
         (6.5, 4.0, 2.0, 1.0), ("volledig",) * 4),
    ]
    organisaties = pd.DataFrame({
        "organisatie_id": [f"T-{i:03d}" for i in range(len(rows))],
        "naam": [r[0].capitalize() for r in rows], "gemeentecode": "GM0518", "type": [r[1] for r in rows],
        "wijk": [("Schilderswijk",)] * len(rows), "rollen_nu": [r[2] for r in rows],
        "rollen_bereid": [r[3] for r in rows], "rollen_gemeente": [r[4] for r in rows],
        "toestemming_publicatie": True,
    }, index=[r[0] for r in rows])
    profiles = pd.DataFrame(index=organisaties.index)
    for i, role in enumerate(ROLES):
        profiles[role] = [r[5][i] for r in rows]
        profiles[f"{role}_status"] = [r[6][i] for r in rows]
    return organisaties, profiles


@pytest.fixture(scope="module")
def advice(config):
    return advise_roles(*_organisations(), config)


def test_result_has_the_promised_columns(advice):
    organisaties, _ = _organisations()
    assert list(advice.index) == list(organisaties.index)
    for role in ROLES:
        assert advice[f"advies_{role}"].isin(OUTCOMES).all()
        assert advice[f"reden_{role}"].str.len().gt(0).all()
    for column in ("passende_rollen", "rollen_met_zorg", "let_op", "conflict_gemeente", "conflict_toelichting"):
        assert column in advice
    assert advice["passende_rollen"].map(lambda t: isinstance(t, tuple)).all()


def test_commercial_place_willing_to_activate_is_not_advised(advice):
    assert advice.at["shisha", "advies_activeren"] == "niet aanbevolen"
    assert "de organisatie wil dit" in advice.at["shisha", "reden_activeren"]
    assert advice.at["shisha", "advies_bereiken"] == "past"  # mogelijk + strong + does it
    assert advice.at["shisha", "passende_rollen"] == ("bereiken",)


def test_commercial_place_that_already_activates_is_respected_not_pushed(advice):
    assert advice.at["kapper", "advies_activeren"] == "met zorg"
    assert "doet dit al" in advice.at["kapper", "reden_activeren"]
    assert advice.at["kapper", "advies_plaatsen"] == "niet aanbevolen"


def test_social_enterprise_not_willing_gets_care_not_force(advice):
    assert advice.at["werkplaats", "advies_plaatsen"] == "met zorg"  # strong, but not asked for
    assert "leg deze rol niet op" in advice.at["werkplaats", "reden_plaatsen"]
    assert advice.at["werkplaats", "advies_activeren"] == "met zorg"  # willing, but little in the profile
    assert "weinig" in advice.at["werkplaats", "reden_activeren"]
    assert advice.at["werkplaats", "reden_bereiken"] == (
        "past bij het type; het profiel laat dit sterk zien; de organisatie doet dit al en wil dit")
    assert advice.at["werkplaats", "conflict_gemeente"] == ()
    assert advice.at["werkplaats", "gemeente_niet_bereid"] == ("plaatsen",)
    assert "plaatsen" in advice.at["werkplaats", "conflict_toelichting"]


def test_hobby_strong_and_willing_to_place_fits(advice):
    assert advice.at["boksschool", "advies_plaatsen"] == "past"
    assert "niet alle vragen" in advice.at["boksschool", "reden_plaatsen"]  # status gedeeltelijk
    assert advice.at["boksschool", "advies_bereiken"] == "past"  # exactly the sterk threshold
    assert advice.at["boksschool", "advies_activeren"] == "met zorg"  # just below zwak
    assert advice.at["boksschool", "advies_behouden"] == "met zorg"  # mogelijk, not willing
    assert advice.at["boksschool", "passende_rollen"] == ("bereiken", "plaatsen")
    assert advice.at["boksschool", "rollen_met_zorg"] == ("activeren", "behouden")


def test_formal_organisation_follows_the_profile_only(advice):
    assert advice.at["werkplein", "advies_plaatsen"] == "past"
    assert "alleen het profiel" in advice.at["werkplein", "reden_plaatsen"]
    assert advice.at["werkplein", "advies_activeren"] == "met zorg"  # strong but not named
    assert advice.at["werkplein", "advies_bereiken"] == "met zorg"
    assert advice.at["werkplein", "conflict_toelichting"] == ""


def test_unknown_profile_is_never_read_as_weak(advice):
    for role in ("bereiken", "activeren"):
        assert advice.at["schuldhulp", f"advies_{role}"] == "met zorg"
        reason = advice.at["schuldhulp", f"reden_{role}"]
        assert "onbekend" in reason and "weinig" not in reason


def test_possible_role_needs_a_clear_strength(advice):
    assert advice.at["moskee", "advies_bereiken"] == "past"
    assert advice.at["moskee", "advies_activeren"] == "met zorg"  # willing, profile in between
    assert advice.at["moskee", "conflict_gemeente"] == ()


def test_gemeente_plan_for_commercial_place_is_flagged(advice):
    assert advice.at["shisha", "conflict_gemeente"] == ("activeren", "plaatsen")
    text = advice.at["shisha", "conflict_toelichting"]
    assert text.startswith("De gemeente") and "activeren en plaatsen" in text and "commercieel" in text
    flagged = advice["conflict_toelichting"] != ""
    assert set(advice.index[flagged]) == {"shisha", "werkplaats"}


@pytest.mark.parametrize("advice_value, level, willing, doing",
                         list(itertools.product(ADVICE, LEVELS, (False, True), (False, True))))
def test_rule_invariants(advice_value, level, willing, doing):
    outcome, reason = _advise(advice_value, level, willing, doing)
    assert outcome in OUTCOMES
    assert (outcome == "niet aanbevolen") == (advice_value == "nee" and not doing)
    if level in ("weinig", "onbekend") or not (willing or doing):
        assert outcome != "past"  # no fit without the wish and a visible strength
    if outcome == "past":
        assert advice_value != "nee"
    assert reason.count(";") >= 2  # type; profile; position


def test_changing_the_config_changes_the_advice(tmp_path):
    text = CONFIG_FILE.read_text(encoding="utf-8")
    section = re.search(r"\[roladvies\.types\.commercieel\][^\[]*", text).group(0)
    changed = section.replace('activeren = "nee"', 'activeren = "ja"')
    assert changed != section
    (tmp_path / "scoring.toml").write_text(text.replace(section, changed), encoding="utf-8")
    config = load_config(tmp_path / "scoring.toml")
    assert type_advice_table(config).at["commercieel", "activeren"] == "ja"
    advice = advise_roles(*_organisations(), config)
    assert advice.at["shisha", "advies_activeren"] == "past"
    assert advice.at["shisha", "conflict_gemeente"] == ("plaatsen",)


def test_works_with_the_real_scoring_config(advice):
    scoring = pytest.importorskip("buitenbeeld.analysis.scoring")
    real = advise_roles(*_organisations(), scoring.load_config())
    pd.testing.assert_frame_equal(real, advice)


def test_bad_inputs_are_clear_errors(config):
    organisaties, profiles = _organisations()
    with pytest.raises(BuitenbeeldError, match="plaatsen"):
        advise_roles(organisaties, profiles.drop(columns="plaatsen"), config)
    with pytest.raises(BuitenbeeldError, match="lacks some organisations"):
        advise_roles(organisaties, profiles.drop(index="moskee"), config)
    organisaties.loc["moskee", "type"] = "kerk"
    with pytest.raises(BuitenbeeldError, match="kerk"):
        advise_roles(organisaties, profiles, config)


def test_text_cells_and_missing_status_are_accepted(config, advice):
    organisaties, profiles = _organisations()
    organisaties["rollen_bereid"] = organisaties["rollen_bereid"].map("; ".join)
    organisaties = organisaties.drop(columns="rollen_gemeente")
    result = advise_roles(organisaties, profiles[list(ROLES)], config)
    assert result.at["shisha", "conflict_gemeente"] == ()
    assert result.at["werkplaats", "advies_plaatsen"] == advice.at["werkplaats", "advies_plaatsen"]


def test_advice_summary_counts_every_outcome(advice):
    summary = advice_summary(advice)
    assert list(summary.index) == list(ROLES) and list(summary.columns) == list(OUTCOMES)
    assert (summary.sum(axis=1) == len(advice)).all()
    assert summary.at["activeren", "niet aanbevolen"] == 1
    assert summary.at["bereiken", "niet aanbevolen"] == 0
    assert summary.dtypes.map(pd.api.types.is_integer_dtype).all()


def test_demo_data_shows_deliberate_conflicts(config):
    scoring = pytest.importorskip("buitenbeeld.analysis.scoring")
    from buitenbeeld.ingest.interviews import load_interviews

    paths = sorted((REPO / "data" / "raw" / "demo" / "interviews").glob("*.xlsx"))
    organisaties = load_interviews(paths).organisaties
    advice = advise_roles(organisaties, scoring.compute_profiles(organisaties, scoring.load_config()), config)
    commercial = organisaties["type"] == "commercieel"
    assert advice.loc[commercial, "conflict_gemeente"].map(bool).sum() >= 2
    social = organisaties["type"] == "sociale onderneming"
    assert advice.loc[social, "gemeente_niet_bereid"].map(bool).any()
    planned = organisaties["rollen_gemeente"].map(bool)
    assert advice.loc[planned, "conflict_toelichting"].ne("").sum() < planned.sum() / 2  # mostly consistent


def test_the_cautions_are_plain_dutch(config):
    """'laat een jongerenwerker de eigenaar laten weten' had 'laten' twice; the caution says who tells whom."""
    raw = CONFIG_FILE.read_text(encoding="utf-8")
    assert "laten weten" not in raw
    caution = config.roladvies["types"]["commercieel"]["let_op"]
    assert "een jongerenwerker laat de eigenaar weten dat die jongeren altijd naar hem kan doorverwijzen" in caution
