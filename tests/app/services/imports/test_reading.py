"""Reading files and values: separators, encodings, spreadsheet numbers, Italian decimals, dates, check digits."""

from datetime import date
from datetime import datetime

import polars as pl
import pytest
from openpyxl import Workbook

from app.services.imports import layouts
from app.services.imports import readers
from app.services.imports import validation
from app.services.imports.layouts import Field
from app.services.imports.layouts import Layout


def _one_field(kind: str, values: list[str | None], **options) -> tuple[list, list[tuple]]:
    layout = Layout("test", "Test", "", (Field("value", kind, **options),))
    frame = pl.DataFrame({"_row": list(range(2, len(values) + 2)), "value": values},
                         schema={"_row": pl.Int64, "value": pl.String})
    typed, log = validation.check_fields(layout, frame)
    return typed.get_column("value").to_list(), [(p.row, p.code) for p in log.problems("f.csv")]


@pytest.mark.parametrize(("text", "cents"), [
    ("59.80", 5980), ("59,8", 5980), ("1.234,56", 123456), ("1,234.56", 123456), ("-12", -1200), ("0,05", 5),
    (" 7 ", 700), ("1 234,50", 123450), ("61.350", 6135), (".5", 50),
])
def test_money_is_read_exactly(text, cents):
    values, problems = _one_field("money", [text])
    assert (values, problems) == ([cents], [])


@pytest.mark.parametrize(("text", "code"), [
    ("59.805", "too_many_places"), ("1e3", "not_a_number"), ("12,5,0", "not_a_number"), ("€ 5", "not_a_number"),
    ("1234567890123", "too_large"),
])
def test_bad_money(text, code):
    values, problems = _one_field("money", [text])
    assert (values, problems) == ([None], [(2, code)])


def test_dates_booleans_and_choices():
    assert _one_field("date", ["2026-03-01", "01/03/2026", "2026-02-29", "1800-01-01"]) == (
        [date(2026, 3, 1), date(2026, 3, 1), None, None], [(4, "not_a_date"), (5, "not_a_date")])
    assert _one_field("boolean", ["Sì", "NO", "1", "vero", "boh"]) == ([True, False, True, True, None],
                                                                        [(6, "not_a_boolean")])
    assert _one_field("choice", ["Active", "gone"], choices=("active",)) == (["active", None],
                                                                           [(3, "not_in_choices")])


def test_datetimes_are_italian_time():
    values, problems = _one_field("datetime", ["2026-01-15 10:00", "15/07/2026 10:00:30", "2026-01-15"])
    assert values[:2] == [datetime(2026, 1, 15, 9, 0, tzinfo=values[0].tzinfo),
                          datetime(2026, 7, 15, 8, 0, 30, tzinfo=values[0].tzinfo)]
    assert problems == [(4, "not_a_datetime")]


def test_supply_points_and_check_digits():
    assert _one_field("supply_point", ["IT001E12345678", "it 012 e 123456789", "01234567890123", "IT001X12345678"]) == (
        ["IT001E12345678", "IT012E123456789", "01234567890123", None], [(5, "bad_supply_point")])
    assert _one_field("fiscal_code", ["RSSMRA80A01F205X", "02345670158", "RSSMRA80A01F205Z"])[1] == [
        (4, "bad_fiscal_code")]
    assert _one_field("vat", ["IT02345670158", "02345670159"]) == (["02345670158", None], [(3, "bad_vat")])


@pytest.mark.parametrize("separator", [";", ",", "\t", "|"])
def test_csv_separators(separator):
    data = separator.join(["a", "b"]).encode() + b"\n" + separator.join(["1", "x y"]).encode() + b"\n"
    table = readers.read(data, "f.csv")
    assert table.headers == ["a", "b"] and table.frame.row(0) == (2, "1", "x y")


def test_csv_encodings_and_blank_rows_keep_spreadsheet_row_numbers():
    data = "\ufeffnome;città\nNicolò;Forlì\n;\n\nAndrea;Cantù\n".encode()
    table = readers.read(data, "f.csv")
    assert table.headers == ["nome", "città"]
    assert table.frame.rows() == [(2, "Nicolò", "Forlì"), (5, "Andrea", "Cantù")]
    windows = readers.read("nome;città\nNicolò;Forlì\n".encode("cp1252"), "f.csv")
    assert windows.frame.rows() == [(2, "Nicolò", "Forlì")]


def test_xlsx_numbers_and_dates_come_back_as_typed(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["amount", "day", "when", "flag", "count"])
    sheet.append([61.35, datetime(2026, 3, 1), datetime(2026, 3, 1, 9, 30), True, 3])
    sheet.append([None, None, None, None, None])
    sheet.append([0.1 + 0.2, date(2026, 3, 2), None, False, 2.0])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    table = readers.read_path(path)
    assert table.frame.rows() == [(2, "61.35", "2026-03-01", "2026-03-01 09:30:00", "true", "3"),
                                  (4, "0.3", "2026-03-02", None, "false", "2")]


def test_unsupported_files_are_refused():
    with pytest.raises(readers.ReadError):
        readers.read(b"a,b", "f.txt")
    with pytest.raises(readers.ReadError):
        readers.read(b"a;b\n1;2;3\n", "f.csv")


def test_every_layout_field_has_a_known_kind():
    for layout in layouts.LAYOUTS.values():
        for field in layout.fields:
            assert field.kind in validation.READERS and field.kind in layouts.KINDS
        assert set(layout.key) <= set(layout.names)
