"""The sociale kaart over time: compare_rounds by hand, and the report section on the demo data."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from buitenbeeld.analysis.changes import compare_rounds, gemeente_rounds, normalised_name
from buitenbeeld.common import values
from buitenbeeld.demo.interviews import SECOND_ROUND, read_workbook_values

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "data" / "raw" / "demo"


def _org(org_id, naam, kind="interesse/hobby", wijk=("Centrum",), bereik=40.0, low=None, high=None, geschat=False,
         nu=("bereiken",), bereid=("bereiken",), consent=True):
    return {"organisatie_id": org_id, "naam": naam, "gemeentecode": "GM0983", "type": kind, "wijk": tuple(wijk),
            "jongeren_bereik": bereik, "jongeren_bereik_min": bereik if low is None else low,
            "jongeren_bereik_max": bereik if high is None else high, "jongeren_bereik_geschat": geschat,
            "rollen_nu": tuple(nu), "rollen_bereid": tuple(bereid), "rollen_gemeente": (),
            "toestemming_publicatie": consent}


EARLIER = pd.DataFrame([
    _org("a", "Club A", bereik=40),
    _org("b", "Kapper B", "commercieel", ("Blerick",), bereik=100, geschat=True, consent=False),
    _org("c", "Moskee C", "cultuur/religie", bereik=60),
    _org("d", "Buurtwerk D", "sociale onderneming", ("Tegelen",), nu=("bereiken", "activeren")),
    _org("e", "Sportclub E", bereik=30, low=20, high=40, geschat=True),
    _org("f", "Huiskamer F", "leefgebieden", bereik=25, consent=False),
    _org("g", "Gelijk G", bereik=50, nu=("bereiken", "activeren"), bereid=("bereiken", "activeren")),
])
LATER = pd.DataFrame([
    _org("a", "Club A", "sociale onderneming", bereik=80, nu=("bereiken", "plaatsen"), bereid=()),
    _org("b", "Kapper B", "commercieel", ("Blerick",), bereik=110, geschat=True, consent=False),  # within 20%
    _org("x", "Buurtwerk  D.", "sociale onderneming", ("Laak",)),  # same name and type, other id: confirm
    _org("e", "Sportclub E", bereik=None),  # reach now unknown: cannot be compared
    _org("f", "Huiskamer F", "leefgebieden", bereik=5, consent=False),
    _org("g", "Gelijk G", bereik=50, nu=("activeren", "bereiken"), bereid=("bereiken", "activeren")),
    _org("n", "Nieuw N", "formeel", ("Arcen",), bereik=300),
]).assign(jongeren_bereik=lambda f: f["jongeren_bereik"].astype(float))


@pytest.fixture(scope="module")
def changes():
    return compare_rounds(EARLIER, LATER)


def test_counts_by_hand(changes):
    # new: n; gone: c (d and x are a possible match); changed: a (type, roles, reach up), f (reach down);
    # b (ca. 100 -> ca. 110) and e (unknown now) are no clear change; g only reordered its roles
    assert changes.counts() == {"nieuw": 1, "weg": 1, "veranderd": 2, "gelijk": 3, "bevestigen": 1}
    assert changes.nieuw["organisatie_id"].tolist() == ["n"] and changes.weg["organisatie_id"].tolist() == ["c"]
    assert changes.veranderd == ["a", "f"]


def test_each_change_by_hand(changes):
    table = changes.changes.set_index(["organisatie_id", "wat"])
    assert (table.loc[("a", "type"), "eerder"], table.loc[("a", "type"), "nu"]) == ("interesse/hobby", "sociale onderneming")
    assert table.loc[("a", "rollen_nu"), "erbij"] == ("plaatsen",) and table.loc[("a", "rollen_nu"), "eraf"] == ()
    assert table.loc[("a", "rollen_bereid"), "eraf"] == ("bereiken",)
    assert table.loc[("a", "jongeren_bereik"), "richting"] == "hoger"
    assert table.loc[("f", "jongeren_bereik"), "richting"] == "lager"
    assert table.loc[("b", "jongeren_bereik"), "richting"] == "ongeveer gelijk"
    assert table.loc[("e", "jongeren_bereik"), "richting"] == "niet te vergelijken"
    assert not table.loc[("b", "jongeren_bereik"), "duidelijk"] and not table.loc[("e", "jongeren_bereik"), "duidelijk"]
    assert "g" not in table.index.get_level_values(0)


def test_possible_match_is_listed_apart_not_merged(changes):
    match = changes.matches.iloc[0]
    assert (match["organisatie_id_eerder"], match["organisatie_id_nu"], match["overeenkomst"]) == ("d", "x", "naam en type")
    assert normalised_name("Buurtwerk  D.") == normalised_name("buurtwerk d") == "buurtwerk d"


def test_a_name_alone_is_not_a_match():
    earlier = pd.DataFrame([_org("d", "De Plek", "commercieel", ("Blerick",))])
    later = pd.DataFrame([_org("x", "De Plek", "formeel", ("Arcen",))])
    result = compare_rounds(earlier, later)
    assert result.matches.empty and result.counts()["nieuw"] == 1 and result.counts()["weg"] == 1


def test_names_follow_consent_and_the_report_lettering(changes):
    # the later round first (as the report letters them), then the organisations only in the earlier one
    assert changes.names["b"] == "Organisatie A (commercieel)" and changes.names["f"] == "Organisatie B (leefgebieden)"
    assert changes.names["a"] == "Club A" and changes.names["c"] == "Moskee C"


def test_coverage_then_and_now_comes_from_the_comparison(changes):
    from buitenbeeld.analysis.compare import wijk_role_coverage
    from buitenbeeld.analysis.roles import advise_roles
    from buitenbeeld.analysis.scoring import compute_profiles, load_config

    config = load_config()
    expected = wijk_role_coverage(LATER, advise_roles(LATER, compute_profiles(LATER, config), config))
    pd.testing.assert_frame_equal(changes.coverage_nu, expected)
    table = changes.coverage_table()
    assert set(table.index) == {"Centrum", "Blerick", "Tegelen", "Laak", "Arcen"}
    assert list(table.columns[:2]) == [("bereiken", "eerder"), ("bereiken", "nu")]


# --------------------------------------------------------------------------- the report section on the demo data

@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO_DIR, target / "raw" / "demo")
    return target


def _records(path: Path) -> dict[str, dict]:
    rows = read_workbook_values(path)["organisaties"]
    header = [values.normalise_header(h) for h in rows[0]]
    return {r[0]: dict(zip(header, r + [None] * (len(header) - len(r)))) for r in rows[1:]}


def _expected_counts() -> dict[str, int]:
    """The Den Haag counts straight from the two demo workbooks, without the package's comparison."""
    before = _records(DEMO_DIR / "interviews" / "sociale_kaart_den_haag.xlsx")
    after = _records(DEMO_DIR / SECOND_ROUND[1])
    gone, new = set(before) - set(after), set(after) - set(before)
    confirm = {(g, n) for g in gone for n in new if before[g]["naam"] == after[n]["naam"]}
    changed = 0
    for org in set(before) & set(after):
        a, b = before[org], after[org]
        reach = [values.read_count(r["jongeren_bereik"], "jongeren_bereik", 10**6) for r in (a, b)]
        exact_reach = all(r.value is not None and not r.estimate for r in reach) and reach[0].value != reach[1].value
        changed += (values.parse_type(a["type"]) != values.parse_type(b["type"])
                    or set(values.parse_roles(a["rollen_nu"])) != set(values.parse_roles(b["rollen_nu"]))
                    or set(values.parse_roles(a["rollen_bereid"])) != set(values.parse_roles(b["rollen_bereid"]))
                    or exact_reach)
    return {"nieuw": len(new) - len(confirm), "weg": len(gone) - len(confirm), "veranderd": changed,
            "bevestigen": len(confirm)}


