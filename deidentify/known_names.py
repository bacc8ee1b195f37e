"""Dictionary pass over free text: redact every name the source systems know.

Presidio and spaCy miss names in telegraphic clinical text ("per EMS, Grant, Miguel found at home"),
and an eponym filter that protects "Hoffman sign" also spares a patient called Hoffman. The PHI zone
holds the names of every patient the feeds mention, so after Presidio a second pass replaces any
capitalised word that is one of those names (the blacklist half of Philter-style de-identification).
It over-redacts common words that are also names ("Grant", "May") rather than leak a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import duckdb

from data_contracts.contract import load_contracts

TAG = "<PERSON>"
MIN_LENGTH = 3  # two-letter names ("Li", "Wu") would also hit abbreviations; Presidio covers them
# "Parkinson disease", "Hoffman sign": an eponym followed by one of these words is a clinical term.
CLINICAL_FOLLOWERS = frozenset(
    "disease syndrome sign signs score scale reflex palsy test maneuver criteria "
    "procedure fracture operation catheter classification".split()
)
_WORD = re.compile(r"\b([A-Z][A-Za-z'\-]+)\b(?=(\W+)(\w+)|)")


def _name_columns() -> list[tuple[str, str]]:
    """(table, column) of every dropped direct-identifier column that holds a person's name."""
    return [
        (contract.table, col.name)
        for contract in load_contracts().values()
        for col in contract.columns
        if col.phi == "direct_identifier" and col.deid == "drop" and col.name.endswith("name")
    ]


def load_known_names(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Lower-cased name tokens from every name column of the PHI zone (`phi.raw.*`)."""
    existing = {
        (table, column)
        for table, column in con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = 'phi' and schema_name = 'raw'"
        ).fetchall()
    }
    selects = [
        f'select distinct "{column}" as v from phi.raw."{table}"'
        for table, column in _name_columns()
        if (table, column) in existing
    ]
    if not selects:
        return frozenset()
    rows = con.execute(
        f"""
        select distinct lower(token) from (
            select unnest(string_split_regex(v, '[^A-Za-z''\\-]+')) as token
            from ({" union ".join(selects)}) where v is not null
        ) where length(token) >= {MIN_LENGTH}
        """
    ).fetchall()
    return frozenset(r[0] for r in rows)


class KnownNameRedactor:
    """Replaces capitalised words that are known names with `<PERSON>`."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def redact(self, text: str) -> str:
        """One text."""

        def replace(match: re.Match[str]) -> str:
            word, following = match.group(1), (match.group(3) or "").lower()
            if word.lower() not in self.names or following in CLINICAL_FOLLOWERS:
                return word
            return TAG

        return _WORD.sub(replace, text)

    def __call__(self, texts: Sequence[str | None]) -> list[str | None]:
        """A batch; None and empty texts pass through."""
        return [self.redact(t) if t else t for t in texts]


def with_known_names(
    redactor: Callable[[Sequence[str | None]], list[str | None]], names: frozenset[str]
) -> Callable[[Sequence[str | None]], list[str | None]]:
    """Compose: Presidio (or any redactor) first, then the dictionary pass."""
    known = KnownNameRedactor(names)

    def redact(texts: Sequence[str | None]) -> list[str | None]:
        return known(redactor(texts))

    return redact
