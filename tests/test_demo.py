"""Tests of the synthetic demo-data generator and of the committed demo files."""
from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
from openpyxl import load_workbook

from buitenbeeld.demo.cbs import _youth_figures
from buitenbeeld.demo.generate import write_demo_data
from buitenbeeld.demo.interviews import (
    DEMO_SEED,
    PILOT_GEMEENTEN,
    SYNTHETIC_MARKER,
    demo_contents,
    read_workbook_values,
)
from buitenbeeld.demo.statline import write_statline_cache
from buitenbeeld.errors import UnknownGemeenteError
from buitenbeeld.reference.gemeenten import list_gemeenten, resolve_gemeente

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo"
CBS_FILE = "cbs/jongeren_buiten_beeld_2013.xlsx"
NATIONAL = ["NL01", "Nederland", 2489440, 134430, 65910]
# How the test reads the type spellings an interviewer may use.
TYPE_SPELLINGS = {
    "commercieel": "commercieel", "commerciële organisatie": "commercieel",
    "sociale onderneming": "sociale onderneming", "sociaal ondernemer": "sociale onderneming",
    "interesse/hobby": "interesse/hobby", "interesse / hobby": "interesse/hobby", "hobby": "interesse/hobby",
    "leefgebieden": "leefgebieden", "cultuur/religie": "cultuur/religie", "religieus": "cultuur/religie",
    "formeel": "formeel",
}


@pytest.fixture(scope="module")
def contents():
    return demo_contents()


def _column(header: object) -> str:
    return re.sub(r"[\s_]+", "_", str(header).strip().lower())


def _records(rows: list[list]) -> list[dict]:
    header = [_column(h) for h in rows[0]]
    return [dict(zip(header, row + [None] * (len(header) - len(row)))) for row in rows[1:]]


def _interview_files(contents) -> dict[str, list[dict]]:
    return {path: _records(sheets["organisaties"])
            for path, sheets in contents.items() if path.startswith("interviews/")}


def test_committed_files_match_generator(contents):
    for relative, sheets in contents.items():
        path = DEMO_DIR / relative
        assert path.is_file(), f"{path} missing: run `buitenbeeld demo`"
        assert read_workbook_values(path) == sheets, f"{relative} differs from the generator"


def test_no_stray_workbooks_in_demo_folder():
    from buitenbeeld.demo.generate import demo_workbooks

    found = {p.relative_to(DEMO_DIR).as_posix() for p in DEMO_DIR.rglob("*.xlsx")}
    assert found == set(demo_workbooks())
    assert {"aanpak/aanpak_leeuwarden.xlsx", "cbs/kerncijfers_wijken_buurten_2024.xlsx"} <= found


def test_write_demo_data_writes_the_committed_pilots_too(tmp_path):
    written = {p.relative_to(tmp_path).as_posix() for p in write_demo_data(tmp_path)}
    assert {"pilots/pilot_den_haag.xlsx", "pilots/pilot_venlo.xlsx", "pilots/pilot_leeuwarden.xlsx"} <= written
    assert all((tmp_path / r).read_bytes() == (DEMO_DIR / r).read_bytes() for r in written)


def test_generator_is_deterministic(contents):
    assert demo_contents() == contents
    assert demo_contents(DEMO_SEED + 1) != contents


def test_round_trip_and_stable_bytes(tmp_path, contents):
    first = write_demo_data(tmp_path / "a")
    second = write_demo_data(tmp_path / "b")
    from buitenbeeld.demo.generate import demo_workbooks

    everything = demo_workbooks()
    statline = [f"cbs/{p.name}" for p in write_statline_cache(tmp_path / "c")]
    assert [p.relative_to(tmp_path / "a").as_posix() for p in first] == list(everything) + statline
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
        if a.suffix == ".xlsx":
            assert read_workbook_values(a) == everything[a.relative_to(tmp_path / "a").as_posix()]


def test_the_statline_cache_is_committed_and_marked_synthetic(tmp_path):
    import json

    written = [p.name for p in write_statline_cache(tmp_path)]
    assert sorted(p.name for p in (DEMO_DIR / "cbs").glob("statline_*")) == sorted(written)  # nothing stale
    sidecars = sorted((DEMO_DIR / "cbs").glob("statline_*.json"))
    assert [json.loads(p.read_text(encoding="utf-8"))["tabel"] for p in sidecars] == ["84455NED", "86223NED"]
    for sidecar in sidecars:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        assert record["synthetisch"] is True and record["titel"].startswith("SYNTHETISCH")
        assert (tmp_path / sidecar.name).read_bytes() == sidecar.read_bytes()


