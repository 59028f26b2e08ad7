"""Hostile xlsx files built as zip XML, the way an attacker would: nothing from the importers' own
writers. `million_rows` and `shared_strings_bomb` are cached: building them takes seconds."""
import functools
import io
import zipfile

from app.monitoring import imports as snapshot_import

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                  'spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.worksheet+xml"/>'
                  '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def _header_row(titles) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{title}</t></is></c>' for i, title in enumerate(titles))
    return f'<row r="1">{cells}</row>'


HEADERS = {"pupils": _header_row(["ФИО", "дата рождения", "класс"]),
           "snapshots": _header_row(snapshot_import.COLUMNS.values())}


def workbook(sheet_chunks, shared_chunks=("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                                           "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                                           "count=\"0\" uniqueCount=\"0\"></sst>",)) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)):
            archive.writestr(name, text)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet_chunks), ("xl/sharedStrings.xml", shared_chunks)):
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk.encode())
    return buffer.getvalue()


def rows(first: int, last: int):
    """Pupil rows numbered first..last, a few thousand per chunk."""
    for start in range(first, last + 1, 5000):
        yield "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Ученик {n}</t></is></c></row>'
                      for n in range(start, min(start + 5000, last + 1)))


@functools.cache
def million_rows(header: str) -> bytes:
    return workbook((SHEET_HEAD, header, *rows(2, 1_000_001), SHEET_TAIL))


@functools.cache
def shared_strings_bomb(megabytes: int = 60) -> bytes:
    """One cell on the sheet; a shared-string table of `megabytes` MB that packs into a few hundred KB."""
    entry = "<si><t>" + "а" * 500 + "</t></si>"
    per_mb = (1024 * 1024) // len(entry.encode())
    count = per_mb * megabytes
    head = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">')
    sheet = (SHEET_HEAD, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', SHEET_TAIL)
    return workbook(sheet, (head, *([entry * per_mb] * megabytes), "</sst>"))