def test_den_haag_section_counts_match_the_demo_workbooks(demo_dir):
    from buitenbeeld.publish.report import load_report_data
    from buitenbeeld.publish.report_changes import changes_markdown, changes_tables

    data = load_report_data("Den Haag", 2013, demo_dir)
    text = changes_markdown(data)
    expected = _expected_counts()
    assert expected == {"nieuw": 3, "weg": 3, "veranderd": 5, "bevestigen": 1}  # the story the demo tells
    assert text.startswith("### Wat is er veranderd")
    assert f"- **{expected['nieuw']}** organisaties zijn nieuw in de kaart." in text
    assert f"- **{expected['weg']}** organisaties staan niet meer in de kaart." in text
    assert f"- Bij **{expected['veranderd']}** organisaties is iets veranderd" in text
    assert f"- **{expected['bevestigen']}** organisatie staat er misschien onder een andere code in" in text
    assert "ronde 1 (jan-mrt 2024)" in text and "ronde 2 (jan-mrt 2025)" in text
    tables = changes_tables(data)
    shown = tables["veranderingen"]["Wat is er veranderd"]
    assert (shown == "nieuw in de kaart").sum() == 3 and (shown == "niet meer in de kaart").sum() == 3
    assert len(tables["mogelijk_dezelfde_organisatie"]) == 1