def test_every_workbook_is_marked_synthetic(contents):
    for relative in contents:
        props = load_workbook(DEMO_DIR / relative).properties
        assert props.subject == SYNTHETIC_MARKER
        assert props.creator == "buitenbeeld demo generator"
    for relative, sheets in contents.items():
        if relative.startswith("interviews/"):
            assert any("SYNTHETISCH" in row[0] for row in sheets["toelichting"])
    assert "SYNTHETISCH" in contents[CBS_FILE]["Tabel"][1][0]


def test_each_pilot_gemeente_has_all_six_types(contents):
    files = _interview_files(contents)
    assert len(files) == len(PILOT_GEMEENTEN)
    for path, records in files.items():
        assert 15 <= len(records) <= 22, path
        types = [TYPE_SPELLINGS.get(str(r["type"]).strip().lower()) for r in records if r["naam"]]
        counts = {t: types.count(t) for t in set(TYPE_SPELLINGS.values())}
        assert sum(counts.values()) >= 15, path
        assert min(counts.values()) >= 2, (path, counts)


def test_gemeente_values_resolve_except_one_deliberate_typo(contents):
    codes, unknown = set(), []
    for path, records in _interview_files(contents).items():
        file_codes = set()
        for record in records:
            try:
                file_codes.add(resolve_gemeente(record["gemeente"], 2026).code)
            except UnknownGemeenteError:
                unknown.append(record["gemeente"])
        assert len(file_codes) == 1, path
        codes |= file_codes
    assert codes == set(PILOT_GEMEENTEN)
    assert unknown == ["Gooise Merem"]


def test_messiness_is_present(contents):
    files = _interview_files(contents)
    cells = [v for records in files.values() for r in records for v in r.values()]
    text = [v for v in cells if isinstance(v, str)]
    assert any(v.startswith("ca. ") for v in text)
    assert any(v.startswith("+/- ") for v in text)
    assert any(re.fullmatch(r"\d+-\d+", v) for v in text)
    assert any(re.fullmatch(r"\d+\+", v) for v in text)
    for literal in ("onbekend", "?", "n.v.t.", "1.200", "Den Haag", "den haag", "'s-Gravenhage", "GM0518",
                    "Den Bosch", "den bosch", "Amsterdam ", "weet niet", "J", "x", "soms"):
        assert literal in text, literal
    assert any(re.fullmatch(r"\d{1,2}-\d{1,2}-2024", v) for v in text)
    assert any(re.fullmatch(r"\d{1,2} [a-z]+ 2024", v) for v in text)
    assert any(re.fullmatch(r"2024-\d\d-\d\d", v) for v in text)
    assert any(re.fullmatch(r"\d+(;\d+)+", v) for v in text)
    assert sum(1 for records in files.values() for r in records if not r["naam"]) == 1
    headers = [sheets["organisaties"][0] for p, sheets in contents.items() if p.startswith("interviews/")]
    assert sum(any(" " in h for h in header) and "Naam" in header for header in headers) >= 2
    assert sum("notities intern" in header for header in headers) == 1


def test_interviews_are_dated_2024(contents):
    for records in _interview_files(contents).values():
        for r in records:
            day = r["datum_interview"]
            assert day is None or getattr(day, "year", None) == 2024 or "2024" in str(day)


def test_personal_columns_are_fictitious(contents):
    for records in _interview_files(contents).values():
        for r in records:
            assert r["email"] is None or r["email"].endswith("@voorbeeld.nl")
            assert r["telefoon"] is None or r["telefoon"].startswith("06-0000")
            for column in ("interviewer", "contactpersoon"):
                assert r[column] is None or r[column].endswith("(fictief)")


def test_numbers_tell_the_domain_story(contents):
    by_type: dict[str, list[dict]] = {}
    for records in _interview_files(contents).values():
        for r in records:
            by_type.setdefault(TYPE_SPELLINGS.get(str(r["type"]).lower()), []).append(r)

    def median(kind, column):
        return statistics.median(v for r in by_type[kind] if isinstance(v := r.get(column), int))

    assert median("formeel", "plaatsingen_werk_12m") > median("sociale onderneming", "plaatsingen_werk_12m")
    assert median("commercieel", "plaatsingen_werk_12m") <= 1
    assert median("commercieel", "jongeren_bereik") > median("sociale onderneming", "jongeren_bereik")
    assert median("formeel", "jongeren_zorgwekkend") < median("sociale onderneming", "jongeren_zorgwekkend")
    pairs = [(r["inschatting_gemeente_buiten_beeld"], r["jongeren_buiten_beeld"])
             for rs in by_type.values() for r in rs]
    pairs = [(a, b) for a, b in pairs if isinstance(a, int) and isinstance(b, int)]
    assert sum(a > b for a, b in pairs) > 0.7 * len(pairs)


