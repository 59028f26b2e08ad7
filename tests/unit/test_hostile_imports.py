"""Hostile files for both importers (pupil lists, usage snapshots): a Russian refusal, never a crash."""
import pytest

from app.errors import DomainError
from app.monitoring import imports as snapshot_import
from app.timetable import pupil_import

HOSTILE = [
    ("empty.csv", b""),
    ("empty.xlsx", b""),
    ("not-a-workbook.xlsx", b"PK\x03\x04 this is not a zip"),
    ("binary.xlsx", bytes(range(256)) * 4),
]


@pytest.mark.parametrize("name,data", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_pupil_import_refuses_unreadable_files_in_russian(app, name, data):
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        pupil_import.read_table(name, data)
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