def test_den_haag_section_hides_names_without_consent_and_escapes(demo_dir):
    from buitenbeeld.publish.report import load_report_data
    from buitenbeeld.publish.report_changes import changes_markdown

    data = load_report_data("Den Haag", 2013, demo_dir)
    text = changes_markdown(data)
    alle = pd.concat([data.kaart.organisaties, data.kaart.eerdere_rondes])
    hidden = set(alle.loc[~alle["toestemming_publicatie"].astype(bool) & (alle["gemeentecode"] == "GM0518"), "naam"])
    assert hidden and not any(name in text for name in hidden)
    assert re.search(r"\| Organisatie [A-Z] \(commercieel\) \| Organisatie [A-Z] \(commercieel\) \| naam, type en wijk \|",
                     text)
    assert "Kapsalon Fade" not in text  # the organisation to confirm gave no consent
    rounds = gemeente_rounds(data.kaart.organisaties, data.kaart.eerdere_rondes, "GM0518")
    assert [len(r) for r in rounds] == [20, 20]


def test_one_round_shows_nothing(demo_dir):
    from buitenbeeld.publish.report import load_report_data
    from buitenbeeld.publish.report_changes import changes_markdown, changes_tables

    data = load_report_data("Venlo", 2013, demo_dir)
    assert changes_markdown(data) is None and changes_tables(data) == {}


def test_the_notebook_shows_the_rounds_of_den_haag(demo_dir, tmp_path):
    import nbformat
    import papermill as pm

    from buitenbeeld.settings import NOTEBOOKS_DIR

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "sociale_kaart_door_de_tijd.ipynb"), str(out), cwd=str(NOTEBOOKS_DIR),
                        parameters={"data_map": str(demo_dir)}, progress_bar=False)
    text = str(nbformat.read(out, as_version=4).cells)
    assert "waarvan 1 met meer dan" in text and "van ronde 1 (jan-mrt 2024) naar ronde 2 (jan-mrt 2025)" in text
    assert "image/png" in text  # the plot
    # every table through the report's escaping table (show_table), never pandas' own HTML; names with consent only
    assert "bb-tabel" in text and "dataframe" not in text
    from buitenbeeld.publish.report import load_report_data

    hidden = _without_consent(load_report_data("Den Haag", 2013, demo_dir))
    assert "Stichting Geld op Orde" in text and not any(name in text for name in hidden)


def test_the_notebook_runs_with_one_round_only(data_dir, tmp_path):
    import nbformat
    import papermill as pm

    from buitenbeeld.settings import NOTEBOOKS_DIR

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "sociale_kaart_door_de_tijd.ipynb"), str(out), cwd=str(NOTEBOOKS_DIR),
                        parameters={"data_map": str(data_dir)}, progress_bar=False)
    assert "Geen twee rondes om te vergelijken" in str(nbformat.read(out, as_version=4).cells)


# --------------------------------------------------------------------------- consent on both sides of a possible match

def _flip(earlier_consent: bool, later_consent: bool):
    earlier = pd.DataFrame([_org("a", "Club A"), _org("d", "Buurthuis Zon", "leefgebieden", ("Laak",),
                                                       consent=earlier_consent)])
    later = pd.DataFrame([_org("a", "Club A"), _org("q", "Geheim Q", consent=False),
                          _org("x", "Buurthuis Zon", "leefgebieden", ("Laak",), consent=later_consent)])
    return compare_rounds(earlier, later)


@pytest.mark.parametrize("earlier_consent, later_consent", [(True, False), (False, True), (False, False)])
def test_a_possible_match_is_named_only_when_both_rounds_gave_consent(earlier_consent, later_consent):
    from buitenbeeld.publish.report_changes import changes_frame, matches_frame

    result = _flip(earlier_consent, later_consent)
    shown = matches_frame(result)
    assert shown.values.tolist() == [[result.names["d"], result.names["x"], "naam, type en wijk"]]
    assert "Buurthuis Zon" not in str(shown.values.tolist()) + str(changes_frame(result).values.tolist())
    assert all(str(result.names[i]).startswith("Organisatie ") for i in ("d", "x", "q"))
    assert result.names["a"] == "Club A" and result.names["q"] == "Organisatie A (interesse/hobby)"  # report lettering
    assert len(set(result.names)) == len(result.names)  # no two organisations share a label


