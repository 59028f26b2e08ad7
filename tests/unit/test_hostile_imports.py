"""Hostile files for both importers (pupil lists, usage snapshots): a Russian refusal, never a crash."""
import dataclasses
import io
import struct
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from app.errors import DomainError
from app.monitoring import imports as snapshot_import
from app.timetable import pupil_import
from app.xlsx_upload import XlsxLimits, inspect_archive
from tests.hostile_xlsx import (HEADERS, SHEET_HEAD, SHEET_TAIL, million_rows, rows, shared_strings_bomb,
                                workbook)

HOSTILE = [
    ("empty.csv", b""),
    ("empty.xlsx", b""),
    ("not-a-workbook.xlsx", b"PK\x03\x04 this is not a zip"),
    ("binary.xlsx", bytes(range(256)) * 4),
]


@pytest.mark.parametrize("name,data", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_pupil_import_refuses_unreadable_files_in_russian(app, name, data):
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        pupil_import.read_table(data, name)
    assert any("а" <= ch <= "я" for ch in refusal.value.message.lower())


@pytest.mark.parametrize("name,data", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_snapshot_import_refuses_unreadable_files_in_russian(app, name, data):
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        snapshot_import.read_table(data, name)
    assert any("а" <= ch <= "я" for ch in refusal.value.message.lower())


def test_csv_without_the_template_header_is_refused(app):
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        snapshot_import.read_table("=cmd|' /C calc'!A0;1;2\n".encode(), "formula.csv")
    assert "нет столбцов" in refusal.value.message


# --- archives that would stall or bloat a worker -------------------------------------------------

# The archive checks' refusals (app.xlsx_upload.inspect_archive): whichever bound trips first.
ARCHIVE_REFUSALS = ("Файл слишком велик в распакованном виде", "Файл сжат подозрительно сильно",
                    "В файле слишком много разных текстовых значений")
READERS = {
    "pupils": lambda data: pupil_import.read_table(data, "class.xlsx"),
    "snapshots": lambda data: snapshot_import.read_table(data, "usage.xlsx"),
}


@pytest.fixture
def parses(monkeypatch):
    """Which workbooks openpyxl was asked to parse (it still parses them)."""
    calls = []
    real = openpyxl.load_workbook

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    return calls


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows openpyxl handed out of read-only sheets."""
    count = [0]
    real = ReadOnlyWorksheet.iter_rows

    def counting(self, *args, **kwargs):
        for row in real(self, *args, **kwargs):
            count[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)
    return count


@pytest.mark.parametrize("reader", READERS, ids=list(READERS))
def test_a_shared_strings_bomb_is_refused_before_parsing(app, reader, parses):
    bomb = shared_strings_bomb()
    assert len(bomb) < 1024 * 1024  # 60 MB of strings in well under a megabyte
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        READERS[reader](bomb)
    assert refusal.value.message.startswith(ARCHIVE_REFUSALS), refusal.value.message
    assert parses == []


@pytest.mark.parametrize("reader", READERS, ids=list(READERS))
def test_a_million_row_sheet_is_refused_before_parsing(app, reader, parses):
    data = million_rows(HEADERS[reader])
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        READERS[reader](data)
    assert refusal.value.message.startswith(ARCHIVE_REFUSALS), refusal.value.message
    assert parses == []


@pytest.mark.parametrize("reader,limit", [("pupils", pupil_import.MAX_ROWS), ("snapshots", snapshot_import.MAX_ROWS)])
def test_reading_stops_at_the_first_row_over_the_limit(app, reader, limit, rows_read):
    """A sheet that passes the archive checks (20,000 varied rows pack like a real list) but is
    longer than the importer takes: reading stops one row past the limit, not at the sheet's end."""
    data = workbook((SHEET_HEAD, HEADERS[reader], *rows(2, 20_001), SHEET_TAIL))
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        READERS[reader](data)
    assert f"В файле больше {limit} строк" in refusal.value.message
    assert rows_read[0] == 1 + limit + 1  # the header, the rows it takes, the one over


LOOSE = XlsxLimits(max_unpacked_bytes=10**10, max_ratio=10**6, max_shared_strings=10**9,
                   max_shared_strings_bytes=10**10)


@pytest.mark.parametrize("bound,reason", [
    ({"max_unpacked_bytes": 10 * 1024 * 1024}, "Файл слишком велик в распакованном виде (больше 10 МБ)"),
    ({"max_ratio": 50}, "Файл сжат подозрительно сильно (часть «xl/sharedStrings.xml»"),
    ({"max_shared_strings_bytes": 10 * 1024 * 1024}, "В файле слишком много разных текстовых значений"),
    ({"max_shared_strings": 1000}, "В файле слишком много разных текстовых значений (больше 1000)"),
])
def test_each_archive_bound_refuses_the_bomb_on_its_own(app, bound, reason):
    """The 60 MB table trips every bound; each one, alone, refuses it."""
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        inspect_archive(shared_strings_bomb(), dataclasses.replace(LOOSE, **bound))
    assert refusal.value.message.startswith(reason), refusal.value.message


def test_the_shared_strings_count_is_read_from_the_table_head(app):
    """A small table that announces more strings than allowed is refused on its word."""
    head = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" count="3" uniqueCount="200001"><si><t>а</t></si></sst>')
    data = workbook((SHEET_HEAD, HEADERS["pupils"], SHEET_TAIL), (head,))
    inspect_archive(data, XlsxLimits(max_shared_strings=200_001))
    with app.test_request_context(), pytest.raises(DomainError, match="больше 200000"):
        inspect_archive(data, XlsxLimits(max_shared_strings=200_000))


def test_limits_come_from_the_configuration(app):
    app.config.update(XLSX_MAX_UNPACKED_MB=7, XLSX_MAX_COMPRESSION_RATIO=40, XLSX_MAX_SHARED_STRINGS=900,
                      XLSX_MAX_SHARED_STRINGS_MB=2)
    assert XlsxLimits.from_config(app.config) == XlsxLimits(max_unpacked_bytes=7 * 1024 * 1024, max_ratio=40,
                                                             max_shared_strings=900,
                                                             max_shared_strings_bytes=2 * 1024 * 1024)


def _zip(members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


UNREADABLE = "Файл не читается как таблица Excel (.xlsx): сохраните его заново в формате .xlsx."


def test_an_archive_of_more_than_a_thousand_parts_is_refused(app):
    inspect_archive(_zip((f"part{n}.xml", b"") for n in range(1000)), XlsxLimits())
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        inspect_archive(_zip((f"part{n}.xml", b"") for n in range(1001)), XlsxLimits())
    assert refusal.value.message == ("Файл слишком велик в распакованном виде (больше 30 МБ): сохраните в нём "
                                     "только лист с таблицей и загрузите ещё раз.")


def test_small_parts_are_not_held_to_the_ratio_and_a_table_without_strings_passes(app):
    """63 KB of one byte packs about a thousand to one, under the size from which ratios count;
    a workbook need not have a shared-string table at all."""
    inspect_archive(_zip([("xl/worksheets/sheet1.xml", b" " * (63 * 1024))]), XlsxLimits(max_ratio=2))
    too_packed = r"часть «xl/worksheets/sheet1.xml» при распаковке вырастает в \d+ раз"
    with app.test_request_context(), pytest.raises(DomainError, match=too_packed):
        inspect_archive(_zip([("xl/worksheets/sheet1.xml", b" " * (64 * 1024))]), XlsxLimits(max_ratio=2))


def test_a_damaged_shared_string_table_is_refused_as_unreadable(app):
    data = bytearray(workbook((SHEET_HEAD, HEADERS["pupils"], SHEET_TAIL)))
    table = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/sharedStrings.xml")
    data[table.header_offset:table.header_offset + 4] = b"XXXX"  # its local header's signature
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        inspect_archive(bytes(data), XlsxLimits())
    assert refusal.value.message == UNREADABLE


def test_a_shared_string_table_that_does_not_inflate_is_refused_as_unreadable(app):
    """Its header is sound but its deflated bytes are not: zlib raises its own error."""
    data = bytearray(workbook((SHEET_HEAD, HEADERS["pupils"], SHEET_TAIL)))
    table = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/sharedStrings.xml")
    name_length, extra_length = struct.unpack("<HH", data[table.header_offset + 26:table.header_offset + 30])
    start = table.header_offset + 30 + name_length + extra_length
    data[start:start + table.compress_size] = b"\xff" * table.compress_size
    for read in (lambda: inspect_archive(bytes(data), XlsxLimits()), lambda: READERS["pupils"](bytes(data)),
                 lambda: READERS["snapshots"](bytes(data))):
        with app.test_request_context(), pytest.raises(DomainError) as refusal:
            read()
        assert refusal.value.message == UNREADABLE
