"""The result of reading interview workbooks: the tables every later stage reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from buitenbeeld.ingest import wording

__all__ = ["IngestResult"]


@dataclass
class IngestResult:
    """What reading interview workbooks produced.

    ``organisaties`` has one row per loaded organisation and no personal
    columns; ``personal`` holds those, keyed by ``organisatie_id``;
    ``problems`` lists every error (row rejected) and warning (row kept, value
    flagged); ``files`` has per file the rows read, loaded and rejected;
    ``conflicts`` shows side by side the answers of an organisation that
    differ between files. A file that could not be used at all is in
    ``files`` with ``unusable`` True and its reason among the problems.

    Interviews come in rounds (:mod:`buitenbeeld.ingest.rounds`): ``organisaties``
    is the current kaart, each gemeente's latest round; ``eerdere_rondes`` holds the
    earlier rounds, with the same columns. Both carry ``ronde``, ``ronde_nr`` and
    ``ronde_label``.
    """

    organisaties: pd.DataFrame
    personal: pd.DataFrame
    problems: pd.DataFrame
    files: pd.DataFrame
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    synthetic: bool = False
    sources: list[Path] = field(default_factory=list)
    eerdere_rondes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def rejects(self) -> pd.DataFrame:
        """The problems that rejected a row."""
        return self.problems[self.problems["severity"] == "error"]

    def summary_lines(self) -> list[str]:
        """``gelezen N = geladen L + afgewezen R`` (read = loaded + rejected) per file and in total, in Dutch."""
        lines = [wording.counts_line(row.file, row.read, row.loaded, row.rejected) for row in self.files.itertuples()]
        total = self.files[["read", "loaded", "rejected"]].sum()
        lines.append(wording.counts_line("totaal", total["read"], total["loaded"], total["rejected"]))
        return lines

    def rounds_table(self) -> pd.DataFrame:
        """Per gemeente and round: ``gemeentecode``, ``gemeentenaam``, ``ronde_nr``, ``ronde_label``, ``organisaties``.

        Earlier rounds and the current one, in order; empty (with these columns) without rounds.
        """
        columns = ["gemeentecode", "gemeentenaam", "ronde_nr", "ronde_label"]
        frames = [f for f in (self.eerdere_rondes, self.organisaties) if len(f) and "ronde_nr" in f]
        if not frames:
            return pd.DataFrame(columns=[*columns, "organisaties"])
        alle = pd.concat([f[columns] for f in frames], ignore_index=True)
        table = alle.groupby(columns, sort=False).size().rename("organisaties").reset_index()
        return table.sort_values(["gemeentecode", "ronde_nr"], ignore_index=True)
