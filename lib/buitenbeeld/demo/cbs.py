"""Synthetic demo data: the CBS-style table of young people buiten beeld per gemeente.

The figures are invented from a seed, so the workbench can be shown and tested
without the real CBS maatwerk table. They are made per gemeente of 2026 (a few
large and very small gemeenten anchored near their real size, so the table
looks like the country) and shared out over the gemeenten of 2013 through the
crosswalk, as CBS maatwerk 2015/49 counts them; every figure is a multiple of
ten and each column sums exactly to the real national total. A few of the
smallest gemeenten, never a pilot gemeente, carry CBS's signs for secret and
unknown. :func:`buitenbeeld.demo.interviews.demo_contents` puts the table next
to the interview workbooks.
"""
from __future__ import annotations

import math
import random
from typing import Iterable

from buitenbeeld.reference.gemeenten import list_gemeenten

__all__ = ["cbs_rows"]

_NATIONAL = ("NL01", "Nederland", 2489440, 134430, 65910)  # CBS maatwerk 2015/49, 1 oktober 2013
# Youth 15-27 of large and very small gemeenten, so the fake table looks like the country.
_YOUTH_ANCHORS = {code: int(v) for code, v in (pair.split(":") for pair in (
    "GM0363:150000 GM0518:90000 GM0034:36000 GM0796:28000 GM0080:22000 GM0983:17000 GM1942:9000 "
    "GM0599:110000 GM0344:72000 GM0014:60000 GM0772:40000 GM0855:42000 GM0268:40000 GM0758:30000 "
    "GM0202:28000 GM0153:27000 GM0307:26000 GM0200:24000 GM0193:23000 GM0637:19000 GM0402:13000 "
    "GM0392:26000 GM0546:30000 GM0503:28000 GM0935:32000 GM0505:19000 GM0361:17000 GM0114:15000 "
    "GM1783:17000 GM0394:25000 GM1948:13000 GM0917:13000 GM1883:13000 GM0479:25000 GM0228:22000 "
    "GM0150:17000 GM0794:15000 GM1916:11000 "
    "GM0088:120 GM0096:130 GM0060:520 GM0093:620 GM0277:210 GM0339:890").split())}


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` units proportionally to ``weights`` (largest remainder, ties by position)."""
    quotas = [total * w / sum(weights) for w in weights]
    units = [math.floor(q) for q in quotas]
    order = sorted(range(len(quotas)), key=lambda i: (units[i] - quotas[i], i))
    for i in order[: total - sum(units)]:
        units[i] += 1
    return units


def _youth_figures_2026(seed: int) -> dict[str, tuple[int, int, int]]:
    """Per gemeente of 2026: youth 15-27, buiten beeld, zonder bekende reden, in units of ten.

    Each column sums exactly to the national row.
    """
    rng = random.Random(f"{seed}-cbs")
    gemeenten = list_gemeenten(2026)
    rows = sorted(zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"]), key=lambda r: (r[1].casefold(), r[0]))
    fixed = {c: round(v * rng.uniform(.97, 1.03) / 10) for c, v in _YOUTH_ANCHORS.items()}
    free = [c for c, _ in rows if c not in fixed]
    # Skewed, with a soft floor: no mainland gemeente is as small as an island.
    free_units = _allocate(_NATIONAL[2] // 10 - sum(fixed.values()),
                           [.3 + rng.lognormvariate(-.2, .65) for _ in free])
    units = {**fixed, **dict(zip(free, free_units))}
    youth = [units[c] for c, _ in rows]
    low, high = math.log(min(youth)), math.log(max(youth))
    # Larger gemeenten have relatively more young people buiten beeld.
    shares = [.028 + .055 * (math.log(y) - low) / (high - low) + rng.uniform(-.008, .008) for y in youth]
    buiten = _allocate(_NATIONAL[3] // 10, [y * s for y, s in zip(youth, shares)])
    zonder = _allocate(_NATIONAL[4] // 10, [b * rng.uniform(.42, .58) for b in buiten])
    return {c: (y, b, z) for (c, _), y, b, z in zip(rows, youth, buiten, zonder)}


def _youth_figures(seed: int) -> list[list]:
    """Per gemeente of 2013 (sorted by name): code, name, youth 15-27, buiten beeld, zonder bekende reden.

    The CBS maatwerk table of 2013 counts the gemeenten of 2013 (Bussum, Muiden and
    Naarden, not Gooise Meren). The figures are made per gemeente of 2026 and shared
    out over its 2013 parts through the crosswalk, so that a report converts them
    back. Every figure is a multiple of ten and each column sums exactly to the
    national row.
    """
    from buitenbeeld.reference.crosswalk import load_crosswalk

    rng = random.Random(f"{seed}-cbs-2013")
    links = load_crosswalk()
    size = {code: rng.lognormvariate(0, .5) for code in sorted(set(links["code_2013"]))}
    size.update({"GM0381": 3.3, "GM0425": 1.7, "GM0424": 0.65})  # Bussum, Naarden, Muiden: as their populations
    parts: dict[str, list[int]] = {code: [0, 0, 0] for code in size}
    for code_2026, (youth, buiten, zonder) in _youth_figures_2026(seed).items():
        own = links[links["code_2026"] == code_2026]
        codes = list(own["code_2013"])
        # a gemeente that kept its code is by far the largest part of what it became
        youth_parts = _allocate(youth, [20.0 if c == code_2026 else a * size[c] for a, c in zip(own["aandeel"], codes)])
        buiten_parts = _allocate(buiten, [y or 1e-9 for y in youth_parts])
        zonder_parts = _allocate(zonder, [b or 1e-9 for b in buiten_parts])
        for code, y, b, z in zip(codes, youth_parts, buiten_parts, zonder_parts):
            parts[code] = [parts[code][0] + y, parts[code][1] + b, parts[code][2] + z]
    gemeenten = list_gemeenten(2013)
    rows = sorted(zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"]), key=lambda r: (r[1].casefold(), r[0]))
    return [[c, n, *(10 * v for v in parts[c])] for c, n in rows]


def cbs_rows(seed: int, pilot_codes: Iterable[str]) -> list[list]:
    """The rows of the sheet ``Tabel``: title, header, the national row, one row per gemeente of 2013, notes.

    ``pilot_codes`` are the codes (of 2026) of the pilot gemeenten: no part of
    them gets a secret (``x``) or unknown (``.``) cell.
    """
    figures = [list(r) for r in _youth_figures(seed)]
    rng = random.Random(f"{seed}-cbs-symbols")
    # Secret cells only in the smallest gemeenten, never in a pilot gemeente.
    from buitenbeeld.reference.crosswalk import load_crosswalk

    links = load_crosswalk()
    pilot_parts = set(links.loc[links["code_2026"].isin(list(pilot_codes)), "code_2013"])
    smallest = sorted((r for r in figures if r[0] not in pilot_parts and r[3]), key=lambda r: (r[2], r[0]))[:6]
    chosen = rng.sample(smallest, rng.randint(2, 4) + 1)
    for row in chosen[:-1]:
        row[4] = "x"
    chosen[0][3] = "x"  # buiten beeld too, or the total would reveal the secret part
    chosen[-1][4] = "."
    return [
        ["Jongeren buiten beeld, 1 oktober 2013, per gemeente (gemeentelijke indeling 2013)"],
        ["SYNTHETISCHE DEMONSTRATIEGEGEVENS: de cijfers per gemeente zijn verzonnen; alleen de landelijke "
         "totalen zijn echt (CBS maatwerk 2015/49)."],
        [],
        ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld",
         "Waarvan zonder bekende reden"],
        list(_NATIONAL),
        *figures,
        [],
        ["Bron: synthetische demonstratiegegevens (buitenbeeld), naar het model van CBS maatwerk 2015/49."],
        ["Verklaring van tekens: x = geheim, . = onbekend, - = nihil."],
        ["Cijfers zijn afgerond op tientallen; totalen kunnen door afronding afwijken van de som van de gemeenten."],
    ]
