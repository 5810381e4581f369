"""Turning one structured row (a JSON object, a dataset row) into a record: the configured text
fields to translate, an optional id and date field; shared by the JSONL and datasets readers."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from .base import BadRecord, Record, parse_record_date


@dataclass(frozen=True)
class RowFields:
    text_fields: tuple[str, ...] = ("title", "body")
    id_field: str | None = "id"
    date_field: str | None = "date"

    def describe(self) -> dict:
        return {"text_fields": list(self.text_fields), "id_field": self.id_field, "date_field": self.date_field}


def row_record(row, position: int, location: str, fields: RowFields) -> Record | BadRecord:
    number = str(position + 1)
    if not isinstance(row, dict):
        return BadRecord(position, number, location, f"expected a JSON object, found {type(row).__name__}")
    record_id = row.get(fields.id_field) if fields.id_field else None
    record_id = number if record_id is None else str(record_id)
    texts = {}
    for name in fields.text_fields:
        if name not in row:
            return BadRecord(position, record_id, location,
                             f"no {name!r} field (text fields: {', '.join(fields.text_fields)}; see --fields)")
        value = row[name]
        if value is None:
            value = ""
        if not isinstance(value, str):
            return BadRecord(position, record_id, location, f"field {name!r} is {type(value).__name__}, expected text")
        texts[name] = value
    day = None
    raw_date = row.get(fields.date_field) if fields.date_field else None
    if isinstance(raw_date, datetime.datetime):
        day = raw_date.date()
    elif isinstance(raw_date, datetime.date):
        day = raw_date
    elif raw_date not in (None, ""):
        try:
            day = parse_record_date(str(raw_date))
        except ValueError as exc:
            return BadRecord(position, record_id, location, f"field {fields.date_field!r}: {exc}")
    return Record(position, record_id, location, texts, day)


def dump_row(row: dict, replaced: dict[str, str] | None) -> str:
    """The row as one JSON line, translated text fields in place, other keys and their order kept."""
    if replaced:
        row = {key: replaced.get(key, value) for key, value in row.items()}
    return json.dumps(row, ensure_ascii=False, default=str)
