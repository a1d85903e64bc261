"""Known-answer tests for buitenbeeld.common.values: tolerant cell interpretation."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from buitenbeeld.common import values
from buitenbeeld.common.values import Number

NAN = float("nan")


def exact(x: float) -> Number:
    return Number(x, x, x, False, None)


def missing(reason: str) -> Number:
    return Number(None, None, None, False, reason)


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("raw, expected", [
    # missing, never zero
    (None, missing("leeg")), (NAN, missing("leeg")), ("", missing("leeg")), ("   ", missing("leeg")),
    ("onbekend", missing("onbekend")), ("Onbekend", missing("onbekend")), ("weet niet", missing("onbekend")),
    ("?", missing("onbekend")), ("??", missing("onbekend")), ("-", missing("onbekend")),
    ("n.v.t.", missing("n.v.t.")), ("NVT", missing("n.v.t.")), ("n.v.t", missing("n.v.t.")),
    # cells and plain text
    (40, exact(40.0)), (40.0, exact(40.0)), (0, exact(0.0)), (12.5, exact(12.5)),
    ("40", exact(40.0)), (" 40 ", exact(40.0)), ("0", exact(0.0)),
    ("1.200", exact(1200.0)), ("1,5", exact(1.5)), ("1.200,5", exact(1200.5)), ("12.5", exact(12.5)),
    ("1.200.000", exact(1_200_000.0)), ("0.500", exact(0.5)), ("12.50", exact(12.5)),
    ("40 jongeren", exact(40.0)), ("40 per maand", exact(40.0)),
    # estimates
    ("ca. 40", Number(40.0, 40.0, 40.0, True, None)), ("ca 40", Number(40.0, 40.0, 40.0, True, None)),
    ("circa 40", Number(40.0, 40.0, 40.0, True, None)), ("+/- 40", Number(40.0, 40.0, 40.0, True, None)),
    ("+-40", Number(40.0, 40.0, 40.0, True, None)), ("±40", Number(40.0, 40.0, 40.0, True, None)),
    ("~40", Number(40.0, 40.0, 40.0, True, None)), ("ongeveer 40", Number(40.0, 40.0, 40.0, True, None)),
    ("zo'n 40", Number(40.0, 40.0, 40.0, True, None)), ("zo\u2019n 40", Number(40.0, 40.0, 40.0, True, None)),
    ("Ca. 40 jongeren", Number(40.0, 40.0, 40.0, True, None)),
    ("40+", Number(40.0, 40.0, None, True, None)), (">40", Number(40.0, 40.0, None, True, None)),
    ("<5", Number(2.5, 0.0, 5.0, True, None)), ("minder dan 5", Number(2.5, 0.0, 5.0, True, None)),
    ("40 of meer", Number(40.0, 40.0, None, True, None)), ("meer dan 40", Number(40.0, 40.0, None, True, None)),
    (">= 40", Number(40.0, 40.0, None, True, None)), ("ruim 40", Number(40.0, 40.0, None, True, None)),
    # ranges
    ("30-50", Number(40.0, 30.0, 50.0, True, None)), ("30 - 50", Number(40.0, 30.0, 50.0, True, None)),
    ("30 tot 50", Number(40.0, 30.0, 50.0, True, None)), ("30 à 50", Number(40.0, 30.0, 50.0, True, None)),
    ("30\u201350", Number(40.0, 30.0, 50.0, True, None)), ("ca. 30-50", Number(40.0, 30.0, 50.0, True, None)),
    ("1.000-1.500", Number(1250.0, 1000.0, 1500.0, True, None)), ("30 t/m 50", Number(40.0, 30.0, 50.0, True, None)),
    ("10 a 20 per week", Number(15.0, 10.0, 20.0, True, None)),
])
def test_parse_number(raw, expected):
    assert values.parse_number(raw) == expected


def test_missing_number_is_not_zero():
    number = values.parse_number("onbekend")
    assert number.value is None and number.missing and number.value != 0
    assert not values.parse_number(0).missing


@pytest.mark.parametrize("raw, phrase", [
    ("veel", "hier hoort een aantal"), ("abc", "hier hoort een aantal"), ("40%", "hier hoort een aantal"),
    ("50-30", "het hoogste getal staat voorop"), ("-5", "onder 0"), (-5, "onder 0"), (True, "hier hoort een aantal"),
    ("1.2.3", "onduidelijk getal"), ("40, 50", "hier hoort een aantal"), ("30-50+", "hier hoort een aantal"),
    (dt.date(2024, 5, 1), "er staat een datum"), (math.inf, "oneindig"),
])
def test_parse_number_rejects(raw, phrase):
    with pytest.raises(ValueError, match=phrase):
        values.parse_number(raw)


def test_numpy_and_pandas_cells():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert values.parse_number(np.int64(7)) == exact(7.0)
    assert values.parse_number(np.float64("nan")) == missing("leeg")
    assert values.parse_number(pd.NA) == missing("leeg")
    assert values.parse_bool(np.bool_(True)) is True
    assert values.parse_date(pd.NaT) is None
    assert values.parse_date(pd.Timestamp("2024-03-05 10:00")) == dt.date(2024, 3, 5)
    assert values.parse_scale(np.int64(3)) == 3
    with pytest.raises(ValueError):
        values.parse_number(np.bool_(False))


@pytest.mark.parametrize("raw", ["inf", "-inf", "Infinity", "nan", "NaN", "1e999", "1E+400", "9" * 400,
                                 10 ** 400, -math.inf])
def test_parse_number_rejects_what_is_not_finite(raw):
    with pytest.raises(ValueError, match="oneindig"):
        values.parse_number(raw)
    number = values.read_number(raw)  # never raises, never a value
    assert number.value is None and number.missing_reason == values.MISSING_INVALID


@pytest.mark.parametrize("raw, expected", [
    ("1e308", 1e308), ("1E+308", 1e308), ("1E+02", 100.0), ("2,5e1", 25.0), ("1.5E3", 1500.0),
])
def test_parse_number_reads_scientific_notation_of_a_csv_export(raw, expected):
    assert values.parse_number(raw) == exact(expected)


def test_parse_number_allow_negative():
    assert values.parse_number("-5", allow_negative=True) == exact(-5.0)
    assert values.parse_number(-2.5, allow_negative=True) == exact(-2.5)


# --------------------------------------------------------------------------- yes/no

@pytest.mark.parametrize("raw", ["ja", "Ja", " JA ", "j", "yes", "y", "x", "X", "waar", "true", "1", "wel", 1, 1.0, True])
def test_parse_bool_true(raw):
    assert values.parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["nee", "Nee", "n", "no", "onwaar", "false", "0", "niet", 0, 0.0, False])
def test_parse_bool_false(raw):
    assert values.parse_bool(raw) is False


@pytest.mark.parametrize("raw", [None, NAN, "", "  ", "onbekend", "?"])
def test_parse_bool_missing(raw):
    assert values.parse_bool(raw) is None


@pytest.mark.parametrize("raw", ["misschien", 2, "jaa"])
def test_parse_bool_rejects(raw):
    with pytest.raises(ValueError, match="hier hoort ja of nee"):
        values.parse_bool(raw)


# --------------------------------------------------------------------------- consent: only an explicit yes


@pytest.mark.parametrize("raw", ["ja", "Ja", " JA ", "ja.", "Ja!", "yes", "Yes", "akkoord", "Akkoord.", "toestemming",
                                 "Toestemming gegeven", "ja, akkoord", "Ja, mag genoemd worden", "ja, mag genoemd worden.",
                                 "naam mag genoemd worden", "De naam mag gepubliceerd worden", "ja graag", "Ja, toestemming"])
def test_parse_consent_explicit_yes(raw):
    assert values.parse_consent(raw) is True


@pytest.mark.parametrize("raw", [None, NAN, "", "  ", "nee", "Nee.", "n", "no", "geen toestemming", "Nee, geen toestemming",
                                 "mag niet genoemd worden", "Nee, naam mag niet genoemd worden", "niet akkoord", "0", 0,
                                 False])
def test_parse_consent_no_or_empty_is_no_consent(raw):
    assert values.parse_consent(raw) is False


@pytest.mark.parametrize("raw", ["x", "X", "1", 1, 1.0, "y", "j", "J", "wel", "?", "ja?", "onbekend", "waar", True,
                                 "ja/nee", "ja, maar alleen intern", "misschien", "graag", math.inf,
                                 dt.date(2024, 3, 5)])
def test_parse_consent_unclear_is_refused_with_the_reason_no_consent(raw):
    with pytest.raises(ValueError, match="telt als geen toestemming") as caught:
        values.parse_consent(raw)
    assert str(caught.value) == values.CONSENT_UNCLEAR


def test_parse_bool_still_reads_x_but_consent_does_not():
    # parse_bool keeps its tolerant spellings for ordinary ja/nee columns; consent has its own, strict parser
    assert values.parse_bool("x") is True and values.parse_bool("wel") is True
    with pytest.raises(ValueError):
        values.parse_consent("x")


@pytest.mark.parametrize("raw, expected", [
    ("ja", "ja"), ("J", "ja"), (1, "ja"), ("nee", "nee"), ("N", "nee"), (False, "nee"),
    ("soms", "soms"), ("Soms", "soms"), ("af en toe", "soms"), ("wisselend", "soms"),
    (None, None), ("", None), (NAN, None),
])
def test_parse_ja_nee_soms(raw, expected):
    assert values.parse_ja_nee_soms(raw) == expected


def test_parse_ja_nee_soms_rejects():
    with pytest.raises(ValueError, match="ja, nee of soms"):
        values.parse_ja_nee_soms("vaak")


# --------------------------------------------------------------------------- dates

MARCH_5 = dt.date(2024, 3, 5)


@pytest.mark.parametrize("raw", [
    MARCH_5, dt.datetime(2024, 3, 5, 14, 30), 45356, 45356.0, 45356.6,
    "2024-03-05", "2024-3-5", "2024-03-05 00:00:00", "5-3-2024", "05-03-2024", "5/3/2024", "5.3.2024",
    "5-3-24", "5 maart 2024", "5 Maart 2024", "5 mrt 2024", "5 mrt. 2024", "5 MRT 2024", "5-mrt-2024",
])
def test_parse_date(raw):
    assert values.parse_date(raw) == MARCH_5


@pytest.mark.parametrize("raw, expected", [
    ("maart 2024", dt.date(2024, 3, 1)), ("1 januari 2023", dt.date(2023, 1, 1)),
    ("31 mei 2024", dt.date(2024, 5, 31)), ("12 okt 2023", dt.date(2023, 10, 12)),
    ("15 februari 2024", dt.date(2024, 2, 15)), ("december 2023", dt.date(2023, 12, 1)),
    (None, None), ("", None), (NAN, None), ("onbekend", None),
])
def test_parse_date_more(raw, expected):
    assert values.parse_date(raw) == expected


@pytest.mark.parametrize("raw, phrase", [
    ("31-2-2024", "bestaat niet"), ("2024-13-01", "bestaat niet"), ("30 februari 2024", "bestaat niet"),
    ("5 foo 2024", "onbekende maand"), ("gisteren", "hier hoort een datum"), ("5 maart", "hier hoort een datum"),
    (12, "hier hoort een datum"), (True, "hier hoort een datum"), ("2024", "hier hoort een datum"),
])
def test_parse_date_rejects(raw, phrase):
    with pytest.raises(ValueError, match=phrase):
        values.parse_date(raw)


# --------------------------------------------------------------------------- type

@pytest.mark.parametrize("raw, expected", [
    ("Commerciële organisatie", "commercieel"), ("commercieel", "commercieel"), ("commerciele", "commercieel"),
    ("bedrijf", "commercieel"), ("Sociaal ondernemer", "sociale onderneming"),
    ("sociale onderneming", "sociale onderneming"), ("sociaal ondernemer(s)", "sociale onderneming"),
    ("hobby", "interesse/hobby"), ("interesse", "interesse/hobby"), ("Interesse / hobby", "interesse/hobby"),
    ("sport", "interesse/hobby"), ("cultuur", "cultuur/religie"), ("religie", "cultuur/religie"),
    ("religieus", "cultuur/religie"), ("cultuur/religie", "cultuur/religie"), ("Moskee", "cultuur/religie"),
    ("kerk", "cultuur/religie"), ("leefgebieden", "leefgebieden"), ("leefgebied", "leefgebieden"),
    ("formeel", "formeel"), ("Formele organisatie", "formeel"), ("gemeente", "formeel"),
    ("  INTERESSE/HOBBY  ", "interesse/hobby"), ("cultuur en religie", "cultuur/religie"),
])
def test_parse_type(raw, expected):
    assert values.parse_type(raw) == expected
    assert expected in values.ORGANISATION_TYPES


@pytest.mark.parametrize("raw, phrase", [
    (None, "het type ontbreekt"), ("", "het type ontbreekt"), (NAN, "het type ontbreekt"),
    ("snackbar-ish", "commercieel, sociale onderneming, interesse/hobby"),
])
def test_parse_type_rejects(raw, phrase):
    with pytest.raises(ValueError, match=phrase):
        values.parse_type(raw)


# --------------------------------------------------------------------------- roles

@pytest.mark.parametrize("raw, expected", [
    ("bereiken; activeren; plaatsen; behouden", values.ROLES),
    ("behouden, bereiken", ("bereiken", "behouden")), ("Activeren/Bereiken", ("bereiken", "activeren")),
    ("bereik; activering; plaatsing; behoud", values.ROLES), (" BEREIKEN ;; bereiken ", ("bereiken",)),
    ("bereiken en activeren", ("bereiken", "activeren")), ("plaatsen\nbehouden", ("plaatsen", "behouden")),
    ("", ()), (None, ()), (NAN, ()), ("geen", ()),
])
def test_parse_roles(raw, expected):
    assert values.parse_roles(raw) == expected


def test_parse_roles_rejects():
    with pytest.raises(ValueError, match="onbekende rol 'helpen'"):
        values.parse_roles("bereiken; helpen")


# --------------------------------------------------------------------------- leefgebieden

def test_leefgebieden_are_the_13_zrm_domains():
    assert len(values.LEEFGEBIEDEN) == 13 and values.LEEFGEBIEDEN[0] == "financiën"
    assert values.LEEFGEBIEDEN[-1] == "justitie"


@pytest.mark.parametrize("raw, expected", [
    ("financiën; werk & opleiding", ("financiën", "werk & opleiding")),
    ("Werk en opleiding", ("werk & opleiding",)), ("werk/opleiding", ("werk & opleiding",)),
    ("financien", ("financiën",)), ("geld", ("financiën",)), ("wonen", ("huisvesting",)),
    ("netwerk", ("sociaal netwerk",)), ("werk", ("werk & opleiding",)), ("Basale ADL", ("basale adl",)),
    ("justitie; 1", ("financiën", "justitie")), ("1;3;13", ("financiën", "tijdsbesteding", "justitie")),
    ("13, 1, 1", ("financiën", "justitie")), (4, ("huisvesting",)), (4.0, ("huisvesting",)),
    (" 11 ", ("sociaal netwerk",)), ("", ()), (None, ()), (NAN, ()),
])
def test_parse_leefgebieden(raw, expected):
    assert values.parse_leefgebieden(raw) == expected


@pytest.mark.parametrize("raw, phrase", [
    ("14", "bestaat niet"), (0, "bestaat niet"), ("politie", "onbekend leefgebied 'politie'"),
    (1.3, "geen heel getal"),
])
def test_parse_leefgebieden_rejects(raw, phrase):
    with pytest.raises(ValueError, match=phrase):
        values.parse_leefgebieden(raw)


# --------------------------------------------------------------------------- wijken, scale, headers

@pytest.mark.parametrize("raw, expected", [
    ("Schilderswijk; Transvaal", ("Schilderswijk", "Transvaal")),
    ("  Oud  West ;;\nNieuw-West ", ("Oud West", "Nieuw-West")),
    ("Centrum; centrum; CENTRUM", ("Centrum",)), ("", ()), (None, ()), (NAN, ()), (12, ("12",)),
])
def test_parse_wijken(raw, expected):
    assert values.parse_wijken(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (3, 3), (3.0, 3), ("3", 3), (" 4 ", 4), ("5", 5), (1, 1), ("3,0", 3),
    (None, None), ("", None), (NAN, None), ("onbekend", None), ("?", None),
])
def test_parse_scale(raw, expected):
    assert values.parse_scale(raw) == expected


@pytest.mark.parametrize("raw", ["3,5", 3.5, 0, 6, "6", "goed", True])
def test_parse_scale_rejects(raw):
    with pytest.raises(ValueError, match="heel getal van 1 tot en met 5"):
        values.parse_scale(raw)


def test_parse_scale_custom_range():
    assert values.parse_scale("0", low=0, high=10) == 0
    with pytest.raises(ValueError, match="van 0 tot en met 10"):
        values.parse_scale(11, low=0, high=10)


@pytest.mark.parametrize("raw, expected", [
    ("Datum Interview", "datum_interview"), ("Jongeren  bereik", "jongeren_bereik"), (" E-mail ", "e_mail"),
    ("datum_interview", "datum_interview"), ("Risico's", "risico_s"), ("Vertrouwensband (1-5)", "vertrouwensband_1_5"),
    ("Financiën/Geld", "financien_geld"), ("Doorverwijzingen (12 mnd.)", "doorverwijzingen_12_mnd"),
    ("__a__b__", "a_b"), (None, ""),
])
def test_normalise_header(raw, expected):
    assert values.normalise_header(raw) == expected


# --- read_number: the never-raising reader, property-based ---------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from buitenbeeld.common.values import MISSING_INVALID, read_number  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_read_number_never_raises_on_any_string(text):
    number = read_number(text)
    assert (number.value is None) == (number.missing_reason is not None)
    if number.missing_reason == MISSING_INVALID:
        assert number.problem


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_read_number_never_turns_an_unknown_into_zero(text):
    number = read_number(text)
    if number.value == 0:
        assert "0" in text or "\u0660" in text or any(c.isdigit() and int(c) == 0 for c in text if c.isdecimal())


@given(st.sampled_from(["onbekend", "Onbekend ", "?", "n.v.t.", "weet niet", "", "  ", "-", "nvt"]))
def test_read_number_unknown_spellings_are_missing(text):
    number = read_number(text)
    assert number.value is None and number.missing_reason in {"onbekend", "n.v.t.", "leeg"}


@given(st.one_of(st.integers(min_value=0, max_value=10**7), st.floats(min_value=0, max_value=1e7, allow_nan=False)))
def test_read_number_keeps_any_nonnegative_cell_number(value):
    assert read_number(value).value == pytest.approx(float(value))


def test_read_number_bool_cell_is_invalid_not_one():
    assert read_number(1).value == 1.0
    assert read_number(True).value is None and read_number(True).missing_reason == MISSING_INVALID
