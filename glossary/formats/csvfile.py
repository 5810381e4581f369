"""CSV for spreadsheets: same columns as the TSV, formula-looking cells neutralised.

A cell starting with = + - @ (or a tab / carriage return) would run as a formula when the file
is opened in a spreadsheet, so it is written with a leading apostrophe; reading strips it again.
"""

from __future__ import annotations

import csv
import io

from mt.errors import KoenError, located

from ..termbase import COLUMNS, Entry, RowProblem, Termbase, parse_row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) or cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS + ("'",)) else cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS + ("'",)) else cell


class CsvFormat:
    name = "csv"
    suffixes = (".csv",)

    def read(self, data: bytes, path: str) -> list[Entry]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise KoenError(f"{path}: not UTF-8 (byte {exc.start})") from None
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise KoenError(f"{path}: not a CSV file ({exc})") from None
        if not rows or [c.strip().lower() for c in rows[0]] != list(COLUMNS):
            # A two-column (DeepL/Google) or other-header CSV: the termbase's own mapping reads it.
            return Termbase.from_text(data, path if path.lower().endswith(".csv") else f"{path}.csv").entries
        entries = []
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            problems: list[RowProblem] = []
            entry = parse_row([restore(c) for c in row], number, problems)
            if problems:
                raise KoenError(located(path, number, problems[0].message))
            entries.append(entry)
        return entries

    def write(self, entries: list[Entry]) -> bytes:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for entry in entries:
            writer.writerow([neutralise(cell) for cell in entry.to_row().split("\t")])
        return out.getvalue().encode("utf-8")


FORMAT = CsvFormat()
