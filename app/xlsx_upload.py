"""THE reader of uploaded xlsx files (pupil lists, usage snapshots): bounded in time and memory.

An xlsx is a zip of XML. A small upload can unpack to hundreds of megabytes (a shared-string
table that openpyxl loads whole before the first row) or hold a million rows (253 KB of
compressed XML). So before any parsing the archive itself is inspected, from its directory and
the first bytes of the shared-string table, and refused with a Russian reason when:

- its members unpack to more than `max_unpacked_bytes` in total (Python's zipfile never yields
  more than a member's declared size, so the declared sizes bound what parsing can unpack);
- a member of 64 KB or more unpacks to more than `max_ratio` times its compressed size (real
  workbooks stay under 20: a 2,000-row class list's sheet is 16);
- xl/sharedStrings.xml is larger than `max_shared_strings_bytes`, or its `count`/`uniqueCount`
  attribute is over `max_shared_strings`.

Then the first sheet is read streaming (openpyxl read_only, iter_rows) and reading stops at the
first row over the caller's limit, so a long sheet costs `max_rows` rows, not all of them.
The bounds come from config.py (XLSX_* settings, see docs/operations.md) via `XlsxLimits.from_config`.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import openpyxl

from app.errors import DomainError
from app.i18n import _

MB = 1024 * 1024
RATIO_FROM_BYTES = 64 * 1024  # smaller members are not checked for their ratio: they cannot bloat a worker
MAX_MEMBERS = 1000  # a workbook of one sheet has about ten
MAX_COLUMNS = 100  # columns read per row; the importers' templates have at most 11
SHARED_STRINGS = "xl/sharedStrings.xml"
_COUNT = re.compile(rb'\b(?:count|uniqueCount)\s*=\s*["\'](\d+)["\']')


@dataclass(frozen=True)
class XlsxLimits:
    max_unpacked_bytes: int = 30 * MB
    max_ratio: int = 100
    max_shared_strings: int = 100_000
    max_shared_strings_bytes: int = 10 * MB

    @classmethod
    def from_config(cls, config: Mapping) -> "XlsxLimits":
        default = cls()
        return cls(
            max_unpacked_bytes=int(config.get("XLSX_MAX_UNPACKED_MB", default.max_unpacked_bytes // MB)) * MB,
            max_ratio=int(config.get("XLSX_MAX_COMPRESSION_RATIO", default.max_ratio)),
            max_shared_strings=int(config.get("XLSX_MAX_SHARED_STRINGS", default.max_shared_strings)),
            max_shared_strings_bytes=int(config.get("XLSX_MAX_SHARED_STRINGS_MB",
                                                    default.max_shared_strings_bytes // MB)) * MB,
        )


def _unreadable() -> DomainError:
    return DomainError(_("Файл не читается как таблица Excel (.xlsx): сохраните его заново в формате .xlsx."))


def inspect_archive(data: bytes, limits: XlsxLimits) -> None:
    """Refuse (DomainError) an xlsx whose unpacking would cost more than `limits` allow; parse nothing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _unreadable() from None
    _check_sizes(members, limits)
    shared = next((m for m in members if m.filename == SHARED_STRINGS), None)
    if shared is not None:
        _check_shared_strings(archive, shared, limits)


def _check_sizes(members: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    """Refuse too many members, too many bytes unpacked in all, or a member packed too tightly."""
    too_big = _("Файл слишком велик в распакованном виде (больше %(mb)s МБ): сохраните в нём только "
                "лист с таблицей и загрузите ещё раз.", mb=limits.max_unpacked_bytes // MB)
    if len(members) > MAX_MEMBERS:
        raise DomainError(too_big)
    if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
        raise DomainError(too_big)
    for member in members:
        if member.file_size >= RATIO_FROM_BYTES and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise DomainError(_("Файл сжат подозрительно сильно (часть «%(part)s» при распаковке вырастает в %(ratio)s раз): "
                                "такой файл не обрабатывается. Сохраните таблицу в Excel заново.",
                                part=member.filename, ratio=member.file_size // max(member.compress_size, 1)))


def _check_shared_strings(archive: zipfile.ZipFile, shared: zipfile.ZipInfo, limits: XlsxLimits) -> None:
    """Refuse a shared-string table over its size, or one whose head announces too many strings."""
    too_many = _("В файле слишком много разных текстовых значений (больше %(n)s): разделите таблицу "
                 "на несколько файлов.", n=limits.max_shared_strings)
    if shared.file_size > limits.max_shared_strings_bytes:
        raise DomainError(too_many)
    try:
        with archive.open(shared) as stream:
            head = stream.read(4096)
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
        raise _unreadable() from None
    root = head.split(b">", 2)  # the XML declaration, then the <sst ...> element with its counts
    counts = [int(n) for part in root[:2] for n in _COUNT.findall(part)]
    if any(n > limits.max_shared_strings for n in counts):
        raise DomainError(too_many)


def _sheet_rows(sheet) -> Iterator[tuple]:
    """The first sheet's rows as tuples of values, lazily (a seam for tests counting rows read)."""
    declared = sheet.max_column  # from the sheet's <dimension>, as openpyxl pads rows to it anyway
    width = min(declared, MAX_COLUMNS) if isinstance(declared, int) and declared > 0 else MAX_COLUMNS
    return sheet.iter_rows(values_only=True, max_col=width)


def _blank(row) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def read_xlsx(data: bytes, *, max_rows: int, limits: XlsxLimits | None = None) -> list[list]:
    """The first sheet's rows (the header first) as lists of cell values, up to MAX_COLUMNS wide.

    Refuses with a Russian DomainError an archive over `limits` (before parsing), a file that is
    not a workbook, and a sheet with more than `max_rows` filled rows under the header or more
    than `max_rows` blank ones; reading stops at the first row over the limit. Blank rows are
    kept in place (row numbers in messages stay the spreadsheet's own)."""
    limits = limits or XlsxLimits()
    inspect_archive(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _unreadable() from None
    too_long = _("В файле больше %(max)s строк: разделите его на несколько файлов.", max=max_rows)
    rows: list[list] = []
    filled = blank = 0
    try:
        if not book.worksheets:
            raise _unreadable()
        for row in _sheet_rows(book.worksheets[0]):
            if rows and _blank(row):
                blank += 1
            elif rows:
                filled += 1
            if filled > max_rows or blank > max_rows:
                raise DomainError(too_long)
            rows.append(list(row))
    except DomainError:
        raise
    except Exception:
        raise _unreadable() from None
    finally:
        book.close()
    return rows