def test_cbs_table_layout(contents):
    rows = contents[CBS_FILE]["Tabel"]
    assert rows[0][0].startswith("Jongeren buiten beeld, 1 oktober 2013")
    assert rows[2] == []
    assert rows[3] == ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld",
                       "Waarvan zonder bekende reden"]
    assert rows[4] == NATIONAL
    assert rows[0][0].endswith("(gemeentelijke indeling 2013)")
    gemeenten = rows[5:5 + 408]
    assert {r[0] for r in gemeenten} == set(list_gemeenten(2013)["gemeentecode"])
    assert [r[1] for r in gemeenten] == sorted((r[1] for r in gemeenten), key=str.casefold)
    assert rows[5 + 408] == [] and rows[-3][0].startswith("Bron: synthetische")
    symbols = [(r[0], v) for r in gemeenten for v in r[2:] if isinstance(v, str)]
    assert 3 <= sum(v == "x" for _, v in symbols) <= 6
    assert sum(v == "." for _, v in symbols) == 1
    assert not {code for code, _ in symbols} & set(PILOT_GEMEENTEN)
    assert not {code for code, _ in symbols} & {"GM0381", "GM0424", "GM0425"}  # nor a part of one


def test_youth_figures_sum_to_national_totals():
    figures = _youth_figures(DEMO_SEED)
    assert len(figures) == 408  # the gemeenten of 2013, as the CBS maatwerk table of 2013
    for column in (2, 3, 4):
        assert sum(r[column] for r in figures) == NATIONAL[column]
    assert all(v % 10 == 0 for r in figures for v in r[2:])
    assert all(r[4] <= r[3] <= r[2] for r in figures)
    youth = {r[0]: r[2] for r in figures}
    assert 140_000 <= youth["GM0363"] <= 160_000
    assert 8_000 <= youth["GM0381"] + youth["GM0424"] + youth["GM0425"] <= 10_000  # Gooise Meren's parts
    assert youth["GM0381"] > youth["GM0425"] > youth["GM0424"]  # Bussum, Naarden, Muiden


def _rollen_gemeente(record: dict) -> set[str]:
    """The roles the gemeente has in mind, read from either header of the column."""
    text = record.get("rollen_gemeente") or record.get("rollen_die_de_gemeente_beoogt") or ""
    return {part.strip().lower() for part in text.split(";") if part.strip()}


def test_rollen_gemeente_column_and_its_headers(contents):
    for path, sheets in contents.items():
        if not path.startswith("interviews/"):
            continue
        header = sheets["organisaties"][0]
        if "notities intern" in header:  # the file that leaves optional columns out
            assert not any("gemeente" in str(h).lower() and "rol" in str(h).lower() for h in header), path
            continue
        name = "rollen_gemeente" if "rollen_bereid" in header else "Rollen die de gemeente beoogt"
        assert header.index(name) == header.index(next(h for h in header if _column(h) == "rollen_bereid")) + 1, path


def test_rollen_gemeente_is_filled_for_about_a_third_with_deliberate_conflicts(contents):
    records = [r for rs in _interview_files(contents).values() for r in rs if "notities_intern" not in r]
    planned = [r for r in records if _rollen_gemeente(r)]
    assert 0.25 * len(records) <= len(planned) <= 0.45 * len(records)
    kinds = [(TYPE_SPELLINGS.get(str(r["type"]).strip().lower()), r) for r in planned]
    commercial = [r for kind, r in kinds if kind == "commercieel" and _rollen_gemeente(r) & {"activeren", "plaatsen"}]
    assert len(commercial) >= 3
    social = [r for kind, r in kinds if kind == "sociale onderneming"
              and _rollen_gemeente(r) - {p.strip().lower() for p in str(r["rollen_bereid"]).split(";")}]
    assert len(social) >= 2
    # Everything else stays within what the organisation already does.
    conflicts = {id(r) for r in commercial + social}
    for _, r in kinds:
        if id(r) not in conflicts:
            assert _rollen_gemeente(r) <= {p.strip().lower() for p in str(r["rollen_nu"]).split(";")}, r["naam"]