def test_a_possible_match_with_consent_in_both_rounds_is_named():
    from buitenbeeld.publish.report_changes import matches_frame

    assert matches_frame(_flip(True, True)).values.tolist() == [["Buurthuis Zon", "Buurthuis Zon", "naam, type en wijk"]]


def test_a_gone_organisation_follows_its_consent_in_its_last_round():
    earlier = pd.DataFrame([_org("a", "Club A"), _org("g", "Weg G", consent=False), _org("h", "Weg H")])
    later = pd.DataFrame([_org("a", "Club A", consent=False)])
    result = compare_rounds(earlier, later)
    assert result.names["g"].startswith("Organisatie ") and result.names["h"] == "Weg H"
    assert result.names["a"] == "Organisatie A (interesse/hobby)"  # named as the later round allows


def _all_text(data) -> str:
    from buitenbeeld.publish.report_changes import changes_markdown, changes_tables

    tables = changes_tables(data)
    return changes_markdown(data) + "".join(f.to_csv() for f in tables.values())


def _without_consent(data) -> set[str]:
    alle = pd.concat([data.kaart.organisaties, data.kaart.eerdere_rondes])
    alle = alle[alle["gemeentecode"] == data.gemeente.code]
    return set(alle.loc[~alle["toestemming_publicatie"].astype(bool), "naam"])


def test_den_haag_names_no_organisation_without_consent_in_markdown_or_tables(demo_dir):
    from buitenbeeld.publish.report import load_report_data

    data = load_report_data("Den Haag", 2013, demo_dir)
    hidden, text = _without_consent(data), _all_text(data)
    assert hidden and not any(name in text for name in hidden)
    assert "Stichting Geld op Orde" in text and "Dansstudio Urban Moves" in text  # named with consent


@pytest.mark.parametrize("side", ["eerder", "nu"])
def test_den_haag_consent_flip_of_the_possible_match_names_no_one(demo_dir, side):
    from buitenbeeld.publish.report import load_report_data

    data = load_report_data("Den Haag", 2013, demo_dir)
    if side == "eerder":  # Kapsalon Fade (DH-001) consented in round 1, not in round 2 (DH-104)
        frame = data.kaart.eerdere_rondes.copy()
        frame.loc[frame["organisatie_id"] == "DH-001", "toestemming_publicatie"] = True
        data.kaart.eerdere_rondes = frame
    else:  # the reverse: only round 2 consented
        frame = data.organisaties.copy()
        frame.loc[frame["organisatie_id"] == "DH-104", "toestemming_publicatie"] = True
        data.organisaties = frame
    text = _all_text(data)
    assert "Kapsalon Fade" not in text
    assert re.search(r"\| Organisatie [A-Z]+ \(commercieel\) \| Organisatie [A-Z]+ \(commercieel\) \| naam, type en wijk \|",
                     text)


# --------------------------------------------------------------------------- one comparison per report

def test_the_rounds_are_compared_once_per_report(demo_dir, monkeypatch):
    from buitenbeeld.publish import report_changes
    from buitenbeeld.publish.report import load_report_data

    calls = {"compare_rounds": 0, "gemeente_rounds": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(report_changes, "compare_rounds", counted("compare_rounds", report_changes.compare_rounds))
    monkeypatch.setattr(report_changes, "gemeente_rounds", counted("gemeente_rounds", report_changes.gemeente_rounds))
    data = load_report_data("Den Haag", 2013, demo_dir)
    first = report_changes.changes_markdown(data)
    report_changes.changes_tables(data)
    assert report_changes.changes_markdown(data) == first and report_changes.report_changes(data) is not None
    assert calls == {"compare_rounds": 1, "gemeente_rounds": 1}
    other = load_report_data("Den Haag", 2013, demo_dir)  # another report: its own comparison
    assert report_changes.changes_markdown(other) == first and calls["compare_rounds"] == 2
    frame = other.organisaties.copy()  # a table replaced on the report data: compared again, nothing stale
    frame["toestemming_publicatie"] = False
    other.organisaties = frame
    assert "Stichting Geld op Orde" not in report_changes.changes_markdown(other) and calls["compare_rounds"] == 3
    assert "Stichting Geld op Orde" in report_changes.changes_markdown(data) and calls["compare_rounds"] == 3
